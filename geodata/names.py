"""Name normalisation shared by the gazetteer (when indexing) and the geoparser (when matching).

Both sides must fold text the same way, or a name indexed as ``tillaberi`` is never found in
"Tillabéri". Folding is done one character at a time so that every folded character keeps the
offset of the original character it came from: the geoparser maps matches back onto the original
text exactly (``text[m.start:m.end] == m.text``).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from conflictmap.caches import cached

__all__ = ["abbreviation_variants", "fold", "fold_char", "is_latin", "normalise", "short_forms"]

# Letters that NFKD does not decompose into a base letter plus accents.
_SPECIAL = {
    "ø": "o",
    "Ø": "o",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
    "æ": "ae",
    "Æ": "ae",
    "œ": "oe",
    "Œ": "oe",
    "ı": "i",
    "ð": "d",
    "þ": "th",
}
_APOSTROPHES = "'’‘`´ʼʻ′"
# Hyphens, dashes and the underscore separate words like a space does ("Liptako-Gourma").
_SEPARATORS = "-‐‑‒–—―_/"


@cached(maxsize=4096)
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


# Abbreviations news writes for the first word of a name ("St. Petersburg", "Mt. Pleasant",
# "Ft. Worth"), as normalised keys: each form of a group is indexed when one is.
_ABBREVIATED = (
    ("saint", "st.", "st"),
    ("sainte", "ste.", "ste"),
    ("mount", "mt.", "mt"),
    ("fort", "ft.", "ft"),
    ("port", "pt."),
)
_ABBREVIATION_OF = {form: group for group in _ABBREVIATED for form in group}


def abbreviation_variants(key: str) -> list[str]:
    """Other written forms of a normalised name key whose words abbreviate: "saint petersburg" →
    "st. petersburg", "st petersburg"; "mt. pleasant" → "mount pleasant", "mt pleasant"."""
    words = key.split(" ")
    out = []
    for i, word in enumerate(words):
        group = _ABBREVIATION_OF.get(word)
        if group is None or i == len(words) - 1:
            continue
        for form in group:
            if form != word:
                out.append(" ".join([*words[:i], form, *words[i + 1 :]]))
    return out


# Words of a subdivision's official name that writers leave out ("Dagestan, Respublika",
# "Gorodskoy Okrug X", "Comuna Y", "Z County", "District Municipality of Muskoka").
_GENERIC_HEADS = tuple(
    w + " "
    for w in (
        "comuna",
        "municipio",
        "municipiul",
        "municipality of",
        "district municipality of",
        "regional municipality of",
        "county of",
        "city of",
        "town of",
        "township of",
        "province of",
        "region of",
        "republic of",
        "state of",
        "departamento de",
        "departamento del",
        "provincia de",
        "provincia di",
        "provincia del",
        "distrito de",
        "partido de",
        "gorodskoy okrug",
        "amphoe",
        "huyen",
        "kabupaten",
        "kota",
        "powiat",
        "gemeente",
        "obshtina",
        "okres",
        "opcina",
        "oras",
        "muang",
        "markaz",
        "daira de",
        "daira d'",
        "shahrestan e",
        "srok",
        "respublika",
        "oblast'",
        "kraj",
        "kraje",
        "wilaya de",
        "wilaya d'",
        "prefecture de",
        "cercle de",
    )
)
_GENERIC_TAILS = tuple(
    " " + w
    for w in (
        "county",
        "parish",
        "borough",
        "district",
        "municipality",
        "rayon",
        "raion",
        "region",
        "province",
        "prefecture",
        "governorate",
        "oblast",
        "oblast'",
        "krai",
        "kray",
        "okrug",
        "republic",
        "respublika",
        "department",
        "departement",
        "state",
        "territory",
        "shi",
        "ilcesi",
        "pagasts",
        "kommun",
        "kommune",
        "tumani",
        "jaras",
        "audany",
        "city and borough",
        "census area",
        "regional municipality",
    )
)


def short_forms(name: str) -> list[str]:
    """Shorter forms of a subdivision's name, as normalised keys of 4+ characters: the part before a
    comma, and the name without the generic words that official names carry at either end."""
    key = normalise(name)
    forms = []
    if ", " in key:
        forms.append(key.split(", ")[0])
    for form in [key, *forms]:
        for head in _GENERIC_HEADS:
            if form.startswith(head):
                forms.append(form[len(head) :])
        for tail in _GENERIC_TAILS:
            if form.endswith(tail):
                forms.append(form[: -len(tail)].rstrip(" ,"))
    return [f for f in dict.fromkeys(forms) if f != key and len(f) >= 4 and f[0].isalnum()]
