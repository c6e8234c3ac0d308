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
        km = haversine_km(
            m["lat_a"].to_numpy(float),
            m["lon_a"].to_numpy(float),
            m["lat_b"].to_numpy(float),
            m["lon_b"].to_numpy(float),
        )
        near = np.nan_to_num(km, nan=np.inf) <= MAX_KM
        named = (
            m["name_a"].notna()
            & (m["name_a"] == m["name_b"])
            & (m["country_a"].isna() | m["country_b"].isna() | (m["country_a"] == m["country_b"]))
        ).to_numpy()
        frames.append(m.loc[near | named, ["id_a", "id_b"]].rename(columns={"id_a": "a", "id_b": "b"}))
    if not frames:
        return pd.DataFrame(columns=["a", "b"])
    return pd.concat(frames, ignore_index=True).drop_duplicates()


def link_new(store: Store, *, since_id: int, origin: str | None = None) -> int:
    """Link the reports with id > ``since_id`` to earlier and to each other (other origins only).
    ``origin``: all those reports come from it (an import of one dataset file). Returns how many
    reports changed group."""
    new, other = store.reports_to_link(since_id, origin=origin, days=MAX_DAYS)
    if new.empty or other.empty:
        return 0
    pairs = candidate_pairs(new, other)
    if pairs.empty:
        return 0
    return store.link_incidents(pairs.itertuples(index=False, name=None))


__all__ = ["MAX_DAYS", "MAX_KM", "candidate_pairs", "link_new"]
