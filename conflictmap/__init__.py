"""conflictmap: a geospatial conflict-mapping dashboard.

The packages, from the bottom up (``docs/architecture.md``): ``geodata`` (bundled geography),
:mod:`conflictmap.store` (the SQLite store), ``loaders`` (articles, geoparsing, event datasets),
:mod:`conflictmap.views` and :mod:`conflictmap.exports` (the view model and the files written from it),
``dashboard`` (the Streamlit app and the maps) and :mod:`conflictmap.cli` (the command line).

This package's own namespace holds only what every layer shares and nothing that imports the layers:
the error family, the records passed between loaders and store, and the process's caches.
"""

from conflictmap.caches import cached, reset_caches
from conflictmap.errors import ConflictmapError, InputError, UsageError
from conflictmap.records import Article, Mention

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ConflictmapError",
    "InputError",
    "Mention",
    "UsageError",
    "__version__",
    "cached",
    "reset_caches",
]
