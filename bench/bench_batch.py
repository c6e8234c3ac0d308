"""Batch-ingest throughput: serial, and on a Dask LocalCluster of 1 and 2 workers.

    .venv/bin/python bench/bench_batch.py --n 1500 [--workers 1 2] [--repeat 3] [--serial] [--chunk 256] [--batch 100]

Generates the corpus with ``bench/gen_articles.py`` (seed 1, half French), then for each worker
count ingests it into a fresh store and reports articles/s over the analyse+write phase (the
cluster's start-up with the workers' gazetteer loading is timed apart: it is paid once per cluster,
not per article). Prints the load average before each run: on a shared machine the figures mean
little unless it is low. Also prints the CPU time per article of this process (the client: reader,
scheduler, nannies, writer) and of the worker processes over the run: load distorts those far
less, and on 2 cores the 2-worker speed-up is about 2·(worker CPU) / (worker CPU + client CPU).
The stores of all runs are compared (they must be equal). With ``--repeat R`` the worker counts
alternate R times and the speed-up is the ratio of the median rates.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _gen():
    import gen_articles  # a sibling script: this folder is first on sys.path when a script of it runs

    return gen_articles


def _tables(db: Path) -> tuple:
    conn = sqlite3.connect(db)
    try:
        arts = conn.execute("SELECT id, title, path FROM articles ORDER BY id").fetchall()
        ments = conn.execute(
            'SELECT id, article_id, start, "end", name, kind, lat, lon FROM mentions ORDER BY id'
        ).fetchall()
        incs = conn.execute("SELECT id, source_key, event_type, lat, lon FROM incidents ORDER BY id").fetchall()
        return arts, ments, incs
    finally:
        conn.close()


def _workers_cpu(client) -> float:
    """CPU seconds the worker processes have used (all their threads)."""
    return sum(client.run(time.process_time).values())


def run(corpus: Path, workers: int, *, chunk: int | None, batch: int, tmp: Path, rep: int = 0) -> tuple:
    """One ingest of ``corpus`` into a fresh store: ``(articles/s, start-up s, articles, store,
    client CPU s/article, workers' CPU s/article)``. With workers, the cluster is the one
    ``run_batch`` would start (``loaders.batch._client``), opened here so that the workers' CPU is
    read just before and after the run (their start-up and gazetteer loading left out); the client's
    from the moment the sources are read (reading them is not part of the throughput either)."""
    from conflictmap.store import Store
    from loaders.batch import _client, run_batch
    from loaders.sources import iter_articles

    db = tmp / f"w{workers}-{rep}.db"
    sizes = {} if chunk is None else {"chunk_size": chunk}
    t0 = time.perf_counter()
    with Store(db) as store, _client(workers, None, None) if workers else nullcontext() as client:
        setup = time.perf_counter() - t0
        workers0 = _workers_cpu(client) if client else 0.0
        started: list[float] = []  # this process's CPU once the sources are read (run_batch's first report)

        def mark(_progress) -> None:
            if not started:
                started.append(time.process_time())

        result = run_batch(store, iter_articles([corpus]), client=client, batch_size=batch, progress=mark, **sizes)
        client_cpu = time.process_time() - started[0]
        worker_cpu = _workers_cpu(client) - workers0 if client else 0.0
    n = max(result.analysed, 1)
    return result.throughput, setup, result.analysed, db, client_cpu / n, worker_cpu / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--serial", action="store_true", help="also run in-process (no Dask)")
    ap.add_argument("--chunk", type=int, default=None, help="most articles per Dask task (default: run_batch's)")
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=1, help="alternate the worker counts this many times")
    args = ap.parse_args()

    from geodata.gazetteer import load_gazetteer

    load_gazetteer()  # build the on-disk index once, before any worker wants it
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        corpus = tmp / "corpus.jsonl"
        gen = _gen()
        gen.write(gen.generate(args.n, seed=1), corpus)
        print(f"corpus: {args.n} articles, {corpus.stat().st_size / 1e6:.1f} MB; cpus={os.cpu_count()}")
        results: dict[int, list[tuple[float, Path]]] = {}
        for rep in range(args.repeat):
            for w in ([0] if args.serial else []) + args.workers:
                load = os.getloadavg()[0]
                rate, setup, n, db, cpu, wcpu = run(corpus, w, chunk=args.chunk, batch=args.batch, tmp=tmp, rep=rep)
                results.setdefault(w, []).append((rate, db))
                name = "serial" if w == 0 else f"{w} worker{'s' if w > 1 else ''}"
                print(
                    f"{name:>10}: {rate:6.1f} articles/s ({n} articles; cluster start-up {setup:.1f} s; load before"
                    f" {load:.2f}; CPU per article: client {1000 * cpu:.2f} ms, workers {1000 * wcpu:.2f} ms)",
                    flush=True,
                )
        dbs = [db for runs in results.values() for _, db in runs]
        same = all(_tables(d) == _tables(dbs[0]) for d in dbs[1:])
        print(f"stores equal: {same}")
        if 1 in results and 2 in results:
            median = {w: statistics.median(rate for rate, _ in results[w]) for w in (1, 2)}
            print(
                f"speed-up 2 vs 1 worker: {median[2] / median[1]:.2f}x"
                + (f" (medians of {args.repeat} runs each)" if args.repeat > 1 else "")
            )


if __name__ == "__main__":
    main()
