"""Geoparser behaviour a reader would notice, on short English and French sentences."""

from __future__ import annotations

import pytest

from loaders.geoparse import geoparse, resolve


def _only(text: str, name: str):
    hits = [m for m in geoparse(text) if m.name == name]
    assert len(hits) == 1, geoparse(text)
    return hits[0]


def test_french_village_in_a_province():
    m = _only("Des hommes armés ont attaqué le village de Seytenga, dans la province du Séno.", "Seytenga")
    assert (m.kind, m.country) == ("place", "BFA")


def test_pres_de_menaka_is_the_town():
    m = _only("Une embuscade a eu lieu près de Ménaka.", "Ménaka")
    assert (m.kind, m.country) == ("place", "MLI")


def test_town_or_region_by_the_words_around_it():
    assert _only("Les soldats sont arrivés à Tillabéri.", "Tillabéri").kind == "place"
    region = _only("L'insécurité gagne la région de Tillabéri.", "Tillabéri")
    assert (region.kind, region.ref) == ("admin1", "admin1:NE-6")


def test_say_is_a_town_only_in_context():
    m = _only("Il habite à Say, au Niger.", "Say")
    assert (m.kind, m.country) == ("place", "NER")
    assert geoparse("Say what you want about the plan.") == []


def test_longest_name_and_hierarchy():
    ms = geoparse("Soldiers were killed in Solhan, Burkina Faso, and in Tongo Tongo, Niger.")
    assert [(m.text, m.country) for m in ms] == [("Solhan", "BFA"), ("Burkina Faso", "BFA"),
                                                 ("Tongo Tongo", "NER"), ("Niger", "NER")]


def test_common_words_people_and_organisations_are_not_places():
    text = ("Most people said the March meeting was long. Leave a Reply. "
            "Defence Minister Abdoulaye Diop spoke to the University of California and the Islamic State "
            "was blamed, not the Alliance of Sahel States.")
    assert geoparse(text) == []


def test_paris_is_still_paris():
    m = _only("The meeting in Paris was long.", "Paris")
    assert m.country == "FRA"


def test_unknown_name_after_a_strong_cue_is_reported_unresolved():
    (m,) = geoparse("Le village de Koumbri a été attaqué hier.")
    assert (m.text, m.resolved, m.confidence) == ("Koumbri", False, 0.0)


def test_demonyms_are_not_places_but_pick_the_country():
    ms = geoparse("Malian troops entered Boni, Malian officials said.")
    assert [(m.name, m.country) for m in ms] == [("Boni", "MLI")]


def test_resolve_given_spans():
    text = "Attack in Djibo yesterday."
    djibo, attack = resolve(text, [(10, 15), (0, 6)])
    assert (djibo.name, djibo.country, djibo.admin1) == ("Djibo", "BFA", "Sahel")
    assert not attack.resolved
    with pytest.raises(ValueError):
        resolve(text, [(5, 500)])
