"""Where conflictmap keeps its files: bundled data, the user's data and caches, the store."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir", "data_dir", "default_db", "home", "user_data_dir"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The bundled, read-only data shipped with the package."""
    return _PACKAGE_DIR / "data"


def home() -> Path:
    """The user's conflictmap folder: ``$CONFLICTMAP_HOME`` or ``~/.local/share/conflictmap``."""
    env = os.environ.get("CONFLICTMAP_HOME")
    base = Path(env).expanduser() if env else Path.home() / ".local" / "share" / "conflictmap"
    base.mkdir(parents=True, exist_ok=True)
    return base


def user_data_dir() -> Path:
    """Data the user added with ``conflictmap data add`` (GeoNames dumps, boundary files)."""
    path = home() / "data"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Compiled indexes that can always be rebuilt from the data."""
    path = home() / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db() -> Path:
    """The store used when no ``--db`` is given: ``$CONFLICTMAP_DB`` or ``home()/conflictmap.db``."""
    env = os.environ.get("CONFLICTMAP_DB")
    return Path(env).expanduser() if env else home() / "conflictmap.db"
