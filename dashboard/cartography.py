"""Map furniture for the static renderer (matplotlib): extent fitting, scale bar, north arrow, inset
locator, non-overlapping labels, and the interactive legends read back as (colour, label) rows.

Maps are drawn in plate carrée (degrees) with the x axis shrunk by cos(latitude of the centre), an
equirectangular projection true to scale along the centre parallel (:mod:`dashboard.extent`): the
scale bar is computed there and says so.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from dashboard.extent import Extent, fit_extent, pad_extent, x_scale

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
    from matplotlib.figure import Figure

__all__ = [
    "KM_PER_DEGREE",
    "LabelCandidate",
    "LegendBlock",
    "add_inset",
    "add_north_arrow",
    "add_polygons",
    "add_scale_bar",
    "figure_of",
    "frame_axes",
    "legend_block",
    "nice_length",
    "place_labels",
    "polygon_paths",
    "renderer_of",
]

KM_PER_DEGREE = 111.32


def figure_of(ax: Axes) -> Figure:
    """The (root) figure ``ax`` is drawn on."""
    fig = ax.get_figure(root=True)
    if fig is None:
        raise ValueError("the axes are not on a figure")
    return fig


def renderer_of(ax: Axes) -> RendererAgg:
    """The renderer of ``ax``'s figure: every page here is drawn on a ``FigureCanvasAgg``."""
    return cast("FigureCanvasAgg", figure_of(ax).canvas).get_renderer()


# --------------------------------------------------------------------------- polygons


def _polygonal(geom: Any) -> Any:
    """``geom`` as a (Multi)Polygon, or None: clipping can leave collections with lines or points."""
    if geom is None or geom.is_empty:
        return None
    kind = shapely.get_type_id(geom)
    if kind in (3, 6):
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) == 3 and not p.is_empty]
    return shapely.multipolygons(parts) if parts else None


def polygon_paths(geoms: Any) -> list[Path]:
    """One compound matplotlib Path per (multi)polygon, built from shapely's ragged arrays (no
    per-vertex Python). Non-polygonal and empty geometries are left out."""
    geoms = [g for g in (_polygonal(g) for g in geoms) if g is not None]
    if not geoms:
        return []
    _, coords, offsets = shapely.to_ragged_array(geoms)
    rings = offsets[0]
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    codes[rings[:-1]] = Path.MOVETO
    codes[rings[1:] - 1] = Path.CLOSEPOLY
    per_geom = offsets[1] if len(offsets) == 2 else offsets[1][offsets[2]]  # geometry → first ring
    starts = rings[per_geom]
    return [Path(coords[a:b], codes[a:b]) for a, b in itertools.pairwise(starts)]


def add_polygons(ax: Axes, geoms: Any, **style: Any) -> PathCollection | None:
    """Draw (multi)polygons as one collection: ``facecolor(s)``, ``edgecolor(s)``, ``linewidth``, …"""
    paths = polygon_paths(geoms)
    if not paths:
        return None
    style.setdefault("facecolors", "none")
    collection = PathCollection(paths, **style)
    ax.add_collection(collection, autolim=False)
    return collection


# --------------------------------------------------------------------------- scale bar, north arrow


