"""Geoparsing: find the places a text names (``loaders.recognise``) and decide which place each is.

Streets and roads (``loaders.streets``) are reported unresolved; a town inside one is no mention.
A river, lake or park named after a place ("Kanawha River", "Lake Lanier") is placed at that place,
with half the confidence and no GeoNames id.

Resolution scores every gazetteer entry behind a name and keeps the best:

* kind: countries, areas and regions before admin-1 units before points; among points, larger
  populations, capitals and regional capitals, and the curated conflict places rank higher;
* the document's countries: country mentions and demonyms ("Malian") are counted, and entries in
  those countries gain in proportion; a capital of a named country more ("Moscow" beside "Russia");
* hierarchy written in the text: "Seytenga, Burkina Faso", "X in the Sahel region", "à Say, au Niger";
* cues: "région de", "X region" favour the admin-1 unit; "village of", "près de", "à" the point;
* what the other names of the text believe (``loaders.context``): their countries, first-level
  regions and likely points nearby ("Huntsville" beside "Walker County" is in Texas); and the parent
  named in the text ("Zomkalga (Bourzanga, Bam)": the Zomkalga near Bourzanga);
* a point known by a name only as an alternate ranks after the entry whose own name it is
  ("Minnesota" the state, not Minneota; "New York" the state, "New York City" the city); a bare
  county name is the county when "County" or "counties" follows ("Barrow and Jackson counties");
* a name that is both a country and a village ("Russia") is the country unless the text places the
  village; a country name among another country's places ("Georgia" with Alabama) is the state;
* places of a country in the user's tiers (an added GeoNames dump, imported events) rank before
  namesakes abroad, and pass the precision gate as if the text named that country;
* an adjective or demonym given as a span ("Ohioans", "Dagestani") is the region it comes from.

Points (and admin-1 units, areas, regions) from countries the text is not about, with no cue and
no hierarchy, are dropped unless the town is large: precision before recall. ``confidence`` is the
winner's share of the candidates' softmax, scaled by how much evidence the text gives.
A capitalised word after a strong cue ("le village de Koumbri") that the gazetteer does not know is
returned unresolved (no coordinates, confidence 0).
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from conflictmap.errors import InputError
from conflictmap.records import Mention
from geodata.gazetteer import Entry, Gazetteer, load_gazetteer
from geodata.gazetteer_sources import POST_TOWN_TIER
from geodata.names import normalise
from loaders import lexicon as lx
from loaders.context import Weights, context_scores
from loaders.recognise import Document, Sentence, Span, Token, recognise, split_feature
from loaders.streets import street_spans

__all__ = [
    "ADMIN_CUE_BONUS",
    "BIG_TOWN",
    "CONTEXT_ROUNDS",
    "FEATURE_BONUS",
    "FOCUS_SHARE",
    "KIND_BASE",
    "NEAR_KM",
    "NEAR_SPELLING_KM",
    "NEAR_SPELLING_RATIO",
    "NEAR_TOP",
    "POINT_CUE_BONUS",
    "W_ADMIN1",
    "W_ALIAS_OWNED",
    "W_BIG_POP",
    "W_CAPITAL",
    "W_CLOSE",
    "W_COUNTRY",
    "W_COUNTY",
    "W_MENTIONED",
    "W_NAMESAKE",
    "W_POP",
    "W_SEAT",
    "W_SHARE",
    "demonym_country",
    "event_location",
    "geoparse",
    "given_spans",
    "resolve",
]

W_POP = 0.25  # per power of ten inhabitants
W_BIG_POP = 0.0  # more per power of ten above 100,000: a city known abroad
W_MENTIONED = 1.0  # the text names the candidate's country (or a demonym of it)
W_SHARE = 1.0  # times the country's share of those mentions
W_SEAT = 2.0  # a town that is the seat of its region of the same name ("Agadez")
W_CAPITAL = 1.5  # a capital of a country the text names
W_COUNTY = 3.0  # a county, when "County" or "counties" follows its bare name
W_ALIAS_OWNED = 1.5  # a point known by this name only as an alternate, while another entry bears it
W_NAMESAKE = 2.5  # a village named like a country, in a region the text is not about
KIND_BASE = {"country": 4.0, "area": 6.5, "region": 5.0, "admin1": 3.5, "place": 1.0}
FEATURE_BONUS = {"PPLC": 1.5, "PPLA": 0.5, "PPLA2": 0.3, "ADM2": 0.5, "CMP": 0.3}
ADMIN_CUE_BONUS = {"admin1": 3.0, "area": 2.0, "place": -1.0}
POINT_CUE_BONUS = {"place": 1.5, "admin1": -0.5}
BIG_TOWN = 50_000
#: How much a text is taken to be about a country of the user's tiers (an added GeoNames dump,
#: places learned from imported events): the analyst works on it (``Gazetteer.user_countries``).
FOCUS_SHARE = 0.15
_ADMIN_WORDS = frozenset(
    (
        "region",
        "province",
        "state",
        "governorate",
        "prefecture",
        "department",
        "departement",
        "cercle",
        "oblast",
        "wilaya",
        "county",
    )
)
_PARENT_GAP = re.compile(
    r"^[\s,(]*(?:(?:in|of|au|aux|en|dans|near|du|de|des|la|le|l'|l’|the|region|région|province|state|"
    r"cercle|commune|departement|département)[\s,]+)*$",
    re.IGNORECASE,
)


def geoparse(text: str, *, lang: str | None = None) -> list[Mention]:
    """Every place mention of ``text``, in order, resolved where the gazetteer allows."""
    gaz = load_gazetteer()
    doc = Document(text, lang)
    spans = recognise(doc, gaz)
    streets = street_spans(text, doc.stop)
    if streets:  # "Wichita Drive" is a street, not Wichita
        spans = [s for s in spans if not any(a < s.end and s.start < b for a, b in streets)]
    mentions = _resolve_spans(doc, gaz, spans, strict=True)
    covered = _Covered(spans, streets)
    after_cues = _unresolved_after_cues(doc, covered)
    mentions += _near_spellings(doc, gaz, after_cues, mentions)
    # "in Saptoana (Komsilga, Kadiogo)": an unknown name the text places; kept only if found near
    taken = {m.start for m in after_cues}
    before = [m for m in _unresolved_before_parents(doc, covered, mentions) if m.start not in taken]
    mentions += [m for m in _near_spellings(doc, gaz, before, mentions) if m.lat is not None]
    mentions += [_unresolved(doc, a, b, doc.sentence_at(a) or doc.sentence_between(a, b), "place") for a, b in streets]
    return sorted(mentions, key=lambda m: m.start)


def resolve(text: str, spans: list[tuple[int, int]]) -> list[Mention]:
    """Resolve spans someone else recognised (an analyst, another tagger); one mention per span.

    No precision filter is applied: a span the gazetteer does not know comes back unresolved.
    """
    gaz = load_gazetteer()
    doc = Document(text)
    items = given_spans(doc, gaz, spans)
    demonyms = {}
    for s in items:
        e = demonym_country(gaz, text[s.start : s.end])
        if e is not None:
            demonyms[(s.start, s.end)] = Mention(
                start=s.start,
                end=s.end,
                text=text[s.start : s.end],
                name=e.name,
                kind=e.kind,
                lat=e.lat,
                lon=e.lon,
                geonameid=e.geonameid,
                country=e.country,
                admin1=None,
                confidence=0.5,
                sentence=text[s.sentence.start : s.sentence.end],
                ref=e.ref,
            )
    known = [s for s in items if s.key is not None and (s.start, s.end) not in demonyms]
    out = {(m.start, m.end): m for m in _resolve_spans(doc, gaz, known, strict=False)}
    out.update(demonyms)
    return [out.get((s.start, s.end)) or _unresolved(doc, s.start, s.end, s.sentence, "place") for s in items]


def demonym_country(gaz: Gazetteer, surface: str) -> Entry | None:
    """The country a demonym given as a span names ("Russian", "Palestinians"), or None."""
    iso = lx.DEMONYMS.get(normalise(surface))
    return gaz.country_entry(iso) if iso else None


def given_spans(doc: Document, gaz: Gazetteer, spans: list[tuple[int, int]]) -> list[Span]:
    """``Span``s for offsets someone else marked, with the key, cue and hierarchy words ``resolve``
    uses: a river's name leads to its place, an adjective to its region."""
    text = doc.text
    items = []
    for start, end in spans:
        if not (0 <= start < end <= len(text)):
            raise InputError(f"span ({start}, {end}) is outside the text (length {len(text)})")
        sentence = doc.sentence_at(start) or doc.sentence_between(start, end)
        span = Span(start, end, gaz.key(text[start:end]), sentence)
        if span.key is None and (inner := split_feature(text[start:end])) is not None:
            span.key = gaz.key(text[start + inner[0] : start + inner[1]])  # "Kanawha River": near Kanawha
            span.feature = span.key is not None
        if span.key is None and normalise(text[start:end]) not in lx.DEMONYMS:
            span.key = _adjective_key(gaz, text[start:end])  # "Ohioans", "South Ossetian": the region
            span.adjective = span.key is not None
        span.cue = doc.cue_before(start, sentence)
        span.admin_after = doc.admin_word_after(end)
        span.county_after = doc.county_word_after(end)
        items.append(span)
    return items


