"""The store's connection to its SQLite file holding articles, the places found in them, and incidents.

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

Schema changes are the list of migrations in :mod:`conflictmap.store.migrations`;
``PRAGMA user_version`` records how many have run.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import pandas as pd

from conflictmap.errors import StoreError
from conflictmap.store.migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = ["BUSY_TIMEOUT_S", "PAGE_SIZE", "Connection", "chunked_query", "utc_now"]

BUSY_TIMEOUT_S = 10.0
#: Page size of a new store (an existing one keeps its own). Against SQLite's default 4 KB, a
#: million-row import is about 2 s faster (half the pages to write to the WAL, copy into the file
#: and sort into the indexes); 16 KB pages made views read by id slower (see docs/scaling.md).
PAGE_SIZE = 8192


class Connection:
    """One SQLite connection to the store at ``path`` (created with its folder when missing), behind a lock,
    with the schema migrated; :class:`conflictmap.store.Store` adds what it reads and writes."""

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

    def __enter__(self) -> Self:
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

    def _frame(self, sql: str, params: Iterable[Any]) -> pd.DataFrame:
        with self._lock:
            cur = self._conn.execute(sql, tuple(params))
            rows = cur.fetchall()
            names = [d[0] for d in cur.description]
        return pd.DataFrame.from_records(rows, columns=names)


def chunked_query(conn: sqlite3.Connection, sql: str, values: Iterable[Any], size: int = 500) -> list[tuple]:
    """Run ``sql`` (with one ``IN ({})``) over ``values`` in chunks below SQLite's parameter limit."""
    values = list(values)
    out: list[tuple] = []
    for i in range(0, len(values), size):
        part = values[i : i + size]
        out.extend(conn.execute(sql.format(", ".join("?" * len(part))), part).fetchall())
    return out


def utc_now() -> str:
    """Now in UTC to the second, ISO 8601: the time every row of the store is stamped with."""
    return datetime.now(UTC).isoformat(timespec="seconds")
