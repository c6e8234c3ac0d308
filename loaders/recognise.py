"""Find the spans of a text that name places, before anything is resolved.

Aho–Corasick over the folded text gives every gazetteer name that occurs; then precision rules
keep only what reads as a place name:

* whole words, longest match first ("Burkina Faso", not "Burkina");
* capitalised in the text (a lower-case multi-word alias of an area, "zone des trois frontières",
  is the one exception), and not an acronym unless the line is in capitals;
* the match must cover its whole run of capitalised words: "University of California",
  "Islamic State", "Abubakar Momoh" or "Alliance of Sahel States" are names of something else.
  Leading sentence words ("The", "In"), directions and admin words ("Northern", "Région de") and
  trailing admin words ("Tillabéri Region") may sit in the run. Title-case headlines skip this rule.
  A place that starts a run naming one of its bodies or offices keeps its span ("Shreveport Police
  Department", "Fargo Mayor Dennis Walaker", "Dublin Arts Council"), so does a country or
  first-level unit that starts a run ("Ohio State University") and a name joined by a hyphen to a
  demonym or acronym ("Egyptian-US relations");
* datelines in capitals ("COLUMBUS, Ohio (AP)", "ATLANTA -") and "US", "UK", "UAE", "EU" in running
  text are names;
* "<person> of <place>" names the place ("Betty Kneasel of Myerstown"); "<body> of <place>" does not
  ("University of California", ``lexicon.ORGANISATION_HEADS``);
* a generic feature word joins the name ("Kanawha River", "Lake Lanier", "Readington Township");
* single frequent words ("But", "She") with no locative word before them are skipped at once;
* months, feasts, bodies and peoples ("May", "Christmas", "Hamas", "Mossi") are not places unless
  a strong cue introduces them;
* a surname the text uses as one ("Welch said", "Mr. Moore") is not a place;
* a capitalised word seen in a rejected person-like run ("Abubakar Momoh") is not a place later;
* demonyms ("Malian") and alliance names are never places.

Common words (stop lists) and words the document itself writes in lower case are flagged
``common``: the resolver needs context to keep them.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate, pairwise
from typing import NamedTuple

from conflictmap.caches import cached
from geodata.gazetteer import Gazetteer
from geodata.names import fold, normalise
from loaders import lexicon as lx
from loaders.sentences import sentence_spans

__all__ = [
    "FEATURE_HEAD",
    "FEATURE_HEAD_WORDS",
    "FEATURE_TAIL",
    "Document",
    "Sentence",
    "Span",
    "Token",
    "extend_to_feature",
    "recognise",
    "split_feature",
]

_TOKEN = re.compile(r"\w+")
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")  # the same tokens, with the gaps between them
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
_LISTED_NAME = r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)?"
# The words a list of counties ends with; the pattern and the quick look for them both come from here.
_COUNTY_WORDS = ("Counties", "counties", "Parishes", "parishes", "County", "Parish", "Co.")
_COUNTY_AFTER = re.compile(
    rf"(?:,? (?:and |or |& )?{_LISTED_NAME})*,? (?:"
    + "|".join(re.escape(w) + (r"\b" if w[-1].isalpha() else "") for w in _COUNTY_WORDS)
    + ")"
)
_RUN_GAPS = {" ", "-", "‐", "‑", "'", "’"}


@cached(maxsize=1 << 16)
def _normalise_word(word: str) -> str:
    """``normalise(word)``, remembered: words and names repeat across and within texts."""
    return normalise(word)


def _cue_tails(cues: tuple[str, ...]) -> tuple[str, ...]:
    """What folded text before a name ends with when ``cues`` precede it."""
    return tuple(tail for cue in cues for tail in ((cue + " ",) if not cue.endswith("'") else (cue, cue + " ")))


_CUE_TAILS = (("admin", _cue_tails(lx.STRONG_ADMIN_CUES)), ("point", _cue_tails(lx.STRONG_POINT_CUES)))


def _trie_pattern(words: set[str]) -> str:
    """A regex matching the longest of ``words`` that starts at a position, written as a trie
    ("pr(?:e(?:fecture de|s d(?:'|e|u))|ovince …)"): the engine follows one branch per character
    instead of trying every word in turn (half the time of a plain alternation, same matches)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def branch(node: dict) -> str:
        alts = [re.escape(ch) + branch(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body  # longer words first, then the one ending here

    return branch(trie)


# any strong cue in folded text (to find the few sentences that hold one)
_ANY_STRONG_CUE = re.compile(_trie_pattern({*lx.STRONG_ADMIN_CUES, *lx.STRONG_POINT_CUES}))


class Token(NamedTuple):
    start: int
    end: int
    text: str
    norm: str
    cap: bool  # starts with a capital letter


_new_token = partial(tuple.__new__, Token)  # Token(*row), without a Python-level call


class Sentence:
    """A sentence of a document; its tokens and capitalisation are worked out when first asked for
    (most sentences of a text name no place)."""

    __slots__ = ("_all_caps", "_headline", "_text", "_token_starts", "_tokens", "end", "start")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start, self.end, self._text = start, end, text
        self._tokens: list[Token] | None = None
        self._headline: bool | None = None
        self._all_caps: bool | None = None

    @property
    def tokens(self) -> list[Token]:
        tokens = self._tokens
        return tokens if tokens is not None else self._tokenise()

    @property
    def token_starts(self) -> list[int]:
        if self._tokens is None:
            self._tokenise()
        return self._token_starts

    @property
    def headline(self) -> bool:
        """Title case or all capitals: capitalisation says nothing there."""
        if self._headline is None:
            self._headline = self._title_line() or self.all_caps
        return self._headline

    @property
    def all_caps(self) -> bool:
        """Written in capitals: 2+ words of 4+ letters, all in capitals (known without tokenising)."""
        if self._all_caps is None:
            upper = 0
            for m in _LONG_WORD.finditer(self._text, self.start, self.end):
                if not m.group().isupper():
                    upper = 0  # the usual case, known at the first long word in lower case
                    break
                upper += 1
            self._all_caps = upper >= 2
        return self._all_caps

    def _tokenise(self) -> list[Token]:
        # One C-level pass per step (a sentence may hold hundreds of tokens): split into gaps and
        # words, offsets by summing lengths, and the Tokens made without a Python call each.
        parts = _TOKEN_SPLIT.split(self._text[self.start : self.end])  # gap, word, gap, …, word, gap
        bounds = list(accumulate(map(len, parts), initial=self.start))  # where each part starts
        words = parts[1::2]
        starts = bounds[1:-1:2]
        rows = zip(starts, bounds[2::2], words, map(_normalise_word, words), [w[0].isupper() for w in words])
        self._tokens, self._token_starts = list(map(_new_token, rows)), starts
        return self._tokens

    def _title_line(self) -> bool:
        """A whole line on its own, mostly capitalised words and no final stop (a title-case headline)."""
        text, a, b = self._text, self.start, self.end
        line_start = text.rfind("\n", 0, a) + 1
        line_end = text.find("\n", b)
        if text[line_start:a].strip() or text[b : line_end if line_end >= 0 else None].strip():
            return False
        words = [t for t in self.tokens if t.text.isalpha() and len(t.text) >= 4]
        return (
            len(words) >= 3 and sum(t.cap for t in words) >= 0.75 * len(words) and not text[a:b].rstrip().endswith(".")
        )

    def tokens_within(self, start: int, end: int) -> list[Token]:
        """The tokens lying wholly inside [start, end) (tokens are ordered and do not overlap)."""
        toks, i = self.tokens, bisect.bisect_left(self.token_starts, start)
        j = i
        while j < len(toks) and toks[j].end <= end:
            j += 1
        return toks[i:j]


@dataclass
class Span:
    """A recognised name: where it is, which gazetteer key it matched, what surrounds it."""

    start: int
    end: int
    key: int | None
    sentence: Sentence
    common: bool = False  # a frequent word or one the text also writes in lower case
    cue: str | None = None  # 'point', 'admin' or 'weak'
    admin_after: bool = False  # followed by "region", "province"…
    county_after: bool = False  # followed by "County", or one of a list followed by "counties"
    lowercase_alias: bool = False
    tokens: list[Token] = field(default_factory=list)
    feature: bool = False  # a river, lake, park… named after the place ("Kanawha River", "Lake Lanier")
    adjective: bool = False  # an adjective or demonym of a region ("Ohioans", "South Ossetian")


class Document:
    """A text folded and tokenised once, shared by recognition and resolution."""

    def __init__(self, text: str, lang: str | None = None) -> None:
        self.text = text
        self.lang = lang
        self.folded, self.offsets = fold(text)
        self.sentences = [Sentence(a, b, text) for a, b in sentence_spans(text)]
        self._sentence_starts = [s.start for s in self.sentences]
        # every distinct word once: which the text writes in lower case, how often each occurs
        self.word_counts = Counter(_TOKEN.findall(text))
        self.word_norms = list(map(_normalise_word, self.word_counts))  # in ``word_counts`` order
        self.lower_words = {norm for w, norm in zip(self.word_counts, self.word_norms) if w[0].islower()}
        self.caps_words = any(len(w) >= 4 and w.isupper() and w.isalpha() for w in self.word_counts)
        self.stop = lx.stop_words(lang)

    def sentence_between(self, a: int, b: int) -> Sentence:
        """A sentence of this text from offset ``a`` to ``b``: for a span that lies in no sentence of
        :attr:`sentences` (its own text, then)."""
        return Sentence(a, b, self.text)

    def sentences_with_strong_cues(self) -> list[Sentence]:
        """The sentences in which a strong cue ("village of", "région de") occurs, in order."""
        out: list[Sentence] = []
        for m in _ANY_STRONG_CUE.finditer(self.folded):
            sentence = self.sentence_at(self.offsets[m.start()])
            if sentence is not None and (not out or out[-1] is not sentence):
                out.append(sentence)
        return out

    def sentence_at(self, pos: int) -> Sentence | None:
        """The sentence holding offset ``pos`` (sentences are ordered and do not overlap)."""
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        if i >= 0 and pos < self.sentences[i].end:
            return self.sentences[i]
        return None

    def folded_span(self, start: int, end: int) -> tuple[int, int]:
        """Folded-text offsets of an original span."""
        return bisect.bisect_left(self.offsets, start), bisect.bisect_left(self.offsets, end)

    def cue_before(self, start: int, sentence: Sentence) -> str | None:
        """'admin' or 'point' (a strong cue: "région de", "village of"), 'weak' ("in", "à") or None."""
        before = self._folded_before(start, sentence)
        strong = _strong_cue(before)
        if strong is not None:
            return strong
        words = before.split()
        while words and words[-1] in ("the", "la", "le", "les", "l'"):
            words.pop()
        if words and words[-1].rstrip("'") in lx.WEAK_CUES:
            return "weak"
        return None

    def strong_cue_before(self, start: int, sentence: Sentence) -> str | None:
        """'admin' or 'point' when a strong cue precedes ``start``, else None."""
        return _strong_cue(self._folded_before(start, sentence))

    def _folded_before(self, start: int, sentence: Sentence) -> str:
        """Up to 40 folded characters before ``start``, within its sentence."""
        fs = bisect.bisect_left(self.offsets, start)
        fa = bisect.bisect_left(self.offsets, sentence.start)
        return self.folded[max(fa, fs - 40) : fs]

    def county_word_after(self, end: int) -> bool:
        """ "DeKalb County", "Pott Co.", "Barrow, Jackson and Madison counties": a county's bare name."""
        stop = min(len(self.text), end + 120)
        window = self.text[end:stop]
        if not any(w in window for w in _COUNTY_WORDS):
            return False  # the usual case: no word the pattern ends with
        return bool(_COUNTY_AFTER.match(self.text, end, stop))

    def admin_word_after(self, end: int) -> bool:
        after = self.text[end : end + 12].lstrip(" -")
        word = _TOKEN.match(after)
        return word is not None and _normalise_word(word.group()) in {
            "region",
            "province",
            "state",
            "cercle",
            "department",
            "departement",
            "district",
        }


def _strong_cue(before: str) -> str | None:
    """'admin' or 'point' when folded text ``before`` a name ends with a strong cue, else None."""
    for kind, tails in _CUE_TAILS:
        if not before.endswith(tails):  # the usual case: no cue of this kind at all
            continue
        for tail in tails:
            if before.endswith(tail):
                head = before[: len(before) - len(tail)]
                if not head or not head[-1].isalnum():
                    return kind
    return None


def _runs(sentence: Sentence, text: str) -> list[list[int]]:
    """Runs of capitalised tokens (indices into sentence.tokens), with inner connectors."""
    toks = sentence.tokens
    text_runs: list[list[int]] = []
    run: list[int] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.cap and not t.text.isdigit():
            if run:
                gap = _gap(toks[run[-1]], t, text)
                if gap not in _RUN_GAPS:
                    text_runs.append(run)
                    run = []
            run.append(i)
            i += 1
            continue
        # a lower-case connector joins two capitalised tokens ("Alliance of Sahel States")
        if (
            run
            and t.norm in lx.CONNECTORS
            and i + 1 < len(toks)
            and toks[i + 1].cap
            and _gap(toks[run[-1]], t, text) in _RUN_GAPS
            and _gap(t, toks[i + 1], text) in _RUN_GAPS
        ):
            run.append(i)
            i += 1
            continue
        if run:
            text_runs.append(run)
            run = []
        i += 1
    if run:
        text_runs.append(run)
    return text_runs


def _gap(a: Token, b: Token, text: str) -> str:
    return text[a.end : b.start]


@cached(maxsize=1)
def _alliance_names() -> tuple[str, ...]:
    """Folded names of the alliances (their own layer maps them; they are not place mentions)."""
    try:
        from geodata.alliances import ALLIANCES
    except Exception:  # noqa: BLE001 - the layer is optional for the geoparser
        return ()
    names = set()
    for a in ALLIANCES:
        for n in (a.name, a.name_fr, *a.aliases):
            if n and len(n) > 3:
                names.add(normalise(n))
    return tuple(sorted(names))


def _blocked(doc: Document) -> list[tuple[int, int]]:
    out = []
    for name in _alliance_names():
        if name not in doc.folded:
            continue
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", doc.folded):
            out.append((doc.offsets[m.start()], doc.offsets[m.end() - 1] + 1))
    return out


def _in_capitals(doc: Document, pos: int) -> bool:
    sentence = doc.sentence_at(pos)
    return sentence is not None and sentence.all_caps


def _capitalised(span_tokens: list[Token], sentence: Sentence) -> bool:
    """Capitalised like a name; generic words around it may be lower case ("Sahel region",
    "province du Séno")."""
    if not span_tokens:
        return False
    lead = 0
    while (
        lead < len(span_tokens) - 1
        and not span_tokens[lead].cap
        and (span_tokens[lead].norm in lx.LEADING_OK or span_tokens[lead].norm in lx.CONNECTORS)
    ):
        lead += 1
    if not span_tokens[lead].cap:
        return False
    if all(t.norm in lx.TRAILING_OK or t.norm in lx.LEADING_OK or t.norm in lx.CONNECTORS for t in span_tokens):
        return False  # "The city", "The Region": no name in it
    return all(
        t.cap or t.norm in lx.CONNECTORS or t.text.isdigit() or t.norm in lx.TRAILING_OK for t in span_tokens[lead:]
    )


def recognise(doc: Document, gaz: Gazetteer) -> list[Span]:
    """Recognised spans, in text order, not overlapping."""
    folded, offsets, text = doc.folded, doc.offsets, doc.text
    raw: list[tuple[int, int, int]] = []
    for fs, fe, key in gaz.matches(folded):
        if (fs > 0 and folded[fs - 1].isalnum()) or (fe < len(folded) and folded[fe].isalnum()):
            continue
        start, end = offsets[fs], offsets[fe - 1] + 1
        if end < len(doc.text) and doc.text[end - 1].isalnum() and doc.text[end].isalnum():
            continue  # the last folded character came from the middle of an expansion
        if (
            text[start].islower()
            and text[start:end].isalpha()
            and (end - start >= 4 or not doc.caps_words or not _in_capitals(doc, start))
        ):
            continue  # one lower-case word in a sentence not written in capitals: not a name
        raw.append((start, end, key))
    # longest first, then leftmost; overlapping shorter matches lose
    raw.sort(key=lambda r: (-(r[1] - r[0]), r[0]))
    taken: list[tuple[int, int, int]] = []
    occupied = bytearray(len(doc.text) + 1)
    for start, end, key in raw:
        if any(occupied[start:end]):
            continue
        occupied[start:end] = b"\x01" * (end - start)
        taken.append((start, end, key))
    taken.sort()
    blocked = _blocked(doc)

    spans: list[Span] = []
    sentence_runs: dict[int, dict[int, list[Token]]] = {}  # id(sentence) → its runs, made when first needed
    person_tokens: set[str] = set()
    pending: list[tuple[Span, list[Token]]] = []
    for start, end, key in taken:
        if blocked and any(a < end and start < b for a, b in blocked):
            continue
        sentence = doc.sentence_at(start)
        if sentence is None:
            continue
        key_text = _normalise_word(doc.text[start:end])
        if (
            key_text in doc.stop
            and text[start:end].isalpha()
            and doc.cue_before(start, sentence) is None
            and not gaz.candidate_kinds(key) & {"country", "area", "region"}
        ):
            continue  # "But", "She", "March" with no locative word before: never kept (see ``common``)
        span_tokens = sentence.tokens_within(start, end)
        if key_text in lx.DEMONYMS or key_text in lx.REGION_ADJECTIVES:
            continue
        lowercase_alias = False
        if not _capitalised(span_tokens, sentence):
            if " " in key_text and not sentence.all_caps:
                lowercase_alias = True  # only areas and regions may keep it
            elif not sentence.all_caps:
                continue
        elif (
            all(t.text.isupper() and len(t.text) > 1 for t in span_tokens if t.text.isalpha())
            and not sentence.all_caps
            and key_text not in lx.COUNTRY_ACRONYMS
            and not _dateline(doc.text, start, end)
        ):
            continue  # an acronym in running text
        span = Span(start, end, key, sentence, tokens=span_tokens, lowercase_alias=lowercase_alias)
        if id(sentence) not in sentence_runs:
            sentence_runs[id(sentence)] = _run_index(sentence, doc.text)
        run = _run_of(sentence_runs[id(sentence)], span_tokens)
        if (
            run
            and not sentence.headline
            and not _of_place(run, span_tokens)
            and not _covers_run(run, span_tokens, doc.stop, text=doc.text)
            and not _covers_run(
                run, span_tokens, doc.stop, text=doc.text, leads=bool(gaz.candidate_kinds(key) & {"country", "admin1"})
            )
        ):
            pending.append((span, run))
            continue
        span.cue = doc.cue_before(start, sentence)
        if key_text in lx.NOT_PLACES and span.cue not in ("point", "admin"):
            continue
        span.admin_after = doc.admin_word_after(end)
        span.county_after = doc.county_word_after(end)
        single = len(span_tokens) == 1
        span.common = single and (key_text in doc.stop or key_text in doc.lower_words)
        spans.append(span)
    # Runs rejected above that look like names of people: their words are not places elsewhere.
    for span, run in pending:
        if any(t.norm in lx.CONNECTORS or any(c.isdigit() for c in t.text) for t in run):
            continue  # "Alliance of Sahel States", "G5 Sahel": names of things, not people
        if span.key is None or gaz.candidate_kinds(span.key) - {"place"}:
            continue
        if any(_gap(a, b, doc.text) == "-" for a, b in pairwise(run)):
            continue  # "Fargo-Moorhead"
        cut = max((k for k, t in enumerate(run) if t.norm in lx.TITLES or t.norm in _AFTER_PLACE), default=-1)
        run = run[cut + 1 :]  # "Fargo Mayor Dennis Walaker": the person is after the title
        words = [t for t in run if t.norm not in lx.TITLES]
        if words and span.tokens and (words[0] is span.tokens[0] or words[-1].norm in _ORG_END):
            continue  # "Dublin Arts Council", "Dublin Convention": things, often named after a place
        if 2 <= len(words) <= 4:
            person_tokens.update(t.norm for t in words if t.norm not in doc.stop)
    # A surname the text uses as one: "Welch said", "said Meredith", "Mr. Moore".
    for span in spans:
        if (
            len(span.tokens) == 1
            and span.key is not None
            and span.cue not in ("point", "admin")
            and not _followed_by_name(doc.text, span.end)
            and (
                _PERSON_AFTER.match(doc.text, span.end)
                or _PERSON_BEFORE.search(doc.text[max(0, span.start - 12) : span.start])
            )
        ):
            person_tokens.add(span.tokens[0].norm)
    # countries and first-level units are not dropped that way ("Sudan" after "Sudan Tribune")
    kept = [
        s
        for s in spans
        if not (
            len(s.tokens) == 1
            and s.tokens[0].norm in person_tokens
            and s.key is not None
            and not gaz.candidate_kinds(s.key) - {"place"}
        )
    ]
    for s in kept:
        extend_to_feature(s, doc.text)
    return kept


# A river, lake, park or township named after a place lies near it: "Kanawha River", "Lake Lanier",
# "Readington Township", "Mount Hood". The generic word joins the mention; the place gives the point.
FEATURE_TAIL = re.compile(
    r" (?:National (?:Park|Forest|Wildlife Refuge|Lakeshore|Seashore|Monument)|State (?:Park|Forest)|River|Creek|"
    r"Lake|Lakes|Valley|Park|Forest|Wilderness|Mountains?|Hills|Islands?|Bay|Sound|Reservoir|Dam|Township|"
    r"Twp\.|Canyon|Falls|Gorge|Swamp|Desert|Plateau|Basin|Delta)(?![\w-])"
)
FEATURE_HEAD = re.compile(r"(?<!\w)(?:Lake|Mount|Mt\.|Mt|Lac|Fleuve|Rivière) $")
FEATURE_HEAD_WORDS = ("Lake ", "Mount ", "Mt. ", "Mt ", "Lac ", "Fleuve ", "Rivière ")


def split_feature(text: str) -> tuple[int, int] | None:
    """(start, end) of the place name inside a feature name ("Kanawha" in "Kanawha River"), or None."""
    m = FEATURE_TAIL.search(text)
    if m and m.end() == len(text) and m.start() > 0:
        return 0, m.start()
    for head in FEATURE_HEAD_WORDS:
        if text.startswith(head) and len(text) > len(head):
            return len(head), len(text)
    return None


def extend_to_feature(span: Span, text: str) -> None:
    """Widen ``span`` over a generic feature word written right after or before it."""
    m = FEATURE_TAIL.match(text, span.end)
    if m:
        span.end, span.feature = m.end(), True
        return
    m = FEATURE_HEAD.search(text, max(0, span.start - 24), span.start)
    if m and m.end() == span.start:
        span.start, span.feature = m.start(), True


_ORG_END = lx.INSTITUTION_WORDS | frozenset(
    "center centre society convention association bureau league club church committee agency corporation "
    "company inc group foundation institute project center festival team party union bank market mall "
    "theater theatre singers band academy fund trust network service services station hall square plaza "
    "mill creek river lake lakes mountain mountains valley island islands beach bay hill hills falls springs "
    "heights estates forest canyon harbor harbour port".split()
)
_DATELINE_AFTER = re.compile(r"(?:, (?:[A-Z][a-z]|[A-Z]\.\s?[A-Z])| ?(?:—|–|--|- |\x97)| \((?:AP|AFP|Reuters|UPI)\))")


def _dateline(text: str, start: int, end: int) -> bool:
    """A news dateline: "COLUMBUS, Ohio (AP) —", "CHARLESTON, W.Va. --", "ATLANTA -", "LEBANON (AP)"
    at the start of a line or after a headline's full stop."""
    before = text[max(0, start - 3) : start]
    return (
        end - start >= 4
        and (start == 0 or before.endswith(("\n", ". ", ".  ", "\n ")))
        and bool(_DATELINE_AFTER.match(text, end))
    )


_NAME_AFTER = re.compile(r"[ -][A-Z]")


def _followed_by_name(text: str, end: int) -> bool:
    """A capitalised word follows (the name goes on: "said Fargo City Commissioner")."""
    return bool(_NAME_AFTER.match(text, end))


_PERSON_AFTER = re.compile(
    r",? (?:said|says|told|added|testified|explained|wrote|asked|noted|stated|recalled|"
    r"admitted|replied|declined|pleaded|agreed|argued)\b"
)
_PERSON_BEFORE = re.compile(
    r"(?:\b(?:said|says|told|Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Sgt|Lt|Rev|Det|Cpl|Officer|Deputy|"
    r"Coach|Judge|Trooper)\.?)\s$"
)


def _of_place(run: list[Token], span_tokens: list[Token]) -> bool:
    """ "Betty Kneasel of Myerstown", "Sen. Max Baucus of Montana": the run ends with "of <place>"
    and the word before "of" is not the head of a body's name ("University of California")."""
    if not span_tokens or run[-1] is not span_tokens[-1]:
        return False
    at = next((k for k, t in enumerate(run) if t is span_tokens[0]), 0)
    if at < 2 or run[at - 1].norm != "of" or run[at - 1].cap:
        return False
    head = run[: at - 1]
    return len(head) <= 4 and not any(t.norm in lx.ORGANISATION_HEADS or t.norm == "of" for t in head)


def _run_index(sentence: Sentence, text: str) -> dict[int, list[Token]]:
    """id(token) → the run of capitalised tokens it belongs to, for the tokens in one. Tokens of a
    document are distinct objects at distinct offsets, so identity stands for equality."""
    index = {}
    for r in _runs(sentence, text):
        run = [sentence.tokens[i] for i in r]
        for t in run:
            index[id(t)] = run
    return index


def _run_of(run_index: dict[int, list[Token]], span_tokens: list[Token]) -> list[Token]:
    """The first run holding one of ``span_tokens`` ([] when none): runs do not overlap and go in
    text order, so it is the run of the first span token in one."""
    return next((run_index[id(t)] for t in span_tokens if id(t) in run_index), [])


_FEATURE_LEADS = frozenset(("lake", "mount", "mt", "lac", "fleuve", "riviere"))
_AFTER_PLACE = lx.INSTITUTION_WORDS | lx.TITLES | frozenset(normalise(w) for w in lx.MONTHS_WEEKDAYS)


def _covers_run(
    run: list[Token], span_tokens: list[Token], stop: frozenset[str], *, leads: bool = False, text: str = ""
) -> bool:
    """True when the only run words outside the match are sentence words, directions or admin words.

    Also when the words after it are those of a body or office of the place ("Shreveport Police
    Department") or a day ("Alexandria Friday night"), when ``leads`` (a country or first-level
    unit: "Ohio State University", "Texas Alcoholic Beverage Commission") and the match starts the
    run, or when a hyphen joins it to another name ("Fargo-Moorhead", "Egyptian-US").
    """
    position = {id(t): k for k, t in enumerate(run)}
    inside = [position[id(t)] for t in span_tokens if id(t) in position]
    first, last = inside[0], inside[-1]
    leading, trailing = run[:first], run[last + 1 :]
    if trailing and (
        trailing[0].norm in _AFTER_PLACE
        or leads
        or run[-1].norm in _ORG_END
        or (text and _gap(run[last], trailing[0], text) == "-" and len(trailing) == 1 and trailing[0].text.isupper())
    ):
        trailing = []  # "Shreveport Police Department": the place's own police
    if (
        leading
        and text
        and _gap(leading[-1], run[first], text) == "-"
        and len(leading) == 1
        and (leading[0].norm in lx.DEMONYMS or leading[0].text.isupper())
    ):
        leading = []  # "Egyptian-US relations", "Fargo-Moorhead"
    for i, t in enumerate(leading):
        if t.norm in lx.LEADING_OK or (t.norm in lx.CONNECTORS and not t.cap):
            continue
        if i == len(leading) - 1 and t.norm in _FEATURE_LEADS:
            continue  # "Lake Lanier", "Mount Hood": a feature named after the place
        if i == 0 and t.norm in stop and t.norm not in lx.TITLES:
            continue
        return False
    return all(t.norm in lx.TRAILING_OK for t in trailing)
