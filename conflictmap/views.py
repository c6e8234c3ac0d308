"""The view model: what an analyst filters, as a dataclass that round-trips through URL query
parameters, and the queries that the dashboard and the exports both run for it.

Every value reaches SQLite as a bound parameter (``?``); only fixed column names and operators
are written into the SQL text. Analyst corrections (:mod:`conflictmap.corrections`) are applied
inside the queries, so the map, the table, the charts and every export see the corrected values.
An incident is a group of linked reports (``incident_links``); the views show one row per group,
its representative being the group's smallest report id.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

if TYPE_CHECKING:
    from conflictmap.hexgrid import HexGrid
    from conflictmap.store import Store

AES_CHARTER = date(2023, 9, 16)
MODES = ("points", "heatmap", "choropleth")
METRICS = ("count", "fatalities")
STEPS = ("month", "week")
PRESETS = ("custom", "last 30 days", "2023", "since the AES charter", "all")
#: The map's layers by key (the dashboard names them in ``dashboard.mapview``), in drawing order.
LAYERS = ("countries", "admin1", "alliances", "liptako", "sahel", "place_areas", "places", "incidents")
DEFAULT_LAYERS = tuple(k for k in LAYERS if k != "sahel")


@dataclass(frozen=True)
class ViewFilter:
    """One view of the incidents. Empty tuples / None mean "no filter"."""

    start: date | None = None
    end: date | None = None
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO3
    admin1: tuple[str, ...] = ()  # admin-1 names
    alliance: str | None = None  # members on ``alliance_day`` (or ``end``, or today)
    alliance_day: date | None = None
    max_geo_precision: int | None = None  # ACLED 1 (exact) … 3 (region)
    min_confidence: float = 0.0  # places (geoparsed mentions)
    sources: tuple[str, ...] = ()  # dataset names, or "articles"
    mode: str = "points"
    metric: str = "count"
    step: str = "month"
    period: str | None = None  # "2024-03" (month) or "2024-03-04" (the Monday of a week)
    selected: int | None = None  # the incident shown in detail
    layers: tuple[str, ...] = DEFAULT_LAYERS  # keys of :data:`LAYERS` shown on the map
    bbox: tuple[float, float, float, float] | None = None  # the map's extent: west, south, east, north

    # ----------------------------------------------------------------- dates

    def day(self) -> date:
        """The map's date: alliances and members are shown as on this day (the chosen day, else
        the end of the date range or period, else today)."""
        return self.alliance_day or self.date_range()[1] or date.today()

    def date_range(self) -> tuple[date | None, date | None]:
        """(start, end) narrowed to ``period`` when one is chosen (both inclusive)."""
        start, end = self.start, self.end
        p = period_bounds(self.period, self.step)
        if p is not None:
            start = max(start, p[0]) if start else p[0]
            end = min(end, p[1]) if end else p[1]
        return start, end

    # ----------------------------------------------------------------- URL

    def to_query_params(self) -> dict[str, str | list[str]]:
        """The non-default fields as query parameters (lists for multi-valued filters)."""
        out: dict[str, str | list[str]] = {}
        default = ViewFilter()
        for f in fields(self):
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            key = _PARAM[f.name]
            if f.name == "bbox":
                out[key] = ",".join(f"{v:.4f}" for v in value)
            elif f.name == "layers":
                out[key] = list(value) or ["none"]
            elif isinstance(value, tuple):
                out[key] = [str(v) for v in value]
            elif isinstance(value, date):
                out[key] = value.isoformat()
            else:
                out[key] = str(value)
        return out

    @classmethod
    def from_query_params(cls, params: Mapping[str, Any], *, strict: bool = False) -> ViewFilter:
        """Read a view back from query parameters.

        A browser's address bar is read leniently (``strict=False``): unknown keys and bad values
        are dropped. ``strict=True`` (a command line's ``--view``) raises ValueError naming the
        unknown key or the bad value instead.
        """
        if strict:
            unknown = sorted(set(params) - set(_PARAM.values()))
            if unknown:
                raise ValueError(f"unknown parameter '{unknown[0]}' (known: {', '.join(sorted(_PARAM.values()))})")
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            key = _PARAM[f.name]
            values = _all_values(params, key)
            if not values:
                continue
            try:
                if f.name == "layers":
                    kwargs[f.name] = _layers_value(values, strict)
                elif f.name in _TUPLES:
                    kwargs[f.name] = tuple(dict.fromkeys(values))
                else:
                    for raw in values[:-1] if strict else ():
                        _field_value(f.name, raw)
                    kwargs[f.name] = _field_value(f.name, values[-1])
            except ValueError as exc:
                if strict:
                    raise ValueError(f"{key}: {exc}") from None
        return cls(**kwargs)

    @classmethod
    def from_url(cls, text: str) -> ViewFilter:
        """A view from a dashboard URL or its query string (``?from=2024-01-01&layer=places``),
        read strictly: ValueError names the parameter that is wrong."""
        query = urlsplit(text).query if "?" in text or "://" in text else text
        params: dict[str, list[str]] = {}
        for key, value in parse_qsl(query.lstrip("?"), keep_blank_values=False):
            params.setdefault(key, []).append(value)
        return cls.from_query_params(params, strict=True)

    def replace(self, **changes: Any) -> ViewFilter:
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_TUPLES = {"event_types", "sub_event_types", "actors", "countries", "admin1", "sources"}
_PARAM = {
    "start": "from", "end": "to", "event_types": "type", "sub_event_types": "sub", "actors": "actor",
    "countries": "country", "admin1": "admin1", "alliance": "alliance", "alliance_day": "on",
    "max_geo_precision": "prec", "min_confidence": "conf", "sources": "source", "mode": "mode",
    "metric": "metric", "step": "step", "period": "period", "selected": "sel", "layers": "layer",
    "bbox": "bbox",
}


def _all_values(params: Mapping[str, Any], key: str) -> list[str]:
    """Every non-blank value of ``key`` (Streamlit's query params, or a dict of str or lists)."""
    getter = getattr(params, "get_all", None)
    if getter is not None:
        values = getter(key)
    else:
        values = params.get(key, [])
        values = [values] if isinstance(values, str) else list(values or [])
    return [str(v) for v in values if str(v).strip()]


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``"west,south,east,north"`` in degrees; ValueError unless it is a valid extent."""
    parts = [float(v) for v in str(text).split(",")]
    if len(parts) != 4 or not all(map(math.isfinite, parts)):
        raise ValueError(f"an extent is west,south,east,north in degrees, not '{text}'")
    west, south, east, north = parts
    if not (-180.0 <= west < east <= 180.0 and -90.0 <= south < north <= 90.0):
        raise ValueError(f"'{text}' is not an extent: west < east within ±180, south < north within ±90")
    return west, south, east, north


def preset_range(preset: str, today: date | None = None, first: date | None = None,
                 last: date | None = None) -> tuple[date | None, date | None] | None:
    """The (start, end) of a named preset; None for "custom"."""
    today = today or date.today()
    if preset == "last 30 days":
        return today - timedelta(days=30), today
    if preset == "2023":
        return date(2023, 1, 1), date(2023, 12, 31)
    if preset == "since the AES charter":
        return AES_CHARTER, today
    if preset == "all":
        return first, last
    return None


def period_bounds(period: str | None, step: str = "month") -> tuple[date, date] | None:
    """First and last day of a month ``YYYY-MM`` or of the week starting on ``YYYY-MM-DD``."""
    if not period:
        return None
    try:
        if len(period) == 7:
            first = date.fromisoformat(period + "-01")
            nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
            return first, nxt - timedelta(days=1)
        first = date.fromisoformat(period)
        return first, first + timedelta(days=6)
    except ValueError:
        return None


def _layers_value(values: list[str], strict: bool) -> tuple[str, ...]:
    unknown = [v for v in values if v != "none" and v not in LAYERS]
    if strict and unknown:
        raise ValueError(f"'{unknown[0]}' is not a layer; choose from {', '.join(LAYERS)} or none")
    return tuple(k for k in LAYERS if k in values)


def _unit_interval(raw: str) -> float:
    value = float(raw)
    if not 0.0 <= value <= 1.0:
        raise ValueError(raw)
    return value


def _one_of(choices: tuple[str, ...]) -> Any:
    def read(raw: str) -> str:
        if raw not in choices:
            raise ValueError(raw)
        return raw

    return read


def _period(raw: str) -> str:
    if period_bounds(raw) is None:
        raise ValueError(raw)
    return raw


def _alliance(ref: str) -> str:
    from geodata.alliances import ALLIANCES, alliance

    if alliance(ref) is None:
        raise ValueError(f"unknown alliance '{ref}'; known: {', '.join(a.id for a in ALLIANCES)}")
    return ref


#: How each single-valued field reads its URL value (a field not named here keeps the text).
_READERS = {
    "start": date.fromisoformat, "end": date.fromisoformat, "alliance_day": date.fromisoformat,
    "max_geo_precision": int, "selected": int, "min_confidence": _unit_interval, "mode": _one_of(MODES),
    "metric": _one_of(METRICS), "step": _one_of(STEPS), "period": _period, "bbox": parse_bbox,
    "alliance": _alliance,
}


def _field_value(name: str, raw: str) -> Any:
    """One URL value as the field's value; ValueError with the reason when it is not valid."""
    try:
        return _READERS.get(name, str)(raw)
    except ValueError as exc:
        if name in ("bbox", "alliance"):  # their messages say what a valid value is
            raise
        raise ValueError(f"'{raw}' is not a valid value") from exc


def periods(start: date, end: date, step: str = "month") -> list[str]:
    """The periods (months ``YYYY-MM`` or Monday-started weeks) from ``start`` to ``end``."""
    out: list[str] = []
    if step == "week":
        day = start - timedelta(days=start.weekday())
        while day <= end:
            out.append(day.isoformat())
            day += timedelta(days=7)
        return out
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# --------------------------------------------------------------------------- SQL

#: The latest active correction of each incident (see conflictmap.corrections).
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

TABLE_COLUMNS = ["id", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "fatalities",
                 "location", "admin1", "country", "geo_precision", "source", "lat", "lon", "summary",
                 "correction_id"]

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



def where(view: ViewFilter, alias: str = "e") -> tuple[str, list[Any]]:
    """The WHERE clause of ``view`` over :data:`EFFECTIVE` (aliased ``alias``) and its parameters."""
    a = alias + "."
    clauses: list[str] = []
    params: list[Any] = []

    def inside(column: str, values: Iterable[Any]) -> None:
        values = list(values)
        if values:
            clauses.append(f"{a}{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)

    start, end = view.date_range()
    if start:
        clauses.append(f"{a}event_date >= ?")
        params.append(start.isoformat())
    if end:
        clauses.append(f"{a}event_date < ?")  # dates may carry a time: compare with the next day
        params.append((end + timedelta(days=1)).isoformat())
    inside("event_type", view.event_types)
    inside("sub_event_type", view.sub_event_types)
    if view.actors:
        marks = ", ".join("?" * len(view.actors))
        clauses.append(f"({a}actor1 IN ({marks}) OR {a}actor2 IN ({marks}))")
        params.extend(view.actors)
        params.extend(view.actors)
    inside("country", view.countries)
    inside("admin1", view.admin1)
    if view.alliance:
        from geodata.alliances import members_on

        try:
            members = members_on(view.day(), view.alliance).get(view.alliance, [])
        except KeyError:
            members = []
        if members:
            inside("country", members)
        else:
            clauses.append("0")
    if view.max_geo_precision is not None:
        clauses.append(f"({a}geo_precision IS NULL OR {a}geo_precision <= ?)")
        params.append(int(view.max_geo_precision))
    inside("source", view.sources)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _query(store: Store, sql: str, params: Iterable[Any]) -> pd.DataFrame:
    return store._frame(sql, params)  # noqa: SLF001 - the store's one locked connection


def has_altered(store: Store) -> bool:
    """Whether any report is linked to another or corrected (see :data:`ALTERED`)."""
    return bool(_query(store, f"SELECT EXISTS (SELECT 1 FROM ({ALTERED})) AS x", ())["x"].iloc[0])


def _parts(view: ViewFilter, select: str, extra: str = "", altered: bool = True) -> tuple[list[str], list[Any]]:
    """``SELECT {select}`` over the effective incidents of ``view`` as two queries whose results add
    up: the stored reports that no link or correction alters (a plain filtered scan of ``incidents``
    that uses its indexes) and the few altered ones, read through :data:`EFFECTIVE`.
    ``extra`` (an SQL condition over ``e`` without parameters) narrows both; ``altered=False``
    (:func:`has_altered` says so) leaves out the second query and the check against the first."""
    w, p = where(view)
    conditions = [w[len(" WHERE "):]] if w else []
    if extra:
        conditions.append(f"({extra})")
    if not altered:  # nothing linked or corrected: the stored reports are the incidents
        return [f"SELECT {select} FROM ({RAW}) e" + (" WHERE " + " AND ".join(conditions) if conditions else "")], p
    plain = " AND ".join([*conditions, f"e.id NOT IN ({ALTERED})"])
    narrowed = (" WHERE " + " AND ".join(conditions)) if conditions else ""
    return [f"SELECT {select} FROM ({RAW}) e WHERE {plain}",
            f"SELECT {select} FROM ({EFFECTIVE} AND i.id IN ({ALTERED})) e{narrowed}"], p


def _aggregate(store: Store, view: ViewFilter, keys: Mapping[str, str], extra: str = "") -> pd.DataFrame:
    """``keys…, incidents, fatalities`` of ``view`` grouped by ``keys`` (name → SQL over ``e``), each
    part aggregated in SQL (:func:`_parts`) and the two added up."""
    names = list(keys)
    select = ", ".join([*(f"{expr} AS {name}" for name, expr in keys.items()),
                        "COUNT(*) AS incidents", "COALESCE(SUM(e.fatalities), 0) AS fatalities"])
    group = f" GROUP BY {', '.join(names)}" if names else ""
    queries, params = _parts(view, select, extra, has_altered(store))
    both = pd.concat([_query(store, sql + group, params) for sql in queries], ignore_index=True)
    both[["incidents", "fatalities"]] = both[["incidents", "fatalities"]].fillna(0).astype("int64")
    if not names:
        return both[["incidents", "fatalities"]].sum().to_frame().T
    both = both.groupby(names, as_index=False, dropna=False, sort=False)[["incidents", "fatalities"]].sum()
    return both[both["incidents"] > 0].reset_index(drop=True)


def count(store: Store, view: ViewFilter) -> int:
    """How many incidents ``view`` holds (one per linked group, corrections applied)."""
    queries, params = _parts(view, "COUNT(*) AS n", altered=has_altered(store))
    return sum(int(_query(store, sql, params)["n"].iloc[0]) for sql in queries)


def incidents_frame(store: Store, view: ViewFilter, *, limit: int | None = None,
                    columns: Iterable[str] = TABLE_COLUMNS, order: str = "newest") -> pd.DataFrame:
    """The incidents of ``view`` (one row per incident, corrections applied), newest first."""
    cols = ", ".join(f"e.{c}" for c in columns)
    w, p = where(view)
    sql = f"SELECT {cols} FROM ({EFFECTIVE}) e{w}"
    if order == "newest":
        sql += " ORDER BY e.event_date DESC, e.id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        p = [*p, int(limit)]
    return _query(store, sql, p)


def incidents_geoframe(store: Store, view: ViewFilter) -> Any:
    """:func:`incidents_frame` as a GeoDataFrame of points (EPSG:4326): what exports write."""
    import geopandas as gpd

    frame = incidents_frame(store, view)
    frame = frame[frame["lat"].notna() & frame["lon"].notna()].reset_index(drop=True)
    geometry = gpd.points_from_xy(frame["lon"].astype(float), frame["lat"].astype(float), crs="EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def map_points(store: Store, view: ViewFilter, *, limit: int) -> pd.DataFrame:
    """The few columns a map marker needs, for at most ``limit`` incidents."""
    return incidents_frame(store, view, limit=limit, columns=[
        "id", "lon", "lat", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "fatalities",
        "location", "admin1", "country", "source", "summary", "single", "correction_id",
    ])


def admin1_totals(store: Store, view: ViewFilter) -> pd.DataFrame:
    """``country, admin1, incidents, fatalities`` of ``view``, aggregated in SQL."""
    return _aggregate(store, view, {"country": "e.country", "admin1": "e.admin1"})


def coordinates(store: Store, view: ViewFilter) -> pd.DataFrame:
    """``lon, lat, fatalities`` of every incident of ``view`` that has coordinates (corrections
    applied), for binning: float arrays, no ids, no text."""
    import numpy as np

    queries, params = _parts(view, "e.lon, e.lat, COALESCE(e.fatalities, 0)",
                             extra="e.lat IS NOT NULL AND e.lon IS NOT NULL", altered=has_altered(store))
    parts = []
    with store._lock:  # noqa: SLF001 - the store's one connection; rows go straight into an array
        for sql in queries:
            cursor = store._conn.execute(sql, tuple(params))  # noqa: SLF001
            parts.append(np.fromiter(itertools.chain.from_iterable(cursor), dtype=float).reshape(-1, 3))
    values = np.concatenate(parts)
    return pd.DataFrame({"lon": values[:, 0], "lat": values[:, 1], "fatalities": values[:, 2]})


def hex_bins(store: Store, view: ViewFilter, grid: HexGrid) -> pd.DataFrame:
    """``q, r, incidents, fatalities`` per hexagon of ``grid`` (:mod:`conflictmap.hexgrid`)."""
    from conflictmap.hexgrid import bin_points

    frame = coordinates(store, view)
    return bin_points(frame["lon"].to_numpy(), frame["lat"].to_numpy(), frame["fatalities"].to_numpy(), grid)


def timeseries(store: Store, view: ViewFilter, step: str = "month") -> pd.DataFrame:
    """``period, event_type, incidents, fatalities`` per month (``YYYY-MM``) or year."""
    length = 7 if step == "month" else 4
    # by day and type first: the order of the date-led index, so SQLite streams instead of sorting
    days = _aggregate(store, view, {"day": "e.event_date", "event_type": "e.event_type"})
    frame = pd.DataFrame({"period": days["day"].astype("string").str.slice(0, length),
                          "event_type": days["event_type"].fillna("(none)"),
                          "incidents": days["incidents"], "fatalities": days["fatalities"]})
    frame = frame.groupby(["period", "event_type"], as_index=False, dropna=False)[["incidents", "fatalities"]].sum()
    return frame.sort_values(["period", "event_type"], kind="stable").reset_index(drop=True)


def choices(store: Store) -> dict[str, list[Any]]:
    """Values the sidebar offers: types, sub-types, actors (most frequent), countries, admin-1, sources,
    and the first/last date. Read from the raw reports (indexed columns) plus the corrections."""
    out: dict[str, list[Any]] = {}
    q = lambda sql: _query(store, sql, ())  # noqa: E731
    out["event_types"] = sorted(set(q("SELECT DISTINCT event_type AS v FROM incidents WHERE event_type IS NOT NULL")["v"])
                                | set(q("SELECT DISTINCT event_type AS v FROM corrections WHERE event_type IS NOT NULL")["v"]))
    out["countries"] = q("SELECT DISTINCT country AS v FROM incidents WHERE country IS NOT NULL ORDER BY v")["v"].tolist()
    out["sources"] = q("SELECT DISTINCT CASE WHEN source_kind = 'dataset' THEN origin ELSE 'articles' END AS v"
                       " FROM incidents ORDER BY v")["v"].dropna().tolist()
    out["sub_event_types"] = q("SELECT DISTINCT event_type AS t, sub_event_type AS v FROM incidents"
                               " WHERE sub_event_type IS NOT NULL ORDER BY t, v").values.tolist()
    out["admin1"] = q("SELECT DISTINCT country AS c, admin1 AS v FROM incidents WHERE admin1 IS NOT NULL"
                      " ORDER BY c, v").values.tolist()
    out["actors"] = q("SELECT a AS v FROM (SELECT actor1 AS a FROM incidents UNION ALL SELECT actor2 FROM incidents)"
                      " WHERE a IS NOT NULL GROUP BY a ORDER BY COUNT(*) DESC LIMIT 300")["v"].tolist()
    span = q("SELECT MIN(event_date) AS a, MAX(event_date) AS b FROM incidents").iloc[0]
    out["span"] = [_to_date(span["a"]), _to_date(span["b"])]
    return out


def _to_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def incident_detail(store: Store, incident_id: int) -> pd.DataFrame:
    """Every report of the incident ``incident_id`` belongs to, with its source and sentence."""
    ids = store.incident_group(int(incident_id))
    frame = store.incidents(ids=ids)
    if frame.empty:
        return frame
    from conflictmap.corrections import apply_incident_corrections

    return apply_incident_corrections(store, frame)


# --------------------------------------------------------------------------- places


def places_frame(store: Store, view: ViewFilter | None = None) -> Any:
    """The places of the articles (``conflictmap.export.places_frame``, corrections applied),
    narrowed by the view's dates (article date), countries, admin-1 and confidence."""
    from conflictmap.export import places_frame as all_places

    places = all_places(store)
    if view is None or places.empty:
        return places
    keep = pd.Series(True, index=places.index)
    start, end = view.date_range()
    if start or end:
        days = places["article_date"].astype("string").str.slice(0, 10)
        known = days.notna()
        if start:
            keep &= ~known | (days >= start.isoformat())
        if end:
            keep &= ~known | (days <= end.isoformat())
    if view.countries:
        keep &= places["country"].isin(view.countries)
    if view.admin1:
        keep &= places["admin1"].isin(view.admin1)
    if view.min_confidence:
        keep &= places["confidence"].astype(float) >= view.min_confidence
    return places[keep.fillna(False).to_numpy()].reset_index(drop=True)


__all__ = [
    "AES_CHARTER", "DEFAULT_LAYERS", "EFFECTIVE", "LAYERS", "parse_bbox", "METRICS", "MODES", "PRESETS", "STEPS", "TABLE_COLUMNS", "ViewFilter",
    "admin1_totals", "choices", "coordinates", "count", "hex_bins", "incident_detail", "incidents_frame",
    "incidents_geoframe", "map_points", "period_bounds", "periods", "places_frame", "preset_range",
    "timeseries", "where",
]
