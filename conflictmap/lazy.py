"""Package namespaces whose public names are imported when first used.

``loaders``, ``geodata`` and ``dashboard`` list their public API in ``__all__`` but must stay cheap
to import: ``import geodata.paths`` must not load geopandas, ``import loaders`` must not load the
gazetteer, ``import dashboard`` must not load Streamlit or matplotlib. Each package names where its
public names live and gets its module ``__getattr__`` and ``__dir__`` from :func:`lazy_namespace`
(PEP 562). This module imports nothing of the project's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_namespace"]


def lazy_namespace(
    package: str, exports: Mapping[str, str], public: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: a name of ``exports`` (name → module) is imported
    from its module when first asked for; ``__dir__`` lists ``public`` too."""
    names = sorted(public)

    def getattr_(name: str) -> Any:
        if name in exports:
            return getattr(import_module(exports[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def dir_() -> list[str]:
        return sorted({*vars(import_module(package)), *names})

    return getattr_, dir_
