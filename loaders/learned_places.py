"""A gazetteer tier learned from imported events: where the analyst's datasets put their villages.

Exactly located events (geo precision 1) carry a place name and the point the dataset's coders
chose for it. Those (name, country, admin-1, point) become a user tier of the gazetteer, stored
like a GeoNames dump tier (``geodata.gazetteer.add_geonames_dump``) in
``paths.user_data_dir()/geonames/imported-events.parquet``, so the gazetteer marks its entries
``tier = "user:imported-events"`` and later articles about the same villages geocode to the same
points. Where a dataset gives one name several points in the same admin-1 unit, the point most
events use wins. The parquet has the dump tier's columns plus ``events`` (how many events used it)
and ``datasets``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

TIER_STEM = "imported-events"
DUMP_COLUMNS = ["geonameid", "name", "lat", "lon", "fclass", "feature", "cc", "admin1_code", "population", "alternates"]


def tier_path() -> Path:
    from geodata import paths

    return paths.user_data_dir() / "geonames" / f"{TIER_STEM}.parquet"


class PlaceCollector:
    """Counts (name, ISO3, admin-1, lat, lon) of exactly located events across an import."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, str, float, float]] = Counter()

    def add(self, names, lat, lon, country, admin1, precision) -> None:
        frame = pd.DataFrame({"name": names, "country": country, "admin1": admin1,
                              "lat": np.round(np.asarray(lat, dtype=float), 5),
                              "lon": np.round(np.asarray(lon, dtype=float), 5), "p": precision})
        frame = frame[(frame["p"] == 1) & frame["name"].notna() & frame["country"].notna()]
        if not len(frame):
            return
        frame["admin1"] = frame["admin1"].fillna("")
        frame["name"] = frame["name"].astype(str).str.strip()
        for key, n in frame.groupby(["name", "country", "admin1", "lat", "lon"]).size().items():
            self.counts[key] += int(n)

    def save(self) -> int:
        """Merge into the stored tier; rewrite it (and drop the gazetteer cache) only if it changed.
        Returns how many places the tier holds."""
        path = tier_path()
        old = pd.read_parquet(path) if path.exists() else None
        if not self.counts:
            return 0 if old is None else len(old)
        counts = Counter(self.counts)
        if old is not None and "events" in old:
            iso3 = _iso3_by_iso2()
            names1 = _admin1_by_code()
            for r in old.itertuples():
                c3 = iso3.get(r.cc, r.cc)
                counts[(r.name, c3, names1.get((r.cc, r.admin1_code), r.admin1_name or ""),
                        round(float(r.lat), 5), round(float(r.lon), 5))] += int(r.events)
        best: dict[tuple[str, str, str], tuple[int, float, float]] = {}
        for (name, c3, a1, lat, lon), n in counts.items():
            k = (name, c3, a1)
            if k not in best or n > best[k][0]:
                best[k] = (n, lat, lon)
        iso2 = {v: k for k, v in _iso3_by_iso2().items()}
        codes = _admin1_code_by_name()
        from geodata.names import normalise

        rows = []
        for (name, c3, a1), (n, lat, lon) in sorted(best.items()):
            cc = iso2.get(c3, "")
            rows.append({"geonameid": None, "name": name, "lat": lat, "lon": lon, "fclass": "P", "feature": "PPL",
                         "cc": cc, "admin1_code": codes.get((cc, normalise(a1)), "") if a1 else "",
                         "population": None, "alternates": "", "events": n, "admin1_name": a1 or None})
        frame = pd.DataFrame(rows)
        frame["geonameid"] = frame["geonameid"].astype("Int64")
        frame["population"] = frame["population"].astype("Int64")
        if old is not None and _same(old, frame):
            return len(frame)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".parquet.tmp")
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
        _clear_gazetteer_cache()
        return len(frame)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    cols = ["name", "lat", "lon", "cc", "admin1_code"]
    try:
        return a[cols].reset_index(drop=True).equals(b[cols].reset_index(drop=True))
    except KeyError:
        return False


def _clear_gazetteer_cache() -> None:
    """The in-process gazetteer forgets itself; the on-disk index is keyed by the tier files'
    size and mtime, so the next load rebuilds it with this tier."""
    from geodata.gazetteer import load_gazetteer

    load_gazetteer.cache_clear()


@lru_cache(maxsize=1)
def _iso3_by_iso2() -> dict[str, str]:
    from geodata.gazetteer_sources import iso3_by_iso2

    return iso3_by_iso2()


@lru_cache(maxsize=1)
def _admin1_by_code() -> dict[tuple[str, str], str]:
    from geodata.gazetteer_sources import _admin1_names

    return _admin1_names()


@lru_cache(maxsize=1)
def _admin1_code_by_name() -> dict[tuple[str, str], str]:
    from geodata.names import normalise

    return {(cc, normalise(name)): code for (cc, code), name in _admin1_by_code().items()}


def learned_places() -> pd.DataFrame:
    """The stored tier (empty frame when nothing was learned yet)."""
    path = tier_path()
    return pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=[*DUMP_COLUMNS, "events"])
