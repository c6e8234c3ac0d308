"""Time presentation maps of a big store: the static renderer and the Chromium capture.

    .venv/bin/python bench/gen_incidents.py --db /tmp/b100k.db --n 100000
    .venv/bin/python bench/bench_render.py --db /tmp/b100k.db [--repeat 3] [--no-capture]

For each case: the first call in this process (boundaries read, caches cold) and the median of
``--repeat`` further calls (what a batch or a server pays), plus ``conflictmap render`` as a fresh
process (Python start and imports included). Targets (issue 6): a 1920×1080 PNG of 100,000
incidents in ≤ 3 s, a capture of the interactive view in ≤ 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(label: str, make, repeat: int) -> tuple[float, float]:
    t0 = time.perf_counter()
    data = make()
    first = time.perf_counter() - t0
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        make()
        runs.append(time.perf_counter() - t0)
    warm = statistics.median(runs) if runs else first
    print(f"{label:<58} first {first:6.2f} s   warm {warm:6.2f} s   {len(data) / 1e3:7.0f} kB", flush=True)
    return first, warm


def cli(label: str, argv: list[str]) -> float:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / ("map.pdf" if "pdf" in argv else "map.png")
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "conflictmap.cli", *argv, "-o", str(out)], check=True, stderr=subprocess.DEVNULL
        )
        took = time.perf_counter() - t0
    print(f"{label:<58} {took:6.2f} s (fresh process)", flush=True)
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-capture", action="store_true", help="skip the Chromium capture")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))
    from conflictmap import views
    from conflictmap.store import Store
    from dashboard.static_map import render_map

    with Store(args.db) as store:
        view = views.ViewFilter()
        n = views.count(store, view)
        print(f"{args.db}: {n:,} incidents in the view; 1920×1080 PNG unless said", flush=True)
        timed(
            "static, points mode (as the dashboard: density past 20,000)", lambda: render_map(store, view), args.repeat
        )
        timed(
            f"static, all {n:,} incidents as points (--all-points)",
            lambda: render_map(store, view, all_points=True),
            args.repeat,
        )
        timed("static, admin-1 choropleth", lambda: render_map(store, view.replace(mode="choropleth")), args.repeat)
        timed(
            "static, print theme, A4 at 300 dpi (3508×2480), all points",
            lambda: render_map(store, view, theme="print", paper="a4", all_points=True),
            args.repeat,
        )
        timed("static, SVG, all points", lambda: render_map(store, view, fmt="svg", all_points=True), args.repeat)
        if not args.no_capture:
            from dashboard.capture import capture_map

            timed("capture of the interactive view (Chromium, PNG)", lambda: capture_map(store, view), args.repeat)
            battles = view.replace(event_types=("Battles",), start=date(2023, 1, 1), end=date(2023, 12, 31))
            timed(
                "capture, points mode under the limit (Battles in 2023, PNG)",
                lambda: capture_map(store, battles),
                args.repeat,
            )
            from dashboard.capture import Browser, capture_view

            with Browser() as browser:  # a batch: Chromium started once
                timed(
                    "capture with Chromium kept open (a batch), PNG",
                    lambda: capture_view(store, view, browser=browser).data,
                    args.repeat,
                )
    db = ["--db", str(args.db), "render"]
    cli("conflictmap render --all-points", [*db, "--all-points"])
    cli("conflictmap render (density, as the dashboard)", db)
    if not args.no_capture:
        cli("conflictmap render --capture", [*db, "--capture"])


if __name__ == "__main__":
    main()
