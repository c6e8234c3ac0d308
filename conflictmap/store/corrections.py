"""Analyst corrections of incident and mention locations and types.

A correction is a row of the ``corrections`` table (store migration 3) with a timestamp. Each
target (an incident, keyed by its ``source_key``; a mention, keyed by ``<article id>:<start>:<end>``)
has a stack of corrections: the latest one not undone is in force, and it carries every corrected
field (a new correction copies the fields of the one before). :func:`undo` marks the latest one
undone, so the one before comes back. The keys survive re-ingest and re-import: an article's id is
the hash of its text, a dataset row's ``source_key`` is ``<dataset>:<row id>``.

The store's incident queries (:mod:`conflictmap.store.queries`) apply incident corrections in SQL;
:func:`apply_mention_corrections` is used by :func:`conflictmap.views.places_frame`, so every export
sees them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from conflictmap.errors import CorrectionError
from conflictmap.records import KINDS
from conflictmap.store.connection import utc_now

if TYPE_CHECKING:
    from conflictmap.store.core import Store

__all__ = [
    "FIELDS",
    "KINDS",
    "CorrectionError",
    "active",
    "apply_incident_corrections",
    "apply_mention_corrections",
    "correct_incident",
    "correct_mention",
    "history",
    "mention_key",
    "undo",
    "undo_incident",
    "undo_mention",
]

FIELDS = ("lat", "lon", "country", "admin1", "event_type", "sub_event_type", "name", "kind", "geonameid", "ref")


def mention_key(article_id: str, start: int, end: int) -> str:
    return f"{article_id}:{int(start)}:{int(end)}"


def _check_point(lat: Any, lon: Any) -> tuple[float, float] | None:
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise CorrectionError("give both a latitude and a longitude")
    lat, lon = float(lat), float(lon)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CorrectionError(f"({lat}, {lon}) is not a valid latitude/longitude")
    return lat, lon


def _locate(lat: float, lon: float) -> tuple[str | None, str | None]:
    from geodata.boundaries import locate  # geopandas: loaded when a correction is made, not with the store

    try:
        return locate(lon, lat)
    except Exception:  # noqa: BLE001 - a correction is kept even where the boundaries say nothing
        return None, None


def active(store: Store, target: str, key: str) -> dict[str, Any] | None:
    """The correction in force for ``(target, key)``, or None."""
    frame = store._frame(
        "SELECT * FROM corrections WHERE target = ? AND target_key = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
        (target, key),
    )
    return None if frame.empty else frame.iloc[0].to_dict()


def _add(store: Store, target: str, key: str, values: dict[str, Any], note: str | None) -> int:
    previous = active(store, target, key) or {}
    row = {f: previous.get(f) for f in FIELDS}
    row = {f: (None if isinstance(v, float) and v != v else v) for f, v in row.items()}
    row.update({k: v for k, v in values.items() if v is not None})
    cols = ["target", "target_key", *FIELDS, "note", "created_at"]
    with store.transaction() as conn:
        cur = conn.execute(
            f"INSERT INTO corrections ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            (target, key, *[row[f] for f in FIELDS], note, utc_now()),
        )
        assert cur.lastrowid is not None  # an INSERT sets it
        return cur.lastrowid


def correct_incident(
    store: Store,
    incident_id: int,
    *,
    lat: float | None = None,
    lon: float | None = None,
    event_type: str | None = None,
    sub_event_type: str | None = None,
    note: str | None = None,
) -> int:
    """Correct an incident's location and/or type; returns the correction's id."""
    frame = store._frame(
        "SELECT COALESCE(source_key, 'id:' || id) AS k FROM incidents WHERE id = ?", (int(incident_id),)
    )
    if frame.empty:
        raise CorrectionError(f"no incident {incident_id}")
    values: dict[str, Any] = {"event_type": _text(event_type), "sub_event_type": _text(sub_event_type)}
    point = _check_point(lat, lon)
    if point is not None:
        values["lat"], values["lon"] = point
        values["country"], values["admin1"] = _locate(*point)
    if all(v is None for v in values.values()):
        raise CorrectionError("nothing to correct: give a location or a type")
    return _add(store, "incident", str(frame["k"].iloc[0]), values, note)


def correct_mention(
    store: Store,
    mention_id: int,
    *,
    lat: float | None = None,
    lon: float | None = None,
    name: str | None = None,
    kind: str | None = None,
    geonameid: int | None = None,
    country: str | None = None,
    admin1: str | None = None,
    ref: str | None = None,
    note: str | None = None,
) -> int:
    """Correct a mention's place (another gazetteer candidate, or typed coordinates) and/or kind."""
    frame = store._frame('SELECT article_id, start, "end" FROM mentions WHERE id = ?', (int(mention_id),))
    if frame.empty:
        raise CorrectionError(f"no mention {mention_id}")
    if kind is not None and kind not in KINDS:
        raise CorrectionError(f"kind must be one of {', '.join(KINDS)}")
    row = frame.iloc[0]
    values: dict[str, Any] = {"name": _text(name), "kind": kind, "geonameid": geonameid, "ref": _text(ref)}
    point = _check_point(lat, lon)
    if point is not None:
        values["lat"], values["lon"] = point
        located = _locate(*point) if country is None else (country, admin1)
        values["country"], values["admin1"] = located
    if all(v is None for v in values.values()):
        raise CorrectionError("nothing to correct: give a location or a kind")
    return _add(store, "mention", mention_key(row["article_id"], row["start"], row["end"]), values, note)


