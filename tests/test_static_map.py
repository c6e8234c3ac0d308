"""Presentation maps drawn with matplotlib (dashboard/static_map.py) and ``conflictmap render``.

A real store (the founding article of the AES and 400 generated incidents), real boundary files;
each image is read back as a user would: PNG pixels with Pillow, SVG as XML, PDF pages with pypdf.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from map_store import SAHEL_BBOX, map_db, map_store  # noqa: F401 - the module fixtures "db" and "store"
from PIL import Image

from conflictmap import views
from dashboard import cartography, static_map, view_map
from dashboard.mapview import LAND_COLOR

SVG = "{http://www.w3.org/2000/svg}"
BAND = (0x1F, 0x3A, 0x4D)  # the light theme's title band
BATTLES = (0xC0, 0x39, 0x2B)  # incident_layers.TYPE_COLORS["Battles"]
SEA = (0xB9, 0xD3, 0xE6)

SAHEL = views.ViewFilter(bbox=SAHEL_BBOX)


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def share(region: np.ndarray, color: tuple[int, int, int], tolerance: int = 6) -> float:
    """Fraction of the pixels of ``region`` within ``tolerance`` of ``color``."""
    return float((np.abs(region.astype(int) - color).max(axis=2) <= tolerance).mean())


def box(image: np.ndarray, name: str, layout: static_map.Layout | None = None) -> np.ndarray:
    h, w = image.shape[:2]
    layout = layout or static_map.page_layout(w / 100, h / 100)
    left, top, right, bottom = layout.pixels(name, w, h)
    return image[top:bottom, left:right]


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)  # well-formed XML, or this raises
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


# --------------------------------------------------------------------------- PNG


def test_png_is_1920x1080_map_with_land_title_and_legend(store) -> None:
    image = pixels(static_map.render_map(store, SAHEL))
    assert image.shape == (1080, 1920, 3)
    the_map = box(image, "map")
    assert the_map.std() > 20  # not blank
    land = tuple(int(LAND_COLOR[i : i + 2], 16) for i in (1, 3, 5))
    assert share(the_map, land, 2) > 0.05  # the countries layer: land in the dashboard's colour
    assert share(the_map, SEA, 2) > 0.02  # and the sea around West Africa
    assert share(image[:90], BAND) > 0.7  # the title band across the top
    assert share(box(image, "legend"), BATTLES, 20) > 0  # the incidents' legend swatch


def test_title_and_legend_are_drawn(store) -> None:
    plain = pixels(static_map.render_map(store, SAHEL, title="", subtitle="", legend=False))
    full = pixels(static_map.render_map(store, SAHEL, title="Sahel incidents, 2018 to 2025", subtitle="A subtitle"))
    white_band = lambda im: share(im[10:90, :960], (255, 255, 255), 60)
    assert white_band(plain) == 0
    assert white_band(full) > 0.01  # white title letters on the band
    legend_plain, legend_full = box(plain, "legend"), box(full, "legend")
    assert share(legend_plain, (255, 255, 255), 0) > 0.999  # nothing where the legend goes …
    assert share(legend_full, (255, 255, 255), 0) < 0.97  # … and text and swatches with it
    assert share(box(full, "inset"), SEA, 2) > 0.2  # the inset locator map


def test_print_theme_png_is_a4_at_300_dpi(store) -> None:
    data = static_map.render_map(store, SAHEL, theme="print", paper="a4")
    image = Image.open(io.BytesIO(data))
    assert image.size == (3508, 2480)  # 297 × 210 mm at 300 dpi
    assert [round(v) for v in image.info["dpi"]] == [300, 300]
    rgb = np.asarray(image.convert("RGB"))
    layout = static_map.page_layout(3508 / 300, 2480 / 300)
    assert share(rgb[:250], BAND) == 0 and share(rgb[:250], (255, 255, 255), 0) > 0.9  # no dark band: white
    assert share(rgb[:200, :1500], (0, 0, 0), 40) > 0.01  # black title on white
    the_map = box(rgb, "map", layout)
    assert share(the_map, SEA, 2) < 1e-4 and share(the_map, (255, 255, 255), 0) > 0.02  # a white sea
    assert the_map.std() > 20


def test_100k_style_points_render_rasterised_in_svg(store) -> None:
    """Points are one raster image in vector formats, not one element per incident."""
    data = static_map.render_map(store, views.ViewFilter(), fmt="svg", all_points=True)
    root = ET.fromstring(data)
    assert len(list(root.iter(f"{SVG}image"))) >= 1
    assert len(list(root.iter(f"{SVG}use"))) < 400  # fewer marker elements than incidents


# --------------------------------------------------------------------------- SVG and PDF


def test_svg_is_xml_with_title_subtitle_and_legend_as_escaped_text(store) -> None:
    title = "Raid <script>alert(\"x\")</script> & 'quotes'"
    subtitle = "Costs $5 & $6 <b>bold</b>"
    data = static_map.render_map(store, SAHEL, fmt="svg", title=title, subtitle=subtitle)
    texts = svg_texts(data)
    assert title in texts and subtitle in texts  # as text: no markup, no mathtext
    root = ET.fromstring(data)
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}b"))
    assert b"<script>" not in data
    for label in ("Battles", "Incidents by type (4", "Alliances on", "Country border", "Places in the articles"):
        assert any(label in t for t in texts), label
    assert any(t.endswith("km  (true at 14° N)") for t in texts)  # the scale bar, at the map's latitude
    assert "N" in texts  # the north arrow
    assert any("Natural Earth" in t for t in texts) and any("GeoNames" in t for t in texts)  # attribution


def test_pdf_is_one_page_of_the_page_size(store) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(static_map.render_map(store, SAHEL, fmt="pdf", title="Founding map")))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((1382.4, 777.6))  # 19.2 × 10.8 in
    text = page.extract_text()
    assert "Founding map" in text and "Alliances on" in text
    a4 = PdfReader(io.BytesIO(static_map.render_map(store, SAHEL, fmt="pdf", theme="print", paper="a4"))).pages[0]
    assert (float(a4.mediabox.width), float(a4.mediabox.height)) == pytest.approx((841.9, 595.3), abs=0.2)


# --------------------------------------------------------------------------- the view


def test_filters_and_modes_reach_the_map(store) -> None:
    battles = svg_texts(
        static_map.render_map(
            store, SAHEL.replace(event_types=("Battles",), start=views.AES_CHARTER, countries=("MLI",)), fmt="svg"
        )
    )
    assert any(t.startswith("since 16 September 2023 · Battles · Mali ·") for t in battles)  # subtitle in words
    assert "Battles" in battles and "Riots" not in battles
    choro = svg_texts(static_map.render_map(store, SAHEL.replace(mode="choropleth", metric="fatalities"), fmt="svg"))
    assert any("Fatalities per admin-1 unit" in t for t in choro)
    heat = svg_texts(static_map.render_map(store, SAHEL.replace(mode="heatmap"), fmt="svg"))
    assert any("per hexagon" in t for t in heat)
    bare = svg_texts(static_map.render_map(store, SAHEL.replace(layers=("countries",)), fmt="svg"))
    assert not any(t.startswith("Alliances on") or t == "Battles" for t in bare)


def test_legend_classes_are_the_interactive_maps(store) -> None:
    """The choropleth's classes and colours come from the overlay the dashboard draws."""
    view = SAHEL.replace(mode="choropleth")
    overlay = view_map.incident_overlay(store, view, {}).overlay
    block = cartography.legend_block(overlay.legend)
    assert block.title.startswith("Incidents per admin-1 unit") and len(block.rows) >= 3
    texts = svg_texts(static_map.render_map(store, view, fmt="svg"))
    for _, label in block.rows:
        assert label in texts


