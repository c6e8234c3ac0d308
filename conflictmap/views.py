"""The view model: what an analyst filters, as a dataclass that round-trips through URL query
parameters, and what the dashboard and the exports both read for it.

A :class:`ViewFilter` is the whole view (filters, map date, mode, layers, extent). Its
:meth:`~ViewFilter.query` is the store's side of it (:class:`conflictmap.store.IncidentQuery`),
and the functions below ask the store (:mod:`conflictmap.store.queries`) and shape the answer.
Analyst corrections are applied by the store, so the map, the table, the charts and every export
see the corrected values. An incident is a group of linked reports; the views show one row per
group.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from conflictmap.errors import UsageError
from conflictmap.hexgrid import HexGrid, bin_points
from conflictmap.store import INCIDENT_FACTS, TABLE_COLUMNS, IncidentQuery, Store, corrections

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

AES_CHARTER = date(2023, 9, 16)
MODES = ("points", "heatmap", "choropleth")
METRICS = ("count", "fatalities")
STEPS = ("month", "week")
PRESETS = ("custom", "last 30 days", "2023", "since the AES charter", "all")
#: The map's layers by key (the dashboard names them in ``dashboard.mapview``), in drawing order.
LAYERS = ("countries", "admin1", "alliances", "liptako", "sahel", "place_areas", "places", "incidents")
DEFAULT_LAYERS = tuple(k for k in LAYERS if k != "sahel")
#: The layers of named areas (the Liptako-Gourma zone, the Sahel band): ``--layers areas``.
AREA_LAYERS = ("liptako", "sahel")


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

    def query(self) -> IncidentQuery:
        """The store's side of this view: which incidents it holds (the period narrowing the dates,
        the alliance read as its members on :meth:`day`)."""
        start, end = self.date_range()
        members: tuple[str, ...] | None = None
        if self.alliance:
            from geodata.alliances import members_on  # geopandas: loaded when a view filters by alliance

            try:
                members = tuple(members_on(self.day(), self.alliance).get(self.alliance, []))
            except KeyError:
                members = ()
        return IncidentQuery(
            start=start,
            end=end,
            event_types=self.event_types,
            sub_event_types=self.sub_event_types,
            actors=self.actors,
            countries=self.countries,
            admin1=self.admin1,
            members=members,
            max_geo_precision=self.max_geo_precision,
            sources=self.sources,
        )

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
        are dropped. ``strict=True`` (a command line's ``--view``) raises UsageError naming the
        unknown key or the bad value instead.
        """
        if strict:
            unknown = sorted(set(params) - set(_PARAM.values()))
            if unknown:
                raise UsageError(f"unknown parameter '{unknown[0]}' (known: {', '.join(sorted(_PARAM.values()))})")
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
                    raise UsageError(f"{key}: {exc}") from None
        return cls(**kwargs)

    @classmethod
    def from_url(cls, text: str) -> ViewFilter:
        """A view from a dashboard URL or its query string (``?from=2024-01-01&layer=places``),
        read strictly: UsageError names the parameter that is wrong."""
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
    "start": "from",
    "end": "to",
    "event_types": "type",
    "sub_event_types": "sub",
    "actors": "actor",
    "countries": "country",
    "admin1": "admin1",
    "alliance": "alliance",
    "alliance_day": "on",
    "max_geo_precision": "prec",
    "min_confidence": "conf",
    "sources": "source",
    "mode": "mode",
    "metric": "metric",
    "step": "step",
    "period": "period",
    "selected": "sel",
    "layers": "layer",
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


def preset_range(
    preset: str, today: date | None = None, first: date | None = None, last: date | None = None
) -> tuple[date | None, date | None] | None:
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
    """``alliance=`` of a URL: kept as written (``AES``, ``CEDEAO``) once it names an alliance."""
    check_alliance(ref)
    return ref


def check_alliance(ref: str) -> str:
    """The alliance id for an id or any of its names (``AES``, ``CEDEAO``), or UsageError."""
    from geodata.alliances import ALLIANCES, alliance

    found = alliance(ref)
    if found is None:
        raise UsageError(f"unknown alliance '{ref}'; known: {', '.join(a.id for a in ALLIANCES)}")
    return found.id


def layer_keys(text: str) -> tuple[str, ...]:
    """``--layers`` (comma-separated map layer keys, ``all``, ``none``, or ``areas`` for both zones)
    as the view's layer keys, in the map's order; UsageError names an unknown one."""
    wanted: set[str] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part or part == "none":
            continue
        if part == "all":
            wanted.update(LAYERS)
        elif part == "areas":
            wanted.update(AREA_LAYERS)
        elif part in LAYERS:
            wanted.add(part)
        else:
            raise UsageError(f"unknown layer '{part}'; choose from {', '.join(LAYERS)}, areas, all or none")
    return tuple(k for k in LAYERS if k in wanted)


