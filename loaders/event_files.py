"""Read and check event files — ACLED CSV, UCDP GED CSV, and any CSV, GeoJSON or GeoPackage with a
column mapping — into batches of good rows for the store; bad rows are reported by line.

:func:`loaders.event_import.import_events` writes the batches (see its module for the whole
import, and for how UCDP's precision codes map onto ACLED's). A :class:`ReadJob` holds what
reading one file needs and is picklable, so that :mod:`loaders.import_child` can run it in a child
process; a :class:`RowBatch` is one chunk's good rows, column by column, compact to pickle.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from conflictmap.errors import DataImportError
from conflictmap.store import DATASET_COLUMNS
from loaders.placing import Placer, with_none
from loaders.taxonomy import DISORDER_TYPE, SUB_EVENT_TYPES, normalise_event_type, normalise_sub_event_type

if TYPE_CHECKING:
    import pyarrow as pa

    from loaders.learned_places import PlaceCollector

__all__ = [
    "ACLED_REQUIRED",
    "CHUNK_ROWS",
    "CSV_BLOCK",
    "GENERIC_FIELDS",
    "MAX_PROBLEMS",
    "UCDP_ADMIN_DEPTH",
    "UCDP_COLUMNS",
    "UCDP_DATE_PREC",
    "UCDP_REQUIRED",
    "UCDP_TYPE",
    "UCDP_WHERE_PREC",
    "ImportResult",
    "ReadJob",
    "RowBatch",
    "detect_format",
    "expected_rows",
    "header",
    "parse_dates",
    "parse_mapping",
]

CHUNK_ROWS = 50_000
#: None as a 0-d object array, for ``np.where`` and ``np.equal`` on object columns (numpy's
#: type stubs take no bare None there; the results are the same).
_NONE = np.array(None, dtype=object)
#: Bytes pyarrow parses per block. With line breaks allowed in quoted values, 20 MB blocks read
#: 4x slower than 4 MB ones (0.63 vs 0.15 CPU s per 100k ACLED rows).
CSV_BLOCK = 4 << 20
MAX_PROBLEMS = 200

UCDP_WHERE_PREC = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 3, 7: 3}
UCDP_DATE_PREC = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3}
UCDP_ADMIN_DEPTH = {1: 2, 2: 2, 3: 2, 4: 1, 5: 0, 6: 0, 7: 0}  # admin levels known per where_prec
UCDP_TYPE = {1: ("Battles", "Armed clash"), 2: ("Battles", "Armed clash"), 3: ("Violence against civilians", "Attack")}

ACLED_REQUIRED = {"event_id_cnty", "event_date", "event_type", "latitude", "longitude", "fatalities"}
UCDP_COLUMNS = (
    "id relid year active_year code_status type_of_violence conflict_dset_id conflict_new_id conflict_name "
    "dyad_dset_id dyad_new_id dyad_name side_a_dset_id side_a_new_id side_a side_b_dset_id side_b_new_id side_b "
    "number_of_sources source_article source_office source_date source_headline source_original where_prec "
    "where_coordinates where_description adm_1 adm_2 latitude longitude geom_wkt priogrid_gid country country_id "
    "region event_clarity date_prec date_start date_end deaths_a deaths_b deaths_civilians deaths_unknown best high "
    "low gwnoa gwnob"
).split()
UCDP_REQUIRED = {"id", "type_of_violence", "where_prec", "latitude", "longitude", "date_prec", "date_start", "best"}

#: Fields a generic file can be mapped to (``--map column=field``).
GENERIC_FIELDS = (
    "row_id",
    "event_date",
    "event_date_end",
    "time_precision",
    "event_type",
    "sub_event_type",
    "disorder_type",
    "actor1",
    "assoc_actor1",
    "actor2",
    "assoc_actor2",
    "civilian_targeting",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
    "latitude",
    "longitude",
    "location",
    "country",
    "admin1",
    "admin2",
    "geo_precision",
    "summary",
    "tags",
)
_GENERIC_GUESS = {
    "id": "row_id",
    "event_id": "row_id",
    "event_id_cnty": "row_id",
    "date": "event_date",
    "event_date": "event_date",
    "type": "event_type",
    "event_type": "event_type",
    "sub_event_type": "sub_event_type",
    "lat": "latitude",
    "latitude": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
    "longitude": "longitude",
    "fatalities": "fatalities",
    "deaths": "fatalities",
    "killed": "fatalities",
    "location": "location",
    "place": "location",
    "actor1": "actor1",
    "actor2": "actor2",
    "notes": "summary",
    "summary": "summary",
    "description": "summary",
    "geo_precision": "geo_precision",
    "time_precision": "time_precision",
    "admin1": "admin1",
    "admin2": "admin2",
    "country": "country",
}


@dataclass
class ImportResult:
    path: Path
    format: str
    dataset: str
    rows_read: int = 0
    added: int = 0
    already: int = 0
    bad: int = 0
    problems: list[str] = field(default_factory=list)
    linked: int = 0
    places_learned: int = 0

    def problem(self, line: int | None, reason: str) -> None:
        self.bad += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"line {line}: {reason}" if line is not None else reason)

    def summary(self) -> str:
        parts = [f"{self.rows_read:,} rows read", f"{self.added:,} incidents added"]
        if self.already:
            parts.append(f"{self.already:,} already in the store")
        if self.bad:
            parts.append(f"{self.bad:,} bad rows skipped")
        if self.linked:
            parts.append(f"{self.linked:,} reports linked to other sources")
        if self.places_learned:
            parts.append(f"{self.places_learned:,} places in the learned gazetteer")
        return f"{self.path.name} ({self.format}): " + ", ".join(parts)


# --------------------------------------------------------------------------- format detection


def header(path: Path) -> list[str]:
    """The column names of a CSV file's first line, stripped and in lower case."""
    return [c.strip().lower() for c in _raw_header(path)]


