"""Roles from the parse (whodid.code.roles) and the actors they name
(whodid.code.participants), on short sentences written for these tests."""

from __future__ import annotations

import pytest
from conftest import sentence_context, token

from whodid.code import participants, roles
from whodid.code.candidate import Candidate
from whodid.code.triggers import find_triggers
from whodid.records import Entity


def words(tokens) -> list[str]:
    return [t.text for t in tokens]


@pytest.mark.parametrize("text,verb,subjects", [
    ("Ukrainian positions were shelled by Russian forces.", "shelled", ["forces"]),
    ("Hungary and Romania signed the accord.", "signed", ["Hungary", "Romania"]),
    ("Canada urged Venezuela to hold free elections.", "hold", ["Venezuela"]),
    ("Finland called on Russia to free the sailors.", "free", ["Russia"]),
    ("Kenya accused Somalia of arming the rebels.", "arming", ["Somalia"]),
    ("Peru, which expelled the envoy, apologised.", "expelled", ["Peru"]),
    ("Thousands of Chilean miners blocked the road.", "blocked", ["miners"]),
    ("Three farmers were killed in a Turkish drone strike.", "killed", ["Turkish"]),
])
def test_subject_heads(nlp, text, verb, subjects):
    assert words(roles.subject_heads(token(nlp(text), verb))) == subjects


@pytest.mark.parametrize("text,trigger,heads,how", [
    ("Russia's attack on Kyiv was condemned.", "attack", ["Russia"], "possessive"),
    ("Russian air strikes hit the port.", "strikes", ["Russian"], "modifier"),
    ("Kenya held talks with Ethiopia.", "talks", ["Kenya"], "subject of 'held'"),
    ("Miners went on strike in Chile.", "strike", ["Miners"], "subject of 'went'"),
])
def test_actor_heads_of_nominal_triggers(nlp, text, trigger, heads, how):
    doc = nlp(text)
    match = next(m for m in find_triggers(next(doc.sents), _lexicon()) if m.token.text == trigger)
    got, receivers, found_how = roles.actor_heads(match, _lexicon().receiving_verbs)
    assert (words(got), receivers, found_how) == (heads, [], how)


def test_receiving_verb_makes_its_subject_the_recipient(nlp):
    doc = nlp("The plan drew a sharp rebuke from Egypt.")
    match = next(m for m in find_triggers(next(doc.sents), _lexicon())
                 if m.token.text == "rebuke")
    heads, receivers, how = roles.actor_heads(match, _lexicon().receiving_verbs)
    assert (words(heads), words(receivers)) == (["Egypt"], ["plan"])
    assert how == "'from' phrase of receiving verb"


@pytest.mark.parametrize("text,verb,slot,heads", [
    ("Germany gave Sudan new loans.", "gave", "dative", ["Sudan"]),
    ("Serbia warned that Kosovo would pay.", "warned", "ccomp_subject", ["Kosovo"]),
    ("Spain rejected the Moroccan proposal.", "rejected", "object_owner", ["Moroccan"]),
    ("Canada protested to Cuba.", "protested", "prep:to", ["Cuba"]),
])
def test_recipient_slots(nlp, text, verb, slot, heads):
    doc = nlp(text)
    match = next(m for m in find_triggers(next(doc.sents), _lexicon()) if m.token.text == verb)
    assert words(roles.recipient_candidates(match, slot)) == heads


def test_clause_head_is_the_light_verb_or_the_copula(nlp):
    doc = nlp("Peru did not hold talks. Chile is willing to help.")
    assert roles.clause_head(token(doc, "talks")).text == "hold"
    assert roles.clause_head(token(doc, "willing")).text == "is"
    assert roles.clause_head(token(doc, "help")).text == "help"


def test_speech_verb_of_a_reported_clause(nlp):
    doc = nlp("Estonia said Latvia had shipped fuel to Belarus.")
    speech = _lexicon().speech_verbs
    assert roles.speech_verb(token(doc, "shipped"), speech).text == "said"
    assert roles.speech_verb(token(doc, "said"), speech) is None


def test_the_partitive_list_is_read_from_data(nlp, monkeypatch):
    doc = nlp("Busloads of Chilean miners blocked the road.")
    assert words(roles.subject_heads(token(doc, "blocked"))) == ["Busloads"]
    monkeypatch.setattr(roles.LISTS, "partitives", roles.LISTS.partitives | {"busloads"})
    assert words(roles.subject_heads(token(doc, "blocked"))) == ["miners"]


