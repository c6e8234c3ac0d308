"""ACLED's event taxonomy (6 event types, 25 sub-event types) and a rule-based classifier of event text.

The taxonomy is ACLED's (Codebook 2019–2023; the 2023 codebook adds the ``disorder_type`` grouping,
kept in :data:`DISORDER_TYPE`). :func:`classify` reads what happened in an English or French
sentence and returns ``(event_type, sub_event_type)``; rules are ordered from the most specific
(a defused IED, an air strike) to the least (someone was killed).
"""

from __future__ import annotations

import re

__all__ = [
    "ABDUCT",
    "AGREEMENT",
    "AIR",
    "ARMED_TARGET",
    "ARREST",
    "ATTACK",
    "ATTACK_ARMED",
    "BASE",
    "CHANGE",
    "CIVILIAN_TARGET",
    "CLASH",
    "COMBINED",
    "DEFUSAL",
    "DISORDER_TYPE",
    "EVENT_TYPES",
    "EXCESSIVE",
    "GRENADE",
    "IED",
    "INTERVENTION",
    "KILLED_ARMED",
    "LOOTING",
    "MOB",
    "PROTEST",
    "RIOT",
    "SEXUAL",
    "SHELLING",
    "SUB_EVENT_TYPES",
    "SUICIDE",
    "TERRITORY_GOV",
    "TERRITORY_NSA",
    "classify",
    "normalise_event_type",
    "normalise_sub_event_type",
    "strip_prefix",
]

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": (
        "Violent demonstration",
        "Mob violence",
    ),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
SUB_EVENT_TYPES: dict[str, str] = {sub: typ for typ, subs in EVENT_TYPES.items() for sub in subs}
assert len(EVENT_TYPES) == 6 and len(SUB_EVENT_TYPES) == 25

DISORDER_TYPE = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Riots": "Political violence",
    "Protests": "Demonstrations",
    "Strategic developments": "Strategic developments",
}

_FOLD = {
    "explosions/remote violence": "Explosions/Remote violence",
    "remote violence": "Explosions/Remote violence",  # pre-2019 ACLED name
    "violence against civilians": "Violence against civilians",
    "riots/protests": "Riots",  # pre-2019 combined type: the sub-type decides, else Riots
    "battle": "Battles",
    "battle-no change of territory": "Battles",
    "battle-government regains territory": "Battles",
    "battle-non-state actor overtakes territory": "Battles",
    "non-violent activity": "Strategic developments",
    "headquarters or base established": "Strategic developments",
    "non-violent transfer of territory": "Strategic developments",
}
_TYPE_BY_KEY = {t.lower(): t for t in EVENT_TYPES} | _FOLD
_SUB_BY_KEY = {s.lower(): s for s in SUB_EVENT_TYPES}


def normalise_event_type(value: object) -> str | None:
    """The canonical ACLED event type for a spelling of one (case-insensitive), or None."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return _TYPE_BY_KEY.get(str(value).strip().lower())


def normalise_sub_event_type(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return _SUB_BY_KEY.get(str(value).strip().lower())


# --------------------------------------------------------------------------- classifier


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.IGNORECASE)


_PREFIX = {
    "property destruction": ("Strategic developments", "Looting/property destruction"),
    "looting": ("Strategic developments", "Looting/property destruction"),
    "non-violent activity": ("Strategic developments", "Other"),
    "security measures": ("Strategic developments", "Change to group/activity"),
    "defusal": ("Strategic developments", "Disrupted weapons use"),
    "arrests": ("Strategic developments", "Arrests"),
    "agreement": ("Strategic developments", "Agreement"),
    "coup/military takeover": ("Strategic developments", "Other"),
    "coup": ("Strategic developments", "Other"),
    "headquarters or base established": ("Strategic developments", "Headquarters or base established"),
}
_PREFIX_RX = re.compile(r"^\s*(" + "|".join(map(re.escape, _PREFIX)) + r")\s*:", re.IGNORECASE)


def strip_prefix(note: str) -> str:
    """The note without an ACLED coder's prefix ("Looting: ..." -> "...")."""
    m = _PREFIX_RX.match(note)
    return note[m.end() :].lstrip() if m else note


