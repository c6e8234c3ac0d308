"""Presentation maps of a view, drawn with geopandas/matplotlib: PNG, SVG or PDF, no browser.

The map shows what the dashboard shows for the same :class:`conflictmap.views.ViewFilter`: the same
filters (the ``conflictmap.views`` queries), extent (``view.bbox``, else the data, else the Sahel),
layers (``view.layers``) and incidents mode, with the dashboard's colours (incident types from
``incident_layers.type_color``; density and choropleth cells and their legend from the very overlay
the interactive map draws, :func:`dashboard.view_map.incident_overlay`). Around it: a title band,
a subtitle saying the dates and filters, a legend, a scale bar, a north arrow, an inset locator
map, the sources and attribution, and optional non-overlapping place labels.

Points are one rasterised scatter (no per-point Python object): 100,000 incidents stay fast.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from conflictmap import views
from conflictmap.caches import cached
from conflictmap.errors import RenderError
from dashboard import cartography, incident_layers, map_captions, view_map
from dashboard.basemap import country_names
from dashboard.extent import Extent, fit_extent, from_latlng_bounds, pad_extent
from dashboard.leaflet_elements import SEA_COLOR
from dashboard.mapview import ADMIN1_COLOR, BORDER_COLOR, LAND_COLOR, SAHEL_BOUNDS
from dashboard.placemarks import KIND_COLORS, KIND_LABELS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from conflictmap.store import Store

FORMATS = ("png", "svg", "pdf")
#: Where a view without a bbox and without data opens: the dashboard's own start (the Sahel).
SAHEL_EXTENT = from_latlng_bounds(SAHEL_BOUNDS)
#: Africa, the inset's context (grown to hold the map's extent when it lies elsewhere).
AFRICA_EXTENT = (-19.0, -36.0, 53.0, 38.5)
REFERENCE_INCHES = (19.2, 10.8)  # 1920×1080 at 100 dpi: the sizes below are for this page
PAPER_MM = {"a4": (297.0, 210.0), "a3": (420.0, 297.0), "letter": (279.4, 215.9)}  # landscape
PRINT_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
PRINT_HATCHES = ("///", "\\\\\\", "...", "xx")


@dataclass(frozen=True)
class Theme:
    """The colours, greyscale safety and default resolution of a presentation map."""

    name: str
    paper: str  # figure background
    sea: str
    land: str
    border: str
    admin1: str
    text: str
    muted: str
    band: str  # the title band
    band_text: str
    halo: str  # behind labels and map furniture
    greyscale: bool  # shapes and hatches as well as colours: safe in black and white
    dpi: int


THEMES = {
    "light": Theme(
        "light",
        paper="#ffffff",
        sea=SEA_COLOR,
        land=LAND_COLOR,
        border=BORDER_COLOR,
        admin1=ADMIN1_COLOR,
        text="#1b1b1b",
        muted="#4a4a4a",
        band="#1f3a4d",
        band_text="#ffffff",
        halo="#ffffff",
        greyscale=False,
        dpi=100,
    ),
    "print": Theme(
        "print",
        paper="#ffffff",
        sea="#ffffff",
        land="#efefef",
        border="#3a3a3a",
        admin1="#8a8a8a",
        text="#000000",
        muted="#333333",
        band="#ffffff",
        band_text="#000000",
        halo="#ffffff",
        greyscale=True,
        dpi=300,
    ),
}


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Layout:
    """Boxes of the page as figure fractions ``(x0, y0, x1, y1)``, origin bottom left."""

    scale: float  # font and line scale relative to the 1920×1080 page
    title: tuple[float, float, float, float]
    map: tuple[float, float, float, float]
    inset: tuple[float, float, float, float]
    legend: tuple[float, float, float, float]
    footer: tuple[float, float, float, float]

    def pixels(self, name: str, width: int, height: int) -> tuple[int, int, int, int]:
        """A box in image pixels ``(left, top, right, bottom)``, origin top left (as PIL reads it)."""
        x0, y0, x1, y1 = getattr(self, name)
        return (round(x0 * width), round((1 - y1) * height), round(x1 * width), round((1 - y0) * height))


def page_layout(width_in: float, height_in: float, subtitle_lines: int = 1, footer_lines: int = 2) -> Layout:
    """The page's boxes: title band on top, map left, inset and legend right, sources below."""
    s = max(0.3, math.sqrt(width_in * height_in / (REFERENCE_INCHES[0] * REFERENCE_INCHES[1])))
    pt_h = 1 / 72 / height_in  # one point as a fraction of the height
    pt_w = 1 / 72 / width_in
    band = (16 + 30 * 1.2 + 8 + subtitle_lines * 15 * 1.35 + 12) * s * pt_h
    footer = (10 + footer_lines * 9 * 1.45) * s * pt_h
    pad_w, pad_h = 16 * s * pt_w, 16 * s * pt_h
    panel = min(0.3, max(0.18, 300 * s * pt_w))
    map_box = (pad_w, footer + pad_h * 0.5, 1 - panel - 2 * pad_w, 1 - band - pad_h)
    px0, px1 = 1 - panel - pad_w, 1 - pad_w
    inset_h = panel * width_in * 0.62 / height_in
    inset = (px0, map_box[3] - inset_h, px1, map_box[3])
    legend = (px0, map_box[1], px1, inset[1] - pad_h)
    return Layout(s, (0.0, 1 - band, 1.0, 1.0), map_box, inset, legend, (0.0, 0.0, 1.0, footer))


