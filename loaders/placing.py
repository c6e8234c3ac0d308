"""Country, admin-1 and admin-2 of many points at once, each distinct point looked up once.

Used by the event importer (:mod:`loaders.event_files`) on every chunk of a file and by the batch
ingest (:mod:`loaders.batch`) on the incidents of a task's articles.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Placer", "with_none"]


class Placer:
    """Country / admin-1 / admin-2 per point, point-in-polygon on each distinct coordinate once."""

    def __init__(self) -> None:
        # The points placed so far (one int64 code each) and their country, admin-1, admin-2.
        self._codes = pd.Index(np.empty(0, dtype=np.int64))
        self._found = [np.empty(0, dtype=object) for _ in range(3)]
        #: :meth:`load_layers` running in another thread, awaited before the first lookup.
        self.loading: Future[Any] | None = None

    @staticmethod
    def load_layers() -> None:
        """Read the boundary layers and build their spatial indexes: locating a point at sea
        (0, 0) goes through the admin-1 layer to the countries layer."""
        from geodata.boundaries import admin2_bfa, locate_many

        locate_many([0.0], [0.0])
        _ = admin2_bfa().sindex

    def place(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """ISO3 country, admin-1 name and admin-2 name (object arrays, None where unknown) per point."""
        lat = np.round(np.asarray(lat, dtype=float), 6)
        lon = np.round(np.asarray(lon, dtype=float), 6)
        # One int64 per point (micro-degrees), so the distinct points come from a hash table, not a
        # sort, and the ones placed in earlier chunks are looked up all at once (get_indexer).
        ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        code = np.where(
            ok,
            (np.rint(np.where(ok, lat, 0) * 1e6).astype(np.int64) + 90_000_000) * 360_000_001
            + (np.rint(np.where(ok, lon, 0) * 1e6).astype(np.int64) + 180_000_000),
            -1,
        )
        inverse, uniq_codes = pd.factorize(code)
        at = self._codes.get_indexer(uniq_codes)
        todo = np.flatnonzero((at < 0) & (uniq_codes >= 0))
        if len(todo):
            if self.loading is not None:
                self.loading.result()
            first = np.zeros(len(uniq_codes), dtype=np.int64)
            first[inverse[::-1]] = np.arange(len(code))[::-1]  # the first row of each distinct point
            found = self._locate(lon[first[todo]], lat[first[todo]])
            self._codes = self._codes.append(pd.Index(uniq_codes[todo]))
            self._found = [np.concatenate([old, new]) for old, new in zip(self._found, found)]
            at = self._codes.get_indexer(uniq_codes)
        # at -1 (a point not placed: not a valid coordinate) picks the None appended last
        country, admin1, admin2 = (with_none(col)[at][inverse] for col in self._found)
        return country, admin1, admin2

    @staticmethod
    def _locate(lons: np.ndarray, lats: np.ndarray) -> list[np.ndarray]:
        """Country, admin-1 and admin-2 (Burkina Faso's communes) of each point, as object arrays."""
        import shapely

        from geodata.boundaries import admin2_bfa, locate_many

        found = locate_many(lons, lats)
        adm2 = np.full(len(lons), None, dtype=object)
        bfa = (found["country"] == "BFA").to_numpy()
        if bfa.any():
            layer = admin2_bfa()
            p_idx, g_idx = layer.sindex.query(shapely.points(lons[bfa], lats[bfa]), predicate="intersects")
            names = np.full(int(bfa.sum()), None, dtype=object)
            names[p_idx] = layer["name"].to_numpy()[g_idx]
            adm2[np.flatnonzero(bfa)] = names
        return [found["country"].to_numpy(dtype=object), found["admin1"].to_numpy(dtype=object), adm2]


def with_none(values: np.ndarray) -> np.ndarray:
    """``values`` (an object array) with a None appended: indexed by codes where -1 means "missing",
    the missing ones pick the None."""
    out = np.empty(len(values) + 1, dtype=object)
    out[:-1] = values
    return out
