"""Benchmark: export a view of 100,000 incidents to every format (time and file size).

Run from the repository root:

    .venv/bin/python bench/bench_view_export.py                  # 100,000 incidents, 3 runs per format
    .venv/bin/python bench/bench_view_export.py --n 20000 --runs 5 --db /tmp/bench-export.db

The store is filled by ``bench/gen_incidents.py`` (synthetic ACLED-like incidents across Burkina
Faso, Mali and Niger; reused when ``--db`` already holds them). The view is the dashboard's opening
view (all dates, default layers: incidents, places, alliances on today's date, the Liptako-Gourma
zone), exported with ``conflictmap.exports.export_view_bytes`` — what the download buttons and
``conflictmap export`` run. ``layers`` is ``view_layers`` alone (the SQL query, provenance join and
geometry building), included in every format's time. The table shows the median of the runs and
the process's peak RSS at the end (everything, imports included).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

FORMATS = ("geojson", "csv", "gpkg", "kml")


def fill(db: Path, n: int) -> None:
    from gen_incidents import generate

    from conflictmap.store import Store

    with Store(db) as store:
        have = store.counts()["incidents"]
    if have < n:
        t = time.perf_counter()
        generate(db, n - have, seed=have + 1)
        print(f"store: {n - have:,} incidents generated in {time.perf_counter() - t:.1f} s", file=sys.stderr)


def timed(fn, *args, runs: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(runs):
        t = time.perf_counter()
        value = fn(*args)
        times.append(time.perf_counter() - t)
    return statistics.median(times), value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="incidents in the store (default 100,000)")
    ap.add_argument("--runs", type=int, default=3, help="runs per format (median shown)")
    ap.add_argument("--db", type=Path, help="store to use or fill (default: a temporary file)")
    args = ap.parse_args()

    from conflictmap.exports import export_view_bytes
    from conflictmap.exports.layers import summary, view_layers
    from conflictmap.store import Store
    from conflictmap.views import ViewFilter

    with tempfile.TemporaryDirectory(prefix="bench-view-export-") as tmp:
        db = args.db or Path(tmp) / "bench.db"
        fill(db, args.n)
        view = ViewFilter()
        with Store(db) as store:
            export_view_bytes(store, view, "geojson")  # warm up: imports, boundaries, alliance polygons
            seconds, layers = timed(view_layers, store, view, runs=args.runs)
            print(f"view: {summary(layers)}")
            print(f"{'format':<8} {'seconds':>8} {'MB':>8}")
            print(f"{'layers':<8} {seconds:>8.2f} {'':>8}")
            for fmt in FORMATS:
                seconds, data = timed(export_view_bytes, store, view, fmt, runs=args.runs)
                print(f"{fmt:<8} {seconds:>8.2f} {len(data) / 1e6:>8.1f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    main()
