"""Incidents read from article text (English and French).

For each incident an article reports, :func:`extract_incidents` finds

* its **date**: the first date expression of the event sentences — absolute (``16 February 2021``,
  ``le 3 mars``, ``Oct. 30``, ``25/5``, ``2021-02-16``) or relative to the dateline (``on Saturday``,
  ``samedi``, ``yesterday``, ``hier``, ``last week``, ``la semaine dernière``) — with ACLED's time
  precision (1 day, 2 a few days / week, 3 month). The dateline is the publication date: a year
  missing from a date is the one that puts the day most recently on or before it, a weekday is the
  most recent such day on or before it, ``the night of 3 to 4 March`` is the 3rd. When the text
  says no day at all, the news convention applies: the day before the dateline, precision 2;
* its **type** and sub-type on ACLED's taxonomy (:func:`loaders.taxonomy.classify`);
* the **actors** from the maintained alias list (:mod:`loaders.actors`);
* the **fatalities** from numbers and number words (``a dozen soldiers``, ``une vingtaine de civils``),
  ACLED's conventions for vague words (several/many/plusieurs = 10, dozens/des dizaines = 12,
  hundreds/des centaines = 100) and ``no casualties`` = 0;
* its **location**: the place the event sentence puts it at (``in``, ``at``, ``near``, ``à``,
  ``près de``, ``dans le village de`` …), not every place named; administrative context in
  parentheses after a place (``Seme (Toeni, Sourou)``) and places of origin (``from Ponga``) are
  not the location. Geo precision on ACLED's scale: 1 the place itself, 2 near it / an area around
  it / between two places, 3 only a region or country.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from loaders.actors import ActorMention, find_actors
from loaders.sentences import sentence_spans
from loaders.taxonomy import classify

if TYPE_CHECKING:
    from conflictmap.records import Article, Mention
    from conflictmap.store import Store
    from loaders.placing import Placer

# --------------------------------------------------------------------------- numbers

_UNITS_EN = {
    "zero": 0,
    "no": 0,
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS_EN = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_UNITS_FR = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "dix-sept": 17,
    "dix-huit": 18,
    "dix-neuf": 19,
    "aucun": 0,
    "aucune": 0,
}
_TENS_FR = {
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "soixante-dix": 70,
    "quatre-vingt": 80,
    "quatre-vingts": 80,
    "quatre-vingt-dix": 90,
}
# Approximate quantities: the round number, as ACLED codes them.
_APPROX = {
    "a dozen": 12,
    "dozen": 12,
    "a score of": 20,
    "dozens of": 12,
    "dozens": 12,
    "scores of": 20,
    "hundreds of": 100,
    "hundreds": 100,
    "several": 10,
    "many": 10,
    "numerous": 10,
    "a number of": 10,
    "une dizaine de": 10,
    "une douzaine de": 12,
    "une quinzaine de": 15,
    "une vingtaine de": 20,
    "une trentaine de": 30,
    "une quarantaine de": 40,
    "une cinquantaine de": 50,
    "une soixantaine de": 60,
    "une centaine de": 100,
    "des dizaines de": 12,
    "des centaines de": 100,
    "plusieurs": 10,
    "de nombreux": 10,
    "de nombreuses": 10,
    "nombreux": 10,
}


def _word_number_alternatives() -> list[str]:
    words = set(_UNITS_EN) | set(_TENS_EN) | set(_UNITS_FR) | set(_TENS_FR) | set(_APPROX)
    for t in _TENS_EN:
        for u in ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine"):
            words.add(f"{t}-{u}")
            words.add(f"{t} {u}")
    for t in ("vingt", "trente", "quarante", "cinquante", "soixante"):
        for u in ("deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"):
            words.add(f"{t}-{u}")
        words.add(f"{t} et un")
        words.add(f"{t}-et-un")
    return sorted(words, key=len, reverse=True)


_NUM = r"(?:\d{1,3}(?:[,  ]\d{3})+|\d+|" + "|".join(re.escape(w) for w in _word_number_alternatives()) + r")"
_QUAL = (
    r"(?:(?:at least|around|about|some|up to|nearly|almost|more than|over|approximately|an estimated|roughly|"
    r"au moins|environ|près de|plus de|quelque|une)\s+)?"
)


def parse_number(text: str) -> int | None:
    """An integer from digits or EN/FR number words (``twenty-two``, ``une vingtaine de``), or None."""
    t = re.sub(r"\s+", " ", text.strip().lower())
    t = re.sub(
        r"^(at least|around|about|some|up to|nearly|almost|more than|over|approximately|an estimated|roughly|"
        r"au moins|environ|près de|plus de|quelque) ",
        "",
        t,
    )
    if re.fullmatch(r"\d{1,3}(?:[,  ]\d{3})+|\d+", t):
        return int(re.sub(r"\D", "", t))
    if t in _APPROX:
        return _APPROX[t]
    for table in (_UNITS_EN, _TENS_EN, _UNITS_FR, _TENS_FR):
        if t in table:
            return table[t]
    m = re.fullmatch(r"([a-z-]+)[- ](one|two|three|four|five|six|seven|eight|nine)", t)
    if m and m.group(1) in _TENS_EN:
        return _TENS_EN[m.group(1)] + _UNITS_EN[m.group(2)]
    m = re.fullmatch(
        r"(vingt|trente|quarante|cinquante|soixante)(?:-| et |-et-)(un|deux|trois|quatre|cinq|six|sept|huit|neuf)", t
    )
    if m:
        return _TENS_FR[m.group(1)] + _UNITS_FR[m.group(2)]
    return None


# --------------------------------------------------------------------------- fatalities

_KILLED = (
    r"(?:killed|dead|died|shot dead|beaten to death|hacked to death|burned to death|executed|massacred|slain|"
    r"murdered|lost their lives|lost his life|lost her life|neutrali[sz]ed|perished|"
    r"tués?|tuées?|morts?|décédés?|décédées?|exécutés?|exécutées?|assassinés?|assassinées?|abattus?|"
    r"ont péri|ont perdu la vie|a perdu la vie|neutralisés?)"
)
_BE = r"(?:(?:were|was|have been|has been|had been|are|is|got|ont été|a été|sont|est|furent)\s+)?"
_BE_REQ = r"(?:were|was|have been|has been|had been|are|is|got|ont été|a été|sont|est|furent)\s+"
_ADV = r"(?:(?:reportedly|allegedly|also|all|later|subsequently|shot and|shot and then|then|reportedly shot and|presumably)\s+)*"
_FILL = r"(?:[\w'’-]+\s+){0,4}?"

FATALITY_PATTERNS = [
    # "four people were killed", "7 killed", "one dead", "five Fula women killed", "dix soldats ont été tués"
    re.compile(
        rf"(?<![\w-])(?P<n>{_QUAL}{_NUM})\s+(?:(?:of|de|d')\s+)?(?P<fill>{_FILL})(?:{_BE_REQ}{_ADV})?['‘’\"“]?{_KILLED}(?![\w])",
        re.IGNORECASE,
    ),
    # "killing two", "killed around ten volunteer fighters", "tuant au moins cinq civils"
    re.compile(
        rf"(?:killing|killed|kill|executing|executed|massacred|massacring|shot dead|shot and killed|shooting dead|"
        rf"murdered|murdering|tuant|ont tué|a tué|tué|abattu|exécuté)\s+(?P<n>{_QUAL}{_NUM})(?=\s|[.,;])",
        re.IGNORECASE,
    ),
    # "left one killed", "leaving four dead", "resulted in one dead", "death toll of 12", "faisant 3 morts", "bilan de 5 morts"
    re.compile(
        rf"(?:left|leaving|leaves|resulted in|resulting in|causing|caused|death toll (?:of|rose to|stands at)|toll of|"
        rf"faisant|fait|bilan(?: provisoire)? (?:de|d'au moins)|a fait)\s+(?P<n>{_QUAL}{_NUM})\s+{_FILL}"
        rf"(?:dead|killed|deaths|fatalities|casualties|victims|morts|tués|victimes|décès)",
        re.IGNORECASE,
    ),
    re.compile(rf"(?P<n>{_QUAL}{_NUM})\s+(?:fatalities|deaths|morts|décès)\b", re.IGNORECASE),
]
CODED = re.compile(rf"coded (?:at|as)\s+(?:a\s+)?(?:low estimate of\s+)?(?P<n>{_NUM})", re.IGNORECASE)
NONE_KILLED = re.compile(
    r"\b(no (?:one|casualties|fatalities|deaths|victims)|nobody was (?:killed|hurt)|without casualties|"
    r"casualties unknown|unknown casualties|fatalities unknown|aucune victime|pas de victimes?|"
    r"sans faire de victime)",
    re.IGNORECASE,
)
# Singular victims without a number: "a farmer was killed", "killed a farmer", "killed two police officers and a farmer".
_NP_LIST = re.compile(rf"(?P<n>{_NUM})\s+(?:[\w'’-]+\s+){{0,3}}?(?P<noun>[\w'’-]+)", re.IGNORECASE)
_VICTIM_NOUNS = re.compile(
    r"^(people|persons|civilians?|villagers?|farmers?|herders?|soldiers?|troops|militants?|jihadists?|men|man|women|woman|"
    r"children|child|boys?|girls?|policem[ae]n|police|officers?|gendarmes?|fighters|volunteers?|residents?|members?|chief|"
    r"nurse|teacher|imam|traders?|merchants?|pastoralists?|individuals?|assailants|insurgents|terrorists|VDPs?|herdsm[ae]n|"
    r"personnes|civils|villageois|soldats|militaires|hommes|femmes|enfants|éleveurs|agriculteurs|orpailleurs|"
    r"djihadistes|terroristes|assaillants|gendarmes|policiers|volontaires|VDP|fidèles|habitants|individus|passagers|"
    r"chauffeurs?|commerçants?|élèves|enseignants?|\w+s)$",
    re.IGNORECASE,
)


_FILL_STOP = {
    "and",
    "that",
    "who",
    "which",
    "left",
    "leaving",
    "shot",
    "et",
    "qui",
    "que",
    "a",
    "an",
    "the",
    "when",
    "after",
    "before",
    "during",
    "while",
    "where",
    "in",
    "on",
    "by",
    "to",
    "with",
    "à",
    "dans",
    "par",
    "lors",
}
_LIST_BEFORE = re.compile(rf"(?<![\w-])(?P<n>{_NUM})\s+(?:[\w'’-]+\s+){{0,3}}?(?:and|et|,)\s*$", re.IGNORECASE)


def _plausible_subject(m: re.Match[str]) -> bool:
    """ "four people were killed", not "a conflict that left eight dead" or "the two camps left six dead"."""
    if m.group("n").strip().lower() in ("a", "an", "un", "une", "no") and (
        len(m.group("fill").split()) > 3 or not re.search(r"\b(were|été|sont)\b", m.group())
    ):
        return False
    for word in m.group("fill").split():
        w = word.lower().strip("'’")
        if w in _FILL_STOP or parse_number(w) is not None:
            return False
    return True


def _sum_np_list(text: str) -> int | None:
    """ "two police officers and a farmer" -> 3; None when it does not start with a counted noun phrase."""
    total, found = 0, False
    text = re.split(r"\b(?:including|among them|among whom|of whom|dont|parmi lesquels|y compris)\b", text)[0]
    for part in re.split(r"\s*(?:,|\band\b|\bet\b)\s*", text):
        m = re.match(rf"(?P<n>{_QUAL}{_NUM})\s+(?:[\w'’-]+\s+){{0,3}}?(?P<noun>[\w'’-]+)", part, re.IGNORECASE)
        if not m:
            break
        n = parse_number(m.group("n"))
        if n is None:
            break
        total += n
        found = True
    return total if found else None


def fatalities_in(sentence: str) -> int | None:
    """Deaths a sentence reports (sum of its clauses), 0 when it says none, None when it says nothing."""
    coded = CODED.search(sentence)
    if coded:
        return parse_number(coded.group("n"))
    spans: dict[tuple[int, int], int] = {}
    for i, pat in enumerate(FATALITY_PATTERNS):
        pos = 0
        while (m := pat.search(sentence, pos)) is not None:
            pos = m.end()
            n = parse_number(m.group("n"))
            if n is None:
                continue
            if i == 0 and not _plausible_subject(m):
                pos = m.start("n") + len(m.group("n"))  # retry from the next word
                continue
            s, e = m.span("n")
            if any(s < b and a < e for a, b in spans):
                continue
            spans[(s, e)] = n
    # "A local council member and a farmer were killed", "Ten militants and four civilians were killed"
    for s, _ in list(spans):
        head = sentence[:s]
        while True:
            m = _LIST_BEFORE.search(head)
            if not m:
                break
            k = parse_number(m.group("n"))
            if k is None or any(m.start("n") < b and a < m.end("n") for a, b in spans):
                break
            spans[m.span("n")] = k
            head = head[: m.start()]
    # "killed two police officers and a farmer": a list of noun phrases after the verb.
    for m in re.finditer(
        r"(?:killing|killed|murdered|executed|shot dead|tuant|ont tué|a tué)\s+(?P<np>[^.;:()]+)",
        sentence,
        re.IGNORECASE,
    ):
        np_text = m.group("np")
        total = _sum_np_list(np_text)
        if total is not None and total > 0:
            start = m.start("np")
            covered = [k for k in spans if start <= k[0] < start + len(np_text)]
            if sum(spans[k] for k in covered) < total:
                for key in covered:
                    del spans[key]
                spans[(start, start + len(np_text))] = total
    # "A Hausa farmer was killed", "un civil a été tué"
    for m in re.finditer(
        rf"(?<![\w])(?:a|an|one|un|une)\s+(?:[\w'’-]+\s+){{0,4}}?(?:was|has been|a été|est)\s+{_ADV}{_KILLED}",
        sentence,
        re.IGNORECASE,
    ):
        if not any(m.start() <= a < m.end() for a, _ in spans):
            spans[(m.start(), m.start() + 1)] = 1
    if spans:
        return sum(spans.values())
    if NONE_KILLED.search(sentence):
        return 0
    return None


# --------------------------------------------------------------------------- dates

_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "lundi": 0,
    "mardi": 1,
    "mercredi": 2,
    "jeudi": 3,
    "vendredi": 4,
    "samedi": 5,
    "dimanche": 6,
}

_ORD = r"(?:st|nd|rd|th|er)?"
DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # "the night of 3 to 4 March", "dans la nuit du 3 au 4 mars": one event, dated its first day
    # (precision 1). Whether ACLED codes such nights to the first or the second day is not checked.
    (
        "night",
        re.compile(
            rf"\b(?:(?:the\s+)?night\s+(?:of|from)\s+(?:the\s+)?|(?:dans\s+)?la\s+nuit\s+du\s+)"
            rf"{_DAY}\s*(?:to|into|-|–|and|au)\s*(?:the\s+)?[0-3]?\d{_ORD}\s+(?:of\s+)?{_MONTH}"
            rf"(?:,?\s+{_YEAR})?\b",
            re.IGNORECASE,
        ),
    ),
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mon>[01]\d)-(?P<day>[0-3]\d)\b")),
    (
        "dmy",
        re.compile(
            rf"\b{_DAY}(?:\s*(?:and|-|–|et|au|to)\s*[0-3]?\d(?:st|nd|rd|th|er)?)?\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b",
            re.IGNORECASE,
        ),
    ),
    (
        "mdy",
        re.compile(
            rf"\b{_MONTH}\s*{_DAY}(?:\s*(?:and|-|–|to)\s*[0-3]?\d)?(?:,?\s+{_YEAR})?\b(?!\s*(?:%|km|people))",
            re.IGNORECASE,
        ),
    ),
    ("slash", re.compile(r"(?<![\d/])(?P<day>[0-3]?\d)/(?P<mon>[01]?\d)(?:/(?P<year>(?:19|20)?\d{2}))?(?![\d/])")),
    (
        "month",
        re.compile(rf"\b(?:in|en|during|early|late|mid|début|fin|mi-)\s*(?:-\s*)?{_MONTH}\s+{_YEAR}\b", re.IGNORECASE),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "relative",
        re.compile(
            r"\b(?P<rel>yesterday|today|this morning|last night|overnight|earlier this week|last week|this week|"
            r"over the weekend|last weekend|last month|hier|avant-hier|aujourd'hui|ce matin|la nuit dernière|"
            r"cette semaine|la semaine dernière|la semaine passée|le week-end dernier|ce week-end|le mois dernier|"
            r"the day before yesterday|during the weekend|at the weekend|on the weekend|the previous day|the day before|"
            r"la veille|le week-end)\b",
            re.IGNORECASE,
        ),
    ),
]
_APPROX_DATE = re.compile(r"\b(around|about|between|circa|approximately|vers|aux alentours|entre)\s*$", re.IGNORECASE)
_LAST = re.compile(r"\b(?:last|past)\s*$", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"^\s*(?:\(?between|and|-|–|to|et|au)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateFound:
    day: date
    precision: int  # ACLED time precision: 1 day, 2 days/week, 3 month
    start: int
    end: int
    text: str


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _with_year(month: int, day: int, dateline: date | None) -> date | None:
    """The most recent ``day month`` on or before the dateline (a report tells of the past)."""
    if dateline is None:
        return None
    for year in (dateline.year, dateline.year - 1):
        d = _safe_date(year, month, day)
        if d is not None and d <= dateline:
            return d
    return None


def find_dates(text: str, dateline: date | None = None) -> list[DateFound]:
    """Every date expression in ``text`` that resolves to a day (on or before the dateline), in order."""
    found: list[DateFound] = []
    taken: list[tuple[int, int]] = []
    for kind, pat in DATE_PATTERNS:
        for m in pat.finditer(text):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            d, prec = _resolve(kind, m, dateline)
            if d is None or (dateline is not None and d > dateline + timedelta(days=1)):
                continue
            before = text[max(0, m.start() - 20) : m.start()]
            if kind == "weekday" and _LAST.search(before) and d == dateline:
                d = d - timedelta(days=7)  # "last Saturday" written on a Saturday: a week ago
            if (
                kind != "night"
                and prec == 1
                and (_APPROX_DATE.search(before) or re.search(r"\s(?:and|-|–|to|et|au)\s", m.group()))
            ):
                prec = 2
            taken.append(m.span())
            found.append(DateFound(d, prec, m.start(), m.end(), m.group()))
    found.sort(key=lambda f: f.start)
    return found


def _resolve(kind: str, m: re.Match[str], dateline: date | None) -> tuple[date | None, int]:
    g = m.groupdict()
    if kind == "iso":
        return _safe_date(int(g["year"]), int(g["mon"]), int(g["day"])), 1
    if kind in ("dmy", "mdy", "night"):
        month = _MONTHS[g["mon"].lower().rstrip(".")]
        day = int(g["day"])
        if not 1 <= day <= 31:
            return None, 1
        if g.get("year"):
            return _safe_date(int(g["year"]), month, day), 1
        return _with_year(month, day, dateline), 1
    if kind == "slash":
        day, month = int(g["day"]), int(g["mon"])
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return None, 1
        if g.get("year"):
            y = int(g["year"])
            return _safe_date(y + 2000 if y < 100 else y, month, day), 1
        return _with_year(month, day, dateline), 1
    if kind == "month":
        return _safe_date(int(g["year"]), _MONTHS[g["mon"].lower().rstrip(".")], 1), 3
    if dateline is None:
        return None, 1
    if kind == "weekday":
        # The most recent such day on or before the dateline: wire copy names the weekday for every
        # day of the past week, the publication day included ("on Saturday" in a Saturday story).
        wd = _WEEKDAYS[g["wd"].lower()]
        back = (dateline.weekday() - wd) % 7
        return dateline - timedelta(days=back), 1
    rel = g["rel"].lower()
    table = {
        "yesterday": (1, 1),
        "hier": (1, 1),
        "last night": (1, 1),
        "overnight": (1, 1),
        "la nuit dernière": (1, 1),
        "today": (0, 1),
        "aujourd'hui": (0, 1),
        "this morning": (0, 1),
        "ce matin": (0, 1),
        "avant-hier": (2, 1),
        "the day before yesterday": (2, 1),
        "the previous day": (1, 1),
        "the day before": (1, 1),
        "la veille": (1, 1),
        "earlier this week": (dateline.weekday(), 2),
        "this week": (dateline.weekday(), 2),
        "cette semaine": (dateline.weekday(), 2),
        "last week": (7, 2),
        "la semaine dernière": (7, 2),
        "la semaine passée": (7, 2),
    }
    if rel in table:
        back, prec = table[rel]
        return dateline - timedelta(days=back), prec
    if rel in (
        "over the weekend",
        "last weekend",
        "le week-end dernier",
        "ce week-end",
        "during the weekend",
        "at the weekend",
        "on the weekend",
        "le week-end",
    ):
        return dateline - timedelta(days=(dateline.weekday() - 5) % 7), 2
    if rel in ("last month", "le mois dernier"):
        first = dateline.replace(day=1) - timedelta(days=1)
        return first.replace(day=1), 3
    return None, 1


# --------------------------------------------------------------------------- location

_LOC_CUE = re.compile(
    r"(?:\b(?:in|at|on|inside|into|to|à|au|aux|dans|sur|en)\s+(?:the\s+|la\s+|le\s+|l')?"
    r"(?:(?:village|town|city|commune|locality|localité|hamlet|district|area|region|province|department|"
    r"municipality|site|camp|market|forest|forêt|ville|hameau|marché|secteur|zone|mine|mining site|"
    r"gold mine|site d'orpaillage|site minier)\s+(?:of|de|du|d')\s+)?(?:the\s+)?$)",
    re.IGNORECASE,
)
_NEAR_CUE = re.compile(
    r"(?:\b(?:near|around|outside|close to|not far from|between|on the road between|on the road from|"
    r"km from|kilometres from|kilometers from|the area of|the vicinity of|the outskirts of|"
    r"près de|non loin de|aux environs de|à la sortie de|entre|dans les environs de|"
    r"dans la zone de|sur l'axe|dans la région de|in the forests? of|"
    r"the areas? of|dans la localité de)\s+(?:the\s+|la\s+|le\s+|l')?"
    r"(?:(?:village|town|commune|localité)\s+(?:of|de)\s+)?$)",
    re.IGNORECASE,
)
_FROM_CUE = re.compile(
    r"\b(?:from|de|des|du|originaire de|native of|resident of|residents of)\s+(?:the\s+)?$", re.IGNORECASE
)
_KIND_SCORE = {"place": 2.0, "admin1": 0.6, "area": 0.4, "region": 0.3, "country": 0.0}


def _in_parentheses(text: str, pos: int) -> bool:
    opened = text.rfind("(", 0, pos)
    return opened >= 0 and text.rfind(")", 0, pos) < opened


def choose_location(text: str, mentions: Iterable[Any], start: int, end: int) -> tuple[Any | None, int | None]:
    """The mention where the event in ``text[start:end]`` happened and its ACLED geo precision."""
    best, best_score, best_prec = None, float("-inf"), None
    for m in mentions:
        if m.start < start or m.end > end:
            continue
        before = text[max(start, m.start - 45) : m.start]
        score = _KIND_SCORE.get(m.kind, 0.0)
        prec = 1 if m.kind == "place" else 3
        if _NEAR_CUE.search(before):
            score += 2.0
            if m.kind == "place":
                prec = 2
        elif _LOC_CUE.search(before):
            score += 2.5
        elif _FROM_CUE.search(before):
            score -= 1.5
        if _in_parentheses(text, m.start):
            score -= 2.0
        if not getattr(m, "resolved", m.lat is not None):
            score -= 1.0
        score -= 0.002 * (m.start - start)  # the earlier place wins a tie
        if score > best_score:
            best, best_score, best_prec = m, score, prec
    return best, best_prec


# --------------------------------------------------------------------------- incidents

EVENT_CUE = re.compile(
    r"\b(attack|kill|clash|fought|fight|abduct|kidnap|ambush|explo|IED|air ?strike|drone|shell|protest|demonstrat|riot|"
    r"loot|burn|destroy|arrest|shot|wound|injur|dead|died|massacr|execut|raid|seiz|assault|mob|lynch|march|sit-in|"
    r"attaqu|tu[ée]|mort|bless|enlev|affront|combat|embuscade|manifest|incendi|pill|frappe|engin explosif|arr[êe]t|"
    r"neutrali|otage|hostage|curfew|checkpoint|strike)",
    re.IGNORECASE,
)

#: A sentence that opens on an event already told ("The attack has not been claimed", "Cette
#: attaque n'a pas été revendiquée"): it says more of the last incident, it does not start one,
#: however many background sentences came between.
BACK_REFERENCE = re.compile(
    r"^\W*(?:the|this|that|these|l['’]|cette|cet|ces|ce|le|la|les)\s*(?:latest\s+|dernière\s+|dernier\s+)?"
    r"(?:attacks?|raids?|ambush(?:es)?|assaults?|killings?|massacres?|clashe?s?|explosions?|blasts?|kidnappings?|"
    r"abductions?|attaques?|embuscades?|assauts?|tueries?|affrontements?|enl[èe]vements?)\b",
    re.IGNORECASE,
)


@dataclass
class Incident:
    """One incident read from a text (or a dataset row once imported), on ACLED's schema."""

    event_date: str | None
    time_precision: int | None
    event_type: str
    sub_event_type: str
    actor1: str | None = None
    assoc_actor1: str | None = None
    actor2: str | None = None
    assoc_actor2: str | None = None
    fatalities: int | None = None
    fatalities_low: int | None = None
    fatalities_high: int | None = None
    location: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    geo_precision: int | None = None
    summary: str = ""
    sentence: str = ""
    start: int = 0
    end: int = 0
    actors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _to_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _assign_actors(
    found: list[ActorMention], event_type: str
) -> tuple[str | None, str | None, str | None, str | None, list[str]]:
    names = list(dict.fromkeys(a.name for a in found))
    # A named group before "gunmen" ("des hommes armés de l'EIGS" is the EIGS).
    armed = list(dict.fromkeys(a.name for a in sorted(found, key=lambda a: a.side == "unknown") if a.armed))
    unarmed = list(dict.fromkeys(a.name for a in found if not a.armed))
    if event_type == "Protests":
        return "Protesters", None, None, None, names
    if event_type == "Riots":
        first = armed[0] if armed else "Rioters"
        return first, None, (armed[1] if len(armed) > 1 else None), None, names
    actor1 = armed[0] if armed else (unarmed[0] if unarmed else None)
    sides: dict[str | None, str] = {a.name: a.side for a in found}
    actor2 = next((n for n in armed[1:] if sides[n] != sides.get(actor1)), None)
    assoc1 = next((n for n in armed[1:] if sides[n] == sides.get(actor1) and n != actor2), None)
    if actor2 is None and event_type == "Violence against civilians":
        actor2 = "Civilians"
    elif actor2 is None and event_type == "Battles" and unarmed and actor1 not in unarmed:
        actor2 = unarmed[0]
    return actor1, assoc1, actor2, None, names


