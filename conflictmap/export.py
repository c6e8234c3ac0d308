"""What the map shows, as a table of features, and the files it can be written to.

``places_frame`` is the single view of the store's places that the dashboard and every export use.
``export_bytes`` is the single writer, one code path per format (GeoJSON, CSV, GeoPackage, KML), for
one table of features or for the layers of a view (:func:`conflictmap.view_export.view_layers`) with
their provenance (:class:`ExportMeta`). ``export_view_bytes`` and ``export_filename`` are what the
dashboard's download buttons and ``conflictmap export`` call, so a downloaded file and an exported one
are byte-for-byte the same.
"""

from __future__ import annotations

import io
import json
import math
import os
import secrets
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyogrio
import shapely
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    from conflictmap.store import Store
    from conflictmap.views import ViewFilter

FORMATS = ("geojson", "csv", "gpkg", "kml")
MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "gpkg": "application/geopackage+sqlite3",
    "kml": "application/vnd.google-earth.kml+xml",
}
SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".csv": "csv", ".gpkg": "gpkg", ".kml": "kml"}
PRECISION = 6  # decimal places: ~0.1 m, what RFC 7946 §11.2 suggests
#: The layers of a view export, in this order in every format.
VIEW_LAYERS = ("incidents", "places", "alliances", "areas")
#: Columns of the provenance table (GeoPackage ``provenance``; GeoJSON ``sources``).
PROVENANCE_COLUMNS = ["layer", "source", "what", "features", "licence", "url", "note"]

PLACE_COLUMNS = [
    "name", "kind", "country", "admin1", "confidence", "mentions", "sentence", "surfaces",
    "article_id", "article_title", "article_url", "article_date", "geonameid", "lat", "lon",
]
_GROUP_KEYS = ["article_id", "name", "kind", "ref", "lat", "lon"]


class ExportError(ValueError):
    """The export cannot be written as asked; the message is written for the analyst."""


@dataclass(frozen=True)
class ExportMeta:
    """File-level provenance of a view export (built by :func:`conflictmap.provenance.export_meta`).

    Written as GeoJSON foreign members (RFC 7946 §6.1), GeoPackage metadata and a ``provenance``
    table, the KML document's name and description, and CSV ``attribution`` columns (a CSV has no
    file-level metadata, so every row carries the attribution of its own source).
    """

    title: str
    attribution: str  # every source and licence, one paragraph
    sources: tuple[dict[str, Any], ...] = ()  # rows of the provenance table
    view: Mapping[str, Any] = field(default_factory=dict)  # the view as URL query parameters
    layer_attribution: Mapping[str, str] = field(default_factory=dict)
    dataset_attribution: Mapping[str, str] = field(default_factory=dict)  # incidents, by ``source``

    def row_attribution(self, layer: str, frame: pd.DataFrame) -> pd.Series:
        """The attribution of each row of ``layer`` (an incident's own dataset, if known)."""
        default = self.layer_attribution.get(layer, self.attribution)
        if layer == "incidents" and "source" in frame and self.dataset_attribution:
            return frame["source"].map(self.dataset_attribution).fillna(default).astype(object)
        return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def check_format(fmt: str) -> str:
    """``fmt`` normalised (``.GeoJSON`` → ``geojson``), or ExportError naming the formats."""
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}")
    return fmt


def format_of(path: str | os.PathLike[str]) -> str:
    """The export format named by a file's suffix, or ExportError."""
    fmt = SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise ExportError(f"cannot tell the export format from '{Path(path).name}'; give one of {', '.join(FORMATS)}")
    return fmt


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


# --------------------------------------------------------------------------- geometry


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


def _wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        return gdf.to_crs(4326)
    return gdf


