"""What the learned layer sees of a sentence, and the features it draws from it.

A sentence is turned into a plain `SentenceView` (tokens, coded mentions, what the rules
found) so that the same feature code serves training (from gold files) and coding (from the
live pipeline), and features can be cached without spaCy objects."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache

# Parts of speech whose lemmas carry the event: the rest (determiners, pronouns, numbers)
# only add noise to a linear model with a few thousand training sentences.
CONTENT_POS = {"NOUN", "VERB", "ADJ", "ADV", "PROPN", "ADP", "AUX", "PART"}
ARG_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "agent", "dative", "attr", "poss",
            "appos", "conj", "compound", "amod", "npadvmod", "ROOT", "ccomp", "xcomp"}


@dataclass(frozen=True)
class Tok:
    """One token: `head` is the sentence-relative index of its head (itself for the root)."""

    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    ent: str


@dataclass(frozen=True)
class Mention:
    """A coded mention the actor model may choose: `i` is its head token in the sentence,
    or -1 for a mention carried from earlier in the document (`source` says which)."""

    i: int
    code: str
    sector: str | None
    kind: str
    text: str
    start: int
    end: int
    source: str = "sentence"  # sentence | previous (last sentence's subject) | document


@dataclass(frozen=True)
class RuleEvent:
    """An event the rules coded in this sentence (trigger index sentence-relative)."""

    event: str
    mode: str | None
    status: str
    trigger: int
    actor: tuple[str, ...]
    recipient: tuple[str, ...]
    recipient_how: str = ""  # the rules' Candidate.recipient_how


@dataclass
class SentenceView:
    toks: list[Tok]
    mentions: list[Mention]
    rules: list[RuleEvent]
    lexicon: list[tuple[int, str]]  # every lexicon trigger hit, kept or not: (index, type)
    number: int  # the sentence's position in the document
    children: list[list[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.children = [[] for _ in self.toks]
        for k, t in enumerate(self.toks):
            if t.head != k:
                self.children[t.head].append(k)


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def sentence_features(v: SentenceView) -> list[str]:
    """Features for "which event types does this sentence report"."""
    f: list[str] = [f"len={_bucket(len(v.toks), (8, 15, 25, 40))}",
                    f"pos={_bucket(v.number, (0, 1, 3, 8))}"]
    toks = v.toks
    content = [k for k, t in enumerate(toks) if t.pos in CONTENT_POS]
    for k in content:
        t = toks[k]
        f.append(f"w={t.lemma}")
        if t.pos == "VERB":
            f.append(f"v={t.lemma}")
            f.append(f"vd={t.lemma}|{t.dep}")
            for c in v.children[k]:
                ct = toks[c]
                if ct.dep in ("dobj", "nsubjpass", "attr", "dative"):
                    f.append(f"vo={t.lemma}|{ct.lemma}")
                elif ct.dep == "prep":
                    f.append(f"vp={t.lemma}|{ct.lemma}")
                elif ct.dep == "neg":
                    f.append(f"neg={t.lemma}")
                elif ct.dep == "aux" and ct.lemma in ("will", "would", "could", "may", "might"):
                    f.append(f"modal={ct.lemma}")
        elif t.pos == "NOUN":
            h = toks[t.head]
            f.append(f"nh={t.lemma}|{h.lemma}")
    for a, b in itertools.pairwise(content):
        f.append(f"b={toks[a].lemma}|{toks[b].lemma}")
    if any(t.text in ('"', "“", "”") for t in toks):
        f.append("quote")
    ents = sorted({t.ent for t in toks if t.ent})
    f += [f"ent={e}" for e in ents]
    coded = len({m.code for m in v.mentions if m.source == "sentence"})
    f.append(f"coded={_bucket(coded, (0, 1, 2, 3))}")
    for r in v.rules:
        f += [f"r={r.event}", f"r={r.event}|{r.status}", f"rm={r.event}|{r.mode}",
              f"rt={r.event}|{toks[r.trigger].lemma}"]
    for k, event in v.lexicon:
        f += [f"lx={event}", f"lxw={event}|{toks[k].lemma}"]
    return f


def candidate_units(v: SentenceView) -> list[tuple[int, str, RuleEvent | None]]:
    """Every (trigger index, type) the lexicon proposed in the sentence, with the rules' event
    where they kept it: what the candidate model judges one by one."""
    units: list[tuple[int, str, RuleEvent | None]] = [(r.trigger, r.event, r) for r in v.rules]
    seen = {(k, t) for k, t, _ in units}
    for k, t in v.lexicon:
        if (k, t) not in seen:
            seen.add((k, t))
            units.append((k, t, None))
    return units


# Dependents whose word tells whether a trigger reports an event ("will", "not", "after");
# for argument dependents the entity type or part of speech is enough.
_MARKER_DEPS = {"aux", "auxpass", "neg", "mark", "prep", "det", "amod", "advmod"}
_ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "agent", "poss", "compound"}


def candidate_features(v: SentenceView, k: int, event: str, rule: RuleEvent | None,
                       p_type: float) -> list[str]:
    """Features for "does the sentence report an event of this type at this trigger": the
    trigger word in its syntax and tense, whether the rules kept it and what they made of
    it, which other events they found in the sentence, and how likely the sentence model
    (`p_type`, which reads every word) finds the type in the sentence."""
    toks = v.toks
    a = toks[k]
    kept = rule is not None
    t = f"t={event}"
    f = [t, f"kept={kept}", f"w={a.lemma}", f"{t}|w={a.lemma}", f"{t}|pos={a.pos}",
         f"{t}|tag={a.tag}",
         f"{t}|dep={a.dep}", f"{t}|kept={kept}", f"{t}|w={a.lemma}|kept={kept}",
         f"{t}|number={_bucket(v.number, (0, 1, 3, 8))}", f"{t}|rules={len(v.rules)}"]
    if rule is not None:
        f += [f"{t}|status={rule.status}", f"{t}|mode={rule.mode}",
              f"{t}|actor={bool(rule.actor)}", f"{t}|recipient={bool(rule.recipient)}"]
    for c in v.children[k]:
        ct = toks[c]
        if ct.dep in _MARKER_DEPS:
            f.append(f"{t}|c={ct.dep}|{ct.lemma}")
        elif ct.dep in _ARGUMENT_DEPS:
            f.append(f"{t}|c={ct.dep}|{ct.ent or ct.pos}")
    j = k
    for depth in range(3):
        h = toks[j].head
        if h == j:
            f.append(f"{t}|root{depth}")
            break
        f += [f"{t}|up{depth}={toks[j].dep}|{toks[h].lemma}", f"up={toks[j].dep}|{toks[h].lemma}"]
        j = h
    f += [f"{t}|other={o}" for o in sorted({r.event for r in v.rules if r.event != event})]
    coded = len({m.code for m in v.mentions if m.source == "sentence"})
    f.append(f"{t}|coded={_bucket(coded, (0, 1, 2, 3))}")
    if any(x.text in ('"', "“", "”") for x in toks):
        f.append(f"{t}|quote")
    if not kept:
        # only for what the rules set aside: weighed for the rules' own events too, it
        # dropped real ones that the sentence model misses (docs/learned.md)
        tenth = f"p={min(int(p_type * 10), 9)}"
        f += [tenth, f"{t}|{tenth}"]
    if any(x.ent == "DATE" and len(x.text) == 4 and x.text.isdigit() for x in toks):
        f.append(f"{t}|year")  # a year named: often history given as background
    return f


# The parts of speech a trigger has: the verb ("shelled"), the event noun ("talks") or the
# characterisation ("illegal").
TRIGGER_POS = {"VERB", "NOUN", "ADJ"}
_TRIGGER_ARGS = {"dobj", "nsubj", "nsubjpass", "attr", "xcomp", "ccomp", "compound", "amod",
                 "prt", "agent", "dative"}


def trigger_features(v: SentenceView, k: int) -> list[str]:
    """Features for "which event type does this word carry, if any": the word, its tense,
    its place in the syntax, its arguments' words and entity types, its markers, its
    neighbours, and what the lexicon and the rules made of it."""
    toks = v.toks
    a = toks[k]
    f = [f"w={a.lemma}", f"p={a.pos}", f"wp={a.lemma}|{a.pos}", f"tag={a.tag}", f"d={a.dep}",
         f"wd={a.lemma}|{a.dep}"]
    if a.head != k:
        h = toks[a.head].lemma
        f += [f"h={h}", f"dh={a.dep}|{h}", f"wh={a.lemma}|{h}"]
    else:
        f.append("root")
    for c in v.children[k]:
        ct = toks[c]
        if ct.dep in _TRIGGER_ARGS:
            f += [f"c={ct.dep}|{ct.lemma}", f"wc={a.lemma}|{ct.dep}|{ct.lemma}"]
            if ct.ent:
                f.append(f"ce={ct.dep}|{ct.ent}")
        elif ct.dep == "prep":
            f += [f"c=prep|{ct.lemma}", f"wc={a.lemma}|prep|{ct.lemma}"]
        elif ct.dep in ("aux", "auxpass", "neg", "mark", "det", "advmod"):
            f.append(f"m={ct.dep}|{ct.lemma}")
    if k > 0:
        f.append(f"l1={toks[k - 1].lemma}")
    if k + 1 < len(toks):
        f.append(f"r1={toks[k + 1].lemma}")
    f += [f"lex={event}" for j, event in v.lexicon if j == k]
    for r in v.rules:
        if r.trigger == k:
            f += [f"rule={r.event}", f"rule={r.event}|{r.status}"]
    return f


def _path_up(v: SentenceView, k: int, top: int, limit: int = 4) -> str | None:
    """The dependency labels from token k up to its ancestor `top`, or None."""
    labels = []
    while k != top and len(labels) < limit:
        t = v.toks[k]
        if t.head == k:
            return None
        labels.append(t.dep if t.dep != "pobj" else f"pobj:{v.toks[t.head].lemma}")
        k = t.head
    return ">".join(labels) if k == top else None


def _speech_role(v: SentenceView, k: int, anchor: int, limit: int = 5
                 ) -> tuple[str, int] | None:
    """How the mention at k stands to the say-verb over the event's word, if the first
    verb above that word that governs the mention is one ("X told Y the move was
    unacceptable": X its subject, Y its dative): (the mention's dependency, steps up).
    Who speaks is mostly the actor of what is said, whom it is said to its recipient; the
    mention's own path cannot say so, as it does not lead down to the event's word."""
    head, g = v.toks[k].head, anchor
    for depth in range(1, limit + 1):
        if v.toks[g].head == g:
            return None
        g = v.toks[g].head
        if head == g:
            return (v.toks[k].dep, depth) if v.toks[g].lemma in _speech_verbs() else None
    return None


@lru_cache(maxsize=1)
def _speech_verbs() -> frozenset[str]:
    from whodid.code.lexicon import get_lexicon

    lex = get_lexicon()
    return lex.speech_verbs | lex.naming_verbs


def _root(v: SentenceView, k: int) -> int:
    while v.toks[k].head != k:
        k = v.toks[k].head
    return k


def actor_side(m: Mention, event: str, actor: frozenset[str]) -> list[str]:
    """What the recipient model adds to a mention's features: whether it shares a code with
    the actor (`actor`), as an act on one's own side is rarer."""
    same = m.code in actor
    return [f"same_as_actor={same}", f"t={event}|same_as_actor={same}",
            f"sector={m.sector}|same_as_actor={same}"]


def mention_features(v: SentenceView, m: Mention, event: str, anchor: int,
                     rule: RuleEvent | None) -> list[str]:
    """Features for "is this mention the actor (or recipient) of this event"."""
    f = [f"src={m.source}", f"kind={m.kind}", f"sector={m.sector}",
         f"t={event}|src={m.source}"]
    if rule is not None:
        f.append(f"rule_actor={m.code in rule.actor}")
        f.append(f"rule_recipient={m.code in rule.recipient}")
        f.append(f"t={event}|rule_actor={m.code in rule.actor}")
        f.append(f"t={event}|rule_recipient={m.code in rule.recipient}")
    else:
        f.append("no_rule")
    same = [x for x in v.mentions if x.code == m.code and x.source == "sentence"]
    f.append(f"also_in_sentence={bool(same) and m.source != 'sentence'}")
    if m.i < 0:
        return f
    t = v.toks[m.i]
    a = v.toks[anchor]
    side = "before" if m.i < anchor else "after"
    f += [f"dep={t.dep}", f"t={event}|dep={t.dep}", f"side={side}",
          f"t={event}|side={side}",
          f"dist={_bucket(abs(m.i - anchor), (1, 3, 6, 10, 20))}"]
    if t.dep == "pobj":
        prep = v.toks[t.head].lemma
        f += [f"prep={prep}", f"t={event}|prep={prep}"]
    up = _path_up(v, m.i, anchor)
    if up is None and a.dep in ("dobj", "pobj", "attr", "nsubj", "nsubjpass"):
        # a nominal trigger: its verb stands in ("launched an attack")
        verb = a.head if a.dep != "pobj" else v.toks[a.head].head
        up = _path_up(v, m.i, verb)
        if up is not None:
            up = "verb:" + up
    f += [f"path={up}", f"t={event}|path={up}"]
    head = v.toks[t.head]
    if t.dep in ("nsubj", "nsubjpass") and head.pos == "VERB":
        f.append(f"subj_of={head.lemma}")
    speech = _speech_role(v, m.i, anchor)
    if speech is not None:
        dep, depth = speech
        f += [f"speech={dep}", f"t={event}|speech={dep}", f"speech_depth={depth}|{dep}"]
    first = next((x for x in v.mentions if x.source == "sentence"), None)
    f.append(f"first={first is not None and first.i == m.i}")
    f.append(f"root_subject={t.dep == 'nsubj' and t.head == _root(v, m.i)}")
    f.append(f"t={event}|anchor={a.lemma}|dep={t.dep}")
    return f


def mode_features(v: SentenceView, k: int, event: str, rule_mode: str | None) -> list[str]:
    """Features for "which of its type's modes an event at token k has": every one joined to
    the type, as each type has modes of its own. The trigger word and what it governs tell
    most ("detained" is an arrest, "fired tear gas" crowd control, "urged the release" a
    demand to yield); the sentence's actors' sectors tell police from troops; the rules'
    lexicon mode, where it gave one, is a feature like the others."""
    toks = v.toks
    a = toks[k]
    t = f"t={event}"
    f = [t, f"{t}|w={a.lemma}", f"{t}|pos={a.pos}", f"{t}|rm={rule_mode}"]
    if a.head != k:
        f.append(f"{t}|h={toks[a.head].lemma}")
    for c in v.children[k]:
        ct = toks[c]
        if ct.dep in _TRIGGER_ARGS or ct.dep == "pobj":
            f += [f"{t}|c={ct.lemma}", f"{t}|w={a.lemma}|c={ct.lemma}"]
        elif ct.dep == "prep":
            f += [f"{t}|c={ct.lemma}|{toks[g].lemma}" for g in v.children[c]
                  if toks[g].dep == "pobj"]
    f += [f"{t}|sector={s}" for s in sorted({m.sector for m in v.mentions
                                               if m.source == "sentence" and m.sector})]
    return f