_DATELINE = re.compile(
    r"^\s*(?:[A-ZÀ-Ý][\w'’. -]{1,40}(?:\([^)]{1,20}\))?\s*,\s*)?(?P<date>[^—–:\n]{4,40}?)\s*(?:—|–|--|-\s|:|\(AFP\)|\(Reuters\))"
)


def find_dateline(text: str, dateline: date | None = None) -> tuple[date | None, int]:
    """A dateline opening the text ("Ouagadougou, 7 mars 2023 —"): its day and where it ends (0: none)."""
    m = _DATELINE.match(text[:200])
    if not m:
        return None, 0
    found = find_dates(m.group("date"), dateline)
    if not found or found[0].precision != 1:
        return None, 0
    return found[0].day, m.end()


def _build(
    text: str, spans: list[tuple[int, int]], mentions: list[Any], dateline: date | None, skip_to: int = 0
) -> Incident:
    start, end = spans[0][0], spans[-1][1]
    body = text[start:end]
    first = text[spans[0][0] : spans[0][1]]
    found = find_actors(body)
    event_type, sub_type = classify(body, found, lead=first)
    dates = [d for d in find_dates(body, dateline) if start + d.start >= skip_to]
    if dates:
        when, prec = dates[0].day, dates[0].precision
    elif dateline is not None:
        # The text gives no day: the news convention — a report tells of the day before its
        # publication (the daily news cycle) — with time precision 2, since the day is a guess.
        when, prec = dateline - timedelta(days=1), 2
    else:
        when, prec = None, None
    fat = None
    for a, b in spans:
        n = fatalities_in(text[a:b])
        if n is not None and (fat is None or n > fat):
            fat = n
    actor1, assoc1, actor2, assoc2, names = _assign_actors(found, event_type)
    where, geo_prec = choose_location(text, mentions, start, end)
    inc = Incident(
        event_date=when.isoformat() if when else None,
        time_precision=prec,
        event_type=event_type,
        sub_event_type=sub_type,
        actor1=actor1,
        assoc_actor1=assoc1,
        actor2=actor2,
        assoc_actor2=assoc2,
        fatalities=fat if fat is not None else 0,
        summary=body.strip()[:1000],
        sentence=first.strip(),
        start=start,
        end=end,
        actors=names,
    )
    if where is not None:
        inc.location = where.name or where.text
        inc.lat, inc.lon = where.lat, where.lon
        inc.country = where.country
        inc.admin1 = where.admin1
        inc.geo_precision = geo_prec if where.lat is not None else None
    return inc


