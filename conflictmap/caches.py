"""The process's caches, in one place, with one reset.

Loading a boundary layer, the gazetteer or a compiled pattern costs seconds, so each is built once
per process and kept. Every such cache is made with :func:`cached` (an :func:`functools.lru_cache`
that this module knows about) or, for a cache of another shape, registered with :func:`register`.
:func:`reset_caches` then drops them all — or those of one package — at once: after data is added
(a new gazetteer tier or boundary layer changes what the caches hold) and between tests that change
the user's data. Streamlit's own caches (``st.cache_data``) live in the dashboard and are cleared
there.

This module imports nothing of the project's: every package may use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["cached", "register", "registered", "reset_caches"]

F = TypeVar("F", bound=Callable[..., Any])

_CLEARERS: dict[str, Callable[[], None]] = {}


def register(name: str, clear: Callable[[], None]) -> None:
    """Register ``clear`` (which empties a cache) under ``name`` (``module.function``)."""
    _CLEARERS[name] = clear


def cached(maxsize: int | None = 1) -> Callable[[F], F]:
    """:func:`functools.lru_cache` of ``maxsize`` entries, registered for :func:`reset_caches`.

    The decorated function keeps ``cache_clear`` and ``cache_info``.
    """

    def decorate(function: F) -> F:
        wrapper = functools.lru_cache(maxsize=maxsize)(function)
        register(f"{function.__module__}.{function.__qualname__}", wrapper.cache_clear)
        return wrapper  # type: ignore[return-value]

    return decorate


def registered() -> list[str]:
    """The names of the registered caches, sorted."""
    return sorted(_CLEARERS)


def reset_caches(package: str | None = None) -> None:
    """Empty every registered cache, or only those of ``package`` (``"geodata"``, ``"loaders"``…)."""
    for name, clear in list(_CLEARERS.items()):
        if package is None or name == package or name.startswith(package + "."):
            clear()
