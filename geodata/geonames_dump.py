"""Read a GeoNames country dump (the 19-column ``geoname`` TSV) into gazetteer entries.

A full dump names every well, stream, hill and farm, often exactly like the village next to it.
An analyst maps attacks on towns, villages, camps, bases and mines and reads about districts and
regions, so only these are kept:

* ``P`` populated places, except historical, abandoned and destroyed ones (PPLH, PPLQ, PPLW);
* ``A`` administrative divisions ADM1–ADM3 (ADM1 become admin-1 entries, the others points);
* ``L`` named areas and regions (AREA, RGN, RGNE);
* ``S`` military bases and installations, camps and mines, where attacks happen (MILB, INSM, CMP,
  CMPMN, MN, MNAU).

Streams, wells and relief (``H``, ``T``) are dropped: named like villages, they would outrank them.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from conflictmap.errors import GazetteerDataError
from geodata.gazetteer_sources import usable_alternate

__all__ = ["DROP_P", "KEEP_CODES", "MAX_PROBLEMS", "N_COLUMNS", "AddResult", "keep_feature", "read_dump"]

N_COLUMNS = 19
KEEP_CODES = {
    "A": {"ADM1", "ADM2", "ADM3", "ADMD"},
    "L": {"AREA", "RGN", "RGNE"},
    "S": {"MILB", "INSM", "CMP", "CMPMN", "MN", "MNAU"},
}
DROP_P = {"PPLH", "PPLQ", "PPLW"}
MAX_PROBLEMS = 50


@dataclass
class AddResult:
    """What ``add_geonames_dump`` did: where the tier is stored and what was kept or skipped."""

    stored: Path
    rows_read: int = 0
    rows_kept: int = 0
    rows_not_relevant: int = 0  # valid rows of a feature kind the gazetteer leaves out
    problems: list[str] = field(default_factory=list)  # one line per bad row (first MAX_PROBLEMS)
    rows_bad: int = 0


def _open_text(path: Path) -> IO[str]:
    name = path.name.lower()
    if name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace")
    if name.endswith(".zip"):
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.namelist() if m.lower().endswith(".txt") and "readme" not in m.lower()]
        if not members:
            raise GazetteerDataError(f"{path.name}: the zip holds no GeoNames .txt file")
        return io.TextIOWrapper(archive.open(members[0]), encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def keep_feature(fclass: str, fcode: str) -> bool:
    """Whether the gazetteer keeps a feature of this GeoNames class and code (see the module docstring)."""
    if fclass == "P":
        return fcode not in DROP_P
    return fcode in KEEP_CODES.get(fclass, ())


def read_dump(path: Path, result: AddResult) -> Iterator[dict[str, Any]]:
    """Yield one record per kept row; bad rows are counted and described in ``result.problems``."""

    def problem(msg: str) -> None:
        result.rows_bad += 1
        if len(result.problems) < MAX_PROBLEMS:
            result.problems.append(msg)

    with _open_text(path) as fh:
        for lineno, line in enumerate(fh, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            result.rows_read += 1
            cols = line.split("\t")
            if len(cols) != N_COLUMNS:
                problem(f"line {lineno}: {len(cols)} tab-separated columns, a GeoNames dump has {N_COLUMNS}")
                continue
            try:
                gid = int(cols[0])
                lat, lon = float(cols[4]), float(cols[5])
            except ValueError:
                problem(
                    f"line {lineno}: geonameid {cols[0]!r} or coordinates ({cols[4]!r}, {cols[5]!r}) are not numbers"
                )
                continue
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                problem(f"line {lineno}: coordinates out of range (lat {lat}, lon {lon})")
                continue
            if not keep_feature(cols[6], cols[7]):
                result.rows_not_relevant += 1
                continue
            alts = [a for a in cols[3].split(",") if a and usable_alternate(a)]
            names = list(dict.fromkeys([cols[1], cols[2], *alts]))
            yield {
                "geonameid": gid,
                "name": cols[1],
                "lat": lat,
                "lon": lon,
                "fclass": cols[6],
                "feature": cols[7],
                "cc": cols[8],
                "admin1_code": cols[10],
                "population": int(cols[14]) if cols[14].strip().isdigit() else None,
                "alternates": "|".join(names[1:]),
            }
