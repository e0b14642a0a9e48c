"""Actor resolver: short sentences written for these tests, one mention each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import resolve_mention as code_of

from whodid.code.actors import DATA_DIR, ActorResolver, entry_keys, get_resolver, read_table

# (text, head word, occurrence, code, sector)
CASES = [
    # whole states, short and historical forms
    ("Russia sent a protest note to Finland.", "Russia", 0, "RUS", None),
    ("Russia sent a protest note to Finland.", "Finland", 0, "FIN", None),
    ("The United States imposed tariffs on Canada.", "States", 0, "USA", None),
    ("The US warned Venezuela again.", "US", 0, "USA", None),
    ("The U.S. froze the assets.", "U.S.", 0, "USA", None),
    ("The UK recalled its envoy.", "UK", 0, "GBR", None),
    ("Britain criticised the ruling.", "Britain", 0, "GBR", None),
    ("The DPRK fired a missile over Japan.", "DPRK", 0, "PRK", None),
    ("The DPRK fired a missile over Japan.", "Japan", 0, "JPN", None),
    ("South Korea protested to North Korea.", "Korea", 0, "KOR", None),
    ("South Korea protested to North Korea.", "Korea", 1, "PRK", None),
    ("Burma expelled the aid workers.", "Burma", 0, "MMR", None),
    ("Ivory Coast closed its border.", "Coast", 0, "CIV", None),
    ("Czechoslovakia signed the treaty in 1970.", "Czechoslovakia", 0, "CZE", None),
    ("The Soviet Union invaded Afghanistan.", "Union", 0, "RUS", None),
    ("The Soviet Union invaded Afghanistan.", "Afghanistan", 0, "AFG", None),
    ("Türkiye blocked the vote.", "Türkiye", 0, "TUR", None),
    ("Kosovo declared independence.", "Kosovo", 0, "KOS", None),
    ("Taiwan held air drills.", "Taiwan", 0, "TWN", None),
    ("Palestine joined the treaty.", "Palestine", 0, "PSE", None),
    ("Hong Kong banned the rally.", "Kong", 0, "HKG", None),
    # capitals and seats of power acting as agents
    ("Beijing rejected the criticism.", "Beijing", 0, "CHN", "GOV"),
    ("Tehran denied the report.", "Tehran", 0, "IRN", "GOV"),
    ("Kiev asked for more air defence.", "Kiev", 0, "UKR", "GOV"),
    ("Seoul summoned the Japanese ambassador.", "Seoul", 0, "KOR", "GOV"),
    ("Seoul summoned the Japanese ambassador.", "ambassador", 0, "JPN", "GOV"),
    ("The Kremlin dismissed the claims.", "Kremlin", 0, "RUS", "GOV"),
    ("Downing Street declined to comment.", "Street", 0, "GBR", "GOV"),
    ("The Élysée condemned the attack.", "Élysée", 0, "FRA", "GOV"),
    ("The Pentagon announced new aid.", "Pentagon", 0, "USA", "MIL"),
    ("Zhongnanhai signalled a shift.", "Zhongnanhai", 0, "CHN", "GOV"),
    ("The Blue House welcomed the talks.", "House", 0, "KOR", "GOV"),
    ("Brussels fined the carmaker.", "Brussels", 0, "EUR", None),
    # other cities: the state, no sector
    ("Karachi was flooded.", "Karachi", 0, "PAK", None),
    ("Lagos residents protested over fuel prices.", "residents", 0, "NGA", "CVL"),
    # demonyms heading or modifying a phrase
    ("Turkish police arrested a journalist.", "police", 0, "TUR", "COP"),
    ("Israeli soldiers raided the camp.", "soldiers", 0, "ISR", "MIL"),
    ("Ukrainian forces shelled the town.", "forces", 0, "UKR", "MIL"),
    ("Chinese diplomats walked out.", "diplomats", 0, "CHN", "GOV"),
    ("The Hungarian voted against the motion.", "Hungarian", 0, "HUN", None),
    ("Americans rallied in the capital.", "Americans", 0, "USA", None),
    # counted nationals are people: civilians; "the Iranians" may be the state's side
    ("Tehran freed five Britons on Monday.", "Britons", 0, "GBR", "CVL"),
    ("Thousands of Syrians crossed the border.", "Syrians", 0, "SYR", "CVL"),
    ("The Iranians rejected the offer.", "Iranians", 0, "IRN", None),
    ("The Russian embassy protested the ban.", "embassy", 0, "RUS", "GOV"),
    ("Syrian rebels seized the town.", "rebels", 0, "SYR", "REB"),
    ("Iranian state media reported the arrests.", "media", 0, "IRN", "JRN"),
    ("Nigerian students marched on parliament.", "students", 0, "NGA", "EDU"),
    ("Palestinian protesters threw stones.", "protesters", 0, "PSE", "CVL"),
    ("A senior Egyptian official denied it.", "official", 0, "EGY", "GOV"),
    # institutions of a state
    ("The Russian army withdrew.", "army", 0, "RUS", "MIL"),
    ("Israel's parliament dissolved itself.", "parliament", 0, "ISR", "LEG"),
    ("The French foreign ministry summoned the envoy.", "ministry", 0, "FRA", "GOV"),
    ("Beijing's coast guard blocked the boat.", "guard", 0, "CHN", "MIL"),
    ("The army of Mali seized power.", "army", 0, "MLI", "MIL"),
    ("German prosecutors charged the suspect.", "prosecutors", 0, "DEU", "JUD"),
    ("Pakistani intelligence officials denied it.", "officials", 0, "PAK", "SPY"),
    ("The Knesset passed the law.", "Knesset", 0, "ISR", "LEG"),
    ("The State Department approved the sale.", "Department", 0, "USA", "GOV"),
    ("Police in Brazil detained the suspects.", "Police", 0, "BRA", "COP"),
    ("Kenyan lawmakers voted for the bill.", "lawmakers", 0, "KEN", "LEG"),
    ("The Colombian government signed the deal.", "government", 0, "COL", "GOV"),
    # international organisations
    ("The United Nations condemned the coup.", "Nations", 0, "UNO", None),
    ("NATO deployed jets to Poland.", "NATO", 0, "IGO", None),
    ("The European Union imposed sanctions.", "Union", 0, "EUR", None),
    ("The European Commission fined the company.", "Commission", 0, "EUR", None),
    ("The African Union suspended Niger.", "Union", 0, "IGO", None),
    ("The African Union suspended Niger.", "Niger", 0, "NER", None),
    ("ASEAN leaders met in Jakarta.", "leaders", 0, "IGO", "GOV"),
    ("The IAEA inspected the site.", "IAEA", 0, "UNO", None),
    ("The International Criminal Court issued a warrant.", "Court", 0, "IGO", "JUD"),
    ("The IMF approved a loan.", "IMF", 0, "IGO", None),
    ("Amnesty International criticised the verdict.", "International", 0, "NGO", None),
    ("The ICRC visited the prisoners.", "ICRC", 0, "NGO", None),
    ("The Arab League called for calm.", "League", 0, "IGO", None),
    ("UNICEF delivered vaccines.", "UNICEF", 0, "UNO", None),
    ("NATO troops patrolled the border.", "troops", 0, "IGO", "MIL"),
    # armed groups and private military companies
    ("Islamic State claimed the bombing.", "State", 0, "IMG", "REB"),
    ("The Islamic State group claimed the bombing.", "group", 0, "IMG", "REB"),
    ("ISIS fighters ambushed the convoy.", "fighters", 0, "IMG", "REB"),
    ("Al-Qaeda threatened France.", "Qaeda", 0, "IMG", "REB"),
    ("Hezbollah fired rockets.", "Hezbollah", 0, "LBN", "REB"),
    ("Hamas released two hostages.", "Hamas", 0, "PSE", "REB"),
    ("The Taliban seized Kabul.", "Taliban", 0, "AFG", "REB"),
    ("The Taliban seized Kabul.", "Kabul", 0, "AFG", "GOV"),
    ("Houthi rebels attacked a ship.", "rebels", 0, "YEM", "REB"),
    ("Boko Haram abducted the girls.", "Haram", 0, "NGA", "REB"),
    ("The Wagner Group recruited prisoners.", "Group", 0, "RUS", "PRM"),
    ("Wagner mercenaries left Mali.", "mercenaries", 0, "RUS", "PRM"),
    ("Russian mercenaries guarded the mine.", "mercenaries", 0, "RUS", "PRM"),
    # people by office: title, apposition, relation
    ("US President Barack Obama visited Cuba.", "Obama", 0, "USA", "GOV"),
    ("Russian Foreign Minister Sergei Lavrov met the envoy.", "Lavrov", 0, "RUS", "GOV"),
    ("German Chancellor Olaf Scholz called Warsaw.", "Scholz", 0, "DEU", "GOV"),
    ("Hamas leader Ismail Haniyeh rejected the offer.", "Haniyeh", 0, "PSE", "REB"),
    ("Former Brazilian President Jair Bolsonaro was charged.", "Bolsonaro", 0, "BRA", "ELI"),
    ("Russian opposition leader Alexei Navalny was jailed.", "Navalny", 0, "RUS", "OPP"),
    ("UN Secretary-General Antonio Guterres urged a truce.", "Guterres", 0, "UNO", "GOV"),
    ("The ambassador of Peru, Carlos Mendoza, left the talks.", "Mendoza", 0, "PER", "GOV"),
    ("The ambassador of Peru, Carlos Mendoza, left the talks.", "ambassador", 0, "PER", "GOV"),
    ("Ri Sol Ju, the wife of North Korean leader Kim Jong Un, attended the parade.", "Ju", 0,
     "PRK", "ELI"),
    ("Ri Sol Ju, the wife of North Korean leader Kim Jong Un, attended the parade.", "Un", 0,
     "PRK", "GOV"),
    ("The former president of Chile met the pope.", "president", 0, "CHL", "ELI"),
    ("Egyptian Prime Minister Ahmed Kamal arrived on Monday. Kamal met the king.", "Kamal", 1,
     "EGY", "GOV"),
    # pronouns and descriptions refer back
    ("Canadian Prime Minister Mark Carney visited Paris. He signed a trade deal.", "He", 0,
     "CAN", "GOV"),
    ("Indian Foreign Secretary Priya Rao met the envoy. She said the talks went well.", "She",
     0, "IND", "GOV"),
    ("Japan protested the launch. It summoned the ambassador.", "It", 0, "JPN", None),
    ("Kenyan police dispersed the crowd. They fired tear gas.", "They", 0, "KEN", "COP"),
    ("Spanish Prime Minister Pedro Sanchez hosted Moroccan King Mohammed. Sanchez praised him.",
     "him", 0, "MAR", "GOV"),
    ("The Egyptian foreign ministry summoned the envoy. The ministry said he was rude.",
     "ministry", 1, "EGY", "GOV"),
    # partially recognised entities: parent state + PRE
    ("Abkhazia held elections.", "Abkhazia", 0, "GEO", "PRE"),
    ("South Ossetia closed the crossing.", "Ossetia", 0, "GEO", "PRE"),
    ("Transnistria cut the gas supply.", "Transnistria", 0, "MDA", "PRE"),
    ("Northern Cyprus opened a checkpoint.", "Cyprus", 0, "CYP", "PRE"),
    ("Somaliland signed a port deal.", "Somaliland", 0, "SOM", "PRE"),
    ("Nagorno-Karabakh dissolved its government.", "Karabakh", 0, "AZE", "PRE"),
    ("Donetsk separatists shelled the village.", "separatists", 0, "UKR", "PRE"),
]


@pytest.mark.parametrize(("text", "head", "nth", "code", "sector"), CASES,
                         ids=[f"{c[1]}:{c[0][:40]}" for c in CASES])
def test_codes(nlp, resolver, text, head, nth, code, sector):
    entity = code_of(nlp, resolver, text, head, nth)
    assert (entity.code, entity.sector) == (code, sector), entity
    assert entity.why


UNKNOWN = [
    ("The committee rejected the proposal.", "committee"),
    ("Zorblat Industries sued the city.", "Industries"),
    ("Korea won the match.", "Korea"),
    ("Officials said the plan had failed.", "Officials"),
    ("Russian-backed militias attacked the village.", "militias"),
    ("He left early.", "He"),
]


@pytest.mark.parametrize(("text", "head"), UNKNOWN, ids=[u[1] for u in UNKNOWN])
def test_unknown_is_none_with_a_reason(nlp, resolver, text, head):
    entity = code_of(nlp, resolver, text, head)
    assert entity.code is None
    assert len(entity.why) > 10, entity
    assert entity.entity_text


def test_unknown_reasons_say_what_happened(nlp, resolver):
    assert "ambiguous" in code_of(nlp, resolver, "Korea won the match.", "Korea").why
    assert "nationality" in code_of(nlp, resolver, "Russian-backed militias attacked.",
                                    "militias").why
    officials = code_of(nlp, resolver, "Officials said the plan had failed.", "Officials")
    assert officials.sector == "GOV" and "no country" in officials.why


def test_mention_span_and_offsets(nlp, resolver):
    text = "Yesterday the Russian Wagner Group, which is banned, attacked the army of Mali."
    group = code_of(nlp, resolver, text, "Group")
    assert group.entity_text == "the Russian Wagner Group"
    assert text[group.start:group.end] == group.entity_text
    assert (group.name, group.kind) == ("Wagner Group", "org")
    army = code_of(nlp, resolver, text, "army")
    assert army.entity_text == "the army"  # the "of" phrase is a clue, not part of the text
    assert (army.code, army.name) == ("MLI", "Mali")
    poss = code_of(nlp, resolver, "Hanoi's navy seized the boat.", "navy")
    assert poss.entity_text == "Hanoi's navy" and poss.code == "VNM"


def test_names_and_kinds(nlp, resolver):
    dprk = code_of(nlp, resolver, "The DPRK fired a missile.", "DPRK")
    assert (dprk.name, dprk.kind) == ("North Korea", "state")
    usa = code_of(nlp, resolver, "The United States imposed tariffs.", "States")
    assert (usa.entity_text, usa.name) == ("The United States", "United States")
    obama = code_of(nlp, resolver, "US President Barack Obama visited Cuba.", "Obama")
    assert (obama.name, obama.kind) == ("Barack Obama", "person")
    assert obama.entity_text == "US President Barack Obama"
    kremlin = code_of(nlp, resolver, "The Kremlin dismissed the claims.", "Kremlin")
    assert (kremlin.name, kremlin.kind) == ("Russia", "state")
    hungarian = code_of(nlp, resolver, "The Hungarian voted no.", "Hungarian")
    assert (hungarian.name, hungarian.kind) == ("Hungary", "person")


def test_later_mentions_inherit_office(nlp, resolver):
    text = ("Chilean Defence Minister Rosa Tapia Vidal visited the base. Later, Tapia Vidal "
            "inspected the troops. Vidal then left.")
    full = code_of(nlp, resolver, text, "Vidal", 1)
    assert (full.code, full.sector, full.name) == ("CHL", "GOV", "Rosa Tapia Vidal")
    assert "earlier mention" in full.why
    surname = code_of(nlp, resolver, text, "Vidal", 2)
    assert (surname.code, surname.sector) == ("CHL", "GOV")


def test_pronoun_points_at_its_referent(nlp, resolver):
    text = "Ghanaian President Kofi Mensah met the envoy. He praised the plan."
    he = code_of(nlp, resolver, text, "He")
    assert he.entity_text == "He" and he.kind == "pronoun"
    assert (he.code, he.sector, he.name) == ("GHA", "GOV", "Kofi Mensah")
    assert he.why == "pronoun → Kofi Mensah"
    assert text[he.start:he.end] == "He"


def test_relative_pronoun_skips_the_relation(nlp, resolver):
    text = "Ri Sol Ju, the wife of North Korean leader Kim Jong Un, who rarely speaks, waved."
    who = code_of(nlp, resolver, text, "who")
    assert (who.code, who.sector, who.name) == ("PRK", "ELI", "Ri Sol Ju")


def test_pronoun_without_referent(nlp, resolver):
    entity = code_of(nlp, resolver, "He left early.", "He")
    assert entity.code is None and "no person" in entity.why


def test_table_person_is_a_fallback_to_what_the_text_says(nlp, tmp_path: Path):
    extra = tmp_path / "actors_people_mine.csv"
    extra.write_text(
        "pattern,code,sector,name,kind\n"
        "Zorana Petrova,BGR,GOV,Zorana Petrova,person\n"
        "Petrova,BGR,GOV,Zorana Petrova,person\n",
        encoding="utf-8",
    )
    resolver = ActorResolver([extra])
    plain = code_of(nlp, resolver, "Petrova rejected the offer.", "Petrova")
    assert (plain.code, plain.sector, plain.name) == ("BGR", "GOV", "Zorana Petrova")
    former = code_of(nlp, resolver, "Former Prime Minister Zorana Petrova spoke.", "Petrova")
    assert (former.code, former.sector) == ("BGR", "ELI")
    senator = code_of(nlp, resolver, "Senator Zorana Petrova spoke.", "Petrova")
    assert (senator.code, senator.sector) == ("BGR", "LEG")
    other = code_of(nlp, resolver, "Ivan Petrova of Serbia arrived. Petrova then left.",
                    "Petrova", 1)
    assert other.code == "SRB" and other.name == "Ivan Petrova"


def test_extra_file_adds_and_overrides(nlp, tmp_path: Path):
    extra = tmp_path / "actors_mine.csv"
    extra.write_text(
        "# my additions\n"
        "pattern,code,sector,name,kind\n"
        "Zorblat Industries,MNC,,Zorblat Industries,org\n"
        "Taliban,AFG,GOV,Taliban,org\n"
        "pit boss,,LAB,,role\n",
        encoding="utf-8",
    )
    resolver = ActorResolver([extra])
    zorblat = code_of(nlp, resolver, "Zorblat Industries sued the city.", "Industries")
    assert (zorblat.code, zorblat.name, zorblat.kind) == ("MNC", "Zorblat Industries", "org")
    taliban = code_of(nlp, resolver, "The Taliban banned the books.", "Taliban")
    assert (taliban.code, taliban.sector) == ("AFG", "GOV")
    boss = code_of(nlp, resolver, "A Bolivian pit boss walked out.", "boss")
    assert (boss.code, boss.sector) == ("BOL", "LAB")


@pytest.mark.parametrize(("line", "message"), [
    ("Acme,XXX,,Acme,org", "code 'XXX'"),
    ("Acme,USA,BOSS,Acme,org", "sector 'BOSS'"),
    ("Acme,USA,,Acme,company", "kind 'company'"),
    ("Acme,,,Acme,org", "needs a code"),
    ("Acme,USA,GOV", "expected 5 fields"),
    (",USA,GOV,Acme,org", "empty pattern"),
])
def test_malformed_extra_file_names_file_and_line(tmp_path: Path, line, message):
    bad = tmp_path / "actors_bad.csv"
    bad.write_text(f"pattern,code,sector,name,kind\n# comment\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"actors_bad\.csv:3: .*{message}"):
        ActorResolver([bad])


def test_missing_header_is_an_error(tmp_path: Path):
    bad = tmp_path / "actors_noheader.csv"
    bad.write_text("Acme,USA,,Acme,org\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"actors_noheader\.csv:1: .*header"):
        ActorResolver([bad])


def test_package_tables_load_without_clashes():
    seen: dict[str, str] = {}
    for path in sorted(DATA_DIR.glob("actors_*.csv")):
        for entry in read_table(path):
            key = entry_keys(entry)[0]
            assert key not in seen, f"{entry.source} repeats {seen.get(key)}"
            seen[key] = entry.source
    assert len(seen) > 1000


def test_default_resolver_is_cached():
    assert get_resolver() is get_resolver()


# More mentions in sentence context, written for these tests: (text, head, nth, code, sector)
MORE_CASES = [
    # states: informal, historical and misspelt forms
    ("Persia ratified the treaty in 1857.", "Persia", 0, "IRN", None),
    ("Zaire closed its embassy.", "Zaire", 0, "COD", None),
    ("Kampuchea rejected the plan.", "Kampuchea", 0, "KHM", None),
    ("Ethopia reopened the border.", "Ethopia", 0, "ETH", None),
    ("Afganistan protested to Tehran.", "Afganistan", 0, "AFG", None),
    ("Quatar's emir called for calm.", "emir", 0, "QAT", "GOV"),
    ("East Timor joined the bloc.", "Timor", 0, "TLS", None),
    ("The Netherlands recalled its envoy.", "Netherlands", 0, "NLD", None),
    # capitals and seats of power
    ("Nairobi expelled the diplomat.", "Nairobi", 0, "KEN", "GOV"),
    ("Ankara summoned the Swedish envoy.", "Ankara", 0, "TUR", "GOV"),
    ("Ankara summoned the Swedish envoy.", "envoy", 0, "SWE", "GOV"),
    ("Riyadh cut oil output.", "Riyadh", 0, "SAU", "GOV"),
    ("Canberra protested the detention.", "Canberra", 0, "AUS", "GOV"),
    # regions and provinces act for their state
    ("Rebels in Idlib shelled the town.", "Rebels", 0, "SYR", "REB"),
    ("Police in Sindh arrested the suspect.", "Police", 0, "PAK", "COP"),
    ("Officials in Texas sued the firm.", "Officials", 0, "USA", "GOV"),
    ("A militant group in Northern Ireland claimed the blast.", "group", 0, "GBR", "REB"),
    # a city name big cities of several countries share: the one the document names
    ("Tripoli rejected the plan.", "Tripoli", 0, "LBY", "GOV"),
    ("The Lebanese army deployed. Gunmen in Tripoli fired at the soldiers.", "Gunmen", 0,
     "LBN", "UAF"),
    # demonyms
    ("Bolivian miners blocked the highway.", "miners", 0, "BOL", "LAB"),
    ("Ghanaian doctors went on strike.", "doctors", 0, "GHA", "MED"),
    ("Cuban dissidents were released.", "dissidents", 0, "CUB", "OPP"),
    ("Moroccan judges acquitted him.", "judges", 0, "MAR", "JUD"),
    ("Two Lebanese journalists were detained.", "journalists", 0, "LBN", "JRN"),
    ("Saudi-led forces bombed the port.", "forces", 0, "SAU", "MIL"),
    ("Iranian-backed militias fired rockets.", "militias", 0, "", "UAF"),
    # institutions named by a noun
    ("The Brazilian congress approved the budget.", "congress", 0, "BRA", "LEG"),
    ("Congress passed the aid bill.", "Congress", 0, "USA", "LEG"),
    ("The Kenyan central bank raised rates.", "bank", 0, "KEN", "GOV"),
    ("The supreme court of Pakistan disqualified him.", "court", 0, "PAK", "JUD"),
    ("Norway's parliament approved the deal.", "parliament", 0, "NOR", "LEG"),
    ("The Chilean navy rescued the crew.", "navy", 0, "CHL", "MIL"),
    ("Indonesian intelligence warned of attacks.", "intelligence", 0, "IDN", "SPY"),
    ("The Mexican interior ministry denied it.", "ministry", 0, "MEX", "GOV"),
    # international organisations
    ("The World Bank froze the loan.", "Bank", 0, "IGO", None),
    ("OPEC agreed to cut production.", "OPEC", 0, "IGO", None),
    ("ECOWAS suspended Mali.", "ECOWAS", 0, "IGO", None),
    ("The UN Security Council extended the mandate.", "Council", 0, "UNO", None),
    ("UN peacekeepers left the town.", "peacekeepers", 0, "UNO", "MIL"),
    ("The UNHCR moved the refugees.", "UNHCR", 0, "UNO", None),
    ("Human Rights Watch accused the police.", "Watch", 0, "NGO", None),
    # armed groups
    ("Al-Shabaab fighters attacked the base.", "fighters", 0, "SOM", "REB"),
    ("The UNITA armed wing refused to disarm.", "wing", 0, "AGO", "REB"),
    ("The PKK claimed the ambush.", "PKK", 0, "TUR", "REB"),
    ("Gunmen kidnapped the mayor.", "Gunmen", 0, None, "UAF"),
    # people with offices
    ("Vice-President Amos Kiprop declined to resign over the Kenyan scandal.", "Kiprop", 0,
     "KEN", "GOV"),
    ("President Luis Arce spoke in La Paz.", "Arce", 0, "BOL", "GOV"),
    ("Judge Marta Rios, of Argentina, ordered the arrest.", "Rios", 0, "ARG", "JUD"),
    ("Tomas Berg, the Swedish ambassador, left Moscow.", "Berg", 0, "SWE", "GOV"),
    ("The Nigerien defence minister, Aliou Sani, visited the troops.", "Sani", 0, "NER",
     "GOV"),
    ("Former Italian prime minister Carlo Monti spoke.", "Monti", 0, "ITA", "ELI"),
    ("Ana Kovac, a Croatian lawmaker, resigned.", "Kovac", 0, "HRV", "LEG"),
    ("Ana Kovac, a Croatian lawmaker, resigned. Kovac cited threats.", "Kovac", 1, "HRV",
     "LEG"),
    ("Barack Obama and Vladimir Putin will meet in Zurich.", "Barack", 0, "USA", "GOV"),
    # unplaced office holders and groups placed by the text
    ("President Kofi Ansah rejected the demands of Ghanaian unions.", "Ansah", 0, "GHA",
     "GOV"),
    ("An Argentine judge summoned former president Raul Vidal over arms sales to Ecuador.",
     "Vidal", 0, "ARG", "ELI"),
    ("Protesters in Lima clashed with police.", "police", 0, "PER", "COP"),
    ("Prisoners rioted at a jail in Honduras.", "Prisoners", 0, "HND", "CRM"),
    ("Supporters of Bolivia's opposition blocked roads.", "Supporters", 0, "BOL", "CVL"),
    # ethnic and religious groups
    ("Kurds in Syria held a rally.", "Kurds", 0, "SYR", "CVL"),
    ("Ethnic Hungarians in Romania demanded autonomy.", "Hungarians", 0, "ROU", None),
    ("The Serbs of Kosovo boycotted the vote.", "Serbs", 0, "KOS", None),
    ("Karen rebels attacked an army post.", "rebels", 0, "MMR", "REB"),
    ("Uighur activists protested.", "activists", 0, "CHN", "CVL"),
    ("Yoruba elders met the governor.", "elders", 0, "NGA", "CVL"),
    ("Shiite clerics in Iraq called for calm.", "clerics", 0, "IRQ", "REL"),
    ("Coptic Christians marched in Cairo.", "Christians", 0, "EGY", "REL"),
    # pronouns and descriptions
    ("Portugal vetoed the plan. It said the terms were unfair.", "It", 0, "PRT", None),
    ("Zambian soldiers crossed the border. They were withdrawn a day later.", "They", 0,
     "ZMB", "MIL"),
    ("Greek Prime Minister Nikos Pappas met the envoy. He said talks would go on.", "He", 0,
     "GRC", "GOV"),
    ("Ecuador's interior ministry denied the claim. The ministry said no one was hurt.",
     "ministry", 1, "ECU", "GOV"),
    ("Czech police detained two men. The police said they were smugglers.", "police", 1,
     "CZE", "COP"),
    ("Uruguay recalled its envoy. The country said it was insulted.", "country", 0, "URY",
     None),
    ('"We will not pay," the Egyptian finance minister said.', "We", 0, "EGY", "GOV"),
]


@pytest.mark.parametrize(("text", "head", "nth", "code", "sector"), MORE_CASES,
                         ids=[f"{c[1]}:{c[0][:40]}" for c in MORE_CASES])
def test_more_codes(nlp, resolver, text, head, nth, code, sector):
    entity = code_of(nlp, resolver, text, head, nth)
    assert (entity.code or "", entity.sector) == (code or "", sector), entity
    assert entity.why


def test_every_package_row_is_found_by_its_own_pattern(resolver):
    """No row is shadowed: generated names, derived plurals and acronyms never replace a
    table row, and matching (case, accents, dots) finds each pattern as written."""
    for path in sorted(DATA_DIR.glob("actors_*.csv")):
        for entry in read_table(path):
            assert resolver.lookup(entry.pattern) == entry, entry.source


def test_user_folder_adds_an_actor_without_code_changes(nlp, tmp_path: Path, monkeypatch):
    folder = tmp_path / "my_actors"
    folder.mkdir()
    (folder / "actors_local.csv").write_text(
        "pattern,code,sector,name,kind\n"
        "Brigada Norte,COL,PRM,Brigada Norte,org\n", encoding="utf-8")
    monkeypatch.setenv("WHODID_ACTORS", str(folder))
    entity = code_of(nlp, ActorResolver(), "Brigada Norte burned the village.", "Norte")
    assert (entity.code, entity.sector, entity.name) == ("COL", "PRM", "Brigada Norte")
    monkeypatch.setenv("WHODID_ACTORS", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="WHODID_ACTORS"):
        ActorResolver()


def test_cli_actors_option_adds_an_actor(tmp_path: Path, capsys):
    import json

    from whodid.cli import main

    actors = tmp_path / "actors_extra.csv"
    actors.write_text("pattern,code,sector,name,kind\n"
                      "Frente Zorro,ECU,REB,Frente Zorro,org\n", encoding="utf-8")
    doc = tmp_path / "news.txt"
    doc.write_text("Frente Zorro attacked Peruvian soldiers on Monday.", encoding="utf-8")
    assert main(["code", "--published", "2024-05-02", "--actors", str(actors), str(doc)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    actors_coded = [(a["code"], a["sector"], a["name"]) for r in records for a in r["actor"]]
    assert ("ECU", "REB", "Frente Zorro") in actors_coded, records


def test_cli_malformed_actor_file_is_a_clear_error(tmp_path: Path, capsys):
    from whodid.cli import main

    bad = tmp_path / "actors_bad.csv"
    bad.write_text("pattern,code,sector,name,kind\nFrente Zorro,ECU,REBEL,,org\n",
                   encoding="utf-8")
    doc = tmp_path / "news.txt"
    doc.write_text("Frente Zorro attacked.", encoding="utf-8")
    assert main(["code", "--actors", str(bad), str(doc)]) == 2
    assert re.search(r"actors_bad\.csv:2: sector 'REBEL'", capsys.readouterr().err)


def test_profile_reports_the_resolver_share(tmp_path: Path):
    import json

    from whodid.code.actors.profile import profile_resolution

    corpus = tmp_path / "docs.jsonl"
    texts = ["Chilean police arrested two students. They were released later.",
             "Kenya criticised Uganda."]
    corpus.write_text("\n".join(json.dumps({"id": f"d{i}", "text": text})
                                for i, text in enumerate(texts)), encoding="utf-8")
    report = profile_resolution(5, corpus)
    assert report["documents"] == 2 and report["tokens"] > 10
    assert 0 < report["resolver_s"] < report["code_s"]
    assert 0 < report["resolver_share_of_total"] < report["resolver_share_of_coding"] < 1


def test_profiler_entry_point_has_help_and_checks_its_arguments():
    import subprocess
    import sys

    run = [sys.executable, "-m", "whodid.code.actors"]
    shown = subprocess.run([*run, "--help"], capture_output=True, text=True, timeout=120,
                           check=False)
    assert shown.returncode == 0, shown.stderr
    assert "--profile N" in shown.stdout and "corpus" in shown.stdout
    wrong = subprocess.run([*run, "--profile", "0"], capture_output=True, text=True,
                           timeout=120, check=False)
    assert wrong.returncode == 2 and "at least 1" in wrong.stderr


def test_benchmark_times_the_resolves_it_is_asked_for():
    from whodid.code.actors.profile import benchmark, format_benchmark

    report = benchmark("Chilean police arrested two students in Santiago.", n=50)
    assert report["resolves"] == 50 and report["heads"] >= 3 and report["keys"] > 5_000
    assert "50 resolves over" in format_benchmark(report)


# ------------------------------------------------------------------ table and word files


def test_table_csv_syntax_error_names_file_and_line(tmp_path: Path):
    bad = tmp_path / "actors_quote.csv"
    bad.write_text('pattern,code,sector,name,kind\n"Acme"x,USA,,Acme,org\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"actors_quote\.csv:2: "):
        read_table(bad)


def test_word_file_errors_name_file_list_and_entry(tmp_path: Path):
    from whodid.code.wordlists import CODES, WORDS, read_word_lists

    spec = {"former": WORDS, "sectors": CODES}
    cases = {
        "former: [former, Ex]\nsectors: [GOV]\n": r"words\.yaml: former: entry 'Ex' is not a lower",
        "former: [ex, ex]\nsectors: [GOV]\n": r"former: entry 'ex' is listed twice",
        "former: [ex]\nsectors: [GOVT]\n": r"sectors: entry 'GOVT' is not three capital",
        "former: [ex]\nformer: [late]\nsectors: [GOV]\n": r"'former' is given twice",
        "former: [ex]\n": r"missing list 'sectors'",
        "former: [ex]\nsectors: [GOV]\nlater: [x]\n": r"unknown list 'later'",
        "former: []\nsectors: [GOV]\n": r"former: expected a non-empty list",
    }
    for text, message in cases.items():
        path = tmp_path / "words.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            read_word_lists(path, spec)
    path.write_text("former: [ex, late]\nsectors: [GOV]\n", encoding="utf-8")
    assert read_word_lists(path, spec) == {"former": {"ex", "late"}, "sectors": {"GOV"}}


def test_broken_actor_word_file_is_a_one_line_error(tmp_path: Path, monkeypatch, capsys):
    from whodid.cli import main
    from whodid.code.actors import words

    broken = tmp_path / "actor_words.yaml"
    text = words.WORDS_FILE.read_text(encoding="utf-8")
    broken.write_text(text.replace("non_state_codes: [IGO,", "non_state_codes: [XYZ,"),
                      encoding="utf-8")
    good = tmp_path / "actors_mine.csv"
    good.write_text("pattern,code,sector,name,kind\nFrente Zorro,ECU,REB,,org\n",
                    encoding="utf-8")
    doc = tmp_path / "news.txt"
    doc.write_text("Frente Zorro attacked.", encoding="utf-8")
    monkeypatch.setattr(words, "WORDS_FILE", broken)
    words.actor_words.cache_clear()
    try:
        assert main(["code", "--actors", str(good), str(doc)]) == 2
    finally:
        words.actor_words.cache_clear()
    err = capsys.readouterr().err
    assert "actor_words.yaml: non_state_codes: entry 'XYZ' is not in special_codes" in err
    assert "Traceback" not in err


def test_non_state_codes_are_public_and_read_from_data():
    from whodid.code import actors

    assert actors.NON_STATE_CODES == actors.non_state_codes() >= {"UNO", "IGO", "NGO"}
    assert not actors.NON_STATE_CODES & {"USA", "KOS", "PSE"}


# ------------------------------------------------------------------ document memory


def test_memory_finds_people_by_full_name_surname_and_first_name():
    from whodid.code.actors import DocumentMemory
    from whodid.code.coreference import Mention

    memory = DocumentMemory()
    kwon = Mention(3, 0, "Kwon Jong Gun", "PRK", "GOV", "Kwon Jong Gun", "person", True)
    memory.add_person("Kwon Jong Gun", kwon)
    assert memory.find_person("Kwon Jong Gun") is kwon
    assert memory.find_person("Gun") is kwon and memory.find_person("Kwon") is kwon
    assert memory.find_person("Lee Gun") is None  # another person of that surname
    uncoded = Mention(9, 1, "Kwon Jong Gun", None, None, "Kwon Jong Gun", "person", True)
    memory.add_person("Kwon Jong Gun", uncoded)  # never replaces the coded record
    assert memory.find_person("Kwon Jong Gun") is kwon


def test_memory_context_country_prefers_the_sentence_then_the_document():
    from whodid.code.actors import DocumentMemory

    memory = DocumentMemory()
    assert memory.context_country() is None
    memory.countries.update(["KEN", "SOM", "SOM"])
    assert memory.context_country()[0] == "SOM"  # the one the document names most
    memory.here = [("KEN", "Kenya")]
    assert memory.context_country()[0] == "KEN"  # the only one the sentence names
    memory.here = [("KEN", "Kenya"), ("SOM", "Somalia")]
    assert memory.context_country() is None  # two in the sentence: no guess
    assert memory.context_country(office=True)[0] == "SOM"  # an office: the document's


def test_memory_counts_the_states_of_the_whole_document(nlp, resolver):
    doc = nlp("Rebels seized two towns. Kenyan officials said the rebels came from Somalia. The Kenyan "
              "army closed the border.")
    memory = resolver.new_document(doc)
    assert memory.countries == {"KEN": 2, "SOM": 1}  # before any sentence is observed
    assert memory.most_named()[0] == "KEN"


# ------------------------------------------------------------------ pipeline version


def test_pipeline_version_covers_the_files_whodid_actors_names(tmp_path: Path, monkeypatch):
    from whodid.code.runner import CoderOptions
    from whodid.store.ingest import pipeline_version

    options = CoderOptions()
    monkeypatch.delenv("WHODID_ACTORS", raising=False)
    package_only = pipeline_version(options)
    mine = tmp_path / "actors_mine.csv"
    mine.write_text("pattern,code,sector,name,kind\nFrente Zorro,ECU,REB,,org\n",
                    encoding="utf-8")
    monkeypatch.setenv("WHODID_ACTORS", str(tmp_path))
    with_file = pipeline_version(options)
    mine.write_text("pattern,code,sector,name,kind\nFrente Zorro,PER,REB,,org\n",
                    encoding="utf-8")
    assert len({package_only, with_file, pipeline_version(options)}) == 3
