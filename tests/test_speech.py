"""Acts carried by reported speech (whodid.code.speech), through the coder's pipeline, on
short sentences written for these tests; their types and CAMEO codes come from the
ontology's `reported_speech` rules."""

from __future__ import annotations

import dataclasses

import pytest

from whodid.code.coder import Coder


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def events(coder: Coder, text: str) -> list[tuple]:
    return [(e.event, e.mode, e.cameo, e.status, {a.code for a in e.actor},
             {r.code for r in e.recipient}) for e in coder.code(text, published="2024-03-15")]


def test_covert_act_in_speech_is_an_allegation(coder):
    got = events(coder, "Estonia said Latvia had secretly shipped fuel to Belarus.")
    assert ("ACCUSE", "allege", "112", "asserted", {"EST"}, {"LVA"}) in got
    assert ("AID", None, "070", "alleged", {"LVA"}, {"BLR"}) in [
        (ev, mode, cameo[:3] if cameo else None, st, a, r) for ev, mode, cameo, st, a, r in got]


def test_hostile_act_reported_by_its_target_is_an_allegation(coder):
    got = events(coder, "The Georgian army said Russian troops shelled Georgian villages.")
    assert ("ACCUSE", "allege", "112", "asserted", {"GEO"}, {"RUS"}) in got
    assert [st for ev, _, _, st, _, _ in got if ev == "ASSAULT"] == ["alleged"]


def test_breach_reported_by_another_is_their_accusation(coder):
    got = events(coder, "Chile said the Peruvian tariffs violated the trade treaty.")
    assert [(ev, mode, st, a, r) for ev, mode, _, st, a, r in got] == [
        ("ACCUSE", "allege", "asserted", {"CHL"}, {"PER"})]
    # told by its own actor, or by no one, a defiance stays the actor's refusal
    got = events(coder, "Peru said it violated the trade treaty.")
    assert [ev for ev, *_ in got] == ["REJECT"]


def test_own_act_or_third_party_report_stays_asserted(coder):
    got = events(coder, "The Georgian police said they detained two Russian smugglers.")
    # the detention stays the police's own, asserted: no allegation made of it
    assert [st for ev, _, _, st, _, _ in got if ev == "COERCE"] == ["asserted"]
    assert "alleged" not in [st for *_, st, _, _ in got]


def test_negated_own_act_in_speech_is_a_denial(coder):
    text = ("Estonia said Latvia had secretly shipped fuel to Belarus. "
            "Latvia said it had never sent fuel to Belarus.")
    got = events(coder, text)
    assert ("REJECT", "deny", "016", "asserted", {"LVA"}, {"EST"}) in got
    assert sorted(st for ev, _, _, st, _, _ in got if ev == "AID") == ["alleged", "denied"]


def test_characterisation_is_a_disapproval(coder):
    got = events(coder, "Cuba called the American embargo a crime.")
    assert ("ACCUSE", "disapprove", "111", "asserted", {"CUB"}, {"USA"}) in got


def test_must_in_speech_is_a_demand_that_absorbs_the_act(coder):
    got = events(coder, "France said Mali must release the detained journalists.")
    assert got == [("REQUEST", "yield", "100", "asserted", {"FRA"}, {"MLI"})]


def test_speech_about_oneself_without_negation_is_nothing_new(coder):
    got = events(coder, "Estonia said it had shipped fuel to Latvia.")
    assert [ev for ev, *_ in got] == ["AID"]


def test_speech_acts_come_from_the_ontology_rules():
    custom = Coder()
    rules = custom.lexicon.rules
    acts = dict(rules.reported_speech)
    acts["characterisation"] = dataclasses.replace(acts["characterisation"], cameo="110")
    custom.lexicon = dataclasses.replace(custom.lexicon,
                                         rules=dataclasses.replace(rules, reported_speech=acts))
    got = [e.cameo for e in custom.code("Cuba called the American embargo a crime.")
           if e.event == "ACCUSE"]
    assert got == ["110"]


def test_an_act_called_illegal_is_disapproval_of_its_actor(coder):
    got = events(coder, "Brazil said the seizure of its ships by Venezuela was illegal.")
    assert ("ACCUSE", "disapprove", "111", "asserted", {"BRA"}, {"VEN"}) in got


def test_an_act_named_in_a_charge_is_the_accused_s_and_alleged(coder):
    got = events(coder, "Norway accused Iran of involvement in the killing of a dissident.")
    assert ("ACCUSE", "allege", "112", "asserted", {"NOR"}, {"IRN"}) in got
    assert [(st, a) for ev, _, _, st, a, _ in got if ev == "ASSAULT"] == [("alleged", {"IRN"})]