def extract_incidents(
    text: str,
    *,
    lang: str | None = None,
    dateline: date | str | None = None,
    mentions: Iterable[Any] | None = None,
    geoparse: Callable[..., list[Any]] | None = None,
    single: bool = False,
) -> list[Incident]:
    """The incidents a text reports, in order.

    An incident starts at a sentence that tells of an event (a verb of violence, protest, arrest…);
    a later event sentence with a different date, or separated by sentences that tell of none,
    starts another — unless it refers back to the last one (:data:`BACK_REFERENCE`) and names no
    date of its own. ``single=True`` reads the whole text as one incident (an event note).
    ``mentions`` are the geoparser's for ``text``; when None, ``geoparse`` (default
    :func:`loaders.geoparse.geoparse`) is called, unless ``geoparse=False`` is wanted: pass
    ``mentions=[]`` to skip locations.
    """
    day = _to_date(dateline)
    if mentions is None:
        if geoparse is None:
            from loaders.geoparse import geoparse as default_geoparse

            geoparse = default_geoparse
        mentions = geoparse(text, lang=lang)
    mentions = list(mentions)
    spans = sentence_spans(text)
    if not spans:
        return []
    own_day, skip_to = find_dateline(text, day)
    if day is None:
        day = own_day
    if single:
        return [_build(text, spans, mentions, day, skip_to)]
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] | None = None
    current_date = None
    gap = 0
    for span in spans:
        sent = text[span[0] : span[1]]
        is_event = bool(EVENT_CUE.search(sent))
        if not is_event:
            gap += 1
            if current is not None and gap <= 1:
                current.append(span)
            continue
        dates = [d for d in find_dates(sent, day) if span[0] + d.start >= skip_to]
        new_date = dates[0].day if dates else None
        if current is not None and new_date is None and BACK_REFERENCE.match(sent):
            current.append(span)
            gap = 0
            continue
        if (
            current is None
            or gap > 1
            or (new_date is not None and current_date is not None and new_date != current_date)
        ):
            current = [span]
            groups.append(current)
            current_date = new_date
        else:
            current.append(span)
            current_date = current_date or new_date
        gap = 0
    incidents = []
    for g in groups:
        while len(g) > 1 and not EVENT_CUE.search(text[g[-1][0] : g[-1][1]]):
            g.pop()
        incidents.append(_build(text, g, mentions, day, skip_to))
    return incidents