def _filled(nlp, resolver, text: str) -> Candidate:
    """The sentence's first trigger with its actors filled by the rules."""
    ctx = sentence_context(nlp, resolver, text)
    cand = Candidate.from_match(next(iter(find_triggers(ctx.sent, ctx.lexicon))), ctx.sent, 0)
    participants.fill_actors(cand, ctx)
    return cand


def test_agentless_arrest_is_coded_to_the_local_authorities(nlp, resolver):
    cand = _filled(nlp, resolver, "Two tourists were arrested in Thailand.")
    assert [(e.code, e.sector) for e in cand.actors] == [("THA", "COP")]
    assert cand.actor_how == "authorities of 'Thailand' (agentless arrested)"


def test_agentless_arrest_without_a_place_is_coded_to_the_arrested_country(nlp, resolver):
    cand = _filled(nlp, resolver, "Peru's former finance minister was arrested on Friday.")
    assert [(e.code, e.sector) for e in cand.actors] == [("PER", "COP")]
    assert "country of" in cand.actor_how
    # the arrested is the recipient, not the actor: the actor's span is the act's word
    tok = cand.token
    assert [(e.start, e.end) for e in cand.actors] == [(tok.idx, tok.idx + len(tok.text))]


def test_forces_deployed_by_no_one_named_are_the_mobilising_side(nlp, resolver):
    cand = _filled(nlp, resolver, "Kenyan troops were deployed to the border on Monday.")
    assert [(e.code, e.sector) for e in cand.actors] == [("KEN", "MIL")]
    assert cand.actor_how == "the forces deployed: 'Kenyan troops' (agentless)"
    # a deployer named in the sentence stays the actor
    cand = _filled(nlp, resolver, "Kenya deployed troops to the border on Monday.")
    assert [(e.code, e.sector) for e in cand.actors] == [("KEN", None)]


def test_conjoined_modifiers_are_separate_actors(nlp, resolver):
    ctx = sentence_context(nlp, resolver, "Czech and Slovak diplomats met.")
    assert [e.code for e in ctx.resolve([token(ctx.sent, "diplomats")])] == ["CZE", "SVK"]


def test_a_person_takes_the_country_of_the_place_named(nlp, resolver):
    ctx = sentence_context(nlp, resolver, "Students protested in Angola on Monday.")
    cand = Candidate.from_match(next(m for m in find_triggers(ctx.sent, ctx.lexicon)),
                                ctx.sent, 0)
    unplaced = Entity("Students", 0, 8, None, "EDU", None, "students", "group")
    placed = participants.with_context_country(unplaced, cand, ctx)
    assert (placed.code, placed.sector) == ("AGO", "EDU")
    assert placed.why == "students; country from context 'Angola'"


def _placed_in_last_sentence(nlp, resolver, text: str, trigger: str) -> Entity:
    ctx = sentence_context(nlp, resolver, text, nth=len(list(nlp(text).sents)) - 1)
    cand = Candidate.from_match(next(m for m in find_triggers(ctx.sent, ctx.lexicon)
                                     if m.text == trigger), ctx.sent, 0)
    unplaced = Entity("Officials", ctx.sent.start_char, ctx.sent.start_char + 9, None, "GOV",
                      None, "officials", "group")
    return participants.with_context_country(unplaced, cand, ctx)


def test_a_state_the_event_concerns_does_not_place_its_actor(nlp, resolver):
    # the states the clause names are whom the demand is made of, not where the officials
    # are from: the officials take the state the article names most
    lead = "Thai police arrested three men on Monday. Thai ministers said they had planned bombings. "
    placed = _placed_in_last_sentence(
        nlp, resolver, lead + "Officials urged Cambodia and Laos to hand over two suspects.",
        "urged")
    assert placed.code == "THA"
    assert "only as whom the event concerns" in placed.why
    # a state named as where the event happens still places it
    placed = _placed_in_last_sentence(
        nlp, resolver, lead + "Officials met envoys from Cambodia in Laos on Friday.", "met")
    assert placed.code == "LAO"


def test_an_unplaced_group_takes_the_state_the_whole_article_names_most(nlp, resolver):
    # the first sentence names no state: the article's later sentences place the protesters
    text = ("Protesters blocked the main roads of the capital on Friday. The Kenyan government "
            "called the protests illegal. Kenya's police chief promised calm.")
    ctx = sentence_context(nlp, resolver, text)
    protesters = ctx.resolve([token(ctx.sent, "Protesters")])[0]
    assert protesters.code == "KEN"
    assert "document names most" in protesters.why


def _lexicon():
    from whodid.code.lexicon import get_lexicon

    return get_lexicon()
