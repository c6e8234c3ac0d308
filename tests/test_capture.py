"""The interactive map captured in headless Chromium (dashboard/capture.py), offline.

Real Debian Chromium (tests/conftest.py ``chromium``), a real store, the dashboard's own folium
map (dashboard/view_map.py). Every request that is not file:, data: or loopback is aborted and
recorded by the capture itself: the tests assert there was none.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from map_store import SAHEL_BBOX, map_db, map_store  # noqa: F401 - the module fixtures "db" and "store"
from PIL import Image

from conflictmap import views
from dashboard import capture, incident_layers, mapview, view_map

pytestmark = pytest.mark.e2e
SAHEL = views.ViewFilter(bbox=SAHEL_BBOX)


@pytest.fixture(scope="module")
def shot(store, chromium: Path) -> capture.Capture:
    return capture.capture_view(store, SAHEL, title="Sahel <b>incidents</b> & places")


def test_png_is_the_viewport_and_not_blank(shot: capture.Capture) -> None:
    image = Image.open(io.BytesIO(shot.data))
    assert image.format == "PNG" and image.size == (1920, 1080)
    rgb = np.asarray(image.convert("RGB"))
    assert rgb.std() > 20
    assert shot.drawn > 100  # borders, alliances, incident markers and controls
    assert shot.blocked == [], shot.blocked  # nothing left the machine
    assert shot.errors == [], shot.errors


def test_legend_in_the_page_and_in_the_picture(shot: capture.Capture) -> None:
    assert "Incidents by type" in shot.legend and "Battles" in shot.legend
    assert "Alliances on" in shot.legend and "Alliance of Sahel States" in shot.legend
    assert "Sahel <b>incidents</b> & places" in shot.legend  # the title box, as text
    rgb = np.asarray(Image.open(io.BytesIO(shot.data)).convert("RGB")).astype(int)
    assert len(shot.legend_boxes) >= 3  # title, incidents legend, alliances legend
    for x, y, w, h in shot.legend_boxes:
        assert w > 60 and h > 20
        region = rgb[int(y) + 2 : int(y + h) - 2, int(x) + 2 : int(x + w) - 2]
        light = (region.min(axis=2) > 225).mean()
        dark = (region.max(axis=2) < 110).mean()
        assert light > 0.5 and dark > 0.005  # a white box with text in it


def test_pdf_is_one_page_of_the_viewport(store, chromium: Path) -> None:
    from pypdf import PdfReader

    shot = capture.capture_view(store, SAHEL, fmt="pdf", width=1280, height=720)
    reader = PdfReader(io.BytesIO(shot.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((960, 540), abs=1)  # 1280×720 px at 96 px/in
    assert shot.blocked == []


def test_one_browser_for_many_captures(store, chromium: Path) -> None:
    with capture.Browser() as browser:
        points = capture.capture_view(store, SAHEL, width=800, height=600, browser=browser)
        choropleth = capture.capture_view(
            store, SAHEL.replace(mode="choropleth"), width=800, height=600, browser=browser
        )
    assert "Incidents by type" in points.legend and "admin-1 unit" in choropleth.legend
    assert points.data != choropleth.data
    assert Image.open(io.BytesIO(choropleth.data)).size == (800, 600)


def test_requests_off_the_machine_are_blocked(tmp_path: Path, chromium: Path) -> None:
    page = tmp_path / "remote.html"
    page.write_text(
        '<!doctype html><html><head><link rel="stylesheet" href="https://unpkg.com/leaflet.css"></head>'
        '<body><img src="http://example.org/x.png"><script src="../x.js"></script>'
        '<div class="leaflet-container"></div><script>window.L = {};</script></body></html>',
        encoding="utf-8",
    )
    shot = capture.capture_file(page, width=400, height=300)
    assert sorted(shot.blocked) == ["http://example.org/x.png", "https://unpkg.com/leaflet.css"]
    assert Image.open(io.BytesIO(shot.data)).size == (400, 300)


def test_capture_map_bytes_and_mode_follow_the_view(store, chromium: Path) -> None:
    data = capture.capture_map(store, SAHEL.replace(mode="choropleth"), width=1000, height=700)
    assert Image.open(io.BytesIO(data)).size == (1000, 700)
    html = capture.view_page(store, SAHEL.replace(mode="choropleth"), width=1000, height=700)
    assert "admin-1 unit" in html and "file://" in html
    assert "https://" not in html.split("<body>")[0]  # no CDN link in the head


def test_the_app_and_the_capture_draw_the_same_overlay(store) -> None:
    assert view_map.drawn_mode(views.ViewFilter(), incident_layers.POINT_LIMIT + 1) == ("heatmap", True)
    assert view_map.drawn_mode(views.ViewFilter(mode="choropleth"), 10) == ("choropleth", False)
    drawn = view_map.incident_overlay(store, SAHEL.replace(event_types=("Battles",)))
    assert drawn.mode == "points" and drawn.points is not None
    assert drawn.total == views.count(store, SAHEL.replace(event_types=("Battles",)))
    assert drawn.overlay.points["types"] == ["Battles"]
    burkina = (-6.0, 9.0, 4.5, 16.0)
    html = view_map.build_view_map(store, views.ViewFilter(bbox=burkina)).get_root().render()
    last_fit = html[html.rindex("fitBounds(") :].split(")")[0]
    assert str(mapview.fit_box(burkina)) in last_fit  # the map opens on the view's extent, as in the app


def test_missing_chromium_is_a_clear_error(store, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CONFLICTMAP_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(capture.CaptureError, match=r"Chromium not found at .*apt-get install chromium"):
        capture.capture_map(store, SAHEL)


def test_cli_render_capture(db: Path, tmp_path: Path, capsys, monkeypatch, chromium: Path) -> None:
    from conflictmap.cli import main

    out = tmp_path / "live.png"
    assert (
        main(
            [
                "--db",
                str(db),
                "render",
                "--capture",
                "--mode",
                "heatmap",
                "--width",
                "1200",
                "--height",
                "800",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert Image.open(out).size == (1200, 800)
    monkeypatch.setenv("CONFLICTMAP_CHROMIUM", str(tmp_path / "no-chromium"))
    assert main(["--db", str(db), "render", "--capture", "-o", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("conflictmap: error: Chromium not found") and not (tmp_path / "x.png").exists()