def _properties(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    return pd.DataFrame(gdf.drop(columns=gdf.geometry.name))


# --------------------------------------------------------------------------- GeoJSON (RFC 7946)


def to_geojson(gdf: gpd.GeoDataFrame, *, indent: int | None = None) -> str:
    """A GeoJSON FeatureCollection as RFC 7946 wants it: lon/lat WGS84, no ``crs`` member."""
    return _geojson({None: gdf}, None, indent=indent)


def _geojson(layers: Mapping[str | None, gpd.GeoDataFrame], meta: ExportMeta | None, *,
             indent: int | None = None) -> str:
    """Every layer's features in one collection; each feature's ``layer`` property names its layer
    (``None``: a plain table, no ``layer`` property). ``meta`` goes into foreign members."""
    doc: dict[str, Any] = {"type": "FeatureCollection"}
    if meta is not None:
        doc.update({"title": meta.title, "attribution": meta.attribution, "view": dict(meta.view),
                    "sources": list(meta.sources)})
    doc["features"] = [f for name, gdf in layers.items() for f in _features(gdf, name)]
    return json.dumps(doc, ensure_ascii=False, indent=indent, default=_json_value, allow_nan=False)


def _features(gdf: gpd.GeoDataFrame, layer: str | None) -> list[dict[str, Any]]:
    gdf = _wgs84(gdf)
    shapes = rfc7946_geometries(gdf.geometry.array)
    head = {} if layer is None else {"layer": layer}
    return [{"type": "Feature", "geometry": geometry, "properties": {**head, **props}}
            for geometry, props in zip(_geojson_geometries(shapes), records(_properties(gdf)))]


def _geojson_geometries(shapes: np.ndarray) -> list[dict[str, Any] | None]:
    """GeoJSON geometry objects; points (most features) straight from the coordinate arrays."""
    types = shapely.get_type_id(shapes) if len(shapes) else None
    if types is not None and (types == 0).all():
        return [{"type": "Point", "coordinates": [x, y]}
                for x, y in zip(shapely.get_x(shapes).tolist(), shapely.get_y(shapes).tolist())]
    return [mapping(shape) if shape is not None else None for shape in shapes]


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


def _json_value(v: Any) -> Any:
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


# --------------------------------------------------------------------------- CSV


def _csv(layers: Mapping[str | None, gpd.GeoDataFrame], meta: ExportMeta | None) -> bytes:
    """One table: ``layer`` first, every layer's columns (the union), ``lat``/``lon`` (a polygon's
    representative point), ``wkt`` and, for a view, the row's ``attribution``."""
    frames = [_csv_frame(gdf, name, meta) for name, gdf in layers.items()]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    last = [c for c in ("wkt", "attribution") if c in frame]
    frame = frame[[c for c in frame.columns if c not in last] + last]
    for col in frame.columns:  # Arrow wants one type per column: mixed object columns as text
        values = frame[col]
        if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
            frame[col] = values.map(lambda v: None if v is None or v is pd.NA or v != v else str(v)).astype(object)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    out = io.BytesIO()
    pa_csv.write_csv(table, out, pa_csv.WriteOptions(quoting_style="needed"))  # RFC 4180 quoting, in C++
    return out.getvalue()


def _csv_frame(gdf: gpd.GeoDataFrame, layer: str | None = None, meta: ExportMeta | None = None) -> pd.DataFrame:
    gdf = _wgs84(gdf)
    frame = _properties(gdf)
    for col in frame.columns:  # integers stay integers when concatenated with layers that lack the column
        dtype = frame[col].dtype
        if pd.api.types.is_integer_dtype(dtype) and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
            frame[col] = frame[col].astype("Int64")
        elif pd.api.types.is_bool_dtype(dtype):
            frame[col] = frame[col].astype("boolean")
    geoms = rfc7946_geometries(gdf.geometry.array)
    if "lon" not in frame or "lat" not in frame:
        points = shapely.point_on_surface(geoms) if len(geoms) else geoms
        frame["lon"] = shapely.get_x(points) if len(geoms) else pd.Series(dtype=float)
        frame["lat"] = shapely.get_y(points) if len(geoms) else pd.Series(dtype=float)
    frame["wkt"] = (shapely.to_wkt(geoms, rounding_precision=PRECISION, trim=True) if len(geoms)
                    else pd.Series(dtype=object))
    if layer is not None:
        frame.insert(0, "layer", layer)
        if meta is not None:
            frame["attribution"] = meta.row_attribution(layer, frame)
    return frame


# --------------------------------------------------------------------------- GeoPackage

_EMPTY_TYPES = {"incidents": "Point", "alliances": "MultiPolygon", "areas": "MultiPolygon"}


def _gpkg(layers: Mapping[str | None, gpd.GeoDataFrame], meta: ExportMeta | None, path: Path) -> None:
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
            extra["dataset_metadata"] = {"TITLE": meta.title, "ATTRIBUTION": meta.attribution,
                                         "VIEW": json.dumps(dict(meta.view), ensure_ascii=False)}
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", geometry_type=geometry_type,
                                promote_to_multi=promote, layer_options=options, **extra)
    if meta is not None:
        table = pd.DataFrame(list(meta.sources), columns=PROVENANCE_COLUMNS)
        pyogrio.write_dataframe(table.astype(object).where(table.notna(), None), path, layer="provenance",
                                driver="GPKG", layer_options={"DESCRIPTION": "where every layer comes from"})


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
    gdf = _wgs84(gdf).copy()
    gdf = gdf.set_geometry(rfc7946_geometries(gdf.geometry.array), crs="EPSG:4326")
    for col in gdf.columns:
        if col != gdf.geometry.name and gdf[col].dtype == object:
            gdf[col] = gdf[col].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
    return gdf