#: The largest integer SQLite stores (a larger one in a query is an OverflowError, not a miss).
SQLITE_MAX_INT = 2**63 - 1


def _stored_int(raw: str, *, low: int) -> int:
    """A whole number from ``low`` to :data:`SQLITE_MAX_INT`: what an id or a precision can be."""
    value = int(raw)
    if not low <= value <= SQLITE_MAX_INT:
        raise ValueError(raw)
    return value


#: How each single-valued field reads its URL value (a field not named here keeps the text).
_READERS = {
    "start": date.fromisoformat,
    "end": date.fromisoformat,
    "alliance_day": date.fromisoformat,
    "max_geo_precision": lambda raw: _stored_int(raw, low=0),
    "selected": lambda raw: _stored_int(raw, low=1),
    "min_confidence": _unit_interval,
    "mode": _one_of(MODES),
    "metric": _one_of(METRICS),
    "step": _one_of(STEPS),
    "period": _period,
    "bbox": parse_bbox,
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


# --------------------------------------------------------------------------- incidents
# The store answers; these read a view as a query and shape the result for the map and the exports.


def count(store: Store, view: ViewFilter) -> int:
    """How many incidents ``view`` holds (one per linked group, corrections applied)."""
    return store.count_incidents(view.query())


def incidents_frame(
    store: Store,
    view: ViewFilter,
    *,
    limit: int | None = None,
    columns: Iterable[str] = TABLE_COLUMNS,
    order: str = "newest",
) -> pd.DataFrame:
    """The incidents of ``view`` (one row per incident, corrections applied), newest first."""
    return store.incident_rows(view.query(), limit=limit, columns=columns, order=order)


def incidents_geoframe(store: Store, view: ViewFilter) -> gpd.GeoDataFrame:
    """:func:`incidents_frame` as a GeoDataFrame of points (EPSG:4326): what exports write."""
    import geopandas as gpd

    frame = incidents_frame(store, view)
    frame = frame[frame["lat"].notna() & frame["lon"].notna()].reset_index(drop=True)
    geometry = gpd.points_from_xy(frame["lon"].astype(float), frame["lat"].astype(float), crs="EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def map_points(store: Store, view: ViewFilter, *, limit: int) -> pd.DataFrame:
    """The few columns a map marker needs, for at most ``limit`` incidents."""
    return incidents_frame(
        store,
        view,
        limit=limit,
        columns=[
            "id",
            "lon",
            "lat",
            *INCIDENT_FACTS,
            "source",
            "summary",
            "single",
            "correction_id",
        ],
    )


def admin1_totals(store: Store, view: ViewFilter) -> pd.DataFrame:
    """``country, admin1, incidents, fatalities`` of ``view``, aggregated in SQL."""
    return store.incident_totals(view.query(), by=("country", "admin1"))


def coordinates(store: Store, view: ViewFilter) -> pd.DataFrame:
    """``lon, lat, fatalities`` of every incident of ``view`` that has coordinates (corrections
    applied), for binning: float arrays, no ids, no text."""
    return store.incident_coordinates(view.query())


def hex_bins(store: Store, view: ViewFilter, grid: HexGrid) -> pd.DataFrame:
    """``q, r, incidents, fatalities`` per hexagon of ``grid`` (:mod:`conflictmap.hexgrid`)."""
    frame = coordinates(store, view)
    return bin_points(frame["lon"].to_numpy(), frame["lat"].to_numpy(), frame["fatalities"].to_numpy(), grid)


def timeseries(store: Store, view: ViewFilter, step: str = "month") -> pd.DataFrame:
    """``period, event_type, incidents, fatalities`` per month (``YYYY-MM``) or year."""
    length = 7 if step == "month" else 4
    # by day and type first: the order of the date-led index, so SQLite streams instead of sorting
    days = store.incident_totals(view.query(), by=("day", "event_type"))
    frame = pd.DataFrame(
        {
            "period": days["day"].astype("string").str.slice(0, length),
            "event_type": days["event_type"].fillna("(none)"),
            "incidents": days["incidents"],
            "fatalities": days["fatalities"],
        }
    )
    frame = frame.groupby(["period", "event_type"], as_index=False, dropna=False)[["incidents", "fatalities"]].sum()
    return frame.sort_values(["period", "event_type"], kind="stable").reset_index(drop=True)


def choices(store: Store) -> dict[str, list[Any]]:
    """Values the sidebar offers: types, sub-types, actors (most frequent), countries, admin-1, sources,
    and the first/last date (:meth:`conflictmap.store.Store.choices`)."""
    return store.choices()


def extent(store: Store, view: ViewFilter) -> tuple[float, float, float, float] | None:
    """``(west, south, east, north)`` of the view's incidents that have coordinates, or None."""
    return store.incident_extent(view.query())


def sources(store: Store, view: ViewFilter) -> list[str]:
    """The sources of the view's incidents: dataset names, and ``articles``."""
    return store.incident_sources(view.query())


def incident_detail(store: Store, incident_id: int) -> pd.DataFrame:
    """Every report of the incident ``incident_id`` belongs to, with its source and sentence."""
    ids = store.incident_group(int(incident_id))
    frame = store.incidents(ids=ids)
    if frame.empty:
        return frame
    return corrections.apply_incident_corrections(store, frame)


# --------------------------------------------------------------------------- places

#: The columns of :func:`places_frame` (and ``ref``, the polygon a place is drawn as).
PLACE_COLUMNS = [
    "name",
    "kind",
    "country",
    "admin1",
    "confidence",
    "mentions",
    "sentence",
    "surfaces",
    "article_id",
    "article_title",
    "article_url",
    "article_date",
    "geonameid",
    "lat",
    "lon",
]
_PLACE_KEYS = ["article_id", "name", "kind", "ref", "lat", "lon"]


def places_frame(
    store: Store, view: ViewFilter | None = None, *, article_ids: Iterable[str] | None = None
) -> gpd.GeoDataFrame:
    """The places of the articles: one feature per distinct resolved place per article (EPSG:4326),
    what the map shows and every export writes; narrowed by ``view`` (article date, countries,
    admin-1, place confidence) and to ``article_ids`` when given.

    Mentions of an article are grouped by ``(name, kind, ref, lat, lon)``. The geometry is the
    polygon of ``ref`` (country, admin-1, area) when the boundaries know it, else the point.
    ``lat``/``lon`` always hold the resolver's point (a label position for polygons). Corrections
    in force (:mod:`conflictmap.store.corrections`) are applied first, so a typed location can
    also resolve an unresolved mention.
    """
    places = _all_places(store, article_ids)
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


def _all_places(store: Store, article_ids: Iterable[str] | None) -> gpd.GeoDataFrame:
    import geopandas as gpd

    mentions = corrections.apply_mention_corrections(store, store.mentions())
    mentions = mentions[mentions["lat"].notna() & mentions["lon"].notna()]
    if article_ids is not None:
        mentions = mentions[mentions["article_id"].isin(list(article_ids))]
    if mentions.empty:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in PLACE_COLUMNS}, geometry=gpd.GeoSeries([], crs="EPSG:4326")
        )

    mentions = mentions.sort_values(["article_id", "start", "id"])
    grouped = (
        mentions.groupby(_PLACE_KEYS, dropna=False, sort=False)
        .agg(
            country=("country", "first"),
            admin1=("admin1", "first"),
            confidence=("confidence", "max"),
            mentions=("id", "count"),
            sentence=("sentence", "first"),
            surfaces=("surface", lambda s: " | ".join(dict.fromkeys(s))),
            geonameid=("geonameid", "first"),
            first_start=("start", "min"),
        )
        .reset_index()
    )

    articles = store.articles()[["id", "title", "url", "published"]].rename(
        columns={"id": "article_id", "title": "article_title", "url": "article_url", "published": "article_date"}
    )
    frame = grouped.merge(articles, on="article_id", how="left")
    frame = frame.sort_values(["article_date", "article_id", "first_start"], na_position="last")
    polygons: dict[str, BaseGeometry | None] = {}  # per call: user layers may change between calls
    geometry = [_geometry(ref, lon, lat, polygons) for ref, lon, lat in zip(frame["ref"], frame["lon"], frame["lat"])]
    frame["geonameid"] = frame["geonameid"].astype("Int64")
    return gpd.GeoDataFrame(frame[[*PLACE_COLUMNS, "ref"]].reset_index(drop=True), geometry=geometry, crs="EPSG:4326")


