"""The sidebar's Export section: downloads of the view on screen, made only when clicked.

Data (GeoJSON, CSV, GeoPackage, KML) come from :func:`conflictmap.exports.export_view_bytes`,
images from :func:`dashboard.static_map.render_map` (PNG 1920×1080, PNG for print at 300 dpi,
SVG, PDF) and :func:`dashboard.capture.capture_map` (the interactive map as seen). Each button
holds the view of the run that drew it: its filters, period, mode, layers and extent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import streamlit as st

from conflictmap import views
from conflictmap.errors import ExportError

if TYPE_CHECKING:
    from conflictmap.store import Store

__all__ = ["DATA_EXPORTS", "IMAGE_BUTTONS", "IMAGE_EXPORTS", "sidebar_export"]

_LOG = logging.getLogger("conflictmap.dashboard")


def sidebar_export(store: Store, view: views.ViewFilter) -> None:
    """Downloads of the current view (filters, period, layers, extent), made when clicked."""
    from conflictmap.exports import MEDIA_TYPES, export_filename

    st.header("Export")
    st.caption("What the map shows now: its filters, period, layers and extent.")

    def data_file(fmt: str) -> Callable[[], bytes]:
        def make() -> bytes:
            from conflictmap.exports import export_view_bytes

            return _made(lambda: export_view_bytes(store, view, fmt), f"the {fmt} export")

        return make

    def image(kind: str) -> Callable[[], bytes]:
        def make() -> bytes:
            if kind == "capture":
                from dashboard.capture import capture_map

                return _made(lambda: capture_map(store, view, width=1920, height=1080, fmt="png"), "the capture")
            from dashboard.static_map import render_map

            fmt, options = IMAGE_EXPORTS[kind]
            return _made(lambda: render_map(store, view, fmt=fmt, **options), f"the {kind} map")

        return make

    st.markdown("**Data** (incidents, places, alliances, areas)")
    cols = st.columns(2)
    for i, (fmt, label) in enumerate(DATA_EXPORTS):
        cols[i % 2].download_button(
            label,
            data=data_file(fmt),
            file_name=export_filename(view, fmt),
            mime=MEDIA_TYPES[fmt],
            key=f"export_{fmt}",
            on_click="ignore",
            width="stretch",
        )
    st.markdown("**Presentation map**")
    stem = export_filename(view, "geojson").rsplit(".", 1)[0]
    for kind, label, suffix, mime in IMAGE_BUTTONS:
        st.download_button(
            label,
            data=image(kind),
            file_name=f"{stem}{suffix}",
            mime=mime,
            key=f"export_{kind}",
            on_click="ignore",
            width="stretch",
        )


#: (format, button label) of the data downloads; their media types are :data:`conflictmap.exports.MEDIA_TYPES`.
DATA_EXPORTS = [("geojson", "GeoJSON"), ("csv", "CSV"), ("gpkg", "GeoPackage"), ("kml", "KML")]
#: The image downloads of the static renderer: kind → (format, :func:`render_map` options).
IMAGE_EXPORTS: dict[str, tuple[str, dict[str, Any]]] = {
    "png": ("png", {"width": 1920, "height": 1080}),
    "print": ("png", {"theme": "print", "paper": "a4"}),
    "svg": ("svg", {}),
    "pdf": ("pdf", {}),
}
#: (kind, button label, file name suffix, media type) of the image downloads.
IMAGE_BUTTONS = [
    ("png", "PNG 1920×1080", ".png", "image/png"),
    ("print", "PNG for print (300 dpi)", "-print.png", "image/png"),
    ("svg", "SVG", ".svg", "image/svg+xml"),
    ("pdf", "PDF", ".pdf", "application/pdf"),
    ("capture", "PNG as seen (capture)", "-capture.png", "image/png"),
]


def _made(make: Callable[[], bytes], what: str) -> bytes:
    """Run an export; a failure is logged with its traceback and reaches the page as one line."""
    try:
        return make()
    except Exception as exc:  # noqa: BLE001 - any failure: the log has the traceback, the page one line
        _LOG.exception("%s failed", what)
        raise ExportError(f"cannot make {what}: {type(exc).__name__}: {str(exc)[:200]}") from None
