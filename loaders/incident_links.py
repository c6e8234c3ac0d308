"""One incident, many reports: link reports from different datasets or articles that match in
place (within :data:`MAX_KM` or the same named place in the same country), date (± :data:`MAX_DAYS`)
and event type. Links are stored in ``incident_links`` (``Store.link_incidents``); an analyst's
split (``Store.split_incident``) is never undone by a later linking."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geodata.distance import haversine_km

if TYPE_CHECKING:
    from conflictmap.store import Store

MAX_KM = 10.0
MAX_DAYS = 1
_COLS = "id, event_date, event_type, lat, lon, location, country, origin"


def _norm(s: pd.Series) -> pd.Series:
    from geodata.names import normalise

    return s.map(lambda v: normalise(v) if isinstance(v, str) and v.strip() else None)


def candidate_pairs(new: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Pairs (``a`` new id, ``b`` other id) that describe the same incident."""
    if new.empty or other.empty:
        return pd.DataFrame(columns=["a", "b"])
    new = new.dropna(subset=["event_date", "event_type"]).copy()
    other = other.dropna(subset=["event_date", "event_type"]).copy()
    new["day"] = pd.to_datetime(new["event_date"], errors="coerce")
    other["day"] = pd.to_datetime(other["event_date"], errors="coerce")
    new["name"] = _norm(new["location"])
    other["name"] = _norm(other["location"])
    frames = []
    for shift in range(-MAX_DAYS, MAX_DAYS + 1):
        left = new.assign(day=new["day"] + pd.Timedelta(days=shift))
        m = left.merge(other, on=["event_type", "day"], suffixes=("_a", "_b"))
        m = m[m["origin_a"] != m["origin_b"]]
        if m.empty:
            continue
        km = haversine_km(m["lat_a"].to_numpy(float), m["lon_a"].to_numpy(float),
                           m["lat_b"].to_numpy(float), m["lon_b"].to_numpy(float))
        near = np.nan_to_num(km, nan=np.inf) <= MAX_KM
        named = (m["name_a"].notna() & (m["name_a"] == m["name_b"]) &
                 (m["country_a"].isna() | m["country_b"].isna() | (m["country_a"] == m["country_b"]))).to_numpy()
        frames.append(m.loc[near | named, ["id_a", "id_b"]].rename(columns={"id_a": "a", "id_b": "b"}))
    if not frames:
        return pd.DataFrame(columns=["a", "b"])
    return pd.concat(frames, ignore_index=True).drop_duplicates()


def link_new(store: Store, *, since_id: int, origin: str | None = None, days_per_batch: int = 31) -> int:
    """Link the reports with id > ``since_id`` to earlier and to each other (other origins only).
    ``origin``: all those reports come from it (an import of one dataset file). Returns how many
    reports changed group."""
    with store._lock:
        if origin is not None and store._conn.execute(
                "SELECT 1 FROM incidents WHERE id <= ? AND origin IS NOT ? LIMIT 1", (since_id, origin)).fetchone() is None:
            return 0  # one origin, and no earlier report of another: nothing to link
        span = store._conn.execute("SELECT MIN(event_date), MAX(event_date), COUNT(DISTINCT origin) FROM incidents"
                                   " WHERE id > ?", (since_id,)).fetchone()
        if span[0] is None:
            return 0
        lo = (pd.to_datetime(span[0]) - pd.Timedelta(days=MAX_DAYS)).strftime("%Y-%m-%d")
        hi = (pd.to_datetime(span[1]) + pd.Timedelta(days=MAX_DAYS)).strftime("%Y-%m-%d")
        if span[2] <= 1:
            origin = store._conn.execute("SELECT origin FROM incidents WHERE id > ? LIMIT 1", (since_id,)).fetchone()[0]
            if store._conn.execute("SELECT 1 FROM incidents WHERE id <= ? AND event_date BETWEEN ? AND ?"
                                   " AND origin IS NOT ? LIMIT 1", (since_id, lo, hi, origin)).fetchone() is None:
                return 0  # nothing from another origin in those days: nothing to link
    new = store._frame(f"SELECT {_COLS} FROM incidents WHERE id > ? AND event_date IS NOT NULL", (since_id,))
    if new.empty:
        return 0
    lo = (pd.to_datetime(new["event_date"].min()) - pd.Timedelta(days=MAX_DAYS)).strftime("%Y-%m-%d")
    hi = (pd.to_datetime(new["event_date"].max()) + pd.Timedelta(days=MAX_DAYS)).strftime("%Y-%m-%d")
    origins = new["origin"].dropna().unique().tolist()
    if len(origins) == 1:
        # Most imports bring one origin: only reports of other origins can match.
        other = store._frame(f"SELECT {_COLS} FROM incidents WHERE event_date BETWEEN ? AND ? AND origin IS NOT ?",
                             (lo, hi, origins[0]))
    else:
        other = store._frame(f"SELECT {_COLS} FROM incidents WHERE event_date BETWEEN ? AND ?", (lo, hi))
    if other.empty:
        return 0
    pairs = candidate_pairs(new, other)
    if pairs.empty:
        return 0
    return store.link_incidents(pairs.itertuples(index=False, name=None))
