"""Geometries and values as every export format writes them: WGS84, RFC 7946 rounding and ring
orientation, and plain Python values for missing data."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["PRECISION", "json_value", "properties", "records", "rfc7946_geometries", "rfc7946_geometry", "to_wgs84"]


PRECISION = 6  # decimal places: ~0.1 m, what RFC 7946 §11.2 suggests


def rfc7946_geometry(geom: BaseGeometry | None) -> BaseGeometry | None:
    """Coordinates rounded to 6 decimals, exterior rings counter-clockwise and holes clockwise."""
    return rfc7946_geometries([geom])[0]


def rfc7946_geometries(geoms: Any) -> np.ndarray:
    """:func:`rfc7946_geometry` over an array at once (None for missing or empty geometries)."""
    arr = np.asarray(geoms, dtype=object)
    if arr.size == 0:
        return arr
    missing = shapely.is_missing(arr)
    missing[~missing] = shapely.is_empty(arr[~missing])
    out = shapely.orient_polygons(shapely.transform(arr, lambda xy: np.round(xy, PRECISION)), exterior_cw=False)
    out[missing] = None
    return out


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        return gdf.to_crs(4326)
    return gdf


def properties(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    return pd.DataFrame(gdf.drop(columns=gdf.geometry.name))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as dicts of plain Python values, missing values (NaN, NA, NaT, ±inf) as None."""
    columns = []
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_float_dtype(values):
            values = values.replace([np.inf, -np.inf], np.nan)
        columns.append(values.astype(object).where(values.notna(), None).tolist())
    names = [str(c) for c in frame.columns]
    return [dict(zip(names, row)) for row in zip(*columns)] if names else [{} for _ in range(len(frame))]


def json_value(v: Any) -> Any:
    """JSON for what ``json`` cannot write itself (numpy scalars, dates, geometries)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) or math.isinf(v) else float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, (datetime, date, pd.Timestamp)):
        return v.isoformat()
    if isinstance(v, BaseGeometry):
        return v.wkt
    return str(v)
