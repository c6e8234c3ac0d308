"""Words the geoparser reads around place names: stop words, cues, titles, demonyms.

The stop lists are the frequent-word lists shipped with jusText (a dependency of trafilatura),
plus calendar words and the boilerplate of news sites ("Leave a Reply", "Most Read"). A name in
these lists needs context (a locative cue and a country the document is about) to be a place.
"""

from __future__ import annotations

from conflictmap.caches import cached
from geodata.names import normalise

__all__ = [
    "BOILERPLATE",
    "CONNECTORS",
    "COUNTRY_ACRONYMS",
    "DEMONYMS",
    "INSTITUTION_WORDS",
    "LEADING_OK",
    "MONTHS_WEEKDAYS",
    "NOT_PLACES",
    "ORGANISATION_HEADS",
    "REGION_ADJECTIVES",
    "STRONG_ADMIN_CUES",
    "STRONG_POINT_CUES",
    "TITLES",
    "TRAILING_OK",
    "WEAK_CUES",
    "adjective_bases",
    "stop_words",
]

MONTHS_WEEKDAYS = (
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday "
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre "
    "lundi mardi mercredi jeudi vendredi samedi dimanche"
).split()

# Navigation and comment-box words of news pages, and words of captions and credits.
BOILERPLATE = (
    "leave reply replies related read share comment comments subscribe advertisement advert login "
    "menu home search photo photos video videos file source update updated breaking news follow tags "
    "more previous next top latest popular trending editor reporter correspondent print email "
    "copyright rights reserved cookie cookies privacy terms contact about newsletter sponsored "
    "articles article story stories opinion analysis getty reuters afp"
).split()

# Lower-case words that may sit inside a capitalised name ("Alliance of Sahel States").
CONNECTORS = frozenset("of de du des d l la le les al el y da do dos das di sur the".split())

# Words that may precede a place name inside a capitalised run without making it another name.
LEADING_OK = frozenset(
    normalise(w)
    for w in (
        "northern southern eastern western central north south east west northeastern northwestern "
        "southeastern southwestern upper lower greater nord sud est ouest "
        "region région province district department département cercle commune village town city "
        "prefecture préfecture republic république state historic downtown uptown midtown metropolitan "
        "northeast northwest southeast southwest"
    ).split()
)

# Words that may follow a place name inside a capitalised run ("Tillabéri Region", "Borno State").
TRAILING_OK = frozenset(
    normalise(w)
    for w in (
        "region régions region's province district department département cercle commune "
        "prefecture préfecture governorate county municipality state area zone town city village "
        "border borders frontier"
    ).split()
)

# First words after a place name that make the run a body, building or office *of that place*
# ("Shreveport Police Department", "Illinois Department of Transportation", "Mansfield Mayor
# Curtis McCoy"): the place is still named. Not "State", "Army" or "Islamic": those make other names.
INSTITUTION_WORDS = frozenset(
    normalise(w)
    for w in (
        "police sheriff sheriff's fire department mayor council councilman councilwoman commissioner "
        "commissioners commission school schools high middle elementary university college hospital "
        "airport board courthouse library chamber jail detention township parish city hall "
        "road street avenue boulevard highway lane drive bridge park parks zoo museum "
        "times herald tribune gazette journal post daily courier press "
        "public housing authority office officials residents officers deputies emergency health "
        "metro transit water utilities library community memorial regional medical fair fairgrounds "
        "festival ems rescue court circuit district".split()
    )
)

