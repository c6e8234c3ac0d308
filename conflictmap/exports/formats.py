"""The export formats, how a file's name says which, and the provenance a view's export carries."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from conflictmap.errors import ExportError

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "PROVENANCE_COLUMNS",
    "SUFFIXES",
    "VIEW_LAYERS",
    "ExportMeta",
    "check_format",
    "format_of",
]


FORMATS = ("geojson", "csv", "gpkg", "kml")


MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "gpkg": "application/geopackage+sqlite3",
    "kml": "application/vnd.google-earth.kml+xml",
}


SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".csv": "csv", ".gpkg": "gpkg", ".kml": "kml"}


#: The layers of a view export, in this order in every format.
VIEW_LAYERS = ("incidents", "places", "alliances", "areas")


#: Columns of the provenance table (GeoPackage ``provenance``; GeoJSON ``sources``).
PROVENANCE_COLUMNS = ["layer", "source", "what", "features", "licence", "url", "note"]


@dataclass(frozen=True)
class ExportMeta:
    """File-level provenance of a view export (built by :func:`conflictmap.exports.provenance.export_meta`).

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