_REGION_KINDS = frozenset(("admin1", "country", "region", "area"))


def _adjective_key(gaz: Gazetteer, name: str) -> int | None:
    """The key of the region an adjective or demonym names ("Dagestani" → Dagestan), if any."""
    for base in lx.adjective_bases(name):
        key = gaz.key(base)
        if key is not None and gaz.candidate_kinds(key) & _REGION_KINDS:
            return key
    return None


def event_location(mentions: list[Mention]) -> Mention | None:
    """Where an event report happened: its first resolved populated place, else its most specific
    resolved mention (admin-1 before area, region or country), else None."""
    resolved = [m for m in mentions if m.resolved]
    # "in the Boulmiougou quarter of Ouagadougou": the city, when a later place of the sentence names it
    parts = [
        m
        for m in resolved
        if m.kind == "place"
        and _names_city_part(m)
        and any(o.kind == "place" and o.start > m.end and o.sentence == m.sentence for o in resolved)
    ]
    if parts:
        resolved = [m for m in resolved if m not in parts]
    for kind in ("place", "admin1", "area", "country", "region"):
        for m in resolved:
            if m.kind == kind:
                return m
    return None


_CITY_PART = re.compile(r"\s+(?:quarter|neighbou?rhood|area|sector|district|suburb|quartier|secteur)\b", re.IGNORECASE)


