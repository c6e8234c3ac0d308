"""The store: one SQLite file holding articles, the places found in them, and incidents.

Concurrency choices
-------------------
* WAL journal: readers (the dashboard, an export) never block the writer and never see half a
  write; ``synchronous=NORMAL`` is durable enough in WAL mode (a power cut can lose the last
  commit, never corrupt the file).
* Each :class:`Store` owns ONE connection opened with ``check_same_thread=False`` and guarded by
  a re-entrant lock. Streamlit runs each rerun of a script in a new thread while a cached Store
  outlives them; serialising calls on one connection keeps that correct without reopening the
  file (and re-running the pragmas) on every call. Other processes open their own Store.
* Writes run inside ``BEGIN IMMEDIATE``: the write lock is taken up front, so two writers queue
  (``busy_timeout`` 10 s) instead of failing half-way with "database is locked".

Schema changes are a list of migrations; ``PRAGMA user_version`` records how many have run.
A later feature adds its tables by appending to :data:`MIGRATIONS`, never by editing one.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from loaders.articles import Article
    from loaders.mention import Mention

BUSY_TIMEOUT_S = 10.0
#: Page size of a new store (an existing one keeps its own). Against SQLite's default 4 KB, a
#: million-row import is about 2 s faster (half the pages to write to the WAL, copy into the file
#: and sort into the indexes); 16 KB pages made views read by id slower (see docs/scaling.md).
PAGE_SIZE = 8192
#: ``PRAGMA threads`` and cache while :meth:`Store.dataset_import` builds its indexes: with a
#: smaller cache SQLite's sorter cuts the rows into runs that a helper thread sorts while the
#: main one reads on (measured: 8.2-9.3 -> 6.9-7.1 s for the two covering indexes of 1M rows).
INDEX_BUILD_THREADS = 2
INDEX_BUILD_CACHE_KB = 65536

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: articles, the places mentioned in them, and incidents (filled by event-file loaders).
    (
        """
        CREATE TABLE articles (
            id          TEXT PRIMARY KEY,
            title       TEXT,
            source      TEXT,
            url         TEXT,
            published   TEXT,
            lang        TEXT,
            path        TEXT,
            text        TEXT NOT NULL,
            ingested_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE mentions (
            id          INTEGER PRIMARY KEY,
            article_id  TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start       INTEGER NOT NULL,
            "end"       INTEGER NOT NULL,
            surface     TEXT NOT NULL,
            name        TEXT,
            kind        TEXT NOT NULL CHECK (kind IN ('country', 'admin1', 'area', 'region', 'place')),
            lat         REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
            lon         REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
            geonameid   INTEGER,
            country     TEXT,
            admin1      TEXT,
            confidence  REAL NOT NULL DEFAULT 0,
            sentence    TEXT,
            ref         TEXT,
            CHECK ((lat IS NULL) = (lon IS NULL))
        )
        """,
        "CREATE INDEX mentions_article ON mentions(article_id)",
        """
        CREATE TABLE incidents (
            id             INTEGER PRIMARY KEY,
            event_date     TEXT,
            event_type     TEXT,
            sub_event_type TEXT,
            actor1         TEXT,
            actor2         TEXT,
            fatalities     INTEGER,
            lat            REAL,
            lon            REAL,
            location       TEXT,
            country        TEXT,
            admin1         TEXT,
            geo_precision  INTEGER,
            summary        TEXT,
            source_kind    TEXT,
            source_ref     TEXT
        )
        """,
        "CREATE INDEX incidents_date ON incidents(event_date)",
    ),
    # 2: the full incident schema (ACLED-like), where each incident comes from, and merged reports.
    # An ``incidents`` row is one report of an incident (a dataset row, or an article's sentence);
    # reports of the same incident are linked into one group in ``incident_links`` (a report
    # without a row there is an incident on its own). ``incident_splits`` keeps the pairs an
    # analyst split apart, so automatic linking never merges them again.
    (
        "ALTER TABLE incidents ADD COLUMN time_precision INTEGER",
        "ALTER TABLE incidents ADD COLUMN event_date_end TEXT",
        "ALTER TABLE incidents ADD COLUMN disorder_type TEXT",
        "ALTER TABLE incidents ADD COLUMN assoc_actor1 TEXT",
        "ALTER TABLE incidents ADD COLUMN assoc_actor2 TEXT",
        "ALTER TABLE incidents ADD COLUMN civilian_targeting TEXT",
        "ALTER TABLE incidents ADD COLUMN fatalities_low INTEGER",
        "ALTER TABLE incidents ADD COLUMN fatalities_high INTEGER",
        "ALTER TABLE incidents ADD COLUMN admin2 TEXT",
        "ALTER TABLE incidents ADD COLUMN tags TEXT",
        "ALTER TABLE incidents ADD COLUMN origin TEXT",      # the dataset name or the article id
        "ALTER TABLE incidents ADD COLUMN source_key TEXT",  # unique per report: re-imports add nothing
        "ALTER TABLE incidents ADD COLUMN created_at TEXT",
        "CREATE UNIQUE INDEX incidents_source_key ON incidents(source_key)",
        """
        CREATE TABLE incident_sources (
            id          INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL UNIQUE REFERENCES incidents(id) ON DELETE CASCADE,
            kind        TEXT NOT NULL CHECK (kind IN ('article', 'dataset')),
            dataset     TEXT,
            row_id      TEXT,
            file        TEXT,
            line        INTEGER,
            article_id  TEXT,
            sentence    TEXT,
            CHECK ((kind = 'dataset') = (dataset IS NOT NULL))
        )
        """,
        "CREATE INDEX incident_sources_article ON incident_sources(article_id)",
        """
        CREATE TABLE incident_links (
            incident_id INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
            group_id    INTEGER NOT NULL,
            linked_by   TEXT NOT NULL DEFAULT 'auto',
            linked_at   TEXT
        )
        """,
        "CREATE INDEX incident_links_group ON incident_links(group_id)",
        """
        CREATE TABLE incident_splits (
            a INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            b INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            PRIMARY KEY (a, b)
        )
        """,
    ),
    # 3: analyst corrections (conflictmap.corrections): a stack per target, applied by the views and
    # every export. Keyed by what survives a re-ingest: an incident's source_key, a mention's
    # "<article id>:<start>:<end>". Undo marks the latest row undone_at. Plus filter indexes.
    (
        """
        CREATE TABLE corrections (
            id             INTEGER PRIMARY KEY,
            target         TEXT NOT NULL CHECK (target IN ('incident', 'mention')),
            target_key     TEXT NOT NULL,
            lat            REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
            lon            REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
            country        TEXT,
            admin1         TEXT,
            event_type     TEXT,
            sub_event_type TEXT,
            name           TEXT,
            kind           TEXT,
            geonameid      INTEGER,
            ref            TEXT,
            note           TEXT,
            created_at     TEXT NOT NULL,
            undone_at      TEXT
        )
        """,
        "CREATE INDEX corrections_target ON corrections(target, target_key)",
        "CREATE INDEX incidents_event_type ON incidents(event_type)",
        "CREATE INDEX incidents_country ON incidents(country, admin1)",
    ),
    # 4: batch ingest jobs (loaders.batch): how far a job got, so an interrupted one resumes.
    # ``linked_through``: the incident reports up to that id are linked (linking runs every few
    # thousand new reports and at the end; a job killed before its linking re-links when it resumes).
    (
        """
        CREATE TABLE ingest_jobs (
            id             TEXT PRIMARY KEY,
            sources        TEXT NOT NULL,
            started_at     TEXT NOT NULL,
            updated_at     TEXT,
            finished_at    TEXT,
            written        INTEGER NOT NULL DEFAULT 0,
            linked_through INTEGER NOT NULL DEFAULT 0
        )
        """,
    ),
    # 5: covering indexes for the views' aggregates (counts, hexagon bins, admin-1 totals, time
    # series): every column they filter or sum, one led by the date (ranges, time series in index
    # order), one by country and admin-1 (totals in index order, no sort). Reading them instead of
    # the table (whose rows carry summaries and actors) makes a dashboard filter change on a million
    # incidents a scan of a tenth of the bytes. ANALYZE lets the planner pick them.
    (
        "CREATE INDEX incidents_facts ON incidents(event_date, event_type, sub_event_type, country, admin1,"
        " geo_precision, source_kind, origin, fatalities, lat, lon)",
        "CREATE INDEX incidents_places ON incidents(country, admin1, event_date, event_type, sub_event_type,"
        " geo_precision, source_kind, origin, fatalities, lat, lon)",
        "ANALYZE",
    ),
    # 6: drop the indexes that 5's covering indexes make redundant (each is a prefix of one):
    # every incident written kept them up to date for no query's benefit (a fifth of an import's
    # time at 1M rows, bench/bench_event_import.py).
    (
        "DROP INDEX IF EXISTS incidents_date",     # = incidents_facts (event_date, ...)
        "DROP INDEX IF EXISTS incidents_country",  # = incidents_places (country, admin1, ...)
    ),
    # 7: drop the event-type index (3's) too. It is no prefix of a covering index, but a filter on
    # a type reads fewer bytes scanning incidents_facts than looking up a sixth of the table's rows
    # from it (EXPLAIN QUERY PLAN: without stats SQLite preferred it, and was slower, for every
    # aggregate but a bare count). A large import rebuilt it for nothing (~1 s per million rows).
    (
        "DROP INDEX IF EXISTS incidents_event_type",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

#: Columns of an incident report, in the order :meth:`Store.add_incidents` takes them.
INCIDENT_COLUMNS = [
    "event_date", "event_date_end", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor1", "actor2", "assoc_actor2", "civilian_targeting", "fatalities", "fatalities_low",
    "fatalities_high", "lat", "lon", "location", "country", "admin1", "admin2", "geo_precision", "summary", "tags",
    "source_kind", "source_ref", "origin", "source_key",
]
#: Columns of a dataset row for :meth:`Store.dataset_import` (``row_id`` becomes ``source_key``).
DATASET_COLUMNS = [c for c in INCIDENT_COLUMNS if c not in ("source_kind", "source_ref", "origin", "source_key")] + ["row_id"]
SOURCE_COLUMNS = ["kind", "dataset", "row_id", "file", "line", "article_id", "sentence"]
#: :meth:`Store.dataset_import` rebuilds the secondary indexes once, instead of updating them row by
#: row, when an import brings at least this many times the rows stored. Measured on generated
#: ACLED rows (a busy 2-core machine, so roughly): 100k rows into a store of 100k take 4.2 s in
#: bulk vs 10.1 s row by row, into a store of 300k 10.5 s vs 14.0 s.
BULK_IMPORT_RATIO = 0.25

ARTICLE_COLUMNS = ["id", "title", "source", "url", "published", "lang", "path", "ingested_at"]
MENTION_COLUMNS = [
    "id", "article_id", "start", "end", "surface", "name", "kind", "lat", "lon",
    "geonameid", "country", "admin1", "confidence", "sentence", "ref",
]


class StoreError(RuntimeError):
    """The store file cannot be used; the message is written for the analyst."""


class Store:
    """The conflictmap database at ``path`` (created with its folder when missing)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing is implicit.
            self._conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from None
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # only a new, empty file takes it
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"cannot switch the store {self.path} to WAL mode (got {mode})")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(f"{self.path} is not a conflictmap store ({exc})") from None
        except StoreError:
            self._conn.close()
            raise

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"the store {self.path} was written by a newer conflictmap (schema {current}, "
                f"this one knows {SCHEMA_VERSION}); upgrade conflictmap"
            )
        if current == SCHEMA_VERSION:
            return  # nothing to write: a reader never takes the write lock
        with self.transaction() as conn:
            # Re-read under the write lock: another process may have migrated meanwhile.
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version - 1]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``): committed on success, rolled back on error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:  # some errors make SQLite roll back by itself
                    self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    # ------------------------------------------------------------------ writing

    def add_article(self, article: Article, mentions: Iterable[Mention] = ()) -> tuple[str, bool]:
        """Store an article and its mentions in one transaction.

        Idempotent by article id (the hash of its text): the same article again changes nothing
        and returns ``(id, False)``. On any error nothing of the article is kept.
        """
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.transaction() as conn:
            return article.id, _insert_articles(conn, [(article, mentions)], now)[0]

    def add_analysed(self, items: Iterable[tuple[Article, Iterable[Mention], list[tuple], list[tuple]]],
                     *, job: str | None = None) -> list[tuple[str, bool, list[int]]]:
        """Store several analysed articles — ``(article, mentions, incident rows, incident sources)``,
        the rows as for :meth:`add_incidents` — in ONE transaction (the batch writer's step).

        Same rules as :meth:`add_article` per article (an article already stored is skipped with its
        incidents); either the whole batch is kept or nothing of it. Returns, in order,
        ``(id, inserted, incident ids)``. ``job`` (an ``ingest_jobs`` id) has its ``written`` count
        raised in the same transaction. Mentions may be :class:`Mention` objects or tuples of their
        fields (see :func:`_mention_row`).

        Each table gets one ``executemany`` per batch, not statements per article: this runs in the
        batch's client process, which shares the cores with the Dask workers.
        """
        items = list(items)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.transaction() as conn:
            inserted = _insert_articles(conn, [(a, m) for a, m, _, _ in items], now)
            incident_ids = self._insert_incident_groups(
                conn, [(rows, sources) if new else ((), ()) for (_, _, rows, sources), new in zip(items, inserted)])
            out = [(item[0].id, new, ids) for item, new, ids in zip(items, inserted, incident_ids)]
            if job is not None:
                conn.execute("UPDATE ingest_jobs SET written = written + ?, updated_at = ? WHERE id = ?",
                             (len(out), now, job))
        return out

    def delete_article(self, article_id: str) -> bool:
        """Remove an article, its mentions (by cascade) and the incident reports read from it;
        True when there was one."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM incidents WHERE id IN"
                         " (SELECT incident_id FROM incident_sources WHERE kind = 'article' AND article_id = ?)",
                         (article_id,))
            return conn.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount > 0

    # ------------------------------------------------------------------ incidents

    def add_incidents(self, rows: Iterable[tuple[Any, ...]], sources: Iterable[tuple[Any, ...]]) -> list[int]:
        """Insert incident reports (tuples in :data:`INCIDENT_COLUMNS` order) with their sources
        (tuples in :data:`SOURCE_COLUMNS` order, one per report), in one transaction.

        A report whose ``source_key`` is already stored is skipped (a re-import adds nothing).
        Returns the ids of the reports inserted.
        """
        with self.transaction() as conn:
            return self._insert_incidents(conn, rows, sources)

    def add_dataset_incidents(self, rows: Iterable[tuple[Any, ...]], *, file: str | None = None) -> tuple[int, int]:
        """Bulk insert of dataset rows (tuples in :data:`INCIDENT_COLUMNS` order, ``source_kind``
        ``'dataset'``, ``origin`` the dataset name, ``source_key`` ``"<dataset>:<row id>"``); their
        ``incident_sources`` rows are derived in SQL. Rows already stored are skipped.
        Returns ``(first id before the insert, number inserted)``. (The importer uses the faster
        :meth:`dataset_import`.)"""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        cols = ", ".join(INCIDENT_COLUMNS) + ", created_at"
        marks = ", ".join("?" * len(INCIDENT_COLUMNS)) + f", '{now}'"
        with self.transaction() as conn:
            conn.execute("PRAGMA cache_size = -262144")  # 256 MB for this connection: the unique index stays in memory
            before = conn.execute("SELECT COALESCE(MAX(id), 0) FROM incidents").fetchone()[0]
            conn.executemany(f"INSERT OR IGNORE INTO incidents ({cols}) VALUES ({marks})", rows)
            added = conn.execute(
                "INSERT INTO incident_sources (incident_id, kind, dataset, row_id, file)"
                " SELECT id, 'dataset', origin, substr(source_key, length(origin) + 2), ? FROM incidents WHERE id > ?",
                (file, before),
            ).rowcount
        return before, added

    @contextmanager
    def dataset_import(self, *, dataset: str, file: str | None = None,
                       expected_rows: int = 0
                       ) -> Iterator[Callable[[Sequence[str], Iterable[tuple], Collection[str]], int]]:
        """Bulk insert of dataset rows, chunk by chunk: yields ``write(columns, rows, blank=())`` →
        number inserted.

        ``rows`` are tuples in ``columns`` order (any subset of :data:`DATASET_COLUMNS` holding
        ``row_id``; columns left out are NULL), as a sequence or any iterable that can be iterated
        twice (the importer passes its chunk, which makes the tuples as they are bound). In the
        columns named in ``blank`` an empty string is stored as NULL (``NULLIF(?, '')``): the
        importer sends missing text that way, because CPython's sqlite3 binds None about five
        times slower than a string (0.7 µs a value on this machine).
        ``source_kind`` is ``'dataset'``, ``origin`` the dataset name, ``source_ref`` the file name
        and ``source_key`` ``"<dataset>:<row id>"``, all written in SQL. Dataset rows get no
        ``incident_sources`` row: :meth:`incidents` derives their source detail from these columns.
        Rows already stored are skipped.

        An import expected to be large next to the store (``expected_rows``, see
        :data:`BULK_IMPORT_RATIO`) is ONE transaction: the secondary indexes of ``incidents`` are
        dropped before the first new row, the rows inserted, and the indexes built again by sorting
        when the block ends (several times faster than updating them row by row). A chunk whose rows
        are all stored already is skipped after one look-up in the ``source_key`` index, so a file
        imported again drops and rebuilds nothing. Otherwise each ``write`` is its own transaction.
        Either way an import killed half-way leaves the store consistent: the whole import, or each
        chunk, is kept entirely or not at all.

        Durability stays the store's ``synchronous = NORMAL``: in WAL mode a commit is not synced
        anyway, only the checkpoint that copies the WAL into the database file (at the commit of a
        large import) syncs, and that is what keeps a power cut or OS crash during it from
        corrupting the store. ``synchronous = OFF`` would save those two syncs (~1 s for a million
        rows on this machine) at the price of that guarantee, so it is not used. The indexes are
        built with :data:`INDEX_BUILD_THREADS` and a 64 MB cache: in a 256 MB one each sort is one
        run and SQLite uses no helper thread. Measured and not kept: a larger cache, ``mmap_size``,
        committing the rows before building the indexes so that a second connection copies them
        into the file meanwhile (0.5 s of 18 saved, and an import no longer all or nothing).
        """
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")

        def sql(columns: Sequence[str], blank: Collection[str]) -> str:
            if set(columns) - set(DATASET_COLUMNS) or "row_id" not in columns:
                raise ValueError(f"dataset columns must hold row_id and come from DATASET_COLUMNS (not {columns})")
            marks = [f"{_sql_text(dataset + ':')} || ?" if c == "row_id" else "NULLIF(?, '')" if c in blank else "?"
                     for c in columns]
            return (f"INSERT OR IGNORE INTO incidents ({', '.join(c if c != 'row_id' else 'source_key' for c in columns)},"
                    f" source_kind, origin, source_ref, created_at) VALUES ({', '.join(marks)}, 'dataset',"
                    f" {_sql_text(dataset)}, {_sql_text(file)}, {_sql_text(now)})")

        conn = self._conn

        @contextmanager
        def large_cache() -> Iterator[None]:
            with self._lock:
                conn.execute("PRAGMA cache_size = -262144")  # 256 MB: the unique index stays in memory
                yield

        with self._lock:
            stored = conn.execute("SELECT COUNT(*) FROM incidents").fetchone()[0]
        if expected_rows < BULK_IMPORT_RATIO * max(stored, 1):
            def write_chunk(columns: Sequence[str], rows: Iterable[tuple], blank: Collection[str] = ()) -> int:
                with large_cache(), self.transaction():
                    return max(conn.executemany(sql(columns, blank), rows).rowcount, 0)

            yield write_chunk
            return
        rebuild: Callable[[], None] | None = None

        def write(columns: Sequence[str], rows: Iterable[tuple], blank: Collection[str] = ()) -> int:
            nonlocal rebuild
            if rebuild is None:
                # The indexes are dropped just before the first row that is new: a file imported
                # again (every row stored) leaves them as they are, with nothing to build again.
                if stored and _all_stored(conn, dataset, [r[columns.index("row_id")] for r in rows]):
                    return 0
                rebuild = _drop_secondary_indexes(conn, "incidents")
            return max(conn.executemany(sql(columns, blank), rows).rowcount, 0)

        with large_cache(), self.transaction():
            yield write
            if rebuild is not None:
                rebuild()

    def _insert_incidents(self, conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]],
                          sources: Iterable[tuple[Any, ...]]) -> list[int]:
        return self._insert_incident_groups(conn, [(rows, sources)])[0]

    def _insert_incident_groups(self, conn: sqlite3.Connection,
                                groups: Sequence[tuple[Iterable[tuple[Any, ...]], Iterable[tuple[Any, ...]]]]
                                ) -> list[list[int]]:
        """Insert the reports of several groups (``(rows, sources)``, one group per article) with one
        statement per table; per group, the ids of its reports that were inserted.

        A report whose ``source_key`` is stored already, or came in an earlier group, is skipped.
        New ids go back to their group by ``source_key`` (ids are assigned in row order)."""
        key_at = INCIDENT_COLUMNS.index("source_key")
        owner: dict[Any, int] = {}  # source_key -> the first group that has it (the one inserted)
        source_of: dict[Any, tuple[Any, ...]] = {}
        flat: list[tuple[Any, ...]] = []
        for g, (rows, sources) in enumerate(groups):
            rows, sources = list(rows), list(sources)
            if len(rows) != len(sources):
                raise ValueError(f"{len(rows)} incidents but {len(sources)} sources")
            for row, source in zip(rows, sources):
                if owner.setdefault(row[key_at], g) == g:
                    source_of[row[key_at]] = source
            flat.extend(rows)
        out: list[list[int]] = [[] for _ in groups]
        if not flat:
            return out
        before = conn.execute("SELECT COALESCE(MAX(id), 0) FROM incidents").fetchone()[0]
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        cols = ", ".join(INCIDENT_COLUMNS) + ", created_at"
        marks = ", ".join("?" * (len(INCIDENT_COLUMNS) + 1))
        conn.executemany(f"INSERT OR IGNORE INTO incidents ({cols}) VALUES ({marks})", [(*r, now) for r in flat])
        new = conn.execute("SELECT id, source_key FROM incidents WHERE id > ? ORDER BY id", (before,)).fetchall()
        if not new:
            return out
        conn.executemany(
            f"INSERT INTO incident_sources (incident_id, {', '.join(SOURCE_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(iid, *source_of[key]) for iid, key in new],
        )
        for iid, key in new:
            out[owner[key]].append(iid)
        return out

    def incidents(self, *, ids: Iterable[int] | None = None, since_id: int | None = None) -> pd.DataFrame:
        """Incident reports with their ``group_id`` (the incident they belong to) and source detail."""
        cols = ", ".join(f"i.{c}" for c in ["id", *INCIDENT_COLUMNS, "created_at"])
        # Dataset rows carry their source on the row itself (see dataset_import).
        derived = {"kind": "i.source_kind",
                   "dataset": "CASE WHEN i.source_kind = 'dataset' THEN i.origin END",
                   "row_id": "CASE WHEN i.source_kind = 'dataset' THEN substr(i.source_key, length(i.origin) + 2) END",
                   "file": "CASE WHEN i.source_kind = 'dataset' THEN i.source_ref END"}
        src = ", ".join(f"COALESCE(s.{c}, {derived[c]}) AS source_{'type' if c == 'kind' else c}" if c in derived
                        else f"s.{c} AS source_{'type' if c == 'kind' else c}" for c in SOURCE_COLUMNS)
        sql = (f"SELECT {cols}, COALESCE(l.group_id, i.id) AS group_id, {src} FROM incidents i"
               " LEFT JOIN incident_links l ON l.incident_id = i.id"
               " LEFT JOIN incident_sources s ON s.incident_id = i.id")
        where, params = [], []
        if ids is not None:
            ids = [int(i) for i in ids]
            where.append(f"i.id IN ({', '.join('?' * len(ids))})" if ids else "0")
            params.extend(ids)
        if since_id is not None:
            where.append("i.id > ?")
            params.append(int(since_id))
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self._frame(sql + " ORDER BY i.id", params)

    def max_incident_id(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COALESCE(MAX(id), 0) FROM incidents").fetchone()[0])

    def incident_group(self, incident_id: int) -> list[int]:
        """The reports linked with ``incident_id`` (itself included), in id order."""
        with self._lock:
            row = self._conn.execute("SELECT group_id FROM incident_links WHERE incident_id = ?",
                                     (incident_id,)).fetchone()
            if row is None:
                return [incident_id]
            return [r[0] for r in self._conn.execute(
                "SELECT incident_id FROM incident_links WHERE group_id = ? ORDER BY incident_id", (row[0],))]

    def link_incidents(self, pairs: Iterable[tuple[int, int]], *, linked_by: str = "auto") -> int:
        """Merge the groups of each pair of reports (unless an analyst split them); returns how
        many reports changed group. A group's id is its smallest report id."""
        pairs = [(int(a), int(b)) for a, b in pairs if a != b]
        if not pairs:
            return 0
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.transaction() as conn:
            parent: dict[int, int] = {}

            def find(x: int) -> int:
                parent.setdefault(x, x)
                while parent[x] != x:
                    parent[x] = parent[parent[x]]
                    x = parent[x]
                return x

            ids = {i for p in pairs for i in p}
            current = _chunked_query(conn, "SELECT incident_id, group_id FROM incident_links WHERE incident_id IN ({})", ids)
            groups = {g for _, g in current}
            members = _chunked_query(conn, "SELECT incident_id, group_id FROM incident_links WHERE group_id IN ({})", groups)
            def union(x: int, y: int) -> None:
                rx, ry = find(x), find(y)
                if rx != ry:
                    parent[max(rx, ry)] = min(rx, ry)

            for iid, gid in members:
                union(iid, gid)
            split = set(_chunked_query(conn, "SELECT a, b FROM incident_splits WHERE a IN ({})", ids))
            for a, b in pairs:
                if (min(a, b), max(a, b)) in split:
                    continue
                union(a, b)
            old = {iid: gid for iid, gid in members} | {iid: gid for iid, gid in current}
            by_root: dict[int, list[int]] = {}
            for x in list(parent):
                by_root.setdefault(find(x), []).append(x)
            rows = []
            for members_ in by_root.values():
                if len(members_) < 2:
                    continue
                gid = min(members_)
                rows.extend((m, gid) for m in members_ if old.get(m) != gid)
            conn.executemany(
                "INSERT INTO incident_links (incident_id, group_id, linked_by, linked_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(incident_id) DO UPDATE SET group_id = excluded.group_id,"
                " linked_by = excluded.linked_by, linked_at = excluded.linked_at",
                [(m, g, linked_by, now) for m, g in rows],
            )
        return len(rows)

    def split_incident(self, incident_id: int) -> list[int]:
        """Take one report out of the incident it was merged into (an analyst's correction).

        The report becomes an incident on its own and is never linked again with the reports it
        was grouped with. Returns those other reports (empty when it was not merged).
        """
        with self.transaction() as conn:
            row = conn.execute("SELECT group_id FROM incident_links WHERE incident_id = ?", (incident_id,)).fetchone()
            if row is None:
                return []
            others = [r[0] for r in conn.execute(
                "SELECT incident_id FROM incident_links WHERE group_id = ? AND incident_id != ? ORDER BY incident_id",
                (row[0], incident_id))]
            conn.execute("DELETE FROM incident_links WHERE incident_id = ?", (incident_id,))
            conn.executemany("INSERT OR IGNORE INTO incident_splits (a, b) VALUES (?, ?)",
                             [(min(incident_id, o), max(incident_id, o)) for o in others])
            if len(others) == 1:
                conn.execute("DELETE FROM incident_links WHERE incident_id = ?", (others[0],))
            elif others and row[0] == incident_id:
                conn.execute("UPDATE incident_links SET group_id = ? WHERE group_id = ?", (min(others), incident_id))
        return others

    # ------------------------------------------------------------------ reading

    def has_article(self, article_id: str) -> bool:
        with self._lock:
            row = self._conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article with its text, or None."""
        with self._lock:
            cur = self._conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,))
            row = cur.fetchone()
            names = [d[0] for d in cur.description]
        return dict(zip(names, row)) if row else None

    def articles(self, *, with_text: bool = False) -> pd.DataFrame:
        """Every article, newest ingest first, with counts of its resolved/unresolved mentions."""
        cols = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS + (["text"] if with_text else []))
        sql = (
            f"SELECT {cols},"
            " COUNT(m.id) AS mentions,"
            " COALESCE(SUM(m.lat IS NULL), 0) AS unresolved"
            " FROM articles a LEFT JOIN mentions m ON m.article_id = a.id"
            " GROUP BY a.id ORDER BY a.ingested_at DESC, a.rowid DESC"
        )
        return self._frame(sql, ())

    def mentions(self, article_id: str | None = None, resolved: bool | None = None) -> pd.DataFrame:
        """Mentions in text order, optionally of one article and/or only (un)resolved ones."""
        where, params = [], []
        if article_id is not None:
            where.append("article_id = ?")
            params.append(article_id)
        if resolved is True:
            where.append("lat IS NOT NULL")
        elif resolved is False:
            where.append("lat IS NULL")
        cols = ", ".join('"end"' if c == "end" else c for c in MENTION_COLUMNS)
        sql = f"SELECT {cols} FROM mentions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY article_id, start, id"
        return self._frame(sql, params)

    def counts(self) -> dict[str, int]:
        """How many articles, mentions (resolved/unresolved) and incidents the store holds."""
        with self._lock:
            a = self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            m, unresolved = self._conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(lat IS NULL), 0) FROM mentions"
            ).fetchone()
            i = self._conn.execute("SELECT COUNT(*) FROM incidents").fetchone()[0]
        return {"articles": a, "mentions": m, "resolved": m - unresolved, "unresolved": unresolved, "incidents": i}

    def latest_ingest(self) -> str | None:
        """When the newest article went in (ISO UTC), or None: with :meth:`counts`, a cheap
        signature for caches that must refresh when the store changes."""
        with self._lock:
            return self._conn.execute("SELECT MAX(ingested_at) FROM articles").fetchone()[0]

    def _frame(self, sql: str, params: Iterable[Any]) -> pd.DataFrame:
        with self._lock:
            cur = self._conn.execute(sql, tuple(params))
            rows = cur.fetchall()
            names = [d[0] for d in cur.description]
        return pd.DataFrame.from_records(rows, columns=names)


def _sql_text(value: str | None) -> str:
    """A value as an SQL literal (SQLite strings have no escapes but the doubled quote)."""
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def _drop_secondary_indexes(conn: sqlite3.Connection, table: str) -> Callable[[], None]:
    """Drop ``table``'s non-unique indexes (in the caller's transaction); returns what builds them
    again, with their ``sqlite_stat1`` rows (which DROP INDEX deletes) as they were."""
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
                           " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'", (table,)).fetchall()
    has_stats = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() is not None
    stats = conn.execute(f"SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = ? AND idx IN"
                         f" ({', '.join('?' * len(indexes))})", (table, *(n for n, _ in indexes))).fetchall() \
        if has_stats and indexes else []
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')

    def rebuild() -> None:
        conn.execute(f"PRAGMA threads = {INDEX_BUILD_THREADS}")
        conn.execute(f"PRAGMA cache_size = -{INDEX_BUILD_CACHE_KB}")
        for _, create in indexes:
            conn.execute(create)
        conn.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", stats)

    return rebuild


def _all_stored(conn: sqlite3.Connection, dataset: str, row_ids: Sequence[Any]) -> bool:
    """Whether every one of these rows of ``dataset`` is stored already (one statement, looked up
    in the ``source_key`` index)."""
    keys = {f"{dataset}:{r}" for r in row_ids}
    found = conn.execute("SELECT COUNT(*) FROM incidents WHERE source_key IN (SELECT value FROM json_each(?))",
                         (json.dumps(list(keys)),)).fetchone()[0]
    return found == len(keys)


def _chunked_query(conn: sqlite3.Connection, sql: str, values: Iterable[Any], size: int = 500) -> list[tuple]:
    """Run ``sql`` (with one ``IN ({})``) over ``values`` in chunks below SQLite's parameter limit."""
    values = list(values)
    out: list[tuple] = []
    for i in range(0, len(values), size):
        part = values[i:i + size]
        out.extend(conn.execute(sql.format(", ".join("?" * len(part))), part).fetchall())
    return out


