"""A small, robust sentence splitter: lines first (a caption or headline is a sentence), then
sentence punctuation followed by a capital, except after abbreviations and initials."""

from __future__ import annotations

import re

__all__ = ["sentence_spans"]

_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+(?=[\"'«“(\[]?[A-Z0-9À-ÖØ-Þ])")
_ABBREV = frozenset(
    "mr mrs ms dr prof gen col lt capt sgt st mt no vol fig jan feb mar apr jun jul aug sep sept oct "
    "nov dec inc ltd co corp etc vs approx dept est govt m mme mlle cf ex env av "
    "sen rep gov maj cpl adm rev hon pres supt insp det atty sr jr".split()
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        start, stop = pos, pos + len(line)
        pos = stop
        cut = start
        for m in _END.finditer(text, start, stop):
            before = text[cut : m.start()].rsplit(None, 1)  # its last word is all that is needed
            last = before[-1].lower().rstrip(".") if before else ""
            if last in _ABBREV or (len(last) == 1 and last.isalpha()):
                continue
            spans.append((cut, m.start() + len(m.group().rstrip())))
            cut = m.end()
        spans.append((cut, stop))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out
