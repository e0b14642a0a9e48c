"""The coder: a document in, event records out. A pure function of the document and the
loaded knowledge (model, lexicon, actor tables), so it runs the same in one process, a
process pool or a cluster."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from whodid.code import dates, roles, speech, status
from whodid.code.actors import ActorResolver, DocumentMemory, get_resolver
from whodid.code.candidate import Candidate, DocState
from whodid.code.lexicon import MODE_WHEN_ASKED, Lexicon, get_lexicon
from whodid.code.triggers import find_triggers
from whodid.nlp import DEFAULT_MODEL, load_model
from whodid.records import Document, Entity, Event

# Dependency edges through which a trigger sits inside another trigger's complement
# ("threatened [to attack]", "accused X [of supplying]", "denied [providing]"): the edge
# that reaches the governing trigger, and the edges allowed below it.
COMPLEMENT_EDGES = {"xcomp", "ccomp", "dobj", "prep", "dative", "attr", "oprd", "acomp",
                    "pcomp", "pobj", "nsubjpass", "acl"}
INNER_EDGES = (COMPLEMENT_EDGES - {"acl"}) | {
    "conj", "compound", "amod", "advcl", "nmod", "poss", "npadvmod", "appos", "nsubj", "cc",
    "aux", "advmod"}
# Prepositions that open an adjunct of time, cause or circumstance, not a complement:
# "offered talks *following the invasion*" does not offer an invasion.
ADJUNCT_PREPS = {"after", "before", "following", "during", "since", "amid", "despite",
                 "because", "until"}
NON_STATE_CODES = {"IGO", "UNO", "EUR", "NGO", "MNC", "IMG", "ISM"}
# Acts only a state's authorities perform, with the sector that performs them.
STATE_ACTS = {("COERCE", "arrest"): "COP", ("COERCE", "deport"): "GOV",
              ("SANCTION", "convict"): "JUD", ("COERCE", "censor"): "GOV"}
DESIRE_VERBS = {"want", "wish", "like", "prefer"}
COMMITMENT_VERBS = {"agree", "pledge", "promise", "commit", "undertake"}
FUTURE_TO_AGREE = {"CONSULT", "SUPPORT", "COOPERATE", "AID"}
THREAT_MODE_BY_EVENT_MODE = {"arrest": "arrest", "expel": "expel", "deport": "expel",
                             "discontinue": "relations", "withdraw": "relations"}


class Coder:
    """Holds what is loaded once per process and codes documents with it."""

    def __init__(self, model: str = DEFAULT_MODEL, triggers: Sequence[Path] = (),
                 actors: Sequence[Path] = ()) -> None:
        self.nlp = load_model(model)
        self.lexicon: Lexicon = get_lexicon(tuple(Path(p) for p in triggers))
        self.resolver: ActorResolver = (ActorResolver(actors) if actors else get_resolver())

    def parse(self, text: str) -> Doc:
        return self.nlp(text)

    def code(self, doc: Document) -> list[dict[str, Any]]:
        return self.code_parsed(doc, self.parse(doc.text))

    def code_parsed(self, document: Document, parsed: Doc) -> list[dict[str, Any]]:
        memory = self.resolver.new_document()
        state = DocState()
        records: list[dict[str, Any]] = []
        for sequence, sent in enumerate(parsed.sents):
            self.resolver.observe(sent, memory)
            events = self._code_sentence(sent, sequence, memory, state)
            for k, cand in enumerate(events):
                records.append(self._record(document, cand, k).to_dict())
        return records

    # ------------------------------------------------------------------ per sentence
    def _code_sentence(self, sent: Span, sequence: int, memory: DocumentMemory,
                       state: DocState) -> list[Candidate]:
        matches = find_triggers(sent, self.lexicon)
        cands = [Candidate(m, sent, sequence, event=m.entry.event, mode=m.entry.mode)
                 for m in matches]
        by_token = {c.token.i: c for c in cands}
        for cand in cands:
            cand.governor = _governor(cand.token, by_token, self.lexicon.speech_verbs)
        for cand in cands:
            self._fill_actors(cand, memory)
            self._wants_another_to_act(cand, memory)
            self._drop_topic(cand)
        # Accusations first, so that a denial in the same sentence can name its accuser.
        for cand in sorted(cands, key=lambda c: c.event != "ACCUSE"):
            if cand.dropped is None:
                self._fill_recipients(cand, memory, state, cands)
        for cand in cands:
            self._embed(cand)
            self._absorb_adjunct(cand, by_token)
        for cand in cands:
            if not (cand.absorbed or cand.dropped):
                self._complete_recipients(cand, memory)
        for cand in cands:
            self._finish(cand, memory)
        kept = [c for c in cands if not c.absorbed and c.dropped is None]
        kept += speech.reported_acts(self, kept, sent, sequence, memory, state)
        kept = _merge([c for c in kept if not c.absorbed])
        for cand in kept:
            if cand.event == "ACCUSE" and cand.actors and cand.status == "asserted":
                state.last_accuser = cand.actors
            if any(e.code for e in cand.actors):
                state.last_actors[cand.event] = cand.actors
        return kept

    def _resolve(self, heads: list[Token], memory: DocumentMemory) -> list[Entity]:
        out: list[Entity] = []
        seen: set[tuple[int, int]] = set()
        for head in heads:
            ent = self.resolver.resolve(head, memory)
            for part in self._split_conjoined_modifiers(head, ent, memory):
                key = (part.start, part.end)
                if key not in seen:
                    seen.add(key)
                    out.append(part)
        return out

    def _split_conjoined_modifiers(self, head: Token, ent: Entity,
                                   memory: DocumentMemory) -> list[Entity]:
        """ "Hungarian and Romanian officials" are two actors, one per nationality."""
        for mod in head.children:
            if mod.dep_ not in ("amod", "compound", "nmod") or not any(
                    c.dep_ == "conj" for c in mod.children):
                continue
            parts = [mod, *[c for c in mod.subtree if c.dep_ == "conj"]]
            coded = [(m, self.resolver.resolve(m, memory)) for m in parts]
            if len(coded) > 1 and all(e.code for _, e in coded):
                return [Entity(m.text, m.idx, m.idx + len(m.text), e.code, ent.sector, e.name,
                               f"{e.why}; one of the conjoined modifiers of '{head.text}'",
                               ent.kind) for m, e in coded]
        return [ent]

    def _fill_actors(self, cand: Candidate, memory: DocumentMemory) -> None:
        heads, receivers, how = roles.actor_heads(
            cand.match, self.lexicon.light_verbs, self.lexicon.receiving_verbs)
        cand.actors = [self._with_context_country(e, cand, memory)
                       for e in self._resolve(heads, memory)]
        if not heads:
            authority = self._implied_authority(cand, memory)
            if authority is not None:
                cand.actors, how, heads = [authority], "authorities of the place", [cand.token]
        cand.actor_how = how if heads else ""
        cand.why.append(f"actor: {how}" if heads else "no actor found")
        if receivers:
            cand.recipients = [e for e in self._resolve(receivers, memory) if e.code]
            if cand.recipients:
                cand.why.append("recipient: subject of the receiving verb")

    def _implied_authority(self, cand: Candidate, memory: DocumentMemory) -> Entity | None:
        """ "was arrested in Lebanon": arrests, deportations and convictions are acts of the
        state where they happen, so an agentless one is coded to that state's authorities."""
        sector = STATE_ACTS.get((cand.event, cand.mode))
        tok = cand.token
        if sector is None or not roles.is_passive(tok):
            return None
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in ("in", "by"):
                for obj in prep.children:
                    if obj.dep_ == "pobj" and obj.ent_type_ == "GPE":
                        place = self.resolver.resolve(obj, memory)
                        if place.code and len(place.code) == 3 and place.code.isalpha():
                            return Entity(place.entity_text, place.start, place.end, place.code,
                                          sector, self.resolver.canonical(place.code),
                                          f"authorities of '{place.entity_text}' (agentless "
                                          f"{cand.match.text})", "org")
        return None

    def _with_context_country(self, ent: Entity, cand: Candidate,
                              memory: DocumentMemory) -> Entity:
        """A person or group the tables cannot place ("President Dos Santos", "students")
        takes the country the sentence places them or the event in ("in Angola")."""
        if ent.code or ent.kind in ("unknown", "pronoun"):
            return ent
        doc = cand.token.doc
        span = doc.char_span(ent.start, ent.end, alignment_mode="expand")
        places: list[Token] = []
        if span is not None:
            places += [t for t in span.root.subtree if t.ent_type_ in ("GPE", "NORP")
                       and t.i > span.root.i]
        clause = cand.token if cand.match.entry.pos == "verb" else cand.token.head
        places += [t for t in clause.subtree if t.ent_type_ == "GPE"]
        for place in places:
            if place.dep_ in ("compound", "flat") and place.head.ent_type_ == place.ent_type_:
                continue
            found = self.resolver.resolve(place, memory)
            if found.code and found.code not in NON_STATE_CODES:
                return Entity(ent.entity_text, ent.start, ent.end, found.code, ent.sector,
                              ent.name or ent.entity_text,
                              f"{ent.why}; country from context '{found.entity_text}'",
                              ent.kind)
        return ent

    def _fill_recipients(self, cand: Candidate, memory: DocumentMemory, state: DocState,
                         cands: list[Candidate]) -> None:
        if cand.recipients:
            return  # already named by the actor search ("drew a rebuke from X")
        actor_spans = {(e.start, e.end) for e in cand.actors}
        actor_names = {e.name for e in cand.actors if e.name}
        fallback: tuple[list[Entity], str] | None = None
        for slot in cand.match.entry.recipient:
            if slot == "accuser":
                ents = _accuser(cand, cands, state)
            else:
                heads = roles.recipient_candidates(cand.match, slot)
                # a pronoun pointing back at the actor itself is a resolution slip, and
                # "warned that Belgrade would respond" names the actor's own side
                ents = [e for e in self._resolve(heads, memory)
                        if (e.start, e.end) not in actor_spans
                        and not (e.kind == "pronoun" and e.name in actor_names)
                        and not (slot == "ccomp_subject" and e.code
                                 and e.code in cand.codes("actor"))]
            coded = list({e.code: e for e in reversed(ents) if e.code}.values())[::-1]
            if coded:
                cand.recipients = coded
                cand.why.append(f"recipient: {slot}")
                return
            named = [e for e in ents if e.kind != "unknown"]
            if named and fallback is None:
                fallback = (named, slot)
        if fallback:
            cand.recipients, slot = fallback
            cand.why.append(f"recipient: {slot} (uncoded)")

    def _complete_recipients(self, cand: Candidate, memory: DocumentMemory) -> None:
        """Fallbacks once the lexicon's slots and the embedding have had their say."""
        cand.recipients = [self._with_context_country(e, cand, memory)
                           for e in cand.recipients]
        if not cand.codes("recipient"):
            nearby = self._nearest_in_clause(cand, memory)
            if nearby:
                cand.recipients = [nearby]
                cand.why.append("recipient: nearest coded mention in the clause")
        if cand.event == "PROTEST" and not cand.codes("recipient") and cand.codes("actor"):
            # a protest that names no target is aimed at the authorities where it happens
            code = min(cand.codes("actor"))
            cand.recipients = [Entity(cand.match.text, cand.match.start, cand.match.end, code,
                                      "GOV", self.resolver.canonical(code),
                                      "protest with no named target: the authorities",
                                      "state")]
            cand.why.append("recipient: the protesters' own authorities")

    def _nearest_in_clause(self, cand: Candidate, memory: DocumentMemory) -> Entity | None:
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
            ent = self.resolver.resolve(head, memory)
            if ent.code:
                return ent
        return None

    def _wants_another_to_act(self, cand: Candidate, memory: DocumentMemory) -> None:
        """ "X wants Y to stop Z": wanting someone else to act is a request to them
        (REQUEST), not an intention of one's own (AGREE)."""
        if cand.event != "AGREE" or cand.token.lemma_ not in DESIRE_VERBS:
            return
        for clause in cand.token.children:
            if clause.dep_ not in ("ccomp", "xcomp"):
                continue
            subjects = [c for c in clause.children if c.dep_ == "nsubj"]
            others = [e for e in self._resolve(roles.conjuncts(subjects[0]), memory)
                      if e.code and e.code not in cand.codes("actor")] if subjects else []
            if others:
                cand.event, cand.mode, cand.recipients = "REQUEST", "change", others
                cand.why.append(f"wants '{others[0].entity_text}' to act: REQUEST")
                return

    def _drop_topic(self, cand: Candidate) -> None:
        """A nominal act that is only the topic of another act ("rejected the accusations")
        is an event of its own only when it is material and has its own actor."""
        if (cand.governor is not None and cand.match.entry.pos == "noun"
                and cand.governor.match.entry.embeds != "absorb"
                and cand.token.dep_ in ("dobj", "pobj", "nsubjpass")):
            quad = self.lexicon.types[cand.event].quad
            gov_quad = self.lexicon.types[cand.governor.event].quad
            reason = cand.token.dep_ == "pobj" and cand.token.head.lower_ in ("for", "over")
            if (quad in (1, 3) or not cand.actors or cand.actor_how.startswith("subject of")
                    or reason and gov_quad in (1, 3)):
                # "praised China for its assistance": the reason for a verbal act is its topic
                cand.dropped = "topic of another event"

    def _embed(self, cand: Candidate) -> None:
        """Apply what the governing triggers do to this one (alleged, denied, absorbed)."""
        gov = cand.governor
        while gov is not None and gov.dropped:
            gov = gov.governor
        if gov is None:
            return
        if _absorbed_by(gov):
            cand.absorbed = True
            return
        kind = gov.match.entry.embeds
        if (gov.event == "AGREE" and gov.token.lemma_ in COMMITMENT_VERBS
                and self.lexicon.types[cand.event].quad == 4):
            # "pledged to expel X": a commitment to a harmful act is that act, future
            gov.dropped = f"commitment to {cand.event}: coded as the act"
            cand.status, cand.committed = "future", True
            cand.actors = cand.actors or gov.actors
            cand.why.append(f"status: committed to by '{gov.match.text}'")
            return
        if kind == "absorb":
            cand.absorbed = True
            if not gov.codes("recipient") and cand.codes("recipient"):
                gov.recipients = cand.recipients
                gov.why.append(f"recipient: from '{cand.match.text}'")
            if gov.event in ("REQUEST", "REJECT") and gov.mode is None:
                gov.mode = MODE_WHEN_ASKED.get(cand.event, "change")
            if (gov.event == "AGREE" and gov.token.lemma_ in DESIRE_VERBS
                    and self.lexicon.types[cand.event].quad == 3
                    and cand.token.head.i == gov.clause_head.i):
                # "want to investigate X": an intended verbal act is coded as that act
                gov.event, gov.mode, gov.match = cand.event, cand.mode, cand.match
                gov.recipients = cand.recipients or gov.recipients
                gov.why.append(f"intended '{cand.match.text}' coded {cand.event}")
                return
            if (gov.event == "AGREE" and self.lexicon.types[cand.event].quad == 4
                    and cand.token.head.i == gov.clause_head.i
                    and cand.token.dep_ in ("xcomp", "ccomp", "dobj")):
                gov.event = "THREATEN"
                gov.why.append(f"promised {cand.event} coded THREATEN")
            if gov.event == "THREATEN" and gov.mode is None:
                etype = self.lexicon.types[cand.event]
                gov.mode = THREAT_MODE_BY_EVENT_MODE.get(cand.mode or "", etype.threat_mode)
            return
        if kind in ("alleged", "denied"):
            cand.status = kind
            cand.claimant = list(gov.actors)
            cand.why.append(f"{kind}: inside '{gov.match.text}'")

    def _absorb_adjunct(self, cand: Candidate, by_token: dict[int, Candidate]) -> None:
        """ "protested ..., demanding X" / "went on strike to demand X": the demand is what the
        material act is for, not an event of its own."""
        tok = cand.token
        while tok.dep_ == "conj" and tok.head.i != tok.i:
            tok = tok.head  # "blocking the bridge and demanding ..."
        if tok.dep_ != "advcl" or not (tok.tag_ == "VBG" or any(
                c.tag_ == "TO" for c in tok.children)):
            return
        host = by_token.get(tok.head.i)
        if host is None and tok.head.dep_ in ("dobj", "pobj"):
            host = by_token.get(tok.head.head.i)
        if host is None or host.dropped:
            return
        if self.lexicon.types[cand.event].quad in (1, 3) and self.lexicon.types[
                host.event].quad in (2, 4):
            cand.absorbed = True

    def _finish(self, cand: Candidate, memory: DocumentMemory) -> None:
        if cand.dropped or cand.absorbed:
            return
        tok = cand.token
        if tok.dep_ == "acl" and tok.tag_ == "VBN" and cand.match.entry.pos == "verb":
            # "property seized by government forces": an act named only to describe a thing
            cand.dropped = "background: participle modifying a noun"
            return
        if not cand.actors:
            cand.dropped = "no identifiable actor"
            return
        if cand.status == "asserted":
            cand.status, reason = status.own_status(cand.token)
            if reason:
                cand.why.append(f"status: {reason}")
        self._recode_by_actor(cand)
        if not cand.committed:
            self._recode_by_status(cand, memory)
        entry = cand.match.entry
        conf = entry.confidence
        conf += 0.1 if any(e.code for e in cand.actors) else -0.1
        conf += 0.05 if any(e.code for e in cand.recipients) else 0.0
        if entry.pos == "noun":
            conf -= 0.1
        if cand.status in ("alleged", "denied"):
            conf -= 0.05
        cand.confidence = round(min(0.99, max(0.05, conf)), 2)

    def _recode_by_actor(self, cand: Candidate) -> None:
        """Damage to property by protesters is protest (PROTEST vandalize), not repression:
        COERCE is what authorities and armed groups do (CODEBOOK.md §2)."""
        if cand.event == "COERCE" and cand.mode == "seize" and cand.actors and all(
                e.sector == "CVL" for e in cand.actors):
            cand.event, cand.mode = "PROTEST", "vandalize"
            cand.why.append("property damage by civilians coded PROTEST")

    def _self_announced(self, cand: Candidate, memory: DocumentMemory) -> bool:
        """Whether the act is reported as announced by its own actor ("X said it will...")."""
        verb = speech.speech_verb(cand.token, self.lexicon.speech_verbs)
        if verb is None:
            return False
        speakers = {e.code for e in self._resolve(roles.subject_heads(verb), memory)
                    if e.code}
        return bool(speakers & cand.codes("actor"))

    def _recode_by_status(self, cand: Candidate, memory: DocumentMemory) -> None:
        """Announced acts are coded by what they announce (CODEBOOK.md §2, §3): a promised
        cooperation is AGREE; an announced or conditional act of material conflict is a
        threat of it (THREATEN, as CAMEO 13 codes "said it would attack"); a cooperation
        announced as not going to happen ("will not meet") is a refusal (REJECT)."""
        etype = self.lexicon.types[cand.event]
        if cand.status == "future" and (cand.event in FUTURE_TO_AGREE or (
                etype.quad in (1, 2) and self._self_announced(cand, memory))):
            # "Israel announced it would free prisoners": an actor announcing its own
            # cooperative act is promising it
            cand.why.append(f"future {cand.event} coded AGREE")
            cand.event, cand.mode, cand.status = "AGREE", None, "asserted"
        elif cand.status in ("future", "hypothetical") and etype.quad == 4:
            cand.why.append(f"{cand.status} {cand.event} coded THREATEN")
            cand.mode = THREAT_MODE_BY_EVENT_MODE.get(cand.mode or "", etype.threat_mode)
            cand.event, cand.status = "THREATEN", "asserted"
        elif (cand.status == "negated" and etype.quad in (1, 2)
              and status.modality(cand.token) is not None):
            cand.why.append(f"refused {cand.event} coded REJECT")
            cand.mode = MODE_WHEN_ASKED.get(cand.event, "change")
            cand.event, cand.status = "REJECT", "asserted"

    def _record(self, document: Document, cand: Candidate, k: int) -> Event:
        etype = self.lexicon.types[cand.event]
        sent = cand.sent
        entry = cand.match.entry
        head = f"{entry.pos} '{entry.phrase}' -> {cand.event}"
        return Event(
            id=f"{document.id}:{cand.sequence}:{k}",
            doc_id=document.id,
            event=cand.event,
            mode=cand.mode,
            status=cand.status,
            quad_code=etype.quad,
            score=etype.score,
            cameo=entry.cameo if cand.event == entry.event else None,
            actor=cand.actors,
            recipient=cand.recipients,
            claimant=cand.claimant if cand.status in ("alleged", "denied") else [],
            trigger={"text": cand.match.text, "start": cand.match.start, "end": cand.match.end},
            date=dates.date_for_event(sent, cand.token, document.published),
            event_loc=None,
            text_info={"sequence": cand.sequence, "start": sent.start_char,
                       "end": sent.end_char},
            event_text=sent.text.strip(),
            confidence=cand.confidence,
            why="; ".join([head, *cand.why]),
        )


