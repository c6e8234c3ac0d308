"""The exports of a view: what the dashboard's download buttons serve and ``conflictmap export``
writes, so a downloaded file and an exported one are byte for byte the same."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import geopandas as gpd

from conflictmap.exports.formats import check_format
from conflictmap.exports.layers import view_layers
from conflictmap.exports.provenance import export_meta
from conflictmap.exports.writer import export_bytes

if TYPE_CHECKING:
    from conflictmap.store import Store
    from conflictmap.views import ViewFilter

__all__ = ["export_filename", "export_view_bytes"]


def export_view_bytes(
    store: Store, view: ViewFilter, fmt: str, *, layers: Mapping[str, gpd.GeoDataFrame] | None = None
) -> bytes:
    """The export of ``view`` (its layers, extent and dates) in ``fmt``, with its provenance:
    what the dashboard's download buttons serve and ``conflictmap export`` writes. ``layers``:
    :func:`~conflictmap.exports.layers.view_layers` of the same view, if the caller already has them."""
    fmt = check_format(fmt)
    layers = dict(view_layers(store, view) if layers is None else layers)
    return export_bytes(layers, fmt, meta=export_meta(store, view, layers))


def export_filename(view: ViewFilter, fmt: str) -> str:
    """``conflictmap-<from>_<to>.<fmt>`` for the view's date range (``all-dates``, ``from-…``,
    ``until-…`` when open), so files of different periods never overwrite each other."""
    fmt = check_format(fmt)
    start, end = view.date_range()
    if start and end:
        span = f"{start.isoformat()}_{end.isoformat()}"
    elif start:
        span = f"from-{start.isoformat()}"
    elif end:
        span = f"until-{end.isoformat()}"
    else:
        span = "all-dates"
    return f"conflictmap-{span}.{fmt}"
