"""Who was a member of which Sahel alliance on a given day."""

from __future__ import annotations

from datetime import date

import pytest

from geodata.alliances import ALLIANCES, alliance, alliance_layer, members_on, timeline


def test_aes_starts_with_the_liptako_gourma_charter():
    assert "aes" not in members_on(date(2023, 9, 15))
    assert members_on(date(2023, 9, 16))["aes"] == ["BFA", "MLI", "NER"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2022, 1, 1), ["BFA", "MLI", "MRT", "NER", "TCD"]),
        (date(2023, 1, 1), ["BFA", "MRT", "NER", "TCD"]),
        (date(2023, 12, 1), ["MRT", "TCD"]),
    ],
)
def test_g5_sahel_shrinks(day, expected):
    assert members_on(day, "g5")["g5"] == expected


def test_no_g5_after_its_dissolution():
    assert members_on(date(2024, 1, 1), "g5") == {}
    assert "g5" not in members_on(date(2024, 1, 1))


def test_ecowas_loses_the_three_aes_states_on_29_january_2025():
    before = members_on(date(2025, 1, 28), "ecowas")["ecowas"]
    after = members_on(date(2025, 1, 29), "ecowas")["ecowas"]
    assert len(before) == 15 and len(after) == 12
    assert set(before) - set(after) == {"BFA", "MLI", "NER"}


def test_unknown_alliance_is_an_error():
    with pytest.raises(KeyError):
        members_on(date(2024, 1, 1), "nato")


def test_every_membership_cites_a_source():
    for item in ALLIANCES:
        assert item.sources and all(s.startswith("http") for s in item.sources)
        assert all(m.source.startswith("http") for m in item.memberships)


@pytest.mark.parametrize(
    ("name", "alliance_id"),
    [
        ("AES", "aes"),
        ("Alliance des États du Sahel", "aes"),
        ("Confederation of Sahel States", "aes"),
        ("CEDEAO", "ecowas"),
        ("g5 sahel", "g5"),
        ("ALG", "lga"),
        ("Autorité du Liptako-Gourma", "lga"),
    ],
)
def test_alliances_are_found_by_their_names(name, alliance_id):
    assert alliance(name).id == alliance_id


def test_alliance_layer_dissolves_member_countries():
    layer = alliance_layer(date(2024, 1, 1)).set_index("alliance")
    assert set(layer.index) == {"aes", "ecowas", "lga"}
    assert layer.loc["aes", "members"] == "BFA,MLI,NER" and layer.loc["aes", "member_count"] == 3
    assert layer.loc["aes", "geometry"].covers(layer.loc["lga", "geometry"])
    assert layer.loc["aes", "geometry"].area > 200  # three large countries, in square degrees


def test_timeline_lists_every_spell():
    frame = timeline()
    assert list(frame.columns) == ["alliance", "country", "joined", "left"]
    mali = frame[(frame["alliance"] == "g5") & (frame["country"] == "MLI")].iloc[0]
    assert str(mali["left"].date()) == "2022-05-15"