def _names_city_part(m: Mention) -> bool:
    """The mention is followed by "quarter", "neighbourhood", "area"… (a part of a city)."""
    at = m.sentence.find(m.text)
    return at >= 0 and bool(_CITY_PART.match(m.sentence, at + len(m.text)))


# ---------------------------------------------------------------- resolution


def _demonym_counts(doc: Document) -> Counter[str | None]:
    counts: Counter[str | None] = Counter()
    # French writes them in lower case: "l'armée malienne"
    isos = map(lx.DEMONYMS.get, doc.word_norms)
    for iso, n in zip(isos, doc.word_counts.values()):
        if iso:
            counts[iso] += n
    return counts


def _document_countries(
    doc: Document, gaz: Gazetteer, spans: list[Span], demonyms: Counter[str | None]
) -> Counter[str | None]:
    counts: Counter[str | None] = Counter(demonyms)
    for s in spans:
        if s.key is not None and "country" in gaz.candidate_kinds(s.key):  # memoised: most names are no country's
            for e in gaz.candidates_of_kind(s.key, "country"):
                counts[e.country] += 1
    return counts


def _shares(counts: Counter[str | None]) -> dict[str | None, float]:
    total = sum(counts.values()) or 1
    return {iso: n / total for iso, n in counts.items()}


def _parents(doc: Document, spans: list[Span]) -> dict[int, int]:
    """span index → index of the span that names where it is ("X, Burkina Faso")."""
    out = {}
    for i in range(len(spans) - 1):
        a, b = spans[i], spans[i + 1]
        # "Burkina Faso March": no separator, no hierarchy
        if (
            a.sentence is b.sentence
            and b.start - a.end <= 40
            and _PARENT_GAP.match(doc.text[a.end : b.start])
            and doc.text[a.end : b.start].strip()
        ):
            out[i] = i + 1
    return out


