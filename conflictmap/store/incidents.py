"""The store's incident reports: dataset rows and reports read from articles, their sources, and the
links that group reports of one incident."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

from conflictmap.store.connection import Connection, chunked_query, utc_now

__all__ = ["BULK_IMPORT_RATIO", "DATASET_COLUMNS", "INCIDENT_COLUMNS", "SOURCE_COLUMNS", "IncidentStore"]

#: ``PRAGMA threads`` and cache while :meth:`Store.dataset_import` builds its indexes: with a
#: smaller cache SQLite's sorter cuts the rows into runs that a helper thread sorts while the
#: main one reads on (measured: 8.2-9.3 -> 6.9-7.1 s for the two covering indexes of 1M rows).
INDEX_BUILD_THREADS = 2


INDEX_BUILD_CACHE_KB = 65536


#: Columns of an incident report, in the order :meth:`Store.add_incidents` takes them.
INCIDENT_COLUMNS = [
    "event_date",
    "event_date_end",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor1",
    "actor2",
    "assoc_actor2",
    "civilian_targeting",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
    "lat",
    "lon",
    "location",
    "country",
    "admin1",
    "admin2",
    "geo_precision",
    "summary",
    "tags",
    "source_kind",
    "source_ref",
    "origin",
    "source_key",
]


#: Columns of a dataset row for :meth:`Store.dataset_import` (``row_id`` becomes ``source_key``).
DATASET_COLUMNS = [c for c in INCIDENT_COLUMNS if c not in ("source_kind", "source_ref", "origin", "source_key")] + [
    "row_id"
]


SOURCE_COLUMNS = ["kind", "dataset", "row_id", "file", "line", "article_id", "sentence"]


#: :meth:`Store.dataset_import` rebuilds the secondary indexes once, instead of updating them row by
#: row, when an import brings at least this many times the rows stored. Measured on generated
#: ACLED rows (a busy 2-core machine, so roughly): 100k rows into a store of 100k take 4.2 s in
#: bulk vs 10.1 s row by row, into a store of 300k 10.5 s vs 14.0 s.
BULK_IMPORT_RATIO = 0.25


class IncidentStore(Connection):
    """Incident reports, their sources and links: the writes and reads of :class:`conflictmap.store.Store` for them."""

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
        now = utc_now()
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
    def dataset_import(
        self, *, dataset: str, file: str | None = None, expected_rows: int = 0
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
        now = utc_now()

        def sql(columns: Sequence[str], blank: Collection[str]) -> str:
            if set(columns) - set(DATASET_COLUMNS) or "row_id" not in columns:
                raise ValueError(f"dataset columns must hold row_id and come from DATASET_COLUMNS (not {columns})")
            marks = [
                f"{_sql_text(dataset + ':')} || ?" if c == "row_id" else "NULLIF(?, '')" if c in blank else "?"
                for c in columns
            ]
            return (
                f"INSERT OR IGNORE INTO incidents ({', '.join(c if c != 'row_id' else 'source_key' for c in columns)},"
                f" source_kind, origin, source_ref, created_at) VALUES ({', '.join(marks)}, 'dataset',"
                f" {_sql_text(dataset)}, {_sql_text(file)}, {_sql_text(now)})"
            )

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

    def _insert_incidents(
        self, conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]], sources: Iterable[tuple[Any, ...]]
    ) -> list[int]:
        return self._insert_incident_groups(conn, [(rows, sources)])[0]

    def _insert_incident_groups(
        self, conn: sqlite3.Connection, groups: Sequence[tuple[Iterable[tuple[Any, ...]], Iterable[tuple[Any, ...]]]]
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
        now = utc_now()
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
        derived = {
            "kind": "i.source_kind",
            "dataset": "CASE WHEN i.source_kind = 'dataset' THEN i.origin END",
            "row_id": "CASE WHEN i.source_kind = 'dataset' THEN substr(i.source_key, length(i.origin) + 2) END",
            "file": "CASE WHEN i.source_kind = 'dataset' THEN i.source_ref END",
        }
        src = ", ".join(
            f"COALESCE(s.{c}, {derived[c]}) AS source_{'type' if c == 'kind' else c}"
            if c in derived
            else f"s.{c} AS source_{'type' if c == 'kind' else c}"
            for c in SOURCE_COLUMNS
        )
        sql = (
            f"SELECT {cols}, COALESCE(l.group_id, i.id) AS group_id, {src} FROM incidents i"
            " LEFT JOIN incident_links l ON l.incident_id = i.id"
            " LEFT JOIN incident_sources s ON s.incident_id = i.id"
        )
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
            row = self._conn.execute(
                "SELECT group_id FROM incident_links WHERE incident_id = ?", (incident_id,)
            ).fetchone()
            if row is None:
                return [incident_id]
            return [
                r[0]
                for r in self._conn.execute(
                    "SELECT incident_id FROM incident_links WHERE group_id = ? ORDER BY incident_id", (row[0],)
                )
            ]

    def link_incidents(self, pairs: Iterable[tuple[int, int]], *, linked_by: str = "auto") -> int:
        """Merge the groups of each pair of reports (unless an analyst split them); returns how
        many reports changed group. A group's id is its smallest report id."""
        pairs = [(int(a), int(b)) for a, b in pairs if a != b]
        if not pairs:
            return 0
        now = utc_now()
        with self.transaction() as conn:
            parent: dict[int, int] = {}

            def find(x: int) -> int:
                parent.setdefault(x, x)
                while parent[x] != x:
                    parent[x] = parent[parent[x]]
                    x = parent[x]
                return x

            ids = {i for p in pairs for i in p}
            current = chunked_query(
                conn, "SELECT incident_id, group_id FROM incident_links WHERE incident_id IN ({})", ids
            )
            groups = {g for _, g in current}
            members = chunked_query(
                conn, "SELECT incident_id, group_id FROM incident_links WHERE group_id IN ({})", groups
            )

            def union(x: int, y: int) -> None:
                rx, ry = find(x), find(y)
                if rx != ry:
                    parent[max(rx, ry)] = min(rx, ry)

            for iid, gid in members:
                union(iid, gid)
            split = set(chunked_query(conn, "SELECT a, b FROM incident_splits WHERE a IN ({})", ids))
            for a, b in pairs:
                if (min(a, b), max(a, b)) in split:
                    continue
                union(a, b)
            old = dict(members) | dict(current)
            by_root: dict[int, list[int]] = {}
            for x in list(parent):
                by_root.setdefault(find(x), []).append(x)
            rows: list[tuple[int, int]] = []
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
            others = [
                r[0]
                for r in conn.execute(
                    "SELECT incident_id FROM incident_links WHERE group_id = ? AND incident_id != ? ORDER BY incident_id",
                    (row[0], incident_id),
                )
            ]
            conn.execute("DELETE FROM incident_links WHERE incident_id = ?", (incident_id,))
            conn.executemany(
                "INSERT OR IGNORE INTO incident_splits (a, b) VALUES (?, ?)",
                [(min(incident_id, o), max(incident_id, o)) for o in others],
            )
            if len(others) == 1:
                conn.execute("DELETE FROM incident_links WHERE incident_id = ?", (others[0],))
            elif others and row[0] == incident_id:
                conn.execute("UPDATE incident_links SET group_id = ? WHERE group_id = ?", (min(others), incident_id))
        return others


def _sql_text(value: str | None) -> str:
    """A value as an SQL literal (SQLite strings have no escapes but the doubled quote)."""
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def _drop_secondary_indexes(conn: sqlite3.Connection, table: str) -> Callable[[], None]:
    """Drop ``table``'s non-unique indexes (in the caller's transaction); returns what builds them
    again, with their ``sqlite_stat1`` rows (which DROP INDEX deletes) as they were."""
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
        " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
        (table,),
    ).fetchall()
    has_stats = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() is not None
    stats = (
        conn.execute(
            f"SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = ? AND idx IN ({', '.join('?' * len(indexes))})",
            (table, *(n for n, _ in indexes)),
        ).fetchall()
        if has_stats and indexes
        else []
    )
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
    found = conn.execute(
        "SELECT COUNT(*) FROM incidents WHERE source_key IN (SELECT value FROM json_each(?))", (json.dumps(list(keys)),)
    ).fetchone()[0]
    return found == len(keys)