# --------------------------------------------------------------------------- data of the view


@dataclass
class _Points:
    x: np.ndarray
    y: np.ndarray
    type_index: np.ndarray  # into ``types``
    types: list[str]
    colors: list[str]  # of each type


@dataclass
class _Incidents:
    mode: str  # drawn: points, heatmap, choropleth, empty
    total: int
    aggregated: bool
    points: _Points | None = None  # points mode
    overlay: Any = None  # IncidentOverlay (heatmap, choropleth)


def _incidents_mode(store: Store, view: views.ViewFilter, all_points: bool) -> _Incidents:
    """How many incidents the view has and how the interactive map would draw them (no data yet)."""
    if "incidents" not in view.layers:
        return _Incidents("empty", 0, False)
    total = views.count(store, view)
    mode, aggregated = view_map.drawn_mode(view, total)
    if all_points and view.mode == "points":
        mode, aggregated = "points", False
    return _Incidents(mode if total else "empty", total, aggregated)


def _incidents_data(
    store: Store, view: views.ViewFilter, plan: _Incidents, extent: Extent, country_names: dict[str, str]
) -> _Incidents:
    """The drawing data of ``plan``: points as arrays (no per-point object), else the interactive
    map's overlay (hexagons sized for the page's ``extent``, as the app sizes them for its own)."""
    if plan.mode == "points":
        frame = views.incidents_frame(store, view, columns=["lon", "lat", "event_type"], order="none")
        frame = frame[frame["lon"].notna() & frame["lat"].notna()]
        kinds = frame["event_type"].fillna("(none)")
        types = sorted(kinds.unique().tolist())
        index = {t: i for i, t in enumerate(types)}
        return _Incidents(
            "points",
            plan.total,
            False,
            _Points(
                frame["lon"].to_numpy(float),
                frame["lat"].to_numpy(float),
                kinds.map(index).to_numpy(int),
                types,
                [incident_layers.type_color(t, i) for i, t in enumerate(types)],
            ),
        )
    if plan.mode == "heatmap":
        overlay = view_map.heatmap_overlay(store, view.replace(bbox=extent), plan.total, plan.aggregated)
        return _Incidents("heatmap", plan.total, plan.aggregated, overlay=overlay)
    if plan.mode == "choropleth":
        drawn = view_map.incident_overlay(store, view, country_names)
        return _Incidents(drawn.mode, drawn.total, drawn.aggregated, overlay=drawn.overlay)
    return plan


def _union(extents: list[Extent | None]) -> Extent | None:
    found = [e for e in extents if e is not None]
    if not found:
        return None
    return (min(e[0] for e in found), min(e[1] for e in found), max(e[2] for e in found), max(e[3] for e in found))


def map_extent(store: Store, view: views.ViewFilter, place_points: list[dict]) -> Extent:
    """``view.bbox``, else the extent of the incidents and places shown (padded), else the Sahel."""
    if view.bbox is not None:
        return view.bbox
    extents: list[Extent | None] = []
    if "incidents" in view.layers:
        extents.append(views.extent(store, view))
    if place_points:
        xs = [f["geometry"]["coordinates"][0] for f in place_points]
        ys = [f["geometry"]["coordinates"][1] for f in place_points]
        extents.append((min(xs), min(ys), max(xs), max(ys)))
    found = _union(extents)
    return pad_extent(found) if found else SAHEL_EXTENT