def _insert_articles(conn: sqlite3.Connection, items: Sequence[tuple[Article, Iterable[Mention | tuple[Any, ...]]]],
                     now: str) -> list[bool]:
    """Insert articles and their mentions inside the caller's transaction, one statement per table.

    Per article, in order: True when inserted, False when it was stored already (or came earlier in
    ``items``); such an article and its mentions are left as they are."""
    seen = {r[0] for r in _chunked_query(conn, "SELECT id FROM articles WHERE id IN ({})", {a.id for a, _ in items})}
    new = []
    for article, _ in items:
        new.append(article.id not in seen)
        seen.add(article.id)
    fresh = [(a, m) for (a, m), ok in zip(items, new) if ok]
    if fresh:  # the write lock is held since the SELECT: a plain INSERT cannot meet an id stored meanwhile
        conn.executemany(
            "INSERT INTO articles (id, title, source, url, published, lang, path, text, ingested_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(a.id, a.title, a.source, a.url, a.date, a.lang, a.path, a.text, now) for a, _ in fresh],
        )
        conn.executemany(
            'INSERT INTO mentions (article_id, start, "end", surface, name, kind, lat, lon,'
            " geonameid, country, admin1, confidence, sentence, ref)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_mention_row(a.id, m) for a, mentions in fresh for m in mentions],
        )
    return new


