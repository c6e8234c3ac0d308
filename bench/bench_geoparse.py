"""Geoparser speed: LGL documents per second on one core, and cold start in a fresh process.

    taskset -c 0 .venv/bin/python bench/bench_geoparse.py [--limit N]

Cold start = a new interpreter importing loaders.geoparse, loading the (already compiled) gazetteer
and geoparsing one document. Requires ../shared/eval/lgl.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LGL = REPO.parent / "shared" / "eval" / "lgl.jsonl"

COLD = """
import time
t0 = time.perf_counter()
from loaders.geoparse import geoparse
from geodata.gazetteer import load_gazetteer
load_gazetteer()
geoparse("Soldiers were killed in Solhan, Burkina Faso, near Dori.")
print(time.perf_counter() - t0)
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--corpus", type=Path, default=LGL)
    args = parser.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass
    from geodata.gazetteer import load_gazetteer
    from loaders.geoparse import geoparse, resolve

    load_gazetteer()
    with open(args.corpus, encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh][: args.limit]
    geoparse(docs[0]["text"])  # warm caches
    started = time.perf_counter()
    for d in docs:
        geoparse(d["text"])
    e2e = len(docs) / (time.perf_counter() - started)
    started = time.perf_counter()
    for d in docs:
        resolve(d["text"], [(t["start"], t["end"]) for t in d["toponyms"]])
    gold = len(docs) / (time.perf_counter() - started)
    colds = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True, cwd=REPO)
        colds.append(float(out.stdout.strip().splitlines()[-1]))
    tiers = sorted(set(load_gazetteer().entries["tier"]))
    print(f"command: taskset -c 0 {sys.executable} bench/bench_geoparse.py")
    print(f"gazetteer tiers: {', '.join(tiers)}; {len(load_gazetteer())} entries; {len(docs)} documents")
    print(f"geoparse (end to end): {e2e:.0f} docs/s")
    print(f"resolve (gold spans):  {gold:.0f} docs/s")
    print(
        f"cold start (import + load_gazetteer + first geoparse): best {min(colds):.2f} s, "
        f"runs {', '.join(f'{c:.2f}' for c in colds)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