# --------------------------------------------------------------------------- basemap


@cached(maxsize=1)
def _boundaries() -> tuple[Any, Any, Any]:
    """Countries (as their parts, without those that cross the antimeridian: drawn in plain
    degrees they would streak across the page), admin-1 units and areas."""
    from geodata import boundaries

    parts = boundaries.countries()[["iso3", "geometry"]].explode(index_parts=False)
    bounds = parts.geometry.bounds
    parts = parts[(bounds["maxx"] - bounds["minx"]) <= 180].reset_index(drop=True)
    return parts, boundaries.admin1(), boundaries.areas()


@cached(maxsize=1)
def _inset_countries() -> Any:
    return _boundaries()[0].geometry.simplify(0.15, preserve_topology=False)


def _clip(geoms: Any, extent: Extent, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """(geometries clipped to ``extent`` with a margin and simplified for the page, mask of those kept)."""
    west, south, east, north = extent
    mx, my = (east - west) * 0.05, (north - south) * 0.05
    box = (west - mx, south - my, east + mx, north + my)
    geoms = np.asarray(geoms, dtype=object)
    if not len(geoms):
        return geoms, np.zeros(0, dtype=bool)
    inside = shapely.intersects(geoms, shapely.box(*box))
    out = np.empty(len(geoms), dtype=object)
    if inside.any():
        clipped = shapely.clip_by_rect(geoms[inside], *box)
        # below a pixel: the plain Douglas-Peucker is 5× faster and looks the same
        out[inside] = shapely.simplify(clipped, tolerance, preserve_topology=False)
    keep = inside.copy()
    keep[inside] = ~shapely.is_empty(out[inside])
    return out[keep], keep


def _frame_geoms(frame: Any, extent: Extent, tolerance: float) -> np.ndarray:
    """The geometries of ``frame`` that show in ``extent``, fitted to the page (spatial index first)."""
    west, south, east, north = extent
    mx, my = (east - west) * 0.05, (north - south) * 0.05
    sub = frame.cx[west - mx : east + mx, south - my : north + my]
    return _clip(sub.geometry.values, extent, tolerance)[0]


# --------------------------------------------------------------------------- drawing


class _Painter:
    """Draws the layers of one map on one axes, and collects the legend's sections."""

    def __init__(self, ax: Axes, theme: Theme, extent: Extent, px_deg: float, scale: float) -> None:
        self.ax, self.theme, self.extent, self.scale = ax, theme, extent, scale
        self.tolerance = px_deg * 0.6
        self.sections: list[tuple[str, list[tuple[Any, str]]]] = []
        self._zones: list[tuple[Any, str]] = []
        self._borders: list[tuple[Any, str]] = []

    def lw(self, width: float) -> float:
        """A line width of the 1920×1080 page, scaled to this page."""
        return width * self.scale

    def section(self, title: str, entries: list[tuple[Any, str]]) -> None:
        """A titled section of the legend: (handle, label) entries; none, no section."""
        if entries:
            self.sections.append((title, entries))

    def polygons(self, geoms: Any, **style: Any) -> None:
        """(Multi)polygons as one collection (:func:`dashboard.cartography.add_polygons`)."""
        cartography.add_polygons(self.ax, geoms, **style)

    def basemap(self, layers: set[str]) -> None:
        """Countries, admin-1 units and zones of ``layers`` (view layer keys); their legend entries."""
        countries, admin1, areas = _boundaries()
        t = self.theme
        if "countries" in layers:
            self.polygons(
                _frame_geoms(countries, self.extent, self.tolerance),
                facecolors=t.land,
                edgecolors=t.border,
                linewidths=self.lw(1.0),
                zorder=1,
            )
            self._borders.append((self._line(t.border, 1.0), "Country border"))
        if "admin1" in layers:
            self.polygons(
                _frame_geoms(admin1, self.extent, self.tolerance),
                edgecolors=t.admin1,
                linewidths=self.lw(0.55),
                linestyles=[(0, (3, 3))],
                zorder=2,
            )
            self._borders.append((self._line(t.admin1, 0.8, (0, (3, 3))), "Admin-1 border"))
        for key, area_id, edge, fill, alpha, label in (
            ("sahel", "sahel", "#a6761d", "#e6ab02", 0.12, "Sahel band"),
            ("liptako", "liptako-gourma", "#b35806", "#fdb863", 0.22, "Liptako-Gourma zone"),
        ):
            if key not in layers:
                continue
            zone = _frame_geoms(areas[areas["id"] == area_id], self.extent, self.tolerance)
            dashed = key == "liptako"
            hatch = "oo" if t.greyscale and key == "sahel" else None
            self.polygons(zone, facecolors=_with_alpha(fill, alpha), edgecolors="none", hatch=hatch, zorder=3)
            self.polygons(
                zone,
                edgecolors=edge,
                linewidths=self.lw(2.0 if dashed else 1.0),
                linestyles=[(0, (6, 4)) if dashed else "solid"],
                zorder=3,
            )
            self._zones.append((self._patch(_with_alpha(fill, alpha * 2), edge, 1.6, dashed, hatch), label))

    def _line(self, color: str, width: float, style: Any = "-") -> Any:
        from matplotlib.lines import Line2D

        return Line2D([], [], color=color, linewidth=self.lw(width) * 1.4, linestyle=style)

    def _patch(self, face: Any, edge: str, width: float, dashed: bool = False, hatch: str | None = None) -> Any:
        from matplotlib.patches import Patch

        return Patch(
            facecolor=face, edgecolor=edge, linewidth=self.lw(width), linestyle="--" if dashed else "-", hatch=hatch
        )

    def alliances(self, day: date, country_names: dict[str, str]) -> None:
        """The alliances as the dashboard draws them on ``day`` (the largest below; one with the
        same members as one already drawn, AES and the Liptako-Gourma Authority, dashed)."""
        from dashboard.basemap import alliance_order, alliances_on

        entries = []
        for i, (a, same) in enumerate(alliance_order(alliances_on(day))):
            hatch = PRINT_HATCHES[i % len(PRINT_HATCHES)] if self.theme.greyscale and not same else None
            if a.geometry is not None:
                geoms = _clip([shapely.geometry.shape(a.geometry)], self.extent, self.tolerance)[0]
                if not same:
                    self.polygons(geoms, facecolors=_with_alpha(a.color, 0.18), edgecolors="none", zorder=4)
                    if hatch:
                        self.polygons(geoms, edgecolors=_with_alpha(a.color, 0.5), hatch=hatch, linewidths=0, zorder=4)
                self.polygons(
                    geoms,
                    edgecolors=a.color,
                    linewidths=self.lw(3.0 if same else 2.2),
                    linestyles=[(0, (5, 3.5)) if same else "solid"],
                    zorder=5,
                )
            names = (
                ", ".join(country_names.get(m, m) for m in a.members)
                if len(a.members) <= 6
                else f"{len(a.members)} members"
            )
            entries.append(
                (
                    self._patch("none" if same else _with_alpha(a.color, 0.3), a.color, 2.0, same, hatch),
                    f"{a.name} — {names or 'no members'}",
                )
            )
        self.section(f"Alliances on {day.isoformat()}", entries or [(self._patch("none", "none", 0), "none")])

    def place_areas(self, features: list[dict]) -> list[cartography.LabelCandidate]:
        """Areas named in the articles (countries, admin-1 units, zones), dotted in their kind's
        colour; label candidates at a point inside each area's visible part."""
        import html

        if not features:
            return []
        geoms, keep = _clip([shapely.geometry.shape(f["geometry"]) for f in features], self.extent, self.tolerance)
        kept = [f for f, k in zip(features, keep) if k]
        colors = [f["properties"].get("_style", {}).get("color", "#555555") for f in kept]
        self.polygons(geoms, edgecolors=colors, linewidths=self.lw(2.0), linestyles=[(0, (1, 3))], zorder=6)
        west, south, east, north = self.extent
        inside = shapely.clip_by_rect(geoms, west, south, east, north) if len(geoms) else geoms
        anchors = shapely.point_on_surface(inside) if len(geoms) else []
        return [
            cartography.LabelCandidate(a.x, a.y, html.unescape(str(f["properties"].get("_tooltip", ""))), 2.0)
            for f, a in zip(kept, anchors)
            if a is not None and not a.is_empty
        ]

    def places(self, features: list[dict]) -> list[cartography.LabelCandidate]:
        """Place markers as the dashboard draws them (colour by kind, size by mentions); label candidates."""
        import html

        from matplotlib.lines import Line2D

        if not features:
            return []
        xy = np.array([f["geometry"]["coordinates"] for f in features], dtype=float)
        colors = [f["properties"]["_style"]["fillColor"] for f in features]
        radius = np.array([f["properties"]["_style"].get("radius", 7) for f in features], dtype=float)
        radius = radius * 0.75 * self.scale
        self.ax.scatter(
            xy[:, 0], xy[:, 1], s=(2 * radius) ** 2, c=colors, edgecolors="white", linewidths=self.lw(1.2), zorder=30
        )
        kinds = [k for k in ("place", "region", "admin1", "country", "area") if KIND_COLORS[k] in set(colors)]
        self.section(
            "Places in the articles",
            [
                (
                    Line2D(
                        [],
                        [],
                        marker="o",
                        linestyle="none",
                        markersize=8 * self.scale,
                        markerfacecolor=KIND_COLORS[k],
                        markeredgecolor="white",
                    ),
                    KIND_LABELS[k],
                )
                for k in kinds
            ],
        )
        order = np.argsort(-radius, kind="stable")
        return [
            cartography.LabelCandidate(
                float(xy[i, 0]),
                float(xy[i, 1]),
                html.unescape(str(features[i]["properties"].get("_tooltip", ""))),
                float(radius[i]),
            )
            for i in order
        ]

    def incidents(self, drawn: _Incidents) -> None:
        """The incidents as the interactive map draws them: points, or density or choropleth cells."""
        if drawn.mode == "points" and drawn.points is not None:
            self._points(drawn.points, drawn.total)
        elif drawn.mode in ("heatmap", "choropleth") and drawn.overlay is not None:
            self._cells(drawn)

    def _points(self, d: _Points, total: int) -> None:
        from matplotlib.colors import to_rgba_array
        from matplotlib.lines import Line2D

        n = len(d.x)
        diameter = (8.0 if n <= 2000 else max(1.6, 8.0 * math.sqrt(2000 / n))) * self.scale
        edge = self.lw(0.5) if n <= 5000 else 0
        entries = []
        if self.theme.greyscale:  # a marker shape per type tells the types apart in black and white
            counts = np.bincount(d.type_index, minlength=len(d.types))
            for i in sorted(range(len(d.types)), key=lambda k: -counts[k]):  # the rarest on top
                color = d.colors[i]
                on = d.type_index == i
                marker = PRINT_MARKERS[i % len(PRINT_MARKERS)]
                self.ax.scatter(
                    d.x[on],
                    d.y[on],
                    s=diameter**2,
                    c=color,
                    marker=marker,
                    linewidths=edge,
                    edgecolors="black",
                    rasterized=True,
                    zorder=20,
                )
                entries.append(
                    (
                        Line2D(
                            [],
                            [],
                            marker=marker,
                            linestyle="none",
                            markersize=8 * self.scale,
                            markerfacecolor=color,
                            markeredgecolor="black",
                        ),
                        d.types[i],
                    )
                )
        else:
            rgba = to_rgba_array(d.colors, alpha=0.9)[d.type_index]
            self.ax.scatter(
                d.x, d.y, s=diameter**2, c=rgba, linewidths=edge, edgecolors="white", rasterized=True, zorder=20
            )
            entries = [
                (
                    Line2D(
                        [],
                        [],
                        marker="o",
                        linestyle="none",
                        markersize=8 * self.scale,
                        markerfacecolor=c,
                        markeredgecolor="white",
                    ),
                    t,
                )
                for t, c in zip(d.types, d.colors)
            ]
        self.section(f"Incidents by type ({total:,})", entries)

    def _cells(self, d: _Incidents) -> None:
        """The density or choropleth cells of the dashboard's overlay, with its legend's classes."""
        cells = d.overlay.cells
        block = cartography.legend_block(d.overlay.legend)
        if cells:
            geoms, keep = _clip([shapely.geometry.shape(c["geometry"]) for c in cells], self.extent, self.tolerance)
            colors = [
                _with_alpha(c["properties"].get("_style", {}).get("fillColor", "#999999"), 0.72)
                for c, k in zip(cells, keep)
                if k
            ]
            style = {
                "facecolors": colors,
                "edgecolors": _with_alpha("#555555", 0.6),
                "linewidths": self.lw(0.3 if d.mode == "heatmap" else 0.7),
                "zorder": 10,
            }
            collection = cartography.add_polygons(self.ax, geoms, **style)
            if collection is not None and len(geoms) > 2000:
                collection.set_rasterized(True)
        entries = [(self._patch(_with_alpha(c, 0.72), "#555555", 0.6), label) for c, label in block.rows]
        if block.note:
            entries.append((self._patch("none", "none", 0), block.note))
        self.section(block.title or "Incidents", entries)

    def finish_legend(self) -> None:
        """The zones' and borders' sections, after the layers' own."""
        self.section("Zones", self._zones)
        self.section("Borders", self._borders)


def _with_alpha(color: str, alpha: float) -> tuple[float, float, float, float]:
    from matplotlib.colors import to_rgba

    return to_rgba(color, min(1.0, alpha))


def _draw_legend(
    ax: Axes, sections: list[tuple[str, list[tuple[Any, str]]]], *, fontsize: float, theme: Theme, wrap: int
) -> Any:
    """One legend of titled sections, top left of ``ax``; smaller type until it fits."""
    from matplotlib.patches import Patch

    ax.set_axis_off()
    if not sections:
        return None
    for size in (fontsize, fontsize * 0.88, fontsize * 0.76, fontsize * 0.66):
        handles: list[Any] = []
        labels: list[str] = []
        bold: list[bool] = []
        width = int(wrap * fontsize / size)
        for title, entries in sections:
            if handles:
                handles.append(Patch(facecolor="none", edgecolor="none"))
                labels.append("")
                bold.append(False)
            handles.append(Patch(facecolor="none", edgecolor="none"))
            labels.append(textwrap.fill(title, width))
            bold.append(True)
            for handle, label in entries:
                handles.append(handle)
                labels.append(textwrap.fill(label, width - 3))
                bold.append(False)
        old = ax.get_legend()
        if old is not None:
            old.remove()
        legend = ax.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(0, 1),
            frameon=False,
            fontsize=size,
            handlelength=1.5,
            handleheight=0.9,
            borderaxespad=0,
            labelspacing=0.42,
            handletextpad=0.6,
            labelcolor=theme.text,
        )
        for text, is_bold in zip(legend.get_texts(), bold):
            text.set_parse_math(False)
            if is_bold:
                text.set_fontweight("bold")
        renderer = cartography.renderer_of(ax)
        if legend.get_window_extent(renderer).height <= ax.get_window_extent(renderer).height:
            break
    return legend