def detect_format(path: Path) -> str:
    """``acled``, ``ucdp`` or ``generic`` from the file's suffix and header."""
    if path.suffix.lower() in (".geojson", ".json", ".gpkg"):
        return "generic"
    cols = set(header(path))
    if {"where_prec", "type_of_violence", "date_prec"} <= cols:
        return "ucdp"
    if {"event_id_cnty", "event_type"} <= cols:
        return "acled"
    return "generic"


# --------------------------------------------------------------------------- reading in chunks


def _csv_chunks(path: Path, chunksize: int, result: ImportResult | None = None) -> Iterator[pd.DataFrame]:
    """String chunks with a ``_line`` column: the file line each record starts on (1 = header).

    Read with pyarrow's streaming CSV reader (multi-threaded, ~5x pandas' C parser) in blocks of
    :data:`CSV_BLOCK` bytes, gathered into chunks of about ``chunksize`` rows. Quoted fields may
    hold line breaks; they are counted so the line numbers stay right. Arrow can skip a row with the
    wrong number of fields but cannot say on which line it was: from the first such row on, the
    file is read by Python's csv module instead (slower, exact lines), and each one is reported.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    _check_text(path)
    names = [c.lstrip("\ufeff") for c in _raw_header(path)]
    malformed = False

    def invalid(row: object) -> str:
        nonlocal malformed
        malformed = True
        return "skip"

    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=CSV_BLOCK, column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataImportError(f"{path.name}: not a readable CSV ({_shown(exc)})") from None
    line, records = 2, 0
    try:
        for batch in _gathered(reader, chunksize):
            if malformed:
                break
            breaks = np.zeros(batch.num_rows, dtype=np.int64)
            for col in batch.columns:  # line breaks inside quoted values, counted in Arrow
                if not _has_newline(col):
                    continue
                count = pc.count_substring(col, "\n")
                if batch.num_rows and (pc.max(count).as_py() or 0) > 0:
                    breaks += pc.fill_null(count, 0).to_numpy(zero_copy_only=False).astype(np.int64)
            chunk = batch.to_pandas()
            chunk.columns = [str(c).strip().lower() for c in chunk.columns]
            starts = line + np.concatenate([[0], np.cumsum(1 + breaks)[:-1]]) if len(chunk) else np.zeros(0, np.int64)
            line = int(starts[-1] + 1 + breaks[-1]) if len(chunk) else line
            chunk["_line"] = starts
            records += len(chunk)
            yield chunk
    except pa.ArrowInvalid as exc:
        raise DataImportError(f"{path.name}: not a readable CSV ({_shown(exc)})") from None
    if malformed:
        yield from _python_csv_chunks(path, names, chunksize, records, result)


def _has_newline(column: pa.ChunkedArray) -> bool:
    """Whether some value of a string column (a pyarrow ChunkedArray) may hold a line break: a scan
    of its character buffers with numpy (most columns of most files have none), no false negatives."""
    for chunk in column.chunks:
        data = chunk.buffers()[2] if len(chunk.buffers()) > 2 else None
        if data is not None and (np.frombuffer(data, dtype=np.uint8) == 10).any():
            return True
    return False


def _python_csv_chunks(
    path: Path, names: list[str], chunksize: int, skip: int, result: ImportResult | None
) -> Iterator[pd.DataFrame]:
    """The records after the first ``skip`` as chunks like :func:`_csv_chunks`', read by the csv
    module, which knows each record's lines; records with the wrong number of fields are reported."""
    columns = [str(c).strip().lower() for c in names]
    csv.field_size_limit(64 * 1024 * 1024)
    rows: list[list[str]] = []
    lines: list[int] = []
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        start = reader.line_num + 1
        for n, record in enumerate(reader):
            if n >= skip and len(record) == len(names):
                rows.append(record)
                lines.append(start)
            elif n >= skip and result is not None:
                result.rows_read += 1
                result.problem(start, f"{len(record)} fields, the header has {len(names)}")
            start = reader.line_num + 1
            if len(rows) >= chunksize:
                yield pd.DataFrame(rows, columns=columns).assign(_line=lines)
                rows, lines = [], []
    if rows:
        yield pd.DataFrame(rows, columns=columns).assign(_line=lines)


def _gathered(batches: Iterator, rows: int) -> Iterator:
    """Arrow record batches gathered into tables of at least ``rows`` rows (the last one may be
    smaller), except the first table: the first batch alone (one :data:`CSV_BLOCK`, ~10k rows of
    an ACLED export), so the writer starts on it while the next ones are read and checked."""
    import pyarrow as pa

    gathered: list = []
    first = True
    for batch in batches:
        gathered.append(batch)
        if first or sum(b.num_rows for b in gathered) >= rows:
            yield pa.Table.from_batches(gathered)
            gathered, first = [], False
    if gathered:
        yield pa.Table.from_batches(gathered)


