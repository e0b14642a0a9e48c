"""Places: the gazetteer, the `places` stage on sentences written for these tests, the
store's place filters and the GDELT geography, and the place measure's pairing and
figures (with a floor on the project's news_dev annotations when ../shared is present)."""

from __future__ import annotations

from pathlib import Path

import pytest

from whodid.code.coder import Coder
from whodid.measure import places as measure
from whodid.places.gazetteer import PRECISIONS, gazetteer
from whodid.records import Document
from whodid.store.export import GDELT_COLUMNS, export
from whodid.store.queries import EventFilter, QueryError
from whodid.store.queries import events as event_rows
from whodid.store.store import StoredDocument, StoreWriter, connect


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def placed(coder: Coder, text: str, trigger: str) -> dict | None:
    """The event_loc of the event whose trigger is `trigger`."""
    events = coder.code(Document(id="t", text=text, published="2024-05-01"))
    found = [e for e in events if e.trigger["text"] == trigger]
    assert found, f"no event on {trigger!r}: {[e.trigger['text'] for e in events]}"
    return found[0].event_loc


# -- the gazetteer -------------------------------------------------------------------------
def test_gazetteer_names_spellings_countries_and_capitals():
    gaz = gazetteer()
    kyiv = next(p for p in gaz.lookup("Kyiv") if p.precision == "city")
    assert next(p.geonameid for p in gaz.lookup("Kiev") if p.precision == "city") == \
        kyiv.geonameid
    assert (kyiv.country, kyiv.feature_class) == ("UKR", "P")
    assert {p.country for p in gaz.lookup("the U.S.")} == {"USA"}
    assert gaz.lookup("Britain")[0].country == "GBR"
    assert gaz.capital("KEN").name == "Nairobi"
    assert gaz.countries["KEN"].precision == "country" and gaz.countries["KEN"].lat is not None
    georgia = {(p.country, p.precision) for p in gaz.lookup("Georgia")}
    assert {("GEO", "country"), ("USA", "region")} <= georgia
    assert gaz.demonym("Japanese") == "JPN"


# -- the stage ----------------------------------------------------------------------------
def test_a_city_named_where_the_act_happened(coder):
    text = "Police arrested dozens of protesters in Nairobi on Tuesday."
    loc = placed(coder, text, "arrested")
    gaz = gazetteer()
    nairobi = next(p for p in gaz.lookup("Nairobi") if p.precision == "city")
    assert (loc["resolved_place"], loc["country_code"], loc["geonameid"], loc["precision"],
            loc["feature_class"]) == ("Nairobi", "KEN", nairobi.geonameid, "city", "P")
    assert text[loc["start"]:loc["end"]] == loc["extracted_place"] == "Nairobi"
    assert loc["lat"] == pytest.approx(nairobi.lat) and loc["why"]
    assert loc["precision"] in PRECISIONS


def test_the_capital_is_the_capital_of_the_country_in_context(coder):
    text = ("Kenya's opposition called for new protests. "
            "Kenyan police fired tear gas at protesters in the capital on Monday.")
    loc = placed(coder, text, "fired")
    assert (loc["extracted_place"], loc["resolved_place"], loc["country_code"]) == (
        "capital", "Nairobi", "KEN")


@pytest.mark.parametrize(("text", "country"), [
    ("Lebanese troops clashed with gunmen in Tripoli on Sunday.", "LBN"),
    ("Libyan forces clashed with militias in Tripoli on Sunday.", "LBY"),
])
def test_a_shared_name_is_the_one_of_the_countries_in_context(coder, text, country):
    assert placed(coder, text, "clashed")["country_code"] == country