# --------------------------------------------------------------------------- the page


def _size(width: int | None, height: int | None, dpi: int, paper: str | None) -> tuple[int, int]:
    if paper:
        key = paper.lower()
        if key not in PAPER_MM:
            raise RenderError(f"unknown paper size '{paper}' (one of {', '.join(PAPER_MM)})")
        w_mm, h_mm = PAPER_MM[key]
        return width or round(w_mm / 25.4 * dpi), height or round(h_mm / 25.4 * dpi)
    return width or 1920, height or 1080


def render_map(
    store: Store,
    view: views.ViewFilter,
    *,
    fmt: str = "png",
    width: int | None = None,
    height: int | None = None,
    dpi: int | None = None,
    theme: str = "light",
    labels: bool = False,
    title: str | None = None,
    subtitle: str | None = None,
    legend: bool = True,
    paper: str | None = None,
    all_points: bool = False,
) -> bytes:
    """The presentation map of ``view`` as PNG, SVG or PDF bytes.

    The page is ``width``×``height`` pixels at ``dpi`` (default 1920×1080; 100 dpi, 300 for the print
    theme); ``paper`` (``a4``, ``a3``, ``letter``: landscape) sets the size from the paper and the dpi
    instead. SVG and PDF pages are ``width/dpi`` × ``height/dpi`` inches. ``title``/``subtitle``
    default to words for the view. ``all_points`` draws every incident as a point even past the
    dashboard's points limit (the dashboard, and so the default, switch to hexagon density bins).
    """
    if fmt not in FORMATS:
        raise RenderError(f"unknown format '{fmt}' (one of {', '.join(FORMATS)})")
    if theme not in THEMES:
        raise RenderError(f"unknown theme '{theme}' (one of {', '.join(THEMES)})")
    t = THEMES[theme]
    dpi = int(dpi or t.dpi)
    if not 10 <= dpi <= 1200:
        raise RenderError(f"dpi {dpi} is out of range (10–1200)")
    width, height = _size(width, height, dpi, paper)
    for name, value in (("width", width), ("height", height)):
        if not 200 <= value <= 20000:
            raise RenderError(f"{name} {value} px is out of range (200–20000)")
    fig, title = _figure(
        store,
        view,
        t,
        width,
        height,
        dpi,
        labels=labels,
        title=title,
        subtitle=subtitle,
        legend=legend,
        all_points=all_points,
    )
    return _save(fig, fmt, dpi, title=title)


