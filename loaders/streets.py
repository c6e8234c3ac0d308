"""Streets and roads named in a text ("Wichita Drive", "N. Poplar St.", "Highway 19", "RN3").

They are places an analyst reads, but the gazetteer has no streets: the geoparser reports them as
unresolved mentions, and a town name inside one ("Wichita" in "Wichita Drive") is not a mention of
that town.
"""

from __future__ import annotations

import re

__all__ = ["street_spans"]

_WORD = r"(?:[A-Z][\w'’]*(?<!\.)|[A-Z][a-z]?\.|\d+(?:st|nd|rd|th))"
# The word a street name ends with ("Main Street", "N. Poplar St."), and the words and codes a
# numbered road starts with ("Highway 19", "RN3").
_STREET_WORD = (
    r"(?:Street|St\.(?! [A-Z])|Avenue|Ave\.?|Drive|Dr\.(?! [A-Z])|Road|Rd\.?|Boulevard|Blvd\.?|Lane|"
    r"Ln\.?|Parkway|Pkwy\.?|Highway|Hwy\.?|Pike|Trail|Freeway|Expressway|Turnpike|Terrace|Circle)(?![\w-])"
)
_ROAD_WORDS = (
    r"(?:(?:State |U\.S\. |US |County |Farm to Market )?(?:Highway|Hwy\.?|Route|Road)|Interstate|"
    r"County Road|State Road|Route nationale|Route Nationale|Route départementale)"
)
_ROAD_CODES = r"(?:I-|US-|SR-|RN ?)"
_NAMED = re.compile(
    rf"(?<![\w.])(?!(?:The|A|An|In|On|At|Of|To|From|And|For|By)\b){_WORD}(?:[ -]{_WORD}){{0,3}} {_STREET_WORD}"
)
_NUMBERED = re.compile(
    rf"(?<![\w.]){_ROAD_WORDS} \d+[A-Z]?(?: (?:North|South|East|West))?(?!\w)|(?<![\w.-]){_ROAD_CODES}\d+(?![\w-])"
)
# What every match of each pattern holds. No match crosses a line (the patterns hold no line
# break), so only the lines holding one are searched: less than half of a news text.
_NAMED_WORDS = re.compile(_STREET_WORD)
_NUMBERED_WORDS = re.compile(rf"{_ROAD_WORDS} \d|{_ROAD_CODES}\d")


def _lines_holding(words: re.Pattern, text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of ``text`` in which ``words`` occurs, in order."""
    lines: list[tuple[int, int]] = []
    for m in words.finditer(text):
        if lines and m.start() < lines[-1][1]:
            continue
        end = text.find("\n", m.end())
        lines.append((text.rfind("\n", 0, m.start()) + 1, len(text) if end < 0 else end))
    return lines


def street_spans(text: str, stop: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """(start, end) of each street or road name, in text order, not overlapping. Numbered roads
    first; a named one loses its leading words that are in ``stop`` (lower-case frequent words:
    "Take Highway 19", "Near Main Street")."""
    taken = [
        (m.start(), m.end()) for a, b in _lines_holding(_NUMBERED_WORDS, text) for m in _NUMBERED.finditer(text, a, b)
    ]
    named = [m for a, b in _lines_holding(_NAMED_WORDS, text) for m in _NAMED.finditer(text, a, b)]
    for m in named:
        start, end = m.start(), m.end()
        words = text[start:end].split(" ")
        while len(words) > 1 and words[0].lower() in stop:
            start += len(words.pop(0)) + 1
        if len(words) > 1 and not any(a < end and start < b for a, b in taken):
            taken.append((start, end))
    return sorted(taken)