def _score(
    e: Entry,
    is_own: bool,
    span: Span,
    share: dict[str | None, float],
    parent: list[Entry],
    focus: frozenset[str] = frozenset(),
) -> tuple[float, float]:
    """(score, evidence in [0, 1]) of one candidate."""
    score = KIND_BASE[e.kind]
    evidence = 0.0
    if span.adjective and e.kind not in _REGION_KINDS:
        score -= 5.0  # "Africans" are of the continent, not of the village África
    if e.kind == "place":
        pop = math.log10(e.population + 1)
        score += W_POP * pop + W_BIG_POP * max(0.0, pop - 5.0)
        score += FEATURE_BONUS.get(e.feature or "", 0.0)
        if e.tier == "curated":
            score += 0.75
        if e.country in focus:
            score += 1.5  # a country the analyst works on: its places before namesakes abroad
        if not is_own:
            score -= 0.5
        if span.county_after:
            score += W_COUNTY if e.feature == "ADM2" else -1.0
    if e.country and e.country in share:
        score += W_MENTIONED + W_SHARE * share[e.country]
        if e.feature == "PPLC":
            score += W_CAPITAL  # "Moscow" in a text that names Russia
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
    if e.lat is None or e.lon is None:
        return best
    k = math.cos(math.radians(e.lat))
    for o in others:
        if o.lat is not None and o.lon is not None:
            best = min(best, 111.2 * math.hypot(o.lat - e.lat, (o.lon - e.lon) * k))
    return best


def _supported(
    e: Entry,
    is_own: bool,
    span: Span,
    share: dict[str | None, float],
    evidence: float,
    strict: bool,
    unique: bool = False,
    repeated: bool = False,
) -> bool:
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
    if e.tier == POST_TOWN_TIER:
        # a name a US post office bears ("Harwinton", but also "Michael", "Panther"): kept where the
        # text places it ("in Harwinton", "Lanexa, Va."), names it in several words ("Meadow Grove")
        # or keeps coming back to it, not wherever a sentence writes it once
        return span.cue is not None or evidence >= 0.8 or len(span.tokens) > 1 or repeated
    if in_doc or span.cue in ("point", "admin") or evidence >= 0.4:
        return True
    if e.kind == "admin1":
        # "in the Agadez region", "Borno State": the name says it is a region
        return (bool(span.tokens) and span.tokens[-1].norm in _ADMIN_WORDS) or (
            (unique or is_own) and span.cue is not None
        )
    if e.feature == "ADM2" and is_own and span.cue is not None:
        return True  # "in Henry County": a county, even when the text does not say which state's
    if e.kind == "place":
        # "in Kantchari": a locative word before a name that is a known conflict place, a town, or
        # only one place in the world
        return e.population >= BIG_TOWN or (
            span.cue == "weak" and (e.population >= 5_000 or e.tier == "curated" or unique)
        )
    return False


#: A candidate as :func:`_score` rates it: (score, evidence, entry, is the entry's own name).
_Scored = tuple[float, float, Entry, bool]
#: A candidate as :func:`_rank` leaves it: a :data:`_Scored` with its final score, then the other
#: names' belief in its country and in its first-level region.
_Ranked = tuple[float, float, Entry, bool, float, float]


