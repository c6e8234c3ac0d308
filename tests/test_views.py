"""The view model (filters ↔ URL ↔ SQL) and analyst corrections, on a small store."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest

from conflictmap import hexgrid, views
from conflictmap.store import INCIDENT_COLUMNS, Store, corrections
from conflictmap.views import ViewFilter


def _row(
    key: str,
    day: str,
    etype: str,
    lon: float,
    lat: float,
    country: str,
    admin1: str,
    fatal: int = 0,
    summary: str = "",
    origin: str = "acled",
    prec: int = 1,
) -> tuple:
    v = dict.fromkeys(INCIDENT_COLUMNS)
    v.update(
        event_date=day,
        event_type=etype,
        sub_event_type="Armed clash" if etype == "Battles" else "Attack",
        actor1="JNIM",
        actor2="Army",
        fatalities=fatal,
        lat=lat,
        lon=lon,
        location="x",
        country=country,
        admin1=admin1,
        geo_precision=prec,
        summary=summary,
        source_kind="dataset",
        origin=origin,
        source_key=f"{origin}:{key}",
    )
    return tuple(v[c] for c in INCIDENT_COLUMNS)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "v.db")
    s.add_dataset_incidents(
        [
            _row("1", "2023-01-05", "Battles", -1.6, 14.1, "BFA", "Sahel", 3),
            _row(
                "2", "2023-06-10", "Violence against civilians", -1.5, 14.0, "BFA", "Sahel", 1, "<img src=x onerror=1>"
            ),
            _row("3", "2024-03-01", "Battles", 2.1, 13.5, "NER", "Niamey", 0, prec=3),
            _row("4", "2024-03-02", "Battles", 2.1, 13.5, "NER", "Niamey", 7, origin="ucdp"),
            _row("5", "2021-01-01", "Battles", -4.0, 15.0, "MLI", "Mopti", 2),
        ]
    )
    yield s
    s.close()


def test_query_params_round_trip() -> None:
    view = ViewFilter(
        start=date(2023, 1, 1),
        end=date(2023, 12, 31),
        event_types=("Battles", "Riots"),
        actors=("JNIM",),
        countries=("BFA",),
        alliance="aes",
        alliance_day=date(2024, 1, 1),
        max_geo_precision=2,
        min_confidence=0.5,
        sources=("acled",),
        mode="choropleth",
        metric="fatalities",
        step="week",
        period="2023-03-06",
        selected=12,
    )
    params = view.to_query_params()
    assert params["type"] == ["Battles", "Riots"] and params["from"] == "2023-01-01"
    assert ViewFilter.from_query_params(params) == view
    assert ViewFilter().to_query_params() == {}
    assert ViewFilter.from_query_params({"mode": "evil", "from": "nope", "prec": "x"}) == ViewFilter()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2024-13-01", "from: '2024-13-01' is not a valid value"),
        ("conf=1.5", "conf: '1.5' is not a valid value"),
        ("mode=evil", "mode: 'evil' is not a valid value"),
        ("layer=places&layer=rivers", "layer: 'rivers' is not a layer"),
        ("alliance=nato", "alliance: unknown alliance 'nato'"),
        ("period=2024-3", "period: '2024-3' is not a valid value"),
        ("type=Battles&frm=2024-01-01", "unknown parameter 'frm'"),
        # larger than SQLite's integers: once an OverflowError traceback in the page
        ("sel=9223372036854775808", "sel: '9223372036854775808' is not a valid value"),
        ("prec=-1", "prec: '-1' is not a valid value"),
    ],
)
def test_a_copied_url_read_strictly_names_what_is_wrong(query: str, message: str) -> None:
    """A command line's --view says which parameter is wrong; the address bar drops it."""
    with pytest.raises(ValueError, match=re.escape(message)):
        ViewFilter.from_url(f"http://localhost:8501/?{query}")
    lenient = ViewFilter.from_query_params(parse_qs(query))
    assert set(lenient.to_query_params()) <= {"type", "layer"}  # the bad value is dropped, the rest kept