def nice_length(limit: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ not above ``limit`` (at least 1e-3)."""
    if limit <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(limit))
    for step in (5, 2, 1):
        if step * power <= limit:
            return float(step * power)
    return float(power)


def add_scale_bar(ax: Axes, extent: Extent, *, fontsize: float, color: str, box: str) -> AnchoredSizeBar:
    """A scale bar about a fifth of the map wide, true along the centre parallel."""
    lat0 = (extent[1] + extent[3]) / 2
    km_per_deg = KM_PER_DEGREE * x_scale(extent)
    km = nice_length((extent[2] - extent[0]) * km_per_deg / 5)
    label = f"{km:,.0f} km" if km >= 1 else f"{km * 1000:,.0f} m"
    hemi = "N" if lat0 >= 0 else "S"
    bar = AnchoredSizeBar(
        ax.transData,
        km / km_per_deg,
        f"{label}  (true at {abs(lat0):.0f}° {hemi})",
        "lower left",
        pad=0.45,
        borderpad=0.9,
        sep=4,
        color=color,
        frameon=True,
        size_vertical=(extent[3] - extent[1]) / 260,
        fontproperties=FontProperties(size=fontsize),
    )
    bar.patch.set_facecolor(box)
    bar.patch.set_alpha(0.85)
    bar.patch.set_edgecolor("none")
    bar.set_zorder(50)
    ax.add_artist(bar)
    return bar


def add_north_arrow(ax: Axes, *, fontsize: float, color: str, halo: str) -> Text:
    """An arrow and an N in the map's top right corner (north is up in this projection)."""
    arrow = ax.annotate(
        "N",
        xy=(0.965, 0.955),
        xytext=(0.965, 0.865),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="center",
        fontsize=fontsize,
        fontweight="bold",
        color=color,
        zorder=50,
        arrowprops={
            "facecolor": color,
            "edgecolor": halo,
            "width": fontsize * 0.35,
            "headwidth": fontsize * 1.1,
            "headlength": fontsize * 1.1,
            "shrink": 0.0,
        },
        bbox={"boxstyle": "circle,pad=0.25", "facecolor": halo, "edgecolor": "none", "alpha": 0.85},
    )
    return arrow


# --------------------------------------------------------------------------- inset


def frame_axes(ax: Axes, extent: Extent, *, color: str, linewidth: float) -> None:
    """Show exactly ``extent`` (degrees stretched to the axes, as the extent maths planned), with no
    ticks and a thin frame of ``color``."""
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("auto")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(color)
        spine.set_linewidth(linewidth)


def add_inset(
    ax: Axes, geometries: Any, extent: Extent, context: Extent, *, land: str, sea: str, border: str, mark: str
) -> Extent:
    """A locator map: ``geometries`` (a GeoSeries) over ``context`` and the map's ``extent`` marked."""
    west, south, east, north = extent
    frame = fit_extent(
        pad_extent(
            (min(context[0], west), min(context[1], south), max(context[2], east), max(context[3], north)), 0.03
        ),
        *_axes_size(ax),
    )
    ax.set_facecolor(sea)
    shown = geometries.cx[frame[0] : frame[2], frame[1] : frame[3]]
    add_polygons(ax, shown.values, facecolors=land, edgecolors=border, linewidths=0.3)
    ax.add_patch(
        Rectangle(
            (west, south),
            east - west,
            north - south,
            facecolor=mark,
            alpha=0.18,
            edgecolor=mark,
            linewidth=1.6,
            zorder=5,
        )
    )
    frame_axes(ax, frame, color=border, linewidth=0.6)
    return frame


def _axes_size(ax: Axes) -> tuple[float, float]:
    fig = figure_of(ax)
    pos = ax.get_position()
    return pos.width * fig.get_figwidth(), pos.height * fig.get_figheight()


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class LabelCandidate:
    """A label to place: its text at a point, ``offset`` points from it."""

    x: float  # data coordinates
    y: float
    text: str
    offset: float  # points from the anchor (the marker's radius)


_POSITIONS = ((1, 1, "left", "bottom"), (1, -1, "left", "top"), (-1, 1, "right", "bottom"), (-1, -1, "right", "top"))


def place_labels(
    ax: Axes,
    candidates: list[LabelCandidate],
    *,
    fontsize: float,
    color: str,
    halo: str,
    obstacles: list[Bbox] | None = None,
    limit: int = 80,
) -> list[Text]:
    """Label as many ``candidates`` as fit, in order (most important first): each label tries four
    positions around its point and is dropped when every one overlaps a label, a marker, an
    ``obstacle`` (display boxes) or leaves the map. The kept labels never overlap."""
    from matplotlib import patheffects

    renderer = renderer_of(ax)
    frame = ax.get_window_extent(renderer)
    to_px = figure_of(ax).dpi / 72.0
    taken = list(obstacles or [])
    for c in candidates[:limit]:  # each labelled point's marker stays visible
        x, y = ax.transData.transform((c.x, c.y))
        r = c.offset * to_px
        taken.append(Bbox.from_extents(x - r, y - r, x + r, y + r))
    kept: list[Text] = []
    for c in candidates[:limit]:
        for dx, dy, ha, va in _POSITIONS:
            where: dict[str, Any] = {
                "xy": (c.x, c.y),
                "xytext": (dx * (c.offset + 1.5), dy * (c.offset * 0.6 + 1)),
                "textcoords": "offset points",
                "ha": ha,
                "va": va,
                "fontsize": fontsize,
                "annotation_clip": False,
            }
            text = ax.annotate(c.text, color=color, zorder=61, **where)
            text.set_parse_math(False)
            box = text.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(o) for o in taken):
                taken.append(box)
                kept.append(text)
                # the halo is a second, stroked copy underneath: the label itself stays text in SVG/PDF
                halo_text = ax.annotate(
                    c.text,
                    color=halo,
                    zorder=60,
                    **where,
                    path_effects=[patheffects.Stroke(linewidth=fontsize * 0.28, foreground=halo)],
                )
                halo_text.set_parse_math(False)
                break
            text.remove()
    return kept


# --------------------------------------------------------------------------- legends


@dataclass
class LegendBlock:
    """A legend read from the dashboard's legend HTML: a title, (colour, label) rows and a note."""

    title: str = ""
    rows: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""


class _LegendParser(HTMLParser):
    """Rows are elements of class ``cm-row``/``cm-kindrow``; a row's colour is its first swatch's
    ``background``; ``cm-members`` rows are notes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if "cm-row" in classes or "cm-kindrow" in classes:
            self.rows.append({"color": None, "text": [], "note": "cm-members" in classes})
        elif self.rows and ("cm-sw" in classes or "cm-dot" in classes) and self.rows[-1]["color"] is None:
            style = a.get("style") or ""
            for part in style.split(";"):
                key, _, value = part.partition(":")
                if key.strip() == "background":
                    self.rows[-1]["color"] = value.strip()

    def handle_data(self, data: str) -> None:
        if self.rows:
            self.rows[-1]["text"].append(data)


def legend_block(html_text: str) -> LegendBlock:
    """The title, colour rows and note of a legend built by ``dashboard.incident_layers``."""
    parser = _LegendParser()
    parser.feed(html_text or "")
    block = LegendBlock()
    for row in parser.rows:
        text = " ".join("".join(row["text"]).split())
        if not text:
            continue
        if row["color"]:
            block.rows.append((row["color"], text))
        elif row["note"]:
            block.note = text
        elif not block.title:
            block.title = text
    return block
