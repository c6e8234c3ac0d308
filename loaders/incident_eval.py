"""Measure incident extraction against an ACLED file: each row's ``notes`` is read as an article and
the incident found is compared with the row's event type, date and fatalities (and the distance
from the row's point to the location found).

The ``notes`` have no publication date, so ``--dateline`` says which one the "article" is given:

* ``next-day`` (the default): published the day after the event — a stand-in for a real
  publication date, the daily news cycle;
* ``event``: published on the day of the event (optimistic: a note without a date is then
  dated by its own answer);
* ``none``: the text alone (dates without a year, weekdays and "yesterday" cannot be resolved);
* ``all``: the three, one after the other.

A quarter of the older notes carry no full date ("on 11 July", "on Oct. 30") or none at all, so the
dateline matters for them. The date figure is also given separately for notes whose text has a
date expression and for those without one: without one the extractor falls back on the day before
the dateline (:mod:`loaders.incidents`), which under ``next-day`` is the event day *by
construction* — that part of the figure measures the convention, not the reading.

ACLED notes often open with a coder's prefix ("Looting:", "Arrests:", "Non-violent activity:")
that the classifier honours, but that no real article carries; the type figure is therefore also
given with those prefixes stripped from the notes (the honest figure for articles).

    conflictmap evaluate-incidents FILE [--dateline next-day|event|none|all] [--no-geo] [--show N]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from conflictmap.errors import InputError
from loaders.taxonomy import strip_prefix

__all__ = ["evaluate_file", "main"]


def evaluate_file(path: str | Path, *, dateline: str = "next-day", geo: bool = True) -> tuple[dict, pd.DataFrame]:
    from loaders.event_import import parse_dates
    from loaders.incidents import extract_incident, find_dates

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = {"notes", "event_date", "event_type", "fatalities"} - set(frame.columns)
    if missing:
        raise InputError(f"{path}: not an ACLED file with notes (missing {', '.join(sorted(missing))})")
    truth_dates = pd.to_datetime(parse_dates(frame["event_date"]))
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
        if inc is not None and inc.lat is not None and inc.lon is not None and r.get("latitude"):
            from geodata.distance import haversine_km

            km = float(haversine_km(float(r["latitude"]), float(r["longitude"]), inc.lat, inc.lon))
        bare = strip_prefix(r["notes"])
        if bare != r["notes"]:
            bare_inc = extract_incident(bare, dateline=line, mentions=[])
            bare_type = bare_inc.event_type if bare_inc else None
        else:
            bare_type = inc.event_type if inc else None
        rows.append(
            {
                "line": i + 2,
                "true_type": r["event_type"],
                "type": inc.event_type if inc else None,
                "type_no_prefix": bare_type,
                "prefixed": bare != r["notes"],
                "date_in_text": bool(find_dates(r["notes"], line)),
                "true_date": day.isoformat() if day else None,
                "date": inc.event_date if inc else None,
                "true_fatalities": int(r["fatalities"]) if r["fatalities"].strip().isdigit() else None,
                "fatalities": inc.fatalities if inc else None,
                "true_location": r.get("location"),
                "location": inc.location if inc else None,
                "km": km,
                "notes": r["notes"],
            }
        )
    out = pd.DataFrame(rows)
    n = len(out)
    figures = {
        "rows": n,
        "type": float((out["type"] == out["true_type"]).mean()),
        "type_no_prefix": float((out["type_no_prefix"] == out["true_type"]).mean()),
        "prefixed": int(out["prefixed"].sum()),
        "date": float((out["date"] == out["true_date"]).mean()),
        "date_in_text_rows": int(out["date_in_text"].sum()),
        "date_in_text": float((out["date"] == out["true_date"])[out["date_in_text"]].mean()),
        "date_fallback": float((out["date"] == out["true_date"])[~out["date_in_text"]].mean()),
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
    p.add_argument(
        "--dateline",
        choices=("next-day", "event", "none", "all"),
        default="next-day",
        help="the publication date the notes are given (default next-day; all: the three)",
    )
    p.add_argument("--no-geo", action="store_true", help="skip geoparsing (type/date/fatalities only)")
    p.add_argument("--show", type=int, default=0, metavar="N", help="print N disagreements per field")
    args = p.parse_args(argv)
    modes = ("next-day", "event", "none") if args.dateline == "all" else (args.dateline,)
    for mode in modes:
        figures, out = evaluate_file(args.file, dateline=mode, geo=not args.no_geo)
        _print(figures, out, mode, args.show)
    return 0


def _print(figures: dict, out: pd.DataFrame, mode: str, show: int) -> None:
    n_text, n = figures["date_in_text_rows"], figures["rows"]
    print(f"{n} notes read as articles (dateline: {mode})")
    print(f"  event type agrees with event_type : {figures['type']:6.1%}")
    print(
        f"    with ACLED's prefixes stripped  : {figures['type_no_prefix']:6.1%}  ({figures['prefixed']} notes had one)"
    )
    print(f"  date exact                        : {figures['date']:6.1%}")
    print(f"    notes with a date in the text   : {figures['date_in_text']:6.1%}  ({n_text} notes)")
    if n - n_text:
        how = "no dateline: no date" if mode == "none" else "the day before the dateline, precision 2"
        print(f"    notes without ({how}): {figures['date_fallback']:6.1%}  ({n - n_text} notes)")
    print(f"  fatalities exact                  : {figures['fatalities']:6.1%}")
    if "located" in figures:
        print(
            f"  location found                    : {figures['located']:6.1%}"
            f"  (within 10 km of the row's point: {figures['within_10km']:.1%}, median {figures['median_km']:.1f} km)"
        )
    confusion = Counter(zip(out["true_type"], out["type"]))
    wrong = [(k, v) for k, v in confusion.most_common() if k[0] != k[1]][:5]
    if wrong:
        print("  commonest type confusions: " + "; ".join(f"{a} → {b} ({v})" for (a, b), v in wrong))
    for name, truth in (
        ("type", "true_type"),
        ("type_no_prefix", "true_type"),
        ("date", "true_date"),
        ("fatalities", "true_fatalities"),
    ):
        bad = out[out[name] != out[truth]].head(show)
        for _, r in bad.iterrows():
            print(f"  [{name}] line {r['line']}: file {r[truth]!r}, read {r[name]!r}: {r['notes'][:160]}")


if __name__ == "__main__":
    sys.exit(main())