def test_a_copied_url_reads_back_as_the_same_view() -> None:
    view = ViewFilter(
        start=date(2023, 1, 1),
        event_types=("Battles",),
        alliance="aes",
        layers=("places",),
        bbox=(-5.0, 10.0, 5.0, 20.0),
        mode="heatmap",
    )
    assert ViewFilter.from_url("http://localhost:8501/?" + urlencode(view.to_query_params(), doseq=True)) == view


def test_filters(store: Store) -> None:
    assert views.count(store, ViewFilter()) == 5
    assert views.count(store, ViewFilter(event_types=("Battles",))) == 4
    assert views.count(store, ViewFilter(start=date(2023, 1, 1), end=date(2023, 12, 31))) == 2
    assert views.count(store, ViewFilter(countries=("NER",), sources=("ucdp",))) == 1
    assert views.count(store, ViewFilter(max_geo_precision=2)) == 4
    # AES members on a date: all three; G5 Sahel in 2023-01 no longer has Mali
    assert views.count(store, ViewFilter(alliance="aes", alliance_day=date(2024, 1, 1))) == 5
    assert views.count(store, ViewFilter(alliance="g5", alliance_day=date(2023, 1, 1))) == 4
    assert views.count(store, ViewFilter(period="2024-03")) == 2
    injected = ViewFilter(event_types=("Battles') OR 1=1 --",))
    assert views.count(store, injected) == 0
    totals = views.admin1_totals(store, ViewFilter()).set_index("admin1")
    assert totals.loc["Niamey", "fatalities"] == 7 and totals.loc["Sahel", "incidents"] == 2
    series = views.timeseries(store, ViewFilter(event_types=("Battles",)))
    assert set(series["period"]) == {"2021-01", "2023-01", "2024-03"}
    assert views.hex_bins(store, ViewFilter(), hexgrid.HexGrid(25.0))["incidents"].sum() == 5
    niamey = views.hex_bins(store, ViewFilter(countries=("NER",)), hexgrid.HexGrid(25.0))
    assert niamey[["incidents", "fatalities"]].values.tolist() == [[2, 7]]  # two incidents, one place
    frame = views.incidents_frame(store, ViewFilter())
    assert frame["event_date"].tolist()[0] == "2024-03-02"  # newest first
    assert "<img src=x onerror=1>" in set(frame["summary"])


def test_linked_reports_are_one_incident(store: Store) -> None:
    ids = views.incidents_frame(store, ViewFilter(countries=("NER",)))["id"].tolist()
    store.link_incidents([(ids[0], ids[1])])
    assert views.count(store, ViewFilter(countries=("NER",))) == 1
    # every aggregate counts the group once (its representative: the smallest report id)
    assert views.admin1_totals(store, ViewFilter()).set_index("admin1").loc["Niamey", "incidents"] == 1
    assert views.timeseries(store, ViewFilter())["incidents"].sum() == 4
    assert len(views.coordinates(store, ViewFilter())) == 4
    detail = views.incident_detail(store, min(ids))
    assert len(detail) == 2 and set(detail["source_dataset"]) == {"acled", "ucdp"}


