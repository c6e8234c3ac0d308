"""Named areas that are not administrative units, built from the bundled admin units."""

from __future__ import annotations

import geopandas as gpd
from pyproj import Geod
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from .geom import clean, dissolve

__all__ = [
    "COLUMNS",
    "LIPTAKO_GOURMA_ALIASES",
    "LIPTAKO_GOURMA_CITED_KM2",
    "LIPTAKO_GOURMA_UNITS",
    "SAHEL_ALIASES",
    "SAHEL_COUNTRIES",
    "SAHEL_LATITUDES",
    "build_areas",
    "geodesic_km2",
    "liptako_gourma",
    "sahel",
    "units_geometry",
]

#: Liptako-Gourma as whole admin-1 units (country ISO3, Natural Earth name). The Liptako-Gourma
#: Authority cites about 370,000 km² but does not list its units by name; this is the tri-border
#: core (Burkina's Sahel, Mali's Gao (with Ménaka) and Mopti, Niger's Tillabéri and the Niamey
#: urban community), whose area comes closest to that figure. See geodata/SOURCES.md.
LIPTAKO_GOURMA_UNITS: tuple[tuple[str, str], ...] = (
    ("BFA", "Sahel"),
    ("MLI", "Gao"),
    ("MLI", "Mopti"),
    ("NER", "Tillabéri"),
    ("NER", "Niamey"),
)
LIPTAKO_GOURMA_CITED_KM2 = 370_000

LIPTAKO_GOURMA_ALIASES = (
    "Liptako-Gourma",
    "Liptako Gourma",
    "Liptako–Gourma",
    "three borders",
    "three-border area",
    "tri-border area",
    "tri-border zone",
    "zone des trois frontières",
    "trois frontières",
)

#: The Sahel belt: the ten countries of the UN Integrated Strategy for the Sahel, plus Sudan and
#: Eritrea where the belt reaches the Red Sea, clipped to 12°N-20°N.
SAHEL_COUNTRIES: tuple[str, ...] = (
    "SEN",
    "GMB",
    "GIN",
    "MRT",
    "MLI",
    "BFA",
    "NER",
    "NGA",
    "CMR",
    "TCD",
    "SDN",
    "ERI",
)
SAHEL_LATITUDES = (12.0, 20.0)
SAHEL_ALIASES = ("Sahel", "the Sahel", "Sahel region", "Sahelian belt", "bande sahélienne")

COLUMNS = ["id", "name", "aliases", "kind", "description", "units", "area_km2", "geometry"]

_GEOD = Geod(ellps="WGS84")


def geodesic_km2(geom: BaseGeometry) -> float:
    """Area on the WGS84 ellipsoid, in km²."""
    area, _ = _GEOD.geometry_area_perimeter(geom)
    return abs(area) / 1e6


def units_geometry(admin1: gpd.GeoDataFrame, units: tuple[tuple[str, str], ...]) -> tuple[BaseGeometry, list[str]]:
    """Union of the named admin-1 units and their codes; KeyError when one is missing."""
    geoms, codes = [], []
    for country, name in units:
        hit = admin1[(admin1["country"] == country) & (admin1["name"] == name)]
        if len(hit) != 1:
            raise KeyError(f"admin-1 unit {country}/{name} not found exactly once")
        geoms.append(hit.geometry.iloc[0])
        codes.append(hit["code"].iloc[0])
    return dissolve(geoms), codes


def liptako_gourma(admin1: gpd.GeoDataFrame) -> dict:
    geom, codes = units_geometry(admin1, LIPTAKO_GOURMA_UNITS)
    km2 = geodesic_km2(geom)
    listed = ", ".join(f"{name} ({country})" for country, name in LIPTAKO_GOURMA_UNITS)
    description = (
        f"The Mali-Burkina Faso-Niger tri-border zone, approximated by whole admin-1 units: {listed}. "
        f"Area {km2:,.0f} km² (geodesic), against the about {LIPTAKO_GOURMA_CITED_KM2:,} km² cited by the "
        "Liptako-Gourma Authority (created 3 Dec 1970), whose own unit list (19 Burkinabè provinces, "
        "4 Malian regions, 2 Nigerien departments and an urban community) is not published by name."
    )
    return {
        "id": "liptako-gourma",
        "name": "Liptako-Gourma",
        "aliases": "|".join(LIPTAKO_GOURMA_ALIASES),
        "kind": "cross-border zone",
        "description": description,
        "units": "|".join(codes),
        "area_km2": round(km2),
        "geometry": geom,
    }


def sahel(countries: gpd.GeoDataFrame) -> dict:
    south, north = SAHEL_LATITUDES
    members = countries[countries["iso3"].isin(SAHEL_COUNTRIES)]
    band = box(-180, south, 180, north)
    merged = dissolve(list(members.geometry))
    if merged is None:
        raise ValueError(f"no polygon in the countries layer for {', '.join(SAHEL_COUNTRIES)}")
    geom = clean(merged.intersection(band))
    km2 = geodesic_km2(geom)
    description = (
        f"The Sahel belt, defined here as the land between {south:.0f}°N and {north:.0f}°N of "
        f"{', '.join(SAHEL_COUNTRIES)} (the ten countries of the UN Integrated Strategy for the Sahel, "
        f"plus Sudan and Eritrea where the belt reaches the Red Sea). Area {km2:,.0f} km² (geodesic). "
        "A latitude band is a convention: the ecological Sahel follows rainfall (about 200-600 mm a year)."
    )
    return {
        "id": "sahel",
        "name": "Sahel",
        "aliases": "|".join(SAHEL_ALIASES),
        "kind": "eco-climatic belt",
        "description": description,
        "units": "|".join(SAHEL_COUNTRIES),
        "area_km2": round(km2),
        "geometry": geom,
    }


def build_areas(countries: gpd.GeoDataFrame, admin1: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The ``areas`` layer: Liptako-Gourma and the Sahel."""
    rows = [liptako_gourma(admin1), sahel(countries)]
    return gpd.GeoDataFrame(rows, columns=COLUMNS, geometry="geometry", crs="EPSG:4326")
