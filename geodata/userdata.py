"""Data the user adds with ``conflictmap data add``: boundary files (this module's boundary part).

``add_boundaries`` reads any vector file GDAL reads (shapefile or zipped shapefile, GeoPackage,
GeoJSON such as geoBoundaries, GADM, Natural Earth), finds its name/code/country columns and
stores it in the admin-1 schema under ``paths.user_data_dir()/boundaries/<stem>.parquet``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from conflictmap.caches import reset_caches
from conflictmap.errors import BoundaryFileError, MissingCRSError, NoPolygonsError, UnreadableBoundaryFile

from . import boundaries
from .build.geom import clean

__all__ = [
    "CODE_COLUMNS",
    "COUNTRY_COLUMNS",
    "NAME_COLUMNS",
    "TYPE_COLUMNS",
    "AddResult",
    "BoundaryFileError",
    "MissingCRSError",
    "NoPolygonsError",
    "UnreadableBoundaryFile",
    "add_boundaries",
]


@dataclass
class AddResult:
    """What ``add_boundaries`` stored."""

    path: Path
    source: str
    level: int
    features: int
    countries: list[str]
    columns: dict[str, str | None]
    notes: list[str] = field(default_factory=list)


#: Candidate columns, most specific first. ``{n}`` is the admin level.
NAME_COLUMNS = ("shapeName", "NAME_{n}", "ADM{n}_EN", "ADM{n}_FR", "admin{n}Name", "name", "NAME", "nom", "NOM")
CODE_COLUMNS = (
    "shapeISO",
    "iso_3166_2",
    "HASC_{n}",
    "GID_{n}",
    "ADM{n}_PCODE",
    "admin{n}Pcode",
    "shapeID",
    "code",
    "CODE",
)
COUNTRY_COLUMNS = ("shapeGroup", "adm0_a3", "GID_0", "ISO", "iso_a3", "ISO3", "iso3", "country")
TYPE_COLUMNS = ("ENGTYPE_{n}", "TYPE_{n}", "type_en", "type", "shapeType")


def _level(frame: pd.DataFrame, path: Path) -> int | None:
    """Admin level from geoBoundaries ``shapeType``, GADM/OCHA column names, or the file name."""
    if "shapeType" in frame.columns:
        found = re.search(
            r"ADM(\d)", str(frame["shapeType"].dropna().iloc[0] if frame["shapeType"].notna().any() else "")
        )
        if found:
            return int(found.group(1))
    for n in range(5, 0, -1):
        if f"NAME_{n}" in frame.columns or f"ADM{n}_PCODE" in frame.columns or f"ADM{n}_EN" in frame.columns:
            return n
    if "iso_3166_2" in frame.columns or "adm1_code" in frame.columns:
        return 1
    found = re.search(r"adm(?:in)?[_-]?(\d)", path.stem, re.IGNORECASE)
    return int(found.group(1)) if found else None


def _pick(frame: pd.DataFrame, candidates: tuple[str, ...], level: int) -> str | None:
    for pattern in candidates:
        column = pattern.format(n=level)
        if column in frame.columns and frame[column].notna().any():
            return column
    return None


def _read(path: Path) -> gpd.GeoDataFrame:
    if not path.exists():
        raise UnreadableBoundaryFile(f"{path} does not exist.")
    try:
        return gpd.read_file(path)
    except Exception as exc:  # GDAL raises several types; the user needs one message
        raise UnreadableBoundaryFile(
            f"{path.name} could not be read as a boundary file (shapefile, zipped shapefile, "
            f"GeoPackage or GeoJSON expected): {exc}"
        ) from exc


def _to_wgs84(frame: gpd.GeoDataFrame, notes: list[str], name: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
            notes.append(
                "The file declares no coordinate system; its coordinates fit longitude/latitude "
                "ranges, so EPSG:4326 (WGS 84) was assumed."
            )
            return frame.set_crs("EPSG:4326")
        raise MissingCRSError(
            f"{name} declares no coordinate system and its coordinates are not longitudes/latitudes; "
            "add a .prj file (or save it with a CRS) and try again."
        )
    return frame.to_crs("EPSG:4326")


def _country_codes(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    codes = frame[column].astype("string").str.strip().str.upper()
    return codes.str[:3].astype(object).where(codes.notna(), None)


def _stem(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", path.name.split(".")[0]) or "boundaries"


def add_boundaries(path: str | Path, *, level: int | None = None) -> AddResult:
    """Store a boundary file as a user layer and refresh ``geodata.boundaries``.

    ``level`` overrides the detected admin level; only level-1 layers join ``admin1()``, the
    others are served by ``boundaries.user_layers()`` so communes never replace region names.
    """
    path = Path(path)
    raw = _read(path)
    polygons = raw[raw.geometry.notna() & raw.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polygons.empty:
        raise NoPolygonsError(f"{path.name} has no polygon features; boundary files need areas, not points or lines.")
    notes: list[str] = []
    frame = _to_wgs84(polygons, notes, path.name)
    detected = _level(frame, path)
    level = level or detected or 1
    if detected is None and level == 1:
        notes.append("The admin level could not be detected; level 1 was assumed.")
    columns = {
        "name": _pick(frame, NAME_COLUMNS, level),
        "code": _pick(frame, CODE_COLUMNS, level),
        "country": _pick(frame, COUNTRY_COLUMNS, level),
        "type": _pick(frame, TYPE_COLUMNS, level),
    }
    if columns["name"] is None:
        raise BoundaryFileError(f"{path.name} has no name column (looked for {', '.join(NAME_COLUMNS[:6])}…).")
    out = _layer(frame, columns, path.name, level)
    target_dir = boundaries.user_boundaries_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{_stem(path)}.parquet"
    out.to_parquet(target, index=False, compression="zstd")
    reset_caches("geodata")  # the layers, and the gazetteer's look-ups that read them
    countries = sorted({c for c in out["country"] if isinstance(c, str)})
    return AddResult(target, path.name, level, len(out), countries, columns, notes)


def _layer(frame: gpd.GeoDataFrame, columns: dict[str, str | None], source: str, level: int) -> gpd.GeoDataFrame:
    """The file in the admin-1 schema plus ``source`` and ``level``."""
    names = frame[columns["name"]].astype("string").str.strip()
    codes = frame[columns["code"]].astype("string") if columns["code"] else pd.Series(pd.NA, index=frame.index)
    fallback = pd.Series([f"{source}#{i}" for i in range(len(frame))], index=frame.index)
    types = frame[columns["type"]].astype("string") if columns["type"] else pd.Series(f"ADM{level}", index=frame.index)
    out = gpd.GeoDataFrame(
        {
            "country": _country_codes(frame, columns["country"]),
            "code": codes.where(codes.notna() & (codes.str.strip() != ""), fallback).astype(object),
            "name": names.astype(object),
            "name_alt": "",
            "type": types.astype(object),
            "reform": f"user file {source}",
            "source": source,
            "level": level,
            "geometry": [clean(g) for g in frame.geometry],
        },
        geometry="geometry",
        crs="EPSG:4326",
    )
    return out[out.geometry.notna() & out["name"].notna()].reset_index(drop=True)