def _governor(tok: Token, by_token: dict[int, Candidate],
              speech_verbs: frozenset[str]) -> Candidate | None:
    """The trigger whose complement this trigger sits in, if any."""
    node, edges, below = tok, [], tok
    while node.head.i != node.i:
        edges.append(node.dep_)
        below, node = node, node.head
        if node.i in by_token:
            last = edges[-1]
            if last == "conj" and len(edges) == 1:
                # "accused X of supplying rockets and helping bolster": a conjunct shares
                # the governor of its first conjunct
                return _governor(node, by_token, speech_verbs)
            if last not in COMPLEMENT_EDGES and not (
                    last == "advcl" and any(c.tag_ == "TO" for c in below.children)):
                return None
            if any(e not in INNER_EDGES for e in edges[:-1]):
                return None
            if any(t.dep_ == "prep" and t.lower_ in ADJUNCT_PREPS for t in _path(tok, node)):
                return None
            return by_token[node.i]
        if node.dep_ in ("relcl", "parataxis") or node.lemma_ in speech_verbs:
            return None
    return None


def _path(tok: Token, top: Token) -> list[Token]:
    """The tokens from `tok` up to (not including) its ancestor `top`."""
    out = []
    while tok.i != top.i and tok.head.i != tok.i:
        out.append(tok)
        tok = tok.head
    return out


def _absorbed_by(gov: Candidate) -> bool:
    """Whether a trigger is itself folded into an absorbing trigger above it."""
    node = gov.governor
    while node is not None:
        if node.match.entry.embeds == "absorb" and not node.dropped:
            return True
        node = node.governor
    return False


def _accuser(cand: Candidate, cands: list[Candidate], state: DocState) -> list[Entity]:
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


def _merge(cands: list[Candidate]) -> list[Candidate]:
    """One event per act: triggers of the same type, status and actor in one sentence ("drew a
    rebuke from X, who accused Y") are one event; the better-supported one is kept."""
    kept: list[Candidate] = []
    for cand in cands:
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
            better.recipients = other.recipients
        better.why.append(f"merged with '{other.match.text}'")
        kept[kept.index(twin)] = better
    return kept


def _support(cand: Candidate) -> tuple[int, float]:
    return (len(cand.codes("recipient")) + len(cand.codes("actor")), cand.confidence)
