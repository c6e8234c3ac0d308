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
    assert [(m.text, m.country) for m in ms] == [
        ("Solhan", "BFA"),
        ("Burkina Faso", "BFA"),
        ("Tongo Tongo", "NER"),
        ("Niger", "NER"),
    ]


def test_common_words_people_and_organisations_are_not_places():
    text = (
        "Most people said the March meeting was long. Leave a Reply. "
        "Defence Minister Abdoulaye Diop spoke to the University of California and the Islamic State "
        "was blamed, not the Alliance of Sahel States."
    )
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


def test_resolve_adjectives_of_regions():
    # gold spans often mark an adjective or the people of a region: the region is meant
    text = "Ohioans and Minnesotans watched Dagestani police."
    ohio, minnesota, dagestan = resolve(text, [(0, 7), (12, 23), (32, 41)])
    assert [(m.kind, m.country) for m in (ohio, minnesota, dagestan)] == [
        ("admin1", "USA"),
        ("admin1", "USA"),
        ("admin1", "RUS"),
    ]
    assert (ohio.name, minnesota.name) == ("Ohio", "Minnesota")


def _found(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(m.text, m.country, m.admin1) for m in geoparse(text)]


def test_a_name_among_its_neighbours_is_the_nearby_one():
    # Huntsville, Alabama is larger, but the Huntsville of Walker County is in Texas
    ms = geoparse(
        "The burn ban issued for Walker County was lifted after Huntsville Fire Chief Tom Grisham "
        "met the Walker County Judge. Residents within Huntsville city limits need a permit."
    )
    assert {(m.text, m.admin1) for m in ms} == {("Walker County", "Texas"), ("Huntsville", "Texas")}


def test_country_capital_and_state_before_namesakes():
    ms = geoparse("Flights between New York and Moscow will start in May, Russia's transport ministry said.")
    assert [(m.text, m.kind, m.country) for m in ms] == [
        ("New York", "admin1", "USA"),
        ("Moscow", "place", "RUS"),
        ("Russia", "country", "RUS"),
    ]
    assert _found("Snow fell across Minnesota on Monday.") == [("Minnesota", "USA", "Minnesota")]


def test_datelines_in_capitals():
    assert _found("Cleanup planned. CHARLESTON, W.Va. (AP) -- Volunteers are sought.") == [
        ("CHARLESTON", "USA", "West Virginia"),
        ("W.Va.", "USA", "West Virginia"),
    ]
    assert _found("Bathtub drowning trial opens. LEBANON (AP) — A pathologist testified.")[0][:2] == ("LEBANON", "LBN")


def test_streets_are_reported_unresolved_not_as_the_town_they_are_named_after():
    ms = geoparse("Police were called to 2517 Memphis St. and to Wichita Drive near Highway 19 in Paris, Texas.")
    streets = [(m.text, m.resolved) for m in ms if not m.resolved]
    assert streets == [("Memphis St.", False), ("Wichita Drive", False), ("Highway 19", False)]
    assert {m.text for m in ms if m.resolved} == {"Paris", "Texas"}


def test_rivers_lakes_and_counties_named_after_places():
    ms = geoparse("Volunteers cleaned the Kanawha River near Charleston, W.Va.")
    river = ms[0]
    assert (river.text, river.name, river.geonameid, river.admin1) == (
        "Kanawha River",
        "Kanawha River",
        None,
        "West Virginia",
    )
    assert river.confidence < ms[1].confidence
    counties = geoparse("Flooding hit Barrow, Jackson and Madison counties in Georgia.")
    assert [(m.text, m.admin1) for m in counties if m.text != "Georgia"] == [
        ("Barrow", "Georgia"),
        ("Jackson", "Georgia"),
        ("Madison", "Georgia"),
    ]


def test_person_of_place_and_bodies_named_after_places():
    assert _found("Kris Goodman of Hudson, Ohio, brought her dog.") == [
        ("Hudson", "USA", "Ohio"),
        ("Ohio", "USA", "Ohio"),
    ]
    assert geoparse("He studied at the University of California and the Bank of Canada.") == []


def test_regions_of_a_country_and_unions_of_countries():
    (m,) = geoparse("Fighting resumed in Darfur on Monday.")
    assert (m.kind, m.country) == ("region", "SDN")
    (eu,) = geoparse("The EU imposed sanctions.")
    assert (eu.name, round(eu.lat, 1), round(eu.lon, 1)) == ("European Union", 50.9, 4.3)  # its seat, Brussels
    region = _only("Fighting in the Agadez region.", "Agadez")
    assert (region.kind, region.country) == ("admin1", "NER")


def test_provinces_outside_the_polygon_layer_sit_near_their_middle():
    """Natural Earth's label point, not the middle of the towns (southern Ontario, 420 km off)."""
    ontario = _only("Wildfires spread across Ontario.", "Ontario")
    assert (ontario.kind, ontario.country, round(ontario.lat), round(ontario.lon)) == ("admin1", "CAN", 51, -85)
    alaska = _only("The earthquake was felt in Alaska.", "Alaska")
    assert (alaska.kind, round(alaska.lat), round(alaska.lon)) == ("admin1", 64, -153)
    # a unit without a label point sits in its largest part: Michigan's lower peninsula, not the upper
    michigan = _only("Snow fell across Michigan overnight.", "Michigan")
    assert (michigan.kind, round(michigan.lat), round(michigan.lon)) == ("admin1", 43, -85)


def test_small_us_towns_from_post_offices_where_the_text_places_them():
    """Towns below GeoNames' 500 inhabitants, from the zipcodes package's post towns: kept after a
    cue, in several words or when the text keeps naming them; never a person, a word, or a name the
    world means otherwise."""
    (town,) = geoparse("Ned Lamont spoke to supporters in Harwinton on Sunday.")
    assert (town.name, town.country, town.admin1, round(town.lat, 1), round(town.lon, 1)) == (
        "Harwinton",
        "USA",
        "Connecticut",
        41.8,
        -73.1,
    )
    (colony,) = geoparse("A Tennessee Colony man was arrested.")
    assert (colony.name, colony.admin1) == ("Tennessee Colony", "Texas")
    assert geoparse("Michael told the House that the Panther players had left.") == []
    china = _only("Exports to China fell in March.", "China")
    assert china.kind == "country"


@pytest.mark.parametrize(
    "text, name, country, lat, lon",
    [
        ("Les rebelles contrôlent toujours l'Azawad.", "Azawad", "MLI", 18.9, -0.5),
        ("Al-Shabaab fighters attacked a base in Jubaland.", "Jubaland", "SOM", 1.2, 42.1),
        ("Shelling continued across the Donbas overnight.", "Donbas", "UKR", 48.5, 38.4),
        ("Troops withdrew from Nagorno-Karabakh in 2023.", "Nagorno-Karabakh", "AZE", 39.8, 46.8),
        ("Russia recognised South Ossetia in 2008.", "South Ossetia", "GEO", 42.2, 44.1),
    ],
)
def test_conflict_zones_without_an_administrative_name(text, name, country, lat, lon):
    (m,) = [m for m in geoparse(text) if m.name == name]
    assert (m.kind, m.country, round(m.lat, 1), round(m.lon, 1)) == ("region", country, lat, lon)
