"""Geometry hygiene shared by every layer: valid, polygonal, MultiPolygon, on a fixed grid."""

from __future__ import annotations

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

__all__ = ["GRID", "clean", "dissolve", "polygonal"]

#: Coordinates are snapped to 1e-6 degrees (about 0.1 m): far finer than the sources, and it
#: keeps the parquet files small because the 15-digit noise of the GeoJSON sources goes away.
GRID = 1e-6


def polygonal(geom: BaseGeometry | None) -> MultiPolygon | None:
    """The polygon parts of ``geom`` as one MultiPolygon (lines and points from repairs dropped)."""
    if geom is None or geom.is_empty:
        return None
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    if isinstance(geom, MultiPolygon):
        return geom
    parts: list[Polygon] = []
    for part in getattr(geom, "geoms", []):
        multi = polygonal(part)
        if multi is not None:
            parts.extend(multi.geoms)
    return MultiPolygon(parts) if parts else None


def clean(geom: BaseGeometry | None) -> MultiPolygon | None:
    """Repair with ``make_valid``, snap to :data:`GRID`, keep only polygons."""
    if geom is None or geom.is_empty:
        return None
    fixed = shapely.make_valid(geom)
    snapped = shapely.set_precision(fixed, GRID)
    return polygonal(snapped)


def dissolve(geoms: list[BaseGeometry]) -> MultiPolygon | None:
    """Union of ``geoms`` as one clean MultiPolygon."""
    parts = [shapely.make_valid(g) for g in geoms if g is not None]
    return clean(shapely.union_all(parts, grid_size=GRID))