def _geometry(ref: Any, lon: float, lat: float, cache: dict[str, BaseGeometry | None]) -> BaseGeometry:
    from shapely.geometry import Point

    if isinstance(ref, str) and ref:
        if ref not in cache:
            cache[ref] = _ref_geometry(ref)
        polygon = cache[ref]
        if polygon is not None and not polygon.is_empty:
            return polygon
    return Point(float(lon), float(lat))


def _ref_geometry(ref: str) -> BaseGeometry | None:
    try:
        from geodata.boundaries import geometry_for
    except ImportError:  # boundaries not built: every place is shown as its point
        return None
    return geometry_for(ref)


__all__ = [
    "AES_CHARTER",
    "AREA_LAYERS",
    "DEFAULT_LAYERS",
    "LAYERS",
    "METRICS",
    "MODES",
    "PLACE_COLUMNS",
    "PRESETS",
    "STEPS",
    "TABLE_COLUMNS",
    "ViewFilter",
    "admin1_totals",
    "check_alliance",
    "choices",
    "coordinates",
    "count",
    "extent",
    "hex_bins",
    "incident_detail",
    "incidents_frame",
    "incidents_geoframe",
    "layer_keys",
    "map_points",
    "parse_bbox",
    "period_bounds",
    "periods",
    "places_frame",
    "preset_range",
    "sources",
    "timeseries",
]
