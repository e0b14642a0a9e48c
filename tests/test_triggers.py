"""Trigger lexicon: phrasal and nominal triggers, senses decided by context, user files."""

from __future__ import annotations

from pathlib import Path

import pytest

from whodid.code.coder import Coder
from whodid.code.lexicon import LexiconError, load_lexicon
from whodid.records import Document


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def kinds(coder: Coder, text: str) -> list[tuple[str, str | None]]:
    return [(e.event, e.mode) for e in coder.code(Document("t", text, "2024-05-02"))]


def types(coder: Coder, text: str) -> list[str]:
    return [event for event, _ in kinds(coder, text)]


@pytest.mark.parametrize("text,event", [
    ("Finland called on Russia to free the detained sailors.", "REQUEST"),
    ("The Greek premier lashed out at Turkey over the drilling ship.", "ACCUSE"),
    ("Mali pulled out of the regional alliance last year.", "RETREAT"),
    ("Russian air strikes on Idlib killed nine people.", "ASSAULT"),
    ("The plan drew a sharp rebuke from Egypt.", "ACCUSE"),
    ("Canada announced new sanctions against Iran.", "SANCTION"),
    ("Kenya held talks with Ethiopia on the dam.", "CONSULT"),
    ("Pakistan carried out its first missile test of the year.", "MOBILIZE"),
])
def test_phrasal_and_nominal_triggers(coder, text, event):
    assert event in types(coder, text)


@pytest.mark.parametrize("text,expected", [
    ("Prosecutors in Lima charged the former mayor with bribery.", ("ACCUSE", "allege")),
    ("A Kenyan court indicted the governor on Tuesday.", ("ACCUSE", "allege")),
    ("Ghana held Togo responsible for the raid on the border post.", ("ACCUSE", "allege")),
    ("Chile lodged a protest with Peru over the fishing dispute.", ("ACCUSE", "disapprove")),
    ("Chile expressed concern over the Peruvian naval exercise.", ("ACCUSE", "disapprove")),
    ("Monitors raised concerns about the count in Lima.", ("ACCUSE", "disapprove")),
    ("A court in Accra found the former minister guilty of fraud.", ("SANCTION", "convict")),
    ("Bolivian police apprehended two smugglers near the border.", ("COERCE", "arrest")),
    ("The Peruvian president declared a state of emergency in Lima.",
     ("COERCE", "martial-law")),
    ("Kenyan police fired tear gas at the marchers in Nairobi.", ("ASSAULT", "crowd-control")),
])
def test_legal_acts_protest_notes_and_crowd_control(coder, text, expected):
    """Charges, indictments and verdicts are accusations and sanctions, a protest lodged by a
    government or concern voiced is an accusation, and tear gas is crowd control under ASSAULT (CODEBOOK §2)."""
    got = kinds(coder, text)
    assert expected in got
    assert ("PROTEST", "demo") not in got


def test_police_on_patrol_are_mobilized_police(coder):
    assert ("MOBILIZE", "police") in kinds(coder, "Armed police patrolled the streets of Quito.")


def test_strike_as_attack_or_labour_action(coder):
    # the sense is the lexicon's; the mode of a strike by jets is the mode model's (aerial)
    assert [e for e, _ in kinds(coder, "Israeli jets struck a weapons depot in Syria.")] == [
        "ASSAULT"]
    assert ("PROTEST", "strike") in kinds(coder, "French rail workers went on strike on Monday.")


def test_fire_weapons_or_fire_people(coder):
    assert ("ASSAULT", "firearms") in kinds(coder, "Syrian troops fired rockets at Turkish villages.")
    assert kinds(coder, "The club fired its coach after the defeat.") == []


def test_every_type_has_triggers_with_cameo_codes():
    lex = load_lexicon()
    entries = [e for group in lex.triggers.values() for e in group]
    assert {e.event for e in entries} == set(lex.types)
    assert all(e.cameo for e in entries)
    assert {e.pos for e in entries} == {"verb", "noun", "adj"}


