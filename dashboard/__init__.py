"""The Streamlit app and the maps it draws: the interactive folium map and the presentation maps.

The entry points, importable from here: :func:`build_map` (the dashboard's folium map),
:func:`build_view_map` (that map for a :class:`conflictmap.views.ViewFilter`),
:func:`render_map` (a presentation map drawn with matplotlib: PNG, SVG, PDF) and
:func:`capture_map` (the interactive map photographed in headless Chromium). The app itself is
``streamlit run dashboard/app.py``.

Importing ``dashboard`` loads none of them (nor Streamlit, folium or matplotlib): each is imported
when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conflictmap.lazy import lazy_namespace

if TYPE_CHECKING:
    from dashboard.capture import capture_map
    from dashboard.mapview import build_map
    from dashboard.static_map import render_map
    from dashboard.view_map import build_view_map

_EXPORTS = {
    "build_map": "dashboard.mapview",
    "build_view_map": "dashboard.view_map",
    "capture_map": "dashboard.capture",
    "render_map": "dashboard.static_map",
}

__all__ = ["build_map", "build_view_map", "capture_map", "render_map"]


__getattr__, __dir__ = lazy_namespace(__name__, _EXPORTS, __all__)
