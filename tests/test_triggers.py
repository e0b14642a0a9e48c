"""Trigger lexicon: phrasal and nominal triggers, senses decided by context, user files."""

from __future__ import annotations

import pytest

from whodid.code.coder import Coder
from whodid.code.lexicon import LexiconError, load_lexicon
from whodid.records import Document


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def kinds(coder: Coder, text: str) -> list[tuple[str, str | None]]:
    return [(e.event, e.mode) for e in coder.code(Document("t", text, "2024-05-02"))]


@pytest.mark.parametrize("text,event", [
    ("Finland called on Russia to free the detained sailors.", "REQUEST"),
    ("The Greek premier lashed out at Turkey over the drilling ship.", "ACCUSE"),
    ("Mali pulled out of the regional alliance last year.", "RETREAT"),
    ("Russian air strikes on Idlib killed nine people.", "ASSAULT"),
    ("The plan drew a sharp rebuke from Egypt.", "ACCUSE"),
    ("Canada announced new sanctions against Iran.", "SANCTION"),
    ("Kenya held talks with Ethiopia on the dam.", "CONSULT"),
])
def test_phrasal_and_nominal_triggers(coder, text, event):
    assert event in [k for k, _ in kinds(coder, text)]


def test_strike_as_attack_or_labour_action(coder):
    assert ("ASSAULT", None) in kinds(coder, "Israeli jets struck a weapons depot in Syria.")
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
    assert [k for k, _ in kinds(coder, "Chile asked Peru to sign the treaty.")] == ["REQUEST"]


def test_every_word_list_is_read_by_some_module():
    import whodid.code.coder  # noqa: F401 - imports every stage, each reads its lists
    from whodid.code.knowledge import unread_keys

    assert unread_keys() == []


def test_malformed_word_list_names_file_and_key(monkeypatch):
    from whodid.code import knowledge

    monkeypatch.setattr(knowledge, "_load", lambda: {"status": {"future_aux": ["Will", 3]}})
    with pytest.raises(knowledge.KnowledgeError) as err:
        knowledge.words("status").words("future_aux")
    assert "whodid/data/words.yaml: status.future_aux" in str(err.value)
    with pytest.raises(knowledge.KnowledgeError, match="status.condition_marks: missing"):
        knowledge.words("status").words("condition_marks")


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
