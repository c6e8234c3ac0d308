"""The command line as a user runs it: real subprocesses, a real store, one-line errors."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import shared_path
from shapely.geometry import Point, shape

from conflictmap.records import Mention
from conflictmap.store import Store
from loaders.articles import read_article

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, timeout: float = 300, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``conflictmap ARGS`` in a fresh process; CONFLICTMAP_HOME is the session's temporary home
    unless ``home`` is given (tests that add user data use their own, not to change the others')."""
    env = {**os.environ, **({"CONFLICTMAP_HOME": str(home)} if home else {})}
    return subprocess.run(
        [sys.executable, "-m", "conflictmap.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=env,
    )


def needs_geoparser() -> None:
    if importlib.util.find_spec("loaders.geoparse") is None:
        pytest.skip("loaders/geoparse.py not built yet")


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int, *fragments: str) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("conflictmap: error:")]
    assert errors, proc.stderr
    for fragment in fragments:
        assert any(fragment in line for line in errors), proc.stderr


def km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


# --------------------------------------------------------------------------- the founding article


def test_seed_article_end_to_end(seed_article: Path, tmp_path: Path) -> None:
    needs_geoparser()
    db, out = tmp_path / "store.db", tmp_path / "out.geojson"

    ingested = run("--db", str(db), "ingest", str(seed_article))
    assert ingested.returncode == 0, ingested.stderr
    assert "Military Juntas of Mali, Niger and Burkina Faso Unite for Stability" in ingested.stdout
    assert "places found" in ingested.stdout

    again = run("--db", str(db), "ingest", str(seed_article))
    assert again.returncode == 0 and "already in the store" in again.stdout

    # the article's places: the map's two places layers (points and areas), not incidents or alliances
    exported = run("--db", str(db), "export", "--layers", "places,place_areas", "--format", "geojson", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "crs" not in doc
    features = doc["features"]
    by_name: dict[str, list[dict]] = {}
    for f in features:
        by_name.setdefault(f["properties"]["name"], []).append(f)

    gorgadji = by_name["Gorgadji"][0]
    assert gorgadji["geometry"]["type"] == "Point"
    lon, lat = gorgadji["geometry"]["coordinates"]
    assert km(lon, lat, -0.520, 14.033) < 5
    assert gorgadji["properties"]["country"] == "BFA"
    assert gorgadji["properties"]["admin1"] == "Sahel"

    liptako = next(f for name, fs in by_name.items() for f in fs if "liptako" in name.lower())
    assert liptako["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert shape(liptako["geometry"]).contains(Point(0.22, 14.91))

    countries = {f["properties"]["name"] for f in features if f["properties"]["kind"] == "country"}
    assert {"Mali", "Niger", "Burkina Faso", "Chad", "Mauritania", "France"} <= countries

    # the default export (the dashboard's opening view) has the same places in its places layer;
    # alliances (AES, ECOWAS…) and zones are layers of their own, never places
    every = tmp_path / "view.geojson"
    assert run("--db", str(db), "export", "-o", str(every)).returncode == 0
    layered = json.loads(every.read_text(encoding="utf-8"))["features"]
    places = [f["properties"]["name"] for f in layered if f["properties"]["layer"] == "places"]
    assert sorted(places) == sorted(f["properties"]["name"] for f in features)
    assert {"incidents", "places", "alliances", "areas"} >= {f["properties"]["layer"] for f in layered}


def test_geoparse_json(seed_article: Path) -> None:
    needs_geoparser()
    proc = run("geoparse", str(seed_article), "--json")
    assert proc.returncode == 0, proc.stderr
    mentions = json.loads(proc.stdout)
    text = read_article(seed_article).text
    assert mentions and all(text[m["start"] : m["end"]] == m["text"] for m in mentions)
    assert {"start", "end", "text", "name", "kind", "lat", "lon", "ref"} <= set(mentions[0])


def test_bad_file_among_good_ones_loses_nothing(seed_article: Path, tmp_path: Path) -> None:
    needs_geoparser()
    db = tmp_path / "store.db"
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    proc = run("--db", str(db), "ingest", str(png), str(seed_article))
    assert_one_line_error(proc, 1, "PNG image", "1 of 2 file(s) could not be read")
    assert "Military Juntas" in proc.stdout
    with Store(db) as store:
        assert store.counts()["articles"] == 1


# --------------------------------------------------------------------------- without the geoparser


def _store_with_article(db: Path, seed_article: Path) -> str:
    article = read_article(seed_article)
    i = article.text.index("Gorgadji")
    gorgadji = Mention(
        i,
        i + 8,
        "Gorgadji",
        "Gorgadji",
        "place",
        14.0333,
        -0.52,
        2360000,
        "BFA",
        "Sahel",
        0.9,
        "Soldiers from Burkina Faso patrol on the road of Gorgadji",
        None,
    )
    with Store(db) as store:
        return store.add_article(article, [gorgadji])[0]


def test_reingest_says_already_in_store(seed_article: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    _store_with_article(db, seed_article)
    proc = run("--db", str(db), "ingest", str(seed_article))
    assert proc.returncode == 0, proc.stderr
    assert "already in the store" in proc.stdout
    with Store(db) as store:
        assert store.counts()["articles"] == 1 and store.counts()["mentions"] == 1


def test_export_to_stdout_and_csv(seed_article: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    _store_with_article(db, seed_article)
    proc = run("--db", str(db), "export", "--layers", "places,place_areas", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [f["geometry"]["coordinates"] for f in doc["features"]] == [[-0.52, 14.0333]]

    csv = tmp_path / "out.csv"
    proc = run("--db", str(db), "export", "--layers", "places,place_areas", "--format", "csv", "-o", str(csv))
    assert proc.returncode == 0, proc.stderr
    assert "1 feature written" in proc.stderr
    assert "POINT (-0.52 14.0333)" in csv.read_text(encoding="utf-8")


def test_gpkg_to_stdout_is_refused(seed_article: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    _store_with_article(db, seed_article)
    assert_one_line_error(run("--db", str(db), "export", "--format", "gpkg", "-o", "-"), 1, "GeoPackage")


def test_export_without_store(tmp_path: Path) -> None:
    proc = run("--db", str(tmp_path / "none.db"), "export", "-o", str(tmp_path / "x.geojson"))
    assert_one_line_error(proc, 1, "no store at")
    assert not (tmp_path / "none.db").exists()


def test_unreadable_inputs_are_one_line_errors(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    assert_one_line_error(run("--db", str(db), "ingest", str(empty)), 1, "empty.txt: the file is empty")
    assert_one_line_error(run("--db", str(db), "ingest", str(tmp_path / "missing.txt")), 1, "no such file")
    ok = tmp_path / "ok.txt"
    ok.write_text("Attaque à Djibo.")
    assert_one_line_error(run("--db", str(db), "ingest", str(ok), "--date", "16/09/2023"), 1, "YYYY-MM-DD")


def test_usage_errors_exit_2() -> None:
    proc = run("export", "--format", "shp", "-o", "x")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "conflictmap: error:" in proc.stderr and "'shp'" in proc.stderr


def test_data_add_unknown_file_and_offline_url(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("just some notes\nnot a gazetteer\n")
    assert_one_line_error(run("data", "add", str(notes)), 1, "not a GeoNames dump")
    # Nothing listens on port 9 of this machine: the same message as being offline, no network needed.
    proc = run("data", "add", "http://127.0.0.1:9/BF.zip", timeout=90)
    assert_one_line_error(proc, 1, "could not download http://127.0.0.1:9/BF.zip", "offline")


def test_data_kind_detection(tmp_path: Path) -> None:
    from conflictmap.cli import data_kind
    from conflictmap.errors import InputError

    dump = tmp_path / "BF.txt"
    dump.write_text("\t".join(["2360000", "Gorgadji"] + [""] * 17) + "\n")
    assert data_kind(dump) == "geonames"
    assert data_kind(tmp_path / "regions.geojson") == "boundaries"
    with pytest.raises(InputError):
        data_kind(tmp_path / "regions.kml")


def test_data_add_dispatches_and_lists(tmp_path: Path) -> None:
    dump = shared_path("data", "geonames", "BF.txt.gz")
    regions = shared_path("data", "geoboundaries", "geoBoundaries-BFA-ADM1.geojson")
    home = tmp_path / "home"
    proc = run("data", "add", str(dump), str(regions), home=home)
    assert proc.returncode == 0, proc.stderr
    assert "BF.txt.gz: added as GeoNames gazetteer" in proc.stdout
    assert "geoBoundaries-BFA-ADM1.geojson: added as boundaries" in proc.stdout
    listing = run("data", "list", home=home)
    assert listing.returncode == 0 and "BF" in listing.stdout and "geoBoundaries-BFA-ADM1" in listing.stdout


def test_data_list_runs() -> None:
    proc = run("data", "list")
    assert proc.returncode == 0, proc.stderr
    assert "data" in proc.stdout


def test_installed_entry_point() -> None:
    script = Path(sys.executable).parent / "conflictmap"
    if not script.exists():
        pytest.skip("the conflictmap script is not installed in this environment")
    proc = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    for command in ("ingest", "export", "geoparse", "data", "serve"):
        assert command in proc.stdout
