"""GeoPackage: one table per layer (present even when empty) and a ``provenance`` table."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from conflictmap.exports.formats import PROVENANCE_COLUMNS, ExportMeta
from conflictmap.exports.geometry import rfc7946_geometries, to_wgs84

__all__ = ["write_gpkg"]


_EMPTY_TYPES = {"incidents": "Point", "alliances": "MultiPolygon", "areas": "MultiPolygon"}


def write_gpkg(layers: Mapping[str | None, gpd.GeoDataFrame], meta: ExportMeta | None, path: Path) -> None:
    """One table per layer (present even when empty), then a non-spatial ``provenance`` table."""
    for i, (name, gdf) in enumerate(layers.items()):
        name = name or "places"
        frame = _gpkg_frame(gdf)
        geometry_type, promote = _gpkg_geometry_type(frame, name)
        options: dict[str, Any] = {"IDENTIFIER": f"conflictmap {name}"}
        if meta is not None:
            options["DESCRIPTION"] = meta.layer_attribution.get(name, meta.attribution)
        extra: dict[str, Any] = {}
        if meta is not None and i == 0:
            extra["dataset_metadata"] = {
                "TITLE": meta.title,
                "ATTRIBUTION": meta.attribution,
                "VIEW": json.dumps(dict(meta.view), ensure_ascii=False),
            }
        pyogrio.write_dataframe(
            frame,
            path,
            layer=name,
            driver="GPKG",
            geometry_type=geometry_type,
            promote_to_multi=promote,
            layer_options=options,
            **extra,
        )
    if meta is not None:
        table = pd.DataFrame(list(meta.sources), columns=PROVENANCE_COLUMNS)
        pyogrio.write_dataframe(
            table.astype(object).where(table.notna(), None),
            path,
            layer="provenance",
            driver="GPKG",
            layer_options={"DESCRIPTION": "where every layer comes from"},
        )


def _gpkg_geometry_type(frame: gpd.GeoDataFrame, name: str) -> tuple[str, bool]:
    """The table's geometry type: one type, polygons promoted to MultiPolygon, else generic."""
    types = set(frame.geometry.dropna().geom_type)
    if not types:
        return _EMPTY_TYPES.get(name, "Unknown"), False
    if types <= {"Polygon", "MultiPolygon"}:
        return "MultiPolygon", True
    if len(types) == 1:
        return types.pop(), False
    return "Unknown", False


def _gpkg_frame(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rounded, oriented geometries; object columns become text."""
    gdf = to_wgs84(gdf).copy()
    gdf = gdf.set_geometry(rfc7946_geometries(gdf.geometry.array), crs="EPSG:4326")
    for col in gdf.columns:
        if col != gdf.geometry.name and gdf[col].dtype == object:
            gdf[col] = gdf[col].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
    return gdf