def _rank(
    doc: Document, gaz: Gazetteer, spans: list[Span]
) -> tuple[list[list[_Ranked]], Counter[str | None], dict[str | None, float], dict[int, int]]:
    """Every span's candidates with their final scores, best first: ``(score, evidence, entry, is_own,
    the other names' belief in its country, in its first-level region)``; with the demonym counts, the
    document's country shares and the hierarchy links."""
    demonyms = _demonym_counts(doc)
    counts = _document_countries(doc, gaz, spans, demonyms)
    share = _shares(counts)
    parents = _parents(doc, spans)
    focus = gaz.user_countries
    cands: dict[int | None, list[tuple[Entry, bool]]] = {
        s.key: gaz.located_candidates(s.key) for s in spans if s.key is not None
    }
    scored_all: list[list[_Scored]] = []
    done: dict[tuple[Any, ...], list[_Scored]] = {}  # a name repeated with the same cue and parent scores the same
    for idx, span in enumerate(spans):
        parent_key = spans[parents[idx]].key if idx in parents else None
        same = (span.key, span.cue, span.admin_after, span.county_after, span.adjective, parent_key)
        if same in done:
            scored_all.append(done[same])
            continue
        parent = [e for e, _ in cands[parent_key]] if parent_key is not None else []
        scored = [(*_score(e, own, span, share, parent, focus), e, own) for e, own in cands[span.key]]
        if not (span.cue == "admin" or span.admin_after):
            # the seat of a region of the same name ("Agadez"): the town, unless a cue says region;
            # not when the region is another country's ("Montana", Bulgaria, is not the US state)
            regions = {e.country for _, _, e, _ in scored if e.kind == "admin1"}
            scored = [
                (sc + W_SEAT, ev, e, own) if e.feature == "PPLA" and e.country in regions else (sc, ev, e, own)
                for sc, ev, e, own in scored
            ]
        if any(own for *_, own in scored):
            # "Minnesota" is the state, not Minneota (which GeoNames also calls so); "New York" the state
            scored = [
                (sc - W_ALIAS_OWNED, ev, e, own) if e.kind == "place" and not own else (sc, ev, e, own)
                for sc, ev, e, own in scored
            ]
        done[same] = scored
        scored_all.append(scored)
    # What the rest of the text is about (``loaders.context``): the other names' belief in each
    # candidate's country, first-level region and surroundings.
    weights = Weights(
        country=W_COUNTRY, admin1=W_ADMIN1, close=W_CLOSE, near_km=NEAR_KM, near_top=NEAR_TOP, rounds=CONTEXT_ROUNDS
    )
    context = context_scores([s.key for s in spans], scored_all, weights)
    ranked: list[list[_Ranked]] = []
    for idx, span in enumerate(spans):
        scored = scored_all[idx]
        rows: list[_Ranked] = []
        if scored:
            bonus, ctx_c, ctx_a = (a.tolist() for a in context[idx])
            rows = [(sc + bonus[k], ev, e, own, ctx_c[k], ctx_a[k]) for k, (sc, ev, e, own) in enumerate(scored)]
            if len(rows) > 1:
                rows = _country_or_namesake(rows, idx in parents or span.cue in ("point", "admin"), demonyms)
            rows.sort(key=lambda x: -x[0])
        ranked.append(rows)
    return ranked, demonyms, share, parents


def _resolve_spans(doc: Document, gaz: Gazetteer, spans: list[Span], *, strict: bool) -> list[Mention]:
    ranked, _, share, _ = _rank(doc, gaz, spans)
    focus = gaz.user_countries
    repeats = Counter(s.key for s in spans)
    chosen: list[tuple[Entry, float] | None] = []
    for idx, span in enumerate(spans):
        scored = ranked[idx]
        if not scored:
            chosen.append(None)
            continue
        best_score, evidence, best, own, ctx_country, _ = scored[0]
        p_best = 1.0 if len(scored) == 1 else 1.0 / np.exp(np.array([x[0] for x in scored]) - best_score).sum()
        # a country the analyst works on (Gazetteer.user_countries): its towns pass
        about = max(share.get(best.country, 0.0), ctx_country - 0.3, FOCUS_SHARE if best.country in focus else 0.0)
        if not _supported(
            best,
            own,
            span,
            {**share, best.country: about} if best.country else share,
            evidence,
            strict,
            unique=len(scored) == 1,
            repeated=repeats[span.key] >= 3,
        ):
            chosen.append(None)
            continue
        confidence = p_best * (0.6 + 0.4 * evidence)
        if best.kind == "country" and len(scored) == 1:
            confidence = max(confidence, 0.9)
        chosen.append((best, round(float(min(max(confidence, 0.01), 1.0)), 3)))

    mentions = []
    points = [(i, c[0]) for i, c in enumerate(chosen) if c and c[0].kind == "place"]
    located = dict(zip([i for i, _ in points], gaz.located([e.entry_id for _, e in points])))
    for idx, (span, c) in enumerate(zip(spans, chosen)):
        if c is None:
            continue
        e, confidence = c
        if e.kind == "place":
            country, admin1 = located.get(idx, (None, None))
            country, admin1 = country or e.country, admin1 or e.admin1
        elif e.kind in ("country", "admin1"):
            country, admin1 = e.country, e.admin1 if e.kind == "admin1" else None
        else:  # areas and regions: a country only when they lie in one ("Darfur")
            country, admin1 = e.country, None
        if span.feature:  # "Kanawha River": at the place it is named after, and said to be less sure
            mentions.append(
                Mention(
                    start=span.start,
                    end=span.end,
                    text=doc.text[span.start : span.end],
                    name=doc.text[span.start : span.end],
                    kind="place",
                    lat=e.lat,
                    lon=e.lon,
                    geonameid=None,
                    country=country,
                    admin1=admin1 if e.kind != "country" else None,
                    confidence=round(confidence * 0.5, 3),
                    sentence=doc.text[span.sentence.start : span.sentence.end],
                )
            )
            continue
        mentions.append(
            Mention(
                start=span.start,
                end=span.end,
                text=doc.text[span.start : span.end],
                name=e.name,
                kind=e.kind,
                lat=e.lat,
                lon=e.lon,
                geonameid=e.geonameid,
                country=country,
                admin1=admin1,
                confidence=confidence,
                sentence=doc.text[span.sentence.start : span.sentence.end],
                ref=e.ref,
            )
        )
    return mentions