DEFUSAL = _rx(
    r"\bdefus",
    r"\bdismantl",
    r"\bd[ée]samor",
    r"(discovered|found|seized|d[ée]couvert)[^.]{0,40}\b(IED|EEI|explosive|engin explosif|landmine|mine)s?\b",
)
AIR = _rx(
    r"\bair ?strikes?\b",
    r"\bdrone (strike|attack)",
    r"\bair force\b",
    r"\bbombed\b",
    r"\bfrappes? a[ée]rienne",
    r"\bbombardements? a[ée]rien",
    r"\bfrappes? de drone",
    r"\bhelicopter gunship",
    r"\bh[ée]licopt[èe]re",
)
SUICIDE = _rx(r"\bsuicide bomb", r"\bkamikaze", r"\bvehicle[- ]borne")
SHELLING = _rx(
    r"\bshell(ed|ing)\b", r"\bmortars?\b", r"\brockets?\b", r"\bartillery\b", r"\bobus\b", r"\btirs? de roquette"
)
IED = _rx(
    r"\bIEDs?\b",
    r"\bEEI\b",
    r"\blandmines?\b",
    r"\bmines? (explosion|blast)",
    r"\bexplosive device",
    r"\bengins? explosifs?",
    r"\bstruck an? (IED|mine|explosive)",
    r"\broadside bomb",
    r"\bdetonat",
    r"\bsaut[ée] sur une mine",
)
COMBINED = _rx(
    r"\bair-ground",
    r"\bground operation",
    r"\bcommandos?\b",
    r"\bgunfire\b",
    r"\bambush",
    r"\bembuscade",
    r"\bcomplex attack",
    r"\bopération terrestre",
    r"\btirs nourris",
)
GRENADE = _rx(r"\bgrenades?\b")
PROTEST = _rx(
    r"\bdemonstrat",
    r"\bprotest",
    r"\bsit-in\b",
    r"\bmarch(ed|es)?\b(?! \d)",
    r"\bmanifest",
    r"\brallied\b",
    r"\brally\b",
    r"\bstrike action",
    r"\bwent on strike",
    r"\bgr[èe]ve\b",
    r"\bmarche\b",
    r"\brassembl",
    r"\bblocked (the )?(road|traffic)",
)
RIOT = _rx(
    r"\briot",
    r"\bstormed\b",
    r"\bset fire",
    r"\bset ablaze",
    r"\btorched",
    r"\bburn(ed|t)?\b",
    r"\bvandal",
    r"\bdestroy",
    r"\bdestruction",
    r"\bloot",
    r"\bthrew stones",
    r"\bmutin",
    r"\b[ée]meute",
    r"\bsaccag",
    r"\bincendi",
    r"\bcass(e|é)",
    r"\blynch",
    r"\bmob\b",
    r"\boccupied\b",
    r"\bbarricad",
    r"\bstreet fighting",
    r"\bstones\b",
    r"\bpierres\b",
)
INTERVENTION = _rx(r"\btear ?gas", r"\bdispersed\b", r"\bbroke up\b", r"\bgaz lacrymog", r"\bdispers")
EXCESSIVE = _rx(
    r"(fired (live )?(ammunition|bullets|shots) (at|on)|opened fire on|shot (dead )?(at )?)\s+(the\s+)?(protesters|demonstrators|manifestants)",
    r"(protesters|demonstrators|manifestants)\s+(were|was)\s+(shot|killed)",
    r"tir[ée] sur (les )?manifestants",
)
MOB = _rx(
    r"\bmob\b",
    r"\blynch",
    r"\bcommunal violence",
    r"\bmanhunt",
    r"\bvigilante justice",
    r"\bjustice populaire",
    r"\bfought with (machetes|sticks|knives)",
    r"\bbeaten to death",
)
ABDUCT = _rx(
    r"\babduct",
    r"\bkidnap",
    r"\benlev",
    r"\bforced disappearance",
    r"\bforceful disappearance",
    r"\bhostages?\b",
    r"\botages?\b",
    r"\bdisappeared\b",
    r"\bkidnapp",
)
SEXUAL = _rx(r"\brap(e|ed|ing)\b", r"\bsexual", r"\bviol(é|ée|ées|és|s)?\b(?! de)", r"\bsexuel")
CLASH = _rx(
    r"\bclash",
    r"\bfought\b",
    r"\bfighting\b",
    r"\bfight\b",
    r"\bgun ?battle",
    r"\bexchange of fire",
    r"\bexchanged fire",
    r"\bskirmish",
    r"\baffrontement",
    r"\baccrochage",
    r"\bcombats?\b",
    r"\bneutrali[sz]",
    r"\bambush",
    r"\bembuscade",
    r"\brepelled\b",
    r"\brepoussé",
    r"\briposte",
    r"\bconflict between",
    r"\bintercommunal violence",
    r"\bconfrontation",
    r"\bdispute between",
    r"\bretaliat",
    r"\bweekend of violence",
    r"\bland dispute between",
    r"\brepr[ée]sailles",
)
TERRITORY_GOV = _rx(r"\b(regained|retook|recaptured|reprise?|repris) (control|the town|la ville|le contr[ôo]le)")
TERRITORY_NSA = _rx(
    r"\b(took|taken|seized|captured|overran|overtook|pris) (control of|over) (the )?(town|village|city|base|camp|la ville|le contr[ôo]le)"
)
ATTACK = _rx(
    r"\battack",
    r"\bkill",
    r"\bshot\b",
    r"\bshoot",
    r"\bexecut",
    r"\bmassacr",
    r"\bmurder",
    r"\bassault",
    r"\bbeat(en)?\b",
    r"\btortur",
    r"\bwounded\b",
    r"\binjur",
    r"\battaqu",
    r"\btu[ée]",
    r"\bassassin",
    r"\bmorts?\b",
    r"\bbless[ée]",
    r"\bex[ée]cut",
    r"\bhacked\b",
    r"\bstabbed\b",
)
ARMED_TARGET = _rx(
    r"\b(soldiers?|troops?|army|military|gendarmes?|gendarmerie|policem[ae]n|police officers?|VDPs?|volunteer fighters|"
    r"volunteers for the defen[cs]e|militants?|jihadists?|terrorists?|insurgents?|fighters|FDS|FAMa|soldats?|militaires?|"
    r"djihadistes?|terroristes?|assaillants|forces|Koglweogo|dozos?|patrol|convoy|military post|military base|base|camp militaire|poste)\b"
)
CIVILIAN_TARGET = _rx(
    r"\b(civilians?|villagers?|farmers?|herders?|residents?|inhabitants|women|children|men|man|woman|boy|girl|"
    r"nurse|teacher|chief|imam|pastor|traders?|merchants?|family|worshippers|passengers|civils?|villageois|"
    r"habitants|femmes|enfants|hommes|commer[çc]ants|fid[èe]les|orpailleurs|gold miners|individual|people)\b"
)
LOOTING = _rx(
    r"\bloot",
    r"\bburn(ed|t)?\b",
    r"\bdestroy",
    r"\bseiz",
    r"\bstole",
    r"\bsteal",
    r"\bvandali",
    r"\bpill",
    r"\bincendi",
    r"\bd[ée]trui",
    r"\brobb",
    r"\bransack",
    r"\bset fire",
    r"\btorched",
    r"\bemport",
)
ARREST = _rx(r"\barrest", r"\bdetain", r"\binterpell", r"\barr[êe]t[ée]", r"\bapprehend")
AGREEMENT = _rx(
    r"\bagreement\b", r"\bpeace deal", r"\baccord\b", r"\bceasefire", r"\bcessez-le-feu", r"\bsigned\b", r"\bsign[ée]"
)
CHANGE = _rx(
    r"\bcheckpoints?\b",
    r"\bcurfew",
    r"\bcouvre-feu",
    r"\bbanned\b",
    r"\bsuspend",
    r"\bimposed\b",
    r"\bdissolv",
    r"\bjoined\b",
    r"\bdefect",
    r"\brecruit",
)
BASE = _rx(r"\bestablished (a )?(base|camp|headquarters)", r"\binstall[ée] (une )?base", r"\bnew (military )?base")
KILLED_ARMED = re.compile(
    r"(kill\w*|neutrali[sz]\w*|tu[ée]\w*)\W+(?:\w+\W+){0,5}?(soldiers?|troops|militants?|jihadists?|terrorists?|gendarmes?|"
    r"policem[ae]n|police officers|volunteer fighters|VDPs?|fighters|insurgents|assailants|soldats|militaires|djihadistes|terroristes|assaillants)\b"
    r"|(soldiers?|troops|militants?|jihadists?|terrorists?|gendarmes?|policem[ae]n|police officers|volunteer fighters|VDPs?|fighters|soldats|militaires|djihadistes|terroristes)"
    r"\W+(?:\w+\W+){0,3}?(were|was|have been|ont été|a été|sont)\W+(?:\w+\W+){0,2}?(killed|tu[ée]s?|wounded|bless[ée]s?)",
    re.IGNORECASE,
)
ATTACK_ARMED = re.compile(
    r"(attack\w*|ambush\w*|attaqu\w*|assault\w*|raid\w*|target\w*)\W+(?:\w+\W+){0,4}?(soldiers?|troops|army|military|gendarmes?|gendarmerie|"
    r"police (station|post|officers?)|VDPs?|volunteer fighters|patrol|convoy|base|post|camp|FDS|FAMa|soldats|militaires|"
    r"position|positions|d[ée]tachement|poste)\b",
    re.IGNORECASE,
)