def test_corrections_apply_survive_and_undo(store: Store, tmp_path: Path) -> None:
    iid = int(views.incidents_frame(store, ViewFilter(countries=("MLI",)))["id"].iloc[0])
    corrections.correct_incident(store, iid, lat=12.37, lon=-1.53, note="Ouagadougou, not Mopti")
    corrections.correct_incident(store, iid, event_type="Riots")
    row = views.incidents_frame(store, ViewFilter(event_types=("Riots",))).iloc[0]
    assert (row["id"], row["lat"], row["lon"], row["country"]) == (iid, 12.37, -1.53, "BFA")
    gj = views.incidents_geoframe(store, ViewFilter(event_types=("Riots",)))
    assert gj.geometry.iloc[0].x == -1.53
    # the aggregates see the corrected values too: moved to Burkina Faso, now a riot
    totals = views.admin1_totals(store, ViewFilter(countries=("BFA",)))
    assert totals["incidents"].sum() == 3 and "Mopti" not in set(totals["admin1"])
    assert views.count(store, ViewFilter(event_types=("Battles",))) == 3
    assert views.count(store, ViewFilter(countries=("MLI",))) == 0
    series = views.timeseries(store, ViewFilter(countries=("BFA",)))
    assert series.set_index("event_type").loc["Riots", "period"] == "2021-01"
    moved = views.coordinates(store, ViewFilter(event_types=("Riots",)))
    assert moved[["lon", "lat"]].values.tolist() == [[-1.53, 12.37]]
    # a re-import of the same rows adds nothing and keeps the correction
    store.add_dataset_incidents([_row("5", "2021-01-01", "Battles", -4.0, 15.0, "MLI", "Mopti", 2)])
    assert views.count(store, ViewFilter(event_types=("Riots",))) == 1
    assert corrections.undo_incident(store, iid)  # the type change goes, the move stays
    row = views.incidents_frame(store, ViewFilter(countries=("BFA",)))
    assert iid in set(row["id"]) and row.set_index("id").loc[iid, "event_type"] == "Battles"
    assert corrections.undo_incident(store, iid)
    assert views.incidents_frame(store, ViewFilter(countries=("MLI",)))["id"].tolist() == [iid]
    assert not corrections.undo_incident(store, iid)
    assert len(corrections.history(store)) == 2
    with pytest.raises(corrections.CorrectionError):
        corrections.correct_incident(store, iid, lat=100, lon=0)


def test_mention_correction_reaches_the_export(store: Store) -> None:
    pytest.importorskip("loaders.geoparse")
    from conflictmap.views import places_frame
    from loaders.ingest import ingest

    ingest(store, b"Gunmen attacked Djibo on Sunday, residents said.", filename="a.txt", title="t")
    mention = store.mentions(resolved=True)
    mid = int(mention[mention["name"] == "Djibo"]["id"].iloc[0])
    corrections.correct_mention(store, mid, lat=13.0, lon=-1.0, name="Djibo (corrected)")
    places = places_frame(store)
    row = places[places["name"] == "Djibo (corrected)"].iloc[0]
    assert (row["lat"], row["lon"]) == (13.0, -1.0)
    assert corrections.undo_mention(store, mid)
    assert "Djibo" in set(places_frame(store)["name"])


def test_hexagons_hold_their_points_and_have_the_area_they_claim() -> None:
    import numpy as np

    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(-12, 16, 5_000), rng.uniform(4, 24, 5_000)
    grid = hexgrid.grid_for_extent((-18.0, 4.0, 24.0, 24.5))
    assert grid.width_km == 100.0 and grid.ref_lat == 15.0  # ~48 hexagons across the Sahel
    assert hexgrid.grid_for_extent((-2.0, 12.0, 0.0, 13.0)).width_km < grid.width_km  # zoomed in: finer
    bins = hexgrid.bin_points(lon, lat, np.arange(5_000) % 3, grid)
    assert bins["incidents"].sum() == 5_000 and bins["fatalities"].sum() == (np.arange(5_000) % 3).sum()
    q, r = grid.cells(lon, lat)
    # each point's hexagon centre is the nearest centre of the lattice (what a hexagon bin is)
    nq, nr = q[:, None] + np.array([0, 1, -1, 0, 0, 1, -1]), r[:, None] + np.array([0, 0, 0, 1, -1, -1, 1])
    nx, ny = grid._project(*grid.centers(nq, nr))
    px, py = grid._project(lon, lat)
    distance = np.hypot(nx - px[:, None], ny - py[:, None])
    assert (distance.argmin(axis=1) == 0).all()
    # equal area: a hexagon measured in an equal-area projection has the area the legend gives it
    import geopandas as gpd
    import shapely

    rings = grid.rings(q[:3], r[:3], decimals=6)
    areas = gpd.GeoSeries([shapely.Polygon(x) for x in rings], crs=4326).to_crs("EPSG:6933").area / 1e6
    assert np.allclose(areas, grid.area_km2, rtol=0.01), (areas.tolist(), grid.area_km2)
    assert "100 km hexagons" in grid.label()
