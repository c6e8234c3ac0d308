"""Incidents read from article text (EN/FR): date, type, actors, fatalities, location; storing from
ingest; and the accuracy on the ACLED sample's notes (the acceptance figures)."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import shared_path

from conflictmap.records import Mention
from loaders.actors import find_actors
from loaders.incidents import extract_incident, extract_incidents, fatalities_in, find_dates, parse_number
from loaders.taxonomy import classify


@pytest.mark.parametrize(
    "text,n",
    [
        ("twenty-two", 22),
        ("a dozen", 12),
        ("une vingtaine de", 20),
        ("quatre-vingts", 80),
        ("1,200", 1200),
        ("trente-cinq", 35),
        ("dix-sept", 17),
        ("several", 10),
    ],
)
def test_parse_number(text, n):
    assert parse_number(text) == n


@pytest.mark.parametrize(
    "sentence,n",
    [
        ("Gunmen killed a dozen soldiers near Djibo.", 12),
        ("Une vingtaine de civils ont été tués samedi à Solhan.", 20),
        ("Four people were killed and eight others injured.", 4),
        ("Armed men attacked and killed two police officers and a farmer.", 3),
        ("Ten militants and four civilians were killed in the operation.", 14),
        ("A Hausa farmer was killed by a herder.", 1),
        ("The clash left one dead and ten wounded.", 1),
        ("The attack, l'attaque a fait 12 morts selon un bilan officiel.", 12),
        ("Casualties unknown.", 0),
        ("Troops patrolled the town.", None),
        ("a conflict that left eight dead", 8),
    ],
)
def test_fatalities(sentence, n):
    assert fatalities_in(sentence) == n


def test_dates_absolute_and_relative():
    line = date(2023, 3, 6)  # a Monday
    assert find_dates("On 16 February 2021, militants attacked", line)[0].day == date(2021, 2, 16)
    assert find_dates("l'attaque du 3 mars contre le poste", line)[0].day == date(2023, 3, 3)
    assert find_dates("Inhabitants fought herders on 11 July.", line)[0].day == date(2022, 7, 11)
    assert find_dates("Protests in Dori on Oct. 30 against", line)[0].day == date(2022, 10, 30)
    assert find_dates("gunmen attacked the village on Saturday", line)[0].day == date(2023, 3, 4)
    assert find_dates("des hommes armés ont attaqué samedi", line)[0].day == date(2023, 3, 4)
    assert find_dates("the attack yesterday", line)[0].day == date(2023, 3, 5)
    last_week = find_dates("an ambush last week", line)[0]
    assert (last_week.day, last_week.precision) == (date(2023, 2, 27), 2)
    assert find_dates("Around 26 November 2020 (between 26 - 27 November)", line)[0].precision == 2


def test_actor_aliases():
    names = [
        a.name
        for a in find_actors(
            "JNIM (GSIM) and EIGS fighters clashed with FAMa, VDP and Wagner; "
            "ISSP denied it. Africa Corps and Barkhane were not there."
        )
    ]
    assert "JNIM: Group for Support of Islam and Muslims" in names
    assert names.count("Islamic State (Sahel)") == 2  # EIGS and ISSP
    assert {
        "Military Forces of Mali",
        "VDP: Volunteers for the Defense of the Homeland",
        "Wagner Group",
        "Operation Barkhane",
    } <= set(names)
    assert names.count("Wagner Group") == 2  # Wagner and Africa Corps


@pytest.mark.parametrize(
    "text,expected",
    [
        ("On 3 May, JNIM militants ambushed a FAMa patrol near Boni, killing ten soldiers.", "Battles"),
        ("Des hommes armés ont tué une vingtaine de civils dans le village de Solhan.", "Violence against civilians"),
        ("An army vehicle struck an IED between Boulo and Koflande.", "Explosions/Remote violence"),
        ("Des centaines de manifestants ont marché pacifiquement à Bamako.", "Protests"),
        ("Protesters stormed and burned the town hall.", "Riots"),
        ("Militants abducted two farmers in Seme.", "Violence against civilians"),
        ("Property destruction: militants burned farmland in Nare.", "Strategic developments"),
    ],
)
def test_classify(text, expected):
    assert classify(text, find_actors(text))[0] == expected


def _mention(text: str, name: str, lat: float, lon: float, kind: str = "place") -> Mention:
    start = text.index(name)
    return Mention(start, start + len(name), name, name, kind, lat, lon, None, "BFA", None, 0.9, text)


def test_location_is_where_it_happened_not_every_place():
    text = (
        "On 5 February 2021, unknown gunmen from Dori abducted the chief nurse in the village of Gorgadji "
        "(Gorgadji, Seno). The nurse was taken to a hospital in Ouagadougou."
    )
    mentions = [
        _mention(text, "Dori", 14.03, -0.03),
        _mention(text, "Gorgadji", 14.03, -0.52),
        _mention(text, "Ouagadougou", 12.37, -1.52),
    ]
    inc = extract_incident(text, mentions=mentions)
    assert inc.location == "Gorgadji" and inc.geo_precision == 1
    near = "On 2 May 2021, JNIM militants attacked a convoy near Djibo."
    inc = extract_incident(near, mentions=[_mention(near, "Djibo", 14.1, -1.63)])
    assert inc.location == "Djibo" and inc.geo_precision == 2


def test_french_article_incident():
    text = (
        "Ouagadougou, 7 mars 2023 — Une vingtaine de civils ont été tués samedi dans l'attaque du village de "
        "Tin-Akoff par des hommes armés de l'EIGS, selon des sources locales."
    )
    inc = extract_incidents(text, dateline="2023-03-07", mentions=[], lang="fr")[0]
    assert inc.event_date == "2023-03-04"
    assert inc.event_type == "Violence against civilians"
    assert inc.fatalities == 20
    assert inc.actor1 == "Islamic State (Sahel)"


def test_two_incidents_in_one_article():
    text = (
        "On 3 March 2023, JNIM militants killed five soldiers in an ambush near Djibo. "
        "The army said it repelled the attack.\n\n"
        "Separately, on 5 March 2023, hundreds of people demonstrated peacefully in Ouagadougou."
    )
    found = extract_incidents(text, dateline="2023-03-06", mentions=[])
    assert [(i.event_date, i.event_type, i.fatalities) for i in found] == [
        ("2023-03-03", "Battles", 5),
        ("2023-03-05", "Protests", 0),
    ]


@pytest.mark.parametrize(
    "lang, text",
    [
        (
            "en",
            "On 3 March 2023, gunmen killed seven civilians in Djibo. Residents said many families fled on foot. "
            "Schools in the area remain closed. The attack has not been claimed, but similar raids were attributed "
            "to jihadist groups.",
        ),
        (
            "fr",
            "Le 3 mars 2023, des hommes armés ont tué sept civils à Djibo. Des habitants disent avoir fui à pied. "
            "Les écoles de la zone restent fermées. L'attaque n'a pas été revendiquée, mais des raids similaires ont "
            "été attribués à des groupes jihadistes.",
        ),
    ],
)
def test_a_later_sentence_about_the_same_attack_adds_no_incident(lang, text):
    found = extract_incidents(text, lang=lang, dateline="2023-03-05", mentions=[])
    assert [(i.event_date, i.event_type, i.fatalities) for i in found] == [
        ("2023-03-03", "Violence against civilians", 7)
    ]


def test_ingest_stores_incidents_with_article_and_sentence(tmp_path):
    from conflictmap.store import Store
    from loaders.ingest import ingest

    text = "On 3 March 2023, JNIM militants killed a dozen soldiers in an ambush near Djibo.\n"

    def fake_geoparse(t, lang=None):
        return [_mention(t, "Djibo", 14.1, -1.63)]

    with Store(tmp_path / "s.db") as store:
        result = ingest(store, text.encode(), filename="a.txt", date="2023-03-04", geoparse=fake_geoparse)
        assert len(result.incidents) == 1
        df = store.incidents()
        row = df.iloc[0]
        assert (row["event_type"], row["fatalities"], row["event_date"]) == ("Battles", 12, "2023-03-03")
        assert row["source_type"] == "article" and row["source_article_id"] == result.article_id
        assert row["source_sentence"].startswith("On 3 March 2023")
        assert (row["country"], row["geo_precision"]) == ("BFA", 2)
        again = ingest(store, text.encode(), filename="a.txt", date="2023-03-04", geoparse=fake_geoparse)
        assert again.incidents == [] and store.counts()["incidents"] == 1


def test_article_and_dataset_reports_link(tmp_path):
    from conflictmap.store import Store
    from loaders.event_import import import_events
    from loaders.ingest import ingest

    csv_path = tmp_path / "d.csv"
    csv_path.write_text("id,date,type,lat,lon,location\nq1,2023-03-03,Battles,14.12,-1.61,Djibo\n")
    text = "On 3 March 2023, JNIM militants killed a dozen soldiers in an ambush in Djibo.\n"
    with Store(tmp_path / "s.db") as store:
        import_events(store, csv_path, learn_places=False)
        ingest(
            store,
            text.encode(),
            filename="a.txt",
            date="2023-03-04",
            geoparse=lambda t, lang=None: [_mention(t, "Djibo", 14.1, -1.63)],
        )
        df = store.incidents()
        assert df["group_id"].nunique() == 1 and len(df) == 2


def test_acled_notes_accuracy():
    """The acceptance figures: notes read as articles published the day after the event (the
    default stand-in dateline), no geoparsing; the type also without ACLED's note prefixes."""
    from loaders.incident_eval import evaluate_file

    figures, _ = evaluate_file(shared_path("data", "events", "acled_burkina_faso_sample200.csv"), geo=False)
    assert figures["type"] >= 0.75
    assert figures["type_no_prefix"] >= 0.75
    assert figures["date_in_text"] >= 0.90  # the notes whose text gives the day
    assert figures["date"] >= 0.90
    assert figures["fatalities"] >= 0.85


