"""The built-in stages of the coder, registered under the names in
`whodid.code.pipeline.DEFAULT_STAGES` and run in that order on each sentence:

- triggers: a candidate for each lexicon trigger in the sentence;
- governors: the trigger each candidate sits inside ("accused X of *supplying*");
- actors: who acts, from the parse and the actor tables;
- desire: "X wants Y to act" is a request to Y;
- topics: drops nominal acts that are only the topic of another ("rejected the accusations");
- recipients: who is acted on, from the lexicon entry's slots (accusations first, so that a
  denial in the same sentence can name its accuser);
- embed: what a governing trigger does to the ones inside it (alleged, denied, absorbed),
  and demands that are only the purpose of a material act;
- complete_recipients: fallbacks for a recipient once the slots have had their say;
- finish: drops actorless and background acts; status, recoding, confidence;
- speech: acts carried by reported speech (denials, allegations, characterisations, demands);
- merge: one event per act when two triggers name it;
- remember: what later sentences need (the last accuser, the last actors of each type).

Each is `stage(ctx, candidates) -> candidates` (see whodid.code.pipeline).
"""

from __future__ import annotations

from collections.abc import Callable

from whodid.code import embedding, participants, speech
from whodid.code.candidate import Candidate
from whodid.code.context import SentenceContext
from whodid.code.finish import finish
from whodid.code.pipeline import register_stage
from whodid.code.triggers import find_triggers


def _by_token(cands: list[Candidate]) -> dict[int, Candidate]:
    return {c.token.i: c for c in cands}


@register_stage("triggers")
def triggers(ctx: SentenceContext, cands: list[Candidate]) -> list[Candidate]:
    found = [Candidate.from_match(m, ctx.sent, ctx.sequence)
             for m in find_triggers(ctx.sent, ctx.lexicon)]
    return [*cands, *found]


@register_stage("governors")
def governors(ctx: SentenceContext, cands: list[Candidate]) -> list[Candidate]:
    by_token = _by_token(cands)
    for cand in cands:
        cand.governor = embedding.governor(cand.token, by_token, ctx.lexicon.speech_verbs)
    return cands


@register_stage("actors")
def actors(ctx: SentenceContext, cands: list[Candidate]) -> list[Candidate]:
    for cand in cands:
        if cand.live and not cand.actors:
            participants.fill_actors(cand, ctx)
    return cands


def _each_live(name: str, step: Callable[[Candidate, SentenceContext], None]) -> None:
    """Register a stage that applies `step` to each candidate still live when reached."""
    def stage(ctx: SentenceContext, cands: list[Candidate]) -> list[Candidate]:
        for cand in cands:
            if cand.live:
                step(cand, ctx)
        return cands

    stage.__name__ = name
    register_stage(name)(stage)


_each_live("desire", participants.wants_another_to_act)
_each_live("topics", embedding.drop_topic)


@register_stage("recipients")
def recipients(ctx: SentenceContext, cands: list[Candidate]) -> list[Candidate]:
    for cand in sorted(cands, key=lambda c: c.event != "ACCUSE"):
        if cand.live:
            participants.fill_recipients(cand, ctx, cands)
    return cands


@register_stage("embed")
def embed(ctx: SentenceContext, cands: list[Candidate]) -> list[Candidate]:
    by_token = _by_token(cands)
    for cand in cands:
        embedding.embed(cand, ctx)
        embedding.absorb_adjunct(cand, ctx, by_token)
    return cands


_each_live("complete_recipients", participants.complete_recipients)


@register_stage("finish")
def finish_stage(ctx: SentenceContext, cands: list[Candidate]) -> list[Candidate]:
    for cand in cands:
        finish(cand, ctx)
    return cands


@register_stage("speech")
def reported_speech(ctx: SentenceContext, cands: list[Candidate]) -> list[Candidate]:
    return [*cands, *speech.reported_acts(ctx, [c for c in cands if c.live])]


@register_stage("merge")
def merge(ctx: SentenceContext, cands: list[Candidate]) -> list[Candidate]:
    """One event per act: triggers of the same type, status and actor in one sentence ("drew a
    rebuke from X, who accused Y") are one event; the better-supported one is kept."""
    kept: list[Candidate] = []
    for cand in cands:
        if not cand.live:
            continue
        twin = next((k for k in kept if k.event == cand.event and k.status == cand.status
                     and (k.codes("actor") & cand.codes("actor")
                          or {(e.start, e.end) for e in k.actors}
                          & {(e.start, e.end) for e in cand.actors})
                     and (not k.codes("recipient") or not cand.codes("recipient")
                          or k.codes("recipient") & cand.codes("recipient"))), None)
        if twin is None:
            kept.append(cand)
            continue
        better, other = (cand, twin) if _support(cand) > _support(twin) else (twin, cand)
        if not better.codes("recipient") and other.codes("recipient"):
            better.recipients, better.recipient_how = other.recipients, other.recipient_how
        better.why.append(f"merged with '{other.match.text}'")
        other.dropped = f"merged into '{better.match.text}'"
        kept[kept.index(twin)] = better
    return kept + [c for c in cands if not c.live]


def _support(cand: Candidate) -> tuple[int, float]:
    return (len(cand.codes("recipient")) + len(cand.codes("actor")), cand.confidence)


@register_stage("remember")
def remember(ctx: SentenceContext, cands: list[Candidate]) -> list[Candidate]:
    for cand in cands:
        if not cand.live:
            continue
        if cand.event == "ACCUSE" and cand.actors and cand.status == "asserted":
            ctx.state.last_accuser = cand.actors
        if any(e.code for e in cand.actors):
            ctx.state.last_actors[cand.event] = cand.actors
    return cands
