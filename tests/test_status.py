"""The status of an event from its own clause (whodid.code.status) and what the coder makes
of it (whodid.code.finish), on short sentences written for these tests."""

from __future__ import annotations

import pytest
from conftest import sentence_context, token

from whodid.code import finish, status
from whodid.code.candidate import Candidate
from whodid.code.triggers import find_triggers


@pytest.mark.parametrize("text,trigger,expected", [
    ("Chile attacked the convoy.", "attacked", ("asserted", "")),
    ("Chile did not attack the convoy.", "attack", ("negated", "negated by 'not'")),
    ("Peru held no talks with Chile.", "talks", ("negated", "negated by 'no'")),
    ("Chile will attack the convoy.", "attack", ("future", "future 'will'")),
    ("Chile could attack the convoy.", "attack", ("hypothetical", "modal 'could'")),
    ("Chile plans to attack the convoy.", "attack", ("future", "'plans to'")),
    ("If Chile attacks the convoy, Peru will respond.", "attacks",
     ("hypothetical", "condition 'If'")),
    ("Did Chile attack the convoy?", "attack", ("hypothetical", "asked as a question")),
    ("Chile announced it would free the prisoners.", "free",
     ("future", "reported future 'would'")),
    ("The alleged attack on the convoy shocked Peru.", "attack",
     ("alleged", "marked 'alleged'")),
])
def test_own_status(nlp, text, trigger, expected):
    assert status.own_status(token(nlp(text), trigger)) == expected


def test_modality_ignores_negation(nlp):
    doc = nlp("Chile will not meet Peru. Chile met Peru.")
    assert status.modality(token(doc, "meet")) == "future"
    assert status.modality(token(doc, "met")) is None


def test_future_governors_are_read_from_data(nlp, monkeypatch):
    doc = nlp("Chile yearns to attack the convoy.")
    assert status.own_status(token(doc, "attack"))[0] == "asserted"
    monkeypatch.setattr(status.LISTS, "future_governors", status.LISTS.future_governors | {"yearn"})
    assert status.own_status(token(doc, "attack")) == ("future", "'yearns to'")


def finished(nlp, resolver, text: str, trigger: str) -> Candidate:
    ctx = sentence_context(nlp, resolver, text)
    match = next(m for m in find_triggers(ctx.sent, ctx.lexicon) if m.token.text == trigger)
    cand = Candidate.from_match(match, ctx.sent, 0)
    from whodid.code import participants

    participants.fill_actors(cand, ctx)
    finish.finish(cand, ctx)
    return cand


@pytest.mark.parametrize("text,trigger,event,mode,state", [
    # an announced material attack is a threat of it
    ("Chile will attack Peru.", "attack", "THREATEN", "violence", "asserted"),
    # a future arrest threatens arrest (the ontology's threat_mode_by_event_mode)
    ("Chile will arrest the Peruvian fishermen.", "arrest", "THREATEN", "arrest", "asserted"),
    # a future cooperation of these types is a promise (future_to_agree)
    ("Chile will meet Peru.", "meet", "AGREE", None, "asserted"),
    # a cooperation announced as not going to happen is a refusal
    ("Chile will not meet Peru.", "meet", "REJECT", "meet", "asserted"),
])
def test_status_recodes_the_event(nlp, resolver, text, trigger, event, mode, state):
    cand = finished(nlp, resolver, text, trigger)
    assert (cand.event, cand.mode, cand.status) == (event, mode, state)


def test_no_actor_drops_the_candidate(nlp, resolver):
    cand = finished(nlp, resolver, "The attack was condemned.", "attack")
    assert cand.dropped == "no identifiable actor" and not cand.live


def test_confidence_reflects_coded_participants(nlp, resolver):
    coded = finished(nlp, resolver, "Chile attacked Peru.", "attacked")
    uncoded = finished(nlp, resolver, "The men attacked the guards.", "attacked")
    assert coded.confidence > uncoded.confidence > 0
