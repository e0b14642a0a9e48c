"""Acts carried by reported speech (CODEBOOK.md §1, §3), where no trigger word says them:

- "X said it had never had dealings with Y": a denial by X (REJECT deny), the act denied;
- "X said Y was covertly supplying Z", "X said Y shelled X's towns": an allegation by X
  (ACCUSE allege), the act alleged;
- "X called Y a crime", "X said Y was a foolish attempt": a disapproval of Y by X;
- "X said Y must do Z": a demand by X on Y (REQUEST).

The type, mode and CAMEO code of each are the ontology's `reported_speech` rules.
"""

from __future__ import annotations

from spacy.tokens import Token

from whodid.code import roles
from whodid.code.candidate import Candidate
from whodid.code.context import SentenceContext
from whodid.code.finish import finish
from whodid.code.triggers import lemma
from whodid.code.wordlists import WORDS, Section

LISTS = Section("speech",  # whodid/data/words.yaml, read on first use
                obligation_aux=WORDS)  # "X said Y *must* do Z"


def _new(ctx: SentenceContext, act: str, verb: Token, actors, recipients, why: str,
         mode: str | None = None) -> Candidate:
    """A finished candidate for the reported-speech act `act` (a key of the rules)."""
    rule = ctx.lexicon.rules.reported_speech[act]
    cand = ctx.new_candidate(verb, rule.event, rule.mode or mode, source=why, cameo=rule.cameo,
                             pos="verb", why=why, actors=list(actors),
                             recipients=list(recipients))
    finish(cand, ctx)
    return cand


def _target(ctx: SentenceContext, noun: Token, kept: list[Candidate]) -> list:
    """Who a characterised thing stands for: itself if it is an actor ("Washington"), else its
    owner ("the US move", "Moscow's plan"), else whoever did the act it names: in this
    sentence ("the arrests by Iran were illegal") or, for an act named without its actor
    ("the drills were unacceptable", "calling it a crime"), the last one of that kind."""
    for cand in kept:
        if cand.token.i == noun.i and cand.codes("actor"):
            return list(cand.actors)
    pronoun = noun.pos_ == "PRON" and noun.lower_ in ("it", "this", "that")
    if not pronoun:
        ent = ctx.resolver.resolve(noun, ctx.memory)
        if ent.code:
            return [ent]
        # "the seizure of its ships by Venezuela": the agent before the owner
        agents = [t for c in noun.children if c.dep_ in ("prep", "agent") and c.lower_ == "by"
                  for t in c.children if t.dep_ == "pobj"]
        owners = [ctx.resolver.resolve(t, ctx.memory) for t in agents or roles.object_owner(noun)]
        if any(e.code for e in owners):
            return [e for e in owners if e.code]
    # "it" is usually the act just named: the nearest event noun before it
    kinds = reversed(list(noun.sent[: noun.i - noun.sent.start])) if pronoun else [noun]
    for word in kinds:
        entries = ctx.lexicon.lookup("noun", lemma(word))
        if entries and ctx.state.last_actors.get(entries[0].event):
            return list(ctx.state.last_actors[entries[0].event])
    return []


