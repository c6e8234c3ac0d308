"""Name normalisation shared by the gazetteer (when indexing) and the geoparser (when matching).

Both sides must fold text the same way, or a name indexed as ``tillaberi`` is never found in
"Tillabéri". Folding is done one character at a time so that every folded character keeps the
offset of the original character it came from: the geoparser maps matches back onto the original
text exactly (``text[m.start:m.end] == m.text``).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

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
    out: list[str] = []
    offsets: list[int] = []
    last_space = True  # drop leading separators
    for i, ch in enumerate(text):
        folded = fold_char(ch)
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
    return fold(name)[0].strip()


def is_latin(name: str) -> bool:
    """True when every letter of ``name`` is Latin script (GeoNames mixes in every script)."""
    for ch in name:
        o = ord(ch)
        if o < 0x250 or 0x1E00 <= o <= 0x1EFF or not ch.isalpha():
            continue
        return False
    return True
