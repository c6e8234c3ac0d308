"""The layers of a view as the map shows them, for exports: incidents, places, alliances, areas.

What a view's ``layers`` (the map's layer switches, :data:`conflictmap.views.LAYERS`) mean here:

* ``incidents`` → the incidents layer (every incident of the view's filters, whatever the display
  mode: hexagon density or a choropleth on screen still exports its incidents);
* ``places`` → places drawn as points, ``place_areas`` → places drawn as polygons (both go to the
  ``places`` layer);
* ``alliances`` → the alliances layer (members as on ``view.day()``);
* ``liptako`` and ``sahel`` → the ``areas`` layer (the Liptako-Gourma zone, the Sahel band);
* ``countries`` and ``admin1`` are the basemap's borders: reference geography, never exported.

A layer switched off is exported empty (a GeoPackage still has its table, a KML its folder). With
``view.bbox`` set, each layer keeps what is drawn inside that extent: incidents and point places by
their point, polygons (place areas, alliance members, areas) when they intersect it, whole.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely

from conflictmap import views
from conflictmap.exports.formats import VIEW_LAYERS
from conflictmap.store import INCIDENT_FACTS

if TYPE_CHECKING:
    from conflictmap.store import Store
    from conflictmap.views import ViewFilter

#: Which of the map's layer keys feed which export layer.
LAYER_KEYS: dict[str, tuple[str, ...]] = {
    "incidents": ("incidents",),
    "places": ("places", "place_areas"),
    "alliances": ("alliances",),
    "areas": views.AREA_LAYERS,
}
AREA_IDS = {"liptako": "liptako-gourma", "sahel": "sahel"}

INCIDENT_COLUMNS = [
    "incident_id",
    *INCIDENT_FACTS,
    "geo_precision",
    "lat",
    "lon",
    "summary",
    "source",
    "correction_id",
    # where the incident comes from: its representative report, and the other reports linked to it
    "source_type",
    "dataset",
    "dataset_row",
    "dataset_file",
    "article_id",
    "article_title",
    "article_url",
    "sentence",
    "reports",
    "linked_sources",
]
_INT_COLUMNS = ("incident_id", "fatalities", "geo_precision", "correction_id", "reports")
ALLIANCE_COLUMNS = [
    "alliance",
    "alliance_name",
    "country",
    "country_name",
    "as_of",
    "joined",
    "left",
    "note",
    "source_url",
]
AREA_COLUMNS = ["area_id", "name", "kind", "aliases", "description", "units", "area_km2", "source"]
AREA_SOURCE = "conflictmap geodata/data/areas.parquet, from Natural Earth admin-1 units (see geodata/SOURCES.md)"


def view_layers(store: Store, view: ViewFilter) -> dict[str, gpd.GeoDataFrame]:
    """``incidents``, ``places``, ``alliances``, ``areas`` of ``view`` (EPSG:4326), in that order;
    a layer the view switches off is empty. Corrections in force are applied."""
    shown = set(view.layers)
    build = {"incidents": _incidents, "places": _places, "alliances": _alliances, "areas": _areas}
    out = {}
    for name in VIEW_LAYERS:
        keys = tuple(k for k in LAYER_KEYS[name] if k in shown)
        out[name] = _clip(build[name](store, view, keys), view.bbox)
    return out


# --------------------------------------------------------------------------- layers


def _incidents(store: Store, view: ViewFilter, keys: tuple[str, ...]) -> gpd.GeoDataFrame:
    if not keys:
        return _empty(INCIDENT_COLUMNS)
    gdf = views.incidents_geoframe(store, view).rename(columns={"id": "incident_id"})
    sources = store.incident_provenance(view.query())  # each incident's dataset row or article sentence
    gdf = gdf.merge(sources, on="incident_id", how="left")
    gdf["reports"] = gdf["reports"].fillna(1)
    for col in _INT_COLUMNS:
        gdf[col] = pd.to_numeric(gdf[col], errors="coerce").round().astype("Int64")
    return gpd.GeoDataFrame(gdf[INCIDENT_COLUMNS], geometry=gdf.geometry.array, crs="EPSG:4326")


def _places(store: Store, view: ViewFilter, keys: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Places of the view's articles: points if ``places`` is shown, polygons if ``place_areas`` is."""
    places = views.places_frame(store, view)
    if "ref" not in places:
        places["ref"] = pd.Series(dtype=object)
    if places.empty or not keys:
        return places.iloc[:0]
    is_point = (places.geometry.geom_type == "Point").to_numpy()
    keep = (is_point & ("places" in keys)) | (~is_point & ("place_areas" in keys))
    return places[keep].reset_index(drop=True)


def _alliances(store: Store, view: ViewFilter, keys: tuple[str, ...]) -> gpd.GeoDataFrame:
    """One feature per alliance × member country on the view's day, with the fact's source."""
    if not keys:
        return _empty(ALLIANCE_COLUMNS)
    from geodata.alliances import ALLIANCES
    from geodata.boundaries import countries

    day = view.day()
    world = countries().set_index("iso3")
    rows = []
    for item in ALLIANCES:
        for m in item.memberships:
            if not m.active_on(day) or m.country not in world.index:
                continue
            rows.append(
                {
                    "alliance": item.id,
                    "alliance_name": item.name,
                    "country": m.country,
                    "country_name": world.at[m.country, "name"],
                    "as_of": day.isoformat(),
                    "joined": m.joined.isoformat(),
                    "left": _iso(m.left),
                    "note": m.note or None,
                    "source_url": m.source or (item.sources[0] if item.sources else None),
                    "geometry": world.at[m.country, "geometry"],
                }
            )
    if not rows:
        return _empty(ALLIANCE_COLUMNS)
    return gpd.GeoDataFrame(rows, columns=[*ALLIANCE_COLUMNS, "geometry"], geometry="geometry", crs="EPSG:4326")


def _areas(store: Store, view: ViewFilter, keys: tuple[str, ...]) -> gpd.GeoDataFrame:
    if not keys:
        return _empty(AREA_COLUMNS)
    from geodata.boundaries import areas

    layer = areas()
    layer = layer[layer["id"].isin([AREA_IDS[k] for k in keys])].rename(columns={"id": "area_id"})
    layer = layer.assign(source=AREA_SOURCE)
    for col in AREA_COLUMNS:
        if col not in layer:
            layer[col] = None
    return gpd.GeoDataFrame(layer[AREA_COLUMNS].reset_index(drop=True), geometry=layer.geometry.array, crs="EPSG:4326")


# --------------------------------------------------------------------------- helpers


def _clip(gdf: gpd.GeoDataFrame, bbox: tuple[float, float, float, float] | None) -> gpd.GeoDataFrame:
    """The features drawn inside ``bbox`` (west, south, east, north; edges included), whole."""
    if bbox is None or gdf.empty:
        return gdf
    extent = shapely.box(*bbox)
    shapely.prepare(extent)
    keep = shapely.intersects(extent, gdf.geometry.array)
    return gdf[keep].reset_index(drop=True)


def _empty(columns: list[str]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="Int64" if c in _INT_COLUMNS else object) for c in columns})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --------------------------------------------------------------------------- a copied view


def summary(layers: dict[str, Any]) -> str:
    """``incidents 12, places 5, alliances 18, areas 1``."""
    return ", ".join(f"{name} {len(gdf):,}" for name, gdf in layers.items())
