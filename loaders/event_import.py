"""Import the event datasets analysts already keep: ACLED CSV, UCDP GED CSV, and any CSV, GeoJSON or
GeoPackage with a column mapping.

* Files are streamed in chunks (pyarrow's CSV reader, :mod:`loaders.event_files`); every chunk is checked, placed by
  point-in-polygon (country, admin-1; admin-2 where the bundled layers have it) on its distinct
  coordinates only, and written with ``executemany`` (``Store.dataset_import``: columns empty in
  the whole chunk are not bound, the dataset, file and row id live on the incident row itself; a
  file large next to the store is one transaction whose indexes are built once at the end, a
  small one a transaction per chunk). Checking the next chunk (a worker thread) overlaps reading;
  a large file (``loaders.import_child``) is read and checked in a child process, so that work overlaps
  the writing too (in one process they would take turns on the GIL, which Python's sqlite3 takes
  back after every row).
* Bad rows are skipped and reported with their line number in the file and the reason.
* Each report has a ``source_key`` (dataset + row id): importing the same file again adds nothing.
* Exactly located events (ACLED geo precision 1, UCDP ``where_prec`` 1) teach a local gazetteer tier,
  ``user:imported-events`` (see :mod:`loaders.learned_places`).
* New reports are linked with reports of the same incident from other datasets and articles
  (:mod:`loaders.incident_links`).

Precision mapping (UCDP GED → ACLED-like)
-----------------------------------------
``where_prec`` (UCDP) → ``geo_precision`` (ACLED 1–3):

====================================================  =====
1 exact location (town, village)                        1
2 within ~25 km of a known point                        2
3 second-order administrative division (district)       2
4 first-order administrative division (region)          3
5 linear feature or area spanning admin units           3
6 country only                                          3
7 international waters / airspace                       3
====================================================  =====

``date_prec`` (UCDP) → ``time_precision`` (ACLED 1–3): 1 exact day → 1; 2 a range of 2–6 days → 2;
3 the week → 2; 4 the month (8–30 days) → 3; 5 the year (more than a month) → 3. The event date is
``date_start``; ``date_end`` is kept in ``event_date_end``.

``type_of_violence`` → event type: 1 state-based and 2 non-state conflict → Battles / Armed clash;
3 one-sided violence → Violence against civilians / Attack.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from conflictmap.errors import DataImportError
from loaders.event_files import (
    ACLED_REQUIRED,
    CHUNK_ROWS,
    GENERIC_FIELDS,
    UCDP_DATE_PREC,
    UCDP_REQUIRED,
    UCDP_TYPE,
    UCDP_WHERE_PREC,
    ImportResult,
    ReadJob,
    detect_format,
    expected_rows,
    header,
    parse_dates,
    parse_mapping,
)
from loaders.taxonomy import EVENT_TYPES

if TYPE_CHECKING:
    from conflictmap.store import Store

__all__ = [
    "EVENT_TYPES",
    "GENERIC_FIELDS",
    "UCDP_DATE_PREC",
    "UCDP_TYPE",
    "UCDP_WHERE_PREC",
    "DataImportError",
    "ImportResult",
    "detect_format",
    "import_events",
    "parse_dates",
    "parse_mapping",
]

#: Per format: the columns its files must have, the dataset name they get by default, and what a
#: file without them is not.
_FORMATS = {
    "acled": (ACLED_REQUIRED, "acled", "not an ACLED export"),
    "ucdp": (UCDP_REQUIRED, "ucdp-ged", "not a UCDP GED file"),
}


def import_events(
    store: Store,
    path: str | Path,
    *,
    format: str = "auto",
    mapping: dict[str, str] | None = None,
    dataset: str | None = None,
    chunksize: int = CHUNK_ROWS,
    learn_places: bool = True,
    link: bool = True,
    progress: Callable[[ImportResult], None] | None = None,
    reader_process: bool | None = None,
) -> ImportResult:
    """Import an event file into the store (see the module docstring). Raises
    :class:`~conflictmap.errors.DataImportError` (a ``ValueError``) when the file cannot be read as
    the format at all; bad rows are only skipped.

    ``reader_process``: read and check the file in a child process while this one writes (default:
    for a CSV file of ``loaders.import_child.CHILD_ROWS`` rows or more)."""
    path = Path(path)
    if not path.is_file():
        raise DataImportError(f"{path}: no such file")
    fmt = detect_format(path) if format == "auto" else format
    if fmt not in ("acled", "ucdp", "generic"):
        raise DataImportError(f"{path.name}: unknown format {format!r} (acled, ucdp, generic or auto)")
    if mapping and fmt != "generic":
        fmt = "generic"
    is_geo = path.suffix.lower() in (".geojson", ".json", ".gpkg")
    if fmt in _FORMATS:
        required, default_name, not_one = _FORMATS[fmt]
        cols = set(header(path))
        if not required <= cols:
            raise DataImportError(f"{path.name}: {not_one} (missing {', '.join(sorted(required - cols))})")
        name = dataset or default_name
    else:
        name = dataset or path.stem
    result = ImportResult(path=path, format=fmt, dataset=name)
    expected = 0 if is_geo else expected_rows(path)
    job = ReadJob(path, fmt, mapping, name, chunksize, learn_places, is_geo)
    learned = None
    if learn_places:
        from loaders.learned_places import PlaceCollector

        learned = PlaceCollector()
    from loaders import import_child

    if reader_process is None:
        reader_process = expected >= import_child.CHILD_ROWS and os.name == "posix"  # pass_fds: POSIX
    batches = import_child.batches(job, result, learned) if reader_process else job.batches(result, learned)
    first_new = store.max_incident_id()
    with ThreadPoolExecutor(max_workers=1) as pool, closing(batches):  # closing: stops the reading on an error
        tier = None
        with store.dataset_import(dataset=name, file=path.name, expected_rows=expected) as write:
            for batch in batches:
                if len(batch):
                    added = write(batch.columns, batch, batch.blank)
                    result.added += added
                    result.already += len(batch) - added
                if progress:
                    progress(result)
            if learned is not None:  # merging the places (Python) overlaps building the indexes (SQLite)
                tier = pool.submit(learned.merged)
        if tier is not None:  # written only now that the import is committed
            from loaders.learned_places import write_tier

            frame, result.places_learned = tier.result()
            if frame is not None:
                write_tier(frame)
    if link and result.added:
        from loaders.incident_links import link_new

        result.linked = link_new(store, since_id=first_new, origin=name)
    return result
