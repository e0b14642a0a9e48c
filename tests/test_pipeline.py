"""The coder's pipeline of named stages: adding, removing and ordering stages, candidates
made by a stage for tokens no lexicon entry matched, and document stages."""

from __future__ import annotations

import pytest

from whodid.code.coder import Coder
from whodid.code.pipeline import DEFAULT_STAGES, RULE_STAGES, Pipeline, register_stage

TEXT = "Kenya accused Somalia of arming the rebels. Protesters marched in Nairobi."


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def kinds(coder: Coder, text: str = TEXT) -> list[str]:
    return [e.event for e in coder.code(text, published="2024-03-15")]


@register_stage("test_no_protests")
def no_protests(ctx, cands):
    return [c for c in cands if c.event != "PROTEST"]


def test_default_order(coder):
    assert coder.stage_names == list(DEFAULT_STAGES)
    assert kinds(coder) == ["ACCUSE", "AID", "PROTEST"]


def test_a_registered_stage_changes_the_output():
    custom = Coder()
    custom.add_stage("test_no_protests", after="finish")
    assert kinds(custom) == ["ACCUSE", "AID"]
    assert custom.stage_names.index("test_no_protests") == DEFAULT_STAGES.index("finish") + 1


def test_removing_a_stage():
    text = "Latvia said it had never sent fuel to Belarus."
    assert "REJECT" in kinds(Coder(), text)
    custom = Coder()
    custom.remove_stage("speech")
    assert "REJECT" not in kinds(custom, text) and "speech" not in custom.stage_names


def test_order_matters():
    # a stage that drops every candidate: before "speech" the characterisation survives it
    def drop_all(ctx, cands):
        for c in cands:
            c.dropped = "test"
        return cands

    text = "Cuba called the American embargo a crime."
    early, late = Coder(stages=RULE_STAGES), Coder(stages=RULE_STAGES)
    early.add_stage(drop_all, before="speech")
    late.add_stage(drop_all, after="merge")
    assert kinds(Coder(stages=RULE_STAGES), text) == ["SANCTION", "ACCUSE"]
    assert kinds(early, text) == ["ACCUSE"] and kinds(late, text) == []


def test_a_stage_sees_and_modifies_earlier_candidates():
    seen: list[list[str]] = []

    def retype(ctx, cands):
        seen.append([c.event for c in cands])
        for c in cands:
            if c.event == "AID":
                c.event, c.mode = "MOBILIZE", "weapons"
        return cands

    custom = Coder(stages=[*DEFAULT_STAGES[:1], retype, *DEFAULT_STAGES[1:]])
    assert kinds(custom) == ["ACCUSE", "MOBILIZE", "PROTEST"]
    assert seen == [["ACCUSE", "AID"], ["PROTEST"]]


def test_a_stage_adds_a_candidate_no_lexicon_entry_matched():
    def learned(ctx, cands):
        # a stand-in for a learned model: "shoved" is in no lexicon entry
        for tok in ctx.sent:
            if tok.lemma_ == "shove":
                cands.append(ctx.new_candidate(tok, "ASSAULT", "beat", source="test model"))
        return cands

    text = "Chilean police shoved Peruvian reporters."
    assert kinds(Coder(stages=RULE_STAGES), text) == []
    custom = Coder(stages=RULE_STAGES)
    custom.add_stage(learned, after="triggers")
    [event] = custom.code(text)
    assert (event.event, event.mode, event.cameo) == ("ASSAULT", "beat", None)
    assert {a.code for a in event.actor} == {"CHL"} and {r.code for r in event.recipient} == {
        "PER"}
    assert event.why.startswith("verb 'shove' -> ASSAULT; from test model; actor: subject")


def test_a_document_stage_sees_the_whole_document():
    def last_only(ctx, cands):
        assert ctx.parsed.text == TEXT
        return cands[-1:]

    custom = Coder(document_stages=[last_only])
    [event] = custom.code(TEXT)
    assert event.event == "PROTEST" and event.id == "text:1:0"


def test_stage_names_are_checked():
    with pytest.raises(KeyError, match="no sentence stage named 'nope'"):
        Pipeline(["triggers", "nope"])
    with pytest.raises(ValueError, match="already has"):
        Pipeline(["triggers", "triggers"])
    with pytest.raises(KeyError, match="no sentence stage 'nope' in the pipeline"):
        Pipeline().add("test_no_protests", after="nope")
    with pytest.raises(ValueError, match="already registered"):
        register_stage("triggers")(lambda ctx, cands: cands)
