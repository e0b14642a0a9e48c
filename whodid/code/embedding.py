"""Triggers inside other triggers: "accused X of *supplying*", "threatened to *attack*",
"denied *providing*". Finds each candidate's governing trigger and applies what the
governor does to it (alleged, denied, folded into it), and drops acts that are only the
topic or the purpose of another."""

from __future__ import annotations

from spacy.tokens import Token

from whodid.code.candidate import Candidate
from whodid.code.context import SentenceContext
from whodid.code.roles import clause_head
from whodid.code.wordlists import WORDS, Section

# Dependency edges through which a trigger sits inside another trigger's complement
# ("threatened [to attack]", "accused X [of supplying]", "denied [providing]"): the edge
# that reaches the governing trigger, and the edges allowed below it.
COMPLEMENT_EDGES = {"xcomp", "ccomp", "dobj", "prep", "dative", "attr", "oprd", "acomp",
                    "pcomp", "pobj", "nsubjpass", "acl"}
INNER_EDGES = (COMPLEMENT_EDGES - {"acl"}) | {
    "conj", "compound", "amod", "advcl", "nmod", "poss", "npadvmod", "appos", "nsubj", "cc",
    "aux", "advmod"}
LISTS = Section("stages",  # whodid/data/words.yaml, read on first use
                adjunct_preps=WORDS,  # "offered talks *following* the invasion"
                commitment_verbs=WORDS,  # "pledged to expel X"
                desire_verbs=WORDS)  # "wants to investigate X"


def governor(tok: Token, by_token: dict[int, Candidate],
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
                return governor(node, by_token, speech_verbs)
            if last not in COMPLEMENT_EDGES and not (
                    last == "advcl" and any(c.tag_ == "TO" for c in below.children)):
                return None
            if any(e not in INNER_EDGES for e in edges[:-1]):
                return None
            if any(t.dep_ == "prep" and t.lower_ in LISTS.adjunct_preps for t in _path(tok, node)):
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


def drop_topic(cand: Candidate, ctx: SentenceContext) -> None:
    """A nominal act that is only the topic of another act ("rejected the accusations")
    is an event of its own only when it is material and has its own actor."""
    if (cand.governor is not None and cand.match.entry.pos == "noun"
            and cand.governor.match.entry.embeds != "absorb"
            and cand.token.dep_ in ("dobj", "pobj", "nsubjpass")):
        quad = ctx.lexicon.types[cand.event].quad
        gov_quad = ctx.lexicon.types[cand.governor.event].quad
        reason = cand.token.dep_ == "pobj" and cand.token.head.lower_ in ("for", "over")
        if (quad in (1, 3) or not cand.actors or cand.actor_how.startswith("subject of")
                or reason and gov_quad in (1, 3)):
            # "praised China for its assistance": the reason for a verbal act is its topic
            cand.dropped = "topic of another event"


def _governed_head(gov: Candidate) -> Token:
    """The token a complement of the governor hangs from: the copula of a predicative
    adjective ("is *willing* to"), else the trigger itself."""
    tok = gov.token
    return clause_head(tok) if gov.match.entry.pos == "adj" else tok


def embed(cand: Candidate, ctx: SentenceContext) -> None:
    """Apply what the governing triggers do to this one (alleged, denied, absorbed)."""
    types, rules = ctx.lexicon.types, ctx.lexicon.rules
    gov = cand.governor
    while gov is not None and gov.dropped:
        gov = gov.governor
    if gov is None:
        return
    if _absorbed_by(gov):
        cand.absorbed = True
        return
    kind = gov.match.entry.embeds
    if (gov.event == "AGREE" and gov.token.lemma_ in LISTS.commitment_verbs
            and types[cand.event].quad == 4):
        # "pledged to expel X": a commitment to a harmful act is that act, future
        gov.dropped = f"commitment to {cand.event}: coded as the act"
        cand.status, cand.committed = "future", True
        cand.actors = cand.actors or gov.actors
        cand.why.append(f"status: committed to by '{gov.match.text}'")
        return
    if kind == "absorb":
        cand.absorbed = True
        if not gov.codes("recipient") and cand.codes("recipient"):
            gov.recipients, gov.recipient_how = cand.recipients, f"from '{cand.match.text}'"
            gov.why.append(f"recipient: {gov.recipient_how}")
        if gov.event in ("REQUEST", "REJECT") and gov.mode is None:
            gov.mode = rules.asked_mode(cand.event)
        if (gov.event == "AGREE" and gov.token.lemma_ in LISTS.desire_verbs
                and types[cand.event].quad == 3
                and cand.token.head.i == _governed_head(gov).i):
            # "want to investigate X": an intended verbal act is coded as that act
            gov.event, gov.mode, gov.match = cand.event, cand.mode, cand.match
            gov.recipients = cand.recipients or gov.recipients
            gov.why.append(f"intended '{cand.match.text}' coded {cand.event}")
            return
        if (gov.event == "AGREE" and (types[cand.event].quad == 4 or cand.event == "THREATEN")
                and cand.token.head.i == _governed_head(gov).i
                and cand.token.dep_ in ("xcomp", "ccomp", "dobj")):
            gov.event = "THREATEN"
            gov.why.append(f"promised {cand.event} coded THREATEN")
        if gov.event == "THREATEN" and gov.mode is None:
            etype = types[cand.event]
            gov.mode = rules.threat_mode_by_event_mode.get(cand.mode or "", etype.threat_mode)
        return
    if kind in ("alleged", "denied"):
        cand.status = kind
        cand.claimant = list(gov.actors)
        cand.why.append(f"{kind}: inside '{gov.match.text}'")


def absorb_adjunct(cand: Candidate, ctx: SentenceContext, by_token: dict[int, Candidate]) -> None:
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
    types = ctx.lexicon.types
    if types[cand.event].quad in (1, 3) and types[host.event].quad in (2, 4):
        cand.absorbed = True
