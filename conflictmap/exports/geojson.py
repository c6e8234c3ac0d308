"""GeoJSON (RFC 7946): one FeatureCollection, each feature tagged with its layer, the provenance as
foreign members (§6.1)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from conflictmap.exports.formats import ExportMeta
from conflictmap.exports.geometry import json_value, properties, records, rfc7946_geometries, to_wgs84

__all__ = ["geojson_text", "to_geojson"]


def to_geojson(gdf: gpd.GeoDataFrame, *, indent: int | None = None) -> str:
    """A GeoJSON FeatureCollection as RFC 7946 wants it: lon/lat WGS84, no ``crs`` member."""
    return geojson_text({None: gdf}, None, indent=indent)


def geojson_text(
    layers: Mapping[str | None, gpd.GeoDataFrame], meta: ExportMeta | None, *, indent: int | None = None
) -> str:
    """Every layer's features in one collection; each feature's ``layer`` property names its layer
    (``None``: a plain table, no ``layer`` property). ``meta`` goes into foreign members."""
    doc: dict[str, Any] = {"type": "FeatureCollection"}
    if meta is not None:
        doc.update(
            {
                "title": meta.title,
                "attribution": meta.attribution,
                "view": dict(meta.view),
                "sources": list(meta.sources),
            }
        )
    doc["features"] = [f for name, gdf in layers.items() for f in _features(gdf, name)]
    return json.dumps(doc, ensure_ascii=False, indent=indent, default=json_value, allow_nan=False)


def _features(gdf: gpd.GeoDataFrame, layer: str | None) -> list[dict[str, Any]]:
    gdf = to_wgs84(gdf)
    shapes = rfc7946_geometries(gdf.geometry.array)
    head = {} if layer is None else {"layer": layer}
    return [
        {"type": "Feature", "geometry": geometry, "properties": {**head, **props}}
        for geometry, props in zip(_geojson_geometries(shapes), records(properties(gdf)))
    ]


def _geojson_geometries(shapes: np.ndarray) -> list[dict[str, Any] | None]:
    """GeoJSON geometry objects; points (most features) straight from the coordinate arrays."""
    types = shapely.get_type_id(shapes) if len(shapes) else None
    if types is not None and (types == 0).all():
        return [
            {"type": "Point", "coordinates": [x, y]}
            for x, y in zip(shapely.get_x(shapes).tolist(), shapely.get_y(shapes).tolist())
        ]
    return [mapping(shape) if shape is not None else None for shape in shapes]
