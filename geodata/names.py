"""Name normalisation shared by the gazetteer (when indexing) and the geoparser (when matching).

Both sides must fold text the same way, or a name indexed as ``tillaberi`` is never found in
"Tillabéri". Folding is done one character at a time so that every folded character keeps the
offset of the original character it came from: the geoparser maps matches back onto the original
text exactly (``text[m.start:m.end] == m.text``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np

# Letters that NFKD does not decompose into a base letter plus accents.
_SPECIAL = {"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae",
            "œ": "oe", "Œ": "oe", "ı": "i", "ð": "d", "þ": "th"}
_APOSTROPHES = "'’‘`´ʼʻ′"
# Hyphens, dashes and the underscore separate words like a space does ("Liptako-Gourma").
_SEPARATORS = "-‐‑‒–—―_/"


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """The folded form of one character: '' (dropped), ' ' (a separator) or lower-case letters."""
    if ch.isspace() or ch in _SEPARATORS:
        return " "
    if ch in _APOSTROPHES:
        return "'"
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if ch.isascii():
        return ch.lower()
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` for matching and return it with, for each folded character, its source offset.

    Runs of separators collapse into one space, so "Burkina  Faso" and "Burkina\\nFaso" both read
    "burkina faso".
    """
    table = {ord(ch): fold_char(ch) for ch in set(text)}
    if all(len(f) == 1 for f in table.values()):  # one folded character per character
        return _collapse_separators(text.translate(table))
    return _fold_slow([table[ord(ch)] for ch in text])


_SEPARATOR_RUN = re.compile(" +")


def _collapse_separators(joined: str) -> tuple[str, list[int]]:
    """``fold`` when every character folds to exactly one: keep the first space of each run of
    separators (none at the start); offsets are positions in ``joined``."""
    space = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32) == ord(" ")
    dropped = space & np.concatenate(([True], space[:-1]))  # after a space, or leading
    folded = _SEPARATOR_RUN.sub(" ", joined)
    return folded[1:] if folded.startswith(" ") else folded, np.flatnonzero(~dropped).tolist()


def _fold_slow(parts: list[str]) -> tuple[str, list[int]]:
    """``fold`` in general: characters that vanish (combining accents) or expand ("æ", "…")."""
    out: list[str] = []
    offsets: list[int] = []
    last_space = True  # drop leading separators
    for i, folded in enumerate(parts):
        if folded == " ":
            if last_space:
                continue
            last_space = True
        elif not folded:
            continue
        else:
            last_space = False
        for c in folded:
            out.append(c)
            offsets.append(i)
    return "".join(out), offsets


def normalise(name: str) -> str:
    """The key a name is indexed and looked up by: case-folded, accents stripped, one space per gap."""
    parts = list(map(fold_char, name))
    joined = "".join(parts)
    if len(joined) == len(name) and "" not in parts:  # ``fold`` without the offsets
        return _SEPARATOR_RUN.sub(" ", joined).strip()
    return _fold_slow(parts)[0].strip()


def is_latin(name: str) -> bool:
    """True when every letter of ``name`` is Latin script (GeoNames mixes in every script)."""
    for ch in name:
        o = ord(ch)
        if o < 0x250 or 0x1E00 <= o <= 0x1EFF or not ch.isalpha():
            continue
        return False
    return True