def extract_incident(text: str, **kwargs: Any) -> Incident | None:
    """The one incident an event note (an ACLED ``notes`` text, a short report) describes."""
    found = extract_incidents(text, single=True, **kwargs)
    return found[0] if found else None


__all__ = [
    "BACK_REFERENCE",
    "CODED",
    "DATE_PATTERNS",
    "EVENT_CUE",
    "FATALITY_PATTERNS",
    "NONE_KILLED",
    "DateFound",
    "Incident",
    "choose_location",
    "extract_incident",
    "extract_incidents",
    "fatalities_in",
    "find_dateline",
    "find_dates",
    "incident_rows",
    "parse_number",
    "store_article_incidents",
]


# --------------------------------------------------------------------------- storing


def incident_rows(
    incidents: list[Incident], *, article_id: str, placer: Placer | None = None
) -> tuple[list[tuple], list[tuple]]:
    """Rows for ``Store.add_incidents`` (source = the article and the incident's first sentence),
    with country / admin-1 / admin-2 of each point by point-in-polygon (``placer``: a
    :class:`loaders.placing.Placer` to reuse, e.g. one that placed a whole batch's points at once)."""
    import numpy as np

    from conflictmap.store import INCIDENT_COLUMNS
    from loaders.placing import Placer
    from loaders.taxonomy import DISORDER_TYPE

    if not incidents:
        return [], []
    lat = np.array([i.lat if i.lat is not None else np.nan for i in incidents], dtype=float)
    lon = np.array([i.lon if i.lon is not None else np.nan for i in incidents], dtype=float)
    country, adm1, adm2 = (placer if placer is not None else Placer()).place(lat, lon)
    rows, sources = [], []
    for k, inc in enumerate(incidents):
        key = f"article:{article_id}:{inc.start}"
        precise = inc.geo_precision in (1, 2)
        values = {
            **{c: getattr(inc, c, None) for c in INCIDENT_COLUMNS if hasattr(inc, c)},
            "event_date_end": None,
            "disorder_type": DISORDER_TYPE.get(inc.event_type),
            "civilian_targeting": None,
            "tags": None,
            "country": country[k] or inc.country,
            "admin1": (adm1[k] or inc.admin1) if inc.geo_precision else None,
            "admin2": adm2[k] if precise else None,
            "source_kind": "article",
            "source_ref": f"{article_id}#{inc.start}-{inc.end}",
            "origin": article_id,
            "source_key": key,
        }
        rows.append(tuple(values.get(c) for c in INCIDENT_COLUMNS))
        sources.append(("article", None, None, None, None, article_id, inc.sentence))
    return rows, sources


def store_article_incidents(store: Store, article: Article, mentions: Iterable[Mention]) -> list[int]:
    """Extract the incidents of a stored article, keep them, and link them with other reports."""
    from loaders.incident_links import link_new

    found = extract_incidents(article.text, lang=article.lang, dateline=article.date, mentions=list(mentions))
    rows, sources = incident_rows(found, article_id=article.id)
    before = store.max_incident_id()
    ids = store.add_incidents(rows, sources)
    if ids:
        link_new(store, since_id=before)
    return ids