#: How much of a file :func:`_check_text` reads to tell text from binary data.
TEXT_SAMPLE = 1 << 16


def _check_text(path: Path) -> None:
    """DataImportError unless the file's first :data:`TEXT_SAMPLE` bytes are UTF-8: a binary file (or
    one in another encoding) is refused by name before any row is read. (A NUL byte is UTF-8, and a
    summary may hold one.)"""
    with open(path, "rb") as fh:
        sample = fh.read(TEXT_SAMPLE)
    try:  # a multi-byte character cut by the sample's end is no error
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) < TEXT_SAMPLE)
    except UnicodeDecodeError as exc:
        raise DataImportError(
            f"{path.name}: not a CSV file in UTF-8 text (byte {exc.start + 1} is not); save it as CSV, UTF-8"
        ) from None


def _shown(exc: Exception, limit: int = 160) -> str:
    """An error's message fit for one line: printable characters only, at most ``limit`` of them."""
    text = "".join(c if c.isprintable() else "?" for c in str(exc).replace("\n", " "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _raw_header(path: Path) -> list[str]:
    """The column names of a CSV file's first line, as written; DataImportError when two of them
    are the same name (columns are matched by name, in any case: which one would a field be?)."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        first = fh.readline()
    names = next(csv.reader([first]), [])
    seen: dict[str, int] = {}
    for number, name in enumerate(names, start=1):
        key = name.strip().lower()
        if key and key in seen:
            raise DataImportError(
                f"{path.name}: line 1: the column name '{name.strip()}' is used twice (columns {seen[key]} and"
                f" {number}); give every column its own name"
            )
        seen[key] = number
    return names


def _map_values(s: pd.Series, fn: Callable[[Any], Any]) -> np.ndarray:
    """``fn`` of each value, computed once per distinct value."""
    codes, uniques = _factorized(s)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [fn(v) for v in uniques]
    table[-1] = fn(None) if (codes < 0).any() else None
    return table[codes]  # code -1 (a missing value) picks the last slot


def _factorized(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, distinct values)`` of a column, code -1 for a missing value. The reader's
    Arrow-backed columns are dictionary-encoded by Arrow: Python strings are made for the
    distinct values only, not for every row."""
    import pyarrow.compute as pc

    if isinstance(s.dtype, pd.ArrowDtype) or getattr(s.dtype, "storage", None) == "pyarrow":
        return _dictionary_codes(pc.dictionary_encode(_arrow(s)))
    return pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)


def _dictionary_codes(encoded: pa.DictionaryArray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, distinct values)`` of an Arrow dictionary array, code -1 for a null."""
    import pyarrow.compute as pc

    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return codes, encoded.dictionary.to_numpy(zero_copy_only=False).astype(object)


def _arrow(s: pd.Series):
    """The column as one pyarrow string array (no copy of the values for the reader's Arrow-backed
    columns but the joining of their record batches)."""
    import pyarrow as pa

    try:
        arr = pa.array(s.array)
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        pass
    return pa.array(
        s.astype(object).where(s.notna(), None).map(lambda v: v if v is None else str(v)).tolist(),
        type=pa.large_string(),
    )


def _num_blank(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(numbers, NaN where blank or not a number; whether each value is blank)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim_whitespace(_arrow(s))
    blank = pc.fill_null(pc.equal(trimmed, ""), True)
    nulled = pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed)
    try:
        num = pc.cast(nulled, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # some value is not a number: one by one
        num = pd.to_numeric(pd.Series(nulled.to_numpy(zero_copy_only=False), dtype=object), errors="coerce").to_numpy(
            dtype=float
        )
    return pd.Series(num, index=s.index, dtype=float), blank.to_numpy(zero_copy_only=False)


def _num(s: pd.Series) -> pd.Series:
    return _num_blank(s)[0]


def _text(s: pd.Series | None, n: int) -> np.ndarray:
    """Object array of the values, None for blanks.

    A column whose first values repeat (types, actors, places; not summaries) is dictionary-encoded
    by Arrow first: its rows then share one Python string per distinct value, which is cheaper to
    make here and to pack for the writing process (1M generated ACLED rows: ~1 CPU s less)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if s is None:
        return np.full(n, None, dtype=object)
    arr = _arrow(s)
    arr = pc.if_else(pc.fill_null(pc.equal(arr, ""), True), pa.scalar(None, arr.type), arr)
    head = arr.slice(0, _PACK_SAMPLE)
    if _all_differ(pc.count_distinct(head).as_py(), len(head) - head.null_count):
        return arr.to_numpy(zero_copy_only=False)
    codes, uniques = _dictionary_codes(pc.dictionary_encode(arr))
    return with_none(uniques)[codes]  # code -1 (a blank) picks the None


def parse_dates(s: pd.Series) -> pd.Series:
    """ISO ``YYYY-MM-DD`` strings (None where unparseable) from ISO, ``D-Mon-YY`` (older ACLED
    exports), ``D Month YYYY`` or ``DD/MM/YYYY`` values; the time of day, if any, is ignored.
    Each distinct value is parsed once (a file's many rows share a few thousand dates)."""
    codes, uniques = pd.factorize(s.astype(str).str.strip(), use_na_sentinel=True)
    table = with_none(_parse_distinct_dates(pd.Series(np.asarray(uniques, dtype=object))).to_numpy(dtype=object))
    return pd.Series(table[codes], index=s.index, dtype=object)  # code -1 (missing) picks the None


def _parse_distinct_dates(raw: pd.Series) -> pd.Series:
    out = pd.to_datetime(raw.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    for fmt in ("%d-%b-%y", "%d-%b-%Y", "%d %B %Y", "%d/%m/%Y", "%B %d, %Y"):
        missing = out.isna() & (raw != "")
        if not missing.any():
            break
        out[missing] = pd.to_datetime(raw[missing], format=fmt, errors="coerce")
    return out.dt.strftime("%Y-%m-%d").astype(object).where(out.notna(), None)


# --------------------------------------------------------------------------- per-format normalisation
# Each returns (frame with canonical columns, list of (row position, reason) for bad rows).


class _Checks:
    """Collects reasons per row; a row with any reason is bad."""

    def __init__(self, n: int) -> None:
        self.reasons: dict[int, list[str]] = {}  # only the bad rows
        self.bad = np.zeros(n, dtype=bool)

    def flag(self, mask: np.ndarray | pd.Series, reason: str | Callable[[int], str]) -> None:
        mask = np.asarray(mask, dtype=bool)
        for i in np.flatnonzero(mask).tolist():
            self.reasons.setdefault(i, []).append(reason(i) if callable(reason) else reason)
        self.bad |= mask


def _check_common(out: dict[str, Any], chunk: pd.DataFrame, checks: _Checks, raw: dict[str, pd.Series]) -> None:
    lat, lon = out["lat"], out["lon"]
    checks.flag(
        np.isnan(lat) | np.isnan(lon),
        lambda i: (
            f"coordinates missing or not numbers (latitude {raw['lat'].iloc[i]!r}, longitude {raw['lon'].iloc[i]!r})"
        ),
    )
    checks.flag(
        (np.abs(lat) > 90) | (np.abs(lon) > 180),
        lambda i: f"coordinates out of range (latitude {lat[i]}, longitude {lon[i]})",
    )
    checks.flag(pd.isna(out["event_date"]), lambda i: f"date {raw['date'].iloc[i]!r} is not a date")
    checks.flag(
        np.equal(out["event_type"], _NONE), lambda i: f"event type {raw['type'].iloc[i]!r} is not one of ACLED's six"
    )


def _int_field(values: pd.Series, checks: _Checks, name: str, required: bool) -> np.ndarray:
    num, blank = _num_blank(values)
    bad = (
        (num.isna().to_numpy() & ~blank)
        | (num < 0).to_numpy()
        | (num.notna() & (num != np.floor(num.fillna(0)))).to_numpy()
    )
    checks.flag(bad, lambda i: f"{name} {values.iloc[i]!r} is not a whole number ≥ 0")
    if required:
        checks.flag(blank, f"{name} missing")
    return np.where(num.isna(), _NONE, num.fillna(0).astype("int64").astype(object))


def _acled(chunk: pd.DataFrame, checks: _Checks) -> dict[str, Any]:
    n = len(chunk)
    g = chunk.get
    event_type = _map_values(chunk["event_type"], normalise_event_type)
    sub = (
        _map_values(chunk["sub_event_type"], normalise_sub_event_type)
        if "sub_event_type" in chunk
        else np.full(n, None, dtype=object)
    )
    # Pre-2019 "Riots/Protests" rows: the sub-type decides.
    parent = _map_values(pd.Series(sub, dtype=object), SUB_EVENT_TYPES.get)
    fix = pd.notna(parent) & (parent != event_type) & np.isin(event_type.astype(str), ["Riots", "Protests"])
    if fix.any():
        event_type[fix] = [SUB_EVENT_TYPES[s] for s in sub[fix]]
    rid = chunk["event_id_cnty"].str.strip()
    checks.flag((rid == "").to_numpy(), "event_id_cnty missing")
    out: dict[str, Any] = {
        "row_id": rid.to_numpy(dtype=object),
        "event_date": parse_dates(chunk["event_date"]).to_numpy(dtype=object),
        "event_date_end": np.full(n, None, dtype=object),
        "time_precision": _int_field(
            g("time_precision", pd.Series([""] * n, index=chunk.index)), checks, "time_precision", False
        ),
        "disorder_type": _text(g("disorder_type"), n),
        "event_type": event_type,
        "sub_event_type": sub,
        "actor1": _text(g("actor1"), n),
        "assoc_actor1": _text(g("assoc_actor_1"), n),
        "actor2": _text(g("actor2"), n),
        "assoc_actor2": _text(g("assoc_actor_2"), n),
        "civilian_targeting": _text(g("civilian_targeting"), n),
        "fatalities": _int_field(chunk["fatalities"], checks, "fatalities", True),
        "fatalities_low": np.full(n, None, dtype=object),
        "fatalities_high": np.full(n, None, dtype=object),
        "lat": _num(chunk["latitude"]).to_numpy(dtype=float),
        "lon": _num(chunk["longitude"]).to_numpy(dtype=float),
        "location": _text(g("location"), n),
        "country_name": _text(g("country"), n),
        "admin1": _text(g("admin1"), n),
        "admin2": _text(g("admin2"), n),
        "geo_precision": _int_field(
            g("geo_precision", pd.Series([""] * n, index=chunk.index)), checks, "geo_precision", False
        ),
        "summary": _text(g("notes"), n),
        "tags": _text(g("tags"), n),
    }
    _check_common(
        out,
        chunk,
        checks,
        {"lat": chunk["latitude"], "lon": chunk["longitude"], "date": chunk["event_date"], "type": chunk["event_type"]},
    )
    for name in ("geo_precision", "time_precision"):
        vals = out[name]
        checks.flag(
            ~(pd.isna(vals) | pd.Series(vals, dtype=object).isin([1, 2, 3]).to_numpy()), _not_a_precision(name, vals)
        )
    missing_disorder = pd.isna(out["disorder_type"])
    if missing_disorder.any():
        out["disorder_type"][missing_disorder] = [DISORDER_TYPE.get(t) for t in event_type[missing_disorder]]
    return out


def _not_a_precision(name: str, values: np.ndarray) -> Callable[[int], str]:
    """The reason given for row ``i`` whose ``name`` (a precision column) is not 1, 2 or 3."""
    return lambda i: f"{name} {values[i]} is not 1, 2 or 3"


def _ucdp(chunk: pd.DataFrame, checks: _Checks) -> dict[str, Any]:
    n = len(chunk)
    g = chunk.get
    tov = _num(chunk["type_of_violence"])
    checks.flag(
        ~tov.isin([1, 2, 3]).to_numpy(),
        lambda i: f"type_of_violence {chunk['type_of_violence'].iloc[i]!r} is not 1, 2 or 3",
    )
    types = [UCDP_TYPE.get(int(v)) if v == v else None for v in tov]
    wp = _num(chunk["where_prec"])
    dp = _num(chunk["date_prec"])
    checks.flag(
        ~wp.isin(list(UCDP_WHERE_PREC)).to_numpy(), lambda i: f"where_prec {chunk['where_prec'].iloc[i]!r} is not 1–7"
    )
    checks.flag(
        ~dp.isin(list(UCDP_DATE_PREC)).to_numpy(), lambda i: f"date_prec {chunk['date_prec'].iloc[i]!r} is not 1–5"
    )
    rid = chunk["id"].str.strip()
    checks.flag((rid == "").to_numpy(), "id missing")
    best = _int_field(chunk["best"], checks, "best", True)
    low = _int_field(g("low", pd.Series([""] * n, index=chunk.index)), checks, "low", False)
    high = _int_field(g("high", pd.Series([""] * n, index=chunk.index)), checks, "high", False)
    checks.flag(
        np.array(
            [
                b is not None and ((lo is not None and lo > b) or (hi is not None and hi < b))
                for b, lo, hi in zip(best, low, high)
            ]
        ),
        lambda i: f"fatalities do not satisfy low ≤ best ≤ high ({low[i]}, {best[i]}, {high[i]})",
    )
    start = parse_dates(chunk["date_start"]).to_numpy(dtype=object)
    end = parse_dates(g("date_end", chunk["date_start"])).to_numpy(dtype=object)
    checks.flag(
        np.array([s is not None and e is not None and e < s for s, e in zip(start, end)]),
        lambda i: f"date_end {end[i]} is before date_start {start[i]}",
    )
    summary = [
        " — ".join(x for x in (d, h) if x) or None
        for d, h in zip(_text(g("where_description"), n), _text(g("source_headline"), n))
    ]
    out: dict[str, Any] = {
        "row_id": rid.to_numpy(dtype=object),
        "event_date": start,
        "event_date_end": end,
        "time_precision": np.array([UCDP_DATE_PREC.get(int(v)) if v == v else None for v in dp], dtype=object),
        "disorder_type": np.full(n, "Political violence", dtype=object),
        "event_type": np.array([t[0] if t else None for t in types], dtype=object),
        "sub_event_type": np.array([t[1] if t else None for t in types], dtype=object),
        "actor1": _text(g("side_a"), n),
        "assoc_actor1": np.full(n, None, dtype=object),
        "actor2": _text(g("side_b"), n),
        "assoc_actor2": np.full(n, None, dtype=object),
        "civilian_targeting": np.where(tov.to_numpy() == 3, "Civilian targeting", _NONE).astype(object),
        "fatalities": best,
        "fatalities_low": low,
        "fatalities_high": high,
        "lat": _num(chunk["latitude"]).to_numpy(dtype=float),
        "lon": _num(chunk["longitude"]).to_numpy(dtype=float),
        "location": _text(g("where_coordinates"), n),
        "country_name": _text(g("country"), n),
        "admin1": _text(g("adm_1"), n),
        "admin2": _text(g("adm_2"), n),
        "geo_precision": np.array([UCDP_WHERE_PREC.get(int(v)) if v == v else None for v in wp], dtype=object),
        "summary": np.array(summary, dtype=object),
        "tags": np.full(n, None, dtype=object),
        # How deep the admin units of the point are meaningful: a region's centroid is in some
        # district, but the event is not known to be there.
        "_admin_depth": np.array([UCDP_ADMIN_DEPTH.get(int(v), 0) if v == v else 0 for v in wp], dtype=np.int64),
    }
    # event type is derived; its check reads type_of_violence (already flagged), so skip that reason
    _check_common(
        out | {"event_type": np.where(np.equal(out["event_type"], _NONE), "x", out["event_type"])},
        chunk,
        checks,
        {
            "lat": chunk["latitude"],
            "lon": chunk["longitude"],
            "date": chunk["date_start"],
            "type": chunk["type_of_violence"],
        },
    )
    return out


#: Checks one chunk of a format and gives its canonical columns (``_acled``, ``_ucdp``, ``_generic(...)``).
_Reader = Callable[[pd.DataFrame, "_Checks"], dict[str, Any]]


def _generic(mapping: dict[str, str]) -> _Reader:
    def read(chunk: pd.DataFrame, checks: _Checks) -> dict[str, Any]:
        n = len(chunk)
        col = {f: chunk[c] for c, f in mapping.items() if c in chunk}
        blank = pd.Series([""] * n, index=chunk.index)
        typ = _map_values(col.get("event_type", blank), normalise_event_type)
        sub = _map_values(col.get("sub_event_type", blank), normalise_sub_event_type)
        as_sub = _map_values(col.get("event_type", blank), normalise_sub_event_type)  # a sub-type in the type column
        sub = np.where(np.equal(sub, _NONE) & np.equal(typ, _NONE), as_sub, sub)
        need = np.array([t is None and s is not None for t, s in zip(typ, sub)], dtype=bool)
        if need.any():
            typ[need] = [SUB_EVENT_TYPES[s] for s in sub[need]]
        rid = (
            col["row_id"].astype(str).str.strip()
            if "row_id" in col
            else pd.Series(chunk["_line"].astype(str), index=chunk.index)
        )
        out: dict[str, Any] = {
            "row_id": rid.to_numpy(dtype=object),
            "event_date": parse_dates(col.get("event_date", blank)).to_numpy(dtype=object),
            "event_date_end": parse_dates(col["event_date_end"]).to_numpy(dtype=object)
            if "event_date_end" in col
            else np.full(n, None, dtype=object),
            "time_precision": _int_field(col.get("time_precision", blank), checks, "time_precision", False),
            "disorder_type": _text(col.get("disorder_type"), n),
            "event_type": typ,
            "sub_event_type": sub,
            "fatalities": _int_field(col.get("fatalities", blank), checks, "fatalities", False),
            "fatalities_low": _int_field(col.get("fatalities_low", blank), checks, "fatalities_low", False),
            "fatalities_high": _int_field(col.get("fatalities_high", blank), checks, "fatalities_high", False),
            "lat": _num(col.get("latitude", blank)).to_numpy(dtype=float),
            "lon": _num(col.get("longitude", blank)).to_numpy(dtype=float),
            "country_name": _text(col.get("country"), n),
            "geo_precision": _int_field(col.get("geo_precision", blank), checks, "geo_precision", False),
        }
        for f in (
            "actor1",
            "assoc_actor1",
            "actor2",
            "assoc_actor2",
            "civilian_targeting",
            "location",
            "admin1",
            "admin2",
            "summary",
            "tags",
        ):
            out[f] = _text(col.get(f), n)
        _check_common(
            out,
            chunk,
            checks,
            {
                "lat": col.get("latitude", blank),
                "lon": col.get("longitude", blank),
                "date": col.get("event_date", blank),
                "type": col.get("event_type", blank),
            },
        )
        return out

    return read


def _generic_mapping(columns: Sequence[str], mapping: dict[str, str] | None) -> dict[str, str]:
    """column → field: the given mapping over guesses from the column names."""
    cols = [c.strip().lower() for c in columns]
    out = {c: _GENERIC_GUESS[c] for c in cols if c in _GENERIC_GUESS}
    for c, f in (mapping or {}).items():
        c = c.strip().lower()
        f = {"lat": "latitude", "lon": "longitude", "date": "event_date", "type": "event_type", "id": "row_id"}.get(
            f, f
        )
        if f not in GENERIC_FIELDS:
            raise DataImportError(f"--map {c}={f}: unknown field {f!r}; fields are {', '.join(GENERIC_FIELDS)}")
        if c not in cols:
            raise DataImportError(f"--map {c}={f}: the file has no column {c!r} (it has {', '.join(cols[:30])})")
        out = {k: v for k, v in out.items() if v != f}
        out[c] = f
    missing = {"event_date", "latitude", "longitude"} - set(out.values())
    if "event_type" not in out.values() and "sub_event_type" not in out.values():
        missing.add("event_type")
    if missing:
        raise DataImportError(
            f"no column for {', '.join(sorted(missing))}; say which with --map COLUMN=FIELD "
            f"(the file's columns: {', '.join(cols[:30])})"
        )
    return out


def _geo_chunks(path: Path, chunksize: int) -> Iterator[pd.DataFrame]:
    """GeoJSON / GeoPackage features as string chunks with latitude/longitude from the geometry."""
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001 - pyogrio raises many kinds
        raise DataImportError(f"{path.name}: cannot be read as GeoJSON/GeoPackage ({exc})") from None
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    geom = gdf.geometry
    pts = geom.where(geom.geom_type == "Point", geom.representative_point())
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).astype(object)
    frame = frame.where(frame.notna(), "").astype(str)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    empty = pts.isna() | pts.is_empty
    frame["latitude"] = np.where(empty, "", pts.y.astype(str))
    frame["longitude"] = np.where(empty, "", pts.x.astype(str))
    frame["_line"] = np.arange(1, len(frame) + 1)  # feature number
    for i in range(0, len(frame), chunksize):
        yield frame.iloc[i : i + chunksize]


@dataclass
class ReadJob:
    """What reading and checking a file needs: picklable, so a child process can run it."""

    path: Path
    fmt: str
    mapping: dict[str, str] | None
    dataset: str
    chunksize: int
    learn_places: bool
    is_geo: bool

    def batches(self, result: ImportResult, learned: PlaceCollector | None) -> Generator[RowBatch, None, None]:
        """The file's good rows, chunk by chunk, for ``Store.dataset_import``;
        bad rows go to ``result``, exactly located places to ``learned`` (a ``PlaceCollector`` or None).

        Two stages overlap: a worker thread checks and places a chunk while this thread reads the
        next one (pyarrow releases the GIL) and the caller uses the previous one."""
        reader: _Reader | None = {"acled": _acled, "ucdp": _ucdp}.get(self.fmt)
        chunks = (
            _geo_chunks(self.path, self.chunksize) if self.is_geo else _csv_chunks(self.path, self.chunksize, result)
        )
        placer = Placer()

        def prepare(chunk: pd.DataFrame) -> RowBatch:
            nonlocal reader
            if reader is None:
                reader = _generic(_generic_mapping([c for c in chunk.columns if c != "_line"], self.mapping))
            return _prepare_chunk(chunk, reader, self.dataset, placer, learned, result)

        with ThreadPoolExecutor(max_workers=1) as pool, ThreadPoolExecutor(max_workers=1) as loader:
            # The layers load while this thread reads the first chunk and the pool checks it.
            placer.loading = loader.submit(placer.load_layers)
            yield from _ahead(pool, prepare, chunks)


def _ahead(pool: Executor, fn: Callable[[Any], Any], items: Iterator[Any]) -> Iterator[Any]:
    """``fn`` of each item, computed in ``pool``'s thread while the caller reads the next item
    and uses the previous result."""
    pending = None
    for item in items:
        future = pool.submit(fn, item)
        if pending is not None:
            yield pending.result()
        pending = future
    if pending is not None:
        yield pending.result()


def expected_rows(path: Path) -> int:
    """How many rows a CSV file holds, estimated from its size and its first megabyte's lines."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    return int(path.stat().st_size * head.count(b"\n") / len(head)) if head else 0


def _prepare_chunk(
    chunk: pd.DataFrame,
    reader: _Reader,
    dataset: str,
    placer: Placer,
    learned: PlaceCollector | None,
    result: ImportResult,
) -> RowBatch:
    """Check and place one chunk; its good rows for ``Store.dataset_import``."""
    n = len(chunk)
    result.rows_read += n
    checks = _Checks(n)
    out = reader(chunk, checks)
    lines = chunk["_line"].to_numpy()
    for i in np.flatnonzero(checks.bad).tolist():
        result.problem(int(lines[i]), "; ".join(checks.reasons.get(i, ())))
    keep = ~checks.bad
    if not keep.any():
        return RowBatch([], [])
    sel = {k: (v[keep] if isinstance(v, np.ndarray) else np.asarray(v, dtype=object)[keep]) for k, v in out.items()}
    lat, lon = sel["lat"], sel["lon"]
    country, adm1, adm2 = placer.place(lat, lon)
    adm1 = np.where(np.equal(adm1, _NONE), sel["admin1"], adm1)  # outside the layers: the file's own
    adm2 = np.where(np.equal(adm2, _NONE), sel["admin2"], adm2)
    if "_admin_depth" in sel:
        depth = sel["_admin_depth"]
        adm1 = np.where(depth >= 1, adm1, _NONE)
        adm2 = np.where(depth >= 2, adm2, _NONE)
    values = {**sel, "lat": lat, "lon": lon, "country": country, "admin1": adm1, "admin2": adm2}
    values["row_id"] = pd.Series(sel["row_id"], dtype=object).astype(str).to_numpy(dtype=object)
    # Columns empty in the whole chunk are not written (they stay NULL): fewer values to bind.
    columns = [c for c in DATASET_COLUMNS if c in ("row_id", "event_date") or not _all_none(values[c])]
    if learned is not None:
        learned.add(sel["location"], lat, lon, country, adm1, sel["geo_precision"])
    return RowBatch(columns, [np.asarray(values[c], dtype=None if c in ("lat", "lon") else object) for c in columns])


#: Dataset columns holding numbers; the others hold text (dates as ISO text).
_NUMBER_COLUMNS = frozenset(
    {"time_precision", "fatalities", "fatalities_low", "fatalities_high", "lat", "lon", "geo_precision"}
)


class RowBatch:
    """A chunk's good rows, column by column (numpy arrays: float for coordinates, object otherwise;
    lists of Python values once received from the reading process). Received so, a missing value
    of a text column is ``""``, not None, and the column is named in ``blank``: binding None costs
    CPython's sqlite3 about five times as much as binding a string (it looks for an adapter first),
    and an export's associated actors and tags are missing in most rows.

    Pickled compactly for the trip from the reading process (see :func:`_pack`): a column with few
    distinct values as small int codes plus those values (a chunk's 50,000 event types are 25
    strings), a column of mostly distinct strings (summary, row id) as one joined string, floats as
    raw buffers. That is several times cheaper to pickle and unpickle than the rows as tuples."""

    def __init__(self, columns: list[str], values: Sequence[np.ndarray | list[Any]]) -> None:
        self.columns = columns
        self.values: list[np.ndarray | list[Any]] = list(values)
        self.blank: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.values[0]) if self.values else 0

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        """The rows as tuples of Python values (what ``executemany`` binds), in ``columns`` order,
        made one at a time: ``executemany`` over this iterator takes ~2 µs less per row than over
        a list of the same tuples (measured: 5.6-6.5 vs 7.8-9.3 µs per row)."""
        return zip(*(v if isinstance(v, list) else v.tolist() for v in self.values))

    def __getstate__(self) -> tuple[list[str], list[Any]]:
        # made of arrays in the reading process, which pickles it (lists come out of __setstate__)
        return self.columns, [
            _pack(v if isinstance(v, np.ndarray) else np.asarray(v, dtype=object)) for v in self.values
        ]

    def __setstate__(self, state: tuple[list[str], list[Any]]) -> None:
        self.columns, packed = state
        self.values, blank = [], []
        for column, p in zip(self.columns, packed):
            text = column not in _NUMBER_COLUMNS
            values, missing = _unpack(p, "" if text else None)
            self.values.append(values)
            if text and missing:
                blank.append(column)
        self.blank = tuple(blank)


#: Rows a column's first rows are sampled on to choose how it is packed (:func:`_pack`): 1,000
#: values of a column with 2,000 distinct ones (a chunk's dates) repeat ~200 times, of a chunk's
#: 50,000 row ids none.
_PACK_SAMPLE = 1000
#: Joins a column's strings for the pipe; a column holding it is packed as codes instead.
_JOIN = "\x00"


def _all_differ(distinct: int, sampled: int) -> bool:
    """Whether a column's sampled first values (``sampled`` of them, ``distinct`` different) all
    differ, 1 % repeats allowed: a summary or row id column, not one of types, actors or places.
    Such a column is worth neither dictionary-encoding (:func:`_text`) nor factorizing (:func:`_pack`)."""
    return sampled > 1 and distinct >= sampled * 0.99


def _pack(v: np.ndarray) -> Any:
    """A column in a cheap form to pickle: a float array as is; an object column whose sampled
    first rows are all distinct (1 % repeats allowed) and which holds only strings (and None) as
    ``(joined, n, None positions)``: one string pickles as a single copy, where each value of an
    object array costs pickle an opcode and a memo entry both ways, and a factorize of values that
    all differ only adds work; any other object column as ``(codes, uniques)`` from
    ``pd.factorize``, the codes in the smallest int type. Measured on 1M generated ACLED rows: 1.31 -> 1.05 s to
    pickle the chunks in the child, 0.47 -> 0.43 s to unpickle them in the parent, 153 -> 104 MB
    through the pipe."""
    if v.dtype != object:
        return v
    head = v[:_PACK_SAMPLE].tolist()
    if _all_differ(len(set(head)), len(head)):
        joined = _joined(v)
        if joined is not None:
            return joined
    codes, uniques = pd.factorize(v, use_na_sentinel=True)  # None and NaN: code -1
    kind = np.int8 if len(uniques) < 127 else np.int16 if len(uniques) < 32_767 else np.int32
    return codes.astype(kind), np.asarray(uniques, dtype=object)


def _joined(v: np.ndarray) -> tuple[str, int, np.ndarray] | None:
    """``(the strings joined by _JOIN, how many, positions of None/NaN)``, or None when some value
    is neither a string nor missing, or holds ``_JOIN`` itself."""
    missing = pd.isna(v)
    values = v.tolist()
    nones = np.flatnonzero(missing)
    for i in nones.tolist():
        values[i] = ""
    try:
        joined = _JOIN.join(values)
    except TypeError:  # a value that is not a string
        return None
    if joined.count(_JOIN) != len(values) - 1:  # some value holds it
        return None
    return joined, len(values), nones


def _unpack(packed: Any, missing: Any = None) -> tuple[np.ndarray | list[Any], bool]:
    """The column :func:`_pack` packed (a float array, or a list of Python values, ``missing``
    where a value is missing) and whether any value is missing."""
    if isinstance(packed, np.ndarray):
        return packed, False
    if len(packed) == 3:
        joined, n, nones = packed
        values = joined.split(_JOIN) if n else []  # a missing value was joined as ""
        if missing != "":
            for i in nones.tolist():
                values[i] = missing
        return values, len(nones) > 0
    codes, uniques = packed
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = uniques
    table[-1] = missing  # code -1 picks it
    return table[codes].tolist(), bool((codes < 0).any())


def _all_none(values: np.ndarray | list[Any]) -> bool:
    """No value but None or NaN."""
    if isinstance(values, np.ndarray) and values.dtype != object:
        return False
    if len(values) and values[0] is not None and values[0] == values[0]:
        return False  # the common case: a column with a value in its first row
    return bool(pd.isna(np.asarray(values, dtype=object)).all())


def parse_mapping(items: Sequence[str] | None) -> dict[str, str]:
    """``["col=field", ...]`` from the command line as a dict (ValueError on a malformed item)."""
    out = {}
    for item in items or ():
        col, sep, fld = item.partition("=")
        if not sep or not col.strip() or not fld.strip():
            raise DataImportError(f"--map {item!r}: write it as COLUMN=FIELD, e.g. --map date=event_date")
        out[col.strip()] = fld.strip()
    return out
