"""The store's reads of incidents as the views show them: one row per incident, corrections applied.

An :class:`IncidentQuery` says which incidents (the store's side of a dashboard view,
:meth:`conflictmap.views.ViewFilter.query`); the methods of :class:`IncidentQueries`, which
:class:`conflictmap.store.Store` has, answer it. Every value reaches SQLite as a bound parameter
(``?``); only fixed column names and operators are written into the SQL text. Analyst corrections
(:mod:`conflictmap.store.corrections`) are applied inside the queries, so the map, the table, the
charts and every export see the corrected values. An incident is a group of linked reports
(``incident_links``); one row per group is shown, its representative being the group's smallest
report id.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from conflictmap.store.connection import Connection

__all__ = ["GROUP_KEYS", "INCIDENT_FACTS", "TABLE_COLUMNS", "IncidentQueries", "IncidentQuery"]


@dataclass(frozen=True)
class IncidentQuery:
    """Which incidents to read. Empty tuples and None mean "no filter on this"."""

    start: date | None = None  # first day, inclusive
    end: date | None = None  # last day, inclusive
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()  # actor1 or actor2
    countries: tuple[str, ...] = ()  # ISO3
    admin1: tuple[str, ...] = ()  # admin-1 names
    #: ISO3 members of the chosen alliance on the view's date; ``()`` matches nothing, None filters nothing.
    members: tuple[str, ...] | None = None
    max_geo_precision: int | None = None  # ACLED 1 (exact) … 3 (region); NULL always passes
    sources: tuple[str, ...] = ()  # dataset names, or "articles"


#: The latest active correction of each incident (see conflictmap.store.corrections).
_ACTIVE = (
    "(SELECT target_key, lat, lon, country, admin1, event_type, sub_event_type, id FROM corrections"
    " WHERE id IN (SELECT MAX(id) FROM corrections WHERE target = 'incident' AND undone_at IS NULL"
    " GROUP BY target_key))"
)
#: Effective incidents: one row per incident (group representative), corrections applied.
EFFECTIVE = f"""
SELECT i.id AS id, i.event_date AS event_date,
       COALESCE(c.event_type, i.event_type) AS event_type,
       COALESCE(c.sub_event_type, i.sub_event_type) AS sub_event_type,
       i.actor1 AS actor1, i.actor2 AS actor2, i.fatalities AS fatalities,
       COALESCE(c.lat, i.lat) AS lat, COALESCE(c.lon, i.lon) AS lon, i.location AS location,
       CASE WHEN c.lat IS NOT NULL THEN c.country ELSE i.country END AS country,
       CASE WHEN c.lat IS NOT NULL THEN c.admin1 ELSE i.admin1 END AS admin1,
       i.geo_precision AS geo_precision, i.summary AS summary,
       CASE WHEN i.source_kind = 'dataset' THEN i.origin ELSE 'articles' END AS source,
       COALESCE(i.source_key, 'id:' || i.id) AS source_key,
       c.id AS correction_id,
       CASE WHEN l.group_id IS NULL THEN 1 ELSE 0 END AS single
FROM incidents i
LEFT JOIN incident_links l ON l.incident_id = i.id
LEFT JOIN {_ACTIVE} c ON c.target_key = COALESCE(i.source_key, 'id:' || i.id)
WHERE (l.group_id IS NULL OR l.group_id = i.id)
"""

#: What an incident is, in the order every table of incidents shows it (after its id).
INCIDENT_FACTS = (
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "fatalities",
    "location",
    "admin1",
    "country",
)
TABLE_COLUMNS = [
    "id",
    *INCIDENT_FACTS,
    "geo_precision",
    "source",
    "lat",
    "lon",
    "summary",
    "correction_id",
]

#: The reports as stored, with the columns the filters read. SQLite flattens this into the outer
#: query, so a filter on a date, a type or a country uses the table's indexes.
RAW = """
SELECT i.id AS id, i.event_date AS event_date, i.event_type AS event_type, i.sub_event_type AS sub_event_type,
       i.actor1 AS actor1, i.actor2 AS actor2, i.fatalities AS fatalities, i.lat AS lat, i.lon AS lon,
       i.country AS country, i.admin1 AS admin1, i.geo_precision AS geo_precision,
       CASE WHEN i.source_kind = 'dataset' THEN i.origin ELSE 'articles' END AS source