# Words that make "<word> of <Place>" the name of a body, not a person or office of the place
# ("University of California", "Alliance of Sahel States", "Bank of Canada"); after any other
# word the place is named ("Shirley Stidd of Lebanon", "Sen. Max Baucus of Montana").
ORGANISATION_HEADS = frozenset(
    normalise(w)
    for w in (
        "university universities college school academy institute bank battle movement association friends "
        "program programme department ministry council committee commission church cathedral museum hospital "
        "society union league federation party army navy corps board office court bureau agency foundation "
        "fund company corporation center centre club chamber house library government parliament assembly "
        "congress embassy consulate diocese archdiocese order knights daughters sons alliance states kingdom "
        "emirate sultanate coalition front brigade brigades battalion regiment group network conference "
        "convention summit declaration treaty accord accords agreement charter festival cup games tournament "
        "championship bowl series open grand prix orchestra symphony opera theatre theater ballet fair "
        "authority port airport station district districts court courts bar guild lodge chapter"
    ).split()
)

# Country acronyms that running text writes in capitals and that mean nothing else there.
COUNTRY_ACRONYMS = frozenset(normalise(w) for w in ("US", "USA", "UK", "UAE", "EU"))

# Capitalised words and names that running text uses for something else than a place (months,
# feasts, bodies, groups) although the gazetteer has a village of that name: kept only after a
# strong cue ("the village of May").
NOT_PLACES = frozenset(
    normalise(w)
    for w in (
        *MONTHS_WEEKDAYS,
        "jan",
        "feb",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "christmas",
        "easter",
        "passover",
        "ramadan",
        "hanukkah",
        "thanksgiving",
        "halloween",
        "hamas",
        "hezbollah",
        "congress",
        "duma",
        "knesset",
        "senate",
        "parliament",
        "white house",
        "democrat",
        "democrats",
        "republican",
        "republicans",
        "christian",
        "christians",
        "arab",
        "arabs",
        "english",
        "muslim",
        "muslims",
        "jewish",
        "catholic",
        "baptist",
        "methodist",
        "lutheran",
        # peoples of the Sahel and West Africa ("Bissa farmers", "a Hausa farmer", "Mossi herders")
        "hausa",
        "haoussa",
        "mossi",
        "bissa",
        "fulani",
        "fula",
        "fulbe",
        "peul",
        "peuls",
        "peulh",
        "gourmantche",
        "lobi",
        "dozo",
        "dozos",
        "tuareg",
        "tuaregs",
        "touareg",
        "touaregs",
        "songhai",
        "songhay",
        "dogon",
        "bambara",
        "samo",
        "gurunsi",
        "dioula",
        "dyula",
        "senoufo",
        "koglweogo",
        "kurumba",
        "dagara",
        "birifor",
        "djerma",
        "zarma",
        "kanuri",
        "toubou",
        "arabe",
    )
)

# Locative cues. Strong ones introduce a place even when the name is unknown (→ unresolved mention).
STRONG_POINT_CUES = tuple(
    normalise(c)
    for c in (
        "village of",
        "town of",
        "city of",
        "commune of",
        "locality of",
        "near",
        "outside",
        "localité de",
        "village de",
        "ville de",
        "commune de",
        "près de",
        "près du",
        "non loin de",
        "aux environs de",
        "localité d'",
        "village d'",
        "ville d'",
        "commune d'",
        "près d'",
    )
)
STRONG_ADMIN_CUES = tuple(
    normalise(c)
    for c in (
        "region of",
        "province of",
        "district of",
        "state of",
        "région de",
        "région du",
        "région des",
        "région de la",
        "région d'",
        "province de",
        "province du",
        "province des",
        "province d'",
        "cercle de",
        "cercle d'",
        "département de",
        "département d'",
        "préfecture de",
    )
)
WEAK_CUES = frozenset(
    normalise(c)
    for c in (
        "in",
        "at",
        "from",
        "to",
        "into",
        "across",
        "throughout",
        "around",
        "towards",
        "toward",
        "between",
        "à",
        "au",
        "aux",
        "en",
        "dans",
        "vers",
        "entre",
        "depuis",
        "sur",
    )
)

