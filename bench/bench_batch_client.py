"""What the batch client process spends per article, apart from the analysis.

    .venv/bin/python bench/bench_batch_client.py --n 1500 [--workers 1 2] [--reps 3] [--chunk 256]

On 2 cores the 2-worker speed-up is about 2·a / (a + c), with ``a`` the workers' CPU per article and
``c`` the client's (writer, Dask scheduler, nannies, comms). ``bench_batch.py`` measures both, but
while geoparsing runs ``c`` is small beside ``a`` and moves with the machine's load. Here the corpus
is analysed once, in this process, and the workers of ``run_batch``'s own LocalCluster only *replay*
those results (a worker plugin swaps ``analyse_many`` for a lookup), so the client runs at its own
top speed and its CPU per article (per thread: ``MainThread`` = reading results and the writer,
``IO loop`` = scheduler, nannies, client comms) is measured with little else mixed in.
The store each run writes is compared with the first one's.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _bench_batch():
    import bench_batch  # a sibling script: this folder is first on sys.path when a script of it runs

    return bench_batch


def _thread_cpu() -> dict[str, float]:
    """CPU seconds of this process's threads, by thread name."""
    import psutil

    names = {t.native_id: t.name for t in threading.enumerate()}
    out: dict[str, float] = {}
    for t in psutil.Process().threads():
        name = names.get(t.id, "other")
        out[name] = out.get(name, 0.0) + t.user_time + t.system_time
    return out


def _replay_plugin(results_file: Path):
    from distributed.diagnostics.plugin import WorkerPlugin

    class Replay(WorkerPlugin):
        """Replaces the analysis on the worker with a lookup of the precomputed results."""

        name = "conflictmap-warm-up"  # takes the place of run_batch's WarmUp (no gazetteer needed)

        def setup(self, worker) -> None:
            import loaders.batch as batch

            with open(results_file, "rb") as f:
                by_id = pickle.load(f)
            batch.analyse_many = lambda articles, extract_incidents=True: [by_id[a.id] for a in articles]

    return Replay


def run(articles: list, workers: int, results_file: Path, db: Path, chunk: int | None) -> tuple[float, float, dict]:
    import loaders.batch as batch
    from conflictmap.store import Store

    marks: dict = {}

    def mark(p) -> None:  # from the first commit to the last one, as in bench_batch.py
        if p.done and "t0" not in marks:
            marks.update(t0=_thread_cpu(), p0=time.process_time(), d0=p.done)
        if p.done == p.total and "t1" not in marks:
            marks.update(t1=_thread_cpu(), p1=time.process_time())

    warm_up, batch.WarmUp = batch.WarmUp, _replay_plugin(results_file)
    try:
        with Store(db) as store:
            sizes = {} if chunk is None else {"chunk_size": chunk}
            result = batch.run_batch(store, articles, workers=workers, progress=mark, **sizes)
    finally:
        batch.WarmUp = warm_up
    n = max(result.analysed - marks["d0"], 1)
    threads = {k: 1000 * (v - marks["t0"].get(k, 0.0)) / n for k, v in marks["t1"].items()}
    return result.throughput, 1000 * (marks["p1"] - marks["p0"]) / n, threads


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--workers", type=int, nargs="+", default=[2])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--chunk", type=int, default=None, help="most articles per Dask task (default: run_batch's)")
    args = ap.parse_args()

    from loaders.batch import analyse_many
    from loaders.sources import iter_articles

    bench = _bench_batch()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        corpus = tmp / "corpus.jsonl"
        gen = bench._gen()
        gen.write(gen.generate(args.n, seed=1), corpus)
        articles = list(iter_articles([corpus]))
        results = [r for i in range(0, len(articles), 128) for r in analyse_many(articles[i : i + 128])]
        results_file = tmp / "results.pkl"
        results_file.write_bytes(pickle.dumps({a.id: r for a, r in zip(articles, results)}))
        dbs = []
        for w in args.workers:
            for rep in range(args.reps):
                load = os.getloadavg()[0]
                dbs.append(tmp / f"w{w}-{rep}.db")
                rate, cpu, threads = run(articles, w, results_file, dbs[-1], args.chunk)
                parts = ", ".join(
                    f"{k} {v:.3f}" for k, v in sorted(threads.items(), key=lambda kv: -kv[1]) if v >= 0.002
                )
                print(
                    f"{w} worker{'s' if w > 1 else ' '}: client CPU {cpu:.3f} ms/article ({parts}); "
                    f"{rate:7.1f} articles/s; load before {load:.2f}",
                    flush=True,
                )
        print(f"stores equal: {all(bench._tables(d) == bench._tables(dbs[0]) for d in dbs[1:])}")


if __name__ == "__main__":
    main()
