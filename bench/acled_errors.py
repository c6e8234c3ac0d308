"""Why event locations miss: every ACLED row of geo_precision 1 whose event location (``geoparse`` of
its notes, then ``event_location``) is 10 km or more from ACLED's point, with its cause.

    CONFLICTMAP_HOME=... .venv/bin/python bench/acled_errors.py ../shared/data/events/acled_burkina_faso_sample200.csv

Causes, from ACLED's own ``location`` name and the gazetteer (with whatever tiers the home holds):

* ``notes name no place``: the notes do not contain ACLED's location name (nor does it occur folded);
* ``unknown name``: the gazetteer has no entry of that name (a village missing from the dump);
* ``gazetteer point far``: entries have the name, none within 10 km of ACLED's point;
* ``not recognised``: a near entry exists, but no mention covers the name in the notes;
* ``other place chosen``: the name was resolved near, but the event location is another mention;
* ``wrong candidate``: the name's mention was resolved to another entry of that name.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

from geodata.gazetteer import load_gazetteer
from geodata.names import normalise
from loaders.evaluate import haversine_km
from loaders.geoparse import event_location, geoparse

NEAR_KM = 10.0


def _cause(gaz, row: dict, mentions, loc) -> tuple[str, str]:
    name = row["location"]
    glat, glon = float(row["latitude"]), float(row["longitude"])
    if normalise(name) not in normalise(row["notes"]):
        return "notes name no place", ""
    key = gaz.key(name)
    if key is None:
        return "unknown name", ""
    cands = [gaz.entry(i) for i, _ in gaz.candidates(key)]
    dists = sorted(haversine_km(e.lat, e.lon, glat, glon) for e in cands if e.lat is not None)
    if not dists or dists[0] >= NEAR_KM:
        return "gazetteer point far", f"nearest {dists[0]:.0f} km, {len(dists)} entries" if dists else "no point"
    same = [m for m in mentions if normalise(m.text) == normalise(name)]
    if not same or not any(m.resolved for m in same):
        return "not recognised", f"{len(dists)} entries"
    if any(m.resolved and haversine_km(m.lat, m.lon, glat, glon) < NEAR_KM for m in same):
        return "other place chosen", f"chose {loc.text!r}" if loc else "none"
    return "wrong candidate", f"{len(dists)} entries, nearest {dists[0]:.1f} km"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("csv", type=Path)
    parser.add_argument("--precision", default="1")
    args = parser.parse_args()
    gaz = load_gazetteer()
    with open(args.csv, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("geo_precision") == args.precision]
    causes: Counter = Counter()
    lines = []
    for row in rows:
        mentions = geoparse(row["notes"])
        loc = event_location(mentions)
        glat, glon = float(row["latitude"]), float(row["longitude"])
        err = None if loc is None else haversine_km(loc.lat, loc.lon, glat, glon)
        if err is not None and err < NEAR_KM:
            continue
        cause, detail = _cause(gaz, row, mentions, loc)
        causes[cause] += 1
        got = "no location" if loc is None else f"{loc.text!r}->{loc.name} ({err:.0f} km)"
        lines.append(
            f"[{cause}] {row['event_id_cnty']} ACLED {row['location']!r} ({row['admin2']}, {row['admin1']}); "
            f"got {got}; {detail}"
        )
    n = len(rows)
    miss = sum(causes.values())
    print(
        f"{args.csv}: {n} rows of geo_precision {args.precision}, {n - miss} within {NEAR_KM:g} km "
        f"({100 * (n - miss) / n:.1f} %), {miss} misses"
    )
    for cause, k in causes.most_common():
        print(f"  {cause:<22} {k:3d}")
    print("\n".join(sorted(lines)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
