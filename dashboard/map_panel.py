"""The map in the page: what it sends back (extent, clicks), the table's selection, and its drawing.

The map's extent and the selected incident are part of the view (``bbox``, ``selected``) and so of
the page URL. They arrive through callbacks, which Streamlit runs before the script, so the run
that follows builds its view, its URL and its downloads with them. A move is debounced by
streamlit-folium (250 ms) and changes nothing that a data query keys on.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from conflictmap import views
from dashboard import basemap_assets, filters, mapview
from dashboard.basemap import AllianceShape, StaticLayers
from dashboard.incident_layers import IncidentOverlay

if TYPE_CHECKING:
    from conflictmap.store import Store

__all__ = ["FOCUS_ZOOM", "MAP_KEY", "MAP_RETURNS", "draw_map", "focus_from_url", "on_map_change", "on_table_select"]

_LOG = logging.getLogger("conflictmap.dashboard")
INCIDENT_TOOLTIP = re.compile(r"Incident #(\d+)")  # the tooltip of an incident marker
MAP_KEY = "map"
#: What the map sends back: a click (its tooltip names an incident) and its extent after a move.
MAP_RETURNS = ["last_object_clicked", "last_object_clicked_tooltip", "bounds"]
FOCUS_ZOOM = 12


def on_map_change() -> None:
    """The map moved or was clicked (runs before the script): the extent becomes the view's
    ``bbox``, a clicked incident its ``selected``. streamlit-folium debounces moves (250 ms), and a
    move changes nothing that the data queries key on."""
    ss = st.session_state
    value = ss.get(MAP_KEY) or {}
    bbox = filters.bbox_from_bounds(value.get("bounds"))
    if bbox is not None and bbox != ss.get("map_bbox"):
        ss["map_bbox"] = bbox
        ss["focus"] = None  # the map has moved (to a focus, or away from it): it is where it is
    click = value.get("last_object_clicked")
    if click and click != ss.get("_last_click"):
        ss["_last_click"] = click
        found = INCIDENT_TOOLTIP.fullmatch(str(value.get("last_object_clicked_tooltip") or "").strip())
        if found:  # an incident marker (places have other tooltips)
            ss["selected"] = int(found.group(1))


def on_table_select() -> None:
    """A row selected in the incidents table: it becomes the view's ``selected`` and the map goes there."""
    ss = st.session_state
    state = ss.get("incident_table") or {}
    rows = list((state.get("selection") or {}).get("rows") or [])
    shown = ss.get("_table_rows") or []
    if rows and 0 <= rows[0] < len(shown):
        incident, lat, lon = shown[rows[0]]
        ss["selected"] = int(incident)
        if lat is not None and lon is not None:
            ss["focus"] = ([float(lat), float(lon)], FOCUS_ZOOM)


def focus_from_url(store: Store) -> None:
    """A URL naming an incident (``sel=``) without an extent: open the map on it."""
    ss = st.session_state
    selected = ss.get("selected")
    if selected is None or not ss.pop("focus_pending", False):
        return
    try:
        chosen = views.incident_detail(store, int(selected))
        if not chosen.empty and pd.notna(chosen["lat"].iloc[0]):
            ss["focus"] = ([float(chosen["lat"].iloc[0]), float(chosen["lon"].iloc[0])], FOCUS_ZOOM)
    except Exception:  # noqa: BLE001 - a stale id in a URL must not break the page
        _LOG.exception("cannot focus incident %s", selected)


def draw_map(
    view: views.ViewFilter,
    day: date,
    online: bool,
    static: StaticLayers,
    places: Any,
    place_layers: Any,
    overlay: IncidentOverlay,
    focus: Any,
    signature: tuple[Any, ...],
    places_key: tuple[Any, ...],
    alliances: list[AllianceShape],
    *,
    height: int,
) -> None:
    """The map: its own script (basemap by reference, alliances, places) changes only with the layers,
    the date, the places or the tiles, and then opens where the analyst was; the incidents go to
    streamlit-folium as a separate layer, swapped in place when the filters change."""
    from streamlit_folium import st_folium

    ss = st.session_state
    layer_names = mapview.layer_names(view.layers)
    identity = (tuple(sorted(layer_names)), online, day, places_key, signature)
    if ss.get("_mount", (None,))[0] != identity:  # a new map script: it opens on the current extent
        ss["_mount"] = (identity, view.bbox)
    # Rebuilt on every run: streamlit-folium consumes parts of a map when it renders it, so a map
    # object is never reused (the layers' features and JSON literals are cached, the build is cheap).
    m = mapview.build_map(
        places,
        day=day,
        layers=layer_names,
        online_tiles=online,
        static=static,
        alliances=alliances,
        place_layers=place_layers,
        bbox=ss["_mount"][1],
        basemap_js=basemap_assets.publish(static),
        separate_incidents=True,
    )
    group = mapview.incident_group(overlay, shown=mapview.LAYER_INCIDENTS in layer_names, separate=True)
    st_folium(
        m,
        key=MAP_KEY,
        height=height,
        use_container_width=True,
        returned_objects=MAP_RETURNS,
        on_change=on_map_change,
        feature_group_to_add=group,
        layer_control=mapview.layer_control(),
        center=focus[0] if focus else None,
        zoom=focus[1] if focus else None,
    )
