"""Place mentions in a parsed sentence, and which of them says where an event happened.

A mention is a proper-noun phrase the gazetteer knows (the small model's NER misses many
places, "Kherson" comes out a PERSON, so the parse is read too: the proper nouns of a
locative phrase), a type word with a proper-noun modifier ("the Donetsk region"), or "the
capital". A mention places an event when it sits in a locative phrase ("in", "near",
"outside" ...) attached to the event's trigger, to a noun the trigger governs ("an attack on
a market in Kherson"), or to the verb a nominal trigger depends on ("held talks in Seoul");
when it modifies a nominal trigger ("the Kyiv talks"); or when it is what a visit or a
strike is aimed at ("visited Moscow", "shelled Kherson"). Clauses of their own (reported
speech, relative clauses) are not crossed: "said in Beijing that X attacked Y" does not put
the attack in Beijing."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from whodid.places.gazetteer import REGION_WORDS, Gazetteer

LOCATIVE = {"in", "at", "near", "outside", "inside", "across", "around", "within", "throughout",
            "along", "off", "over", "into", "onto", "on", "nearby", "beyond", "towards",
            "toward"}
# verbs whose object is the place they happen at ("visited Moscow", "shelled Kherson")
PLACE_OBJECT_VERBS = {"visit", "tour", "attack", "strike", "hit", "shell", "bomb", "raid",
                      "storm", "invade", "enter", "capture", "seize", "occupy", "bombard",
                      "besiege", "target", "pound", "overrun", "retake", "liberate", "surround",
                      "blockade", "evacuate", "fly", "host"}
DIRECTIONS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
              "central", "northeastern", "northwestern", "southeastern", "southwestern",
              "north-eastern", "north-western", "south-eastern", "south-western", "northeast",
              "northwest", "southeast", "southwest", "upper", "lower"}
# children that start a clause of its own: a place inside it is that clause's
OWN_CLAUSE = {"ccomp", "advcl", "relcl", "acl", "csubj", "parataxis", "xcomp", "conj", "pcomp"}
# how a nominal trigger hangs from the verb whose place it shares ("held talks in Seoul")
NOMINAL = {"dobj", "pobj", "prep", "nsubj", "nsubjpass", "attr", "compound", "appos", "oprd",
           "xcomp", "agent", "dative"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}


@dataclass
class Mention:
    """A place named in the sentence: its words as written (with a direction word, "northern
    Darfur"), the name looked up, the head token and whether a type word names a region."""

    text: str
    start: int
    end: int
    name: str
    head: Token
    region_hint: bool = False
    capital: bool = False


def find_mentions(sent: Span, gaz: Gazetteer) -> list[Mention]:
    """The place mentions of a sentence that the gazetteer knows (and "the capital")."""
    found: dict[int, Mention] = {}
    ents = {tok.i: ent for ent in sent.ents if ent.label_ in PLACE_LABELS for tok in ent}
    for tok in sent:
        if tok.i in found:
            continue
        mention = _mention_at(tok, ents.get(tok.i), gaz)
        if mention is not None:
            found[mention.head.i] = mention
    return sorted(found.values(), key=lambda m: m.start)


def _mention_at(tok: Token, ent: Span | None, gaz: Gazetteer) -> Mention | None:
    if tok.lower_ == "capital" and tok.pos_ == "NOUN" and not any(
            c.dep_ in ("compound", "appos") and c.pos_ == "PROPN" for c in tok.children):
        return Mention(tok.text, tok.idx, tok.idx + len(tok), "", tok, capital=True)
    region_word = tok.lower_ in REGION_WORDS and tok.pos_ == "NOUN"
    if region_word:
        names = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if not names:
            return None
        first = min(names[0].left_edge.i, names[0].i)
        words = tok.doc[first:tok.i]
        name = words.text
        if not gaz.lookup(name) and not gaz.lookup(f"{name} {tok.text}"):
            return None
        return _with_direction(tok, first, tok.i + 1, name, region_hint=True)
    if ent is not None and tok.i == ent.end - 1:
        start, end = ent.start, ent.end
    elif tok.pos_ == "PROPN" and tok.dep_ not in ("compound", "flat") and ent is None:
        start = tok.i
        while start > tok.sent.start and tok.doc[start - 1].pos_ == "PROPN" and \
                tok.doc[start - 1].head.i in range(start, tok.i + 1):
            start -= 1
        end = tok.i + 1
    else:
        return None
    doc = tok.doc
    while start < end and doc[start].lower_ in ("the", "a"):
        start += 1
    if start >= end:
        return None
    name = doc[start:end].text
    if doc[end - 1].lower_.endswith("'s") or doc[end - 1].tag_ == "POS":
        return None
    if not gaz.lookup(name):
        return None
    return _with_direction(doc[end - 1], start, end, name)


def _with_direction(head: Token, start: int, end: int, name: str,
                    region_hint: bool = False) -> Mention:
    doc = head.doc
    if start > head.sent.start and doc[start - 1].lower_ in DIRECTIONS:
        start -= 1
    span = doc[start:end]
    return Mention(span.text, span.start_char, span.end_char, name, head, region_hint)


def _clause_nodes(trigger: Token) -> dict[int, int]:
    """Tokens of the trigger's own phrase and clause -> their distance from the trigger."""
    dist = {trigger.i: 0}
    stack = [(trigger, 0)]
    while stack:  # down, not into clauses of their own
        tok, d = stack.pop()
        for child in tok.children:
            if child.dep_ in OWN_CLAUSE and child.pos_ in ("VERB", "AUX"):
                continue
            if child.i not in dist:
                dist[child.i] = d + 1
                stack.append((child, d + 1))
    tok, d = trigger, 0
    while tok.dep_ in NOMINAL and tok.head is not tok:  # up, from a noun to its verb
        tok, d = tok.head, d + 1
        if tok.i not in dist:
            dist[tok.i] = d
    return dist


def _anchor(m: Mention) -> tuple[Token, str] | None:
    """Where the mention hangs and how: (token, "locative" | "modifier" | "object")."""
    head = m.head
    while head.dep_ in ("appos", "conj") and head.head is not head:
        head = head.head
    if head.dep_ == "pobj" and head.head.lower_ in LOCATIVE:
        return head.head.head, "locative"
    if head.dep_ in ("compound", "nmod", "amod", "poss") and head.head.pos_ == "NOUN":
        return head.head, "modifier"
    if head.dep_ in ("dobj", "nsubjpass") and head.head.lemma_.lower() in PLACE_OBJECT_VERBS:
        return head.head, "object"
    if head.dep_ == "npadvmod" and head.head.pos_ == "VERB":  # "fighting Monday in X"
        return head.head, "locative"
    return None


def event_mentions(trigger: Token, mentions: list[Mention]) -> list[tuple[int, str, Mention]]:
    """The mentions that place the event of `trigger`: (distance, how, mention), nearest
    first."""
    nodes = _clause_nodes(trigger)
    out = []
    for m in mentions:
        anchor = _anchor(m)
        if anchor is None:
            continue
        tok, how = anchor
        if how == "modifier" and tok.i != trigger.i:
            continue
        if how == "object" and tok.i != trigger.i:
            continue
        if tok.i in nodes:
            out.append((nodes[tok.i], how, m))
    return sorted(out, key=lambda x: (x[0], x[2].start))
