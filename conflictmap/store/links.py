"""The store's reads for linking reports of the same incident (:mod:`loaders.incident_links`)."""

from __future__ import annotations

import pandas as pd

from conflictmap.store.connection import Connection

__all__ = ["LINK_COLUMNS", "LinkQueries"]

#: The columns of an incident report that linking compares (see :meth:`LinkQueries.reports_to_link`).
LINK_COLUMNS = ("id", "event_date", "event_type", "lat", "lon", "location", "country", "origin")
_COLS = ", ".join(LINK_COLUMNS)


def _shifted(day: str, days: int) -> str:
    """The ISO date ``days`` after ``day`` (before it when negative)."""
    return (pd.to_datetime(day) + pd.Timedelta(days=days)).strftime("%Y-%m-%d")


class LinkQueries(Connection):
    """The reads that automatic incident linking needs, on :class:`conflictmap.store.Store`."""

    def reports_to_link(
        self, since_id: int, *, origin: str | None = None, days: int = 1
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The reports to link after an import: ``(new, other)`` frames of :data:`LINK_COLUMNS`.

        ``new`` holds the reports with id > ``since_id`` that have a date; ``other`` every report
        dated within ``days`` of them (the new ones included) — of another origin only when all the
        new ones share one. ``origin``: the caller knows the new reports all come from it (an import
        of one dataset file). Both frames are empty when nothing can link: a cheap look first finds
        whether any earlier report of another origin exists in those days, so an import of one
        dataset into a store holding only it reads no frame at all.
        """
        empty = pd.DataFrame(columns=list(LINK_COLUMNS))
        with self._lock:
            conn = self._conn
            if (
                origin is not None
                and conn.execute(
                    "SELECT 1 FROM incidents WHERE id <= ? AND origin IS NOT ? LIMIT 1", (since_id, origin)
                ).fetchone()
                is None
            ):
                return empty, empty  # one origin, and no earlier report of another: nothing to link
            first, last, origins = conn.execute(
                "SELECT MIN(event_date), MAX(event_date), COUNT(DISTINCT origin) FROM incidents WHERE id > ?",
                (since_id,),
            ).fetchone()
            if first is None:
                return empty, empty
            if origins <= 1:
                only = conn.execute("SELECT origin FROM incidents WHERE id > ? LIMIT 1", (since_id,)).fetchone()[0]
                if (
                    conn.execute(
                        "SELECT 1 FROM incidents WHERE id <= ? AND event_date BETWEEN ? AND ?"
                        " AND origin IS NOT ? LIMIT 1",
                        (since_id, _shifted(first, -days), _shifted(last, days), only),
                    ).fetchone()
                    is None
                ):
                    return empty, empty  # nothing from another origin in those days: nothing to link
        new = self._frame(f"SELECT {_COLS} FROM incidents WHERE id > ? AND event_date IS NOT NULL", (since_id,))
        if new.empty:
            return new, empty
        lo = _shifted(new["event_date"].min(), -days)
        hi = _shifted(new["event_date"].max(), days)
        new_origins = new["origin"].dropna().unique().tolist()
        if len(new_origins) == 1:
            # Most imports bring one origin: only reports of other origins can match.
            other = self._frame(
                f"SELECT {_COLS} FROM incidents WHERE event_date BETWEEN ? AND ? AND origin IS NOT ?",
                (lo, hi, new_origins[0]),
            )
        else:
            other = self._frame(f"SELECT {_COLS} FROM incidents WHERE event_date BETWEEN ? AND ?", (lo, hi))
        return new, other
