"""Map extents in degrees (west, south, east, north), shaped for a page: no drawing library here,
so the browser capture can use them without importing matplotlib."""

from __future__ import annotations

import math

Extent = tuple[float, float, float, float]  # west, south, east, north


def x_scale(extent: Extent) -> float:
    """cos(latitude of the centre): how much shorter a degree of longitude is than one of latitude."""
    return max(0.05, math.cos(math.radians((extent[1] + extent[3]) / 2)))


def pad_extent(extent: Extent, fraction: float = 0.08, minimum: float = 2.0) -> Extent:
    """``extent`` grown by ``fraction`` on each side, at least ``minimum`` degrees across."""
    west, south, east, north = extent
    dx = max((east - west) * (1 + 2 * fraction), minimum) / 2
    dy = max((north - south) * (1 + 2 * fraction), minimum) / 2
    cx, cy = (west + east) / 2, (south + north) / 2
    return cx - dx, cy - dy, cx + dx, cy + dy


def fit_extent(extent: Extent, width_px: float, height_px: float) -> Extent:
    """Grow ``extent`` (never shrink it) so that it fills a box of ``width_px``×``height_px`` at true shape."""
    west, south, east, north = extent
    for _ in range(3):  # growing north-south moves the centre parallel a little: settle it
        k = x_scale((west, south, east, north))
        width, height = (east - west) * k, north - south
        target = width_px / height_px
        if width / height < target:
            grow = (height * target / k - (east - west)) / 2
            west, east = west - grow, east + grow
        else:
            grow = (width / target - height) / 2
            south, north = south - grow, north + grow
    if north > 89.0:  # keep the poles off the page: slide the box rather than squash it
        south, north = south - (north - 89.0), 89.0
    if south < -89.0:
        south, north = -89.0, north + (-89.0 - south)
    return west, south, east, north


def from_latlng_bounds(bounds: list[list[float]]) -> Extent:
    """``[[south, west], [north, east]]`` (Leaflet's order) as west, south, east, north."""
    (south, west), (north, east) = bounds
    return float(west), float(south), float(east), float(north)


def scaled(extent: Extent, factor: float) -> Extent:
    """``extent`` scaled by ``factor`` about its centre."""
    west, south, east, north = extent
    cx, cy = (west + east) / 2, (south + north) / 2
    dx, dy = (east - west) * factor / 2, (north - south) * factor / 2
    return cx - dx, max(-90.0, cy - dy), cx + dx, min(90.0, cy + dy)


def intersects(a: Extent, b: Extent) -> bool:
    """Whether the extents ``a`` and ``b`` overlap (touching counts)."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


__all__ = ["Extent", "fit_extent", "from_latlng_bounds", "intersects", "pad_extent", "scaled", "x_scale"]
