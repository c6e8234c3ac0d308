"""Ingest and geoparsing of articles, feeds and event datasets.

Nothing here knows about Streamlit: loaders read sources, find and resolve places and write to the
store. The names below are the package's public API; they are imported when first used, so that
importing one loader does not load the gazetteer or every dependency. The modules hold the rest
(``loaders.batch.run_batch``, ``loaders.event_import.import_events``, ``loaders.sources.iter_articles``…).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conflictmap.lazy import lazy_namespace

if TYPE_CHECKING:
    from conflictmap.errors import ArticleError
    from conflictmap.records import Article, Mention
    from loaders.articles import read_article
    from loaders.geoparse import geoparse, resolve
    from loaders.ingest import IngestResult, ingest

__all__ = ["Article", "ArticleError", "IngestResult", "Mention", "geoparse", "ingest", "read_article", "resolve"]

#: Where each public name lives.
_EXPORTS = {
    "Article": "conflictmap.records",
    "ArticleError": "conflictmap.errors",
    "IngestResult": "loaders.ingest",
    "Mention": "conflictmap.records",
    "geoparse": "loaders.geoparse",
    "ingest": "loaders.ingest",
    "read_article": "loaders.articles",
    "resolve": "loaders.geoparse",
}


__getattr__, __dir__ = lazy_namespace(__name__, _EXPORTS, __all__)
