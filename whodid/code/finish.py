"""The last word on a candidate once its roles are filled: dropped if it has no actor or is
only background, its own status (whodid.code.status), recoded by its actor and its status
(CODEBOOK.md §2, §3), and a confidence."""

from __future__ import annotations

from whodid.code import dates, roles, status
from whodid.code.candidate import Candidate
from whodid.code.context import SentenceContext

NO_ACTOR = "no identifiable actor"


def finish(cand: Candidate, ctx: SentenceContext) -> None:
    """Decide whether the candidate stands, its status, its final type and its confidence."""
    if cand.dropped or cand.absorbed:
        return
    tok = cand.token
    if tok.dep_ == "acl" and tok.tag_ == "VBN" and cand.match.entry.pos == "verb":
        # "property seized by government forces": an act named only to describe a thing
        cand.dropped = "background: participle modifying a noun"
        return
    if set_aside_as_history(cand, ctx):
        return
    if not cand.actors:
        cand.dropped = NO_ACTOR
        return
    if cand.status == "asserted":
        cand.status, reason = status.own_status(cand.token)
        if cand.event == "THREATEN" and cand.status == "future":
            # "will take countermeasures": what a warning foretells is future, the
            # warning is made now
            cand.status, reason = "asserted", ""
        if reason:
            cand.why.append(f"status: {reason}")
    recode_by_actor(cand, ctx)
    if not cand.committed:
        recode_by_status(cand, ctx)
    cand.confidence = confidence(cand)


def set_aside_as_history(cand: Candidate, ctx: SentenceContext) -> bool:
    """Drop the candidate if its own date is more than a year before publication
    (CODEBOOK.md §7: history given as background is no event); True if dropped."""
    old = dates.history(ctx.sent, cand.token, ctx.document.published if ctx.document else None)
    if old is not None:
        cand.dropped = f"background: '{old.text}' is more than a year before publication"
    return old is not None


def confidence(cand: Candidate) -> float:
    """The entry's prior, raised by coded participants, lowered for nominal and reported acts."""
    entry = cand.match.entry
    conf = entry.confidence
    conf += 0.1 if any(e.code for e in cand.actors) else -0.1
    conf += 0.05 if any(e.code for e in cand.recipients) else 0.0
    if entry.pos == "noun":
        conf -= 0.1
    if cand.status in ("alleged", "denied"):
        conf -= 0.05
    return round(min(0.99, max(0.05, conf)), 2)


def recode_by_actor(cand: Candidate, ctx: SentenceContext) -> None:
    """An act recoded by who performs it (rules.recode_by_actor of ontology.yaml): damage to
    property by civilians is protest (PROTEST vandalize), not repression (CODEBOOK.md §2)."""
    rule = ctx.lexicon.rules.recode_by_actor.get((cand.event, cand.mode or ""))
    if rule and cand.actors and all(e.sector == rule.actors for e in cand.actors):
        cand.event, cand.mode = rule.to_event, rule.to_mode
        cand.why.append(rule.why)


def self_announced(cand: Candidate, ctx: SentenceContext) -> bool:
    """Whether the act is reported as announced by its own actor ("X said it will...")."""
    verb = roles.speech_verb(cand.token, ctx.lexicon.speech_verbs)
    if verb is None:
        return False
    speakers = {e.code for e in ctx.resolve(roles.subject_heads(verb)) if e.code}
    return bool(speakers & cand.codes("actor"))


def recode_by_status(cand: Candidate, ctx: SentenceContext) -> None:
    """Announced acts are coded by what they announce (CODEBOOK.md §2, §3): a promised
    cooperation is AGREE; an announced or conditional act of material conflict is a
    threat of it (THREATEN, as CAMEO 13 codes "said it would attack"); a cooperation
    announced as not going to happen ("will not meet") is a refusal (REJECT)."""
    rules = ctx.lexicon.rules
    etype = ctx.lexicon.types[cand.event]
    if cand.status == "future" and (cand.event in rules.future_to_agree or (
            etype.quad in (1, 2) and self_announced(cand, ctx))):
        # "Israel announced it would free prisoners": an actor announcing its own
        # cooperative act is promising it
        cand.why.append(f"future {cand.event} coded AGREE")
        cand.event, cand.mode, cand.status = "AGREE", None, "asserted"
    elif cand.status in ("future", "hypothetical") and etype.quad == 4:
        cand.why.append(f"{cand.status} {cand.event} coded THREATEN")
        cand.mode = rules.threat_mode_by_event_mode.get(cand.mode or "", etype.threat_mode)
        cand.event, cand.status = "THREATEN", "asserted"
    elif (cand.status == "negated" and etype.quad in (1, 2)
          and status.modality(cand.token) is not None):
        cand.why.append(f"refused {cand.event} coded REJECT")
        cand.mode = rules.asked_mode(cand.event)
        cand.event, cand.status = "REJECT", "asserted"
