"""Ingest one article: read it, find its places, keep both in the store in one transaction."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from conflictmap.errors import ArticleError
from conflictmap.records import Article, Mention
from loaders.articles import read_article

if TYPE_CHECKING:
    from conflictmap.store import Store

log = logging.getLogger(__name__)

Geoparser = Callable[..., list[Mention]]

_META_KEYS = {"filename", "title", "date", "source_name", "url", "max_bytes"}


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What happened to one article.

    ``mentions`` holds every mention (resolved or not); ``unresolved`` the ones without
    coordinates, which are stored too (NULL lat/lon) and reported to the analyst.
    ``inserted`` is False when the same text was already in the store (nothing changed).
    """

    article_id: str
    title: str | None
    inserted: bool
    mentions: list[Mention] = field(default_factory=list)
    unresolved: list[Mention] = field(default_factory=list)
    incidents: list[int] = field(default_factory=list)  # ids of the incident reports read from the text

    @property
    def places(self) -> int:
        """Distinct resolved places (by name and kind), the number an analyst expects to see."""
        return len({(m.name, m.kind) for m in self.mentions if m.resolved})


def ingest(
    store: Store,
    source: str | os.PathLike[str] | bytes | Article,
    *,
    geoparse: Geoparser | None = None,
    extract_incidents: bool = True,
    **meta: Any,
) -> IngestResult:
    """Read ``source`` (a path, bytes with ``filename=``, or an Article), geoparse it and store it.

    ``meta`` are :func:`loaders.articles.read_article` keywords (``filename``, ``title``,
    ``date``, ``source_name``, ``url``, ``max_bytes``); for an Article, the given ones replace its
    own. ``geoparse`` defaults to :func:`loaders.geoparse.geoparse`. Raises
    :class:`~loaders.articles.ArticleError` on unreadable input; nothing is stored then.
    An article already in the store is not geoparsed again: its stored mentions are returned.
    A new article's incidents (:mod:`loaders.incidents`) are stored too, each with the article and
    its sentence as source, unless ``extract_incidents=False``.
    """
    unknown = set(meta) - _META_KEYS
    if unknown:
        raise TypeError(f"ingest() got unexpected keyword(s): {', '.join(sorted(unknown))}")
    if isinstance(source, Article):
        article = _with_meta(source, meta)
    else:
        article = read_article(source, **meta)

    if store.has_article(article.id):
        from conflictmap.store import mention_from_row

        mentions = [mention_from_row(row) for _, row in store.mentions(article.id).iterrows()]
        stored = store.article(article.id) or {}
        return _result(article.id, stored.get("title", article.title), False, mentions)

    if geoparse is None:
        from loaders.geoparse import geoparse as default_geoparse

        geoparse = default_geoparse
    mentions = list(geoparse(article.text, lang=article.lang))
    article_id, inserted = store.add_article(article, mentions)
    incidents: list[int] = []
    if inserted and extract_incidents:
        try:
            from loaders.incidents import store_article_incidents

            incidents = store_article_incidents(store, article, mentions)
        except Exception:  # logged: the article and its places are kept; incidents are a bonus
            log.exception("incident extraction failed for article %s", article_id)
    result = _result(article_id, article.title, inserted, mentions)
    return dataclasses.replace(result, incidents=incidents)


def _with_meta(article: Article, meta: dict[str, Any]) -> Article:
    from loaders.articles import check_date

    changes: dict[str, Any] = {}
    for key, attr in (("title", "title"), ("source_name", "source"), ("url", "url"), ("filename", "path")):
        if meta.get(key) is not None:
            changes[attr] = meta[key]
    if meta.get("date") is not None:
        changes["date"] = check_date(meta["date"])
    return dataclasses.replace(article, **changes) if changes else article


def _result(article_id: str, title: str | None, inserted: bool, mentions: list[Mention]) -> IngestResult:
    return IngestResult(
        article_id=article_id,
        title=title,
        inserted=inserted,
        mentions=mentions,
        unresolved=[m for m in mentions if not m.resolved],
    )


__all__ = ["ArticleError", "Geoparser", "IngestResult", "ingest"]
