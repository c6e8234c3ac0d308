"""The sidebar filters: widgets ↔ :class:`conflictmap.views.ViewFilter` ↔ the page URL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

import streamlit as st

from conflictmap.views import LAYERS, MODES, PRESETS, ViewFilter, parse_bbox, periods, preset_range
from dashboard.mapview import LAYER_KEYS

__all__ = [
    "ALLIANCE_LABELS",
    "MODE_LABELS",
    "PRECISIONS",
    "bbox_from_bounds",
    "init_from_url",
    "layer_checkboxes",
    "period_options",
    "sidebar_filters",
    "sync_url",
]

ALLIANCE_LABELS = {
    "": "any",
    "aes": "AES (Alliance of Sahel States)",
    "g5": "G5 Sahel",
    "ecowas": "ECOWAS",
    "lga": "Liptako-Gourma Authority",
}
PRECISIONS = {"any": None, "1 (exact place)": 1, "≤ 2 (near a place)": 2, "≤ 3 (admin-2 / region)": 3}
MODE_LABELS = {"points": "Points (clustered)", "heatmap": "Heatmap (hexagon bins)", "choropleth": "Admin-1 choropleth"}


def _span(choices: dict[str, Any]) -> tuple[date, date]:
    first, last = choices.get("span") or (None, None)
    first = first or date(2018, 1, 1)
    last = last or date.today()
    first, last = (first, last) if first <= last else (last, first)
    if first == last:  # every incident on one day: a slider needs two distinct ends
        first, last = first - timedelta(days=1), last + timedelta(days=1)
    return first, last


def init_from_url(choices: dict[str, Any]) -> None:
    """On a session's first run: the widgets start from the URL's view."""
    ss = st.session_state
    if ss.get("_view_init"):
        return
    view = ViewFilter.from_query_params(st.query_params)
    first, last = _span(choices)
    start = min(max(view.start or first, first), last)
    end = max(min(view.end or last, last), start)
    ss["f_range"] = (start, end)
    ss["f_preset"] = "custom"
    ss["f_types"] = [t for t in view.event_types if t in choices["event_types"]]
    ss["f_subs"] = [s for s in view.sub_event_types if s in {v for _, v in choices["sub_event_types"]}]
    ss["f_actors"] = list(view.actors)
    ss["f_countries"] = [c for c in view.countries if c in choices["countries"]]
    ss["f_admin1"] = list(view.admin1)
    ss["f_alliance"] = view.alliance if view.alliance in ALLIANCE_LABELS else ""
    ss["alliance_day"] = view.alliance_day  # None: follow the end of the date range / period
    ss["f_prec"] = next((k for k, v in PRECISIONS.items() if v == view.max_geo_precision), "any")
    ss["f_conf"] = float(view.min_confidence)
    ss["f_sources"] = [s for s in view.sources if s in choices["sources"]]
    ss["f_mode"] = view.mode
    ss["f_metric"] = view.metric
    ss["f_step"] = view.step
    ss["f_period"] = view.period or "all"
    ss["selected"] = view.selected
    ss["focus_pending"] = view.selected is not None and view.bbox is None  # a bbox already frames it
    for key in LAYERS:
        ss[f"layer:{key}"] = key in view.layers
    ss["map_bbox"] = view.bbox
    ss["_view_init"] = True


def _apply_preset(first: date, last: date) -> None:
    ss = st.session_state
    rng = preset_range(ss["f_preset"], first=first, last=last)
    if rng is not None:
        start = min(max(rng[0] or first, first), last)
        end = max(min(rng[1] or last, last), start)
        ss["f_range"] = (start, end)
        ss["f_period"] = "all"


def _step_period(options: list[str], delta: int) -> None:
    ss = st.session_state
    current = ss.get("f_period", "all")
    i = options.index(current) if current in options else 0
    ss["f_period"] = options[max(1, min(len(options) - 1, i + delta))] if len(options) > 1 else "all"


def sidebar_filters(choices: dict[str, Any], country_names: dict[str, str]) -> ViewFilter:
    """The filter widgets (call inside ``with st.sidebar``); returns the view they describe."""
    ss = st.session_state
    first, last = _span(choices)
    if "_next_period" in ss:  # the Play animation's next step
        ss["f_period"] = ss.pop("_next_period")
    if ss.pop("_stop_play", False):
        ss["f_play"] = False
    lo, hi = ss.get("f_range", (first, last))
    lo, hi = min(max(lo, first), last), max(min(hi, last), first)
    ss["f_range"] = (lo, max(lo, hi))  # the store's span may have changed since
    st.header("Filters")
    st.selectbox("Date preset", PRESETS, key="f_preset", on_change=_apply_preset, args=(first, last))
    # a range: the widget's value is the pair of dates in ss["f_range"], which its overloads cannot see
    start, end = cast(
        "tuple[date, date]",
        st.slider("Date range", min_value=first, max_value=last, key="f_range", format="YYYY-MM-DD"),
    )
    types = st.multiselect("Event type", choices["event_types"], key="f_types")
    subs = sorted({s for t, s in choices["sub_event_types"] if not types or t in types})
    ss["f_subs"] = [s for s in ss.get("f_subs", []) if s in subs]
    st.multiselect("Sub-type", subs, key="f_subs")
    actors = list(dict.fromkeys([*ss.get("f_actors", []), *choices["actors"]]))
    st.multiselect("Actor", actors, key="f_actors")
    st.multiselect(
        "Country", choices["countries"], key="f_countries", format_func=lambda c: f"{country_names.get(c, c)} ({c})"
    )
    countries = ss["f_countries"]
    admin1 = sorted({a for c, a in choices["admin1"] if not countries or c in countries} | set(ss.get("f_admin1", [])))
    st.multiselect("Admin-1", admin1, key="f_admin1")
    st.selectbox(
        "Alliance (members on the map date)",
        list(ALLIANCE_LABELS),
        key="f_alliance",
        format_func=ALLIANCE_LABELS.__getitem__,
    )
    day = st.date_input(
        "Map date (alliances and their members)",
        min_value=date(1970, 1, 1),
        format="YYYY-MM-DD",
        key="alliance_day",
        help="Empty: the end of the date range (or of the period shown).",
    )
    st.select_slider("Geo precision", list(PRECISIONS), key="f_prec")
    st.slider(
        "Place confidence at least",
        0.0,
        1.0,
        step=0.05,
        key="f_conf",
        help="Geoparsed places from articles: the resolver's confidence.",
    )
    st.multiselect("Source", choices["sources"], key="f_sources")

    st.header("Display")
    st.radio("Mode", MODES, key="f_mode", format_func=MODE_LABELS.__getitem__, horizontal=False)
    st.radio(
        "Measure",
        ("count", "fatalities"),
        key="f_metric",
        horizontal=True,
        format_func=lambda m: "Incidents" if m == "count" else "Fatalities",
    )
    st.radio("Time step", ("month", "week"), key="f_step", horizontal=True)
    options = ["all", *periods(start, end, ss["f_step"])]
    if ss.get("f_period") not in options:
        ss["f_period"] = "all"
    st.select_slider(
        "Period shown",
        options,
        key="f_period",
        help="Step through the date range by month or week; 'all' shows the whole range.",
    )
    prev_col, next_col = st.columns(2)
    prev_col.button("◀ previous", key="period_prev", on_click=_step_period, args=(options, -1), width="stretch")
    next_col.button("next ▶", key="period_next", on_click=_step_period, args=(options, 1), width="stretch")
    st.toggle("Play through the periods", key="f_play", help="Animate: one period per second")

    view = ViewFilter(
        start=start if start != first else None,
        end=end if end != last else None,
        event_types=tuple(types),
        sub_event_types=tuple(ss["f_subs"]),
        actors=tuple(ss["f_actors"]),
        countries=tuple(countries),
        admin1=tuple(ss["f_admin1"]),
        alliance=ss["f_alliance"] or None,
        alliance_day=day or None,
        max_geo_precision=PRECISIONS[ss["f_prec"]],
        min_confidence=float(ss["f_conf"]),
        sources=tuple(ss["f_sources"]),
        mode=ss["f_mode"],
        metric=ss["f_metric"],
        step=ss["f_step"],
        period=None if ss["f_period"] == "all" else ss["f_period"],
        selected=ss.get("selected"),
        layers=tuple(k for k in LAYERS if ss.get(f"layer:{k}", False)),
        bbox=ss.get("map_bbox"),
    )
    return view


def layer_checkboxes() -> tuple[str, ...]:
    """The "Layers shown at start" checkboxes (state from the URL's ``layer=``): the view's layers."""
    with st.expander("Layers shown at start"):
        shown = tuple(k for k in LAYERS if st.checkbox(LAYER_KEYS[k], key=f"layer:{k}"))
        st.caption("Every layer can also be switched in the map's layer control.")
    return shown


def bbox_from_bounds(bounds: Any) -> tuple[float, float, float, float] | None:
    """The extent (west, south, east, north; 4 decimals) of Leaflet bounds as streamlit-folium returns
    them (``{"_southWest": {"lat", "lng"}, "_northEast": …}``); None when they are not an extent."""
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        west, east = max(-180.0, float(sw["lng"])), min(180.0, float(ne["lng"]))
        south, north = max(-90.0, float(sw["lat"])), min(90.0, float(ne["lat"]))
        return parse_bbox(",".join(f"{v:.4f}" for v in (west, south, east, north)))
    except (KeyError, TypeError, ValueError):
        return None


def period_options(view: ViewFilter, choices: dict[str, Any]) -> list[str]:
    """The "Period shown" options of ``view``: ``all``, then each month or week of its date range."""
    first, last = _span(choices)
    return ["all", *periods(view.start or first, view.end or last, view.step)]


def sync_url(view: ViewFilter) -> None:
    """Write the view into the page URL when it changed (a copied URL reopens the same view)."""
    params = view.to_query_params()
    want = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    have = {k: st.query_params.get_all(k) for k in st.query_params}
    if want != have:
        st.query_params.from_dict(params)
