"""What the map shows, as a table of features, and the files it can be written to.

``places_frame`` is the single view of the store that both the dashboard and ``conflictmap export``
use, and ``export_bytes`` the single writer behind the dashboard's download button and the CLI,
so a downloaded file and an exported one are byte-for-byte the same.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    from conflictmap.store import Store

FORMATS = ("geojson", "csv", "gpkg")
MEDIA_TYPES = {"geojson": "application/geo+json", "csv": "text/csv", "gpkg": "application/geopackage+sqlite3"}
PRECISION = 6  # decimal places: ~0.1 m, what RFC 7946 §11.2 suggests

PLACE_COLUMNS = [
    "name", "kind", "country", "admin1", "confidence", "mentions", "sentence", "surfaces",
    "article_id", "article_title", "article_url", "article_date", "geonameid", "lat", "lon",
]
_GROUP_KEYS = ["article_id", "name", "kind", "ref", "lat", "lon"]


class ExportError(ValueError):
    """The export cannot be written as asked; the message is written for the analyst."""


# --------------------------------------------------------------------------- the view


def places_frame(store: Store, *, article_ids: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """One feature per distinct resolved place per article (EPSG:4326).

    Mentions of an article are grouped by ``(name, kind, ref, lat, lon)``. The geometry is the
    polygon of ``ref`` (country, admin-1, area) when the boundaries know it, else the point.
    ``lat``/``lon`` always hold the resolver's point (a label position for polygons). Corrections
    in force (:mod:`conflictmap.corrections`) are applied first.
    """
    from conflictmap.corrections import apply_mention_corrections

    # analyst corrections in force (a typed location can also resolve an unresolved mention)
    mentions = apply_mention_corrections(store, store.mentions())
    mentions = mentions[mentions["lat"].notna() & mentions["lon"].notna()]
    if article_ids is not None:
        mentions = mentions[mentions["article_id"].isin(list(article_ids))]
    if mentions.empty:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in PLACE_COLUMNS}, geometry=gpd.GeoSeries([], crs="EPSG:4326")
        )

    mentions = mentions.sort_values(["article_id", "start", "id"])
    grouped = mentions.groupby(_GROUP_KEYS, dropna=False, sort=False).agg(
        country=("country", "first"),
        admin1=("admin1", "first"),
        confidence=("confidence", "max"),
        mentions=("id", "count"),
        sentence=("sentence", "first"),
        surfaces=("surface", lambda s: " | ".join(dict.fromkeys(s))),
        geonameid=("geonameid", "first"),
        first_start=("start", "min"),
    ).reset_index()

    articles = store.articles()[["id", "title", "url", "published"]].rename(
        columns={"id": "article_id", "title": "article_title", "url": "article_url", "published": "article_date"}
    )
    frame = grouped.merge(articles, on="article_id", how="left")
    frame = frame.sort_values(["article_date", "article_id", "first_start"], na_position="last")
    polygons: dict[str, BaseGeometry | None] = {}  # per call: user layers may change between calls
    geometry = [_geometry(ref, lon, lat, polygons) for ref, lon, lat in zip(frame["ref"], frame["lon"], frame["lat"])]
    frame["geonameid"] = frame["geonameid"].astype("Int64")
    out = gpd.GeoDataFrame(frame[PLACE_COLUMNS + ["ref"]].reset_index(drop=True), geometry=geometry, crs="EPSG:4326")
    return out


def _geometry(ref: Any, lon: float, lat: float, cache: dict[str, BaseGeometry | None]) -> BaseGeometry:
    if isinstance(ref, str) and ref:
        if ref not in cache:
            cache[ref] = _ref_geometry(ref)
        polygon = cache[ref]
        if polygon is not None and not polygon.is_empty:
            return polygon
    return Point(float(lon), float(lat))


def _ref_geometry(ref: str) -> BaseGeometry | None:
    try:
        from geodata.boundaries import geometry_for
    except ImportError:  # boundaries not built: every place is shown as its point
        return None
    return geometry_for(ref)


# --------------------------------------------------------------------------- GeoJSON (RFC 7946)


def rfc7946_geometry(geom: BaseGeometry | None) -> BaseGeometry | None:
    """Coordinates rounded to 6 decimals, exterior rings counter-clockwise and holes clockwise."""
    if geom is None or geom.is_empty:
        return None
    rounded = shapely.transform(geom, lambda xy: np.round(xy, PRECISION))
    return shapely.orient_polygons(rounded, exterior_cw=False)


def to_geojson(gdf: gpd.GeoDataFrame, *, indent: int | None = None) -> str:
    """A GeoJSON FeatureCollection as RFC 7946 wants it: lon/lat WGS84, no ``crs`` member."""
    gdf = _wgs84(gdf)
    prop_cols = [c for c in gdf.columns if c != gdf.geometry.name]
    features = []
    for geom, props in zip(gdf.geometry, gdf[prop_cols].itertuples(index=False, name=None)):
        shape = rfc7946_geometry(geom)
        features.append({
            "type": "Feature",
            "geometry": mapping(shape) if shape is not None else None,
            "properties": {col: _json_value(v) for col, v in zip(prop_cols, props)},
        })
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=indent)


def _wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        return gdf.to_crs(4326)
    return gdf


def _json_value(v: Any) -> Any:
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
    return v


# --------------------------------------------------------------------------- files


def export_bytes(gdf: gpd.GeoDataFrame, fmt: str) -> bytes:
    """The export file's content: ``geojson``, ``csv`` (lon/lat + WKT) or ``gpkg``."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "geojson":
        return to_geojson(gdf).encode("utf-8")
    if fmt == "csv":
        return _csv_frame(gdf).to_csv(index=False).encode("utf-8")
    if fmt == "gpkg":
        with tempfile.TemporaryDirectory(prefix="conflictmap-export-") as tmp:
            path = Path(tmp) / "places.gpkg"
            _gpkg_frame(gdf).to_file(path, driver="GPKG", layer="places", engine="pyogrio")
            return path.read_bytes()
    raise ExportError(f"unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}")


