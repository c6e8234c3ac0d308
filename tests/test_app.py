"""The Streamlit script under streamlit's AppTest: ingest by paste, errors without tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
GORGADJI_TEXT = (
    "Soldiers from Burkina Faso patrol on the road of Gorgadji in the Sahel area. "
    "The attack near Gorgadji was the third this month."
)


@pytest.fixture()
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gazetteer_index) -> AppTest:
    # A fresh store per test; CONFLICTMAP_HOME (and its gazetteer cache) stays the session's.
    monkeypatch.setenv("CONFLICTMAP_DB", str(tmp_path / "app.db"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _button(at: AppTest, label: str):
    for b in at.button:
        if b.label == label:
            return b
    raise AssertionError(f"no button {label!r}: {[b.label for b in at.button]}")


def _paste(at: AppTest, text: str, title: str = "") -> AppTest:
    at.text_area(key="paste_text").input(text)
    if title:
        at.text_input(key="paste_title").input(title)
    _button(at, "Add pasted article").click()
    return at.run()


def test_first_page(app: AppTest) -> None:
    assert app.title[0].value == "conflictmap"
    labels = [b.label for b in app.button]
    assert "Add pasted article" in labels and "Ingest files" in labels
    assert app.toggle(key="online_tiles").value is False
    # since issue 5 the page opens on the incidents panel; places have their own panel
    assert any(i.value.startswith("No incidents in this view") for i in app.info)
    app.session_state["panel"] = "Places"
    app.run()
    assert any(i.value.startswith("No places yet") for i in app.info)


def test_paste_article_lists_gorgadji(app: AppTest) -> None:
    pytest.importorskip("loaders.geoparse")
    app.session_state["panel"] = "Places"  # the places table's panel (issue 5)
    at = _paste(app, GORGADJI_TEXT, title="Patrol <b>near</b> Gorgadji")
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.success, "no success message"
    message = at.success[0].value
    assert "place" in message
    assert "unresolved" in message
    table = at.dataframe[0].value  # the places table comes first, then the unresolved mentions
    assert "Gorgadji" in set(table["name"])
    row = table[table["name"] == "Gorgadji"].iloc[0]
    assert row["kind"] == "place"
    assert "Burkina" in str(row["country"])


def test_empty_text_is_an_error_not_an_exception(app: AppTest) -> None:
    at = _paste(app, "   \n  ")
    assert not at.exception, at.exception
    assert at.error, "no error message"
    assert "empty" in at.error[0].value


def test_unreadable_text_is_an_error_not_an_exception(app: AppTest) -> None:
    pytest.importorskip("loaders.geoparse")
    at = _paste(app, "\x00\x01\x02\x03 binary \x00\x00\x00\x00\x00\x00\x00\x00")
    assert not at.exception, at.exception
    assert at.error, "no error message"


def test_the_view_comes_from_the_url_and_the_export_buttons_name_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gazetteer_index
) -> None:
    """Layers, extent and dates of a copied URL reach the sidebar, and go back into the URL; the
    Export section offers every data and image format of that view, named by its dates."""
    monkeypatch.setenv("CONFLICTMAP_DB", str(tmp_path / "app.db"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["layer"] = ["countries", "incidents"]
    at.query_params["bbox"] = "-6,9,3,16"
    at.query_params["from"] = "2023-01-01"
    at.run()
    assert not at.exception, at.exception
    assert at.checkbox(key="layer:countries").value and at.checkbox(key="layer:incidents").value
    assert not at.checkbox(key="layer:admin1").value and not at.checkbox(key="layer:sahel").value
    assert at.query_params["layer"] == ["countries", "incidents"]
    assert at.query_params["bbox"] == "-6.0000,9.0000,3.0000,16.0000"
    buttons = {b.label: b for b in at.get("download_button")}
    assert {
        "GeoJSON",
        "CSV",
        "GeoPackage",
        "KML",
        "PNG 1920×1080",
        "PNG for print (300 dpi)",
        "SVG",
        "PDF",
        "PNG as seen (capture)",
    } <= set(buttons)
    at.checkbox(key="layer:sahel").check().run()
    assert at.query_params["layer"] == ["countries", "sahel", "incidents"]


def test_an_analyst_splits_a_wrong_merge_from_the_incident_detail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gazetteer_index
) -> None:
    """Two reports linked as one incident: the detail offers each report; "Split out" makes the
    chosen one an incident of its own, and the store keeps them apart."""
    from conflictmap.store import INCIDENT_COLUMNS, Store

    def row(key: str, summary: str) -> tuple:
        v = dict.fromkeys(INCIDENT_COLUMNS)
        v.update(
            event_date="2024-03-02",
            event_type="Battles",
            sub_event_type="Armed clash",
            lat=14.1,
            lon=-1.6,
            location="Djibo",
            country="BFA",
            admin1="Sahel",
            geo_precision=1,
            summary=summary,
            source_kind="dataset",
            origin="acled",
            source_key=f"acled:{key}",
        )
        return tuple(v[c] for c in INCIDENT_COLUMNS)

    db = tmp_path / "app.db"
    with Store(db) as store:
        store.add_dataset_incidents([row("BFA1", "Clash at Djibo"), row("BFA2", "Fighting near Djibo")])
        first, second = sorted(store.incidents()["id"].tolist())
        store.link_incidents([(first, second)])
        assert store.incident_group(first) == [first, second]
    monkeypatch.setenv("CONFLICTMAP_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["sel"] = str(first)
    at.run()
    assert not at.exception, at.exception
    pick = at.selectbox(key=f"split_pick_{first}")
    assert pick.options == ["#1 · acled BFA1 · Djibo · 2024-03-02", "#2 · acled BFA2 · Djibo · 2024-03-02"]
    pick.select(second)
    _button(at, "Split out").click()
    at.run()
    assert not at.exception, at.exception
    shown = [s.value.replace("\\", "") for s in at.success]  # markdown-escaped
    assert any("Report 2 is now an incident of its own (was merged with 1)" in s for s in shown), shown
    with Store(db) as store:
        assert store.incident_group(first) == [first] and store.incident_group(second) == [second]


def test_an_id_too_large_for_the_store_is_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gazetteer_index
) -> None:
    """``?sel=`` past SQLite's integers once showed ``OverflowError`` in the page."""
    monkeypatch.setenv("CONFLICTMAP_DB", str(tmp_path / "app.db"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["sel"] = "9223372036854775808"
    at.query_params["prec"] = "99999999999999999999"
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "conflictmap"