FROM incidents i
"""
#: Reports whose effective row differs from the stored one: members of a linked group other than its
#: representative (not shown) and reports with an active correction. Few, whatever the store's size.
ALTERED = f"""
SELECT incident_id AS id FROM incident_links WHERE group_id != incident_id
UNION SELECT i.id FROM {_ACTIVE} c JOIN incidents i ON i.source_key = c.target_key
UNION SELECT i.id FROM {_ACTIVE} c JOIN incidents i ON i.id = CAST(substr(c.target_key, 4) AS INTEGER)
      WHERE c.target_key LIKE 'id:%' AND i.source_key IS NULL
"""
#: What :meth:`IncidentQueries.incident_totals` can group by: key → SQL over the effective row ``e``.
GROUP_KEYS = {"country": "e.country", "admin1": "e.admin1", "day": "e.event_date", "event_type": "e.event_type"}


def _where(query: IncidentQuery, alias: str = "e") -> tuple[str, list[Any]]:
    """The WHERE clause of ``query`` over :data:`EFFECTIVE` (aliased ``alias``) and its parameters."""
    a = alias + "."
    clauses: list[str] = []
    params: list[Any] = []

    def inside(column: str, values: Iterable[Any]) -> None:
        values = list(values)
        if values:
            clauses.append(f"{a}{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)

    if query.start:
        clauses.append(f"{a}event_date >= ?")
        params.append(query.start.isoformat())
    if query.end:
        clauses.append(f"{a}event_date < ?")  # dates may carry a time: compare with the next day
        params.append((query.end + timedelta(days=1)).isoformat())
    inside("event_type", query.event_types)
    inside("sub_event_type", query.sub_event_types)
    if query.actors:
        marks = ", ".join("?" * len(query.actors))
        clauses.append(f"({a}actor1 IN ({marks}) OR {a}actor2 IN ({marks}))")
        params.extend(query.actors)
        params.extend(query.actors)
    inside("country", query.countries)
    inside("admin1", query.admin1)
    if query.members is not None:
        if query.members:
            inside("country", query.members)
        else:
            clauses.append("0")
    if query.max_geo_precision is not None:
        clauses.append(f"({a}geo_precision IS NULL OR {a}geo_precision <= ?)")
        params.append(int(query.max_geo_precision))
    inside("source", query.sources)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _parts(query: IncidentQuery, select: str, extra: str = "", altered: bool = True) -> tuple[list[str], list[Any]]:
    """``SELECT {select}`` over the effective incidents of ``query`` as two queries whose results add
    up: the stored reports that no link or correction alters (a plain filtered scan of ``incidents``
    that uses its indexes) and the few altered ones, read through :data:`EFFECTIVE`.
    ``extra`` (an SQL condition over ``e`` without parameters) narrows both; ``altered=False``
    (:meth:`IncidentQueries.has_altered` says so) leaves out the second query and the check against the first."""
    w, p = _where(query)
    conditions = [w[len(" WHERE ") :]] if w else []
    if extra:
        conditions.append(f"({extra})")
    if not altered:  # nothing linked or corrected: the stored reports are the incidents
        return [f"SELECT {select} FROM ({RAW}) e" + (" WHERE " + " AND ".join(conditions) if conditions else "")], p
    plain = " AND ".join([*conditions, f"e.id NOT IN ({ALTERED})"])
    narrowed = (" WHERE " + " AND ".join(conditions)) if conditions else ""
    return [
        f"SELECT {select} FROM ({RAW}) e WHERE {plain}",
        f"SELECT {select} FROM ({EFFECTIVE} AND i.id IN ({ALTERED})) e{narrowed}",
    ], p


class IncidentQueries(Connection):
    """The incident reads of :class:`conflictmap.store.Store` (see the module's docstring)."""

    def has_altered(self) -> bool:
        """Whether any report is linked to another or corrected (see :data:`ALTERED`)."""
        return bool(self._frame(f"SELECT EXISTS (SELECT 1 FROM ({ALTERED})) AS x", ())["x"].iloc[0])

    def count_incidents(self, query: IncidentQuery) -> int:
        """How many incidents ``query`` holds (one per linked group, corrections applied)."""
        queries, params = _parts(query, "COUNT(*) AS n", altered=self.has_altered())
        return sum(int(self._frame(sql, params)["n"].iloc[0]) for sql in queries)

    def incident_rows(
        self,
        query: IncidentQuery,
        *,
        limit: int | None = None,
        columns: Iterable[str] = TABLE_COLUMNS,
        order: str = "newest",
    ) -> pd.DataFrame:
        """The incidents of ``query`` (one row per incident, corrections applied), newest first
        unless ``order`` is ``"stored"``; ``columns`` are those of :data:`EFFECTIVE`."""
        cols = ", ".join(f"e.{c}" for c in columns)
        w, p = _where(query)
        sql = f"SELECT {cols} FROM ({EFFECTIVE}) e{w}"
        if order == "newest":
            sql += " ORDER BY e.event_date DESC, e.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            p = [*p, int(limit)]
        return self._frame(sql, p)

    def incident_totals(self, query: IncidentQuery, by: Sequence[str] = ()) -> pd.DataFrame:
        """``by…, incidents, fatalities`` of ``query`` grouped by keys of :data:`GROUP_KEYS`, each part
        aggregated in SQL (:func:`_parts`) and the two added up; groups with no incident are left out."""
        unknown = [k for k in by if k not in GROUP_KEYS]
        if unknown:
            raise KeyError(f"cannot group incidents by {unknown[0]!r}; choose from {', '.join(GROUP_KEYS)}")
        names = list(by)
        select = ", ".join(
            [
                *(f"{GROUP_KEYS[name]} AS {name}" for name in names),
                "COUNT(*) AS incidents",
                "COALESCE(SUM(e.fatalities), 0) AS fatalities",
            ]
        )
        group = f" GROUP BY {', '.join(names)}" if names else ""
        queries, params = _parts(query, select, altered=self.has_altered())
        both = pd.concat([self._frame(sql + group, params) for sql in queries], ignore_index=True)
        both[["incidents", "fatalities"]] = both[["incidents", "fatalities"]].fillna(0).astype("int64")
        if not names:
            return both[["incidents", "fatalities"]].sum().to_frame().T
        both = both.groupby(names, as_index=False, dropna=False, sort=False)[["incidents", "fatalities"]].sum()
        return both[both["incidents"] > 0].reset_index(drop=True)

    def incident_coordinates(self, query: IncidentQuery) -> pd.DataFrame:
        """``lon, lat, fatalities`` of every incident of ``query`` that has coordinates (corrections
        applied), for binning: float arrays, no ids, no text."""
        queries, params = _parts(
            query,
            "e.lon, e.lat, COALESCE(e.fatalities, 0)",
            extra="e.lat IS NOT NULL AND e.lon IS NOT NULL",
            altered=self.has_altered(),
        )
        parts = []
        with self._lock:  # rows go straight from the cursor into an array
            for sql in queries:
                cursor = self._conn.execute(sql, tuple(params))
                parts.append(np.fromiter(itertools.chain.from_iterable(cursor), dtype=float).reshape(-1, 3))
        values = np.concatenate(parts)
        return pd.DataFrame({"lon": values[:, 0], "lat": values[:, 1], "fatalities": values[:, 2]})

    def incident_extent(self, query: IncidentQuery) -> tuple[float, float, float, float] | None:
        """``(west, south, east, north)`` of the incidents of ``query`` that have coordinates, or None."""
        w, p = _where(query)
        extra = " AND " if w else " WHERE "
        row = self._frame(
            f"SELECT MIN(e.lon) AS w, MIN(e.lat) AS s, MAX(e.lon) AS e, MAX(e.lat) AS n FROM ({EFFECTIVE}) e"
            f"{w}{extra}e.lat IS NOT NULL AND e.lon IS NOT NULL",
            p,
        ).iloc[0]
        if any(v is None or (isinstance(v, float) and v != v) for v in row):
            return None
        return float(row["w"]), float(row["s"]), float(row["e"]), float(row["n"])

    def incident_sources(self, query: IncidentQuery) -> list[str]:
        """The sources of the incidents of ``query``: dataset names, and ``articles``."""
        w, p = _where(query)
        frame = self._frame(f"SELECT DISTINCT e.source AS source FROM ({EFFECTIVE}) e{w} ORDER BY 1", p)
        return [str(s) for s in frame["source"].dropna()]

    def incident_provenance(self, query: IncidentQuery) -> pd.DataFrame:
        """Where each incident of ``query`` comes from (``incident_id, source_type, dataset, dataset_row,
        dataset_file, article_id, article_title, article_url, sentence``) and its linked reports
        (``reports``, ``linked_sources``): what an export writes beside each incident."""
        w, params = _where(query)
        ids = f"SELECT e.id FROM ({EFFECTIVE}) e{w}"
        article = "COALESCE(s.article_id, CASE WHEN i.source_kind = 'article' THEN i.origin END)"
        sql = f"""
        SELECT i.id AS incident_id, i.source_kind AS source_type,
               CASE WHEN i.source_kind = 'dataset' THEN COALESCE(s.dataset, i.origin) END AS dataset,
               CASE WHEN i.source_kind = 'dataset'
                    THEN COALESCE(s.row_id, substr(i.source_key, length(i.origin) + 2)) END AS dataset_row,
               CASE WHEN i.source_kind = 'dataset' THEN COALESCE(s.file, i.source_ref) END AS dataset_file,
               {article} AS article_id, a.title AS article_title, a.url AS article_url, s.sentence AS sentence,
               g.reports AS reports, g.linked_sources AS linked_sources
        FROM incidents i
        LEFT JOIN incident_sources s ON s.incident_id = i.id
        LEFT JOIN articles a ON a.id = {article}
        LEFT JOIN (SELECT l.group_id AS group_id, COUNT(*) AS reports,
                          group_concat(CASE WHEN r.id != l.group_id
                                            THEN COALESCE(r.source_key, 'id:' || r.id) END, ' | ') AS linked_sources
                   FROM incident_links l JOIN incidents r ON r.id = l.incident_id GROUP BY l.group_id) g
               ON g.group_id = i.id
        WHERE i.id IN ({ids})
        """
        return self._frame(sql, params)

    def choices(self) -> dict[str, list[Any]]:
        """Values the sidebar offers: types, sub-types, actors (most frequent), countries, admin-1,
        sources, and the first/last date. Read from the raw reports (indexed columns) plus the corrections."""
        out: dict[str, list[Any]] = {}

        def q(sql: str) -> pd.DataFrame:
            return self._frame(sql, ())

        out["event_types"] = sorted(
            set(q("SELECT DISTINCT event_type AS v FROM incidents WHERE event_type IS NOT NULL")["v"])
            | set(q("SELECT DISTINCT event_type AS v FROM corrections WHERE event_type IS NOT NULL")["v"])
        )
        out["countries"] = q("SELECT DISTINCT country AS v FROM incidents WHERE country IS NOT NULL ORDER BY v")[
            "v"
        ].tolist()
        out["sources"] = (
            q(
                "SELECT DISTINCT CASE WHEN source_kind = 'dataset' THEN origin ELSE 'articles' END AS v"
                " FROM incidents ORDER BY v"
            )["v"]
            .dropna()
            .tolist()
        )
        out["sub_event_types"] = q(
            "SELECT DISTINCT event_type AS t, sub_event_type AS v FROM incidents"
            " WHERE sub_event_type IS NOT NULL ORDER BY t, v"
        ).values.tolist()
        out["admin1"] = q(
            "SELECT DISTINCT country AS c, admin1 AS v FROM incidents WHERE admin1 IS NOT NULL ORDER BY c, v"
        ).values.tolist()
        out["actors"] = q(
            "SELECT a AS v FROM (SELECT actor1 AS a FROM incidents UNION ALL SELECT actor2 FROM incidents)"
            " WHERE a IS NOT NULL GROUP BY a ORDER BY COUNT(*) DESC LIMIT 300"
        )["v"].tolist()
        span = q("SELECT MIN(event_date) AS a, MAX(event_date) AS b FROM incidents").iloc[0]
        out["span"] = [_to_date(span["a"]), _to_date(span["b"])]
        return out

    def corrections_signature(self) -> tuple[int, int, int]:
        """``(corrections, newest id, undone)``: changes with every correction and every undo."""
        row = self._frame("SELECT COUNT(*) AS n, MAX(id) AS m, COUNT(undone_at) AS u FROM corrections", ()).iloc[0]
        n, m, u = (int(v or 0) for v in row)
        return n, m, u


def _to_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
