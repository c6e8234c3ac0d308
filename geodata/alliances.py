"""Sahel alliances with dated memberships: who was a member on a given day, and where.

Every date carries its source (``Membership.source``, ``Alliance.sources``). Dates are
inclusive for ``joined`` and exclusive for ``left``: a country that ``left`` on 29 Jan 2025
is no longer a member on that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import pandas as pd
import shapely

from conflictmap.caches import cached

__all__ = [
    "AES_CHARTER",
    "AES_CONFEDERATION",
    "AES_FOUNDED",
    "ALLIANCES",
    "ECOWAS_ABOUT",
    "ECOWAS_EXIT",
    "ECOWAS_EXIT_DATE",
    "G5_BFA_NER_OUT",
    "G5_DISSOLVED",
    "G5_FOUNDED",
    "G5_MALI_JOINT_FORCE",
    "G5_MALI_OUT",
    "LGA_FOUNDED",
    "LGA_WIKIPEDIA",
    "Alliance",
    "Membership",
    "alliance",
    "alliance_layer",
    "members_on",
    "timeline",
]

# Sources (quoted in /work/shared/data/alliances-facts.md, collected for this project).
AES_CHARTER = "https://voltairenet.org/article219804.html"
AES_FOUNDED = (
    "https://www.topnewsafrica.net/news/le-mali-le-burkina-faso-et-le-niger-creent-lalliance-des-etats-du-sahel"
)
AES_CONFEDERATION = "https://pledgetimes.com/three-african-countries-sign-treaty-to-create-confederation/"
G5_FOUNDED = (
    "https://www.tellerreport.com/life/2022-08-15-mali-withdrew-from-it---learn-about-the-five-"
    "sahel-countries.S1G6njy_A9.html"
)
G5_MALI_OUT = "http://malijet.co/crise-malienne/le-mali-quitte-le-g5-sahel"
G5_MALI_JOINT_FORCE = "https://www.africanews.com/2022/06/17/malis-withdrawal-from-g5-sahel-effective-from-june-30/"
G5_BFA_NER_OUT = "https://sahelien.com/le-burkina-et-le-niger-se-retirent-du-g5-sahel"
G5_DISSOLVED = "https://english.news.cn/20231206/d9de2e067a8346acb0308878d205c81f/c.html"
ECOWAS_ABOUT = "https://ecowas.int/about-ecowas/"
ECOWAS_EXIT = "https://punchng.com/breaking-ecowas-okays-withdrawal-of-niger-mali-bfaso-by-january-2025/"
ECOWAS_EXIT_DATE = (
    "https://en.sputniknews.africa/amp/20240218/burkina-faso-mali-niger-to-leave-ecowas-on-"
    "january-29-2025-ecowas-commission-chair-reveals-1065135046.html"
)
LGA_WIKIPEDIA = "https://en.wikipedia.org/wiki/Liptako%E2%80%93Gourma_Authority?oldid=693492059"
LGA_FOUNDED = "http://en.m.wiki.x.io/wiki/Liptako-Gourma_Authority"


@dataclass(frozen=True)
class Membership:
    """One spell of membership: ``joined`` <= day < ``left`` (``left`` None: still a member)."""

    country: str
    joined: date
    left: date | None = None
    note: str = ""
    source: str = ""

    def active_on(self, day: date) -> bool:
        return self.joined <= day and (self.left is None or day < self.left)


@dataclass(frozen=True)
class Alliance:
    id: str
    name: str
    name_fr: str
    aliases: tuple[str, ...]
    color: str
    founded: date
    dissolved: date | None
    sources: tuple[str, ...]
    memberships: tuple[Membership, ...] = field(default_factory=tuple)
    note: str = ""


def _spells(
    countries: str, joined: date, source: str, left: date | None = None, note: str = ""
) -> tuple[Membership, ...]:
    return tuple(Membership(c, joined, left, note, source) for c in countries.split())


_AES_DAY = date(2023, 9, 16)
_G5_DAY = date(2014, 2, 16)
_G5_END = date(2023, 12, 6)
_ECOWAS_DAY = date(1975, 5, 28)
_ECOWAS_EXIT = date(2025, 1, 29)

ALLIANCES: tuple[Alliance, ...] = (
    Alliance(
        id="aes",
        name="Alliance of Sahel States",
        name_fr="Alliance des États du Sahel",
        aliases=(
            "AES",
            "Alliance of Sahel States",
            "Alliance des États du Sahel",
            "Alliance des Etats du Sahel",
            "Confederation of Sahel States",
            "Confédération des États du Sahel",
            "Liptako-Gourma Charter",
        ),
        color="#d95f02",
        founded=_AES_DAY,
        dissolved=None,
        sources=(AES_FOUNDED, AES_CHARTER, AES_CONFEDERATION),
        memberships=_spells("BFA MLI NER", _AES_DAY, AES_FOUNDED, note="Liptako-Gourma Charter, 16 Sept 2023"),
        note="Became the Confederation of Sahel States on 6 July 2024 (Niamey summit); same three members.",
    ),
    Alliance(
        id="g5",
        name="G5 Sahel",
        name_fr="G5 Sahel",
        aliases=("G5 Sahel", "G5-Sahel", "G5S", "Group of Five for the Sahel", "G5 du Sahel"),
        color="#7570b3",
        founded=_G5_DAY,
        dissolved=_G5_END,
        sources=(G5_FOUNDED, G5_MALI_OUT, G5_MALI_JOINT_FORCE, G5_BFA_NER_OUT, G5_DISSOLVED),
        memberships=(
            Membership(
                "MLI",
                _G5_DAY,
                date(2022, 5, 15),
                "Withdrew from all organs on 15 May 2022; troops left the Joint Force on 30 June 2022",
                G5_MALI_OUT,
            ),
            *_spells(
                "BFA NER",
                _G5_DAY,
                G5_BFA_NER_OUT,
                date(2023, 11, 29),
                "Withdrawal announced 2 Dec 2023 with effect from 29 Nov 2023",
            ),
            *_spells("TCD MRT", _G5_DAY, G5_DISSOLVED, _G5_END, "Dissolution under Art. 20 of the convention"),
        ),
        note="Founded at the Nouakchott summit of 16 Feb 2014; founding convention adopted 19 Dec 2014.",
    ),
    Alliance(
        id="ecowas",
        name="Economic Community of West African States",
        name_fr="Communauté économique des États de l'Afrique de l'Ouest",
        aliases=(
            "ECOWAS",
            "CEDEAO",
            "Economic Community of West African States",
            "Communauté économique des États de l'Afrique de l'Ouest",
        ),
        color="#1b9e77",
        founded=_ECOWAS_DAY,
        dissolved=None,
        sources=(ECOWAS_ABOUT, ECOWAS_EXIT, ECOWAS_EXIT_DATE),
        memberships=(
            *_spells(
                "BEN CIV GMB GHA GIN GNB LBR NGA SEN SLE TGO",
                _ECOWAS_DAY,
                ECOWAS_ABOUT,
                note="Founding member (Treaty of Lagos)",
            ),
            *_spells(
                "BFA MLI NER",
                _ECOWAS_DAY,
                ECOWAS_EXIT,
                _ECOWAS_EXIT,
                "Founding member; withdrawal announced 28 Jan 2024, effective 29 Jan 2025",
            ),
            Membership("CPV", date(1977, 1, 1), None, "Joined in 1977 (only the year is recorded here)", ECOWAS_ABOUT),
        ),
        note=(
            "Mauritania, a founding member, left in 2000 and is not modelled (exact date not verified). "
            "Suspensions (Mali 2021, Guinea 2021, Burkina Faso 2022, Niger 2023) are not exits."
        ),
    ),
    Alliance(
        id="lga",
        name="Liptako-Gourma Authority",
        name_fr="Autorité du Liptako-Gourma",
        aliases=(
            "Liptako-Gourma Authority",
            "Autorité du Liptako-Gourma",
            "ALG",
            "LGA",
            "Liptako-Gourma Integrated Development Authority",
            "Autorité de développement intégré de la région du Liptako-Gourma",
        ),
        color="#e7298a",
        founded=date(1970, 12, 3),
        dissolved=None,
        sources=(LGA_FOUNDED, LGA_WIKIPEDIA),
        memberships=_spells("BFA MLI NER", date(1970, 12, 3), LGA_FOUNDED, note="Founding member"),
        note="Headquarters in Ouagadougou; its zone is the 'areas' layer entry liptako-gourma.",
    ),
)

_BY_ID = {a.id: a for a in ALLIANCES}


def alliance(ref: str) -> Alliance | None:
    """An alliance by id or by any of its names and aliases (case-insensitive)."""
    key = ref.strip().casefold()
    for item in ALLIANCES:
        if key in {item.id, item.name.casefold(), item.name_fr.casefold(), *(a.casefold() for a in item.aliases)}:
            return item
    return None


def members_on(day: date, alliance: str | None = None) -> dict[str, list[str]]:
    """ISO3 members per alliance id on ``day`` (alliances without members that day are absent)."""
    chosen = ALLIANCES if alliance is None else tuple(a for a in ALLIANCES if a.id == alliance)
    if alliance is not None and not chosen:
        raise KeyError(f"unknown alliance {alliance!r}; known: {', '.join(_BY_ID)}")
    out: dict[str, list[str]] = {}
    for item in chosen:
        members = sorted({m.country for m in item.memberships if m.active_on(day)})
        if members:
            out[item.id] = members
    return out


@cached(maxsize=64)
def _outline(members: tuple[str, ...]):
    from .boundaries import countries

    world = countries()
    return shapely.union_all(world[world["iso3"].isin(members)].geometry.to_numpy())


def alliance_layer(day: date) -> gpd.GeoDataFrame:
    """One dissolved polygon per alliance with members on ``day``."""
    rows = []
    for alliance_id, members in members_on(day).items():
        item = _BY_ID[alliance_id]
        rows.append(
            {
                "alliance": item.id,
                "name": item.name,
                "color": item.color,
                "members": ",".join(members),
                "member_count": len(members),
                "geometry": _outline(tuple(members)),
            }
        )
    columns = ["alliance", "name", "color", "members", "member_count", "geometry"]
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs="EPSG:4326")


def timeline() -> pd.DataFrame:
    """Every membership spell: ``alliance, country, joined, left`` (``left`` NaT when ongoing)."""
    rows = [
        {
            "alliance": a.id,
            "country": m.country,
            "joined": pd.Timestamp(m.joined),
            "left": pd.Timestamp(m.left) if m.left else pd.NaT,
        }
        for a in ALLIANCES
        for m in a.memberships
    ]
    return pd.DataFrame(rows, columns=["alliance", "country", "joined", "left"])
