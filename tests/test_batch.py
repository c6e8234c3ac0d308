"""loaders.batch: serial and Dask batch ingest give the same store; a killed run resumes without duplicates."""

from __future__ import annotations

import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conflictmap.records import Article
from conflictmap.store import Store
from loaders.batch import Progress, analyse, run_batch
from loaders.ingest import ingest
from loaders.sources import SourceError, iter_articles

REPO = Path(__file__).resolve().parent.parent


def _gen():
    spec = importlib.util.spec_from_file_location("gen_articles", REPO / "bench" / "gen_articles.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    gen = _gen()
    path = tmp_path_factory.mktemp("corpus") / "c.jsonl"
    rows = gen.generate(24, seed=7)
    rows.append(dict(rows[3]))  # the same text twice: stored once
    gen.write(rows, path)
    return path


def dump(db: Path) -> dict[str, list[tuple]]:
    """The tables that matter, without the wall-clock columns (ingested_at, created_at, linked_at)."""
    conn = sqlite3.connect(db)
    try:
        out = {}
        for table, order in (
            ("articles", "id"),
            ("mentions", "id"),
            ("incidents", "id"),
            ("incident_sources", "id"),
            ("incident_links", "incident_id"),
        ):
            cols = [
                r[1]
                for r in conn.execute(f"PRAGMA table_info({table})")
                if r[1] not in {"ingested_at", "created_at", "linked_at"}
            ]
            quoted = ", ".join(f'"{c}"' for c in cols)
            out[table] = conn.execute(f"SELECT {quoted} FROM {table} ORDER BY {order}").fetchall()
        return out
    finally:
        conn.close()


@pytest.fixture(scope="module")
def serial_db(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference: each article through loaders.ingest.ingest, one after the other."""
    db = tmp_path_factory.mktemp("serial") / "serial.db"
    with Store(db) as store:
        for item in iter_articles([corpus]):
            ingest(store, item)
    return db


def test_analyse_is_pure_and_finds_places_and_incidents() -> None:
    a = Article(
        text="DJIBO, March 3, 2024 – Gunmen attacked a military post in Djibo on March 2, killing 5 soldiers.",
        date="2024-03-03",
        lang="en",
    )
    got = analyse(a)
    assert any(m.name == "Djibo" for m in got.mentions)
    assert len(got.incident_rows) == len(got.incident_sources) >= 1
    assert analyse(a, extract_incidents=False).incident_rows == []


def test_serial_batch_equals_ingest_loop_and_reports_progress(corpus: Path, serial_db: Path, tmp_path: Path) -> None:
    seen: list[Progress] = []
    db = tmp_path / "batch.db"
    with Store(db) as store:
        result = run_batch(store, iter_articles([corpus]), batch_size=5, progress=seen.append)
        assert (result.total, result.inserted, result.skipped) == (24, 24, 0)
        again = run_batch(store, iter_articles([corpus]), batch_size=5)
        assert (again.inserted, again.skipped, again.analysed) == (0, 24, 0)
    assert dump(db) == dump(serial_db)
    assert [p.done for p in seen] == [0, 5, 10, 15, 20, 24] and seen[-1].total == 24


def test_unreadable_items_are_reported_not_fatal(tmp_path: Path) -> None:
    bad = SourceError("x.jsonl#L2", "x.jsonl#L2: no text")
    with Store(tmp_path / "s.db") as store:
        result = run_batch(store, [bad, Article(text="Displaced people arrive in Dori.", lang="en")])
        assert result.inserted == 1 and result.failed == [bad]


def test_local_cluster_two_workers_gives_the_serial_store(corpus: Path, serial_db: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    db = tmp_path / "dask.db"
    with Store(db) as store:
        result = run_batch(store, iter_articles([corpus]), workers=2, batch_size=4, chunk_size=3)
    assert (result.total, result.inserted) == (24, 24)
    assert dump(db) == dump(serial_db)


RUNNER = """
import sys, time
from conflictmap.store import Store
from loaders.batch import run_batch
from loaders.sources import iter_articles

def slow(n):
    print(f"committed {n}", flush=True)
    time.sleep(0.4)  # room for the test to kill us between (and during) commits

if __name__ == "__main__":
    with Store(sys.argv[1]) as store:
        run_batch(store, iter_articles([sys.argv[2]]), batch_size=3, on_batch=slow)
"""


def test_sigkill_mid_run_then_resume_stores_every_article_once(corpus: Path, serial_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    script = tmp_path / "runner.py"
    script.write_text(RUNNER, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(db), str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=os.environ.copy(),
    )
    try:
        lines = []
        for line in proc.stdout:  # wait for the third commit, then kill without warning
            lines.append(line)
            if line.startswith("committed 3"):
                break
        time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL and lines, "the runner was not killed mid-run"
    with Store(db) as store:
        stored = store.counts()["articles"]
        assert 9 <= stored < 24  # three batches of 3 (maybe a fourth), not all of them
        result = run_batch(store, iter_articles([corpus]), batch_size=3)
        assert result.skipped == stored and result.inserted == 24 - stored
        ids = store.articles()["id"].tolist()
        job = store._conn.execute("SELECT written, finished_at FROM ingest_jobs").fetchall()
    assert len(ids) == len(set(ids)) == 24
    assert len(job) == 1 and job[0][1] is not None
    got, want = dump(db), dump(serial_db)
    assert sorted(got["articles"]) == sorted(want["articles"])
    assert got["mentions"] == want["mentions"] and got["incidents"] == want["incidents"]


def test_add_analysed_writes_a_batch_like_one_article_at_a_time(corpus: Path, tmp_path: Path) -> None:
    """One statement per table and batch; same ids and answers as article by article; all or nothing."""
    from loaders.batch import analyse_many

    arts = list(iter_articles([corpus]))[:6]
    done = analyse_many(arts)  # mentions as field tuples, as the workers send them
    rows = [(a, *r) for a, r in zip(arts, done)]
    batch = [rows[0], rows[1], rows[2], rows[1], rows[3], rows[4], rows[5]]  # rows[1] twice; rows[2] stored before
    with Store(tmp_path / "one.db") as one, Store(tmp_path / "batch.db") as many:
        want = []
        for store in (one, many):
            store.add_article(rows[2][0], analyse(rows[2][0]).mentions)
        for a, mentions, inc, src in batch:
            _, new = one.add_article(a, mentions)
            want.append((a.id, new, one.add_incidents(inc, src) if new else []))
        bad = (rows[5][0], rows[5][1], rows[5][2], rows[5][3][:-1])  # one source short: refused
        before = many.counts()
        with pytest.raises(ValueError, match="sources"):
            many.add_analysed([rows[0], bad])
        assert many.counts() == before  # nothing of the refused batch was kept
        assert many.add_analysed(batch) == want
        assert [n for _, n, _ in want] == [True, True, False, False, True, True, True]
        assert sum(len(ids) for _, _, ids in want) >= 5
        assert many.add_analysed(batch) == [(a.id, False, []) for a, *_ in batch]  # idempotent
    assert dump(tmp_path / "batch.db") == dump(tmp_path / "one.db")