def _country_or_namesake(scored: list[_Ranked], located: bool, demonyms: Counter[str | None]) -> list[_Ranked]:
    """A name that is a country and something else: "Russia" is the country, not the Ohio village,
    unless the text places it ("Russia, Ohio", "the village of Russia") or is about the village's
    region ("Jordan" among Shakopee and Scott County, Minnesota); "Georgia" among Alabama and
    Columbus is the US state, since the rest of the text is about another country.
    ``scored`` rows: (score, evidence, entry, is_own, belief in its country, in its region)."""
    countries = [x[2] for x in scored if x[2].kind == "country"]
    if not countries:
        return scored
    state_in_context = any(x[2].kind == "admin1" and x[4] >= 0.5 for x in scored)
    out = []
    for sc, ev, e, own, ctx_c, ctx_a in scored:
        if (
            e.kind == "place"
            and not located
            and e.population < BIG_TOWN
            and (ctx_a < 0.2 or any(demonyms[c.country] >= 2 for c in countries))
        ):
            sc -= W_NAMESAKE
        elif e.kind == "country" and ctx_c < 0.1 and state_in_context:
            sc -= 3.0
        out.append((sc, ev, e, own, ctx_c, ctx_a))
    return out


CONTEXT_ROUNDS = 2
W_COUNTRY = 3.5
W_ADMIN1 = 2.5
W_CLOSE = 2.0
NEAR_KM = 60.0  # closeness falls by e every NEAR_KM
NEAR_TOP = 10  # the candidates of a name that take part in closeness: its best by their own score


# ---------------------------------------------------------------- unresolved mentions

NEAR_SPELLING_KM = 35.0  # how far from its parent (a department's seat) a village spelt otherwise is looked for
NEAR_SPELLING_RATIO = 0.7  # how alike the two spellings must be (difflib ratio of their sound keys)
_PARENT_AFTER = re.compile(r"\s*[(,]\s*$")
# French and English transliterations of the same sounds: Tankoualou/Tankwarou, Djibo/Jibo,
# Garghin/Garguen, Kouttougou/Koutougou
_SOUNDS = [
    (re.compile(a), b)
    for a, b in (
        (r"ou(?=[aeiy])", "w"),
        ("ou", "u"),
        ("dj", "j"),
        ("tch", "ch"),
        ("gh", "g"),
        (r"gu(?=[ei])", "g"),
        (r"(\w)\1", r"\1"),
    )
]


def _sound_key(name: str) -> str:
    """``normalise(name)`` with the spellings of one sound made one (see ``_SOUNDS``)."""
    key = normalise(name)
    for pattern, repl in _SOUNDS:
        key = pattern.sub(repl, key)
    return key


def _near_spellings(doc: Document, gaz: Gazetteer, unknown: list[Mention], resolved: list[Mention]) -> list[Mention]:
    """Unknown names placed by the place named right after them: in "the village of Gadba (Markoye,
    Oudalan)", GeoNames writes Gadba "Garéba", 0.1 km from where the event was: among the places within
    ``NEAR_SPELLING_KM`` of the parent (Markoye), the one whose name is most like it, if alike enough.
    Others stay unresolved. Transliterated village names are spelt many ways."""
    points = [m for m in resolved if m.kind == "place" and m.resolved]
    out = []
    for m in unknown:
        parent = (
            next(
                (
                    o
                    for o in points
                    if o.start >= m.end and o.start - m.end <= 4 and _PARENT_AFTER.match(doc.text[m.end : o.start])
                ),
                None,
            )
            if m.kind == "place"
            else None
        )
        if (
            parent is None
            or parent.lat is None
            or parent.lon is None
            or (found := _most_alike_near(gaz, m.text, parent.lat, parent.lon)) is None
        ):
            out.append(m)
            continue
        e, ratio = found
        out.append(
            dataclasses.replace(
                m,
                name=e.name,
                kind="place",
                lat=e.lat,
                lon=e.lon,
                geonameid=e.geonameid,
                country=e.country,
                admin1=e.admin1 or parent.admin1,
                confidence=round(0.3 * ratio, 3),
                ref=e.ref,
            )
        )
    return out


