"""Benchmark: ingest the founding article into a fresh store, then export it to GeoJSON.

Run from the repository root:

    .venv/bin/python bench/bench_ingest_export.py                      # ../shared/seeds/aes-liptako-gourma-charter.txt, 5 runs
    .venv/bin/python bench/bench_ingest_export.py ARTICLE.txt -n 10
    .venv/bin/python bench/bench_ingest_export.py --fresh-cache         # also time the gazetteer index build

By default the gazetteer index is the one cached under ``$CONFLICTMAP_HOME`` (built on first use,
~20 s); ``--fresh-cache`` points ``CONFLICTMAP_HOME`` at a temporary folder instead.

Stages: ``read`` (read_article), ``geoparse``, ``store`` (add_article in a new SQLite file),
``places`` (places_frame) and ``geojson`` (to_geojson). Run 1 is *cold*: it includes importing the
geoparser and loading the gazetteer (from its on-disk cache, or building it with ``--fresh-cache``).
The other runs are *warm*; the table shows their median. Every run uses a new store, so the
insert really happens. Peak memory: ``ru_maxrss`` of the process (everything, including imports),
and the tracemalloc peak of Python allocations during one extra warm run (tracemalloc slows the
code down, so it is not on while timing).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLE = REPO.parent / "shared" / "seeds" / "aes-liptako-gourma-charter.txt"
STAGES = ("read", "geoparse", "store", "places", "geojson")


def one_run(article_path: Path, workdir: Path, n: int) -> tuple[dict[str, float], int]:
    from conflictmap.exports import to_geojson
    from conflictmap.store import Store
    from conflictmap.views import places_frame
    from loaders.articles import read_article

    times: dict[str, float] = {}

    def timed(stage: str, fn, *args, **kwargs):
        t = time.perf_counter()
        value = fn(*args, **kwargs)
        times[stage] = time.perf_counter() - t
        return value

    article = timed("read", read_article, article_path)

    def parse():
        from loaders.geoparse import geoparse  # imported inside the stage: the cold run pays for it

        return geoparse(article.text, lang=article.lang)

    mentions = timed("geoparse", parse)
    with Store(workdir / f"bench-{n}.db") as store:
        timed("store", store.add_article, article, mentions)
        gdf = timed("places", places_frame, store)
        text = timed("geojson", to_geojson, gdf)
    times["total"] = sum(times[s] for s in STAGES)
    return times, len(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("article", nargs="?", type=Path, default=DEFAULT_ARTICLE)
    parser.add_argument("-n", "--runs", type=int, default=5, help="repetitions (first is cold)")
    parser.add_argument(
        "--fresh-cache", action="store_true", help="empty CONFLICTMAP_HOME: the cold run builds the gazetteer index"
    )
    args = parser.parse_args(argv)
    if not args.article.exists():
        parser.error(f"article not found: {args.article}")

    with tempfile.TemporaryDirectory(prefix="conflictmap-bench-") as tmp:
        workdir = Path(tmp)
        if args.fresh_cache:
            os.environ["CONFLICTMAP_HOME"] = str(workdir / "home")
        runs = [one_run(args.article, workdir, i) for i in range(max(1, args.runs))]
        tracemalloc.start()
        one_run(args.article, workdir, len(runs))
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if sys.platform == "darwin":  # bytes there, kilobytes on Linux
        maxrss_kb //= 1024
    cold, warm = runs[0][0], [r[0] for r in runs[1:]]

    from geodata.paths import home

    print(
        f"article: {args.article} ({args.article.stat().st_size:,} bytes), runs: {len(runs)}, "
        f"GeoJSON: {runs[0][1]:,} bytes"
    )
    print(f"gazetteer cache: {'fresh, built in the cold run' if args.fresh_cache else f'under {home()}'}")
    print(f"{'stage':<10} {'cold (ms)':>10} {'warm median (ms)':>17} {'warm min (ms)':>14}")
    for stage in (*STAGES, "total"):
        w = [r[stage] for r in warm]
        med = f"{statistics.median(w) * 1e3:17.1f}" if w else f"{'-':>17}"
        low = f"{min(w) * 1e3:14.1f}" if w else f"{'-':>14}"
        print(f"{stage:<10} {cold[stage] * 1e3:10.1f} {med} {low}")
    print(
        f"peak RSS (ru_maxrss): {maxrss_kb / 1024:.0f} MiB; tracemalloc peak, one warm run: {traced_peak / 2**20:.1f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
