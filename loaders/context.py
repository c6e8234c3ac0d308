"""What the rest of a text says about each name's candidates, computed for all candidates at once.

Each distinct name of the text spreads its belief (the softmax of its candidates' scores) over its
candidates' countries, first-level regions and points. A candidate then gains from the belief of the
*other* names: the country and region they agree on ("Alexandria" next to "Rapides Parish" is in
Louisiana) and their likely points nearby ("Huntsville" next to "Walker County" is the Huntsville of
Walker County, Texas, not the larger one in Alabama). A few rounds let the beliefs settle.

All candidates of a text sit in flat numpy arrays (one row per candidate of each span), so a round
is a handful of vector operations whatever the number of names and candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geodata.distance import haversine_km
from geodata.gazetteer import Entry

__all__ = ["TUNED_RADIUS_KM", "Weights", "context_scores"]

#: The Earth's radius the closeness weights (``Weights.near_km``) were tuned with.
TUNED_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Weights:
    country: float  # times the other names' belief in the candidate's country
    admin1: float  # times their belief in its first-level region (points and regions only)
    close: float  # times its closeness to their likely points
    near_km: float  # closeness falls by e every ``near_km``
    near_top: int  # candidates of a name that take part in closeness: its best by their own score
    rounds: int
    min_belief: float = 0.01  # smaller beliefs are noise from long candidate lists


def context_scores(
    span_keys: list[int | None], scored_all: list[list[tuple[float, float, Entry, bool]]], w: Weights
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per span, per candidate (in ``scored_all`` order): (bonus to add to its score, the other names'
    belief in its country, their belief in its first-level region)."""
    sizes = [len(s) for s in scored_all]
    n = sum(sizes)
    if n == 0:
        return [(np.zeros(k), np.zeros(k), np.zeros(k)) for k in sizes]
    keys: dict[int | None, int] = {}
    countries: dict[str, int] = {}
    regions: dict[tuple[str, str], int] = {}
    base = np.empty(n)
    key_of = np.empty(n, dtype=np.int64)
    country_of = np.full(n, -1, dtype=np.int64)
    region_of = np.full(n, -1, dtype=np.int64)
    pos = 0
    starts = []
    for key, scored in zip(span_keys, scored_all):
        if not scored:
            continue
        starts.append(pos)
        k = keys.setdefault(key, len(keys))
        for sc, _, e, _ in scored:
            base[pos] = sc
            key_of[pos] = k
            if e.country:
                country_of[pos] = countries.setdefault(e.country, len(countries))
                if e.admin1 and e.kind in ("place", "admin1"):
                    region_of[pos] = regions.setdefault((e.country, e.admin1), len(regions))
            pos += 1
    starts_a = np.asarray(starts)
    span_of = np.repeat(np.arange(len(starts)), [s for s in sizes if s])
    near = _Nearness(span_keys, scored_all, w, n)
    n_keys = len(keys)
    ctx_c = np.zeros(n)
    ctx_a = np.zeros(n)
    close = np.zeros(n)
    has_c, has_a = country_of >= 0, region_of >= 0
    for _ in range(w.rounds):
        total = base + w.country * ctx_c + w.admin1 * ctx_a + w.close * close
        top = np.maximum.reduceat(total, starts_a)
        ex = np.exp(total - top[span_of])
        prob = ex / np.add.reduceat(ex, starts_a)[span_of]
        belief = np.where(prob >= w.min_belief, prob, 0.0)
        ctx_c = _others(belief, key_of, country_of, has_c, n_keys, len(countries))
        ctx_a = _others(belief, key_of, region_of, has_a, n_keys, len(regions))
        close = near.closeness(prob)
    bonus = w.country * ctx_c + w.admin1 * ctx_a + w.close * close
    out = []
    pos = 0
    for size in sizes:
        out.append((bonus[pos : pos + size], ctx_c[pos : pos + size], ctx_a[pos : pos + size]))
        pos += size
    return out


def _others(
    belief: np.ndarray, key_of: np.ndarray, value_of: np.ndarray, has: np.ndarray, n_keys: int, n_values: int
) -> np.ndarray:
    """Per candidate: the mean, over the *other* names, of their (normalised) belief in its value."""
    out = np.zeros(len(belief))
    if n_keys <= 1 or n_values == 0:
        return out
    mass = np.zeros((n_keys, n_values))
    np.add.at(mass, (key_of[has], value_of[has]), belief[has])
    mass /= np.where(mass.sum(axis=1, keepdims=True) > 0, mass.sum(axis=1, keepdims=True), 1.0)
    others = (mass.sum(axis=0)[None, :] - mass) / (n_keys - 1)  # one vote per distinct name
    out[has] = others[key_of[has], value_of[has]]
    return out


class _Nearness:
    """Closeness of each point candidate to the likely points of the other names: the sum, over the
    other names, of the largest ``p(candidate of that name) * exp(-km / near_km)``, capped at 1.
    The best ``near_top`` point candidates of each distinct name take part; their pairwise distances
    are computed once per text."""

    def __init__(
        self, span_keys: list[int | None], scored_all: list[list[tuple[float, float, Entry, bool]]], w: Weights, n: int
    ) -> None:
        self.n = n
        self.slot_of = np.full(n, -1, dtype=np.int64)
        first: dict = {}
        pos = 0
        offsets = []
        for idx, (key, scored) in enumerate(zip(span_keys, scored_all)):
            offsets.append(pos)
            if scored:
                first.setdefault(key, idx)
            pos += len(scored)
        slots: dict[tuple, int] = {}
        lats: list[float | None] = []
        lons: list[float | None] = []
        group: list[int] = []
        for g, (key, idx) in enumerate(first.items()):
            scored = scored_all[idx]
            order = sorted((k for k, x in enumerate(scored) if x[2].kind == "place"), key=lambda k: -scored[k][0])
            for k in order[: w.near_top]:
                slots[(key, k)] = len(lats)
                lats.append(scored[k][2].lat)
                lons.append(scored[k][2].lon)
                group.append(g)
        self.active = len(lats) > 1 and len(set(group)) > 1
        if not self.active:
            return
        for idx, (key, scored) in enumerate(zip(span_keys, scored_all)):
            for k in range(len(scored)):
                slot = slots.get((key, k))
                if slot is not None:
                    self.slot_of[offsets[idx] + k] = slot
        self.has = self.slot_of >= 0
        self.n_slots = len(lats)
        grp = np.asarray(group)
        lat, lon = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
        km = haversine_km(lat[None, :], lon[None, :], lat[:, None], lon[:, None], radius_km=TUNED_RADIUS_KM)
        self.weight = np.exp(-km / w.near_km)
        self.weight[grp[:, None] == grp[None, :]] = 0.0  # not the name's own candidates
        self.group_starts = np.flatnonzero(np.r_[True, grp[1:] != grp[:-1]])

    def closeness(self, prob: np.ndarray) -> np.ndarray:
        out = np.zeros(self.n)
        if not self.active:
            return out
        p = np.zeros(self.n_slots)
        np.maximum.at(p, self.slot_of[self.has], prob[self.has])
        best = np.maximum.reduceat(self.weight * p[None, :], self.group_starts, axis=1)  # per other name
        out[self.has] = np.minimum(best.sum(axis=1), 1.0)[self.slot_of[self.has]]
        return out