def test_extent_is_the_bbox_else_the_data_else_the_sahel(store, tmp_path: Path) -> None:
    from conflictmap.store import Store

    assert static_map.map_extent(store, SAHEL, []) == SAHEL_BBOX
    west, south, east, north = static_map.map_extent(store, views.ViewFilter(countries=("NER",)), [])
    niger = views.incidents_frame(store, views.ViewFilter(countries=("NER",)))
    assert west <= niger["lon"].min() and niger["lon"].max() <= east
    assert south <= niger["lat"].min() and niger["lat"].max() <= north
    assert east - west < 20  # Niger, not the whole Sahel
    with Store(tmp_path / "empty.db") as empty:
        assert static_map.map_extent(empty, views.ViewFilter(), []) == static_map.SAHEL_EXTENT
        image = pixels(static_map.render_map(empty, views.ViewFilter()))  # an empty store still makes a map
    assert image.shape == (1080, 1920, 3) and box(image, "map").std() > 10


def test_labels_never_overlap() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    rng = np.random.default_rng(4)
    crowd = [
        cartography.LabelCandidate(float(x), float(y), f"Village {i}", 3.0)
        for i, (x, y) in enumerate(rng.uniform(1, 9, (120, 2)))
    ]
    kept = cartography.place_labels(ax, crowd, fontsize=9, color="black", halo="white")
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in kept]
    assert 5 < len(kept) < len(crowd)  # some fit, the rest are left out
    for i, a in enumerate(boxes):
        assert all(not a.overlaps(b) for b in boxes[i + 1 :])
        assert ax.get_window_extent(renderer).contains(a.x0, a.y0) and ax.get_window_extent(renderer).contains(
            a.x1, a.y1
        )