@dataclass
class _Words:
    title: str
    subtitle: list[str]  # lines
    footer: list[str]  # lines


def _words(
    store: Store,
    view: views.ViewFilter,
    plan: _Incidents,
    names: dict[str, str],
    w_in: float,
    title: str | None,
    subtitle: str | None,
    places: bool,
) -> _Words:
    """Title, subtitle and sources, wrapped to the page's width."""
    scale = page_layout(w_in, REFERENCE_INCHES[1]).scale
    title = title if title is not None else map_captions.default_title(view, plan.total, names)
    if subtitle is None:
        subtitle = map_captions.subtitle(view, plan.total, plan.mode, aggregated=plan.aggregated, country_names=names)
    per_line = lambda size: int(w_in * 72 * 0.96 / (size * scale * 0.56))  # DejaVu Sans ≈ 0.56 em
    datasets = map_captions.dataset_names(store, view) if plan.total else []
    footer = map_captions.sources_line(datasets, places=places)
    return _Words(
        title,
        (textwrap.wrap(subtitle, max(20, per_line(15))) or [""])[:3],
        textwrap.wrap(footer, max(30, per_line(9))) or [""],
    )


def _figure(
    store: Store,
    view: views.ViewFilter,
    t: Theme,
    width: int,
    height: int,
    dpi: int,
    *,
    labels: bool,
    title: str | None,
    subtitle: str | None,
    legend: bool,
    all_points: bool,
) -> tuple[Figure, str]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    view = view.replace(selected=None)
    names = _country_names()
    plan = _incidents_mode(store, view, all_points)
    points, areas = _place_features(store, view, names)
    w_in, h_in = width / dpi, height / dpi
    words = _words(store, view, plan, names, w_in, title, subtitle, bool(points or areas))
    box = page_layout(w_in, h_in, len(words.subtitle), len(words.footer))
    map_px = ((box.map[2] - box.map[0]) * width, (box.map[3] - box.map[1]) * height)
    extent = fit_extent(map_extent(store, view, points), *map_px)
    drawn = _incidents_data(store, view, plan, extent, names)

    fig = Figure(figsize=(w_in, h_in), dpi=dpi, facecolor=t.paper)
    FigureCanvasAgg(fig)
    _title_band(fig, box, t, words.title, words.subtitle, box.scale)
    ax = fig.add_axes(_rect(box.map), facecolor=t.sea)
    paint = _Painter(ax, t, extent, (extent[2] - extent[0]) / map_px[0], box.scale)
    candidates = _draw_layers(paint, view, drawn, points, areas, names)
    _furnish(ax, paint, extent, candidates if labels else [], t, box.scale)
    cartography.add_inset(
        fig.add_axes(_rect(box.inset)),
        _inset_countries(),
        extent,
        AFRICA_EXTENT,
        land=t.land,
        sea=t.sea,
        border=t.border,
        mark="#c0392b" if not t.greyscale else "#000000",
    )
    if legend:
        wrap = int((box.legend[2] - box.legend[0]) * w_in * 72 / (11 * box.scale * 0.55)) - 4
        _draw_legend(
            fig.add_axes(_rect(box.legend)), paint.sections, fontsize=11 * box.scale, theme=t, wrap=max(16, wrap)
        )
    fig.text(
        0.01,
        box.footer[3] - 5 * box.scale / 72 / h_in,
        "\n".join(words.footer),
        ha="left",
        va="top",
        fontsize=9 * box.scale,
        color=t.muted,
        linespacing=1.35,
        parse_math=False,
    )
    return fig, words.title


