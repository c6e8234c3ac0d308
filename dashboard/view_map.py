"""The interactive map of a view, built without Streamlit.

One code path for the dashboard (``app.load_view`` calls :func:`incident_overlay`) and for the
browser capture (:mod:`dashboard.capture` photographs :func:`build_view_map`), so a captured map is
the map the analyst sees: same incidents overlay (points up to ``POINT_LIMIT``, hexagon bins
above, or the admin-1 choropleth), same layers, same legend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from conflictmap import hexgrid, views
from dashboard import incident_layers, mapview
from dashboard.basemap import StaticLayers, alliances_on, static_layers

if TYPE_CHECKING:
    import folium

    from conflictmap.store import Store

#: ``views.LAYERS`` keys → the layer names the map's layer control shows (named in mapview).
LAYER_NAMES = mapview.LAYER_KEYS


@dataclass(frozen=True)
class MapIncidents:
    """The incidents overlay of a view and what the page says about it."""

    overlay: incident_layers.IncidentOverlay
    total: int  # incidents in the view
    aggregated: bool  # points were asked for, but more than POINT_LIMIT: drawn as density
    points: pd.DataFrame | None = None  # the drawn points (points mode): the app reuses them as its table

    @property
    def mode(self) -> str:
        """What is drawn: ``points``, ``heatmap``, ``choropleth`` or ``empty``."""
        return self.overlay.mode


def drawn_mode(view: views.ViewFilter, total: int) -> tuple[str, bool]:
    """(mode drawn, aggregated): points past ``POINT_LIMIT`` incidents become hexagon bins."""
    if view.mode == "points" and total > incident_layers.POINT_LIMIT:
        return "heatmap", True
    return view.mode, False


def heatmap_overlay(
    store: Store,
    view: views.ViewFilter,
    total: int,
    aggregated: bool,
    bins: pd.DataFrame | None = None,
    around: Any = None,
) -> incident_layers.IncidentOverlay:
    """Hexagon bins sized for the view's extent (``bbox``; None: the Sahel). ``bins``: the view's
    :func:`views.hex_bins` on :func:`hexgrid.grid_for_extent` of that extent, if the caller has them;
    ``around``: where to keep hexagons when there are too many (default: the extent, widened)."""
    grid = hexgrid.grid_for_extent(view.bbox)
    if bins is None:
        bins = views.hex_bins(store, view, grid)
    note = f"{total:,} incidents: more than {incident_layers.POINT_LIMIT:,}, shown as density" if aggregated else ""
    around = hexgrid.widened(view.bbox) if around is None else around
    return incident_layers.hex_overlay(bins, grid, view.metric, total, note, around=around)


def incident_overlay(store: Store, view: views.ViewFilter, country_names: dict[str, str] | None = None) -> MapIncidents:
    """The incidents overlay of ``view``: clustered points, hexagon bins or admin-1 choropleth."""
    total = views.count(store, view)
    mode, aggregated = drawn_mode(view, total)
    if total == 0:
        return MapIncidents(incident_layers.IncidentOverlay("empty"), 0, aggregated)
    if mode == "points":
        points = views.map_points(store, view, limit=incident_layers.POINT_LIMIT)
        return MapIncidents(incident_layers.points_overlay(points, total), total, False, points)
    if mode == "heatmap":
        overlay = heatmap_overlay(store, view, total, aggregated)
    else:
        overlay = incident_layers.choropleth_overlay(views.admin1_totals(store, view), view.metric, country_names)
    return MapIncidents(overlay, total, aggregated)


def places_view(view: views.ViewFilter) -> views.ViewFilter:
    """The part of ``view`` that narrows the places layer (dates, countries, admin-1, confidence)."""
    return views.ViewFilter(
        start=view.start,
        end=view.end,
        countries=view.countries,
        admin1=view.admin1,
        min_confidence=view.min_confidence,
        step=view.step,
        period=view.period,
    )


def view_places(store: Store, view: views.ViewFilter) -> Any:
    """The places of ``view`` when a places layer is shown, else None (nothing to read)."""
    if not {"places", "place_areas"} & set(view.layers):
        return None
    return views.places_frame(store, places_view(view))


def build_view_map(
    store: Store,
    view: views.ViewFilter,
    *,
    static: StaticLayers | None = None,
    incidents: MapIncidents | None = None,
    height: int | str = "100%",
) -> folium.Map:
    """The dashboard's folium map of ``view``: its layers shown, its extent (``bbox``) or the Sahel.

    ``static`` (the display basemap) defaults to the bundled layers; ``incidents`` to
    :func:`incident_overlay` of the view.
    """
    static = static_layers() if static is None else static
    day = view.day()
    view = view.replace(selected=None)
    if incidents is None:
        incidents = incident_overlay(store, view, static.country_names)
    m = mapview.build_map(
        view_places(store, view),
        day=day,
        layers={LAYER_NAMES[k] for k in view.layers if k in LAYER_NAMES},
        static=static,
        alliances=alliances_on(day),
        incidents=incidents.overlay,
        height=height,
        bbox=view.bbox,
    )
    return m


__all__ = [
    "LAYER_NAMES",
    "MapIncidents",
    "build_view_map",
    "drawn_mode",
    "heatmap_overlay",
    "incident_overlay",
    "places_view",
    "view_places",
]
