"""Acceptance: the article conflictmap began from, geoparsed end to end."""

from __future__ import annotations

import math

import pytest

from loaders.geoparse import geoparse

# Every (name, kind) the article names as a place, and nothing else. The related-articles block
# at the bottom legitimately names Niger, Ethiopia, Somalia, Nigeria and Egypt.
EXPECTED = {
    ("Gorgadji", "place"),
    ("Liptako-Gourma", "area"),
    ("Sahel", "area"),
    ("West Africa", "region"),
    ("Mali", "country"),
    ("Niger", "country"),
    ("Burkina Faso", "country"),
    ("Chad", "country"),
    ("Mauritania", "country"),
    ("France", "country"),
    ("Ethiopia", "country"),
    ("Somalia", "country"),
    ("Nigeria", "country"),
    ("Egypt", "country"),
}


@pytest.fixture(scope="module")
def article(seed_article) -> str:
    return seed_article.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def mentions(article):
    return geoparse(article)


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def test_exactly_the_places_of_the_article(mentions):
    assert {(m.name, m.kind) for m in mentions if m.resolved} == EXPECTED
    assert all(m.resolved for m in mentions)


def test_gorgadji_is_the_village_in_burkina_sahel(mentions):
    (g,) = [m for m in mentions if m.name == "Gorgadji"]
    assert _km(g.lat, g.lon, 14.033, -0.520) < 5
    assert (g.country, g.admin1) == ("BFA", "Sahel")
    assert g.ref is None


def test_liptako_gourma_is_the_area_polygon(mentions):
    lg = [m for m in mentions if m.name == "Liptako-Gourma"]
    assert lg and all(m.kind == "area" and m.ref == "area:liptako-gourma" for m in lg)


def test_countries_carry_their_polygon_refs(mentions):
    refs = {m.name: m.ref for m in mentions if m.kind == "country"}
    assert refs["Burkina Faso"] == "country:BFA" and refs["Chad"] == "country:TCD"


def test_offsets_sentences_and_confidence(article, mentions):
    for m in mentions:
        assert article[m.start : m.end] == m.text
        assert m.text in m.sentence and m.sentence in article
        assert 0 < m.confidence <= 1


def test_words_that_are_not_places_there(article, mentions):
    texts = {m.text for m in mentions}
    for word in (
        "California",
        "Most",
        "Leave",
        "Reply",
        "Related",
        "March",
        "Saturday",
        "Luc",
        "Gnago",
        "Abubakar",
        "Momoh",
        "Assimi",
        "Goita",
        "Abdoulaye",
        "Diop",
        "Kokoroko",
        "Francis",
        "AES",
        "ECOWAS",
        "State",
        "Qaida",
    ):
        assert word not in texts