def classify(text: str, actors: list | None = None, *, lead: str | None = None) -> tuple[str, str]:
    """``(event_type, sub_event_type)``; the lead sentence decides first, the whole text when the
    lead alone says nothing specific (background sentences must not recode the event).

    ``(event_type, sub_event_type)`` for the sentence(s) describing one event.

    ``actors`` (optional, from :func:`loaders.actors.find_actors`) helps tell a battle (two armed
    sides) from violence against civilians (an armed side and unarmed victims).
    """
    if lead is not None and lead.strip() != text.strip():
        found = _classify(lead, actors)
        if found != ("Strategic developments", "Other"):
            return found
    return _classify(text, actors)


def _classify(text: str, actors: list | None = None) -> tuple[str, str]:
    m = _PREFIX_RX.match(text)
    if m:
        return _PREFIX[m.group(1).lower()]
    if DEFUSAL.search(text):
        return "Strategic developments", "Disrupted weapons use"
    if SUICIDE.search(text):
        return "Explosions/Remote violence", "Suicide bomb"
    if (AIR.search(text) or IED.search(text)) and COMBINED.search(text):
        return "Battles", "Armed clash"
    if AIR.search(text):
        return "Explosions/Remote violence", "Air/drone strike"
    if IED.search(text):
        return "Explosions/Remote violence", "Remote explosive/landmine/IED"
    if SHELLING.search(text):
        return "Explosions/Remote violence", "Shelling/artillery/missile attack"
    if GRENADE.search(text) and ATTACK.search(text):
        return "Explosions/Remote violence", "Grenade"
    if PROTEST.search(text):
        if EXCESSIVE.search(text):
            return "Protests", "Excessive force against protesters"
        if RIOT.search(text) or MOB.search(text):
            return "Riots", "Violent demonstration"
        if INTERVENTION.search(text):
            return "Protests", "Protest with intervention"
        return "Protests", "Peaceful protest"
    if re.search(r"\briot|\bmutin|\b[ée]meute", text, re.IGNORECASE):
        return "Riots", "Violent demonstration"
    if MOB.search(text):
        return "Riots", "Mob violence"
    if TERRITORY_GOV.search(text):
        return "Battles", "Government regains territory"
    if TERRITORY_NSA.search(text):
        return "Battles", "Non-state actor overtakes territory"
    armed_sides = _armed_sides(actors)
    if ABDUCT.search(text) and not KILLED_ARMED.search(text):
        return "Violence against civilians", "Abduction/forced disappearance"
    if SEXUAL.search(text):
        return "Violence against civilians", "Sexual violence"
    if CLASH.search(text):
        return "Battles", "Armed clash"
    if ATTACK.search(text):
        if KILLED_ARMED.search(text) or ATTACK_ARMED.search(text) or armed_sides >= 2:
            return "Battles", "Armed clash"
        return "Violence against civilians", "Attack"
    if BASE.search(text):
        return "Strategic developments", "Headquarters or base established"
    if LOOTING.search(text):
        return "Strategic developments", "Looting/property destruction"
    if ARREST.search(text):
        return "Strategic developments", "Arrests"
    if AGREEMENT.search(text):
        return "Strategic developments", "Agreement"
    if CHANGE.search(text):
        return "Strategic developments", "Change to group/activity"
    return "Strategic developments", "Other"


def _armed_sides(actors: list | None) -> int:
    if not actors:
        return 0
    kinds = {getattr(a, "side", None) for a in actors if getattr(a, "armed", False)} - {"unknown"}
    return len(kinds)