def test_labels_name_the_places(store) -> None:
    texts = svg_texts(static_map.render_map(store, SAHEL, fmt="svg", labels=True))
    assert "Gorgadji" in texts and "Niger" in texts  # a town and an area named in the article
    assert "Gorgadji" not in svg_texts(static_map.render_map(store, SAHEL, fmt="svg"))


def test_scale_bar_is_true_at_the_maps_latitude() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    for lat, extent in ((0, (0.0, -5.0, 10.0, 5.0)), (60, (0.0, 55.0, 10.0, 65.0))):
        fig = Figure(figsize=(8, 8))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        bar = cartography.add_scale_bar(ax, extent, fontsize=10, color="black", box="white")
        width_deg = bar.size_bar.get_children()[0].get_width()
        km = float(bar.txt_label.get_text().split(" km")[0].replace(",", ""))
        assert width_deg * 111.32 * np.cos(np.radians(lat)) == pytest.approx(km)
        assert f"true at {lat}° N" in bar.txt_label.get_text()
    assert [cartography.nice_length(v) for v in (0.7, 3.2, 180, 999)] == [0.5, 2, 100, 500]


def test_bad_options_are_clear_errors(store) -> None:
    with pytest.raises(static_map.RenderError, match="unknown format 'gif'"):
        static_map.render_map(store, SAHEL, fmt="gif")
    with pytest.raises(static_map.RenderError, match="unknown theme 'dark'"):
        static_map.render_map(store, SAHEL, theme="dark")
    with pytest.raises(static_map.RenderError, match="out of range"):
        static_map.render_map(store, SAHEL, width=10)


# --------------------------------------------------------------------------- conflictmap render


def _cli(capsys, *argv: str) -> tuple[int, str]:
    from conflictmap.cli import main

    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse
        code = exc.code
    return code, capsys.readouterr().err


def test_cli_render_writes_each_format(db: Path, tmp_path: Path, capsys) -> None:
    from pypdf import PdfReader

    png, svg, pdf = tmp_path / "map.png", tmp_path / "map.svg", tmp_path / "print.pdf"
    assert _cli(capsys, "--db", str(db), "render", "-o", str(png), "--bbox", "-18,4,24,24.5", "--labels")[0] == 0
    assert Image.open(png).size == (1920, 1080)
    code, err = _cli(
        capsys,
        "--db",
        str(db),
        "render",
        "-o",
        str(svg),
        "--type",
        "Battles",
        "--mode",
        "heatmap",
        "--title",
        "Battles <2023>",
    )
    assert code == 0 and "SVG map written" in err
    assert "Battles <2023>" in svg_texts(svg.read_bytes())
    view = "http://127.0.0.1:8501/?from=2023-09-16&country=MLI&mode=choropleth"
    assert (
        _cli(capsys, "--db", str(db), "render", "--view", view, "--theme", "print", "--paper", "a4", "-o", str(pdf))[0]
        == 0
    )
    page = PdfReader(pdf).pages[0]
    assert round(float(page.mediabox.width)) == 842 and "since 16 September 2023 · Mali" in page.extract_text()
    # no -o: a name with the dates, in the current folder
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path)
        assert (
            _cli(capsys, "--db", str(db), "render", "--from", "2024-01-01", "--to", "2024-06-30", "-f", "svg")[0] == 0
        )
    assert (tmp_path / "conflictmap-2024-01-01_2024-06-30.svg").exists()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["-o", "map.jpg"], "cannot tell the image format from 'map.jpg'"),
        (["-o", "map.pdf", "--format", "png"], "--format png but the output file ends in .pdf"),
        (["--bbox", "10,0,5,5"], "argument --bbox"),
        (["--from", "2024-02-01", "--to", "2024-01-01"], "--from 2024-02-01 is after --to 2024-01-01"),
        (["--layers", "roads"], "unknown layer 'roads'"),
        (["--theme", "dark"], "argument --theme: invalid choice"),
        (["--width", "20"], "argument --width: 20 is out of range"),
        (["--view", "from=yesterday"], "argument --view: from"),
        (["--capture", "-o", "map.svg"], "--capture makes PNG or PDF"),
        (["--capture", "--labels"], "--labels applies to the static renderer"),
    ],
)
def test_cli_render_bad_options_exit_2_with_one_line(
    db: Path, tmp_path: Path, capsys, monkeypatch, argv, message
) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = _cli(capsys, "--db", str(db), "render", *argv)
    assert code == 2
    errors = [line for line in err.splitlines() if line.startswith("conflictmap: error:")]
    assert len(errors) == 1 and message in errors[0], err
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing written


def test_cli_render_without_a_store_is_one_line(tmp_path: Path, capsys) -> None:
    code, err = _cli(capsys, "--db", str(tmp_path / "none.db"), "render", "-o", str(tmp_path / "m.png"))
    assert (
        code == 1 and err.strip().startswith("conflictmap: error: no store at") and len(err.strip().splitlines()) == 1
    )