def test_countries_and_regions_alone_are_places(coder):
    loc = placed(coder, "Rebels attacked army posts in Mali on Friday.", "attacked")
    assert (loc["resolved_place"], loc["precision"], loc["feature_code"]) == (
        "Mali", "country", "PCLI")
    loc = placed(coder, "Rebels attacked army posts in Mali's north on Friday.", "attacked")
    assert (loc["extracted_place"], loc["precision"]) == ("Mali", "country")
    loc = placed(coder, "Militias attacked villages in northern Darfur on Sunday.",
                 "attacked")
    assert (loc["extracted_place"], loc["resolved_place"], loc["country_code"],
            loc["precision"]) == ("northern Darfur", "Darfur", "SDN", "region")


def test_no_place_when_the_sentence_names_none_or_only_participants(coder):
    assert placed(coder, "The United States accused Iran of arming the rebels.",
                  "accused") is None
    # a name describing a thing: "Nairobi-drafted" says who drafted it, not where
    assert placed(coder, "Kenya welcomed the Nairobi-drafted resolution on Monday.",
                  "welcomed") is None
    # the place of the saying is not the place of the attack it reports
    text = "The minister said in Paris that militants attacked a convoy in Kabul."
    assert placed(coder, text, "attacked")["resolved_place"] == "Kabul"


def test_a_named_site_the_gazetteer_lacks_is_placed_in_its_town_or_country(coder):
    gaz = gazetteer()
    lagos = next(p for p in gaz.lookup("Lagos") if p.country == "NGA" and p.precision == "city")
    loc = placed(coder, "Police detained the activist at Lagos's Murtala Muhammed airport.",
                 "detained")
    assert (loc["extracted_place"], loc["precision"], loc["country_code"], loc["geonameid"],
            loc["feature_class"]) == ("Murtala Muhammed airport", "site", "NGA",
                                      lagos.geonameid, "S")
    text = ("Lebanese police arrested dozens of students outside the Sanayeh Garden on "
            "Friday, Lebanon's interior ministry said.")
    loc = placed(coder, text, "arrested")
    assert (loc["extracted_place"], loc["country_code"], loc["geonameid"], loc["lat"]) == (
        "Sanayeh Garden", "LBN", None, None)  # a country is too coarse to stand for a site


def test_a_place_after_in_locates_the_act_even_where_it_names_the_actor(coder):
    text = "Kenyan traders in Mombasa protested against the new tax on Monday."
    assert placed(coder, text, "protested")["resolved_place"] == "Mombasa"


def test_a_spoken_act_is_where_it_was_said_and_an_act_on_a_journey_where_it_went(coder):
    text = ("The Malian foreign minister told reporters in Bamako that French soldiers had "
            "committed war crimes.")
    loc = placed(coder, text, "crimes")
    assert loc["resolved_place"] == "Bamako" and "of 'told', which reports" in loc["why"]
    text = "The minister said in Paris that militants attacked a convoy."
    assert placed(coder, text, "attacked") is None  # an act reported is not a spoken one
    text = "The Turkish president flew to Baku and met his Azerbaijani counterpart."
    assert placed(coder, text, "met")["resolved_place"] == "Baku"
    text = "Police detained the opposition leader when he flew back to Uganda on Sunday."
    assert placed(coder, text, "detained")["resolved_place"] == "Uganda"


def test_an_opening_locative_sets_the_scene_of_the_whole_sentence(coder):
    text = "In Bolivia, opposition parties said they had boycotted the new parliament."
    loc = placed(coder, text, "boycotted")
    assert loc["resolved_place"] == "Bolivia" and "opens it" in loc["why"]
    # a place later in the sentence is its own clause's, not the sentence's
    text = "Opposition parties said they had boycotted the new parliament, speaking in Bolivia."
    assert placed(coder, text, "boycotted") is None


def test_a_country_name_is_the_country_not_a_town_named_after_it(coder):
    text = ("The United States rejected any military action against smugglers in Mexico, "
            "the State Department said.")
    loc = placed(coder, text, "rejected")
    assert (loc["resolved_place"], loc["country_code"]) == ("Mexico", "MEX")