def _rect(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return b[0], b[1], b[2] - b[0], b[3] - b[1]


def _place_features(store: Store, view: views.ViewFilter, names: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """(point, area) features of the places shown, as the dashboard's places layers build them."""
    from dashboard.placemarks import place_features

    places = view_map.view_places(store, view)
    if places is None or not len(places):
        return [], []
    points, areas = place_features(places, names)
    return (points if "places" in view.layers else []), (areas if "place_areas" in view.layers else [])


def _draw_layers(
    paint: _Painter,
    view: views.ViewFilter,
    drawn: _Incidents,
    points: list[dict],
    areas: list[dict],
    names: dict[str, str],
) -> list[cartography.LabelCandidate]:
    """The layers in the dashboard's stacking order; label candidates (towns first, then areas)."""
    layers = set(view.layers)
    paint.basemap(layers)
    if "alliances" in layers:
        paint.alliances(view.day(), names)
    area_labels = paint.place_areas(areas)
    paint.incidents(drawn)
    candidates = paint.places(points) + area_labels
    paint.finish_legend()
    return candidates


def _furnish(
    ax: Axes, paint: _Painter, extent: Extent, candidates: list[cartography.LabelCandidate], t: Theme, s: float
) -> None:
    """Limits, frame, scale bar, north arrow and (when asked) the labels of the map."""
    cartography.frame_axes(ax, extent, color=t.border, linewidth=0.8 * s)
    bar = cartography.add_scale_bar(ax, extent, fontsize=10 * s, color=t.text, box=t.halo)
    arrow = cartography.add_north_arrow(ax, fontsize=14 * s, color=t.text, halo=t.halo)
    if candidates:
        renderer = cartography.renderer_of(ax)
        cartography.place_labels(
            ax,
            candidates,
            fontsize=10.5 * s,
            color=t.text,
            halo=t.halo,
            obstacles=[bar.get_window_extent(renderer), arrow.get_window_extent(renderer)],
        )


@cached(maxsize=1)
def _country_names() -> dict[str, str]:
    from geodata.boundaries import countries

    return country_names(countries())


def _title_band(fig: Figure, box: Layout, t: Theme, title: str, sub_lines: list[str], s: float) -> None:
    from matplotlib.patches import Rectangle

    x0, y0, x1, y1 = box.title
    fig.add_artist(
        Rectangle((x0, y0), x1 - x0, y1 - y0, transform=fig.transFigure, facecolor=t.band, edgecolor="none", zorder=0)
    )
    if t.band == t.paper:  # the print theme: a rule under the title instead of a dark band
        fig.add_artist(
            Rectangle(
                (0.01, y0),
                0.98,
                1.2 * s / 72 / fig.get_figheight(),
                transform=fig.transFigure,
                facecolor=t.text,
                edgecolor="none",
            )
        )
    h = fig.get_figheight()
    top = y1 - 14 * s / 72 / h
    fig.text(
        0.012, top, title, ha="left", va="top", fontsize=30 * s, fontweight="bold", color=t.band_text, parse_math=False
    )
    fig.text(
        0.012,
        top - (30 * 1.2 + 8) * s / 72 / h,
        "\n".join(sub_lines),
        ha="left",
        va="top",
        fontsize=15 * s,
        color=t.band_text,
        linespacing=1.3,
        parse_math=False,
        alpha=0.92,
    )


def _save(fig: Figure, fmt: str, dpi: int, *, title: str) -> bytes:
    from matplotlib import rc_context

    buf = io.BytesIO()
    metadata = {"Title": title, "Creator": "conflictmap"} if fmt in ("svg", "pdf") else {"Software": "conflictmap"}
    # text stays text in SVG (escaped by matplotlib's XML writer) and embeds as TrueType in PDF
    with rc_context({"svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "conflictmap"}):
        fig.savefig(buf, format=fmt, dpi=dpi, facecolor=fig.get_facecolor(), metadata=metadata)
    return buf.getvalue()


__all__ = [
    "AFRICA_EXTENT",
    "FORMATS",
    "PAPER_MM",
    "SAHEL_EXTENT",
    "THEMES",
    "Layout",
    "RenderError",
    "Theme",
    "map_extent",
    "page_layout",
    "render_map",
]
