"""The one writer per format: :func:`export_bytes` for one table of features or a view's layers, and
atomic files."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd

from conflictmap.errors import ExportError
from conflictmap.exports.csvfile import csv_bytes
from conflictmap.exports.formats import ExportMeta, check_format, format_of
from conflictmap.exports.geojson import geojson_text
from conflictmap.exports.gpkg import write_gpkg
from conflictmap.exports.kml import write_kml

__all__ = ["export_bytes", "write_atomically", "write_export"]


def export_bytes(
    data: gpd.GeoDataFrame | Mapping[str, gpd.GeoDataFrame], fmt: str, *, meta: ExportMeta | None = None
) -> bytes:
    """The export file's content: ``geojson``, ``csv`` (lon/lat + WKT), ``gpkg`` or ``kml``.

    ``data`` is one table (written as it is; a GeoPackage or KML layer named ``places``) or the
    layers of a view by name (each feature tagged with its ``layer``; GeoPackage tables and KML
    folders by layer), with ``meta`` the provenance written into the file.
    """
    fmt = check_format(fmt)
    layers: dict[str | None, gpd.GeoDataFrame] = {}
    if isinstance(data, gpd.GeoDataFrame):
        layers[None] = data
    else:
        layers.update(data)
    if not layers:
        raise ExportError("nothing to export: no layers given")
    if fmt == "geojson":
        return geojson_text(layers, meta).encode("utf-8")
    if fmt == "csv":
        return csv_bytes(layers, meta)
    with tempfile.TemporaryDirectory(prefix="conflictmap-export-") as tmp:
        path = Path(tmp) / f"export.{fmt}"
        if fmt == "gpkg":
            write_gpkg(layers, meta, path)
            return path.read_bytes()
        return write_kml({name or "places": gdf for name, gdf in layers.items()}, path, meta)


def write_export(
    data: gpd.GeoDataFrame | Mapping[str, gpd.GeoDataFrame],
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    meta: ExportMeta | None = None,
) -> Path:
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
