"""The :class:`Store`: one SQLite file holding articles, the places found in them, incident reports
and the analysts' corrections, with every read and write the other packages need."""

from __future__ import annotations

from collections.abc import Iterable

from conflictmap.records import Article, Mention
from conflictmap.store.articles import ArticleStore, insert_articles
from conflictmap.store.connection import utc_now
from conflictmap.store.incidents import IncidentStore
from conflictmap.store.jobs import IngestJobs
from conflictmap.store.links import LinkQueries
from conflictmap.store.queries import IncidentQueries

__all__ = ["Store"]


class Store(ArticleStore, IncidentStore, IncidentQueries, LinkQueries, IngestJobs):
    """The conflictmap database at ``path`` (created with its folder when missing).

    Its methods come from the store's modules: the connection and transactions
    (:class:`~conflictmap.store.connection.Connection`), articles and mentions
    (:mod:`~conflictmap.store.articles`), incident reports (:mod:`~conflictmap.store.incidents`), the
    views' incident queries (:mod:`~conflictmap.store.queries`), incident linking
    (:mod:`~conflictmap.store.links`) and batch jobs (:mod:`~conflictmap.store.jobs`).
    """

    def add_analysed(
        self, items: Iterable[tuple[Article, Iterable[Mention], list[tuple], list[tuple]]], *, job: str | None = None
    ) -> list[tuple[str, bool, list[int]]]:
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
        now = utc_now()
        with self.transaction() as conn:
            inserted = insert_articles(conn, [(a, m) for a, m, _, _ in items], now)
            incident_ids = self._insert_incident_groups(
                conn, [(rows, sources) if new else ((), ()) for (_, _, rows, sources), new in zip(items, inserted)]
            )
            out = [(item[0].id, new, ids) for item, new, ids in zip(items, inserted, incident_ids)]
            if job is not None:
                conn.execute(
                    "UPDATE ingest_jobs SET written = written + ?, updated_at = ? WHERE id = ?", (len(out), now, job)
                )
        return out
