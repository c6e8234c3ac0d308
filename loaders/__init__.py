"""Ingest and geoparsing of articles, feeds and event datasets.

Nothing here knows about Streamlit: loaders read sources, find and resolve places and write to the store.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Mention": "loaders.mention",
    "Article": "loaders.articles",
    "ArticleError": "loaders.articles",
    "read_article": "loaders.articles",
    "geoparse": "loaders.geoparse",
    "resolve": "loaders.geoparse",
    "ingest": "loaders.ingest",
    "IngestResult": "loaders.ingest",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    # Lazy, so that importing one loader does not load the gazetteer or every dependency.
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'loaders' has no attribute {name!r}")
