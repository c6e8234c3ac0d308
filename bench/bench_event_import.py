"""Benchmark: import generated ACLED-format CSV files (100k and 1M rows) into a fresh store.

Run from the repository root:

    .venv/bin/python bench/bench_event_import.py                 # 100k and 1M rows
    .venv/bin/python bench/bench_event_import.py --rows 100000   # one size
    .venv/bin/python bench/bench_event_import.py --keep DIR      # keep the generated files in DIR

The generator writes the 2023 ACLED layout (ISO dates, ``disorder_type``, ``civilian_targeting``,
``tags``) with invented events at 20,000 invented locations spread over Burkina Faso, Mali and
Niger (an analyst's real file has a few thousand distinct locations per country), fields left blank
as often as in a real export (``FILLED``), 1 % of the rows bad (unparseable dates, coordinates out
of range, unknown event types). Nothing comes from ACLED.

Each size is imported in its own child process, so the figures are that import's alone:
``rows/s`` = rows in the file / wall time of ``import_events`` (reading, checking, point-in-polygon,
inserting, learning places, linking), and ``peak RSS`` = the child's ``ru_maxrss`` plus that of the
importer's own reading process when a large file starts one (both peaks added, as if they
coincided: an upper bound; all of it: Python, pandas, the boundary layers, SQLite's cache).
``CPU s`` is the import's CPU time (all threads, both processes) and ``load`` the machine's
1-minute load average when it ended: on a shared machine the wall time says as much about the
neighbours as about the import. A second import of the same file follows and must add nothing.
The store and ``CONFLICTMAP_HOME`` are temporary folders.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

HEADER = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
BOXES = {
    "Burkina Faso": ("BFO", 854, (9.6, 14.9), (-5.3, 2.2)),
    "Mali": ("MLI", 466, (10.5, 24.5), (-11.5, 4.0)),
    "Niger": ("NIR", 562, (12.0, 23.0), (0.5, 15.5)),
}
ACTORS = [
    "JNIM: Group for Support of Islam and Muslims",
    "Islamic State (Sahel)",
    "Military Forces of Burkina Faso",
    "Military Forces of Mali (2021-)",
    "VDP: Volunteers for the Defense of the Homeland",
    "Civilians (Burkina Faso)",
    "Wagner Group",
    "Unidentified Armed Group (Burkina Faso)",
    "Protesters (Mali)",
    "Rioters (Niger)",
]
ASSOCIATES = [
    "Fulani Ethnic Group (Burkina Faso)",
    "Women (Burkina Faso)",
    "Koglweogo Militia",
    "Farmers (Mali)",
    "Dozo Communal Militia (Mali)",
    "Teachers (Niger)",
    "Labour Group (Burkina Faso)",
]
#: Shares of rows with a value, as in a real export (the shared ACLED sample of 200 Burkina Faso
#: events: associated actor 1 in 25 %, actor 2 in 73 %, associated actor 2 in 44 %; tags and civilian
#: targeting only on some events): the others are blank, and the importer stores blanks as NULL.
FILLED = {"assoc_actor_1": 0.25, "actor2": 0.73, "assoc_actor_2": 0.44, "tags": 0.3}


def generate(path: Path, rows: int, seed: int = 7, n_places: int = 20_000) -> None:
    from loaders.taxonomy import DISORDER_TYPE, EVENT_TYPES

    rng = np.random.default_rng(seed)
    countries = list(BOXES)
    pc = rng.integers(0, len(countries), n_places)
    plat = np.array([rng.uniform(*BOXES[countries[c]][2]) for c in pc])
    plon = np.array([rng.uniform(*BOXES[countries[c]][3]) for c in pc])
    types = [(t, s) for t, subs in EVENT_TYPES.items() for s in subs]
    start = np.datetime64("2018-01-01")
    block = 100_000
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for b in range(0, rows, block):
            n = min(block, rows - b)
            place = rng.integers(0, n_places, n)
            ty = rng.integers(0, len(types), n)
            days = rng.integers(0, 365 * 6, n)
            fat = rng.poisson(1.5, n)
            a1 = rng.integers(0, len(ACTORS), n)
            a2 = rng.integers(0, len(ACTORS), n)
            prec = rng.choice([1, 1, 1, 2, 3], n)
            bad = rng.random(n) < 0.01
            filled = {k: rng.random(n) < share for k, share in FILLED.items()}
            assoc = rng.integers(0, len(ASSOCIATES), (n, 2))
            for i in range(n):
                k = b + i
                c = countries[pc[place[i]]]
                code, iso, _, _ = BOXES[c]
                t, s = types[ty[i]]
                day = str(start + days[i])
                lat, lon = f"{plat[place[i]]:.4f}", f"{plon[place[i]]:.4f}"
                if bad[i]:
                    kind = k % 3
                    if kind == 0:
                        day = "not a date"
                    elif kind == 1:
                        lat = "95.0"
                    else:
                        t = "Picnic"
                actor2 = ACTORS[a2[i]] if filled["actor2"][i] else ""
                targeting = (
                    "Civilian targeting" if t == "Violence against civilians" or actor2.startswith("Civilians") else ""
                )
                w.writerow(
                    [
                        f"{code}{k}",
                        day,
                        day[:4],
                        1,
                        DISORDER_TYPE.get(t, ""),
                        t,
                        s,
                        ACTORS[a1[i]],
                        ASSOCIATES[assoc[i, 0]] if filled["assoc_actor_1"][i] else "",
                        1,
                        actor2,
                        ASSOCIATES[assoc[i, 1]] if filled["assoc_actor_2"][i] else "",
                        2,
                        12,
                        targeting,
                        iso,
                        "Western Africa",
                        c,
                        f"Region {place[i] % 13}",
                        f"Province {place[i] % 45}",
                        "",
                        f"Place {place[i]}",
                        lat,
                        lon,
                        prec[i],
                        "Generated",
                        "Other",
                        f"Generated event {k} at Place {place[i]}: {t.lower()}.",
                        fat[i],
                        "crowd size=no report" if filled["tags"][i] else "",
                        1700000000,
                    ]
                )


def child(path: str, db: str) -> None:
    """Runs in a child process: import twice, print JSON figures."""
    from conflictmap.store import Store
    from loaders.event_import import import_events

    store = Store(db)
    t0 = time.perf_counter()
    r0 = _cpu()
    first = import_events(store, path)
    t1 = time.perf_counter()
    r1 = _cpu()
    second = import_events(store, path)
    t2 = time.perf_counter()
    print(
        json.dumps(
            {
                "rows": first.rows_read,
                "added": first.added,
                "bad": first.bad,
                "seconds": t1 - t0,
                "rows_per_s": first.rows_read / (t1 - t0),
                "second_added": second.added,
                "second_seconds": t2 - t1,
                "peak_rss_mb": sum(
                    resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                )
                / 1024,
                "places_learned": first.places_learned,
                "cpu_s": r1 - r0,
                "load": os.getloadavg()[0],
            }
        )
    )


def _cpu() -> float:
    """CPU seconds of this process (all threads) and of its ended children (the importer's reading
    process for a large file)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, action="append", help="rows per file (repeatable; default 100000 and 1000000)")
    p.add_argument("--keep", type=Path, help="write the generated files here and keep them")
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    sizes = args.rows or [100_000, 1_000_000]
    print("command: .venv/bin/python bench/bench_event_import.py " + " ".join(sys.argv[1:]))
    with tempfile.TemporaryDirectory(prefix="conflictmap-bench-") as tmp:
        tmp = Path(tmp)
        folder = args.keep or tmp
        folder.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, CONFLICTMAP_HOME=str(tmp / "home"))
        print(
            f"{'rows':>10} {'gen s':>7} {'import s':>9} {'rows/s':>9} {'CPU s':>7} {'peak RSS':>9} {'added':>9} "
            f"{'bad':>7} {'re-import adds':>15} {'re-import s':>11} {'load':>5}"
        )
        for n in sizes:
            path = folder / f"acled_generated_{n}.csv"
            t = time.perf_counter()
            if not path.exists():
                generate(path, n)
            gen = time.perf_counter() - t
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(path), str(tmp / f"store-{n}.db")],
                env=env,
                capture_output=True,
                text=True,
                cwd=REPO,
            )
            if out.returncode:
                print(out.stderr)
                return 1
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{r['rows']:>10,} {gen:>7.1f} {r['seconds']:>9.1f} {r['rows_per_s']:>9,.0f} {r['cpu_s']:>7.1f} "
                f"{r['peak_rss_mb']:>7,.0f}MB {r['added']:>9,} {r['bad']:>7,} {r['second_added']:>15,} "
                f"{r['second_seconds']:>11.1f} {r['load']:>5.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
