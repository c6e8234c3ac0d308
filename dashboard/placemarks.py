"""The places layers: one feature per place found in the articles, with its popup of mentions."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import shapely

from dashboard.basemap import display_geometry, feature
from dashboard.leaflet_elements import css_slug, esc, safe_url

__all__ = ["KIND_COLORS", "KIND_LABELS", "POPUP_MAX_MENTIONS", "place_features"]

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
POPUP_MAX_MENTIONS = 6


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
    if (
        (geom is None or getattr(geom, "is_empty", True))
        and _val(row, "lat") is not None
        and _val(row, "lon") is not None
    ):
        return shapely.Point(float(row["lon"]), float(row["lat"]))
    return geom


def _first(row: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = _val(row, key)
        if value is not None and value != "":
            return value
    return None


def _place_popup(group: Sequence[Mapping[str, Any]], country_names: Mapping[str, str]) -> str:
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
        f" in {n_articles} article{'s' if n_articles != 1 else ''}</div>"
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
            points.setdefault((name, round(geom.y, 4), round(geom.x, 4)), []).append((geom, row))
        else:
            areas.setdefault((_first(row, "ref") or name, _first(row, "kind")), []).append((geom, row))

    point_features = []
    for (name, _, _), items in points.items():
        rows = [r for _, r in items]
        kind = str(_first(rows[0], "kind") or "place")
        geom = items[0][0]
        radius = 6 + min(6, 2 * math.log2(len(rows)))
        point_features.append(
            feature(
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
            feature(
                geom,
                _popup=_place_popup(rows, country_names),
                _tooltip=esc(name),
                _style={"color": color, "fillColor": color},
            )
        )
    return point_features, area_features
