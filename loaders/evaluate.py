"""Evaluate the geoparser on an annotated corpus (LGL format) or on ACLED event rows.

Everything here calls the same public functions the app uses (``loaders.geoparse.geoparse`` and
``loaders.geoparse.resolve``); nothing is special-cased for evaluation texts.

Corpus format (one JSON object per line, as ``../shared/eval/lgl.jsonl``)::

    {"id", "text", "toponyms": [{"start", "end", "name", "lat", "lon", "geonameid"}], "lang"?}

Toponyms with ``lat``/``lon`` null count for recognition only.

Metrics
-------
* Recognition: precision, recall and F1 with *exact* spans (same start and end) and with
  *overlapping* spans (one-to-one: each gold span matches at most one predicted span).
* Resolution, over gold toponyms with coordinates, from the great-circle error in km:
  Acc@161 (share with error < 161 km), mean and median error, share within 10 km, and the AUC of
  Gritta et al. (2018, "What's missing in geographical parsing?"): errors sorted ascending,
  ``log(1 + error)`` integrated with the trapezoidal rule and divided by ``log(20039) * (n - 1)``
  (20,039 km is half the Earth's circumference, the largest possible error). AUC is in [0, 1],
  lower is better. A toponym left unresolved counts with the maximum error, 20,039 km.

  *gold spans* resolves the gold spans with ``resolve``; *end-to-end* runs ``geoparse`` and scores
  the gold toponyms that a predicted mention overlaps (the recognised ones, as Gritta et al. do),
  with ``acc161_of_all`` also counting the missed ones as failures.
* ACLED rows: ``geoparse(notes)``; the event location is ``event_location(mentions)`` (the first
  populated place, else the most specific resolved mention); within-10 km share by ``geo_precision``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import sys
import time
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from geodata import distance as geo_distance

__all__ = [
    "EARTH_RADIUS_KM",
    "MAX_ERROR_KM",
    "acc_at",
    "auc",
    "error_summary",
    "evaluate_acled",
    "evaluate_corpus",
    "format_report",
    "gazetteer_ceiling",
    "haversine_km",
    "main",
    "match_spans",
    "prf",
    "read_corpus",
    "split_half",
]

MAX_ERROR_KM = 20039.0
#: The radius of the scores reported so far (docs/, the issues); the app's own is ``geodata.distance``'s.
EARTH_RADIUS_KM = 6371.0


# ---------------------------------------------------------------- pure metrics


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (:func:`geodata.distance.haversine_km`) on the sphere of
    :data:`EARTH_RADIUS_KM` that this module's scores are given with."""
    return geo_distance.haversine_km(lat1, lon1, lat2, lon2, radius_km=EARTH_RADIUS_KM)


def match_spans(
    pred: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]], *, overlap: bool = False
) -> list[tuple[int, int]]:
    """One-to-one (pred index, gold index) pairs: identical spans, or overlapping ones when ``overlap``.

    Overlap matching is greedy in text order, preferring the gold span that overlaps most.
    """
    if not overlap:
        where: dict[tuple[int, ...], list[int]] = {}
        for j, g in enumerate(gold):
            where.setdefault(tuple(g), []).append(j)
        pairs = []
        for i, p in enumerate(pred):
            js = where.get(tuple(p))
            if js:
                pairs.append((i, js.pop(0)))
        return pairs
    used: set[int] = set()
    pairs = []
    for i, (ps, pe) in enumerate(pred):
        best, best_len = None, 0
        for j, (gs, ge) in enumerate(gold):
            if j in used:
                continue
            inter = min(pe, ge) - max(ps, gs)
            if inter > best_len:
                best, best_len = j, inter
        if best is not None:
            used.add(best)
            pairs.append((i, best))
    return pairs


def prf(n_pred: int, n_gold: int, n_match: int) -> dict[str, float]:
    p = n_match / n_pred if n_pred else 0.0
    r = n_match / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "pred": n_pred, "gold": n_gold, "match": n_match}


def acc_at(errors: Sequence[float], km: float = 161.0) -> float:
    """Share of errors strictly below ``km``."""
    return sum(e < km for e in errors) / len(errors) if errors else 0.0