def test_relative_and_partial_dates_resolve_against_the_publication_date():
    from datetime import date

    from loaders.incidents import find_dates

    pub = date(2023, 3, 11)  # a Saturday

    def first(text):
        found = find_dates(text, pub)
        return (found[0].day.isoformat(), found[0].precision) if found else None

    assert first("on 11 July, gunmen attacked") == ("2022-07-11", 1)  # the most recent 11 July
    assert first("on Oct. 30 militants") == ("2022-10-30", 1)
    assert first("killed by the Fula group(24/5)") == ("2022-05-24", 1)
    assert first("gunmen attacked the village on Thursday") == ("2023-03-09", 1)
    assert first("des hommes armés ont attaqué samedi") == ("2023-03-11", 1)
    assert first("last Saturday") == ("2023-03-04", 1)
    assert first("yesterday") == ("2023-03-10", 1) and first("hier") == ("2023-03-10", 1)
    assert first("overnight, militants") == ("2023-03-10", 1)
    assert first("last week") == ("2023-03-04", 2)
    assert first("in the night of 3 to 4 March") == ("2023-03-03", 1)
    assert first("dans la nuit du 3 au 4 mars") == ("2023-03-03", 1)


def test_text_without_a_day_is_dated_the_day_before_publication_with_precision_2():
    inc = extract_incident(
        "Gunmen killed three civilians in an attack on a village.", dateline="2023-03-11", mentions=[]
    )
    assert (inc.event_date, inc.time_precision) == ("2023-03-10", 2)
    assert extract_incident("Gunmen killed three civilians.", mentions=[]).event_date is None