TITLES = frozenset(
    normalise(w)
    for w in (
        "president prime minister minister general colonel captain lieutenant sergeant king prince "
        "governor mayor senator secretary chief commander leader spokesman spokesperson ambassador envoy "
        "mr mrs ms dr sheikh imam emir président ministre général capitaine chef gouverneur maire m mme "
        "commissioner director administrator manager superintendent judge officer deputy trooper attorney "
        "coach principal rep sen gov councilman councilwoman chairman chairwoman sheriff pastor rev detective"
    ).split()
)

# Demonyms and adjectives of nationality → ISO3. Not places, but evidence of what a text is about.
_DEMONYMS = {
    "BFA": "Burkinabe Burkinabè Burkinabé Burkinabes Burkinabès",
    "MLI": "Malian Malians malien malienne maliens maliennes",
    "NER": "Nigerien Nigeriens Nigérien Nigérienne Nigériens Nigériennes",
    "NGA": "Nigerian Nigerians nigérian nigériane nigérians",
    "TCD": "Chadian Chadians tchadien tchadienne tchadiens tchadiennes",
    "MRT": "Mauritanian Mauritanians mauritanien mauritanienne mauritaniens",
    "SEN": "Senegalese sénégalais sénégalaise",
    "CIV": "Ivorian Ivorians ivoirien ivoirienne ivoiriens",
    "GHA": "Ghanaian Ghanaians ghanéen ghanéenne",
    "BEN": "Beninese béninois béninoise",
    "TGO": "Togolese togolais togolaise",
    "GIN": "Guinean Guineans guinéen guinéenne",
    "CMR": "Cameroonian Cameroonians camerounais camerounaise",
    "DZA": "Algerian Algerians algérien algérienne",
    "LBY": "Libyan Libyans libyen libyenne",
    "MAR": "Moroccan Moroccans marocain marocaine",
    "TUN": "Tunisian Tunisians tunisien tunisienne",
    "EGY": "Egyptian Egyptians égyptien égyptienne",
    "SDN": "Sudanese soudanais soudanaise",
    "ETH": "Ethiopian Ethiopians éthiopien éthiopienne",
    "SOM": "Somali Somalis Somalian somalien somalienne",
    "KEN": "Kenyan Kenyans kényan kényane",
    "FRA": "French français française",
    "RUS": "Russian Russians russe russes",
    "USA": "American Americans américain américaine",
    "GBR": "British britannique",
    "CHN": "Chinese chinois chinoise",
    "TUR": "Turkish turc turque",
    "GEO": "Georgian Georgians",
    "PSE": "Palestinian Palestinians palestinien palestinienne palestiniens",
    "ISR": "Israeli Israelis israélien israélienne israéliens",
    "IRQ": "Iraqi Iraqis irakien irakienne irakiens",
    "IRN": "Iranian Iranians iranien iranienne iraniens",
    "SYR": "Syrian Syrians syrien syrienne syriens",
    "LBN": "Lebanese libanais libanaise",
    "JOR": "Jordanian Jordanians jordanien jordanienne",
    "SAU": "Saudi Saudis saoudien saoudienne",
    "YEM": "Yemeni Yemenis yéménite",
    "AFG": "Afghan Afghans afghane afghans",
    "PAK": "Pakistani Pakistanis pakistanais pakistanaise",
    "IND": "Indian Indians indien indienne",
    "LKA": "Sri Lankan Lankans",
    "CYP": "Cypriot Cypriots chypriote",
    "GRC": "Greek Greeks grec grecque",
    "UKR": "Ukrainian Ukrainians ukrainien ukrainienne",
    "DEU": "German Germans allemand allemande",
    "ITA": "Italian Italians italien italienne",
    "ESP": "Spanish espagnol espagnole",
    "MEX": "Mexican Mexicans mexicain mexicaine",
    "CAN": "Canadian Canadians canadien canadienne",
    "CUB": "Cuban Cubans cubain cubaine",
    "HTI": "Haitian Haitians haïtien haïtienne",
    "JPN": "Japanese japonais japonaise",
    "KOR": "Korean Koreans coréen coréenne",
    "VNM": "Vietnamese vietnamien vietnamienne",
    "PHL": "Filipino Filipinos philippin philippine",
    "AUS": "Australian Australians australien australienne",
    "IRL": "Irish irlandais irlandaise",
    "POL": "Polish polonais polonaise",
    "BRA": "Brazilian Brazilians brésilien brésilienne",
    "COL": "Colombian Colombians colombien colombienne",
    "VEN": "Venezuelan Venezuelans vénézuélien vénézuélienne",
    "ZAF": "South African sud-africain sud-africaine",
    "ZWE": "Zimbabwean Zimbabweans zimbabwéen",
    "RWA": "Rwandan Rwandans rwandais rwandaise",
    "UGA": "Ugandan Ugandans ougandais ougandaise",
    "LBR": "Liberian Liberians libérien libérienne",
    "COD": "Congolese congolais congolaise",
    "CAF": "Centrafrican centrafricain centrafricaine",
    "GMB": "Gambian Gambians gambien gambienne",
    "SLE": "Sierra Leonean Leoneans sierra-léonais",
    "GNB": "Bissau-Guinean bissau-guinéen",
    "CPV": "Cape Verdean capverdien capverdienne",
    "ERI": "Eritrean Eritreans érythréen érythréenne",
    "DJI": "Djiboutian djiboutien djiboutienne",
    "SSD": "South Sudanese sud-soudanais sud-soudanaise",
    "TZA": "Tanzanian Tanzanians tanzanien tanzanienne",
    "MOZ": "Mozambican Mozambicans mozambicain mozambicaine",
    "AGO": "Angolan Angolans angolais angolaise",
    "ZMB": "Zambian Zambians zambien zambienne",
    "MWI": "Malawian Malawians malawite",
    "NAM": "Namibian Namibians namibien namibienne",
    "BWA": "Botswanan",
    "MDG": "Malagasy malgache malgaches",
    "GAB": "Gabonese gabonais gabonaise",
    "BDI": "Burundian Burundians burundais burundaise",
    "CZE": "Czech Czechs tchèque tchèques",
    "SVK": "Slovak Slovaks slovaque",
    "HUN": "Hungarian Hungarians hongrois hongroise",
    "ROU": "Romanian Romanians roumain roumaine",
    "BGR": "Bulgarian Bulgarians bulgare",
    "SRB": "Serbian Serbians Serb Serbs serbe serbes",
    "HRV": "Croatian Croatians Croat Croats croate croates",
    "BIH": "Bosnian Bosnians bosnien bosnienne",
    "ALB": "Albanian Albanians albanais albanaise",
    "ARM": "Armenian Armenians arménien arménienne",
    "AZE": "Azerbaijani Azerbaijanis azerbaïdjanais azerbaïdjanaise",
    "BLR": "Belarusian Belarusians biélorusse",
    "LVA": "Latvian Latvians letton lettone",
    "LTU": "Lithuanian Lithuanians lituanien lituanienne",
    "EST": "Estonian Estonians estonien estonienne",
    "KAZ": "Kazakh Kazakhs kazakh",
    "UZB": "Uzbek Uzbeks ouzbek ouzbèke",
    "NLD": "Dutch néerlandais néerlandaise",
    "BEL": "Belgian Belgians belge belges",
    "CHE": "Swiss suisse suisses",
    "AUT": "Austrian Austrians autrichien autrichienne",
    "SWE": "Swedish Swede Swedes suédois suédoise",
    "NOR": "Norwegian Norwegians norvégien norvégienne",
    "DNK": "Danish Dane Danes danois danoise",
    "FIN": "Finnish Finn Finns finlandais finlandaise",
    "PRT": "Portuguese portugais portugaise",
    "NZL": "New Zealander Zealanders néo-zélandais",
    "ARG": "Argentine Argentinian Argentinians argentin argentine",
    "CHL": "Chilean Chileans chilien chilienne",
    "PER": "Peruvian Peruvians péruvien péruvienne",
    "BOL": "Bolivian Bolivians bolivien bolivienne",
    "ECU": "Ecuadorian Ecuadorians équatorien équatorienne",
    "NIC": "Nicaraguan Nicaraguans nicaraguayen nicaraguayenne",
    "HND": "Honduran Hondurans hondurien hondurienne",
    "SLV": "Salvadoran Salvadorans salvadorien salvadorienne",
    "GTM": "Guatemalan Guatemalans guatémaltèque",
    "JAM": "Jamaican Jamaicans jamaïcain jamaïcaine",
    "IDN": "Indonesian Indonesians indonésien indonésienne",
    "MYS": "Malaysian Malaysians malaisien malaisienne",
    "THA": "Thai thaïlandais thaïlandaise",
    "MMR": "Burmese birman birmane",
    "BGD": "Bangladeshi Bangladeshis bangladais bangladaise",
    "NPL": "Nepalese Nepali népalais népalaise",
    "PRK": "North Korean nord-coréen nord-coréenne",
}
_MULTI = (
    "Sri Lankan",
    "South African",
    "Sierra Leonean",
    "Cape Verdean",
    "South Sudanese",
    "New Zealander",
    "North Korean",
)