def auc(errors: Sequence[float]) -> float:
    """Gritta et al. (2018) AUC of the error curve: trapezoid over sorted log(1 + km), normalised by
    log(20039) and (n - 1). 0 is perfect, 1 is every toponym at the antipode."""
    if not errors:
        return 0.0
    ys = sorted(math.log1p(min(e, MAX_ERROR_KM)) for e in errors)
    if len(ys) == 1:
        return ys[0] / math.log(MAX_ERROR_KM)
    area = sum((a + b) / 2 for a, b in pairwise(ys))
    return area / (math.log(MAX_ERROR_KM) * (len(ys) - 1))


def error_summary(errors: Sequence[float]) -> dict[str, float]:
    errs = sorted(errors)
    n = len(errs)
    if not n:
        return {"n": 0, "acc161": 0.0, "within10": 0.0, "mean_km": 0.0, "median_km": 0.0, "auc": 0.0}
    median = errs[n // 2] if n % 2 else (errs[n // 2 - 1] + errs[n // 2]) / 2
    return {
        "n": n,
        "acc161": acc_at(errs, 161),
        "within10": acc_at(errs, 10.0001),
        "mean_km": sum(errs) / n,
        "median_km": median,
        "auc": auc(errs),
    }


def _error(lat: float | None, lon: float | None, glat: float, glon: float) -> float:
    if lat is None or lon is None:
        return MAX_ERROR_KM
    return haversine_km(lat, lon, glat, glon)


# ---------------------------------------------------------------- corpora


def read_corpus(path: str | Path, limit: int | None = None) -> list[dict]:
    docs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                docs.append(json.loads(line))
                if limit and len(docs) >= limit:
                    break
    return docs


def split_half(doc_id: str) -> str:
    """'tune' or 'test': a fixed half of a corpus by the SHA-256 of the document id, so that rules or
    weights tuned on one half can be reported on the other."""
    return "tune" if int(hashlib.sha256(doc_id.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "test"


def _has_coords(t: dict) -> bool:
    return t.get("lat") is not None and t.get("lon") is not None


def evaluate_corpus(
    path: str | Path, *, mode: str = "both", limit: int | None = None, docs: list[dict] | None = None
) -> dict[str, Any]:
    """Recognition and resolution scores on an LGL-format corpus.

    ``mode``: ``gold`` (resolve gold spans), ``e2e`` (geoparse) or ``both``.
    """
    from geodata.gazetteer import load_gazetteer
    from loaders.geoparse import geoparse, resolve

    if docs is None:
        docs = read_corpus(path, limit)
    load_gazetteer()
    out: dict[str, Any] = {
        "corpus": str(path),
        "docs": len(docs),
        "toponyms": sum(len(d["toponyms"]) for d in docs),
        "toponyms_with_coords": sum(_has_coords(t) for d in docs for t in d["toponyms"]),
        "tiers": _tiers(),
    }
    if mode in ("gold", "both"):
        errors = []
        started = time.perf_counter()
        for d in docs:
            gold = [t for t in d["toponyms"] if _has_coords(t)]
            mentions = resolve(d["text"], [(t["start"], t["end"]) for t in gold])
            errors += [_error(m.lat, m.lon, t["lat"], t["lon"]) for m, t in zip(mentions, gold)]
        elapsed = time.perf_counter() - started
        out["gold_spans"] = {
            **error_summary(errors),
            "docs_per_s": len(docs) / elapsed if elapsed else 0.0,
            "resolved": sum(e < MAX_ERROR_KM for e in errors) / len(errors) if errors else 0.0,
        }
    if mode in ("e2e", "both"):
        n_pred = n_gold = n_exact = n_overlap = 0
        errors, n_coords = [], 0
        started = time.perf_counter()
        predictions = [geoparse(d["text"], lang=d.get("lang")) for d in docs]
        elapsed = time.perf_counter() - started
        for d, mentions in zip(docs, predictions):
            gold = d["toponyms"]
            pred = [(m.start, m.end) for m in mentions]
            gspans = [(t["start"], t["end"]) for t in gold]
            n_pred += len(pred)
            n_gold += len(gold)
            n_exact += len(match_spans(pred, gspans))
            pairs = match_spans(pred, gspans, overlap=True)
            n_overlap += len(pairs)
            for i, j in pairs:
                if _has_coords(gold[j]):
                    m = mentions[i]
                    errors.append(_error(m.lat, m.lon, gold[j]["lat"], gold[j]["lon"]))
            n_coords += sum(_has_coords(t) for t in gold)
        out["recognition"] = {"exact": prf(n_pred, n_gold, n_exact), "overlap": prf(n_pred, n_gold, n_overlap)}
        summary = error_summary(errors)
        summary["acc161_of_all"] = sum(e < 161 for e in errors) / n_coords if n_coords else 0.0
        summary["within10_of_all"] = sum(e <= 10.0001 for e in errors) / n_coords if n_coords else 0.0
        summary["docs_per_s"] = len(docs) / elapsed if elapsed else 0.0
        out["end_to_end"] = summary
    return out


def gazetteer_ceiling(
    path: str | Path, *, limit: int | None = None, km: float = 161.0, docs: list[dict] | None = None
) -> dict[str, float]:
    """Per gazetteer tier (and all tiers together): share of gold toponyms with coordinates that have
    any candidate within ``km`` of the gold point — the best any ranking could do. A span's candidates
    are the ones ``loaders.resolve`` weighs: its name's, its place's ("Kanawha River"), its region's
    ("Ohioans") and a demonym's country."""
    from geodata.gazetteer import load_gazetteer
    from loaders.geoparse import demonym_country, given_spans
    from loaders.recognise import Document

    gaz = load_gazetteer()
    if docs is None:
        docs = read_corpus(path, limit)
    lat = gaz.entries["lat"].to_numpy()
    lon = gaz.entries["lon"].to_numpy()
    tiers = gaz.entries["tier"].to_numpy()
    hits: dict[str, int] = {}
    total = 0
    for d in docs:
        gold = [t for t in d["toponyms"] if _has_coords(t)]
        spans = given_spans(Document(d["text"]), gaz, [(t["start"], t["end"]) for t in gold])
        for t, span in zip(gold, spans):
            total += 1
            ids = [i for i, _ in gaz.candidates(span.key)] if span.key is not None else []
            if (country := demonym_country(gaz, d["text"][t["start"] : t["end"]])) is not None:
                ids.append(country.entry_id)
            near = {
                "bundled" if tiers[i] == "curated" or tiers[i].split(":")[0] == "bundled" else tiers[i]
                for i in ids
                if haversine_km(lat[i], lon[i], t["lat"], t["lon"]) < km
            }
            for tier in near:
                hits[tier] = hits.get(tier, 0) + 1
            if near:
                hits["all tiers"] = hits.get("all tiers", 0) + 1
    return {tier: n / total for tier, n in sorted(hits.items())} | {"n": total}


def _tiers() -> list[str]:
    from geodata.gazetteer import load_gazetteer

    return sorted(set(load_gazetteer().entries["tier"]))


# ---------------------------------------------------------------- ACLED


def evaluate_acled(path: str | Path, *, limit: int | None = None) -> dict[str, Any]:
    """Geocode each row's ``notes`` and compare the chosen event location with latitude/longitude."""
    from geodata.gazetteer import load_gazetteer
    from loaders.geoparse import event_location, geoparse

    load_gazetteer()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if limit:
        rows = rows[:limit]
    by_prec: dict[str, list[float]] = {}
    none = 0
    started = time.perf_counter()
    for row in rows:
        mentions = geoparse(row.get("notes") or "")
        loc = event_location(mentions)
        glat, glon = float(row["latitude"]), float(row["longitude"])
        err = MAX_ERROR_KM if loc is None else _error(loc.lat, loc.lon, glat, glon)
        none += loc is None
        by_prec.setdefault(str(row.get("geo_precision") or "?"), []).append(err)
    elapsed = time.perf_counter() - started
    all_errors = [e for errs in by_prec.values() for e in errs]
    return {
        "corpus": str(path),
        "rows": len(rows),
        "no_location": none,
        "tiers": _tiers(),
        "rows_per_s": len(rows) / elapsed if elapsed else 0.0,
        "all": error_summary(all_errors),
        "by_geo_precision": {p: error_summary(errs) for p, errs in sorted(by_prec.items())},
    }


# ---------------------------------------------------------------- command line


def _detect_format(path: Path) -> str:
    if path.suffix.lower() == ".csv":
        return "acled"
    with open(path, encoding="utf-8-sig") as fh:
        head = fh.read(4096)
    return "acled" if head.startswith(("data_id", "event_id")) or "geo_precision" in head.split("\n")[0] else "lgl"


def _pct(x: float) -> str:
    return f"{100 * x:6.1f}%"


def _table(rows: Iterable[tuple[str, str]]) -> str:
    rows = list(rows)
    width = max(len(a) for a, _ in rows)
    return "\n".join(f"  {a:<{width}}  {b}" for a, b in rows)


def _format_errors(title: str, s: dict) -> str:
    rows = [
        ("toponyms scored", str(s["n"])),
        ("Acc@161km", _pct(s["acc161"])),
        ("within 10 km", _pct(s["within10"])),
        ("median error", f"{s['median_km']:.1f} km"),
        ("mean error", f"{s['mean_km']:.1f} km"),
        ("AUC (lower is better)", f"{s['auc']:.3f}"),
    ]
    for key, label in (
        ("acc161_of_all", "Acc@161km of all gold"),
        ("within10_of_all", "within 10 km of all gold"),
        ("resolved", "resolved"),
    ):
        if key in s:
            rows.append((label, _pct(s[key])))
    if "docs_per_s" in s:
        rows.append(("documents per second", f"{s['docs_per_s']:.0f}"))
    return f"{title}\n{_table(rows)}"


def format_report(result: dict) -> str:
    parts = [f"{result['corpus']}"]
    if "rows" in result:
        parts[0] += f": {result['rows']} rows; gazetteer tiers: {', '.join(result['tiers'])}"
        parts.append(_format_errors("All rows (event location vs latitude/longitude)", result["all"]))
        for p, s in result["by_geo_precision"].items():
            parts.append(_format_errors(f"geo_precision {p}", s))
        parts.append(f"rows with no location: {result['no_location']}; rows per second: {result['rows_per_s']:.0f}")
        return "\n\n".join(parts)
    parts[0] += (
        f": {result['docs']} documents, {result['toponyms']} toponyms "
        f"({result['toponyms_with_coords']} with coordinates); gazetteer tiers: {', '.join(result['tiers'])}"
    )
    if "recognition" in result:
        rec = result["recognition"]
        rows = [
            (
                f"{kind} spans",
                f"P {_pct(r['precision'])}  R {_pct(r['recall'])}  F1 {_pct(r['f1'])}"
                f"  ({r['match']} matched, {r['pred']} predicted, {r['gold']} gold)",
            )
            for kind, r in rec.items()
        ]
        parts.append(f"Recognition (geoparse)\n{_table(rows)}")
    if "gold_spans" in result:
        parts.append(_format_errors("Resolution with gold spans (resolve)", result["gold_spans"]))
    if "end_to_end" in result:
        parts.append(_format_errors("Resolution end to end (geoparse; recognised gold toponyms)", result["end_to_end"]))
    if "ceiling" in result:
        rows = [(k, _pct(v)) for k, v in result["ceiling"].items() if k != "n"]
        parts.append(f"Gazetteer ceiling (a candidate within 161 km)\n{_table(rows)}")
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="conflictmap evaluate",
        description="Score the geoparser on an annotated corpus (LGL JSONL) or on ACLED event rows (CSV).",
    )
    parser.add_argument("corpus", type=Path, help="LGL-format .jsonl or ACLED export .csv")
    parser.add_argument("--format", choices=("lgl", "acled", "auto"), default="auto")
    parser.add_argument(
        "--mode",
        choices=("gold", "e2e", "both"),
        default="both",
        help="LGL: resolve gold spans, geoparse end to end, or both (default)",
    )
    parser.add_argument("--ceiling", action="store_true", help="LGL: also report each gazetteer tier's ceiling")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents or rows")
    parser.add_argument(
        "--split",
        choices=("tune", "test"),
        default=None,
        help="LGL: only one half of the documents (by SHA-256 of the id)",
    )
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(f"evaluate: {args.corpus}: no such file", file=sys.stderr)
        return 2
    fmt = _detect_format(args.corpus) if args.format == "auto" else args.format
    try:
        if fmt == "acled":
            result = evaluate_acled(args.corpus, limit=args.limit)
        else:
            docs = read_corpus(args.corpus, args.limit)
            if args.split:
                docs = [d for d in docs if split_half(str(d.get("id", ""))) == args.split]
            result = evaluate_corpus(args.corpus, mode=args.mode, docs=docs)
            if args.ceiling:
                result["ceiling"] = gazetteer_ceiling(args.corpus, docs=docs)
    except (KeyError, ValueError, json.JSONDecodeError) as exc:
        print(f"evaluate: {args.corpus} is not a valid {fmt} file ({exc!r})", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
