"""Measure incident extraction against an ACLED file: each row's ``notes`` is read as an article and
the incident found is compared with the row's event type, date and fatalities (and the distance
from the row's point to the location found).

The ``notes`` have no dateline; ``--dateline`` says which one the "article" is given:
``event`` (published on the day of the event, as wire reports are: the default), ``next-day``
(published the day after) or ``none`` (the text alone). A quarter of the older notes carry no full
date ("on 11 July", "on Oct. 30") or none at all, so the dateline matters for them.

    conflictmap evaluate-incidents FILE [--dateline event|next-day|none] [--no-geo] [--show N]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd


def evaluate_file(path: str | Path, *, dateline: str = "event", geo: bool = True) -> tuple[dict, pd.DataFrame]:
    from loaders.event_import import parse_dates
    from loaders.incidents import extract_incident

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = {"notes", "event_date", "event_type", "fatalities"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: not an ACLED file with notes (missing {', '.join(sorted(missing))})")
    truth_dates = pd.to_datetime(parse_dates(frame["event_date"]))
    geoparse = None
    if geo:
        from loaders.geoparse import geoparse
    rows = []
    for i, r in frame.iterrows():
        day = truth_dates.iloc[i].date() if pd.notna(truth_dates.iloc[i]) else None
        line = {"event": day, "next-day": day + timedelta(days=1) if day else None, "none": None}[dateline]
        kwargs = {"dateline": line}
        if not geo:
            kwargs["mentions"] = []
        else:
            kwargs["geoparse"] = geoparse
        inc = extract_incident(r["notes"], **kwargs)
        km = np.nan
        if inc is not None and inc.lat is not None and r.get("latitude"):
            from loaders.incident_links import _haversine_km

            km = float(_haversine_km(float(r["latitude"]), float(r["longitude"]), inc.lat, inc.lon))
        rows.append({
            "line": i + 2, "true_type": r["event_type"], "type": inc.event_type if inc else None,
            "true_date": day.isoformat() if day else None, "date": inc.event_date if inc else None,
            "true_fatalities": int(r["fatalities"]) if r["fatalities"].strip().isdigit() else None,
            "fatalities": inc.fatalities if inc else None, "true_location": r.get("location"),
            "location": inc.location if inc else None, "km": km, "notes": r["notes"],
        })
    out = pd.DataFrame(rows)
    n = len(out)
    figures = {
        "rows": n,
        "type": float((out["type"] == out["true_type"]).mean()),
        "date": float((out["date"] == out["true_date"]).mean()),
        "fatalities": float((out["fatalities"] == out["true_fatalities"]).mean()),
    }
    if geo:
        figures["located"] = float(out["km"].notna().mean())
        figures["within_10km"] = float((out["km"] <= 10).mean())
        figures["median_km"] = float(out["km"].median()) if out["km"].notna().any() else float("nan")
    return figures, out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="conflictmap evaluate-incidents", description=__doc__.split("\n\n")[0])
    p.add_argument("file")
    p.add_argument("--dateline", choices=("event", "next-day", "none"), default="event")
    p.add_argument("--no-geo", action="store_true", help="skip geoparsing (type/date/fatalities only)")
    p.add_argument("--show", type=int, default=0, metavar="N", help="print N disagreements per field")
    args = p.parse_args(argv)
    figures, out = evaluate_file(args.file, dateline=args.dateline, geo=not args.no_geo)
    print(f"{figures['rows']} notes read as articles (dateline: {args.dateline})")
    print(f"  event type agrees with event_type : {figures['type']:6.1%}")
    print(f"  date exact                        : {figures['date']:6.1%}")
    print(f"  fatalities exact                  : {figures['fatalities']:6.1%}")
    if "located" in figures:
        print(f"  location found                    : {figures['located']:6.1%}"
              f"  (within 10 km of the row's point: {figures['within_10km']:.1%}, median {figures['median_km']:.1f} km)")
    confusion = Counter(zip(out["true_type"], out["type"]))
    wrong = [(k, v) for k, v in confusion.most_common() if k[0] != k[1]][:5]
    if wrong:
        print("  commonest type confusions: " + "; ".join(f"{a} → {b} ({v})" for (a, b), v in wrong))
    for name, truth in (("type", "true_type"), ("date", "true_date"), ("fatalities", "true_fatalities")):
        bad = out[out[name] != out[truth]].head(args.show)
        for _, r in bad.iterrows():
            print(f"  [{name}] line {r['line']}: file {r[truth]!r}, read {r[name]!r}: {r['notes'][:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
