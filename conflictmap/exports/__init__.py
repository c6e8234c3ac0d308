"""Exports: what the map shows, written as GeoJSON, CSV, GeoPackage or KML with its provenance.

The modules, from the bottom up: :mod:`~conflictmap.exports.formats` (format names, the provenance
record :class:`ExportMeta`), :mod:`~conflictmap.exports.geometry` (RFC 7946 geometries and plain
values), one module per format (:mod:`~conflictmap.exports.geojson`, :mod:`~conflictmap.exports.csvfile`,
:mod:`~conflictmap.exports.gpkg`, :mod:`~conflictmap.exports.kml`), :mod:`~conflictmap.exports.writer`
(the one writer, :func:`export_bytes`), :mod:`~conflictmap.exports.layers` (a view's layers as the map
shows them), :mod:`~conflictmap.exports.provenance` (their sources and terms) and
:mod:`~conflictmap.exports.view` (a view's export, what the download buttons and ``conflictmap
export`` call).
"""

from conflictmap.errors import ExportError
from conflictmap.exports.formats import FORMATS, MEDIA_TYPES, SUFFIXES, ExportMeta, check_format, format_of
from conflictmap.exports.geojson import to_geojson
from conflictmap.exports.layers import view_layers
from conflictmap.exports.provenance import export_meta
from conflictmap.exports.view import export_filename, export_view_bytes
from conflictmap.exports.writer import export_bytes, write_atomically, write_export

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "SUFFIXES",
    "ExportError",
    "ExportMeta",
    "check_format",
    "export_bytes",
    "export_filename",
    "export_meta",
    "export_view_bytes",
    "format_of",
    "to_geojson",
    "view_layers",
    "write_atomically",
    "write_export",
]
