"""The records that travel between the loaders and the store: an :class:`Article` and the place
:class:`Mention` found in it.

They live here, below both, so that the store can take and give them back without importing the
loaders that make them. Nothing here imports the project's other modules.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["KINDS", "Article", "Mention", "normalise_text"]

#: What a mention names: a country, an admin-1 unit, a named area, a macro-region or a place.
KINDS = ("country", "admin1", "area", "region", "place")


def normalise_text(text: str) -> str:
    """The form the article id is computed on: NFC, Unix newlines, no surrounding whitespace."""
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass(frozen=True, slots=True)
class Article:
    """One article's text and what we know about it. ``date`` is an ISO ``YYYY-MM-DD`` string."""

    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    lang: str | None = None
    _id: str = field(init=False, repr=False, compare=False, default="")

    def __post_init__(self) -> None:
        # computed once: the id is asked for many times on the way to the store
        object.__setattr__(self, "_id", hashlib.sha256(normalise_text(self.text).encode("utf-8")).hexdigest())

    @property
    def id(self) -> str:
        """sha256 hex of the normalised text: the same text read twice is the same article."""
        return self._id


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
