"""Server time and payload of the dashboard on a big store, through Streamlit's AppTest.

    .venv/bin/python bench/gen_incidents.py --db /tmp/b100k.db --n 100000
    .venv/bin/python bench/bench_dashboard.py --db /tmp/b100k.db

Runs the real script (``dashboard/app.py``, or ``--app``) and reports, for the first page, a
series of filter changes and two map moves: the wall time of the script run (server time; caches
warm as in a live session) and the bytes the run sends to the browser. Two byte counts:

* ``elements``: every element of the page (protobuf sizes: the map component's arguments, the
  tables, the charts), as if nothing were cached;
* ``sent``: what goes over the websocket — Streamlit sends an element of 10 kB or more that the
  browser already holds from an earlier run as a reference to it (its ForwardMsg cache), so such an
  element costs nothing here.

The map moves are what streamlit-folium reports when the analyst pans or zooms (the extent lands in
``st.session_state["map_bbox"]``, as the app's map callback puts it). The borders file the map loads
once (``dashboard.basemap_assets``) is printed apart: the browser fetches it once and keeps it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "dashboard" / "app.py")
CACHED_MESSAGE_BYTES = 10_000  # Streamlit's global.minCachedMessageSize


def payload(at, seen: set[str]) -> tuple[int, int, int]:
    """(bytes of all elements, bytes sent given the hashes in ``seen``, bytes of the map) of the last run."""
    total = sent = biggest = 0
    stack = [at._tree]
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())
        proto = getattr(node, "proto", None)
        if proto is not None and not children:
            data = proto.SerializeToString(deterministic=True)
            total += len(data)
            digest = hashlib.sha1(data).hexdigest()
            if len(data) < CACHED_MESSAGE_BYTES or digest not in seen:
                sent += len(data)
            seen.add(digest)
            if "st_folium" in str(getattr(proto, "component_name", "")):
                biggest = max(biggest, len(data))
    return total, sent, biggest


def timed(at, label: str, results: list, seen: set[str]) -> None:
    t0 = time.perf_counter()
    at.run()
    dt = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"{label}: {at.exception[0].message}")
    total, sent, biggest = payload(at, seen)
    caption = next((c.value for c in at.caption if "incidents in this view" in c.value), "").split(" · ")[0]
    results.append((label, dt, total, sent))
    print(
        f"{label:<36} {dt:6.2f} s  elements {total / 1e6:6.2f} MB  sent {sent / 1e6:6.2f} MB"
        f"  (map {biggest / 1e6:5.2f} MB)  {caption}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--app", default=APP, help="the Streamlit script (default: this checkout's dashboard/app.py)")
    args = ap.parse_args()
    os.environ["CONFLICTMAP_DB"] = args.db
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(args.app, default_timeout=900)
    results: list = []
    seen: set[str] = set()
    timed(at, "first page (cold caches)", results, seen)
    timed(at, "rerun, nothing changed", results, seen)
    at.multiselect(key="f_types").set_value(["Battles"])
    timed(at, "event type = Battles", results, seen)
    at.slider(key="f_range").set_value((date(2023, 1, 1), date(2023, 12, 31)))
    timed(at, "+ date range 2023", results, seen)
    at.multiselect(key="f_types").set_value([])
    timed(at, "all types, 2023", results, seen)
    at.radio(key="f_mode").set_value("choropleth")
    timed(at, "choropleth", results, seen)
    at.radio(key="f_metric").set_value("fatalities")
    timed(at, "choropleth of fatalities", results, seen)
    at.radio(key="f_mode").set_value("heatmap")
    timed(at, "heatmap", results, seen)
    at.session_state["map_bbox"] = (-6.0, 11.0, 2.5, 15.5)  # zoom to Burkina Faso
    timed(at, "heatmap, map zoomed to Burkina Faso", results, seen)
    at.session_state["map_bbox"] = (-5.5, 11.2, 3.0, 15.7)  # a small pan
    timed(at, "heatmap, map panned a little", results, seen)
    at.radio(key="f_mode").set_value("points")
    at.multiselect(key="f_countries").set_value(["NER"])
    timed(at, "points, Niger, 2023", results, seen)
    at.select_slider(key="f_period").set_value("2023-06")
    timed(at, "period 2023-06", results, seen)
    changes = results[2:]
    print(
        f"worst filter change or map move: {max(r[1] for r in changes):.2f} s server time; "
        f"most sent by one run: {max(r[3] for r in results) / 1e6:.2f} MB "
        f"(elements {max(r[2] for r in results) / 1e6:.2f} MB)"
    )
    try:
        from dashboard import basemap_assets

        files = sorted(basemap_assets.asset_dir().glob("basemap-*.js"), key=lambda p: p.stat().st_mtime)
        if files:
            print(f"borders file, fetched once per browser and cached: {files[-1].stat().st_size / 1e6:.2f} MB")
    except ImportError:  # an app without it (e.g. --app of an older checkout)
        pass


if __name__ == "__main__":
    main()