def test_places_change_nothing_else(coder):
    text = ("Kenyan police fired tear gas at protesters in the capital on Monday. "
            "The United States accused Iran of arming the rebels in Yemen.")
    doc = Document(id="t", text=text, published="2024-05-01")
    without = Coder(coder.nlp, document_stages=())
    with_places = [e.to_dict() for e in coder.code(doc)]
    plain = [e.to_dict() for e in without.code(doc)]
    assert any(e["event_loc"] for e in with_places)
    assert [{**e, "event_loc": None} for e in with_places] == plain


# -- the store and the GDELT export ------------------------------------------------------
def _record(n: int, loc: dict | None) -> dict:
    return {"id": f"d:{n}:0", "doc_id": "d", "event": "PROTEST", "mode": "demo",
            "status": "asserted", "quad_code": 3, "score": -6.5, "cameo": "141",
            "actor": [{"entity_text": "crowd", "start": 0, "end": 5, "code": "UKR",
                       "sector": "CVL", "name": "crowd"}], "recipient": [], "claimant": [],
            "trigger": {"text": "x", "start": 0, "end": 1}, "date": "2024-05-01",
            "date_text": None, "date_precision": "day", "event_loc": loc,
            "text_info": {"sequence": n, "start": 0, "end": 5}, "event_text": "crowd",
            "confidence": 0.9, "why": "test"}


def _loc(name: str, country: str, lat: float, lon: float, gid: int | None,
         region: str | None = None, fclass: str = "P", fcode: str = "PPL") -> dict:
    return {"extracted_place": name, "resolved_place": name, "geonameid": gid, "lat": lat,
            "lon": lon, "country_code": country, "feature_class": fclass,
            "feature_code": fcode, "region": region, "precision": "city", "start": 0,
            "end": 1, "why": "test"}


@pytest.fixture(scope="module")
def placed_store(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("places") / "p.duckdb"
    recs = [_record(0, _loc("Lviv", "UKR", 49.84, 24.02, 702550, "UA.14")),
            _record(1, _loc("Suva", "FJI", -18.14, 178.44, 2198148)),
            _record(2, _loc("Apia", "WSM", -13.83, -171.77, 4035413)),
            _record(3, None)]
    with StoreWriter(db) as store:
        run = store.begin_run("test", ["places"])
        store.write_batch([StoredDocument(key="key-d", origin="hand", records=recs,
                                          doc=Document(id="d", text="crowd"))], [], "test", run)
    return db


@pytest.mark.parametrize(("filters", "expected"), [
    ({"place_country": "ukr"}, ["Lviv"]),
    ({"bbox": "22,44,40,53"}, ["Lviv"]),
    ({"bbox": (170, -20, -170, -10)}, ["Suva", "Apia"]),  # across the 180th meridian
    ({"bbox": "-10,-60,10,60"}, []),
])
def test_store_filters_by_place(placed_store, filters, expected):
    names, rows = event_rows(connect(placed_store, read_only=True), EventFilter(**filters))
    assert [dict(zip(names, r, strict=True))["place"] for r in rows] == expected


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "10,50,20,40", "0,0,200,10"])
def test_a_bad_box_is_a_clear_error(placed_store, bbox):
    with pytest.raises(QueryError, match="bbox"):
        event_rows(connect(placed_store, read_only=True), EventFilter(bbox=bbox))


def test_gdelt_action_geography_from_places(placed_store, tmp_path):
    out = tmp_path / "g.tsv"
    export(connect(placed_store, read_only=True), "gdelt", out)
    rows = [dict(zip(GDELT_COLUMNS, line.split("\t"), strict=True))
            for line in out.read_text("utf-8").splitlines()]
    lviv = rows[0]
    assert (lviv["ActionGeo_Type"], lviv["ActionGeo_FullName"], lviv["ActionGeo_CountryCode"],
            lviv["ActionGeo_ADM1Code"], lviv["ActionGeo_FeatureID"]) == (
        "4", "Lviv", "UP", "UP14", "702550")  # FIPS: Ukraine is UP
    assert rows[3]["ActionGeo_Type"] == "0"


