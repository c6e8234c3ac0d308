"""The armed groups, forces and other actors of Sahel conflict reporting, with their aliases (EN, FR).

One maintained list, :data:`ACTORS`: each actor has the canonical name used in the store (ACLED's
naming where ACLED has one), the aliases met in reporting, whether it is armed, and its ``side``
(``state``, ``jihadist``, ``militia``, ``foreign``, ``rebel``, ``civilian``…) so that two armed
actors on different sides make a battle. Add aliases here, never in the extractor.

:func:`find_actors` returns the actors named in a text, in order of first appearance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conflictmap.caches import cached

__all__ = ["ACTORS", "Actor", "ActorMention", "canonical", "find_actors", "parent_of"]


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    aliases: tuple[str, ...]
    side: str
    armed: bool = True
    parent: str | None = None  # e.g. Katiba Macina -> JNIM


ACTORS: tuple[Actor, ...] = (
    Actor(
        "JNIM: Group for Support of Islam and Muslims",
        (
            "JNIM",
            "GSIM",
            "Jama'at Nusrat al-Islam wal-Muslimin",
            "Jamaat Nusrat al-Islam wal-Muslimin",
            "Jama'at Nasr al-Islam wal Muslimin",
            "Group for Support of Islam and Muslims",
            "Support Group for Islam and Muslims",
            "Groupe de soutien à l'islam et aux musulmans",
            "Groupe de soutien à l'Islam et aux Musulmans",
            "GSIM/JNIM",
            "JNIM/GSIM",
            "Nusrat al-Islam",
        ),
        "jihadist",
    ),
    Actor(
        "Katiba Macina",
        ("Katiba Macina", "Katiba du Macina", "Macina Liberation Front", "Front de libération du Macina", "FLM"),
        "jihadist",
        parent="JNIM: Group for Support of Islam and Muslims",
    ),
    Actor(
        "Ansaroul Islam",
        ("Ansaroul Islam", "Ansarul Islam", "Ansar ul Islam", "Ansarul-Islam"),
        "jihadist",
        parent="JNIM: Group for Support of Islam and Muslims",
    ),
    Actor(
        "Ansar Dine",
        ("Ansar Dine", "Ansar Eddine", "Ançar Dine"),
        "jihadist",
        parent="JNIM: Group for Support of Islam and Muslims",
    ),
    Actor(
        "Al Mourabitoune",
        ("Al Mourabitoune", "Al-Mourabitoun", "Al Mourabitoun"),
        "jihadist",
        parent="JNIM: Group for Support of Islam and Muslims",
    ),
    Actor(
        "AQIM: Al Qaeda in the Islamic Maghreb",
        (
            "AQIM",
            "AQMI",
            "Al Qaeda in the Islamic Maghreb",
            "al-Qaida au Maghreb islamique",
            "Al-Qaïda au Maghreb islamique",
        ),
        "jihadist",
    ),
    Actor(
        "Islamic State (Sahel)",
        (
            "ISSP",
            "IS Sahel",
            "IS-Sahel",
            "Islamic State Sahel",
            "Islamic State Sahel Province",
            "Islamic State in the Sahel",
            "ISGS",
            "IS-GS",
            "Islamic State in the Greater Sahara",
            "Islamic State of the Greater Sahara",
            "EIGS",
            "EI-GS",
            "État islamique au Grand Sahara",
            "Etat islamique au Grand Sahara",
            "État islamique dans le Grand Sahara",
            "EI-Sahel",
            "EIS",
            "État islamique au Sahel",
            "Etat islamique au Sahel",
            "Province du Sahel de l'État islamique",
            "ISWAP (Greater Sahara)",
            "Islamic State West Africa Province (Greater Sahara)",
        ),
        "jihadist",
    ),
    Actor(
        "Islamic State West Africa Province",
        (
            "ISWAP",
            "Islamic State West Africa Province",
            "EIAO",
            "État islamique en Afrique de l'Ouest",
            "Etat islamique en Afrique de l'Ouest",
        ),
        "jihadist",
    ),
    Actor("Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad", ("Boko Haram", "JAS"), "jihadist"),
    Actor(
        "Military Forces of Mali",
        (
            "FAMa",
            "FAMA",
            "Malian army",
            "Malian Armed Forces",
            "Malian soldiers",
            "Malian troops",
            "Malian forces",
            "Forces armées maliennes",
            "armée malienne",
            "soldats maliens",
            "militaires maliens",
        ),
        "state",
    ),
    Actor(
        "Military Forces of Burkina Faso",
        (
            "Burkinabe army",
            "Burkinabe forces",
            "Burkinabe soldiers",
            "Burkinabe troops",
            "Burkinabe air force",
            "Burkinabè army",
            "Burkinabè forces",
            "Burkinabè soldiers",
            "Burkina Faso army",
            "Burkina Faso Armed Forces",
            "Burkina Faso military",
            "armée burkinabè",
            "armée burkinabé",
            "soldats burkinabè",
            "Forces armées nationales",
            "GARSI",
            "Groupe d'action rapide de surveillance et d'intervention",
            "BIR",
            "Bataillon d'intervention rapide",
            "army",
            "soldiers",
            "troops",
            "military forces",
            "armée",
            "soldats",
            "militaires",
            "FDS",
            "Forces de défense et de sécurité",
            "defence and security forces",
            "defense and security forces",
            "security forces",
        ),
        "state",
    ),
    Actor(
        "Military Forces of Niger",
        (
            "FAN",
            "Nigerien army",
            "Nigerien soldiers",
            "Nigerien troops",
            "Niger army",
            "Forces armées nigériennes",
            "armée nigérienne",
            "soldats nigériens",
        ),
        "state",
    ),
    Actor(
        "Police Forces",
        (
            "police",
            "policemen",
            "policeman",
            "police officers",
            "gendarmes",
            "gendarmerie",
            "gendarme",
            "policiers",
            "policier",
            "CRS",
        ),
        "state",
    ),
    Actor(
        "VDP: Volunteers for the Defense of the Homeland",
        (
            "VDP",
            "VDPs",
            "Volunteers for the Defense of the Homeland",
            "Volunteers for the Defence of the Homeland",
            "Volontaires pour la défense de la patrie",
            "Volontaires pour la Défense de la Patrie",
            "volunteer fighters",
            "homeland defence volunteers",
            "homeland defense volunteers",
        ),
        "militia",
    ),
    Actor("Koglweogo Militia", ("Koglweogo", "Koglwéogo"), "militia"),
    Actor(
        "Dozo Militia",
        ("Dozo", "Dozos", "dozo hunters", "chasseurs dozos", "Dan Na Ambassagou", "Dana Amassagou"),
        "militia",
    ),
    Actor(
        "Wagner Group",
        (
            "Wagner",
            "Wagner Group",
            "groupe Wagner",
            "Africa Corps",
            "Africa Korps",
            "Russian mercenaries",
            "mercenaires russes",
            "Russian instructors",
            "instructeurs russes",
            "Russian paramilitaries",
        ),
        "foreign",
    ),
    Actor(
        "Operation Barkhane",
        (
            "Barkhane",
            "Operation Barkhane",
            "opération Barkhane",
            "Serval",
            "French forces",
            "French troops",
            "French army",
            "forces françaises",
            "armée française",
            "soldats français",
        ),
        "foreign",
    ),
    Actor("Takuba Task Force", ("Takuba", "Task Force Takuba"), "foreign"),
    Actor(
        "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali",
        ("MINUSMA", "UN peacekeepers", "peacekeepers", "Casques bleus", "casques bleus"),
        "foreign",
    ),
    Actor("G5 Sahel Joint Force", ("G5 Sahel Joint Force", "FC-G5S", "Force conjointe du G5 Sahel"), "foreign"),
    Actor(
        "CMA: Coordination of Azawad Movements",
        ("CMA", "Coordination of Azawad Movements", "Coordination des mouvements de l'Azawad"),
        "rebel",
    ),
    Actor("CSP-PSD: Permanent Strategic Framework", ("CSP-PSD", "CSP", "Cadre stratégique permanent"), "rebel"),
    Actor("GATIA: Imghad Tuareg and Allies Self-Defense Group", ("GATIA",), "militia"),
    Actor("MSA: Movement for the Salvation of Azawad", ("MSA", "Mouvement pour le salut de l'Azawad"), "militia"),
    Actor(
        "Unidentified Armed Group",
        (
            "unidentified gunmen",
            "unknown gunmen",
            "gunmen",
            "armed men",
            "unidentified armed men",
            "unidentified assailants",
            "unidentified aggressors",
            "armed individuals",
            "hommes armés",
            "individus armés",
            "hommes armés non identifiés",
            "assaillants",
            "group of individuals armed",
        ),
        "unknown",
    ),
    Actor(
        "Civilians",
        (
            "civilians",
            "villagers",
            "farmers",
            "herders",
            "residents",
            "civils",
            "villageois",
            "habitants",
            "farmer",
            "herder",
            "pastoralists",
            "agriculteurs",
            "éleveurs",
        ),
        "civilian",
        armed=False,
    ),
    Actor("Protesters", ("protesters", "demonstrators", "manifestants"), "protesters", armed=False),
    Actor("Rioters", ("rioters", "émeutiers"), "rioters", armed=False),
)


@dataclass(frozen=True, slots=True)
class ActorMention:
    name: str
    start: int
    end: int
    text: str
    side: str
    armed: bool


@cached(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, Actor]]:
    by_alias: dict[str, Actor] = {}
    for actor in ACTORS:
        for alias in (actor.name, *actor.aliases):
            by_alias.setdefault(alias.lower(), actor)
    # Longest alias first so "Islamic State West Africa Province (Greater Sahara)" beats "ISWAP".
    aliases = sorted(by_alias, key=len, reverse=True)
    # Upper-case acronyms (VDP, FAN, CMA) only match in upper case; other aliases ignore case.
    parts = []
    for alias in aliases:
        original = next(a for a in (by_alias[alias].name, *by_alias[alias].aliases) if a.lower() == alias)
        esc = re.escape(original)
        if original.isupper() and len(original) <= 6:
            parts.append(f"(?-i:{esc})")
        else:
            parts.append(esc)
    rx = re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)
    return rx, by_alias


def find_actors(text: str) -> list[ActorMention]:
    """Every actor alias in ``text``, in order; one mention per occurrence."""
    rx, by_alias = _pattern()
    out = []
    for m in rx.finditer(text):
        actor = by_alias[m.group().lower()]
        out.append(ActorMention(actor.name, m.start(), m.end(), m.group(), actor.side, actor.armed))
    return out


def canonical(name: str) -> str | None:
    """The canonical actor name of an alias (case-insensitive), or None."""
    actor = _pattern()[1].get(name.strip().lower())
    return actor.name if actor is not None else None


def parent_of(name: str) -> str | None:
    for actor in ACTORS:
        if actor.name == name:
            return actor.parent
    return None
