"""Event-file imports: ACLED (old and 2023 layouts), UCDP GED, generic CSV/GeoJSON, idempotence,
bad rows, the learned gazetteer tier and the linking of reports of one incident."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from conftest import shared_path

from conflictmap.errors import DataImportError
from conflictmap.store import Store
from loaders.event_import import UCDP_DATE_PREC, UCDP_WHERE_PREC, detect_format, import_events, parse_dates
from loaders.taxonomy import EVENT_TYPES, SUB_EVENT_TYPES

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _own_home(own_home):
    """The learned gazetteer tier goes to this test's own home, not the session's gazetteer."""
    return own_home


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "s.db") as s:
        yield s


def acled_sample() -> Path:
    return shared_path("data", "events", "acled_burkina_faso_sample200.csv")


def test_taxonomy_has_six_types_and_25_sub_types():
    assert len(EVENT_TYPES) == 6
    assert len(SUB_EVENT_TYPES) == 25


def test_parse_dates_layouts():
    got = parse_dates(pd.Series(["16-Feb-21", "2023-01-31", "3 March 2022", "2021-02-16 00:00:00.000", "x", ""]))
    assert got.tolist() == ["2021-02-16", "2023-01-31", "2022-03-03", "2021-02-16", None, None]


def test_acled_sample_imports_200_equal_to_the_file_and_again_adds_none(store):
    path = acled_sample()
    assert detect_format(path) == "acled"
    result = import_events(store, path, learn_places=False)
    assert (result.rows_read, result.added, result.bad) == (200, 200, 0)
    got = store.incidents().set_index("source_row_id")
    src = pd.read_csv(path).set_index("event_id_cnty")
    assert len(got) == 200
    got = got.loc[src.index]
    assert (got["event_type"].to_numpy() == src["event_type"].to_numpy()).all()
    assert (got["sub_event_type"].to_numpy() == src["sub_event_type"].to_numpy()).all()
    dates = pd.to_datetime(src["event_date"], format="%d-%b-%y").dt.strftime("%Y-%m-%d")
    assert (got["event_date"].to_numpy() == dates.to_numpy()).all()
    assert (got["fatalities"].astype(int).to_numpy() == src["fatalities"].to_numpy()).all()
    assert (got["lat"].to_numpy() == src["latitude"].to_numpy()).all()
    assert (got["lon"].to_numpy() == src["longitude"].to_numpy()).all()
    assert (got["geo_precision"].astype(int).to_numpy() == src["geo_precision"].to_numpy()).all()
    assert set(got["country"]) == {"BFA"}
    assert got["admin1"].notna().all()
    again = import_events(store, path, learn_places=False)
    assert (again.added, again.already) == (0, 200)
    assert store.counts()["incidents"] == 200


def _acled_2023(tmp_path: Path) -> Path:
    header = (
        "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
        "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
        "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
        "tags,timestamp"
    )
    rows = [
        "MLI1,2023-03-05,2023,1,Political violence,Battles,Armed clash,Military Forces of Mali (2021-),Wagner Group,1,"
        "JNIM: Group for Support of Islam and Muslims,,2,12,,466,Western Africa,Mali,Mopti,Djenne,Djenne,Djenne,"
        '13.9061,-4.5533,1,Test,National,"Invented row one,\nwith a line break.",4,,1700000000',
        "MLI2,2023-03-06,2023,1,Political violence,Picnic,Armed clash,A,,1,,,0,10,,466,Western Africa,Mali,Mopti,"
        "Djenne,Djenne,Djenne,13.9,-4.55,1,Test,National,bad type,0,,1700000000",
        "MLI3,2023-03-07,2023,1,Political violence,Violence against civilians,Attack,A,,1,Civilians (Mali),,7,17,"
        "Civilian targeting,466,Western Africa,Mali,Mopti,Djenne,Djenne,Djenne,13.9,-4.55,2,Test,National,ok,two,"
        "women targeted,1700000000",
        "MLI4,2023-03-08,2023,1,Demonstrations,Protests,Peaceful protest,Protesters (Mali),,6,,,0,60,,466,"
        "Western Africa,Mali,Bamako,Bamako,Bamako,Bamako,12.65,-8.0,1,Test,National,ok,0,crowd size=dozens,1700000000",
    ]
    path = tmp_path / "acled2023.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_acled_2023_layout_bad_rows_reported_with_line_numbers(store, tmp_path):
    path = _acled_2023(tmp_path)
    result = import_events(store, path, learn_places=False)
    assert result.added == 2 and result.bad == 2
    # the first record spans lines 2-3, so the bad ones are on lines 4 and 5
    assert any(p.startswith("line 4:") and "Picnic" in p for p in result.problems)
    assert any(p.startswith("line 5:") and "fatalities 'two'" in p for p in result.problems)
    got = store.incidents().set_index("source_row_id")
    assert got.loc["MLI1", "disorder_type"] == "Political violence"
    assert got.loc["MLI1", "assoc_actor1"] == "Wagner Group"
    assert got.loc["MLI1", "country"] == "MLI"
    assert got.loc["MLI4", "tags"] == "crowd size=dozens"
    # blank fields are missing values, not empty text (the importer sends them as "" for speed)
    assert pd.isna(got.loc["MLI1", "assoc_actor2"]) and pd.isna(got.loc["MLI1", "tags"])
    assert pd.isna(got.loc["MLI4", "actor2"]) and pd.isna(got.loc["MLI4", "civilian_targeting"])
    assert not got.isin([""]).any().any()


def test_ucdp_sample_precision_mapping_and_bad_rows(store):
    path = DATA / "ucdp_ged_sample.csv"
    assert detect_format(path) == "ucdp"
    result = import_events(store, path, learn_places=False)
    assert result.rows_read == 12 and result.added == 6 and result.bad == 6
    lines = sorted(int(p.split(":")[0].split()[1]) for p in result.problems)
    assert lines == [6, 7, 8, 9, 12, 14]  # row 9 spans two lines (a headline with a line break)
    got = store.incidents().set_index("source_row_id")
    raw = pd.read_csv(path, dtype=str).set_index("id")
    for rid, row in got.iterrows():
        assert row["geo_precision"] == UCDP_WHERE_PREC[int(raw.loc[rid, "where_prec"])]
        assert row["time_precision"] == UCDP_DATE_PREC[int(raw.loc[rid, "date_prec"])]
    assert got.loc["900001", ["geo_precision", "time_precision"]].tolist() == [1, 1]
    assert got.loc["900002", ["geo_precision", "time_precision"]].tolist() == [3, 3]  # adm1, month
    assert got.loc["900003", ["geo_precision", "time_precision"]].tolist() == [2, 2]  # 25 km, 2-6 days
    assert got.loc["900009", ["geo_precision", "time_precision"]].tolist() == [2, 2]  # adm2, week
    assert got.loc["900004", ["geo_precision", "time_precision"]].tolist() == [3, 3]  # country, year
    first = got.loc["900001"]
    assert first["event_type"] == "Violence against civilians"
    assert (first["fatalities"], first["fatalities_low"], first["fatalities_high"]) == (5, 5, 7)
    assert got.loc["900002", "event_type"] == "Battles"
    assert pd.isna(got.loc["900002", "admin2"])  # a region's centroid: the district is not known
    assert pd.isna(got.loc["900004", "admin1"])
    assert got.loc["900002", "event_date_end"] == "2021-07-28"
    assert import_events(store, path, learn_places=False).added == 0


def test_generic_csv_with_mapping_and_geojson(store, tmp_path):
    csv_path = tmp_path / "mine.csv"
    csv_path.write_text(
        "ref,when,what,y,x,dead,place\n"
        "a1,2022-05-01,Battles,12.37,-1.52,3,Ouagadougou\n"
        "a2,2022-05-02,Air/drone strike,14.1,-1.63,,Djibo\n"
        "a3,someday,Riots,14.1,-1.63,1,Djibo\n",
        encoding="utf-8",
    )
    with pytest.raises(DataImportError):
        import_events(store, csv_path, format="generic")  # no mapping: date/lat/lon unknown
    mapping = {
        "ref": "row_id",
        "when": "event_date",
        "what": "event_type",
        "y": "lat",
        "x": "lon",
        "dead": "fatalities",
        "place": "location",
    }
    result = import_events(store, csv_path, mapping=mapping, learn_places=False)
    assert (result.added, result.bad) == (2, 1)
    got = store.incidents().set_index("source_row_id")
    assert got.loc["a2", "event_type"] == "Explosions/Remote violence"  # from the sub-type
    assert got.loc["a1", "fatalities"] == 3
    gj = tmp_path / "events.geojson"
    gj.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [2.1, 13.5]},
                        "properties": {"id": "n1", "date": "2022-06-01", "event_type": "Protests", "fatalities": 0},
                    }
                ],
            }
        )
    )
    result = import_events(store, gj, learn_places=False)
    assert result.added == 1
    assert store.incidents().set_index("source_row_id").loc["n1", "country"] == "NER"


def test_learned_gazetteer_tier(store, tmp_path):
    from geodata.gazetteer import _user_frame
    from loaders.learned_places import tier_path

    import_events(store, acled_sample())
    tier = pd.read_parquet(tier_path())
    assert len(tier) > 50
    seme = tier[tier["name"] == "Seme"].iloc[0]
    assert (seme["lat"], seme["lon"], seme["cc"]) == (13.5261, -2.9522, "BF")
    rows = _user_frame(tier_path())  # the gazetteer reads it like any user tier
    assert set(rows["tier"]) == {"user:imported-events"}
    assert rows.loc[rows["name"] == "Seme", "admin1"].iloc[0] == "Boucle du Mouhoun"


def test_reports_of_one_incident_are_linked_and_can_be_split(store, tmp_path):
    a = tmp_path / "a.csv"
    b = tmp_path / "b.csv"
    a.write_text(
        "id,date,type,lat,lon,location\n"
        "1,2022-05-01,Battles,14.1000,-1.6300,Djibo\n"
        "2,2022-05-01,Battles,12.3700,-1.5200,Ouagadougou\n",
        encoding="utf-8",
    )
    b.write_text(
        "id,date,type,lat,lon,location\n"
        "x,2022-05-02,Battles,14.1500,-1.6000,Djibo town\n"  # ~6 km, next day: same incident
        "y,2022-05-01,Protests,12.3700,-1.5200,Ouagadougou\n"  # other type: not linked
        "z,2022-05-05,Battles,14.1000,-1.6300,Djibo\n",
        encoding="utf-8",
    )  # 4 days later: not linked
    import_events(store, a, learn_places=False)
    result = import_events(store, b, learn_places=False)
    assert result.linked == 2
    df = store.incidents().set_index("source_key")
    assert df.loc["a:1", "group_id"] == df.loc["b:x", "group_id"]
    assert df.loc["b:y", "group_id"] != df.loc["a:2", "group_id"]
    assert df.loc["b:z", "group_id"] != df.loc["a:1", "group_id"]
    x = int(df.loc["b:x", "id"])
    assert store.split_incident(x) == [int(df.loc["a:1", "id"])]
    from loaders.incident_links import link_new

    link_new(store, since_id=0)  # linking again respects the analyst's split
    df = store.incidents().set_index("source_key")
    assert df.loc["a:1", "group_id"] != df.loc["b:x", "group_id"]


def test_cli_import(tmp_path, capsys):
    from conflictmap.cli import main

    db = tmp_path / "c.db"
    assert main(["--db", str(db), "import", str(DATA / "ucdp_ged_sample.csv"), "--format", "ucdp"]) == 0
    out = capsys.readouterr().out
    assert "6 incidents added" in out and "6 bad rows skipped" in out and "line 7: where_prec" in out
    assert main(["--db", str(db), "import", str(DATA / "ucdp_ged_sample.csv")]) == 0
    assert "0 incidents added" in capsys.readouterr().out
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["--db", str(db), "import", str(bad), "--map", "a=nonsense"]) == 1


def test_learned_places_win_in_the_geoparser(store, tmp_path):
    """Villages taught by an imported file are where later articles put them: one the bundled
    gazetteer lacks, one named like a bundled town in another country, and one ~2 km from the
    bundled point of the same village (the analyst's point wins)."""
    from loaders.geoparse import geoparse
    from loaders.learned_places import tier_path

    path = tmp_path / "own_acled.csv"
    path.write_text(
        "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,country,admin1,location,"
        "latitude,longitude,geo_precision,notes,fatalities\n"
        "OWN1,2023-03-01,1,Violence against civilians,Attack,Unidentified Armed Group (Burkina Faso),Burkina Faso,"
        "Nord,Koumbri,13.7012,-2.0534,1,Own test row.,2\n"
        "OWN2,2023-03-02,1,Battles,Armed clash,JNIM,Burkina Faso,Centre-Nord,Tassara,13.1046,-1.0987,1,Own test row.,4\n"
        "OWN3,2023-03-03,1,Battles,Armed clash,JNIM,Burkina Faso,Centre-Ouest,Sam,12.0950,-2.0100,1,Own test row.,1\n",
        encoding="utf-8",
    )
    result = import_events(store, path)
    assert result.added == 3 and result.places_learned == 3
    tier = pd.read_parquet(tier_path()).set_index("name")
    assert tier.loc["Sam", "population"] == 1255 + 1  # the bundled Sam's, ~2 km away: same village
    assert pd.isna(tier.loc["Tassara", "population"])  # the bundled Tassara is in Niger: not this one

    def point(text: str, name: str) -> tuple[float, float]:
        found = [m for m in geoparse(text) if m.text == name]
        assert found, f"{name} not found in {text!r}"
        return found[0].lat, found[0].lon

    assert point("Gunmen killed two civilians in an attack in Koumbri, in northern Burkina Faso.", "Koumbri") == (
        13.7012,
        -2.0534,
    )
    assert point("JNIM fighters clashed with the army in Tassara, Burkina Faso, on Thursday.", "Tassara") == (
        13.1046,
        -1.0987,
    )
    assert point("Soldiers repelled an attack in Sam, Burkina Faso, on Friday.", "Sam") == (12.095, -2.01)


def test_the_session_gazetteer_never_holds_a_test_s_learned_places(gazetteer_index, session_home, monkeypatch):
    """The test above geoparsed with the places its import taught, in its own home. Back in the
    session's home, the gazetteer the process serves must not be that one: a batch test comparing
    this process's geoparser with fresh Dask workers' saw other user_countries and other places
    (test_batch.py::test_local_cluster_two_workers_gives_the_serial_store after this file)."""
    from geodata.gazetteer import load_gazetteer

    monkeypatch.setenv("CONFLICTMAP_HOME", str(session_home))
    tiers = set(load_gazetteer().entries["tier"])
    assert "user:imported-events" not in tiers
    assert load_gazetteer().user_countries == gazetteer_index.user_countries


def _incident_indexes(store: Store) -> set[str]:
    return {
        r[0]
        for r in store._conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'incidents'")
    }


def test_an_import_that_fails_half_way_leaves_the_store_as_it_was(store):
    """A large file (next to the store) is imported in one transaction with the indexes rebuilt at
    the end: stopped half-way, nothing of it is kept and the dashboard's indexes are all there."""
    indexes = _incident_indexes(store)
    assert {"incidents_facts", "incidents_places", "incidents_source_key"} <= indexes

    def stop(result):
        raise KeyboardInterrupt  # the analyst pressed Ctrl-C after the first chunk was written

    with pytest.raises(KeyboardInterrupt):
        import_events(store, acled_sample(), learn_places=False, progress=stop)
    assert store.counts()["incidents"] == 0
    assert _incident_indexes(store) == indexes
    assert import_events(store, acled_sample(), learn_places=False).added == 200
    assert _incident_indexes(store) == indexes


def test_a_small_file_into_a_larger_store_keeps_each_chunk_written(store, tmp_path):
    """A file small next to the store is written a chunk per transaction, indexes kept up to date:
    a chunk written before the import stopped stays."""
    import_events(store, acled_sample(), learn_places=False)
    indexes = _incident_indexes(store)

    def stop(result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_events(store, _acled_2023(tmp_path), learn_places=False, progress=stop)
    assert store.counts()["incidents"] == 202
    assert _incident_indexes(store) == indexes
    assert import_events(store, _acled_2023(tmp_path), learn_places=False).added == 0


def test_rows_with_the_wrong_number_of_fields_are_reported_on_their_lines(store, tmp_path):
    """A short row and a long row among records spanning several lines: each problem names the
    file line the analyst sees in an editor, and the good rows keep their own lines."""
    path = tmp_path / "events.csv"
    path.write_text(
        "event_date,event_type,latitude,longitude,location\n"
        '2024-03-01,Battles,14.1,-1.6,"Djibo,\nnorth gate"\n'  # lines 2-3
        "2024-03-02,Battles,14.0\n"  # line 4: 3 fields
        '2024-03-03,Protests,12.4,-1.5,"Ouagadougou\n\ncentre"\n'  # lines 5-7
        "2024-03-04,Riots,12.4,-1.5,Ouagadougou,extra\n"  # line 8: 6 fields
        "2024-03-05,Battles,13.1,-1.1,Kaya\n",  # line 9
        encoding="utf-8",
    )
    result = import_events(store, path, format="generic", learn_places=False)
    assert result.problems == ["line 4: 3 fields, the header has 5", "line 8: 6 fields, the header has 5"]
    assert (result.rows_read, result.added, result.bad) == (5, 3, 2)
    assert sorted(store.incidents()["location"]) == ["Djibo,\nnorth gate", "Kaya", "Ouagadougou\n\ncentre"]


def test_a_file_read_in_a_child_process_gives_the_same_store(store, tmp_path):
    """Large files are read and checked in a child process while this one writes: same incidents,
    same bad rows on the same lines, and a second import adds nothing."""
    with Store(tmp_path / "in_process.db") as serial:
        import_events(serial, acled_sample(), learn_places=False, reader_process=False)
        ucdp_serial = import_events(serial, DATA / "ucdp_ged_sample.csv", learn_places=False, reader_process=False)
        expected = serial.incidents().drop(columns=["created_at"])
    result = import_events(store, acled_sample(), learn_places=False, reader_process=True)
    assert (result.rows_read, result.added, result.bad) == (200, 200, 0)
    ucdp = import_events(store, DATA / "ucdp_ged_sample.csv", learn_places=False, reader_process=True)
    assert (ucdp.rows_read, ucdp.added, ucdp.bad) == (12, 6, 6)
    assert ucdp.problems == ucdp_serial.problems
    pd.testing.assert_frame_equal(store.incidents().drop(columns=["created_at"]), expected)
    again = import_events(store, acled_sample(), learn_places=False, reader_process=True)
    assert (again.added, again.already) == (0, 200)


def test_a_file_of_several_chunks_read_in_a_child_process_counts_every_row(store, tmp_path):
    """Several chunks (the sample 60 times over, one bad date per copy): the child reports each row
    read and each bad row once, on its line, as the in-process import does."""
    import csv

    with open(acled_sample(), encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    rid, day = header.index("event_id_cnty"), header.index("event_date")
    path = tmp_path / "many.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        for k in range(60):
            for i, row in enumerate(rows):
                out.writerow(
                    [
                        f"{v}-{k}" if j == rid else "not a date" if (j == day and i == k) else v
                        for j, v in enumerate(row)
                    ]
                )
    with Store(tmp_path / "in_process.db") as serial:
        expected = import_events(serial, path, learn_places=False, reader_process=False, chunksize=5000)
    got = import_events(store, path, learn_places=False, reader_process=True, chunksize=5000)
    assert (got.rows_read, got.added, got.bad) == (expected.rows_read, expected.added, expected.bad)
    assert (got.rows_read, got.added, got.bad) == (12_000, 11_940, 60)
    assert got.problems == expected.problems
    assert all("'not a date' is not a date" in p for p in got.problems)


def test_summaries_blank_multiline_or_holding_a_nul_arrive_unchanged_from_a_child_process(store, tmp_path):
    """The child sends columns whose values all differ (summary, row id) as one joined string:
    a blank summary stays missing (as in process), a line break and a NUL inside one stay in it."""
    import csv

    with open(acled_sample(), encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    notes = header.index("notes")
    odd = {0: "", 1: "Two armed men\x00 on a motorbike", 2: "First line\nsecond line"}
    for i, text in odd.items():
        rows[i][notes] = text
    path = tmp_path / "notes.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    with Store(tmp_path / "in_process.db") as serial:
        import_events(serial, path, learn_places=False, reader_process=False)
        expected = serial.incidents().drop(columns=["created_at"])
    assert import_events(store, path, learn_places=False, reader_process=True).added == 200
    got = store.incidents().drop(columns=["created_at"])
    pd.testing.assert_frame_equal(got, expected)
    summaries = set(got["summary"].dropna())
    assert {odd[1], odd[2]} <= summaries and "" not in summaries
    assert got["summary"].isna().sum() == 1


def test_an_import_stopped_while_a_child_process_reads_leaves_the_store_as_it_was(store):
    indexes = _incident_indexes(store)

    def stop(result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_events(store, acled_sample(), learn_places=False, progress=stop, reader_process=True)
    assert store.counts()["incidents"] == 0
    assert _incident_indexes(store) == indexes
    assert import_events(store, acled_sample(), learn_places=False, reader_process=True).added == 200


def test_a_file_that_is_not_the_format_fails_clearly_from_the_child_process(store, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("when,what\n2024-01-01,x\n", encoding="utf-8")
    with pytest.raises(DataImportError, match="no column for"):
        import_events(store, path, format="generic", reader_process=True)


def test_the_learned_tier_is_written_only_once_the_import_is_committed(store, tmp_path):
    """The disk fills up while the indexes are built at the end of an import: nothing of it is
    kept, and neither are the places its rows would have taught the gazetteer."""
    from loaders.learned_places import tier_path

    with Store(tmp_path / "measure.db") as other:  # how many pages the imported store takes
        import_events(other, acled_sample(), learn_places=False)
        full = other._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {full - 2}")  # a disk full before the last pages
    with pytest.raises(sqlite3.OperationalError, match="full"):
        import_events(store, acled_sample())
    assert store.counts()["incidents"] == 0
    assert not tier_path().exists()
    store._conn.execute(f"PRAGMA max_page_count = {1 << 30}")
    result = import_events(store, acled_sample())
    assert result.added == 200 and result.places_learned > 50
    assert len(pd.read_parquet(tier_path())) == result.places_learned


@pytest.mark.parametrize("reader_process", [False, True])
def test_a_column_named_twice_is_refused_naming_it(store, tmp_path, reader_process):
    """Two columns of one name once answered ``AttributeError: 'DataFrame' object has no attribute 'str'``."""
    path = tmp_path / "twice.csv"
    path.write_text(
        "event_id_cnty,event_date,Event_Date,latitude,longitude,event_type,fatalities\n"
        "X1,2024-01-01,2024-01-02,12.0,-1.5,Battles,0\n",
        encoding="utf-8",
    )
    with pytest.raises(
        DataImportError, match=r"twice\.csv: line 1: the column name 'Event_Date' is used twice \(columns 2 and 3\)"
    ):
        import_events(store, path, learn_places=False, reader_process=reader_process)
    assert store.counts()["incidents"] == 0


def test_random_bytes_are_refused_in_one_line_without_a_traceback(store, tmp_path, capfd):
    """Binary data after a valid header once printed pyarrow's "Exception ignored … UnicodeDecodeError"
    traceback and echoed the bytes in the message."""
    import random

    path = tmp_path / "noise.csv"
    noise = random.Random(7).randbytes(50_000)
    path.write_bytes(b"event_id_cnty,event_date,latitude,longitude,event_type,fatalities\n" + noise)
    with pytest.raises(
        DataImportError, match=r"^noise\.csv: not a CSV file in UTF-8 text \(byte \d+ is not\)"
    ) as caught:
        import_events(store, path, learn_places=False)
    assert str(caught.value).isprintable()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert store.counts()["incidents"] == 0
