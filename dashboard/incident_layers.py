"""Incident layers of the map: clustered points, hexagon bins ("heatmap") and an admin-1 choropleth.

Everything reaches the page as ONE JSON literal per layer (:func:`leaflet_elements.js_literal`);
points travel as columns (``{"lon": [...], "lat": [...], ...}``), not as thousands of features, and
their popups are built in the browser with ``textContent`` only, so no dataset text is ever parsed as
HTML. Hexagon and choropleth colours come from a classification (:func:`natural_breaks`, quantiles)
shown in a legend.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from folium.elements import JSCSSMixin
from folium.template import Template

from conflictmap.caches import cached, register
from conflictmap.hexgrid import HexGrid
from dashboard import web_assets
from dashboard.basemap import display_geometry, feature
from dashboard.leaflet_elements import SafeMacroElement, esc, js_literal

__all__ = [
    "MAX_HEXAGONS",
    "OTHER_COLORS",
    "PALETTE",
    "POINT_LIMIT",
    "SUMMARY_CHARS",
    "TYPE_COLORS",
    "ClusterAssets",
    "IncidentOverlay",
    "IncidentPoints",
    "StartHidden",
    "admin1_geometries",
    "choropleth_overlay",
    "class_colors",
    "class_of",
    "hex_overlay",
    "legend_html",
    "natural_breaks",
    "points_overlay",
    "type_color",
]

#: More incidents than this in view: the points mode shows hexagon bins instead.
POINT_LIMIT = 20_000
SUMMARY_CHARS = 280
TYPE_COLORS = {
    "Battles": "#c0392b",
    "Violence against civilians": "#8e44ad",
    "Explosions/Remote violence": "#d35400",
    "Protests": "#2e86c1",
    "Riots": "#16a085",
    "Strategic developments": "#7f8c8d",
}
PALETTE = ["#f2f0f7", "#fdd49e", "#fc8d59", "#e34a33", "#b30000"]  # light → dark (5 classes)
OTHER_COLORS = ["#2c3e50", "#b7950b", "#1e8449", "#a04000", "#5b2c6f", "#34495e"]


def type_color(event_type: Any, i: int = 0) -> str:
    """The colour of an event type: its own for the ACLED types, else the ``i``-th of the others."""
    return TYPE_COLORS.get(str(event_type), OTHER_COLORS[i % len(OTHER_COLORS)])


# --------------------------------------------------------------------------- classification


def natural_breaks(values: Sequence[float], k: int = 5) -> list[float]:
    """Upper bounds of up to ``k`` classes (Jenks natural breaks; quantiles above 120 distinct values).

    The last bound is the maximum. Fewer classes when there are fewer distinct values.
    """
    data = np.sort(np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float))
    if data.size == 0:
        return []
    distinct = np.unique(data)
    if distinct.size <= k:
        return distinct.tolist()
    if distinct.size > 120:
        qs = np.quantile(data, np.linspace(0, 1, k + 1)[1:], method="higher")
        return sorted({float(q) for q in qs})
    # Jenks on the distinct values weighted by their counts (Fisher's exact DP).
    vals, counts = np.unique(data, return_counts=True)
    n = vals.size
    w = np.concatenate([[0], np.cumsum(counts)])
    s1 = np.concatenate([[0], np.cumsum(counts * vals)])
    s2 = np.concatenate([[0], np.cumsum(counts * vals * vals)])

    def ssd(i: int, j: int) -> float:  # sum of squared deviations of vals[i..j]
        ww = w[j + 1] - w[i]
        a = s1[j + 1] - s1[i]
        return float(s2[j + 1] - s2[i] - a * a / ww)

    cost = np.full((k + 1, n), np.inf)
    back = np.zeros((k + 1, n), dtype=int)
    for j in range(n):
        cost[1, j] = ssd(0, j)
    for c in range(2, k + 1):
        for j in range(c - 1, n):
            best, arg = np.inf, c - 1
            for i in range(c - 1, j + 1):
                v = cost[c - 1, i - 1] + ssd(i, j)
                if v < best:
                    best, arg = v, i
            cost[c, j], back[c, j] = best, arg
    bounds, j = [], n - 1
    for c in range(k, 0, -1):
        bounds.append(float(vals[j]))
        j = back[c, j] - 1
    return sorted(bounds)


def class_of(value: float, breaks: Sequence[float]) -> int:
    """The class of ``value``: the first upper bound in ``breaks`` not below it (else the last)."""
    for i, b in enumerate(breaks):
        if value <= b:
            return i
    return len(breaks) - 1


def class_colors(n: int) -> list[str]:
    """``n`` colours of :data:`PALETTE`, the darkest kept."""
    if n >= len(PALETTE):
        return PALETTE[:n]
    return PALETTE[len(PALETTE) - n :]


def legend_html(title: str, breaks: Sequence[float], colors: Sequence[str], note: str = "", low: float = 0) -> str:
    """Class rows ``low – bound`` (integers; the first class starts at ``low``, the smallest value)."""
    rows = [f'<div class="cm-row"><b>{esc(title)}</b></div>']
    for b, color in zip(breaks, colors):
        label = f"{int(low)}" if int(low) == int(b) else f"{int(low)} – {int(b)}"
        rows.append(
            f'<div class="cm-row"><span class="cm-sw" style="background:{color};border:1px solid #999"></span>'
            f"<span>{esc(label)}</span></div>"
        )
        low = b + 1
    if note:
        rows.append(f'<div class="cm-row cm-members">{esc(note)}</div>')
    return "".join(rows)


# --------------------------------------------------------------------------- overlays


@dataclass(frozen=True)
class IncidentOverlay:
    """What the map draws for the incidents of a view (built once per view, cached by the app)."""

    mode: str  # "points", "heatmap", "choropleth" or "empty"
    points: dict[str, list] | None = None
    cells: list[dict[str, Any]] = field(default_factory=list)
    legend: str = ""
    total: int = 0
    note: str = ""


def points_overlay(frame: pd.DataFrame, total: int | None = None) -> IncidentOverlay:
    """Columnar points: one entry per incident, type as an index into ``types``."""
    frame = frame[frame["lat"].notna() & frame["lon"].notna()]
    types = sorted(frame["event_type"].fillna("(none)").unique().tolist())
    index = {t: i for i, t in enumerate(types)}

    def col(name: str, n: int | None = None) -> list:
        values = frame[name].astype(object).where(frame[name].notna(), None).tolist()
        if n:
            values = [v[:n] + ("…" if len(v) > n else "") if isinstance(v, str) else v for v in values]
        return values

    data = {
        "id": frame["id"].astype(int).tolist(),
        "lon": frame["lon"].astype(float).round(5).tolist(),
        "lat": frame["lat"].astype(float).round(5).tolist(),
        "t": [index[t] for t in frame["event_type"].fillna("(none)")],
        "date": [str(d)[:10] if d is not None else None for d in col("event_date")],
        "sub": col("sub_event_type"),
        "a1": col("actor1"),
        "a2": col("actor2"),
        "f": [int(v) if v is not None and v == v else None for v in col("fatalities")],
        "loc": col("location"),
        "adm": col("admin1"),
        "c": col("country"),
        "src": col("source"),
        "s": col("summary", SUMMARY_CHARS),
        "fix": [v is not None for v in col("correction_id")],
        "types": types,
        "colors": [type_color(t, i) for i, t in enumerate(types)],
    }
    legend = "".join(
        f'<span class="cm-kindrow"><span class="cm-dot" style="background:{c}"></span>{esc(t)}</span>'
        for t, c in zip(types, data["colors"])
    )
    legend = f'<div class="cm-row"><b>Incidents by type</b></div><div class="cm-kinds">{legend}</div>'
    return IncidentOverlay("points", points=data, legend=legend, total=total if total is not None else len(frame))


#: Past this many hexagons (fine bins over a wide area), only those around the map's extent are drawn.
MAX_HEXAGONS = 6_000


def hex_overlay(
    bins: pd.DataFrame,
    grid: HexGrid,
    metric: str = "count",
    total: int = 0,
    note: str = "",
    around: tuple[float, float, float, float] | None = None,
) -> IncidentOverlay:
    """Hexagons (``q, r`` from :func:`conflictmap.views.hex_bins` on ``grid``) coloured by class,
    with a legend naming the hexagon size. Past :data:`MAX_HEXAGONS`, only the hexagons whose centre
    lies within ``around`` (an extent, typically the map's, widened) are drawn; the legend says so."""
    column = "incidents" if metric == "count" else "fatalities"
    bins = bins[bins[column] > 0]
    if bins.empty:
        return IncidentOverlay("heatmap", total=total, note=note)
    breaks = natural_breaks(bins[column].tolist())  # classes from every hexagon, drawn or not
    colors = class_colors(len(breaks))
    low = int(bins[column].min())
    if len(bins) > MAX_HEXAGONS and around is not None:
        lon, lat = grid.centers(bins["q"].to_numpy(), bins["r"].to_numpy())
        west, south, east, north = around
        inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
        if inside.sum() < len(bins):
            note = (note + " · " if note else "") + "hexagons around the map's extent (move the map to see others)"
        bins = bins[inside]
    if len(bins) > MAX_HEXAGONS:  # still too many: the fullest ones
        bins = bins.nlargest(MAX_HEXAGONS, column)
        note = (note + " · " if note else "") + f"the {MAX_HEXAGONS:,} fullest hexagons"
    rings = grid.rings(bins["q"].to_numpy(), bins["r"].to_numpy())
    cells = []
    for ring, (n, f) in zip(rings, bins[["incidents", "fatalities"]].itertuples(index=False, name=None)):
        value = n if metric == "count" else f
        cells.append(
            feature(
                {"type": "Polygon", "coordinates": [ring]},
                _tooltip=f"{int(n):,} incident{'s' if n != 1 else ''} · {int(f):,} fatalities",
                _style={"fillColor": colors[class_of(value, breaks)]},
            )
        )
    title = f"{'Incidents' if metric == 'count' else 'Fatalities'} per hexagon · {grid.label()}"
    legend = legend_html(title, breaks, colors, note, low=low)
    return IncidentOverlay("heatmap", cells=cells, legend=legend, total=total, note=note)


@cached(maxsize=1)
def _admin1_index() -> dict[tuple[str, str], Any]:
    from geodata.boundaries import admin1

    units = admin1()
    return {(str(c), str(n)): g for c, n, g in zip(units["country"], units["name"], units.geometry)}


class _Admin1Geometries(dict):
    """Display geometry of bundled admin-1 units by ``(ISO3, name)``, simplified on first use."""

    def __contains__(self, key: object) -> bool:
        return key in _admin1_index()

    def __missing__(self, key: tuple[str, str]) -> dict | None:
        value = display_geometry(_admin1_index()[key])
        self[key] = value
        return value


_ADMIN1_GEOMETRIES = _Admin1Geometries()
register(f"{__name__}._ADMIN1_GEOMETRIES", _ADMIN1_GEOMETRIES.clear)


def admin1_geometries() -> dict[tuple[str, str], dict]:
    """Display geometries of the bundled admin-1 units by ``(ISO3, name)``, simplified when first used."""
    return _ADMIN1_GEOMETRIES


def choropleth_overlay(
    totals: pd.DataFrame,
    metric: str = "count",
    country_names: dict | None = None,
    geometries: dict[tuple[str, str], dict] | None = None,
) -> IncidentOverlay:
    """Admin-1 units coloured by incident count or fatalities (natural breaks), with a legend."""
    geometries = admin1_geometries() if geometries is None else geometries
    country_names = country_names or {}
    column = "incidents" if metric == "count" else "fatalities"
    total = int(totals["incidents"].sum()) if len(totals) else 0
    known = (
        totals[[(c, a) in geometries for c, a in zip(totals["country"], totals["admin1"])]] if len(totals) else totals
    )
    missing = total - (int(known["incidents"].sum()) if len(known) else 0)
    note = f"{missing} incident{'s' if missing != 1 else ''} outside a known admin-1 unit" if missing else ""
    if known.empty:
        return IncidentOverlay("choropleth", total=total, note=note)
    breaks = natural_breaks(known[column].tolist())
    colors = class_colors(len(breaks))
    cells = []
    for country, name, n, f in known[["country", "admin1", "incidents", "fatalities"]].itertuples(
        index=False, name=None
    ):
        value = n if metric == "count" else f
        cells.append(
            feature(
                geometries[(country, name)],
                _tooltip=(
                    f"<b>{esc(name)}</b> ({esc(country_names.get(country, country))})<br>"
                    f"{int(n)} incidents · {int(f)} fatalities"
                ),
                _style={"fillColor": colors[class_of(value, breaks)]},
            )
        )
    title = f"{'Incidents' if metric == 'count' else 'Fatalities'} per admin-1 unit (natural breaks)"
    legend = legend_html(title, breaks, colors, note, low=int(known[column].min()))
    return IncidentOverlay("choropleth", cells=cells, legend=legend, total=total, note=note)


# --------------------------------------------------------------------------- the points element


class IncidentPoints(JSCSSMixin, SafeMacroElement):
    """Clustered circle markers from columnar data; popups built with ``textContent`` only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent._parent.get_name() }};  // the map (the parent is its feature group)
            if (!isFinite(map.getMaxZoom())) { map.options.maxZoom = {{ this.max_zoom|tojson }}; }  // markercluster needs one
            var d = {{ this.data_js }};
            var group = L.markerClusterGroup({chunkedLoading: true, maxClusterRadius: 40,
                                              disableClusteringAtZoom: 11, showCoverageOnHover: false});
            function add(parent, tag, cls, text) {
                var el = document.createElement(tag);
                if (cls) { el.className = cls; }
                if (text !== undefined && text !== null) { el.textContent = String(text); }
                parent.appendChild(el);
                return el;
            }
            function row(parent, label, value) {
                if (value === null || value === undefined || value === "") { return; }
                var div = add(parent, "div", "cm-meta");
                add(div, "b", null, label + ": ");
                div.appendChild(document.createTextNode(String(value)));
            }
            function popup(i) {
                var el = document.createElement("div");
                el.className = "cm-popup cm-incident-popup";
                el.setAttribute("data-incident", String(d.id[i]));
                var h = add(el, "h4", null, d.types[d.t[i]] + " · " + (d.date[i] || "no date"));
                row(el, "Sub-type", d.sub[i]);
                row(el, "Actors", [d.a1[i], d.a2[i]].filter(function (a) { return a; }).join(" vs "));
                row(el, "Fatalities", d.f[i]);
                row(el, "Where", [d.loc[i], d.adm[i], d.c[i]].filter(function (a) { return a; }).join(", "));
                if (d.s[i]) { add(el, "p", "cm-sentence", d.s[i]); }
                row(el, "Source", d.src[i]);
                add(el, "div", "cm-meta cm-id", "Incident #" + d.id[i] + (d.fix[i] ? " · corrected" : "")
                    + " · details below the map");
                return el;
            }
            var markers = [];
            for (var i = 0; i < d.id.length; i++) {
                var m = L.circleMarker([d.lat[i], d.lon[i]], {
                    pane: "cm-incidents", radius: 6, color: d.fix[i] ? "#111" : "#ffffff",
                    weight: d.fix[i] ? 2 : 1, fillColor: d.colors[d.t[i]], fillOpacity: 0.9,
                    className: "cm-incident cm-incident-" + d.id[i]
                });
                m.bindTooltip("Incident #" + Number(d.id[i]), {direction: "top"});  // read back by the app on click
                m.bindPopup((function (k) { return function () { return popup(k); }; })(i),
                            {maxWidth: 380, minWidth: 220});
                markers.push(m);
            }
            group.addLayers(markers);
            group.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, list], max_zoom: int = 14) -> None:
        super().__init__()
        self._name = "IncidentPoints"
        self.default_js = list(web_assets.MARKERCLUSTER_JS)
        self.default_css = list(web_assets.MARKERCLUSTER_CSS)
        self.max_zoom = int(max_zoom)
        self.n = len(data.get("id", []))
        self.data_js = js_literal(data)


class ClusterAssets(JSCSSMixin, SafeMacroElement):
    """Leaflet.markercluster's files, loaded with the map whatever it shows at first: the app swaps
    the incidents layer without reloading the map, and streamlit-folium loads files only then."""

    _template = Template("{% macro script(this, kwargs) %}{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "ClusterAssets"
        self.default_js = list(web_assets.MARKERCLUSTER_JS)
        self.default_css = list(web_assets.MARKERCLUSTER_CSS)


class StartHidden(SafeMacroElement):
    """streamlit-folium adds every group it is given to the map; this one leaves again at once (the
    layer control then shows it unchecked), for a layer the view keeps hidden at start."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            group.once("add", function () {
                setTimeout(function () { if (group._map) { group._map.removeLayer(group); } }, 0);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "StartHidden"
