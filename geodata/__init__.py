"""Bundled geography and the API that serves it: boundaries, areas, alliances and the gazetteer.

The names below are the package's public API (``geodata.locate``, ``geodata.load_gazetteer``…).
They are imported when first used: ``geodata.paths`` alone must not load geopandas or the
gazetteer. The modules hold the rest:

* :mod:`geodata.boundaries` — the polygon layers (countries, admin-1, areas) and point-in-polygon;
* :mod:`geodata.alliances` — the Sahel alliances and their dated memberships;
* :mod:`geodata.gazetteer` — every name the geoparser knows, and the user's tiers of it;
* :mod:`geodata.userdata` — boundary files the user adds;
* :mod:`geodata.paths` — where the bundled data, the user's data, the caches and the store live;
* :mod:`geodata.distance`, :mod:`geodata.names` — great-circle distance, name normalisation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conflictmap.lazy import lazy_namespace

if TYPE_CHECKING:
    from geodata.alliances import ALLIANCES, Alliance, alliance, alliance_layer, members_on
    from geodata.boundaries import ATTRIBUTION, admin1, areas, countries, geometry_for, locate, locate_many
    from geodata.distance import haversine_km
    from geodata.gazetteer import Entry, Gazetteer, add_geonames_dump, load_gazetteer, write_tier
    from geodata.names import normalise
    from geodata.paths import cache_dir, data_dir, default_db, home, user_data_dir
    from geodata.userdata import add_boundaries

__all__ = [
    "ALLIANCES",
    "ATTRIBUTION",
    "Alliance",
    "Entry",
    "Gazetteer",
    "add_boundaries",
    "add_geonames_dump",
    "admin1",
    "alliance",
    "alliance_layer",
    "areas",
    "cache_dir",
    "countries",
    "data_dir",
    "default_db",
    "geometry_for",
    "haversine_km",
    "home",
    "load_gazetteer",
    "locate",
    "locate_many",
    "members_on",
    "normalise",
    "user_data_dir",
    "write_tier",
]

#: Where each public name lives.
_EXPORTS = {
    **dict.fromkeys(("ALLIANCES", "Alliance", "alliance", "alliance_layer", "members_on"), "geodata.alliances"),
    **dict.fromkeys(
        ("ATTRIBUTION", "admin1", "areas", "countries", "geometry_for", "locate", "locate_many"), "geodata.boundaries"
    ),
    "haversine_km": "geodata.distance",
    **dict.fromkeys(("Entry", "Gazetteer", "add_geonames_dump", "load_gazetteer", "write_tier"), "geodata.gazetteer"),
    "normalise": "geodata.names",
    **dict.fromkeys(("cache_dir", "data_dir", "default_db", "home", "user_data_dir"), "geodata.paths"),
    "add_boundaries": "geodata.userdata",
}


__getattr__, __dir__ = lazy_namespace(__name__, _EXPORTS, __all__)