def _pejorative(lex, tok: Token) -> bool:
    words = {lemma(tok)} | {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound")}
    return bool(words & lex.pejoratives)


def reported_acts(ctx: SentenceContext, kept: list[Candidate]) -> list[Candidate]:
    """New events found through speech in this sentence, given its live candidates; may also
    change the status of events already found (a denied or alleged act)."""
    lex = ctx.lexicon
    new: list[Candidate] = []
    denials: list[tuple[Candidate, Token, list]] = []
    for cand in kept:
        if cand.governor is not None or cand.status not in ("asserted", "negated"):
            continue
        verb = roles.speech_verb(cand.token, lex.speech_verbs)
        if verb is None:
            continue
        speakers = ctx.resolve(roles.subject_heads(verb))
        speaker_codes = {e.code for e in speakers if e.code}
        if not speaker_codes:
            continue
        actor_codes = cand.codes("actor")
        if cand.status == "negated" and actor_codes & speaker_codes:
            cand.status, cand.claimant = "denied", speakers
            cand.why.append(f"denied: '{verb.text}' with negation")
            denials.append((cand, verb, speakers))
        elif (cand.status == "asserted" and cand.event == "REJECT"
              and cand.token.lemma_ in lex.reported_breaches
              and not actor_codes & speaker_codes):
            cand.absorbed = True
            cand.why.append(f"reported breach: the accusation of '{verb.text}'")
            new.append(_new(ctx, "allegation", verb, speakers, cand.actors,
                            f"speaker alleges a breach: '{verb.text}' + '{cand.match.text}'"))
        elif cand.status == "asserted" and actor_codes and not actor_codes & speaker_codes:
            if any(c.lower_ in lex.covert_adverbs for c in cand.token.children):
                what = "covert act"
            elif cand.event in lex.victim_claims and speaker_codes & cand.codes("recipient"):
                what = "act on the speaker's side"
            else:
                continue
            cand.status, cand.claimant = "alleged", speakers
            cand.why.append(f"alleged: '{verb.text}' + {what}")
            new.append(_new(ctx, "allegation", verb, speakers, cand.actors,
                            f"speaker alleges {what}: '{verb.text}'"))
    for cand, verb, speakers in denials:
        speaker_codes = {e.code for e in speakers}
        accusers = [c.actors for c in kept + new if c.event == "ACCUSE" and c.actors
                    and not c.codes("actor") & speaker_codes] + [ctx.state.last_accuser]
        accuser = next((a for a in accusers if a and not {e.code for e in a} & speaker_codes),
                       [])
        new.append(_new(ctx, "denial", verb, speakers, accuser,
                        f"speaker denies own act: '{verb.text}' + negated clause"))
    new.extend(_characterisations(ctx, kept))
    new.extend(_obligations(ctx, kept))
    return new


def _obligations(ctx: SentenceContext, kept: list[Candidate]) -> list[Candidate]:
    """ "X said Y must do Z" is a demand by X on Y (REQUEST); acts inside Z are what is
    demanded, not events of their own."""
    lex = ctx.lexicon
    out = []
    for verb in ctx.sent:
        if verb.dep_ != "ccomp" or verb.head.lemma_ not in lex.speech_verbs:
            continue
        if not any(c.dep_ == "aux" and c.lower_ in LISTS.obligation_aux for c in verb.children):
            continue
        speech_verb = verb.head
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        speakers = ctx.resolve(roles.subject_heads(speech_verb))
        targets = [e for e in ctx.resolve(roles.conjuncts(subjects[0])) if e.code] \
            if subjects else []
        if not speakers or not targets or {e.code for e in speakers} & {e.code for e in targets}:
            continue
        inside = {t.i for t in verb.subtree}
        demanded = [c for c in kept if c.token.i in inside]
        for c in demanded:
            c.absorbed = True
        mode = lex.rules.asked_mode(demanded[0].event if demanded else "")
        out.append(_new(ctx, "demand", speech_verb, speakers, targets,
                        f"'{speech_verb.text}' + '{verb.text}' with must/should", mode))
    return out


def _characterisations(ctx: SentenceContext, kept: list[Candidate]) -> list[Candidate]:
    """ "X called Y an unethical crime" / "X said Y was a foolish attempt" → ACCUSE X→Y."""
    lex = ctx.lexicon
    out = []
    for tok in ctx.sent:
        # a noun or adjective predicated of the thing: "called it a crime", "said it was
        # illegal" (acomp), "called the move unlawful" (oprd)
        if tok.dep_ not in ("oprd", "attr", "acomp", "xcomp", "ccomp") or not _pejorative(lex, tok):
            continue
        head = tok.head
        if head.lemma_ in lex.naming_verbs:
            verb, things = head, [c for c in head.children if c.dep_ == "dobj"]
        elif head.lemma_ == "be" and head.dep_ == "ccomp" and head.head.lemma_ in lex.speech_verbs:
            verb, things = head.head, [c for c in head.children if c.dep_ == "nsubj"]
        else:
            continue
        if not things:
            continue
        speakers = ctx.resolve(roles.subject_heads(verb))
        targets = _target(ctx, things[0], kept)
        if not speakers or not targets or {e.code for e in speakers} & {e.code for e in targets}:
            continue
        out.append(_new(ctx, "characterisation", verb, speakers, targets,
                        f"characterised as '{tok.text}' by '{verb.text}'"))
    return out
