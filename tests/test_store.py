"""The store on a real SQLite file: WAL, idempotent ingest, all-or-nothing writes, readers in other processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from conflictmap.records import Article, Mention
from conflictmap.store import SCHEMA_VERSION, Store, StoreError
from loaders.ingest import ingest

REPO = Path(__file__).resolve().parent.parent

TEXT = "Des hommes armés ont attaqué Djibo, dans le Soum, au Burkina Faso. Un lieu-dit Zorgho-Nord est cité."


def _m(text: str, name: str, kind: str, lat: float | None, lon: float | None, **kw) -> Mention:
    start = TEXT.index(text)
    return Mention(
        start=start,
        end=start + len(text),
        text=text,
        name=name,
        kind=kind,
        lat=lat,
        lon=lon,
        geonameid=kw.get("geonameid"),
        country=kw.get("country"),
        admin1=kw.get("admin1"),
        confidence=kw.get("confidence", 0.9 if lat is not None else 0.0),
        sentence=TEXT,
        ref=kw.get("ref"),
    )


MENTIONS = [
    _m("Djibo", "Djibo", "place", 14.1, -1.63, geonameid=2361177, country="BFA", admin1="Sahel"),
    _m("Soum", "Soum", "admin1", 14.0, -1.5, country="BFA", ref="admin1:BF-SOM"),
    _m("Burkina Faso", "Burkina Faso", "country", 12.5, -1.67, country="BFA", ref="country:BFA"),
    _m("Zorgho-Nord", "Zorgho-Nord", "place", None, None),
]


def fake_geoparse(text: str, lang: str | None = None) -> list[Mention]:
    assert text == TEXT
    return list(MENTIONS)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "store.db") as s:
        yield s


def _reader(db: Path, code: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in another Python process with ``store`` opened on ``db``."""
    script = f"from conflictmap.store import Store\nstore = Store({str(db)!r})\n" + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout, cwd=REPO)


def test_pragmas_and_schema(store: Store) -> None:
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persistent: any connection sees it
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "mentions", "incidents"} <= tables
    conn.close()
    assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert store._conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000


def test_ingest_then_read_back(store: Store) -> None:
    result = ingest(store, TEXT.encode(), filename="a.txt", date="2024-01-05", geoparse=fake_geoparse)
    assert result.inserted and result.places == 3
    assert [m.text for m in result.unresolved] == ["Zorgho-Nord"]

    articles = store.articles()
    assert len(articles) == 1
    assert articles.loc[0, "published"] == "2024-01-05"
    assert (articles.loc[0, "mentions"], articles.loc[0, "unresolved"]) == (4, 1)
    # "Des hommes armés ont attaqué Djibo": ingest also keeps the incident the article reports.
    assert store.counts() == {"articles": 1, "mentions": 4, "resolved": 3, "unresolved": 1, "incidents": 1}

    unresolved = store.mentions(resolved=False)
    assert list(unresolved["surface"]) == ["Zorgho-Nord"]
    assert unresolved["lat"].isna().all()  # kept, with NULL coordinates
    assert list(store.mentions(result.article_id, resolved=True)["name"]) == ["Djibo", "Soum", "Burkina Faso"]
    assert store.article(result.article_id)["text"] == TEXT


def test_same_article_again_changes_nothing(store: Store) -> None:
    first = ingest(store, TEXT.encode(), filename="a.txt", geoparse=fake_geoparse)
    before = (store.counts(), store.articles().to_dict())

    calls = []
    again = ingest(store, (TEXT + "\r\n").encode(), filename="b.txt", geoparse=lambda *a, **k: calls.append(1) or [])
    assert (again.article_id, again.inserted) == (first.article_id, False)
    assert calls == []  # not geoparsed again: the stored mentions are returned
    assert [m.text for m in again.mentions] == [m.text for m in MENTIONS]
    assert [m.text for m in again.unresolved] == ["Zorgho-Nord"]
    assert store.add_article(Article(text=TEXT), MENTIONS) == (first.article_id, False)
    assert (store.counts(), store.articles().to_dict()) == before


def test_failure_mid_write_keeps_no_half_article(store: Store) -> None:
    # The third mention's latitude breaks a CHECK constraint after two rows went in.
    broken = [*MENTIONS[:2], _m("Burkina Faso", "Burkina Faso", "country", 123.0, -1.67), *MENTIONS[3:]]
    with pytest.raises(sqlite3.IntegrityError):
        store.add_article(Article(text=TEXT), broken)
    assert store.counts()["articles"] == 0 and store.counts()["mentions"] == 0

    # ... and the store still works: the good version goes in afterwards.
    assert store.add_article(Article(text=TEXT), MENTIONS)[1] is True
    assert store.counts()["mentions"] == 4