def _demonym_table() -> dict[str, str]:
    """Normalised demonym → ISO3; two-word demonyms ("South Sudanese") as phrases (and plurals),
    their words alone only where they are demonyms in their own right ("Sudanese")."""
    table: dict[str, str] = {}
    for iso, words in _DEMONYMS.items():
        for phrase in _MULTI:
            if phrase in words:
                words = words.replace(phrase, "")
                table[normalise(phrase)] = table[normalise(phrase) + "s"] = iso
        for w in words.split():
            table.setdefault(normalise(w), iso)
    return table


DEMONYMS: dict[str, str] = _demonym_table()
# Adjectives of regions: not places either.
REGION_ADJECTIVES = frozenset(
    normalise(w)
    for w in (
        "Sahelian Sahelians sahélien sahélienne sahéliens African Africans africain africaine "
        "West-African Maghrebi maghrébin"
    ).split()
)


@cached(maxsize=4)
def stop_words(lang: str | None = None) -> frozenset[str]:
    """Normalised frequent words of English and French (or of ``lang`` only: 'en' / 'fr')."""
    from importlib.resources import files

    langs = {"en": ["English"], "fr": ["French"]}.get((lang or "")[:2], ["English", "French"])
    words: set[str] = set()
    for name in langs:
        # Capitalised entries without a lower-case twin are proper nouns ("France", "Paris"): skip them.
        # (justext.get_stoplist lower-cases them, so the file is read directly.)
        raw = files("justext").joinpath("stoplists", f"{name}.txt").read_text(encoding="utf-8")
        words |= {normalise(w) for w in raw.split() if w[:1].islower()}
    words |= set(MONTHS_WEEKDAYS) | set(BOILERPLATE)
    return frozenset(words)


# How English forms the adjective or the people of a region from its name ("Ohioans", "Minnesotans",
# "Dagestani", "South Ossetian", "Abkhaz", "European"): (ending of the adjective, ending of the name).
_ADJECTIVE_ENDINGS = (
    ("ians", "ia"),
    ("ians", "io"),
    ("ian", "ia"),
    ("ian", "io"),
    ("ans", "a"),
    ("ans", ""),
    ("an", "a"),
    ("an", "e"),
    ("an", "as"),
    ("an", ""),
    ("ns", ""),
    ("n", ""),
    ("i", ""),
    ("is", ""),
    ("", "ia"),
)


def adjective_bases(word: str) -> list[str]:
    """The region names an adjective or plural demonym may come from, likeliest first
    ("Ohioans" → "Ohio", "Ohioa"); the caller keeps the first one its gazetteer knows as a region."""
    out = []
    for ending, base in _ADJECTIVE_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            out.append(word[: len(word) - len(ending)] + base)
    return out