def test_user_trigger_file_adds_a_word(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text('triggers:\n  - {verb: snub, event: REJECT, mode: meet, cameo: "125"}\n',
                     "utf-8")
    custom = Coder(triggers=[extra])
    events = custom.code(Document("t", "Peru snubbed the Chilean delegation.", "2024-05-02"))
    assert [(e.event, e.mode) for e in events] == [("REJECT", "meet")]
    assert "snub" in events[0].why


@pytest.mark.parametrize("body,problem", [
    ('triggers:\n  - {verb: snub, event: SNUB}\n', "unknown event type"),
    ('triggers:\n  - {verb: snub, event: REJECT, mode: fly}\n', "is not a mode of REJECT"),
    ('triggers:\n  - {event: REJECT}\n', "needs exactly one of verb, noun, adj"),
    ('triggers:\n  - {verb: snub, event: REJECT, recipient: [sideways]}\n', "unknown recipient slot"),
    ('nothing: here\n', "expected a mapping with a 'triggers' list"),
])
def test_malformed_trigger_file_is_reported_with_file_and_entry(tmp_path, body, problem):
    bad = tmp_path / "bad.yaml"
    bad.write_text(body, "utf-8")
    with pytest.raises(LexiconError) as err:
        load_lexicon([bad])
    assert str(bad) in str(err.value) and problem in str(err.value)


def test_bare_request_verb_is_a_quote_attribution(coder):
    events = coder.code(Document("t", '"Will Peru sign the treaty?" the Chilean minister asked.'))
    assert [(e.event, e.status) for e in events] == [("SUPPORT", "hypothetical")]
    assert types(coder, "Chile asked Peru to sign the treaty.") == ["REQUEST"]


def test_every_word_list_is_declared_and_read_by_some_module():
    """Every list of words.yaml is declared by a stage module, and each declared list is
    read in that module's source (an attribute `LISTS.<name>`): none is dead data."""
    import ast
    import sys

    import whodid.code.coder  # noqa: F401 - imports every stage, each declares its lists
    from whodid.code import wordlists

    wordlists.check_words_file()  # raises on a list no module declares
    modules = {m.__name__: m for m in list(sys.modules.values())
               if getattr(m, "__name__", "").startswith("whodid.code")}
    for module in modules.values():
        section = getattr(module, "LISTS", None)
        if not isinstance(section, wordlists.Section):
            continue
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        read = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        assert set(section._spec) <= read, (module.__name__, set(section._spec) - read)
    assert all(k in wordlists.declared() for k in wordlists.read_yaml(wordlists.WORDS_FILE))


def _broken_words_file(tmp_path, monkeypatch, old: str, new: str):
    from whodid.code import wordlists

    text = wordlists.WORDS_FILE.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "words.yaml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setattr(wordlists, "WORDS_FILE", broken)
    wordlists.reset()
    return broken


@pytest.mark.parametrize(("old", "new", "message"), [
    ("future_aux: [will,", "future_aux: [Will,", "status.future_aux: entry 'Will' is not a lower"),
    ("condition_marks: [if,", "condition_marks: [if, if,", "status.condition_marks: entry 'if' is listed twice"),
    ("condition_marks:", "conditions_marks:", "unknown list 'status.conditions_marks'"),
    ("jan: 1", "jan: one", "dates.month_abbreviations: jan: 'one' is not a whole number"),
    ("weekdays: [monday,", "weekdays: [", "dates.weekdays: expected the seven days"),
])
def test_malformed_word_list_names_file_and_key(tmp_path, monkeypatch, old, new, message):
    import whodid.code.coder  # noqa: F401 - every stage declares its lists
    from whodid.code import wordlists

    broken = _broken_words_file(tmp_path, monkeypatch, old, new)
    try:
        with pytest.raises(wordlists.KnowledgeError) as err:
            wordlists.check_words_file()
        assert str(err.value).startswith(f"{broken}: ")
        assert message in str(err.value)
    finally:
        monkeypatch.undo()
        wordlists.reset()


def test_broken_words_file_is_one_line_and_exit_2_not_an_import_traceback(tmp_path):
    """A fresh process, as a user runs it: the packaged words file is read on first use, so
    the runner's knowledge check reports it before any document is coded."""
    import subprocess
    import sys

    from whodid.code import wordlists

    text = wordlists.WORDS_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "words.yaml"
    broken.write_text(text.replace("future_aux: [will,", "future_aux: [Will,", 1), "utf-8")
    doc = tmp_path / "d.txt"
    doc.write_text("Peru snubbed Chile.", "utf-8")
    script = ("import sys; from whodid.code import wordlists; from pathlib import Path; "
              f"wordlists.WORDS_FILE = Path({str(broken)!r}); "
              "from whodid.cli import main; sys.exit(main(sys.argv[1:]))")
    for processes in ("1", "2"):
        proc = subprocess.run([sys.executable, "-c", script, "code", "--processes", processes,
                               str(doc)], capture_output=True, text=True, timeout=120,
                              check=False)
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr == (f"whodid: {broken}: status.future_aux: entry 'Will' is not a "
                               "lower-case word\n")


def test_malformed_ontology_rule_names_file_and_entry(monkeypatch):
    from whodid.code import lexicon

    real = lexicon._read_yaml

    def broken(path, name):
        data, where = real(path, name)
        if name == "ontology.yaml":
            data["rules"]["state_acts"][1]["mode"] = "kidnap"
        return data, where

    monkeypatch.setattr(lexicon, "_read_yaml", broken)
    with pytest.raises(LexiconError, match=r"ontology.yaml: rules.state_acts\[1\]: mode "
                                           r"'kidnap' is not a mode of COERCE"):
        load_lexicon()


def test_a_match_can_be_synthesised_without_an_entry(coder):
    from whodid.code.triggers import Match

    doc = coder.parse("Chilean police shoved the reporters.")
    match = Match.synthesise(doc[2], "ASSAULT", "beat", source="a model")
    assert (match.text, match.entry.event, match.entry.synthetic) == ("shoved", "ASSAULT", True)
    assert match.entry.pos == "verb" and match.entry.source == "a model"


def _rule_stages() -> list[str]:
    """The default stages without a learned one: these tests are about the rules."""
    from whodid.code.pipeline import DEFAULT_STAGES

    return [s for s in DEFAULT_STAGES if s != "learned"]


def _rules_coder(monkeypatch, edit):
    """A rules-only coder whose ontology rules went through `edit` when read."""
    from whodid.code import lexicon

    real = lexicon._read_yaml

    def edited(path, name):
        data, where = real(path, name)
        if name == "ontology.yaml":
            edit(data["rules"])
        return data, where

    monkeypatch.setattr(lexicon, "_read_yaml", edited)
    lexicon.get_lexicon.cache_clear()
    try:
        return Coder(stages=_rule_stages())
    finally:
        monkeypatch.undo()
        lexicon.get_lexicon.cache_clear()


def test_actor_and_recipient_rules_come_from_the_ontology(monkeypatch):
    """rules.unnamed_recipient and rules.recode_by_actor of ontology.yaml decide, not code:
    with them, an untargeted protest is aimed at the government and civilians seizing a
    building protest; edited, the same sentences code otherwise."""

    protest, seizure = "Thousands of Kenyan teachers protested.", \
        "Angry villagers seized the police station in Kenya."

    def first(c: Coder, text: str):
        return c.code(text, published="2024-03-15")[0]

    packaged = Coder(stages=_rule_stages())
    ev = first(packaged, protest)
    assert [(e.code, e.sector) for e in ev.recipient] == [("KEN", "GOV")]
    assert "recipient: the protesters' own authorities" in ev.why
    ev = first(packaged, seizure)
    assert (ev.event, ev.mode) == ("PROTEST", "vandalize")

    def edit(rules):
        rules["unnamed_recipient"][0]["sector"] = "LEG"
        rules["recode_by_actor"][0]["to_mode"] = "obstruct"

    edited = _rules_coder(monkeypatch, edit)
    assert [(e.code, e.sector) for e in first(edited, protest).recipient] == [("KEN", "LEG")]
    assert (first(edited, seizure).event, first(edited, seizure).mode) == ("PROTEST", "obstruct")


@pytest.mark.parametrize(("key", "field", "value", "message"), [
    ("unnamed_recipient", "sector", "GOVT", r"rules.unnamed_recipient\[0\]: 'GOVT' is not a sector"),
    ("recode_by_actor", "to_mode", "smash",
     r"rules.recode_by_actor\[0\]: mode 'smash' is not a mode of PROTEST"),
    ("recode_by_actor", "event", "COERSE",
     r"rules.recode_by_actor\[0\]: unknown event type 'COERSE'"),
])
def test_malformed_actor_rule_names_file_and_entry(monkeypatch, key, field, value, message):
    from whodid.code import lexicon

    real = lexicon._read_yaml

    def broken(path, name):
        data, where = real(path, name)
        if name == "ontology.yaml":
            data["rules"][key][0][field] = value
        return data, where

    monkeypatch.setattr(lexicon, "_read_yaml", broken)
    with pytest.raises(LexiconError, match=r"ontology.yaml: " + message):
        load_lexicon()


def test_set_phrases_of_warning_are_threats_made_now(coder):
    """ "will take countermeasures" warns now of what comes later: THREATEN, asserted; a
    promise of firm action is a threat too."""
    [ev] = coder.code(Document("t", "Chile will take resolute countermeasures against Peru, "
                                    "its foreign ministry said.", "2024-05-02"))
    assert (ev.event, ev.status) == ("THREATEN", "asserted")
    assert [a.code for a in ev.actor] == ["CHL"] and [r.code for r in ev.recipient] == ["PER"]
    assert types(
        coder, "The Kenyan president promised firm action against the rioters.") == ["THREATEN"]


def test_insisting_on_is_a_demand_insisting_that_is_not(coder):
    assert "REQUEST" in types(coder, "Kenya insisted on the release of its "
                                                    "sailors held by Somalia.")
    assert "REQUEST" not in types(coder, "Kenya insisted that its troops had "
                                                        "never entered Somalia.")


def test_month_names_are_no_acts_and_vowed_revenge_is_a_threat(coder):
    assert types(coder, "Kenyan teachers marched on parliament in March.") == [
        "PROTEST"]
    assert "THREATEN" in types(coder, "Somalia vowed revenge against Kenya.")


def test_recognition_needs_a_state_like_object(coder):
    assert "SUPPORT" in types(coder, "Ghana recognised the independence of the "
                                                    "new republic on Monday.")
    assert "SUPPORT" not in types(coder, "Ghana recognised the need for talks "
                                                        "with Togo.")


def test_a_ceasefire_announced_is_a_concession_the_noun_alone_no_act(coder):
    assert ("CONCEDE", None) in kinds(coder, "The Sudanese army announced a three-day truce.")
    assert ("CONCEDE", None) in kinds(coder, "A ceasefire was declared by Armenia on Sunday.")
    got = kinds(coder, "Qatar has been brokering a truce between Israel and Hamas.")
    assert "RETREAT" not in [k for k, _ in got]


def test_arriving_is_a_visit_only_for_people(coder):
    got = kinds(coder, "The Chinese foreign minister arrived in Nairobi for talks on Monday.")
    assert ("CONSULT", "visit") in got
    for text in ("Hundreds of French soldiers arrived in Chad on Monday.",
                 "Trucks carrying flour for Gaza arrived in Egypt on Monday."):
        assert "CONSULT" not in types(coder, text), text


def test_subject_not_is_read_from_user_files(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text("triggers:\n"
                     "  - {verb: land, event: CONSULT, subject_not: [plane, troops]}\n")
    entry = next(e for e in load_lexicon([extra]).lookup("verb", "land")
                 if e.event == "CONSULT")
    assert {"plane", "soldier"} <= entry.subject_not


def test_a_claim_is_an_allegation_only_as_a_clause(coder):
    got = kinds(coder, "Ukraine claimed that Russian troops had shelled the town of Sumy.")
    assert ("ACCUSE", "allege") in got
    for text in ("Both Sudan and Ethiopia claim the fertile border district.",
                 "A Kurdish militia claimed responsibility for the bombing.",
                 "The disputed islands are also claimed by Vietnam."):
        assert "ACCUSE" not in types(coder, text), text


def test_what_a_crowd_of_protesters_does_is_the_protest(coder):
    assert ("PROTEST", "demo") in kinds(
        coder, "Thousands of Serbian protesters chanted slogans against the president.")
    for text in ("Two protesters died in Khartoum on Sunday.",
                 "Dozens of protesters were detained by Serbian police."):
        assert "PROTEST" not in types(coder, text), text
