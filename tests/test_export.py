"""Exports: what the map shows (one feature per place per article) and RFC 7946 GeoJSON."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LinearRing, MultiPolygon, Point, Polygon, shape

from conflictmap.exports import ExportError, export_bytes, to_geojson, write_export
from conflictmap.records import Article, Mention
from conflictmap.store import Store
from conflictmap.views import places_frame
from geodata.paths import data_dir

TEXT_A = "Le Mali et le Niger. Attaque à Gorgadji, au Mali. Un village, Kourbo-Nord, est cité."
TEXT_B = "Burkina Faso: Gorgadji again, in the Sahel region of Burkina Faso."


def mention(
    text: str,
    surface: str,
    name: str,
    kind: str,
    lat,
    lon,
    *,
    nth: int = 0,
    ref=None,
    conf: float = 0.9,
    country=None,
    admin1=None,
    gid=None,
) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Mention(
        start,
        start + len(surface),
        surface,
        name,
        kind,
        lat,
        lon,
        gid,
        country,
        admin1,
        conf if lat is not None else 0.0,
        text[max(0, start - 10) : start + 20],
        ref,
    )


def filled_store(path: Path) -> tuple[Store, str, str]:
    store = Store(path)
    a, _ = store.add_article(
        Article(text=TEXT_A, title="Attaque <b>à</b> Gorgadji", date="2023-09-16", url="https://example.org/a"),
        [
            mention(TEXT_A, "Mali", "Mali", "country", 17.57, -3.99, ref="country:MLI", conf=0.8, country="MLI"),
            mention(TEXT_A, "Niger", "Niger", "country", 17.6, 8.08, ref="country:NER", country="NER"),
            mention(
                TEXT_A, "Gorgadji", "Gorgadji", "place", 14.0333, -0.5167, country="BFA", admin1="Sahel", gid=2360000
            ),
            mention(
                TEXT_A, "Mali", "Mali", "country", 17.57, -3.99, nth=1, ref="country:MLI", conf=0.95, country="MLI"
            ),
            mention(TEXT_A, "Kourbo-Nord", "Kourbo-Nord", "place", None, None),
        ],
    )
    b, _ = store.add_article(
        Article(text=TEXT_B, title="Gorgadji again", date="2023-09-17"),
        [
            mention(TEXT_B, "Burkina Faso", "Burkina Faso", "country", 12.24, -1.56, ref="country:BFA", country="BFA"),
            mention(
                TEXT_B, "Gorgadji", "Gorgadji", "place", 14.0333, -0.5167, country="BFA", admin1="Sahel", gid=2360000
            ),
            mention(
                TEXT_B, "Burkina Faso", "Burkina Faso", "country", 12.24, -1.56, nth=1, ref="country:BFA", country="BFA"
            ),
        ],
    )
    return store, a, b


@pytest.fixture
def store(tmp_path: Path):
    store, a, b = filled_store(tmp_path / "store.db")
    store.ids = (a, b)
    yield store
    store.close()


# --------------------------------------------------------------------------- the view


def test_one_feature_per_place_per_article(store: Store) -> None:
    gdf = places_frame(store)
    a, b = store.ids
    keys = sorted(zip(gdf["article_id"], gdf["name"]))
    assert keys == sorted([(a, "Mali"), (a, "Niger"), (a, "Gorgadji"), (b, "Burkina Faso"), (b, "Gorgadji")])
    mali = gdf[(gdf["name"] == "Mali")].iloc[0]
    assert mali["mentions"] == 2 and mali["confidence"] == 0.95  # max of its mentions
    assert mali["article_title"] == "Attaque <b>à</b> Gorgadji"  # kept literal; the map escapes it
    assert mali["article_url"] == "https://example.org/a" and mali["article_date"] == "2023-09-16"
    gorgadji = gdf[(gdf["name"] == "Gorgadji") & (gdf["article_id"] == a)].iloc[0]
    assert gorgadji["geometry"].equals(Point(-0.5167, 14.0333))
    assert (gorgadji["country"], gorgadji["admin1"], gorgadji["geonameid"]) == ("BFA", "Sahel", 2360000)
    assert "Kourbo-Nord" not in set(gdf["name"])  # unresolved: reported at ingest, not mapped
    assert gdf.crs.to_epsg() == 4326


def test_filter_by_article(store: Store) -> None:
    gdf = places_frame(store, article_ids=[store.ids[1]])
    assert sorted(gdf["name"]) == ["Burkina Faso", "Gorgadji"]


def test_empty_store_exports_an_empty_collection(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.db") as store:
        gdf = places_frame(store)
    assert len(gdf) == 0
    assert json.loads(to_geojson(gdf)) == {"type": "FeatureCollection", "features": []}


# --------------------------------------------------------------------------- RFC 7946


def _cw_square_with_ccw_hole() -> Polygon:
    # Exterior clockwise and hole counter-clockwise: the opposite of what RFC 7946 wants.
    exterior = [(0.0, 14.0), (0.0, 15.0), (1.0, 15.0), (1.0, 14.0), (0.0, 14.0)]
    hole = [(0.2, 14.2), (0.8, 14.2), (0.8, 14.8), (0.2, 14.8), (0.2, 14.2)]
    poly = Polygon(exterior, [hole])
    assert not LinearRing(exterior).is_ccw and LinearRing(hole).is_ccw
    return poly


def _hand_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["square", "multi", "point"], "confidence": [0.5, float("nan"), 1.0]},
        geometry=[
            _cw_square_with_ccw_hole(),
            MultiPolygon([_cw_square_with_ccw_hole(), Polygon([(2, 2), (2, 3), (3, 3), (2, 2)])]),
            Point(-0.51666666666, 14.03333333333),
        ],
        crs="EPSG:4326",
    )


def _polygons(geom):
    return list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom] if isinstance(geom, Polygon) else []


def assert_rfc7946(text: str) -> dict:
    doc = json.loads(text)
    assert doc["type"] == "FeatureCollection" and isinstance(doc["features"], list)
    assert "crs" not in doc
    for feature in doc["features"]:
        assert feature["type"] == "Feature" and "crs" not in feature
        geom = shape(feature["geometry"])
        for poly in _polygons(geom):
            assert poly.exterior.is_ccw, f"{feature['properties'].get('name')}: exterior ring not CCW"
            for hole in poly.interiors:
                assert not hole.is_ccw, f"{feature['properties'].get('name')}: hole not CW"

        def walk(coords):
            if isinstance(coords[0], (int, float)):
                lon, lat = coords[:2]
                assert -180 <= lon <= 180 and -90 <= lat <= 90
                for value in coords:
                    assert round(value, 6) == value
            else:
                for c in coords:
                    walk(c)

        walk(feature["geometry"]["coordinates"])
    return doc


def test_geojson_is_rfc7946() -> None:
    text = to_geojson(_hand_frame())
    doc = assert_rfc7946(text)
    point = doc["features"][2]["geometry"]["coordinates"]
    assert point == [-0.516667, 14.033333]  # lon, lat; six decimals
    assert doc["features"][1]["properties"]["confidence"] is None  # NaN is not valid JSON

    back = gpd.read_file(io.StringIO(text))
    assert len(back) == 3 and back.crs.to_epsg() == 4326
    assert back.geometry.iloc[0].equals_exact(_cw_square_with_ccw_hole().normalize(), 1e-6) or back.geometry.iloc[
        0
    ].normalize().equals_exact(_cw_square_with_ccw_hole().normalize(), 1e-6)


def test_projected_frame_is_written_in_lon_lat() -> None:
    gdf = _hand_frame().iloc[[2]].to_crs(3857)
    doc = json.loads(to_geojson(gdf))
    lon, lat = doc["features"][0]["geometry"]["coordinates"]
    assert lon == pytest.approx(-0.516667, abs=1e-6) and lat == pytest.approx(14.033333, abs=1e-6)


def test_store_export_is_rfc7946(store: Store) -> None:
    doc = assert_rfc7946(to_geojson(places_frame(store)))
    props = {f["properties"]["name"] for f in doc["features"]}
    assert {"Mali", "Niger", "Gorgadji", "Burkina Faso"} == props


def test_country_refs_become_polygons(store: Store) -> None:
    if not (data_dir() / "countries.parquet").exists():
        pytest.skip("geodata/data/countries.parquet not built yet (python -m geodata.build)")
    if importlib.util.find_spec("geodata.boundaries") is None:
        pytest.skip("geodata/boundaries.py not built yet")
    doc = assert_rfc7946(to_geojson(places_frame(store)))
    by_name = {f["properties"]["name"]: f for f in doc["features"]}
    burkina = shape(by_name["Burkina Faso"]["geometry"])
    assert burkina.geom_type in ("Polygon", "MultiPolygon")
    assert burkina.contains(Point(-1.53, 12.37))  # Ouagadougou
    assert shape(by_name["Mali"]["geometry"]).contains(Point(-8.0, 12.65))  # Bamako
    assert by_name["Gorgadji"]["geometry"]["type"] == "Point"


# --------------------------------------------------------------------------- files


def test_csv_has_lon_lat_and_wkt(store: Store, tmp_path: Path) -> None:
    path = write_export(places_frame(store), tmp_path / "places.csv")
    frame = pd.read_csv(path)
    row = frame[frame["name"] == "Gorgadji"].iloc[0]
    assert (row["lon"], row["lat"]) == (-0.5167, 14.0333)
    assert row["wkt"] == "POINT (-0.5167 14.0333)"


def test_gpkg_round_trip_with_points_and_polygons(tmp_path: Path) -> None:
    path = write_export(_hand_frame(), tmp_path / "places.gpkg")
    back = gpd.read_file(path)
    assert list(back["name"]) == ["square", "multi", "point"]
    assert back.crs.to_epsg() == 4326


def test_bad_format_leaves_existing_file_alone(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "places.geojson"
    write_export(places_frame(store), path)
    before = path.read_bytes()
    with pytest.raises(ExportError, match="unknown export format 'shp'"):
        write_export(places_frame(store), path, "shp")
    assert path.read_bytes() == before
    assert list(tmp_path.glob(".places.geojson.*")) == []  # no temp file left behind


def test_export_bytes_is_what_the_file_holds(store: Store, tmp_path: Path) -> None:
    gdf = places_frame(store)
    path = write_export(gdf, tmp_path / "x.geojson")
    assert path.read_bytes() == export_bytes(gdf, "geojson")


def test_exported_file_is_readable_by_colleagues(store: Store, tmp_path: Path) -> None:
    """Written through a private temporary file, the export still gets the permissions of an
    ordinary file (the process umask applies), not mkstemp's 0600."""
    import os

    mask = os.umask(0)
    os.umask(mask)
    path = write_export(places_frame(store), tmp_path / "shared.geojson")
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
