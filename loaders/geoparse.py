"""Geoparsing: find the places a text names (``loaders.recognise``) and decide which place each is.

Resolution scores every gazetteer entry behind a name and keeps the best:

* kind: countries, areas and regions before admin-1 units before points; among points, larger
  populations, capitals and regional capitals, and the curated conflict places rank higher;
* the document's countries: country mentions and demonyms ("Malian") are counted, and entries in
  those countries gain in proportion;
* hierarchy written in the text: "Seytenga, Burkina Faso", "X in the Sahel region", "à Say, au Niger";
* cues: "région de", "X region" favour the admin-1 unit; "village of", "près de", "à" the point;
* closeness to the other places resolved in the text, and to the parent named in the text
  ("Zomkalga (Bourzanga, Bam)": the Zomkalga near Bourzanga);
* a name that is both a country and a village ("Russia") is the country unless the text places the
  village; a country name among another country's places ("Georgia" with Alabama) is the state;
* villages of a GeoNames dump the user added rank before namesakes abroad.

Points (and admin-1 units, areas, regions) from countries the text is not about, with no cue and
no hierarchy, are dropped unless the town is large: precision before recall. ``confidence`` is the
winner's share of the candidates' softmax, scaled by how much evidence the text gives.
A capitalised word after a strong cue ("le village de Koumbri") that the gazetteer does not know is
returned unresolved (no coordinates, confidence 0).
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter

import numpy as np

from geodata.gazetteer import Entry, Gazetteer, load_gazetteer
from geodata.names import normalise
from loaders import lexicon as lx
from loaders.mention import Mention
from loaders.recognise import Document, Span, recognise

__all__ = ["geoparse", "resolve", "event_location"]

KIND_BASE = {"country": 4.0, "area": 6.5, "region": 3.0, "admin1": 3.5, "place": 1.0}
FEATURE_BONUS = {"PPLC": 1.5, "PPLA": 0.5, "ADM2": 0.5, "CMP": 0.3}
ADMIN_CUE_BONUS = {"admin1": 3.0, "area": 2.0, "place": -1.0}
POINT_CUE_BONUS = {"place": 1.5, "admin1": -0.5}
BIG_TOWN = 50_000
_PARENT_GAP = re.compile(
    r"^[\s,(]*(?:(?:in|of|au|aux|en|dans|near|du|de|des|la|le|l'|l’|the|region|région|province|state|"
    r"cercle|commune|departement|département)[\s,]+)*$", re.IGNORECASE)


def geoparse(text: str, *, lang: str | None = None) -> list[Mention]:
    """Every place mention of ``text``, in order, resolved where the gazetteer allows."""
    gaz = load_gazetteer()
    doc = Document(text, lang)
    spans = recognise(doc, gaz)
    mentions = _resolve_spans(doc, gaz, spans, strict=True)
    mentions += _unresolved_after_cues(doc, spans)
    return sorted(mentions, key=lambda m: m.start)


def resolve(text: str, spans: list[tuple[int, int]]) -> list[Mention]:
    """Resolve spans someone else recognised (an analyst, another tagger); one mention per span.

    No precision filter is applied: a span the gazetteer does not know comes back unresolved.
    """
    gaz = load_gazetteer()
    doc = Document(text)
    items = []
    for start, end in spans:
        if not (0 <= start < end <= len(text)):
            raise ValueError(f"span ({start}, {end}) is outside the text (length {len(text)})")
        sentence = doc.sentence_at(start) or doc._sentence(start, end)
        span = Span(start, end, gaz.key(text[start:end]), sentence)
        span.cue = doc.cue_before(start, sentence)
        span.admin_after = doc.admin_word_after(end)
        items.append(span)
    demonyms = {}
    for s in items:  # "Russian", "Palestinians": the country they name
        iso = lx.DEMONYMS.get(normalise(text[s.start:s.end]))
        e = gaz.country_entry(iso) if iso else None
        if e is not None:
            demonyms[(s.start, s.end)] = Mention(
                start=s.start, end=s.end, text=text[s.start:s.end], name=e.name, kind=e.kind, lat=e.lat,
                lon=e.lon, geonameid=e.geonameid, country=e.country, admin1=None, confidence=0.5,
                sentence=text[s.sentence.start:s.sentence.end], ref=e.ref)
    known = [s for s in items if s.key is not None and (s.start, s.end) not in demonyms]
    out = {(m.start, m.end): m for m in _resolve_spans(doc, gaz, known, strict=False)}
    out.update(demonyms)
    return [out.get((s.start, s.end)) or _unresolved(doc, s.start, s.end, s.sentence, "place")
            for s in items]


def event_location(mentions: list[Mention]) -> Mention | None:
    """Where an event report happened: its first resolved populated place, else its most specific
    resolved mention (admin-1 before area, region or country), else None."""
    resolved = [m for m in mentions if m.resolved]
    # "in the Boulmiougou quarter of Ouagadougou": the city, when a later place of the sentence names it
    parts = [m for m in resolved if m.kind == "place" and _names_city_part(m)
             and any(o.kind == "place" and o.start > m.end and o.sentence == m.sentence for o in resolved)]
    if parts:
        resolved = [m for m in resolved if m not in parts]
    for kind in ("place", "admin1", "area", "country", "region"):
        for m in resolved:
            if m.kind == kind:
                return m
    return None


_CITY_PART = re.compile(r"\s+(?:quarter|neighbou?rhood|area|sector|district|suburb|quartier|secteur)\b",
                        re.IGNORECASE)


def _names_city_part(m: Mention) -> bool:
    """The mention is followed by "quarter", "neighbourhood", "area"… (a part of a city)."""
    at = m.sentence.find(m.text)
    return at >= 0 and bool(_CITY_PART.match(m.sentence, at + len(m.text)))


# ---------------------------------------------------------------- resolution


def _demonym_counts(doc: Document) -> Counter:
    counts: Counter = Counter()
    for sentence in doc.sentences:
        for t in sentence.tokens:
            iso = lx.DEMONYMS.get(t.norm)  # French writes them in lower case: "l'armée malienne"
            if iso:
                counts[iso] += 1
    return counts


def _document_countries(doc: Document, gaz: Gazetteer, spans: list[Span], demonyms: Counter) -> Counter:
    counts: Counter = Counter(demonyms)
    for s in spans:
        for e in gaz.candidates_of_kind(s.key, "country"):
            counts[e.country] += 1
    return counts


def _shares(counts: Counter) -> dict[str, float]:
    total = sum(counts.values()) or 1
    return {iso: n / total for iso, n in counts.items()}


def _parents(doc: Document, spans: list[Span]) -> dict[int, int]:
    """span index → index of the span that names where it is ("X, Burkina Faso")."""
    out = {}
    for i in range(len(spans) - 1):
        a, b = spans[i], spans[i + 1]
        if a.sentence is b.sentence and b.start - a.end <= 40 and _PARENT_GAP.match(doc.text[a.end:b.start]):
            if doc.text[a.end:b.start].strip():  # "Burkina Faso March": no separator, no hierarchy
                out[i] = i + 1
    return out


def _score(e: Entry, is_own: bool, span: Span, share: dict[str, float], parent: list[Entry]) -> tuple[float, float]:
    """(score, evidence in [0, 1]) of one candidate."""
    score = KIND_BASE[e.kind]
    evidence = 0.0
    if e.kind == "place":
        score += 0.35 * math.log10(e.population + 1)
        score += FEATURE_BONUS.get(e.feature or "", 0.0)
        if e.feature == "PPLA" and span.cue != "admin" and not span.admin_after:
            score += 2.0  # the seat of a region of the same name ("Agadez"): the town, unless a cue says region
        if e.tier == "curated":
            score += 0.75
        elif e.tier.startswith("user:"):
            score += 1.5  # the user added this country's dump: its villages before namesakes abroad
        if not is_own:
            score -= 0.5
    if e.country and e.country in share:
        score += 1.0 + 2.0 * share[e.country]
        evidence += 0.4
    same = [p for p in parent if p.country == e.country and p.entry_id != e.entry_id] if parent else ()
    if same:
        # "Zomkalga (Bourzanga, Bam)": the Zomkalga next to Bourzanga, whatever region a dump says
        near = _nearest_km(e, [p for p in same if p.kind == "place"]) if e.kind == "place" else math.inf
        if near < 60 or any(p.kind == "country" or p.admin1 == e.admin1 for p in same):
            score += 3.0
            evidence += 0.4
        score += 1.5 if near < 30 else 0.5 if near < 80 else 0.0
    if span.cue == "admin" or span.admin_after:
        score += ADMIN_CUE_BONUS.get(e.kind, 0.0)
        evidence += 0.3
    elif span.cue == "point":
        score += POINT_CUE_BONUS.get(e.kind, 0.0)
        evidence += 0.3
    elif span.cue == "weak":
        score += 0.5 if e.kind == "place" else 0.0
        evidence += 0.15
    return score, min(evidence, 1.0)


def _nearest_km(e: Entry, others: list[Entry]) -> float:
    """Distance in km from ``e`` to the nearest of ``others`` (equirectangular: fine below 100 km)."""
    best = math.inf
    k = math.cos(math.radians(e.lat))
    for o in others:
        d = 111.2 * math.hypot(o.lat - e.lat, (o.lon - e.lon) * k)
        best = min(best, d)
    return best


def _supported(e: Entry, is_own: bool, span: Span, share: dict[str, float], evidence: float,
               strict: bool, unique: bool = False) -> bool:
    """Precision gate: is this winner believable for a name found by string matching?"""
    if not strict:
        return True
    if span.lowercase_alias and e.kind not in ("area", "region"):
        return False
    # A minor place known only by an alternate name needs the text to be clearly about its country.
    in_doc = share.get(e.country, 0.0) >= (0.15 if not is_own and e.tier != "curated" else 0.01)
    if span.common:  # "Say", "Most": a frequent word needs a cue and the document's country
        return e.kind in ("country", "area", "region") or (span.cue is not None and in_doc)
    if e.kind in ("country", "area", "region"):
        return True
    if in_doc or span.cue in ("point", "admin") or evidence >= 0.4:
        return True
    if e.kind == "place":
        # "in Kantchari": a locative word before a name that is a known conflict place, a town, or
        # only one place in the world
        return e.population >= BIG_TOWN or (span.cue == "weak" and (
            e.population >= 5_000 or e.tier == "curated" or unique))
    return False


def _resolve_spans(doc: Document, gaz: Gazetteer, spans: list[Span], *, strict: bool) -> list[Mention]:
    demonyms = _demonym_counts(doc)
    counts = _document_countries(doc, gaz, spans, demonyms)
    share = _shares(counts)
    parents = _parents(doc, spans)
    cands = [[(gaz.entry(i), own) for i, own in gaz.candidates(s.key)] for s in spans]

    chosen: list[tuple[Entry, float] | None] = []
    scored_all = []
    for idx, span in enumerate(spans):
        parent = [e for e, _ in cands[parents[idx]]] if idx in parents else []
        scored = [(*_score(e, own, span, share, parent), e, own) for e, own in cands[idx] if e.lat is not None]
        scored_all.append(scored)
    # closeness to the unambiguous places of the text
    anchors = [(s[0][2].lat, s[0][2].lon) for s in scored_all
               if len(s) == 1 and s[0][2].kind in ("place", "admin1")]
    if anchors:
        anchors = _anchor_trig(anchors)
        scored_all = [[(sc + _closeness(e, anchors), ev, e, own) for sc, ev, e, own in scored]
                      if len(scored) > 1 else scored for scored in scored_all]
    # What the rest of the text is about: each name spreads its belief over its candidates'
    # countries and first-level regions; a candidate gains from the belief of the *other* names
    # ("Alexandria" and "Rapides Parish" agree on Louisiana; "Paris" next to "Lamar County", Texas).
    context = [({}, {})] * len(spans)
    for _ in range(CONTEXT_ROUNDS):
        context = _context(spans, scored_all, context)
    for idx, span in enumerate(spans):
        scored = scored_all[idx]
        if not scored:
            chosen.append(None)
            continue
        ctx_country, ctx_admin = context[idx]
        scored = [(sc + _context_bonus(e, ctx_country, ctx_admin), ev, e, own) for sc, ev, e, own in scored]
        if len(scored) > 1:
            scored = _country_or_namesake(scored, ctx_country, idx in parents or span.cue in ("point", "admin"),
                                          demonyms)
        scored.sort(key=lambda x: -x[0])
        best_score, evidence, best, own = scored[0]
        p_best = 1.0 if len(scored) == 1 else 1.0 / np.exp(np.array([x[0] for x in scored]) - best_score).sum()
        about = max(share.get(best.country, 0.0), ctx_country.get(best.country, 0.0) - 0.3)
        if not _supported(best, own, span, {**share, best.country: about} if best.country else share,
                          evidence, strict, unique=len(scored) == 1):
            chosen.append(None)
            continue
        confidence = p_best * (0.6 + 0.4 * evidence)
        if best.kind == "country" and len(scored) == 1:
            confidence = max(confidence, 0.9)
        chosen.append((best, round(float(min(max(confidence, 0.01), 1.0)), 3)))

    mentions = []
    points = [i for i, c in enumerate(chosen) if c and c[0].kind == "place"]
    located = dict(zip(points, gaz.located([chosen[i][0].entry_id for i in points])))
    for idx, (span, c) in enumerate(zip(spans, chosen)):
        if c is None:
            continue
        e, confidence = c
        if e.kind == "place":
            country, admin1 = located.get(idx, (None, None))
            country, admin1 = country or e.country, admin1 or e.admin1
        elif e.kind in ("country", "admin1"):
            country, admin1 = e.country, e.admin1 if e.kind == "admin1" else None
        else:
            country, admin1 = None, None
        mentions.append(Mention(
            start=span.start, end=span.end, text=doc.text[span.start:span.end], name=e.name, kind=e.kind,
            lat=e.lat, lon=e.lon, geonameid=e.geonameid, country=country, admin1=admin1,
            confidence=confidence, sentence=doc.text[span.sentence.start:span.sentence.end],
            ref=e.ref))
    return mentions


def _country_or_namesake(scored: list, ctx_country: dict, located: bool, demonyms: Counter) -> list:
    """A name that is a country and something else: "Russia" is the country, not the Ohio village,
    unless the text places it ("Russia, Ohio", "the village of Russia"); "Georgia" among Alabama
    and Columbus is the US state, since the rest of the text is about another country."""
    countries = [e for _, _, e, _ in scored if e.kind == "country"]
    if not countries:
        return scored
    out = []
    for sc, ev, e, own in scored:
        if e.kind == "place" and not located and e.population < BIG_TOWN and (
                ctx_country.get(e.country, 0.0) < 0.5 or any(demonyms[c.country] >= 2 for c in countries)):
            sc -= 2.5
        elif e.kind == "country" and ctx_country.get(e.country, 0.0) < 0.1 and any(
                o.kind == "admin1" and ctx_country.get(o.country, 0.0) >= 0.5 for _, _, o, _ in scored):
            sc -= 3.0
        out.append((sc, ev, e, own))
    return out


CONTEXT_ROUNDS = 2
W_COUNTRY = 2.5
W_ADMIN1 = 2.5


def _context_bonus(e: Entry, ctx_country: dict, ctx_admin: dict) -> float:
    bonus = W_COUNTRY * ctx_country.get(e.country, 0.0)
    if e.kind == "place" and e.admin1:
        bonus += W_ADMIN1 * ctx_admin.get((e.country, e.admin1), 0.0)
    return bonus


def _softmax(scores: list[float]) -> list[float]:
    """Softmax of the scores; a lone candidate gets exactly 1 without numpy's per-call cost."""
    if len(scores) == 1:
        return [1.0]
    probs = np.exp(np.array(scores) - max(scores))
    probs /= probs.sum()
    return probs.tolist()


