"""A noun phrase as the resolver reads it: where it starts, its head, its table segments,
and what its modifiers say (`Phrase`, shared by the functions that code a head), plus
the evidence found around it (`Clue`). Syntax only: no tables here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from spacy.tokens import Doc, Token

from whodid.code.actors.memory import DocumentMemory
from whodid.code.actors.tables import NAMED_KINDS, NOUN_KINDS, Entry
from whodid.code.coreference import Mention, gender_of
from whodid.records import Entity

# Appositions, possessors and antecedents are resolved at most this deep.
MAX_DEPTH = 2
# Left dependents that belong to the mention; relative clauses and prepositional phrases
# are right dependents and so never part of it.
LEFT_DEPS = frozenset(
    {"det", "predet", "compound", "amod", "poss", "nummod", "quantmod", "nmod", "nn", "flat"}
)
# Dependents inside a bigger noun phrase: observe() resolves only phrase heads.
INNER_DEPS = frozenset({"compound", "flat", "amod", "nmod", "nn", "nummod"})
PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
NOT_PERSON_ENTS = frozenset({"ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT"})

Segment = tuple[int, int, "Entry | None"]  # content[i:j] and the table entry it matches


@dataclass(slots=True)
class Clue:
    """Country evidence found in or around a phrase."""

    code: str
    sector: str | None
    name: str | None
    kind: str
    why: str


@dataclass(slots=True)
class Phrase:
    """A noun phrase read once, then coded by the function for its head's kind."""

    head: Token
    start: int  # first token of the mention
    text: str  # the mention as written
    content: list[Token]  # its words less determiners and outer possessors
    segs: list[Segment]  # longest table matches over `content`; the last is the head's
    depth: int  # recursion depth (appositions, possessors, antecedents)
    from_appos: bool  # resolved as another phrase's apposition: not looked at again
    poss: list[Token] = field(default_factory=list)  # outer possessors ("Israel's army")
    definite: bool = False  # "the ministry": may refer back to an earlier mention
    former: bool = False  # "former President X": ELI, not the office
    ethnic: bool = False  # "ethnic Albanians": not a nationality
    clue: Clue | None = None  # country evidence from a modifier or around the phrase
    mod_sector: str | None = None  # a sector word before the head ("police official")
    title: Entry | None = None  # a role word before the head ("President")
    title_mod: str | None = None  # the sector word before the title
    people: tuple[Entry, str] | None = None  # an ethnic or religious modifier, as written
    notes: list[str] = field(default_factory=list)  # said in `why` whatever the outcome

    def entity(self, code: str | None, sector: str | None, name: str | None, kind: str,
               why: str) -> Entity:
        begin = self.head.doc[self.start].idx
        return Entity(self.text, begin, begin + len(self.text), code, sector, name, why, kind)


class Resolving(Protocol):
    """What the coding functions ask of the resolver (ActorResolver implements it)."""

    def resolve_at(self, head: Token, memory: DocumentMemory, depth: int,
                   from_appos: bool = False) -> tuple[Entity, str | None]: ...

    def canonical(self, code: str | None) -> str | None: ...

    def near_miss(self, word: str) -> Entry | None: ...

    def namesakes(self, entry: Entry) -> frozenset[str] | None: ...


MAX_MENTION_TOKENS = 40  # names and titles before a head are far shorter


def mention_start(head: Token) -> int:
    """First token of the mention: the head's left modifiers, never across a line break
    (a headline glued to the dateline) and without leading punctuation."""
    doc = head.doc
    start = head.i
    for child in head.lefts:
        if child.dep_ in LEFT_DEPS:
            start = min(start, child.left_edge.i)
    # at most MAX_MENTION_TOKENS: each head's phrase is read whole, so a parse that hangs a
    # whole long sentence on one head made reading a sentence quadratic in its length
    start = max(start, head.i - MAX_MENTION_TOKENS)
    for k in range(head.i - 1, start - 1, -1):
        if doc[k].is_space or "\n" in doc[k].whitespace_:
            start = k + 1
            break
    while start < head.i and (doc[start].is_punct or doc[start].dep_ == "cc"):
        start += 1
    return start


