"""Who takes part in an event: the actor and the recipient of each candidate, from the
parse (whodid.code.roles) and the actor tables (the resolver), with the fallbacks that apply
when the parse names no one the tables know."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Token

from whodid.code import roles
from whodid.code.actors import non_state_codes
from whodid.code.candidate import Candidate, DocState
from whodid.code.context import SentenceContext
from whodid.code.wordlists import WORDS, Section
from whodid.records import Entity

LISTS = Section("stages",  # whodid/data/words.yaml, read on first use
                desire_verbs=WORDS, locative_preps=WORDS)


def fill_actors(cand: Candidate, ctx: SentenceContext) -> None:
    heads, receivers, how = roles.actor_heads(cand.match, ctx.lexicon.receiving_verbs)
    cand.actors = [with_context_country(e, cand, ctx) for e in ctx.resolve(heads)]
    if not heads:
        authority = implied_authority(cand, ctx)
        if authority is not None:
            cand.actors, how, heads = [authority], authority.why, [cand.token]
        else:
            forces = deployed_forces(cand, ctx)
            if forces:
                cand.actors, heads = forces, [cand.token]
                how = f"the forces deployed: '{forces[0].entity_text}' (agentless)"
    cand.actor_how = how if heads else ""
    cand.why.append(f"actor: {how}" if heads else "no actor found")
    if heads and how == roles.ACCUSED and cand.governor is None:
        # what X is charged with is alleged by whoever charges, also where the lexicon did
        # not match the charging verb (so that no governor does it): "charged the suspect,
        # a writer, with murder"
        accuser = roles.subject_heads(roles.accusing_verb(cand.token))
        cand.status, cand.claimant = "alleged", ctx.resolve(accuser)
        cand.why.append("alleged: what the accused is charged with")
    if receivers:
        cand.recipients = [e for e in ctx.resolve(receivers) if e.code]
        if cand.recipients:
            cand.recipient_how = "subject of the receiving verb"
            cand.why.append(f"recipient: {cand.recipient_how}")


def implied_authority(cand: Candidate, ctx: SentenceContext) -> Entity | None:
    """ "was arrested in Lebanon": arrests, deportations and convictions are acts of the
    state where they happen, so an agentless one is coded to that state's authorities; an
    arrest that names no place, to those of the arrested's country."""
    sector = ctx.lexicon.rules.state_acts.get((cand.event, cand.mode or ""))
    tok = cand.token
    if sector is None or not roles.is_passive(tok):
        return None
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "by"):
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.ent_type_ == "GPE":
                    place = ctx.resolver.resolve(obj, ctx.memory)
                    if place.code and len(place.code) == 3 and place.code.isalpha():
                        return _authorities(place, sector, ctx, f"authorities of "
                                            f"'{place.entity_text}' (agentless {cand.match.text})")
    if (cand.event, cand.mode or "") in ctx.lexicon.rules.own_country_acts:
        for target in ctx.resolve([c for c in tok.children if c.dep_ == "nsubjpass"]):
            if target.code and len(target.code) == 3 and target.code not in non_state_codes():
                # the agent is implied by the act, so the act's word stands for it (the
                # arrested's own span is the recipient's)
                implied = Entity(tok.text, tok.idx, tok.idx + len(tok.text), target.code)
                return _authorities(implied, sector, ctx, f"authorities of the country of "
                                    f"'{target.entity_text}' (agentless {cand.match.text})")
    return None


def deployed_forces(cand: Candidate, ctx: SentenceContext) -> list[Entity]:
    """ "Kenyan troops were deployed to the border": forces deployed, massed or stationed by
    no one named are the side that mobilises, coded to their own state and sector."""
    if cand.event != "MOBILIZE" or not roles.is_passive(cand.token):
        return []
    return [e for e in ctx.resolve([c for c in cand.token.children if c.dep_ == "nsubjpass"])
            if e.code]


def _authorities(ent: Entity, sector: str, ctx: SentenceContext, why: str) -> Entity:
    return Entity(ent.entity_text, ent.start, ent.end, ent.code, sector,
                  ctx.resolver.canonical(ent.code), why, "org")


def with_context_country(ent: Entity, cand: Candidate, ctx: SentenceContext) -> Entity:
    """A person or group the tables cannot place ("President Dos Santos", "students")
    takes the country its own phrase or the event's clause places it or the event in ("in
    Angola"). A state the clause names only as whom the event concerns ("urged Pakistan",
    "ties with Israel") is seldom its actor's, so where the clause names no other, the
    group takes the state the document names most."""
    if ent.code or ent.kind in ("unknown", "pronoun"):
        return ent
    doc = cand.token.doc
    span = doc.char_span(ent.start, ent.end, alignment_mode="expand")
    places: list[Token] = []
    if span is not None:
        places += [t for t in _name_heads(span.root.subtree, ("GPE", "NORP"))
                   if t.i > span.root.i]
    clause = cand.token if cand.match.entry.pos == "verb" else cand.token.head
    named = _name_heads(clause.subtree, ("GPE",))
    places += [t for t in named if _locative(t, clause)]
    for place in places:
        found = ctx.resolver.resolve(place, ctx.memory)
        if found.code and found.code not in non_state_codes():
            return _placed(ent, found.code, f"country from context '{found.entity_text}'")
    most = ctx.memory.most_named() if named else None
    if most is not None:
        return _placed(ent, most[0], f"the clause names a state only as whom the event "
                                     f"concerns: {most[1]}")
    return ent


def _name_heads(tokens: Iterable[Token], types: tuple[str, ...]) -> list[Token]:
    """The tokens of entities of these types, one per name ("South" of "South Sudan" is
    part of its head's name)."""
    return [t for t in tokens if t.ent_type_ in types
            and not (t.dep_ in ("compound", "flat") and t.head.ent_type_ == t.ent_type_)]


def _placed(ent: Entity, code: str, why: str) -> Entity:
    return Entity(ent.entity_text, ent.start, ent.end, code, ent.sector,
                  ent.name or ent.entity_text, f"{ent.why}; {why}", ent.kind)


def _locative(place: Token, clause: Token) -> bool:
    """Whether a state named in the event's clause says where it happens ("in Angola",
    "at the border of Chad"), not whom it concerns ("urged Pakistan", "ties with Israel")."""
    t = place
    while t.i != clause.i and t.head.i != t.i:
        if t.dep_ == "pobj":
            return t.head.lemma_.lower() in LISTS.locative_preps
        t = t.head
    return False


def wants_another_to_act(cand: Candidate, ctx: SentenceContext) -> None:
    """ "X wants Y to stop Z": wanting someone else to act is a request to them
    (REQUEST), not an intention of one's own (AGREE)."""
    if cand.event != "AGREE" or cand.token.lemma_ not in LISTS.desire_verbs:
        return
    for clause in cand.token.children:
        if clause.dep_ not in ("ccomp", "xcomp"):
            continue
        subjects = [c for c in clause.children if c.dep_ == "nsubj"]
        others = [e for e in ctx.resolve(roles.conjuncts(subjects[0]))
                  if e.code and e.code not in cand.codes("actor")] if subjects else []
        if others:
            cand.event, cand.mode, cand.recipients = "REQUEST", "change", others
            cand.why.append(f"wants '{others[0].entity_text}' to act: REQUEST")
            return


def fill_recipients(cand: Candidate, ctx: SentenceContext, cands: list[Candidate]) -> None:
    """The recipient from the lexicon entry's slots, in order: the first slot naming a coded
    actor wins, else the first naming anyone (uncoded)."""
    if cand.recipients:
        return  # already named by the actor search ("drew a rebuke from X")
    actor_spans = {(e.start, e.end) for e in cand.actors}
    actor_names = {e.name for e in cand.actors if e.name}
    fallback: tuple[list[Entity], str] | None = None
    for slot in cand.match.entry.recipient:
        if slot == "accuser":
            ents = accuser(cand, cands, ctx.state)
        else:
            heads = roles.recipient_candidates(cand.match, slot)
            # a pronoun pointing back at the actor itself is a resolution slip, and
            # "warned that Belgrade would respond" names the actor's own side
            ents = [e for e in ctx.resolve(heads)
                    if (e.start, e.end) not in actor_spans
                    and not (e.kind == "pronoun" and e.name in actor_names)
                    and not (slot == "ccomp_subject" and e.code
                             and e.code in cand.codes("actor"))]
        coded = list({e.code: e for e in reversed(ents) if e.code}.values())[::-1]
        if coded:
            cand.recipients, cand.recipient_how = coded, slot
            cand.why.append(f"recipient: {slot}")
            return
        named = [e for e in ents if e.kind != "unknown"]
        if named and fallback is None:
            fallback = (named, slot)
    if fallback:
        cand.recipients, cand.recipient_how = fallback
        cand.why.append(f"recipient: {cand.recipient_how} (uncoded)")


def accuser(cand: Candidate, cands: list[Candidate], state: DocState) -> list[Entity]:
    """Who a denial answers: an accusation in the same sentence, else the last one before."""
    actor_codes = cand.codes("actor")
    for other in cands:
        if other is not cand and other.event == "ACCUSE" and other.actors and not other.dropped \
                and other.governor is not cand and not (
                other.codes("actor") & actor_codes):
            return other.actors
    if state.last_accuser and not ({e.code for e in state.last_accuser} & actor_codes):
        return state.last_accuser
    return []


def complete_recipients(cand: Candidate, ctx: SentenceContext) -> None:
    """Fallbacks once the lexicon's slots and the embedding have had their say."""
    cand.recipients = [with_context_country(e, cand, ctx) for e in cand.recipients]
    if not cand.codes("recipient"):
        nearby = nearest_in_clause(cand, ctx)
        if nearby:
            cand.recipients, cand.recipient_how = [nearby], "nearest coded mention in the clause"
            cand.why.append(f"recipient: {cand.recipient_how}")
    unnamed = ctx.lexicon.rules.unnamed_recipient.get(cand.event)
    if unnamed and not cand.codes("recipient") and cand.codes("actor"):
        # a protest that names no target is aimed at the authorities where it happens
        # (rules.unnamed_recipient of ontology.yaml)
        code = min(cand.codes("actor"))
        cand.recipients = [Entity(cand.match.text, cand.match.start, cand.match.end, code,
                                  unnamed.sector, ctx.resolver.canonical(code), unnamed.reason,
                                  "state")]
        cand.recipient_how = unnamed.reason
        cand.why.append(unnamed.why)


def nearest_in_clause(cand: Candidate, ctx: SentenceContext) -> Entity | None:
    """Where no slot names a coded recipient, the closest coded mention among the
    trigger's own dependents (objects, places: "set up a centre in Tokyo") stands in."""
    tok = cand.token
    root = tok
    if cand.match.entry.pos != "verb" and tok.dep_ in ("dobj", "pobj", "attr"):
        root = tok.head.head if tok.head.dep_ == "prep" else tok.head
    excluded: set[int] = set()
    for ent in cand.actors:
        for t in tok.doc.char_span(ent.start, ent.end, alignment_mode="expand") or []:
            # an actor that modifies a noun ("Israeli" in "Israeli tank") takes the noun
            top = t.head if t.dep_ in ("amod", "compound", "poss") else t
            excluded.update(x.i for x in top.subtree)
    for c in root.children:
        if c.dep_ in ("nsubj", "relcl", "advcl", "parataxis", "conj", "ccomp",
                      "csubj", "agent", "punct"):
            excluded.update(x.i for x in c.subtree)
    heads = [t for t in root.subtree if t.i not in excluded and t.i != tok.i
             and t.pos_ in ("PROPN", "NOUN") and t.dep_ not in ("compound", "flat")]
    heads.sort(key=lambda t: abs(t.i - tok.i))
    for head in heads[:6]:
        ent = ctx.resolver.resolve(head, ctx.memory)
        if ent.code:
            return ent
    return None