def write_export(gdf: gpd.GeoDataFrame, path: str | os.PathLike[str], fmt: str | None = None) -> Path:
    """Write ``gdf`` to ``path`` (format from ``fmt`` or the suffix), atomically: a failed export
    never leaves a truncated file where a good one was."""
    path = Path(path)
    if fmt is None:
        fmt = {".geojson": "geojson", ".json": "geojson", ".csv": "csv", ".gpkg": "gpkg"}.get(path.suffix.lower())
        if fmt is None:
            raise ExportError(f"cannot tell the export format from '{path.name}'; give one of {', '.join(FORMATS)}")
    data = export_bytes(gdf, fmt)
    if path.parent and not path.parent.exists():
        raise ExportError(f"cannot write {path}: folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _csv_frame(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    gdf = _wgs84(gdf)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    geoms = [rfc7946_geometry(g) for g in gdf.geometry]
    if "lon" not in frame or "lat" not in frame:
        points = [g.representative_point() if g is not None else None for g in geoms]
        frame["lon"] = [p.x if p is not None else None for p in points]
        frame["lat"] = [p.y if p is not None else None for p in points]
    frame["wkt"] = [shapely.to_wkt(g, rounding_precision=PRECISION, trim=True) if g is not None else None for g in geoms]
    return frame


def _gpkg_frame(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Points and polygons share one layer of generic geometry type; object columns become text."""
    gdf = _wgs84(gdf).copy()
    gdf = gdf.set_geometry([rfc7946_geometry(g) for g in gdf.geometry], crs="EPSG:4326")
    for col in gdf.columns:
        if col != gdf.geometry.name and gdf[col].dtype == object:
            gdf[col] = gdf[col].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
    return gdf
