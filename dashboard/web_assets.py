"""Serve Leaflet from installed PyPI packages so the map works without internet.

folium and streamlit-folium load Leaflet, jQuery, Bootstrap and font-awesome from CDNs by default:
offline, that is a blank map. Here:

* the ``xstatic-leaflet`` and ``xstatic-leaflet-markercluster`` data folders are registered as
  Streamlit component folders (``declare_component(name, path=...)``), which Streamlit serves at
  ``<base>/component/dashboard.web_assets.<name>/<file>`` with proper MIME types;
* :func:`make_offline` rewrites ``default_js``/``default_css`` of every element of a folium map to those
  local files only (jQuery, Bootstrap, awesome-markers and font-awesome are dropped: the map uses
  CircleMarker/GeoJson and no icon fonts).

streamlit-folium's iframe is ``<base>/component/streamlit_folium.st_folium/index.html``, so the links
are relative (``../dashboard.web_assets.leaflet/leaflet.js``) and keep working behind a proxy base path.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import folium
import folium.elements
import xstatic.pkg.leaflet as _xs_leaflet
import xstatic.pkg.leaflet_markercluster as _xs_markercluster

__all__ = [
    "LEAFLET_BASE",
    "LEAFLET_COMPONENT",
    "LEAFLET_CSS",
    "LEAFLET_DIR",
    "LEAFLET_JS",
    "LEAFLET_VERSION",
    "MARKERCLUSTER_BASE",
    "MARKERCLUSTER_COMPONENT",
    "MARKERCLUSTER_CSS",
    "MARKERCLUSTER_DIR",
    "MARKERCLUSTER_JS",
    "make_offline",
    "offline_map",
    "register",
    "remote_links",
]

_LOG = logging.getLogger(__name__)

LEAFLET_DIR: str = _xs_leaflet.BASE_DIR
MARKERCLUSTER_DIR: str = _xs_markercluster.BASE_DIR
LEAFLET_VERSION: str = _xs_leaflet.VERSION

#: Component names, as Streamlit builds them: ``<module>.<name>``.
LEAFLET_COMPONENT = f"{__name__}.leaflet"
MARKERCLUSTER_COMPONENT = f"{__name__}.markercluster"

#: Relative to the streamlit-folium iframe (``/component/streamlit_folium.st_folium/index.html``).
LEAFLET_BASE = f"../{LEAFLET_COMPONENT}/"
MARKERCLUSTER_BASE = f"../{MARKERCLUSTER_COMPONENT}/"

LEAFLET_JS = [("leaflet", LEAFLET_BASE + "leaflet.js")]
LEAFLET_CSS = [("leaflet_css", LEAFLET_BASE + "leaflet.css")]
MARKERCLUSTER_JS = [("markerclusterjs", MARKERCLUSTER_BASE + "leaflet.markercluster.js")]
MARKERCLUSTER_CSS = [
    ("markerclustercss", MARKERCLUSTER_BASE + "MarkerCluster.css"),
    ("markerclusterdefaultcss", MARKERCLUSTER_BASE + "MarkerCluster.Default.css"),
]

_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)


def register() -> None:
    """Register the Leaflet folders with the running Streamlit server (idempotent).

    Call it from the Streamlit script on every run: ``declare_component`` only registers while a
    script run context exists (importing this module outside a run registers nothing).
    """
    import streamlit.components.v1 as components

    # The names must be declared from this module so that they are ``dashboard.web_assets.*``.
    components.declare_component("leaflet", path=LEAFLET_DIR)
    components.declare_component("markercluster", path=MARKERCLUSTER_DIR)


def _local_links(element: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The local js/css links that replace ``element``'s CDN links."""
    from folium.plugins import MarkerCluster

    if isinstance(element, folium.Map):
        return list(LEAFLET_JS), list(LEAFLET_CSS)
    if isinstance(element, MarkerCluster):
        return list(MARKERCLUSTER_JS), list(MARKERCLUSTER_CSS)
    js = [(n, u) for n, u in getattr(element, "default_js", []) if not _REMOTE.match(u)]
    css = [(n, u) for n, u in getattr(element, "default_css", []) if not _REMOTE.match(u)]
    dropped = len(getattr(element, "default_js", [])) + len(getattr(element, "default_css", []))
    dropped -= len(js) + len(css)
    if dropped:
        _LOG.warning(
            "%s needs %d resource(s) from the internet; dropped for offline use",
            type(element).__name__,
            dropped,
        )
    return js, css


def _walk(element: Any) -> Iterator[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def make_offline(m: folium.Map) -> folium.Map:
    """Point every element of ``m`` at the locally served Leaflet files; drop every CDN link.

    Sets instance attributes (never the folium class lists, which are shared). Call it after the
    last element was added and before rendering.
    """
    for element in _walk(m):
        if isinstance(element, folium.elements.JSCSSMixin) or hasattr(element, "default_js"):
            js, css = _local_links(element)
            element.default_js = js
            element.default_css = css
    return m


def offline_map(**folium_kwargs: Any) -> folium.Map:
    """A ``folium.Map`` without tiles (unless ``tiles`` is given) that loads Leaflet locally.

    Call :func:`make_offline` again after adding plugins that bring their own links.
    """
    folium_kwargs.setdefault("tiles", None)
    return make_offline(folium.Map(**folium_kwargs))


def remote_links(m: folium.Map) -> list[str]:
    """Every http(s) js/css link that the map would load (what streamlit-folium collects)."""
    links: list[str] = []
    for element in _walk(m):
        for _, url in list(getattr(element, "default_js", [])) + list(getattr(element, "default_css", [])):
            if _REMOTE.match(url):
                links.append(url)
    return links