# --------------------------------------------------------------------------- files


def export_bytes(data: gpd.GeoDataFrame | Mapping[str, gpd.GeoDataFrame], fmt: str,
                 *, meta: ExportMeta | None = None) -> bytes:
    """The export file's content: ``geojson``, ``csv`` (lon/lat + WKT), ``gpkg`` or ``kml``.

    ``data`` is one table (written as it is; a GeoPackage or KML layer named ``places``) or the
    layers of a view by name (each feature tagged with its ``layer``; GeoPackage tables and KML
    folders by layer), with ``meta`` the provenance written into the file.
    """
    fmt = check_format(fmt)
    layers: dict[str | None, gpd.GeoDataFrame] = {None: data} if isinstance(data, gpd.GeoDataFrame) else dict(data)
    if not layers:
        raise ExportError("nothing to export: no layers given")
    if fmt == "geojson":
        return _geojson(layers, meta).encode("utf-8")
    if fmt == "csv":
        return _csv(layers, meta)
    with tempfile.TemporaryDirectory(prefix="conflictmap-export-") as tmp:
        path = Path(tmp) / f"export.{fmt}"
        if fmt == "gpkg":
            _gpkg(layers, meta, path)
            return path.read_bytes()
        from conflictmap.kml import write_kml

        return write_kml({name or "places": gdf for name, gdf in layers.items()}, path, meta)


def write_export(data: gpd.GeoDataFrame | Mapping[str, gpd.GeoDataFrame], path: str | os.PathLike[str],
                 fmt: str | None = None, *, meta: ExportMeta | None = None) -> Path:
    """Write ``data`` to ``path`` (format from ``fmt`` or the suffix), atomically: a failed export
    never leaves a truncated file where a good one was."""
    path = Path(path)
    fmt = format_of(path) if fmt is None else check_format(fmt)
    if path.parent and not path.parent.exists():
        raise ExportError(f"cannot write {path}: folder {path.parent} does not exist")
    return write_atomically(path, export_bytes(data, fmt, meta=meta))


def write_atomically(path: Path, data: bytes) -> Path:
    """Write through a temporary file beside ``path``, then rename: readers never see half a file.

    The temporary file is created with mode 0666 less the umask, like any file the user writes
    (``tempfile.mkstemp`` would make it private, 0600)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


# --------------------------------------------------------------------------- the view's exports


def export_view_bytes(store: Store, view: ViewFilter, fmt: str, *,
                      layers: Mapping[str, gpd.GeoDataFrame] | None = None) -> bytes:
    """The export of ``view`` (its layers, extent and dates) in ``fmt``, with its provenance:
    what the dashboard's download buttons serve and ``conflictmap export`` writes. ``layers``:
    :func:`~conflictmap.view_export.view_layers` of the same view, if the caller already has them."""
    fmt = check_format(fmt)
    from conflictmap.provenance import export_meta
    from conflictmap.view_export import view_layers

    layers = dict(view_layers(store, view) if layers is None else layers)
    return export_bytes(layers, fmt, meta=export_meta(store, view, layers))


def export_filename(view: ViewFilter, fmt: str) -> str:
    """``conflictmap-<from>_<to>.<fmt>`` for the view's date range (``all-dates``, ``from-…``,
    ``until-…`` when open), so files of different periods never overwrite each other."""
    fmt = check_format(fmt)
    start, end = view.date_range()
    if start and end:
        span = f"{start.isoformat()}_{end.isoformat()}"
    elif start:
        span = f"from-{start.isoformat()}"
    elif end:
        span = f"until-{end.isoformat()}"
    else:
        span = "all-dates"
    return f"conflictmap-{span}.{fmt}"