def undo(store: Store, target: str, key: str) -> bool:
    """Undo the correction in force for ``(target, key)``; False when there is none."""
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT MAX(id) FROM corrections WHERE target = ? AND target_key = ? AND undone_at IS NULL", (target, key)
        ).fetchone()
        if row is None or row[0] is None:
            return False
        conn.execute("UPDATE corrections SET undone_at = ? WHERE id = ?", (utc_now(), row[0]))
        return True


def undo_incident(store: Store, incident_id: int) -> bool:
    frame = store._frame(
        "SELECT COALESCE(source_key, 'id:' || id) AS k FROM incidents WHERE id = ?", (int(incident_id),)
    )
    return False if frame.empty else undo(store, "incident", str(frame["k"].iloc[0]))


def undo_mention(store: Store, mention_id: int) -> bool:
    frame = store._frame('SELECT article_id, start, "end" FROM mentions WHERE id = ?', (int(mention_id),))
    if frame.empty:
        return False
    row = frame.iloc[0]
    return undo(store, "mention", mention_key(row["article_id"], row["start"], row["end"]))


def history(store: Store, target: str | None = None) -> pd.DataFrame:
    """Every correction, newest first (undone ones included, with ``undone_at``)."""
    sql = "SELECT * FROM corrections"
    params: tuple = ()
    if target:
        sql += " WHERE target = ?"
        params = (target,)
    return store._frame(sql + " ORDER BY id DESC", params)


def _active_frame(store: Store, target: str) -> pd.DataFrame:
    return store._frame(
        "SELECT * FROM corrections WHERE id IN (SELECT MAX(id) FROM corrections WHERE target = ?"
        " AND undone_at IS NULL GROUP BY target_key)",
        (target,),
    )


def apply_mention_corrections(store: Store, mentions: pd.DataFrame) -> pd.DataFrame:
    """``mentions`` (rows of :meth:`Store.mentions`) with the corrections in force applied."""
    fixes = _active_frame(store, "mention")
    if fixes.empty or mentions.empty:
        return mentions
    mentions = mentions.copy()
    keys = mentions["article_id"].astype(str) + ":" + mentions["start"].astype(str) + ":" + mentions["end"].astype(str)
    by_key = fixes.set_index("target_key")
    hit = keys.isin(by_key.index).to_numpy()
    if not hit.any():
        return mentions
    mentions["corrected"] = hit
    for idx in mentions.index[hit]:
        fix = by_key.loc[keys[idx]]
        moved = pd.notna(fix["lat"])
        for col in ("lat", "lon", "country", "admin1", "name", "kind", "geonameid"):
            if col in mentions.columns and pd.notna(fix[col]):
                mentions.at[idx, col] = fix[col]
        if moved:
            mentions.at[idx, "ref"] = fix["ref"] if pd.notna(fix["ref"]) else None
            mentions.at[idx, "confidence"] = 1.0
    return mentions


def apply_incident_corrections(store: Store, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of :meth:`Store.incidents` with the corrections in force applied (``corrected`` column)."""
    fixes = _active_frame(store, "incident")
    frame = frame.copy()
    frame["corrected"] = False
    if fixes.empty or frame.empty:
        return frame
    keys = frame["source_key"].where(frame["source_key"].notna(), "id:" + frame["id"].astype(str))
    by_key = fixes.set_index("target_key")
    for idx in frame.index[keys.isin(by_key.index).to_numpy()]:
        fix = by_key.loc[keys[idx]]
        frame.at[idx, "corrected"] = True
        if pd.notna(fix["lat"]):
            for col in ("lat", "lon", "country", "admin1"):
                frame.at[idx, col] = fix[col]
        for col in ("event_type", "sub_event_type"):
            if pd.notna(fix[col]):
                frame.at[idx, col] = fix[col]
    return frame


def _text(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None
