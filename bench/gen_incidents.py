"""Generate synthetic ACLED-like incidents across Burkina Faso, Mali and Niger into a store.

    .venv/bin/python bench/gen_incidents.py --db /tmp/bench.db --n 100000 [--seed 1]

Points are drawn inside the bundled admin-1 polygons (weighted towards the Liptako-Gourma regions),
dates from 2018 to 2025, ACLED event types and sub-types, a few actors, fatalities from a
geometric law. Re-running with the same arguments adds nothing (``source_key`` is
``bench:<seed>:<n>``). Used by ``bench/bench_dashboard.py`` and the dashboard's e2e test.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import shapely

TYPES = {
    "Battles": ["Armed clash", "Government regains territory", "Non-state actor overtakes territory"],
    "Violence against civilians": ["Attack", "Abduction/forced disappearance", "Sexual violence"],
    "Explosions/Remote violence": [
        "Remote explosive/landmine/IED",
        "Air/drone strike",
        "Shelling/artillery/missile attack",
    ],
    "Protests": ["Peaceful protest", "Protest with intervention"],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": ["Looting/property destruction", "Disrupted weapons use", "Agreement"],
}
TYPE_WEIGHTS = [0.30, 0.28, 0.15, 0.12, 0.05, 0.10]
ACTORS = [
    "JNIM: Group for Support of Islam and Muslims",
    "Islamic State Sahel Province",
    "Military Forces of Burkina Faso (2022-)",
    "Military Forces of Mali (2021-)",
    "Military Forces of Niger (2023-)",
    "VDP: Volunteers for the Defense of the Homeland",
    "Wagner Group",
    "Civilians (Burkina Faso)",
    "Civilians (Mali)",
    "Civilians (Niger)",
    "Dozo Communal Militia",
    "Protesters (Mali)",
]
WEIGHTED_REGIONS = {
    "Sahel": 6,
    "Nord": 3,
    "Est": 4,
    "Centre-Nord": 4,
    "Boucle du Mouhoun": 2,
    "Mopti": 5,
    "Gao": 3,
    "Timbuktu": 2,
    "Ségou": 2,
    "Tillabéri": 6,
    "Tahoua": 2,
    "Diffa": 2,
}
XSS_SUMMARY = 'Attack on a market <img src=x onerror="window.__xss=9"> reported <script>window.__xss=8</script>'


def points_in(
    polygons: list, weights: np.ndarray, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` points: a polygon per point (by weight), then rejection sampling in its bounds."""
    which = rng.choice(len(polygons), size=n, p=weights / weights.sum())
    lon = np.empty(n)
    lat = np.empty(n)
    for k, poly in enumerate(polygons):
        idx = np.flatnonzero(which == k)
        x0, y0, x1, y1 = poly.bounds
        got = 0
        while got < len(idx):
            m = (len(idx) - got) * 3 + 16
            xs, ys = rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)
            ok = shapely.contains_xy(poly, xs, ys)
            xs, ys = xs[ok][: len(idx) - got], ys[ok][: len(idx) - got]
            lon[idx[got : got + len(xs)]] = xs
            lat[idx[got : got + len(ys)]] = ys
            got += len(xs)
    return np.round(lon, 5), np.round(lat, 5), which


def generate(db: Path, n: int, seed: int = 1, start: date = date(2018, 1, 1), end: date = date(2025, 10, 31)) -> int:
    from conflictmap.store import INCIDENT_COLUMNS, Store
    from geodata.boundaries import admin1

    rng = np.random.default_rng(seed)
    units = admin1()
    units = units[units["country"].isin(["BFA", "MLI", "NER"])].reset_index(drop=True)
    for g in units.geometry:
        shapely.prepare(g)
    weights = np.array([WEIGHTED_REGIONS.get(name, 1) for name in units["name"]], dtype=float)
    lon, lat, which = points_in(list(units.geometry), weights, n, rng)
    days = (end - start).days
    # more incidents in later years: square-root skew of the offsets
    offsets = (np.sqrt(rng.uniform(0, 1, n)) * days).astype(int)
    types = list(TYPES)
    t_idx = rng.choice(len(types), size=n, p=TYPE_WEIGHTS)
    sub_pick = rng.integers(0, 3, n)
    a1 = rng.integers(0, len(ACTORS), n)
    a2 = rng.integers(0, len(ACTORS), n)
    fatal = rng.geometric(0.35, n) - 1
    prec = rng.choice([1, 2, 3], size=n, p=[0.6, 0.3, 0.1])
    source = rng.choice(["acled-bench", "ucdp-bench"], size=n, p=[0.8, 0.2])
    rows = []
    for i in range(n):
        t = types[t_idx[i]]
        subs = TYPES[t]
        day = (start + timedelta(days=int(offsets[i]))).isoformat()
        country = units.at[which[i], "country"]
        region = units.at[which[i], "name"]
        summary = (
            XSS_SUMMARY
            if i == 0
            else f"On {day}, {ACTORS[a1[i]]} clashed with {ACTORS[a2[i]]} near a village in {region}; "
            f"{int(fatal[i])} reported fatalities."
        )
        key = f"{source[i]}:{seed}-{i}"
        values = {
            "event_date": day,
            "event_date_end": None,
            "time_precision": 1,
            "disorder_type": "Political violence",
            "event_type": t,
            "sub_event_type": subs[sub_pick[i] % len(subs)],
            "actor1": ACTORS[a1[i]],
            "assoc_actor1": None,
            "actor2": ACTORS[a2[i]],
            "assoc_actor2": None,
            "civilian_targeting": None,
            "fatalities": int(fatal[i]),
            "fatalities_low": None,
            "fatalities_high": None,
            "lat": float(lat[i]),
            "lon": float(lon[i]),
            "location": f"Village {i % 997} ({region})",
            "country": country,
            "admin1": region,
            "admin2": None,
            "geo_precision": int(prec[i]),
            "summary": summary,
            "tags": None,
            "source_kind": "dataset",
            "source_ref": None,
            "origin": str(source[i]),
            "source_key": key,
        }
        rows.append(tuple(values[c] for c in INCIDENT_COLUMNS))
    store = Store(db)
    try:
        added = 0
        for k in range(0, len(rows), 50_000):
            added += store.add_dataset_incidents(rows[k : k + 50_000], file="bench/gen_incidents.py")[1]
    finally:
        store.close()
    return added


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    t0 = time.perf_counter()
    added = generate(args.db, args.n, args.seed)
    print(f"{added} incidents added to {args.db} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