def _with_context(scored: list, ctx_country: dict, ctx_admin: dict) -> list[float]:
    """The candidates' scores plus their context bonus (none before the first round)."""
    if not ctx_country and not ctx_admin:
        return [x[0] for x in scored]
    return [sc + _context_bonus(e, ctx_country, ctx_admin) for sc, _, e, _ in scored]


def _context(spans: list[Span], scored_all: list, previous: list) -> list[tuple[dict, dict]]:
    """Per span: the belief of the other names of the text (not the same name) in each country and
    (country, admin-1), from the softmax of their candidates' scores."""
    per_key: dict[int, tuple[Counter, Counter]] = {}
    for idx, scored in enumerate(scored_all):
        if not scored:
            continue
        ctx_c, ctx_a = previous[idx]
        probs = _softmax(_with_context(scored, ctx_c, ctx_a))
        c_mass, a_mass = per_key.setdefault(spans[idx].key, (Counter(), Counter()))
        for p, (_, _, e, _) in zip(probs, scored):
            if p < 0.01:
                continue
            if e.country:
                c_mass[e.country] += p
            if e.admin1 and e.kind in ("place", "admin1"):
                a_mass[(e.country, e.admin1)] += p
    # one vote per distinct name, whatever how often it is repeated
    n_keys = len(per_key)
    total_c: Counter = Counter()
    total_a: Counter = Counter()
    for key, (c_mass, a_mass) in per_key.items():
        nc = sum(c_mass.values()) or 1.0
        for k, v in c_mass.items():
            total_c[k] += v / nc
        na = sum(a_mass.values()) or 1.0
        for k, v in a_mass.items():
            total_a[k] += v / na
    by_key: dict[int, tuple[dict, dict]] = {}  # spans of the same name share their context
    for key, (c_mass, a_mass) in per_key.items():
        if n_keys <= 1:
            break
        nc = sum(c_mass.values()) or 1.0
        na = sum(a_mass.values()) or 1.0
        others = n_keys - 1
        by_key[key] = ({k: (v - c_mass.get(k, 0.0) / nc) / others for k, v in total_c.items()},
                       {k: (v - a_mass.get(k, 0.0) / na) / others for k, v in total_a.items()})
    return [by_key.get(span.key) or ({}, {}) for span in spans]