# -- the measure ---------------------------------------------------------------------------
def _ann(k: int, s: int, etype: str, place: dict | None) -> dict:
    return {"doc": "d", "event": k, "type": etype, "sentence": s, "place": place}


def _ev(s_start: int, etype: str, loc: dict | None) -> dict:
    return {"event": etype, "text_info": {"start": s_start}, "event_loc": loc}


def test_measure_pairs_by_sentence_and_type_and_counts_what_it_cannot_reach():
    sentences = [{"i": 0, "start": 0, "end": 10}, {"i": 1, "start": 10, "end": 20}]
    kyiv = {"start": 2, "end": 6, "country": "UKR", "precision": "city", "geonameid": 703448}
    site = {"start": 12, "end": 18, "country": "UKR", "precision": "site", "geonameid": None}
    annotated = [_ann(0, 0, "ASSAULT", kyiv), _ann(1, 0, "ACCUSE", None),
                 _ann(2, 1, "PROTEST", site), _ann(3, 1, "REQUEST", None)]
    sys_loc = {**_loc("Kyiv", "UKR", 50.4, 30.5, 703448), "start": 2, "end": 6}
    events = [_ev(0, "ACCUSE", None), _ev(0, "ASSAULT", sys_loc),
              _ev(11, "PROTEST", {**sys_loc, "geonameid": None, "start": 14, "end": 16})]
    pairs = measure.pair(annotated, events, sentences)
    assert [(a["event"], e and e["event"]) for a, e in pairs] == [
        (0, "ASSAULT"), (1, "ACCUSE"), (2, "PROTEST"), (3, None)]
    report = measure.score(pairs)
    assert (report["both placed"], report["country right"], report["place right"],
            report["not reached"], report["over-placing"]) == (2, 2, 2, 1, 0.0)


def test_place_floor_on_the_annotated_news_dev(coder):
    """The figures docs/quality.md reports, less 0.05 (19 events: one is 0.05)."""
    if not measure.GOLD.exists():
        pytest.skip(f"{measure.GOLD} is absent: the gold sets live in ../shared (present in CI)")

    def code(docs):
        for d in docs:
            yield [e.to_dict() for e in coder.code(
                Document(id=d["id"], text=d["text"], published=d.get("published")))]

    report = measure.evaluate(measure.GOLD, measure.ANNOTATIONS, code)
    assert report["events"] >= 300
    assert report["country accuracy"] >= 0.90 and report["place accuracy"] >= 0.75, report


# -- the disk cache of the gazetteer -----------------------------------------------------
def test_the_cache_builds_once_rebuilds_what_it_cannot_read_and_can_be_off(tmp_path,
                                                                           monkeypatch):
    from whodid.places import cache

    built = []

    def build():
        built.append(1)
        return {"places": len(built)}

    monkeypatch.setenv("WHODID_CACHE", str(tmp_path))
    assert cache.cached("t", build) == cache.cached("t", build) == {"places": 1}
    [stored] = tmp_path.glob("t-*.pickle")
    stored.write_bytes(b"not a pickle")
    assert cache.cached("t", build) == {"places": 2}  # unreadable: built again, stored again
    assert cache.cached("t", build) == {"places": 2}
    monkeypatch.setenv("WHODID_CACHE", "off")
    assert cache.cached("t", build) == {"places": 3}


def test_place_filters_in_the_python_api_and_the_command_line(placed_store, capsys):
    from whodid.api import Store
    from whodid.cli import main

    with Store(placed_store) as store:
        assert [e.event_loc["resolved_place"] for e in store.events(
            bbox=(170, -20, -170, -10))] == ["Suva", "Apia"]
        assert [e.event_loc["country_code"] for e in store.events(place_country="UKR")] == [
            "UKR"]
    assert main(["events", "--db", str(placed_store), "--place-country", "WSM",
                 "--format", "jsonl"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert '"resolved_place": "Apia"' in line
    assert main(["events", "--db", str(placed_store), "--bbox", "1,2"]) != 0
    assert "bbox" in capsys.readouterr().err
