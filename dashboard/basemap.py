"""Display features of the bundled reference layers: country and admin-1 borders, zones, alliances."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import shapely

from conflictmap.caches import cached
from dashboard.leaflet_elements import esc

__all__ = [
    "CONTEXT_TOLERANCE",
    "COORD_DECIMALS",
    "SIMPLIFY_TOLERANCE",
    "AllianceShape",
    "StaticLayers",
    "admin1_reforms",
    "alliance_order",
    "alliance_shapes",
    "alliances_on",
    "build_static_layers",
    "country_names",
    "display_geometry",
    "feature",
    "static_layers",
]

_LOG = logging.getLogger(__name__)

#: Display simplification of bundled boundaries (degrees); the bundled data itself stays precise.
SIMPLIFY_TOLERANCE = 0.01
#: Countries outside Africa (no bundled admin-1 units) are context only: coarser, a lighter page.
CONTEXT_TOLERANCE = 0.1
COORD_DECIMALS = 3


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


def feature(geom: dict[str, Any], **props: Any) -> dict[str, Any]:
    """A GeoJSON Feature; properties that are None are left out."""
    return {"type": "Feature", "geometry": geom, "properties": {k: v for k, v in props.items() if v is not None}}


def _frame_features(gdf: Any, tooltip: Any, tolerance: Any = SIMPLIFY_TOLERANCE) -> list[dict[str, Any]]:
    """Features of a frame; ``tolerance`` is a number or a function of the row."""
    features: list[dict[str, Any]] = []
    if gdf is None or len(gdf) == 0:
        return features
    for _, row in gdf.iterrows():
        geom = display_geometry(row.geometry, tolerance(row) if callable(tolerance) else tolerance)
        if geom is not None:
            features.append(feature(geom, _tooltip=tooltip(row)))
    return features


def country_names(countries: Any) -> dict[str, str]:
    """ISO3 → name of a countries frame (``iso3``, ``name``); rows without either are left out."""
    if countries is None or not {"iso3", "name"} <= set(getattr(countries, "columns", ())):
        return {}
    return {str(i): str(n) for i, n in zip(countries["iso3"], countries["name"]) if i and n}


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
    names = country_names(countries)
    focus = set(admin1["country"].dropna().astype(str)) if admin1 is not None and len(admin1) else set()
    area_features: dict[str, list[dict[str, Any]]] = {}
    if areas is not None and len(areas):
        for _, row in areas.iterrows():
            geom = display_geometry(row.geometry)
            if geom is not None:
                area_features.setdefault(str(row.get("id")), []).append(feature(geom, _tooltip=_area_tooltip(row)))
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


@cached(maxsize=1)
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
    """An alliance as drawn on one day: its colour, its members then and their union (display GeoJSON)."""

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


def alliance_order(alliances: Iterable[AllianceShape]) -> list[tuple[AllianceShape, bool]]:
    """The alliances in drawing order, the largest first (at the bottom), each with whether one with
    the same members comes before it (AES and the Liptako-Gourma Authority): that one is drawn
    dashed, so that both stay visible."""
    seen: set[frozenset[str]] = set()
    order = []
    for shape in sorted(alliances, key=lambda a: -len(a.members)):
        members = frozenset(shape.members)
        order.append((shape, members in seen))
        seen.add(members)
    return order


def alliances_on(day: date) -> list[AllianceShape]:
    """Alliances with members on ``day`` (empty when geodata.alliances is not available)."""
    try:
        from geodata.alliances import alliance_layer
    except ImportError:
        _LOG.warning("geodata.alliances is not available: no alliance layer")
        return []
    return alliance_shapes(alliance_layer(day))
