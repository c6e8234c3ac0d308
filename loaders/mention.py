"""The unit the geoparser produces: one place mention in a text."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("country", "admin1", "area", "region", "place")


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in a text, with where the resolver put it.

    ``start``/``end`` are character offsets into the text (``text[start:end] == self.text``).
    ``ref`` names a polygon that ``geodata.boundaries.geometry_for`` returns (``country:BFA``,
    ``admin1:BF-12``, ``area:liptako-gourma``); it is None for point places. An unresolved mention
    has no coordinates and confidence 0: it is reported to the analyst, not dropped.
    """

    start: int
    end: int
    text: str
    name: str
    kind: str
    lat: float | None
    lon: float | None
    geonameid: int | None
    country: str | None
    admin1: str | None
    confidence: float
    sentence: str
    ref: str | None = None

    @property
    def resolved(self) -> bool:
        return self.lat is not None and self.lon is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
