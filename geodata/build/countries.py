"""Countries of the world from world-atlas ``countries-10m.json`` (Natural Earth 1:10m admin-0)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio

from .geom import dissolve
from .names import country_by_numeric, french_name

__all__ = ["COLUMNS", "NO_ID_CODES", "build_countries"]

#: Features world-atlas ships without an ISO numeric id. Kosovo gets the user-assigned code
#: XK/XKX used by the EU and IMF; the others keep Natural Earth's own non-ISO ``adm0_a3`` code.
NO_ID_CODES: dict[str, tuple[str, str | None, str, str]] = {
    # world-atlas name: (iso3, iso2, English name, French name)
    "Kosovo": ("XKX", "XK", "Kosovo", "Kosovo"),
    "Somaliland": ("SOL", None, "Somaliland", "Somaliland"),
    "N. Cyprus": ("CYN", None, "Northern Cyprus", "Chypre du Nord"),
    "Cyprus U.N. Buffer Zone": ("CNM", None, "Cyprus U.N. Buffer Zone", "Zone tampon des Nations unies à Chypre"),
    "Dhekelia": ("ESB", None, "Dhekelia", "Dhekelia"),
    "Akrotiri": ("WSB", None, "Akrotiri", "Akrotiri"),
    "USNB Guantanamo Bay": ("USG", None, "USNB Guantanamo Bay", "Base navale de Guantánamo"),
    "Siachen Glacier": ("KAS", None, "Siachen Glacier", "Glacier de Siachen"),
    "Baikonur": ("KAB", None, "Baikonur", "Baïkonour"),
    "Indian Ocean Ter.": ("IOA", None, "Indian Ocean Territories", "Territoires australiens de l'océan Indien"),
    "Coral Sea Is.": ("CSI", None, "Coral Sea Islands", "Îles de la mer de Corail"),
    "Spratly Is.": ("PGA", None, "Spratly Islands", "Îles Spratleys"),
    "Clipperton I.": ("CLP", None, "Clipperton Island", "Île Clipperton"),
    "Bajo Nuevo Bank": ("BJN", None, "Bajo Nuevo Bank", "Banc Bajo Nuevo"),
    "Serranilla Bank": ("SER", None, "Serranilla Bank", "Banc Serranilla"),
    "Scarborough Reef": ("SCR", None, "Scarborough Shoal", "Récif de Scarborough"),
}

COLUMNS = ["iso3", "iso2", "iso_num", "name", "name_fr", "geometry"]


def _codes(numeric: str | None, atlas_name: str) -> tuple[str, str | None, str | None, str, str]:
    if numeric:
        found = country_by_numeric(numeric)
        if found is None:
            raise ValueError(f"world-atlas id {numeric} ({atlas_name}) is not an ISO 3166 numeric code")
        return found.iso3, found.iso2, found.iso_num, found.name, found.name_fr
    if atlas_name not in NO_ID_CODES:
        raise ValueError(f"world-atlas feature {atlas_name!r} has no id and no entry in NO_ID_CODES")
    iso3, iso2, name, name_fr = NO_ID_CODES[atlas_name]
    return iso3, iso2, None, name, french_name(iso2, name_fr)


def build_countries(world_atlas: Path) -> gpd.GeoDataFrame:
    """One row per ISO3 (features sharing an id, e.g. Australia's Ashmore Is., are merged)."""
    raw = pyogrio.read_dataframe(world_atlas / "countries-10m.json", layer="countries")
    rows: dict[str, dict] = {}
    for numeric, atlas_name, geom in zip(raw["id"], raw["name"], raw.geometry):
        numeric = numeric if isinstance(numeric, str) and numeric else None
        iso3, iso2, iso_num, name, name_fr = _codes(numeric, atlas_name)
        row = rows.setdefault(
            iso3, {"iso3": iso3, "iso2": iso2, "iso_num": iso_num, "name": name, "name_fr": name_fr, "parts": []}
        )
        row["parts"].append(geom)
    records = [
        {**{k: v for k, v in row.items() if k != "parts"}, "geometry": dissolve(row["parts"])} for row in rows.values()
    ]
    frame = gpd.GeoDataFrame(records, columns=COLUMNS, geometry="geometry", crs="EPSG:4326")
    # Vatican City is an empty polygon in world-atlas (lost to its quantisation): nothing to draw.
    frame = frame[frame.geometry.notna()]
    return frame.sort_values("iso3", ignore_index=True)
