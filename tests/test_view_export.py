"""Exports of a view (issue 6): every layer and format read back with geopandas/pyogrio and compared
with the store; RFC 7946; file names with the date range; the map's extent; provenance; escaping."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from conftest import shared_path
from test_export import assert_rfc7946

from conflictmap import views
from conflictmap.exports import ExportError, export_filename, export_view_bytes, view_layers
from conflictmap.store import Store, corrections
from conflictmap.views import ViewFilter
from geodata.alliances import ALLIANCES, members_on
from loaders.event_import import import_events
from loaders.ingest import ingest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
FORMATS = ("geojson", "csv", "gpkg", "kml")
TITLE = 'Ambush near Djibo <script>alert("x")</script> & "more", says army'
URL = "https://example.org/news?id=1&lang=en"
TEXT = (
    "On 3 March 2023, JNIM militants killed a dozen soldiers in an ambush near Djibo, in the Sahel region "
    "of Burkina Faso.\nResidents fled to Dori, officials said.\n"
)
TRICKY = 'Ambush, "heavy" losses;\nsecond line, with <b>tags</b> & more'
FIXED = (14.5, -1.0)  # where the analyst moved a UCDP incident (lat, lon)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, gazetteer_index) -> dict:
    """A real store: UCDP sample rows, a generic event file (a summary with commas, quotes and a
    newline), one corrected incident, and an article ingested with the real geoparser."""
    folder = tmp_path_factory.mktemp("view-export")
    events = folder / "field_reports.csv"
    with events.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "date", "type", "lat", "lon", "location", "notes"])
        writer.writerow(["q1", "2023-03-03", "Battles", "14.12", "-1.61", "Djibo", TRICKY])
        writer.writerow(["q2", "2024-02-10", "Riots", "12.37", "-1.53", "Ouagadougou", "market riot"])
    store = Store(folder / "store.db")
    import_events(store, DATA / "ucdp_ged_sample.csv", learn_places=False)
    import_events(store, events, learn_places=False)
    result = ingest(store, TEXT.encode(), filename="ambush.txt", title=TITLE, date="2023-03-04", url=URL)
    ucdp = store.incidents()
    corrected = int(ucdp.loc[ucdp["source_dataset"] == "ucdp-ged", "id"].iloc[0])
    corrections.correct_incident(store, corrected, lat=FIXED[0], lon=FIXED[1], note="moved by the analyst")
    yield {"store": store, "folder": folder, "article": result.article_id, "corrected": corrected}
    store.close()


def read_back(data: bytes, fmt: str, folder: Path) -> dict[str, pd.DataFrame]:
    """The file as another tool reads it: its layers by name (CSV and GeoJSON split on ``layer``)."""
    path = folder / f"read-back.{fmt}"
    path.write_bytes(data)
    if fmt == "csv":
        frame = pd.read_csv(path)
        return {name: part.reset_index(drop=True) for name, part in frame.groupby("layer")}
    if fmt == "geojson":
        frame = gpd.read_file(path)
        return {name: part.reset_index(drop=True) for name, part in frame.groupby("layer")}
    return {name: gpd.read_file(path, layer=name) for name in pyogrio.list_layers(path)[:, 0]}


def xy(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    if "geometry" in frame and isinstance(frame, gpd.GeoDataFrame):
        return frame.geometry.x, frame.geometry.y
    return frame["lon"], frame["lat"]


# --------------------------------------------------------------------------- the layers


def test_layers_are_what_the_map_shows(world: dict) -> None:
    store, view = world["store"], ViewFilter()
    layers = view_layers(store, view)
    assert list(layers) == ["incidents", "places", "alliances", "areas"]
    assert len(layers["incidents"]) == views.count(store, view)  # one row per linked incident
    assert sorted(layers["places"]["name"]) == sorted(views.places_frame(store, view)["name"])
    members = members_on(view.day())
    assert len(layers["alliances"]) == sum(len(m) for m in members.values())
    assert list(layers["areas"]["area_id"]) == ["liptako-gourma"]  # the Sahel band is off by default
    assert all(gdf.crs.to_epsg() == 4326 for gdf in layers.values())


def test_layers_switched_off_on_the_map_are_exported_empty(world: dict) -> None:
    layers = view_layers(world["store"], ViewFilter(layers=("place_areas", "sahel")))
    assert len(layers["incidents"]) == len(layers["alliances"]) == 0
    assert set(layers["places"].geometry.geom_type) <= {"Polygon", "MultiPolygon"} and len(layers["places"])
    assert list(layers["areas"]["area_id"]) == ["sahel"]
    points = view_layers(world["store"], ViewFilter(layers=("places",)))["places"]
    assert set(points.geometry.geom_type) == {"Point"} and {"Djibo", "Dori"} <= set(points["name"])


def test_the_map_extent_clips_every_layer(world: dict) -> None:
    store = world["store"]
    bbox = (-1.8, 13.8, -1.2, 14.4)  # around Djibo, well inside Burkina Faso
    layers = view_layers(store, ViewFilter(bbox=bbox))
    frame = views.incidents_frame(store, ViewFilter())
    inside = frame[frame["lon"].between(bbox[0], bbox[2]) & frame["lat"].between(bbox[1], bbox[3])]
    assert sorted(layers["incidents"]["incident_id"]) == sorted(inside["id"]) and len(inside)
    assert not set(layers["incidents"]["incident_id"]) & {world["corrected"]}  # moved out of the extent
    places = layers["places"]
    assert "Djibo" in set(places["name"]) and "Dori" not in set(places["name"])  # Dori is east of it
    assert "Burkina Faso" in set(places["name"])  # its polygon covers the extent
    assert set(layers["alliances"]["country"]) == {"BFA"}  # neighbours' polygons are off screen
    assert list(layers["areas"]["area_id"]) == ["liptako-gourma"]


# --------------------------------------------------------------------------- every format


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_back_equal_to_the_store(world: dict, fmt: str) -> None:
    store, view = world["store"], ViewFilter()
    got = read_back(export_view_bytes(store, view, fmt), fmt, world["folder"])
    if fmt in ("gpkg", "kml"):
        assert list(got)[:4] == ["incidents", "places", "alliances", "areas"]
    expected = views.incidents_frame(store, view).set_index("id")
    incidents = got["incidents"]
    ids = pd.to_numeric(incidents["incident_id"]).astype(int)
    assert sorted(ids) == sorted(expected.index)
    lon, lat = xy(incidents)
    for i, x, y in zip(ids, lon, lat):
        assert (x, y) == pytest.approx((expected.at[i, "lon"], expected.at[i, "lat"]), abs=1e-6)
    fixed = ids.tolist().index(world["corrected"])  # the analyst's correction, not the dataset's point
    assert (lat.iloc[fixed], lon.iloc[fixed]) == pytest.approx(FIXED, abs=1e-6)
    assert len(got["places"]) == len(views.places_frame(store, view))
    assert len(got["alliances"]) == sum(len(m) for m in members_on(view.day()).values())
    assert len(got["areas"]) == 1


def test_geojson_is_rfc7946_with_layers_and_attribution(world: dict) -> None:
    doc = assert_rfc7946(export_view_bytes(world["store"], ViewFilter(), "geojson").decode("utf-8"))
    layers = {f["properties"]["layer"] for f in doc["features"]}
    assert layers == {"incidents", "places", "alliances", "areas"}
    assert "Natural Earth" in doc["attribution"] and "GeoNames" in doc["attribution"]
    assert {"layer", "source", "licence"} <= set(doc["sources"][0])
    ucdp = next(s for s in doc["sources"] if s["source"] == "ucdp-ged")
    assert ucdp["licence"] == "CC BY 4.0" and ucdp["features"] == 6


def test_geopackage_has_every_layer_even_empty_and_its_provenance(world: dict) -> None:
    view = ViewFilter(layers=("incidents",))
    path = world["folder"] / export_filename(view, "gpkg")
    path.write_bytes(export_view_bytes(world["store"], view, "gpkg"))
    names = list(pyogrio.list_layers(path)[:, 0])
    assert names == ["incidents", "places", "alliances", "areas", "provenance"]
    for name in ("places", "alliances", "areas"):
        assert len(gpd.read_file(path, layer=name)) == 0
    provenance = pyogrio.read_dataframe(path, layer="provenance")
    assert set(provenance["source"]) == {"ucdp-ged", "field_reports"}  # only the layers in the file
    info = pyogrio.read_info(path, layer="incidents")
    assert "Made with conflictmap" in info["dataset_metadata"]["ATTRIBUTION"]
    assert json.loads(info["dataset_metadata"]["VIEW"])["layer"] == ["incidents"]


def test_file_names_carry_the_date_range() -> None:
    assert (
        export_filename(ViewFilter(start=date(2023, 9, 16), end=date(2024, 3, 31)), "gpkg")
        == "conflictmap-2023-09-16_2024-03-31.gpkg"
    )
    assert export_filename(ViewFilter(), "geojson") == "conflictmap-all-dates.geojson"
    assert export_filename(ViewFilter(start=date(2024, 1, 1)), "kml") == "conflictmap-from-2024-01-01.kml"
    assert export_filename(ViewFilter(period="2024-03"), "csv") == "conflictmap-2024-03-01_2024-03-31.csv"


# --------------------------------------------------------------------------- provenance and text


def test_each_feature_names_its_article_or_dataset_row(world: dict) -> None:
    layers = view_layers(world["store"], ViewFilter())
    incidents = layers["incidents"].set_index("incident_id")
    ucdp = incidents[incidents["dataset"] == "ucdp-ged"]
    assert set(ucdp["dataset_row"]) <= set(pd.read_csv(DATA / "ucdp_ged_sample.csv")["id"].astype(str))
    assert set(ucdp["dataset_file"]) == {"ucdp_ged_sample.csv"}
    # the article's ambush was linked with the field report q1: one incident, both sources named
    ambush = incidents[incidents["dataset_row"] == "q1"].iloc[0]
    assert ambush["reports"] == 2 and f"article:{world['article']}" in ambush["linked_sources"]
    for _, place in layers["places"].iterrows():
        assert (place["article_id"], place["article_title"], place["article_url"]) == (world["article"], TITLE, URL)
        assert place["sentence"] in TEXT
    sources = {(a.id, m.country): m.source for a in ALLIANCES for m in a.memberships}
    for _, row in layers["alliances"].iterrows():
        assert row["source_url"] == sources[(row["alliance"], row["country"])]


def test_acled_rows_carry_their_event_id_and_attribution(tmp_path: Path) -> None:
    sample = shared_path("data", "events", "acled_burkina_faso_sample200.csv")
    with Store(tmp_path / "acled.db") as store:
        import_events(store, sample, learn_places=False)
        data = export_view_bytes(store, ViewFilter(layers=("incidents",)), "csv")
    frame = pd.read_csv(io.BytesIO(data))
    assert sorted(frame["dataset_row"]) == sorted(pd.read_csv(sample)["event_id_cnty"])
    assert frame["attribution"].str.contains("Armed Conflict Location & Event Data Project").all()


def test_csv_round_trips_commas_quotes_and_newlines(world: dict) -> None:
    frame = pd.read_csv(io.BytesIO(export_view_bytes(world["store"], ViewFilter(), "csv")))
    assert TRICKY in set(frame["summary"])
    assert TITLE in set(frame["article_title"])
    assert frame["attribution"].notna().all()
    assert {"lat", "lon", "wkt", "layer"} <= set(frame.columns)


def test_kml_keeps_markup_in_titles_as_text(world: dict) -> None:
    data = export_view_bytes(world["store"], ViewFilter(), "kml")
    assert b"<script" not in data and b"CDATA" not in data
    got = read_back(data, "kml", world["folder"])
    places = got["places"]
    assert set(places["article_title"]) == {TITLE}  # the same text, read back by GDAL
    assert all("&lt;script&gt;" in d and "<script" not in d for d in places["description"])
    assert TRICKY in set(got["incidents"]["summary"])


# --------------------------------------------------------------------------- errors and the command line


def test_unknown_format_and_bad_extent_are_clear_errors(world: dict) -> None:
    with pytest.raises(ExportError, match="unknown export format 'shp'; choose one of geojson, csv, gpkg, kml"):
        export_view_bytes(world["store"], ViewFilter(), "shp")
    with pytest.raises(ValueError, match="is not an extent"):
        ViewFilter.from_url("bbox=5,10,-5,20")
    with pytest.raises(ValueError, match="unknown parameter 'frm'"):
        ViewFilter.from_url("http://localhost:8501/?frm=2024-01-01")


def test_the_command_line_offers_every_format() -> None:
    from conflictmap.cli import EXPORT_FORMATS
    from conflictmap.exports import FORMATS

    assert EXPORT_FORMATS == FORMATS


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conflictmap.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_cli_exports_a_copied_dashboard_view(world: dict, tmp_path: Path) -> None:
    url = (
        "http://localhost:8501/?from=2021-01-01&to=2023-12-31&type=Battles&layer=incidents&layer=places&bbox=-2,13,0,15"
    )
    db = str(world["folder"] / "store.db")
    proc = run_cli("--db", db, "export", "--view", url, "--format", "geojson", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "conflictmap-2021-01-01_2023-12-31.geojson"
    view = ViewFilter.from_query_params(parse_qs(urlsplit(url).query))
    assert out.read_bytes() == export_view_bytes(world["store"], view, "geojson")  # = the download button
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {f["properties"]["layer"] for f in doc["features"]} == {"incidents", "places"}
    incidents = [f["properties"] for f in doc["features"] if f["properties"]["layer"] == "incidents"]
    assert incidents and all(p["event_type"] == "Battles" for p in incidents)


def test_cli_view_options_and_default_file_name(world: dict, tmp_path: Path) -> None:
    db = str(world["folder"] / "store.db")
    proc = run_cli(
        "--db",
        db,
        "export",
        "--from",
        "2023-01-01",
        "--to",
        "2024-12-31",
        "--bbox",
        "-5,10,2,16",
        "--layers",
        "incidents,areas",
        "--format",
        "gpkg",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "conflictmap-2023-01-01_2024-12-31.gpkg"
    assert "written to conflictmap-2023-01-01_2024-12-31.gpkg" in proc.stderr
    incidents = gpd.read_file(path, layer="incidents")
    assert sorted(incidents["event_date"]) == ["2023-03-03", "2024-02-10"]
    assert len(gpd.read_file(path, layer="places")) == 0
    assert sorted(gpd.read_file(path, layer="areas")["area_id"]) == ["liptako-gourma", "sahel"]  # areas = both zones


@pytest.mark.parametrize(
    "args, message",
    [
        (["--bbox", "5,10,-5,20"], "is not an extent"),
        (["--bbox=1,2,3"], "west,south,east,north"),
        (["--format", "shp"], "invalid choice: 'shp'"),
        (["-o", "map.txt"], "cannot tell the export format from 'map.txt'"),
        (["--format", "csv", "-o", "map.geojson"], "--format csv but map.geojson is named as geojson"),
        (["--from", "2024-31-01"], "is not a date"),
        (["--layers", "places,roads"], "unknown layer 'roads'"),
        (["--alliance", "NATO"], "unknown alliance 'NATO'"),
        (["--view", "?from=2024-01-01&layer=roads"], "--view: layer"),
        (["--from", "2024-02-01", "--to", "2024-01-01"], "is after --to"),
    ],
)
def test_cli_bad_values_are_one_line_errors_and_write_nothing(
    world: dict, tmp_path: Path, args: list[str], message: str
) -> None:
    proc = run_cli("--db", str(world["folder"] / "store.db"), "export", *args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("conflictmap: error:")]
    assert len(errors) == 1 and message in errors[0] and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []
