"""Acts carried by reported speech (CODEBOOK.md §1, §3), where no trigger word says them:

- "X said it had never had dealings with Y": a denial by X (REJECT deny), the act denied;
- "X said Y was covertly supplying Z": an allegation by X (ACCUSE allege), the act alleged;
- "X called Y a crime", "X said Y was a foolish attempt": a disapproval of Y by X;
- "X said Y must do Z": a demand by X on Y (REQUEST).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Span, Token

from whodid.code import roles
from whodid.code.candidate import Candidate, DocState
from whodid.code.lexicon import MODE_WHEN_ASKED, Trigger
from whodid.code.triggers import Match, lemma

if TYPE_CHECKING:
    from whodid.code.actors import DocumentMemory
    from whodid.code.coder import Coder

CLAUSE_EDGES = {"conj", "xcomp", "aux", "advcl"}


def speech_verb(tok: Token, speech_verbs: frozenset[str]) -> Token | None:
    """The speech verb whose reported clause holds this token, if any."""
    node = tok
    if node.pos_ in ("NOUN", "PROPN") and node.dep_ in ("dobj", "attr"):
        node = node.head
    while node.head.i != node.i:
        if node.dep_ == "ccomp" and node.head.lemma_ in speech_verbs:
            return node.head
        if node.dep_ not in CLAUSE_EDGES:
            return None
        node = node.head
    return None


def _synthetic(verb: Token, event: str, mode: str, cameo: str, why: str) -> Match:
    entry = Trigger(pos="verb", head=verb.lemma_, extra=(), event=event, mode=mode, cameo=cameo,
                    object=None, object_none=False, object_not=frozenset(), subject=None,
                    recipient=(), embeds="none", confidence=0.6, source=why)
    return Match(verb, entry, [verb], None)


def _new(coder: Coder, verb: Token, sent: Span, sequence: int, event: str, mode: str,
         cameo: str, actors, recipients, why: str, memory: DocumentMemory) -> Candidate:
    cand = Candidate(_synthetic(verb, event, mode, cameo, why), sent, sequence, event=event,
                     mode=mode, actors=list(actors), recipients=list(recipients), why=[why])
    coder._finish(cand, memory)
    return cand


def _target(coder: Coder, noun: Token, memory: DocumentMemory, state: DocState) -> list:
    """Who a characterised thing stands for: itself if it is an actor ("Washington"), else its
    owner ("the US move", "Moscow's plan")."""
    if noun.pos_ == "PRON" and noun.lower_ in ("it", "this", "that"):
        # "calling it a crime": "it" is usually the act just named, so the target is whoever
        # did the last act of that kind in the document
        for prev in reversed(list(noun.sent[: noun.i - noun.sent.start])):
            entries = coder.lexicon.lookup("noun", lemma(prev))
            if entries and state.last_actors.get(entries[0].event):
                return list(state.last_actors[entries[0].event])
    ent = coder.resolver.resolve(noun, memory)
    if ent.code:
        return [ent]
    owners = [coder.resolver.resolve(t, memory) for t in roles.object_owner(noun)]
    return [e for e in owners if e.code]


def _pejorative(lex, tok: Token) -> bool:
    words = {lemma(tok)} | {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound")}
    return bool(words & lex.pejoratives)


def reported_acts(coder: Coder, kept: list[Candidate], sent: Span, sequence: int,
                  memory: DocumentMemory, state: DocState) -> list[Candidate]:
    """New events found through speech in this sentence; may also change the status of
    events already found (a denied or alleged act)."""
    lex = coder.lexicon
    new: list[Candidate] = []
    denials: list[tuple[Candidate, Token, list]] = []
    for cand in kept:
        if cand.governor is not None or cand.status not in ("asserted", "negated"):
            continue
        verb = speech_verb(cand.token, lex.speech_verbs)
        if verb is None:
            continue
        speakers = coder._resolve(roles.subject_heads(verb), memory)
        speaker_codes = {e.code for e in speakers if e.code}
        if not speaker_codes:
            continue
        actor_codes = cand.codes("actor")
        if cand.status == "negated" and actor_codes & speaker_codes:
            cand.status, cand.claimant = "denied", speakers
            cand.why.append(f"denied: '{verb.text}' with negation")
            denials.append((cand, verb, speakers))
        elif cand.status == "asserted" and actor_codes and not actor_codes & speaker_codes and any(
                c.lower_ in lex.covert_adverbs for c in cand.token.children):
            cand.status, cand.claimant = "alleged", speakers
            cand.why.append(f"alleged: '{verb.text}' + covert act")
            new.append(_new(coder, verb, sent, sequence, "ACCUSE", "allege", "112", speakers,
                            cand.actors, f"speaker alleges covert act: '{verb.text}'", memory))
    for cand, verb, speakers in denials:
        speaker_codes = {e.code for e in speakers}
        accusers = [c.actors for c in kept + new if c.event == "ACCUSE" and c.actors
                    and not c.codes("actor") & speaker_codes] + [state.last_accuser]
        accuser = next((a for a in accusers if a and not {e.code for e in a} & speaker_codes),
                       [])
        new.append(_new(coder, verb, sent, sequence, "REJECT", "deny", "016", speakers,
                        accuser, f"speaker denies own act: '{verb.text}' + negated clause", memory))
    new.extend(_characterisations(coder, sent, sequence, memory, state))
    new.extend(_obligations(coder, kept, sent, sequence, memory))
    return new


OBLIGATION_AUX = {"must", "should"}


def _obligations(coder: Coder, kept: list[Candidate], sent: Span, sequence: int,
                 memory: DocumentMemory) -> list[Candidate]:
    """ "X said Y must do Z" is a demand by X on Y (REQUEST); acts inside Z are what is
    demanded, not events of their own."""
    lex = coder.lexicon
    out = []
    for verb in sent:
        if verb.dep_ != "ccomp" or verb.head.lemma_ not in lex.speech_verbs:
            continue
        if not any(c.dep_ == "aux" and c.lower_ in OBLIGATION_AUX for c in verb.children):
            continue
        speech_verb = verb.head
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        speakers = coder._resolve(roles.subject_heads(speech_verb), memory)
        targets = [e for e in coder._resolve(roles.conjuncts(subjects[0]), memory) if e.code] \
            if subjects else []
        if not speakers or not targets or {e.code for e in speakers} & {e.code for e in targets}:
            continue
        inside = {t.i for t in verb.subtree}
        demanded = [c for c in kept if c.token.i in inside]
        for c in demanded:
            c.absorbed = True
        mode = MODE_WHEN_ASKED.get(demanded[0].event, "change") if demanded else "change"
        out.append(_new(coder, speech_verb, sent, sequence, "REQUEST", mode, "100", speakers,
                        targets, f"'{speech_verb.text}' + '{verb.text}' with must/should", memory))
    return out


def _characterisations(coder: Coder, sent: Span, sequence: int, memory: DocumentMemory,
                       state: DocState) -> list[Candidate]:
    """ "X called Y an unethical crime" / "X said Y was a foolish attempt" → ACCUSE X→Y."""
    lex = coder.lexicon
    out = []
    for tok in sent:
        if tok.dep_ not in ("oprd", "attr", "xcomp", "ccomp") or not _pejorative(lex, tok):
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
        speakers = coder._resolve(roles.subject_heads(verb), memory)
        targets = _target(coder, things[0], memory, state)
        if not speakers or not targets or {e.code for e in speakers} & {e.code for e in targets}:
            continue
        out.append(_new(coder, verb, sent, sequence, "ACCUSE", "disapprove", "111", speakers,
                        targets, f"characterised as '{tok.text}' by '{verb.text}'", memory))
    return out
