"""The store's articles and the place mentions found in them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from conflictmap.records import Article, Mention
from conflictmap.store.connection import Connection, chunked_query, utc_now

__all__ = ["ARTICLE_COLUMNS", "MENTION_COLUMNS", "ArticleStore", "insert_articles", "mention_from_row"]

ARTICLE_COLUMNS = ["id", "title", "source", "url", "published", "lang", "path", "ingested_at"]


MENTION_COLUMNS = [
    "id",
    "article_id",
    "start",
    "end",
    "surface",
    "name",
    "kind",
    "lat",
    "lon",
    "geonameid",
    "country",
    "admin1",
    "confidence",
    "sentence",
    "ref",
]


class ArticleStore(Connection):
    """Articles and mentions: the writes and reads of :class:`conflictmap.store.Store` for them."""

    def add_article(self, article: Article, mentions: Iterable[Mention] = ()) -> tuple[str, bool]:
        """Store an article and its mentions in one transaction.

        Idempotent by article id (the hash of its text): the same article again changes nothing
        and returns ``(id, False)``. On any error nothing of the article is kept.
        """
        now = utc_now()
        with self.transaction() as conn:
            return article.id, insert_articles(conn, [(article, mentions)], now)[0]

    def delete_article(self, article_id: str) -> bool:
        """Remove an article, its mentions (by cascade) and the incident reports read from it;
        True when there was one."""
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM incidents WHERE id IN"
                " (SELECT incident_id FROM incident_sources WHERE kind = 'article' AND article_id = ?)",
                (article_id,),
            )
            return conn.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount > 0

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


def insert_articles(
    conn: sqlite3.Connection, items: Sequence[tuple[Article, Iterable[Mention | tuple[Any, ...]]]], now: str
) -> list[bool]:
    """Insert articles and their mentions inside the caller's transaction, one statement per table.

    Per article, in order: True when inserted, False when it was stored already (or came earlier in
    ``items``); such an article and its mentions are left as they are."""
    seen = {r[0] for r in chunked_query(conn, "SELECT id FROM articles WHERE id IN ({})", {a.id for a, _ in items})}
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
    if not isinstance(m, Mention):
        return (article_id, *m)
    return (
        article_id,
        m.start,
        m.end,
        m.text,
        m.name,
        m.kind,
        m.lat,
        m.lon,
        m.geonameid,
        m.country,
        m.admin1,
        m.confidence,
        m.sentence,
        m.ref,
    )


def mention_from_row(row: dict[str, Any] | pd.Series) -> Mention:
    """Rebuild a :class:`~conflictmap.records.Mention` from a row of :meth:`Store.mentions`."""

    def val(key: str) -> Any:
        v = row[key]
        return None if v is None or (isinstance(v, float) and v != v) else v

    gid = val("geonameid")
    return Mention(
        start=int(row["start"]),
        end=int(row["end"]),
        text=row["surface"],
        name=val("name"),
        kind=row["kind"],
        lat=val("lat"),
        lon=val("lon"),
        geonameid=int(gid) if gid is not None else None,
        country=val("country"),
        admin1=val("admin1"),
        confidence=float(val("confidence") or 0.0),
        sentence=val("sentence") or "",
        ref=val("ref"),
    )
