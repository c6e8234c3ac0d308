"""Server time and payload of the dashboard on a big store, through Streamlit's AppTest.

    .venv/bin/python bench/gen_incidents.py --db /tmp/b100k.db --n 100000
    .venv/bin/python bench/bench_dashboard.py --db /tmp/b100k.db

Runs the real script (``dashboard/app.py``) and reports, for the first page and for a series of
filter changes: the wall time of the script run (server time; caches warm as in a live session)
and the bytes of every element the run sends to the browser (protobuf sizes: the map component's
arguments — its whole HTML — the tables, the charts).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "dashboard" / "app.py")


def payload(at) -> tuple[int, int]:
    """(bytes of all elements, bytes of the map component) of the last run."""
    total = biggest = 0
    stack = [at._tree]  # noqa: SLF001
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())
        proto = getattr(node, "proto", None)
        if proto is not None and not children:
            size = proto.ByteSize()
            total += size
            if "streamlit_folium" in str(getattr(proto, "component_name", "")) or size > biggest:
                biggest = max(biggest, size)
    return total, biggest


def timed(at, label: str, results: list) -> None:
    t0 = time.perf_counter()
    at.run()
    dt = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"{label}: {at.exception[0].message}")
    total, biggest = payload(at)
    caption = next((c.value for c in at.caption if "incidents in this view" in c.value), "")
    results.append((label, dt, total, biggest, caption.split(" · ")[0]))
    print(f"{label:<44} {dt:6.2f} s  {total / 1e6:7.2f} MB  (map {biggest / 1e6:6.2f} MB)  {caption.split(' · ')[0]}",
          flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    args = ap.parse_args()
    os.environ["CONFLICTMAP_DB"] = args.db
    sys.path.insert(0, str(REPO))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=600)
    results: list = []
    timed(at, "first page (cold caches)", results)
    timed(at, "rerun, nothing changed", results)
    at.multiselect(key="f_types").set_value(["Battles"])
    timed(at, "event type = Battles", results)
    at.slider(key="f_range").set_value((date(2023, 1, 1), date(2023, 12, 31)))
    timed(at, "+ date range 2023", results)
    at.multiselect(key="f_types").set_value([])
    timed(at, "all types, 2023", results)
    at.radio(key="f_mode").set_value("choropleth")
    timed(at, "choropleth", results)
    at.radio(key="f_metric").set_value("fatalities")
    timed(at, "choropleth of fatalities", results)
    at.radio(key="f_mode").set_value("heatmap")
    timed(at, "heatmap", results)
    at.radio(key="f_mode").set_value("points")
    at.multiselect(key="f_countries").set_value(["NER"])
    timed(at, "points, Niger, 2023", results)
    at.select_slider(key="f_period").set_value("2023-06")
    timed(at, "period 2023-06", results)
    worst = max(r[1] for r in results[2:])
    heaviest = max(r[2] for r in results)
    print(f"worst filter change: {worst:.2f} s server time; heaviest page: {heaviest / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