def _anchor_trig(anchors: list[tuple[float, float]]) -> list[tuple[float, float, float]]:
    """(sin lat, cos lat, lon) of each anchor, in radians: computed once per text."""
    return [(math.sin(math.radians(a)), math.cos(math.radians(a)), math.radians(b)) for a, b in anchors]


def _closeness(e: Entry, anchors: list[tuple[float, float, float]]) -> float:
    """Bonus for a point near an anchor; ``anchors`` as ``_anchor_trig`` gives them."""
    if e.kind != "place":
        return 0.0
    lat1, lon1 = math.radians(e.lat), math.radians(e.lon)
    sin1, cos1 = math.sin(lat1), math.cos(lat1)
    best = min(6371 * math.acos(max(-1.0, min(1.0, sin1 * sin_a + cos1 * cos_a * math.cos(lon1 - lon_a))))
               for sin_a, cos_a, lon_a in anchors)
    if best < 1:  # the anchor itself
        return 0.0
    return 1.0 if best < 150 else 0.5 if best < 400 else 0.0


# ---------------------------------------------------------------- unresolved mentions


def _unresolved(doc: Document, start: int, end: int, sentence, kind: str) -> Mention:
    return Mention(start=start, end=end, text=doc.text[start:end], name=doc.text[start:end], kind=kind,
                   lat=None, lon=None, geonameid=None, country=None, admin1=None, confidence=0.0,
                   sentence=doc.text[sentence.start:sentence.end], ref=None)