def _mention_row(article_id: str, m: Mention | tuple[Any, ...]) -> tuple[Any, ...]:
    """A ``mentions`` row. ``m`` is a Mention or the tuple of its fields in declaration order (what
    batch workers send back: far cheaper to unpickle), which is the column order after article_id."""
    if type(m) is tuple:
        return (article_id, *m)
    return (
        article_id, m.start, m.end, m.text, m.name, m.kind, m.lat, m.lon, m.geonameid,
        m.country, m.admin1, m.confidence, m.sentence, m.ref,
    )


def mention_from_row(row: dict[str, Any] | pd.Series) -> Mention:
    """Rebuild a :class:`loaders.Mention` from a row of :meth:`Store.mentions`."""
    from loaders.mention import Mention

    def val(key: str) -> Any:
        v = row[key]
        return None if v is None or (isinstance(v, float) and v != v) else v

    gid = val("geonameid")
    return Mention(
        start=int(row["start"]), end=int(row["end"]), text=row["surface"], name=val("name"),
        kind=row["kind"], lat=val("lat"), lon=val("lon"), geonameid=int(gid) if gid is not None else None,
        country=val("country"), admin1=val("admin1"), confidence=float(val("confidence") or 0.0),
        sentence=val("sentence") or "", ref=val("ref"),
    )