def test_process_killed_mid_write_keeps_no_half_article(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    Store(db).close()
    proc = _reader(
        db,
        """
        import os
        from conflictmap.records import Article
        with store.transaction() as conn:
            conn.execute("INSERT INTO articles (id, text, ingested_at) VALUES ('x', 'half', 'now')")
            conn.execute("INSERT INTO mentions (article_id, start, \\"end\\", surface, kind) VALUES ('x', 0, 4, 'half', 'place')")
            os._exit(9)  # killed before COMMIT
    """,
    )
    assert proc.returncode == 9, proc.stderr
    with Store(db) as store:
        assert store.counts()["articles"] == 0 and store.counts()["mentions"] == 0


def test_other_process_reads_while_a_write_is_open(store: Store) -> None:
    ingest(store, TEXT.encode(), filename="a.txt", geoparse=fake_geoparse)
    with store.transaction() as conn:  # the writer holds the write lock, uncommitted row inside
        conn.execute("INSERT INTO articles (id, text, ingested_at) VALUES ('pending', 'x', 'now')")
        proc = _reader(
            store.path,
            """
            import time
            t = time.perf_counter()
            print(store.counts()["articles"], len(store.articles()), round(time.perf_counter() - t, 3))
        """,
            timeout=8,
        )
        assert proc.returncode == 0, proc.stderr
        n_counts, n_rows, seconds = proc.stdout.split()
        assert (n_counts, n_rows) == ("1", "1")  # the committed state, not the pending row
        assert float(seconds) < 5.0  # did not wait out the 10 s busy timeout behind the writer's lock
    assert store.counts()["articles"] == 2


def test_two_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    Store(db).close()
    script = (
        f"from conflictmap.store import Store\nfrom conflictmap.records import Article\n"
        f"print(Store({str(db)!r}).add_article(Article(text='second writer'), [])[1])"
    )
    with Store(db) as writer:
        with writer.transaction() as conn:  # hold the write lock while the other process tries
            conn.execute("INSERT INTO articles (id, text, ingested_at) VALUES ('first', 'x', 'now')")
            second = subprocess.Popen(
                [sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            time.sleep(1.5)
            assert second.poll() is None  # still waiting, not failed with "database is locked"
        out, err = second.communicate(timeout=20)
    assert second.returncode == 0, err
    assert out.strip() == "True"
    with Store(db) as store:
        assert store.counts()["articles"] == 2


def test_store_is_usable_from_several_threads(store: Store) -> None:
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            store.add_article(Article(text=f"article {i}"), [])
            store.articles()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and store.counts()["articles"] == 8


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="not a conflictmap store"):
        Store(bad)
    assert bad.read_text().startswith("these are my notes")  # untouched


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer conflictmap"):
        Store(db)


def test_a_store_of_schema_6_upgrades_and_keeps_its_incidents(tmp_path: Path) -> None:
    """A store written before migration 7 (with the event-type index) opens, loses only that index,
    and its incidents are all there and filter by type as before."""
    from conflictmap import views
    from conflictmap.store import MIGRATIONS

    db = tmp_path / "old.db"
    conn = sqlite3.connect(db, isolation_level=None)
    for statement in (s for migration in MIGRATIONS[:6] for s in migration):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 6")
    conn.executemany(
        "INSERT INTO incidents (event_date, event_type, country, source_kind, origin, source_key)"
        " VALUES (?, ?, 'BFA', 'dataset', 'acled', ?)",
        [("2024-01-02", "Battles", "acled:1"), ("2024-01-03", "Protests", "acled:2")],
    )
    assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'incidents_event_type'").fetchone()
    conn.close()

    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        names = {r[0] for r in store._conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "incidents_event_type" not in names
        assert {"incidents_facts", "incidents_places", "incidents_source_key"} <= names
        assert store.counts()["incidents"] == 2
        assert views.count(store, views.ViewFilter(event_types=("Battles",))) == 1


def test_delete_article_cascades(store: Store) -> None:
    result = ingest(store, TEXT.encode(), filename="a.txt", geoparse=fake_geoparse)
    assert store.delete_article(result.article_id)
    assert store.counts() == {"articles": 0, "mentions": 0, "resolved": 0, "unresolved": 0, "incidents": 0}


def test_ingest_an_article_object_with_overrides(store: Store) -> None:
    result = ingest(
        store,
        Article(text=TEXT, title="old"),
        title="Attaque à Djibo",
        date="2024-01-05",
        source_name="AFP",
        geoparse=fake_geoparse,
    )
    row = store.articles().iloc[0]
    assert (result.title, row["title"], row["published"], row["source"]) == (
        "Attaque à Djibo",
        "Attaque à Djibo",
        "2024-01-05",
        "AFP",
    )


def test_bad_input_stores_nothing(store: Store) -> None:
    from loaders.articles import ArticleError

    with pytest.raises(ArticleError, match="PNG image"):
        ingest(store, b"\x89PNG\r\n\x1a\n\x00\x00", filename="a.txt", geoparse=fake_geoparse)
    with pytest.raises(TypeError, match="titel"):
        ingest(store, TEXT.encode(), filename="a.txt", titel="typo", geoparse=fake_geoparse)
    assert store.counts()["articles"] == 0
