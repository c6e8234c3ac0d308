"""The bundled borders and zones as one JavaScript file the browser loads once and keeps.

Inline in the map, the simplified countries, admin-1 units and zones are about 2 MB of every
map the app sends: every change of a layer or a date would send them again. Here they are
written once per server (``basemap-<content hash>.js`` under ``geodata.paths.cache_dir()/web``)
and served by Streamlit's component file route, like Leaflet (:mod:`dashboard.web_assets`):
local, so the map stays offline, and cached by the browser (the name changes with the content).
The map then refers to ``window.cmBasemap[<name>]`` (:class:`BasemapData`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from folium.elements import JSCSSMixin
from folium.template import Template

from dashboard.basemap import StaticLayers
from dashboard.leaflet_elements import GeoJsonData, SafeMacroElement, js_literal

#: Streamlit serves the folder at ``<base>/component/dashboard.basemap_assets.files/<file>``.
COMPONENT = f"{__name__}.files"
BASE = f"../{COMPONENT}/"  # relative to the streamlit-folium iframe, as web_assets' links


def asset_dir() -> Path:
    """The folder of the basemap files (``geodata.paths.cache_dir()/web``), made when missing."""
    from geodata.paths import cache_dir

    path = cache_dir() / "web"
    path.mkdir(parents=True, exist_ok=True)
    return path


def basemap_script(static: StaticLayers) -> str:
    """The file's text: ``window.cmBasemap = {countries, admin1, <area id>…}`` (FeatureCollections)."""
    layers: dict[str, Any] = {"countries": static.countries, "admin1": static.admin1, **static.areas}
    data = {name: {"type": "FeatureCollection", "features": features} for name, features in layers.items()}
    return f"window.cmBasemap = {js_literal(data)};\n"


def publish(static: StaticLayers) -> str:
    """Write the basemap file (once per content), register the folder with Streamlit and return the
    file's URL for :func:`dashboard.mapview.build_map` (``basemap_js``). Call it from the running app."""
    import streamlit.components.v1 as components

    text = basemap_script(static)
    name = f"basemap-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}.js"
    folder = asset_dir()
    target = folder / name
    if not target.exists():
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, target)  # atomic: a second server never reads half a file
    components.declare_component("files", path=str(folder))  # idempotent; must run in a script run
    return BASE + name


class BasemapScript(JSCSSMixin, SafeMacroElement):
    """Loads the basemap file before the map's script runs (streamlit-folium loads ``default_js``)."""

    _template = Template("{% macro script(this, kwargs) %}{% endmacro %}")

    def __init__(self, url: str) -> None:
        super().__init__()
        self._name = "BasemapScript"
        self.default_js = [("cm-basemap", url)]
        self.default_css = []


class BasemapData(GeoJsonData):
    """A :class:`GeoJsonData` layer drawn from ``window.cmBasemap[name]`` instead of inline data."""

    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__([], **kwargs)
        self.data_js = (
            f'(window.cmBasemap || {{}})[{js_literal(name)}] || {{"type": "FeatureCollection", "features": []}}'
        )


__all__ = ["BASE", "COMPONENT", "BasemapData", "BasemapScript", "asset_dir", "basemap_script", "publish"]