def person_name_head(head: Token) -> tuple[Token, int]:
    """A personal name the parser split ("Barack" as a preposition with "Obama" as its
    object): the name's last word as head and its first word as start."""
    if head.ent_type_ != "PERSON" or not head.text[:1].isupper():
        return head, head.i
    doc = head.doc
    first = head.i
    while first > 0 and doc[first].ent_iob_ == "I" and doc[first - 1].text[:1].isupper():
        first -= 1
    last = head.i
    while last + 1 < len(doc) and doc[last + 1].ent_iob_ == "I" \
            and doc[last + 1].text[:1].isupper():
        last += 1
    if last == head.i:
        return head, first
    if doc[last].head.i != head.i and head.head.i != last:
        return head, head.i  # not one phrase in the parse: leave it
    return doc[last], first


def phrase_head(tok: Token) -> Token:
    """Climb from a name part to the head of its phrase ("Wagner" in "Wagner Group")."""
    while tok.dep_ in ("compound", "flat") and tok.head.i > tok.i:
        between = tok.doc[tok.i: tok.head.i]
        if any(t.is_space or "\n" in t.whitespace_ for t in between):
            break  # a headline glued to the dateline by the parser
        tok = tok.head
    return tok


def outer_possessors(doc: Doc, start: int, head: Token) -> list[Token]:
    """The outermost possessors inside a phrase ("the party's leader X": "party's")."""
    poss: list[Token] = []
    for t in doc[start: head.i]:
        if t.dep_ == "poss" and start <= t.head.i <= head.i and not (
                poss and poss[-1].left_edge.i <= t.i <= poss[-1].right_edge.i):
            poss.append(t)
    return poss


def split_person_name(p: Phrase) -> list[Segment]:
    """Table names that are really parts of a person's name ("Israel Katz"), unmatched."""
    head, content, doc = p.head, p.content, p.head.doc
    ent_start = head.i
    while ent_start > 0 and doc[ent_start].ent_iob_ == "I":
        ent_start -= 1
    if head.i <= ent_start:
        return p.segs
    fixed: list[Segment] = []
    for i, j, e in p.segs:
        whole_name = content[i].i == ent_start and content[j - 1].i == head.i
        inside = content[i].i >= ent_start and not whole_name
        if e is not None and inside and (
                e.kind in ("state", "place", "seat", "org", "person")
                or e.kind in NOUN_KINDS and content[j - 1].i == head.i):
            fixed += [(k, k + 1, None) for k in range(i, j)]
        else:
            fixed.append((i, j, e))
    return fixed


def named_head(p: Phrase) -> Entry | None:
    """The head's table entry when it is a name that keeps its own code (not a demonym
    or a person, which the text around may place)."""
    hs = p.segs[-1][2]
    if hs is not None and hs.kind in NAMED_KINDS and hs.kind not in ("demonym", "person"):
        return hs
    return None


def phrase_sector(noun: Entry, mod_sector: str | None, clue_sector: str | None) -> str | None:
    """Sector of a noun phrase. A default sector ("official" GOV?) yields to a sector word
    or an organisation before it ("police official" COP, "Hamas official" REB), never to
    GOV ("government troops" stays MIL); a PRE entity makes everything of it PRE."""
    if clue_sector == "PRE":
        return "PRE"
    if noun.sector is None:
        return mod_sector or clue_sector
    if noun.weak:
        for candidate in (mod_sector, clue_sector):
            if candidate and candidate != "GOV":
                return candidate
    return noun.sector


def gender(head: Token) -> str | None:
    """A person's gender where the phrase or its apposition says it ("Mrs", "sister")."""
    words = [t.text for t in head.subtree if t.i <= head.i]
    words += [t.text for c in head.children if c.dep_ == "appos" for t in c.lefts] + [
        c.text for c in head.children if c.dep_ == "appos"]
    if head.dep_ == "appos":
        words += [t.text for t in head.head.lefts]
    return gender_of(words)


def description_filter(hs: Entry, kind: str,
                       sector: str | None) -> Callable[[Mention], bool]:
    """Which earlier mentions a definite description ("the ministry") may refer to."""
    if hs.kind == "country":
        return lambda m: m.kind == "state" and m.code is not None
    # a plural group ("the officers") is not a person mentioned before
    kinds = {"person"} if kind == "person" else {"group"} if kind == "group" \
        else {"org", "state"}
    return lambda m: (m.kind in kinds and m.code is not None
                      and (sector is None or m.sector == sector))
