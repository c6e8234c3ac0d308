"""Hexagon bins for incident density: equal-area hexagons whose size follows the map's extent.

Points are projected with a cylindrical equal-area projection whose standard parallel is the
grid's reference latitude (true shape there, equal area everywhere: a hexagon's count is a
density you can compare across the map), then binned on a pointy-top hexagonal lattice with axial
coordinates ``(q, r)`` and cube rounding, vectorised with numpy. h3 was considered: its Python
binding converts one point per call (about a second per million points and resolution) and its
cells have a fixed set of sizes and orientations; here a cell is a few array operations and any
width from :data:`WIDTHS_KM`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

EARTH_RADIUS_KM = 6371.0088
#: Hexagon widths (km, from one flat side to the opposite one) the map chooses from.
WIDTHS_KM = (400.0, 200.0, 100.0, 50.0, 25.0, 12.5, 6.25, 3.125)
#: About this many hexagons across the map's width.
HEXES_ACROSS = 48
#: The map's opening extent (west, south, east, north): the central Sahel.
SAHEL_EXTENT = (-18.0, 4.0, 24.0, 24.5)
_SQRT3 = math.sqrt(3.0)


@dataclass(frozen=True)
class HexGrid:
    """A hexagonal lattice: hexagons ``width_km`` wide, true in shape at ``ref_lat``."""

    width_km: float
    ref_lat: float = 15.0

    @property
    def size_km(self) -> float:
        """Centre-to-corner distance."""
        return self.width_km / _SQRT3

    @property
    def area_km2(self) -> float:
        return 1.5 * _SQRT3 * self.size_km**2

    def _project(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = math.cos(math.radians(self.ref_lat))
        x = EARTH_RADIUS_KM * np.radians(np.asarray(lon, dtype=float)) * k
        y = EARTH_RADIUS_KM * np.sin(np.radians(np.asarray(lat, dtype=float))) / k
        return x, y

    def _unproject(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = math.cos(math.radians(self.ref_lat))
        lon = np.degrees(x / (EARTH_RADIUS_KM * k))
        lat = np.degrees(np.arcsin(np.clip(y * k / EARTH_RADIUS_KM, -1.0, 1.0)))
        return lon, lat

    def cells(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Axial ``(q, r)`` of the hexagon holding each point (int64 arrays)."""
        x, y = self._project(lon, lat)
        q = (_SQRT3 / 3.0 * x - y / 3.0) / self.size_km
        r = (2.0 / 3.0 * y) / self.size_km
        rq, rr, rs = np.round(q), np.round(r), np.round(-q - r)
        dq, dr, ds = np.abs(rq - q), np.abs(rr - r), np.abs(rs + q + r)
        fix_q = (dq > dr) & (dq > ds)  # cube rounding: the coordinate furthest off is rebuilt
        fix_r = ~fix_q & (dr >= ds)
        hq = np.where(fix_q, -rr - rs, rq)
        hr = np.where(fix_r, -rq - rs, rr)
        return hq.astype(np.int64), hr.astype(np.int64)

    def centers(self, q: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lon, lat) of hexagon centres."""
        q, r = np.asarray(q, dtype=float), np.asarray(r, dtype=float)
        return self._unproject(self.size_km * _SQRT3 * (q + r / 2.0), self.size_km * 1.5 * r)

    def rings(self, q: np.ndarray, r: np.ndarray, decimals: int = 4) -> list[list[list[float]]]:
        """Each hexagon's outline: a closed ring of ``[lon, lat]`` (GeoJSON order, counter-clockwise)."""
        q, r = np.asarray(q, dtype=float), np.asarray(r, dtype=float)
        cx = self.size_km * _SQRT3 * (q + r / 2.0)
        cy = self.size_km * 1.5 * r
        angles = np.radians(np.arange(-30.0, 331.0, 60.0))  # 7 corners: the first repeated last
        x = cx[:, None] + self.size_km * np.cos(angles)[None, :]
        y = cy[:, None] + self.size_km * np.sin(angles)[None, :]
        lon, lat = self._unproject(x, y)
        coords = np.round(np.stack([lon, lat], axis=-1), decimals)
        return coords.tolist()

    def label(self) -> str:
        """``"50 km hexagons (2,165 km²)"``."""
        return f"{self.width_km:g} km hexagons ({self.area_km2:,.0f} km²)"


def grid_for_extent(bbox: tuple[float, float, float, float] | None, across: int = HEXES_ACROSS) -> HexGrid:
    """The grid for a map showing ``bbox`` (west, south, east, north; None: the Sahel): about
    ``across`` hexagons over its width, from :data:`WIDTHS_KM`; true shape at its centre latitude
    rounded to 5° (so a small pan keeps the same grid)."""
    west, south, east, north = bbox or SAHEL_EXTENT
    ref = max(-60.0, min(60.0, 5.0 * round((south + north) / 2.0 / 5.0)))
    width_km = EARTH_RADIUS_KM * math.radians(max(east - west, 1e-6)) * math.cos(math.radians(ref))
    wanted = width_km / max(1, across)
    best = min(WIDTHS_KM, key=lambda w: abs(math.log(w / wanted)))
    return HexGrid(best, ref)


def widened(
    bbox: tuple[float, float, float, float] | None, by: float = 0.5
) -> tuple[float, float, float, float] | None:
    """``bbox`` grown by ``by`` times its width and height on every side (clamped to the globe)."""
    if bbox is None:
        return None
    west, south, east, north = bbox
    dx, dy = (east - west) * by, (north - south) * by
    return max(-180.0, west - dx), max(-90.0, south - dy), min(180.0, east + dx), min(90.0, north + dy)


def contains(outer: tuple[float, float, float, float] | None, inner: tuple[float, float, float, float] | None) -> bool:
    """Whether extent ``inner`` lies within ``outer`` (None: the whole world)."""
    if outer is None:
        return True
    if inner is None:
        return False
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def bin_points(lon: np.ndarray, lat: np.ndarray, fatalities: np.ndarray | None, grid: HexGrid) -> pd.DataFrame:
    """``q, r, incidents, fatalities`` per non-empty hexagon of ``grid``."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.size == 0:
        return pd.DataFrame(
            {
                "q": np.array([], dtype=np.int64),
                "r": np.array([], dtype=np.int64),
                "incidents": np.array([], dtype=np.int64),
                "fatalities": np.array([], dtype=np.int64),
            }
        )
    q, r = grid.cells(lon, lat)
    weights = np.zeros(lon.size) if fatalities is None else np.nan_to_num(np.asarray(fatalities, dtype=float))
    r0, span = r.min(), int(r.max() - r.min()) + 1
    keys, inverse = np.unique((q - q.min()) * span + (r - r0), return_inverse=True)  # one int64 per cell
    inverse = inverse.reshape(-1)
    return pd.DataFrame(
        {
            "q": keys // span + q.min(),
            "r": keys % span + r0,
            "incidents": np.bincount(inverse).astype(np.int64),
            "fatalities": np.rint(np.bincount(inverse, weights=weights)).astype(np.int64),
        }
    )


__all__ = [
    "EARTH_RADIUS_KM",
    "HEXES_ACROSS",
    "SAHEL_EXTENT",
    "WIDTHS_KM",
    "HexGrid",
    "bin_points",
    "contains",
    "grid_for_extent",
    "widened",
]