def _most_alike_near(gaz: Gazetteer, name: str, lat: float, lon: float) -> tuple[Entry, float] | None:
    matcher = difflib.SequenceMatcher(None, b=_sound_key(name))  # the name's side is indexed once
    best, best_ratio = None, NEAR_SPELLING_RATIO
    for e in gaz.places_within(lat, lon, NEAR_SPELLING_KM):
        matcher.set_seq1(_sound_key(e.name))
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue  # upper bounds of ratio(), far cheaper
        ratio = matcher.ratio()
        if ratio >= best_ratio:
            best, best_ratio = e, ratio
    return None if best is None else (best, best_ratio)


def _unresolved(doc: Document, start: int, end: int, sentence: Sentence, kind: str) -> Mention:
    return Mention(
        start=start,
        end=end,
        text=doc.text[start:end],
        name=doc.text[start:end],
        kind=kind,
        lat=None,
        lon=None,
        geonameid=None,
        country=None,
        admin1=None,
        confidence=0.0,
        sentence=doc.text[sentence.start : sentence.end],
        ref=None,
    )


class _Covered:
    """Offsets inside recognised spans and streets, looked up by bisection."""

    def __init__(self, spans: list[Span], streets: Sequence[tuple[int, int]] = ()) -> None:
        merged = sorted([(s.start, s.end) for s in spans] + list(streets))
        self._starts = [a for a, _ in merged]
        self._ends = [b for _, b in merged]

    def holds(self, pos: int) -> bool:
        i = bisect.bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]


def _unresolved_after_cues(doc: Document, covered: _Covered) -> list[Mention]:
    """Capitalised names right after a strong cue that no recognised span or street covers."""
    out = []
    for sentence in doc.sentences_with_strong_cues():
        toks = sentence.tokens
        i = 0
        while i < len(toks):
            t = toks[i]
            if (
                not t.cap
                or (t.text.isupper() and len(t.text) > 1)
                or t.norm in doc.stop
                or t.norm in lx.DEMONYMS
                or covered.holds(t.start)
            ):
                i += 1
                continue
            cue = doc.strong_cue_before(t.start, sentence)
            if cue is None:
                i += 1
                continue
            j = i
            while (
                j + 1 < len(toks)
                and toks[j + 1].cap
                and doc.text[toks[j].end : toks[j + 1].start] in (" ", "-")
                and toks[j + 1].norm not in lx.TRAILING_OK
                and j - i < 2
            ):
                j += 1
            out.append(_unresolved(doc, t.start, toks[j].end, sentence, "admin1" if cue == "admin" else "place"))
            i = j + 1
    return out


_OPENS_PARENT = re.compile(r"\s\(\s*$")


def _unresolved_before_parents(doc: Document, covered: _Covered, resolved: list[Mention]) -> list[Mention]:
    """Capitalised names no span or street covers, right before "(" and a resolved place:
    "Saptoana (Komsilga,"."""
    out = []
    for p in resolved:
        if p.kind != "place" or not p.resolved or not _OPENS_PARENT.search(doc.text, max(0, p.start - 3), p.start):
            continue
        sentence, paren = doc.sentence_at(p.start), doc.text.rfind("(", 0, p.start)
        toks = sentence.tokens_within(sentence.start, paren) if sentence else []
        if sentence is None or not toks or doc.text[toks[-1].end : paren].strip():
            continue
        run: list[Token] = []
        for t in reversed(toks[-3:]):
            if not t.cap or (run and doc.text[t.end : run[0].start] not in (" ", "-")):
                break
            run.insert(0, t)
        if (
            run
            and not covered.holds(run[0].start)
            and not any(
                t.norm in doc.stop or t.norm in lx.DEMONYMS or (t.text.isupper() and len(t.text) > 1) for t in run
            )
        ):
            out.append(_unresolved(doc, run[0].start, run[-1].end, sentence, "place"))
    return out
