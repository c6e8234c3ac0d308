"""CSV: one table of every layer's features, with ``lat``/``lon``, ``wkt`` and each row's attribution
(a CSV has no file-level metadata)."""

from __future__ import annotations

import io
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import shapely

from conflictmap.exports.formats import ExportMeta
from conflictmap.exports.geometry import PRECISION, properties, rfc7946_geometries, to_wgs84

__all__ = ["csv_bytes"]


def csv_bytes(layers: Mapping[str | None, gpd.GeoDataFrame], meta: ExportMeta | None) -> bytes:
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
    gdf = to_wgs84(gdf)
    frame = properties(gdf)
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
    frame["wkt"] = (
        shapely.to_wkt(geoms, rounding_precision=PRECISION, trim=True) if len(geoms) else pd.Series(dtype=object)
    )
    if layer is not None:
        frame.insert(0, "layer", layer)
        if meta is not None:
            frame["attribution"] = meta.row_attribution(layer, frame)
    return frame
