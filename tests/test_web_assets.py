"""Leaflet is served from the installed xstatic packages: a folium map built for the dashboard
loads no http(s) URL, neither in its HTML nor in the links streamlit-folium hands its iframe."""

from __future__ import annotations

import re
from pathlib import Path

import folium
import pytest
from folium.plugins import MarkerCluster

from dashboard import web_assets

URL = re.compile(r"https?://", re.IGNORECASE)


def _capture_st_folium(monkeypatch: pytest.MonkeyPatch, m: folium.Map) -> dict:
    """Run streamlit-folium's st_folium with its component replaced: the kwargs it would send."""
    import streamlit_folium

    captured: dict = {}

    def fake_component(**kwargs):
        captured.update(kwargs)
        return kwargs.get("default")

    monkeypatch.setattr(streamlit_folium, "_component_func", fake_component)
    streamlit_folium.st_folium(
        m, key="map", height=300, use_container_width=True, returned_objects=["last_object_clicked_popup"]
    )
    return captured


def _local_file(link: str) -> Path:
    """Where the component route serves a relative link from."""
    assert link.startswith("../"), link
    component, _, rel = link[3:].partition("/")
    roots = {
        web_assets.LEAFLET_COMPONENT: web_assets.LEAFLET_DIR,
        web_assets.MARKERCLUSTER_COMPONENT: web_assets.MARKERCLUSTER_DIR,
    }
    assert component in roots, link
    return Path(roots[component]) / rel


def test_offline_map_has_no_remote_links() -> None:
    m = web_assets.offline_map(location=[14, 0], zoom_start=5)
    assert web_assets.remote_links(m) == []
    html = m.get_root().render()
    assert not URL.search(html), URL.search(html)
    assert "../dashboard.web_assets.leaflet/leaflet.js" in html
    assert "../dashboard.web_assets.leaflet/leaflet.css" in html


def test_st_folium_links_are_local_and_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    m = web_assets.offline_map(location=[14, 0], zoom_start=5)
    MarkerCluster(name="cluster").add_to(m)
    folium.CircleMarker([14, -1], radius=5).add_to(m)
    folium.LayerControl().add_to(m)
    web_assets.make_offline(m)
    sent = _capture_st_folium(monkeypatch, m)
    links = sent["js_links"] + sent["css_links"]
    assert links, "no js/css links at all: Leaflet would not load"
    for link in links:
        assert not URL.search(link), link
        assert _local_file(link).is_file(), link
    assert any(link.endswith("/leaflet.js") for link in sent["js_links"])
    assert any(link.endswith("leaflet.markercluster.js") for link in sent["js_links"])
    # leaflet.js must load before the plugins that extend L
    assert sent["js_links"][0].endswith("/leaflet.js")
    for part in ("header", "html", "script"):
        assert not URL.search(sent[part] or ""), (part, URL.search(sent[part] or ""))


def test_make_offline_does_not_touch_folium_classes() -> None:
    before = list(folium.Map.default_js)
    m = web_assets.make_offline(folium.Map(tiles=None))
    assert folium.Map.default_js == before
    assert any(URL.search(url) for _, url in folium.Map.default_js)  # folium's own CDN list untouched
    assert m.default_js == web_assets.LEAFLET_JS


def test_leaflet_images_are_shipped() -> None:
    assert (Path(web_assets.LEAFLET_DIR) / "leaflet.js").is_file()
    assert (Path(web_assets.LEAFLET_DIR) / "images" / "layers.png").is_file()
    assert web_assets.LEAFLET_COMPONENT == "dashboard.web_assets.leaflet"