class _Covered:
    """Offsets inside recognised spans (ordered, not overlapping), looked up by bisection."""

    def __init__(self, spans: list[Span]):
        self._starts = [s.start for s in spans]
        self._ends = [s.end for s in spans]

    def holds(self, pos: int) -> bool:
        i = bisect.bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]


def _unresolved_after_cues(doc: Document, spans: list[Span]) -> list[Mention]:
    """Capitalised names right after a strong cue that no recognised span covers."""
    covered = _Covered(spans)
    out = []
    for sentence in doc.sentences:
        toks = sentence.tokens
        i = 0
        while i < len(toks):
            t = toks[i]
            if not t.cap or t.text.isupper() and len(t.text) > 1 or t.norm in doc.stop \
                    or t.norm in lx.DEMONYMS or covered.holds(t.start):
                i += 1
                continue
            cue = doc.strong_cue_before(t.start, sentence)
            if cue is None:
                i += 1
                continue
            j = i
            while j + 1 < len(toks) and toks[j + 1].cap and doc.text[toks[j].end:toks[j + 1].start] in (" ", "-") \
                    and toks[j + 1].norm not in lx.TRAILING_OK and j - i < 2:
                j += 1
            out.append(_unresolved(doc, t.start, toks[j].end, sentence, "admin1" if cue == "admin" else "place"))
            i = j + 1
    return out
