"""Boundary layers and point look-ups, as the map and the geoparser use them."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pytest
from conftest import shared_path

from conflictmap.caches import reset_caches
from geodata import boundaries, userdata


def test_layers_have_the_documented_columns():
    assert list(boundaries.countries().columns) == ["iso3", "iso2", "iso_num", "name", "name_fr", "geometry"]
    assert list(boundaries.admin1().columns)[:7] == boundaries.ADMIN1_COLUMNS
    assert {"id", "name", "aliases", "description", "geometry"} <= set(boundaries.areas().columns)


def test_countries_carry_iso_codes_and_french_names():
    row = boundaries.countries().set_index("iso3").loc["CIV"]
    assert (row["iso2"], row["iso_num"], row["name_fr"]) == ("CI", "384", "Côte d'Ivoire")
    assert boundaries.countries()["iso3"].is_unique


def test_burkina_faso_has_the_13_regions_of_2001():
    bfa = boundaries.admin1().query("country == 'BFA' and source == 'bundled'")
    assert len(bfa) == 13 and bfa["code"].str.match(r"BF-\d\d").all()
    assert "2025" in bfa["reform"].iloc[0]


def test_sahel_countries_are_all_there():
    present = set(boundaries.admin1()["country"])
    assert {"SOM", "ETH", "NGA", "TCD", "MRT", "MLI", "NER", "BFA"} <= present
    assert len(boundaries.admin1().query("country == 'MLI'")) == 9  # 8 regions + Bamako, pre-2016


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (-0.520, 14.033, ("BFA", "Sahel")),  # Gorgadji
        (2.11, 13.51, ("NER", "Niamey")),
        (-1.52, 12.37, ("BFA", "Centre")),  # Ouagadougou
        (-7.99, 12.64, ("MLI", "Bamako")),
        (2.35, 48.85, ("FRA", None)),  # outside the admin-1 coverage
        (-30.0, 0.0, (None, None)),  # Atlantic
    ],
)
def test_locate(lon, lat, expected):
    assert boundaries.locate(lon, lat) == expected


def test_a_point_just_off_the_coast_takes_the_nearest_unit():
    assert boundaries.locate(-17.52, 14.70) == ("SEN", "Dakar")  # ~3 km off the Natural Earth coast
    assert boundaries.locate(-17.65, 14.70) == (None, None)  # ~13 km out


def test_locate_many_handles_bad_coordinates():
    frame = boundaries.locate_many([-0.52, math.nan, None, "x", 500.0, 2.11], [14.033, 1, 2, 3, 4, 13.51])
    assert list(frame.columns) == ["country", "admin1"]
    assert frame.iloc[0].tolist() == ["BFA", "Sahel"] and frame.iloc[5].tolist() == ["NER", "Niamey"]
    assert all(v is None for v in frame.iloc[1:5].to_numpy().ravel())


def test_geometry_for_references():
    assert boundaries.geometry_for("country:BFA").contains(boundaries.geometry_for("admin1:BF-12").centroid)
    assert boundaries.geometry_for("area:liptako-gourma") is not None
    assert boundaries.geometry_for("admin2:BF-SEN") is not None
    assert boundaries.geometry_for("area:atlantis") is None and boundaries.geometry_for("nonsense") is None


def test_dissolved_regions_match_geoboundaries():
    reference = gpd.read_file(shared_path("data", "geoboundaries", "geoBoundaries-BFA-ADM1.geojson"))
    ours = boundaries.admin1().query("country == 'BFA' and source == 'bundled'").set_index("code")
    for code, theirs in zip(reference["shapeISO"], reference.geometry):
        mine = ours.loc[code, "geometry"]
        iou = mine.intersection(theirs).area / mine.union(theirs).area
        assert iou >= 0.8, f"{code}: IoU {iou:.2f}"


@pytest.fixture
def user_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_HOME", str(tmp_path))
    reset_caches()
    yield tmp_path
    reset_caches()


def test_added_communes_do_not_shadow_regions(user_home):
    result = userdata.add_boundaries(shared_path("data", "geoboundaries", "geoBoundaries-BFA-ADM3.geojson"))
    assert result.level == 3 and result.countries == ["BFA"] and result.features > 300
    assert result.path.parent == user_home / "data" / "boundaries"
    assert boundaries.locate(-0.520, 14.033) == ("BFA", "Sahel")
    assert (boundaries.admin1()["source"] == "bundled").all()
    communes = boundaries.user_layers()
    assert "Gorgadji" in set(communes["name"]) and (communes["level"] == 3).all()


def test_added_regions_join_admin1(user_home):
    result = userdata.add_boundaries(shared_path("data", "geoboundaries", "geoBoundaries-BFA-ADM1.geojson"))
    assert result.level == 1 and result.columns["code"] == "shapeISO"
    users = boundaries.admin1().query("source != 'bundled'")
    assert len(users) == 13 and set(users["country"]) == {"BFA"}
    assert boundaries.locate(-0.520, 14.033) == ("BFA", "Sahel")


def test_unreadable_file_is_a_clear_error(user_home, tmp_path):
    bad = tmp_path / "notes.geojson"
    bad.write_text("this is not geojson")
    with pytest.raises(userdata.UnreadableBoundaryFile, match="could not be read"):
        userdata.add_boundaries(bad)


def test_points_only_file_is_refused(user_home, tmp_path):
    points = tmp_path / "towns.geojson"
    points.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Dori"},
                        "geometry": {"type": "Point", "coordinates": [-0.03, 14.03]},
                    }
                ],
            }
        )
    )
    with pytest.raises(userdata.NoPolygonsError, match="no polygon"):
        userdata.add_boundaries(points)


def _square_frame(x0: float, y0: float, size: float) -> gpd.GeoDataFrame:
    from shapely.geometry import box

    return gpd.GeoDataFrame({"name": ["Zone"]}, geometry=[box(x0, y0, x0 + size, y0 + size)])


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_missing_crs_is_assumed_lonlat_only_when_it_fits(user_home, tmp_path):
    lonlat = tmp_path / "zone_adm1.shp"
    _square_frame(-1, 13, 0.5).to_file(lonlat)
    result = userdata.add_boundaries(lonlat)
    assert any("EPSG:4326" in note for note in result.notes)
    projected = tmp_path / "metres.shp"
    _square_frame(500_000, 1_500_000, 10_000).to_file(projected)
    with pytest.raises(userdata.MissingCRSError, match="coordinate system"):
        userdata.add_boundaries(projected)
