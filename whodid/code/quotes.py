"""Quotes: who said what (SCHEMA.md "a quote", docs/quotes.md).

Every attributed statement of a parsed document, found by rules over the dependency parse:

- a cue verb and the clause it governs: "X said (that) ...", "..., X said", "X told Y ...";
  the clause is the content, the verb's subject (or agent) the speaker;
- "according to X, ...": the clause the phrase hangs on is the content;
- "X praised Y for ...", "X called for ...": for other cue verbs, what follows the verb;
- quotation marks: a quotation holding the cue's content becomes the content (direct), one
  covering part of it makes the quote mixed; a quotation after "X said:" is X's, and one
  opening a paragraph soon after X's direct quote, with no cue of its own, continues it.

The finder only returns spans and phrase heads; the coder resolves the speaker like any
actor, in the sentence's discourse state, and links the events coded inside the content.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span, Token

from whodid.code.wordlists import DATA_DIR, WORDS, read_word_lists, require_subset
from whodid.records import Entity, Event

WORDS_FILE = DATA_DIR / "quotes.yaml"
OBJECT_DEPS = frozenset({"dobj", "xcomp", "oprd", "attr", "acomp", "ccomp"})
# Prepositions that open what a cue verb is about ("called for", "referred to"), not when or
# where it was said ("said in a statement on Monday")
ABOUT = frozenset({"for", "to", "about", "of", "on", "against", "at"})
RAISING = frozenset({"conj", "xcomp", "advcl", "pcomp", "ccomp", "acl", "prep"})
SUBJECTS = frozenset({"nsubj", "csubj"})
OPENING = "“\"«"
CLOSING = "”\"»"
# A line "Name: what they said" has a name of at most this many tokens.
LABEL_TOKENS = 6
# A quotation continues its speaker's quote when it starts within this many sentences (a
# paragraph-opening quotation with no cue: the usual way a long quote goes on in news).
CONTINUATION = 2


@dataclass(frozen=True, slots=True)
class Words:
    cue_verbs: frozenset[str]
    clause_only: frozenset[str]


@functools.cache
def vocabulary() -> Words:
    lists = read_word_lists(WORDS_FILE, {"cue_verbs": WORDS, "clause_only": WORDS})
    require_subset(WORDS_FILE, lists, "clause_only", "cue_verbs")
    return Words(**lists)


@dataclass(slots=True)
class Found:
    """A quote as the parse shows it: character spans and the speaker's phrase heads."""

    kind: str  # direct, indirect, mixed
    cue: tuple[int, int]
    content: tuple[int, int]
    speakers: list[Token]
    sequence: int  # sentence of the cue


@dataclass
class Quote:
    """A quote record (SCHEMA.md)."""

    id: str
    doc_id: str
    kind: str
    speaker: Entity | None
    cue: dict[str, Any]
    content: dict[str, Any]
    event_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "doc_id": self.doc_id, "kind": self.kind,
                "speaker": self.speaker.to_dict() if self.speaker else None,
                "cue": self.cue, "content": self.content, "event_ids": self.event_ids}


def quotations(text: str) -> list[tuple[int, int]]:
    """Character spans of the quotations in a text, marks included. Curly marks pair by
    kind; straight ones alternate within a paragraph (a paragraph break closes one, as
    a quotation running over paragraphs reopens its mark on each)."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    for i, ch in enumerate(text):
        if ch == "\n" and start is not None and text[start] == '"':
            start = None
        elif ch in "“«" or (ch == '"' and start is None):
            start = i
        elif ch in "”»" or ch == '"':
            if start is not None and i - start > 1:
                out.append((start, i + 1))
            start = None
    return out


def _span_of(tokens: list[Token]) -> tuple[int, int]:
    """The characters from the first to the last word of `tokens` (quotation marks kept)."""
    toks = [t for t in tokens if not t.is_space
            and not (t.is_punct and t.text not in OPENING + CLOSING)]
    toks = toks or tokens
    first, last = min(toks, key=lambda t: t.i), max(toks, key=lambda t: t.i)
    return first.idx, last.idx + len(last.text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Without the spaces, commas and dashes at either end."""
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    return start, end


def _subject(verb: Token, depth: int = 0) -> list[Token]:
    """The speaker heads: the verb's subject or agent, else that of the verb it is
    coordinated with or depends on ("he said ... and added that ...", "Trump, saying
    ...", "he ended by telling ..."); for a relative clause, the noun it hangs on."""
    for c in verb.children:
        if c.dep_ == "agent":
            return [o for o in c.children if o.dep_ == "pobj"]
    for c in verb.children:
        if c.dep_ == "nsubjpass":  # "X was blamed for ...": X is no speaker, and none is named
            return []
        if c.dep_ in SUBJECTS:
            if c.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                return [verb.head]
            return [c, *c.conjuncts]
    if verb.dep_ == "acl" and verb.head.pos_ in ("PROPN", "NOUN", "PRON"):
        return [verb.head]
    head = verb.head
    if depth < 4 and head.i != verb.i and verb.dep_ in RAISING:
        if head.dep_ == "prep" and head.head.i != head.i:
            head = head.head
        return _subject(head, depth + 1)
    return []


def _content_of(verb: Token, words: Words) -> list[Token] | None:
    """The tokens of what a cue verb reports: its clause complement, or, when the verb is
    parenthetical ("..., X said, ..."), the clause around it."""
    for c in verb.children:
        if c.dep_ == "ccomp" or (c.dep_ in ("xcomp", "advcl") and c.i > verb.i and any(
                g.dep_ == "mark" and g.lower_ in ("that", "whether", "if") for g in c.children)):
            return list(c.subtree)
    if verb.dep_ == "parataxis" or (verb.dep_ == "ccomp" and verb.head.i < verb.i
                                    and verb.i - verb.head.i > 1 and _comma_before(verb)):
        inner = {t.i for t in verb.subtree}
        head = verb.head
        return [t for t in head.subtree if t.i not in inner]
    if verb.lemma_.lower() in words.clause_only:
        return None
    # "X called Y a liar", "X praised Y for ...", "X refused to ...": what follows the verb
    right = [c for c in verb.children if c.i > verb.i and (
        c.dep_ in OBJECT_DEPS or c.dep_ == "prep" and c.lower_ in ABOUT and not _when(c))]
    if right:
        return [t for c in right for t in c.subtree]
    return None


def _when(prep: Token) -> bool:
    """ "on Tuesday", "at noon": when it was said, not what about."""
    objs = [t for t in prep.subtree if t.i != prep.i]
    return bool(objs) and all(t.ent_type_ in ("DATE", "TIME") for t in objs)


def _comma_before(verb: Token) -> bool:
    left = verb.left_edge.i
    return left > 0 and verb.doc[left - 1].text in (",", "”", "\"")


def _according_to(sent: Span) -> list[tuple[Token, list[Token], list[Token]]]:
    """ "According to X, ...": the cue, the speaker heads and the clause it hangs on."""
    out = []
    for tok in sent:
        if tok.lower_ != "according" or tok.i + 1 >= len(tok.doc) \
                or tok.doc[tok.i + 1].lower_ != "to":
            continue
        to = tok.doc[tok.i + 1]
        objs = [c for c in to.children if c.dep_ == "pobj"] or [
            c for c in tok.children if c.dep_ == "pobj"]
        if not objs:
            continue
        phrase = {t.i for t in tok.subtree} | {t.i for t in to.subtree}
        head = tok.head if tok.head.i != tok.i else tok
        while head.dep_ not in ("ROOT", "ccomp", "conj") and head.head.i != head.i:
            head = head.head
        content = [t for t in head.subtree if t.i not in phrase]
        if content:
            out.append((tok, [objs[0], *objs[0].conjuncts], content))
    return out


def find_quotes(doc: Doc) -> list[Found]:
    """The quotes of a parsed document, in text order."""
    words = vocabulary()
    text = doc.text
    marks = quotations(text)
    found: list[Found] = []
    for sequence, sent in enumerate(doc.sents):
        for tok in sent:
            if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in words.cue_verbs:
                continue
            content = _content_of(tok, words)
            if not content:
                continue
            speakers = _subject(tok)
            cue = (tok.idx, tok.idx + len(tok.text))
            span = _span_of(content)
            found.append(_with_marks(Found("indirect", cue, span, speakers, sequence), marks))
        for tok, speakers, content in _according_to(sent):
            to = tok.doc[tok.i + 1]
            cue = (tok.idx, to.idx + len(to.text))
            found.append(_with_marks(Found("indirect", cue, _span_of(content), speakers,
                                           sequence), marks))
    found = _one_per_content(found + _labelled_lines(doc, marks))
    return sorted(found + _continuations(doc, text, found, marks), key=lambda f: f.content)


def _labelled_lines(doc: Doc, marks: list[tuple[int, int]]) -> list[Found]:
    """ "Ghana's minister: 'We will respond'", the headline form: a line that opens with a
    short name or noun phrase and a colon is what that source said."""
    out: list[Found] = []
    starts = [s.start for s in doc.sents]
    line_start = 0
    for tok in doc:
        if tok.is_space and "\n" in tok.text or tok.i == 0:
            line_start = tok.i + 1 if tok.is_space else 0
            continue
        if tok.text != ":" or not 0 < tok.i - line_start <= LABEL_TOKENS:
            continue
        label = doc[line_start:tok.i]
        if any(t.pos_ in ("VERB", "AUX") or t.is_punct for t in label) \
                or not any(t.pos_ in ("PROPN", "NOUN") for t in label):
            continue
        end = tok.i + 1
        while end < len(doc) and "\n" not in doc[end].text:
            end += 1
        rest = [t for t in doc[tok.i + 1:end] if not t.is_space]
        if len(rest) < 3:
            continue
        head = next((t for t in label if not label.start <= t.head.i < label.end or
                     t.head.i == t.i), label[-1])
        out.append(_with_marks(Found("indirect", (tok.idx, tok.idx + 1), _span_of(rest),
                                     [head], bisect_right(starts, tok.i) - 1), marks))
    return out


def _with_marks(f: Found, marks: list[tuple[int, int]]) -> Found:
    """Direct when a quotation holds the content (the content becomes the quotation), mixed
    when a quotation covers part of it."""
    cs, ce = f.content
    for qs, qe in marks:
        if qs <= cs + 1 and ce - 1 <= qe and not qs <= f.cue[0] < qe:
            f.kind, f.content = "direct", (qs, qe)
            return f
        if cs < qe and qs < ce:
            f.kind = "mixed"
    return f


def _one_per_content(found: list[Found]) -> list[Found]:
    """One quote per content: a cue met twice for the same clause ("said ... adding") is
    the first one."""
    seen: set[tuple[int, int]] = set()
    out = []
    for f in found:
        if f.content not in seen:
            seen.add(f.content)
            out.append(f)
    return out


def _continuations(doc: Doc, text: str, found: list[Found],
                   marks: list[tuple[int, int]]) -> list[Found]:
    """Quotations no cue's clause holds: right after a cue's phrase ("he said: '...'",
    "telling the crowd, '...'"), after a name and a colon, or opening a paragraph soon after
    a direct quote of the same speaker ("... he said.\n\n'And ...'")."""
    words = vocabulary()
    starts = [s.start for s in doc.sents]
    covered = sorted(f.content for f in found)
    out: list[Found] = []
    for qs, qe in marks:
        if any(cs < qe and qs < ce for cs, ce in covered):
            continue
        first = doc.char_span(qs, qe, alignment_mode="expand")
        if first is None or len(first) < 4:
            continue
        sequence = bisect_right(starts, first[0].i) - 1
        colon = first[0].i - 1
        verb = _introducing_cue(doc[colon - 1], words) if colon > 0 and doc[colon].text in (
            ",", ":") else None
        if verb is not None:  # "telling the crowd, '...'": the quotation is what was said
            for f in found:
                if f.cue[0] == verb.idx and f.content[1] <= qs:
                    f.content, f.kind = (qs, qe), "direct"
                    break
            else:
                out.append(Found("direct", (verb.idx, verb.idx + len(verb.text)), (qs, qe),
                                 _subject(verb), sequence))
            continue
        if colon > 0 and doc[colon].text == ":" and doc[colon - 1].pos_ == "PROPN":
            # "... doesn't surprise the pollster Daron Shaw: '...'"
            out.append(Found("direct", (doc[colon].idx, doc[colon].idx + 1), (qs, qe),
                             [doc[colon - 1]], sequence))
            continue
        before = [f for f in found if f.kind == "direct" and f.content[1] <= qs
                  and f.speakers and 0 <= sequence - f.sequence <= CONTINUATION]
        if before and text[:qs].rstrip(" ").endswith("\n"):  # a paragraph of its own
            last = max(before, key=lambda f: f.content[1])
            if not any(last.content[1] <= cs < qs for cs, _ in covered):
                out.append(Found("direct", last.cue, (qs, qe), last.speakers, sequence))
    return out


def _introducing_cue(tok: Token, words: Words) -> Token | None:
    """The cue verb whose phrase ends at `tok` ("told reporters", "said"), if any."""
    node = tok
    for _ in range(4):
        if node.pos_ in ("VERB", "AUX") and node.lemma_.lower() in words.cue_verbs:
            return node if node.right_edge.i <= tok.i else None
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def by_speaker_sentence(doc: Doc, found: list[Found]) -> dict[int, list[Token]]:
    """The first speaker head of each quote, by the sentence it is in: the coder resolves
    each when that sentence is coded, with what the document has said up to there."""
    starts = [s.start for s in doc.sents]
    out: dict[int, list[Token]] = {}
    for f in found:
        if f.speakers:
            head = f.speakers[0]
            out.setdefault(bisect_right(starts, head.i) - 1, []).append(head)
    return out


def quote_records(doc_id: str, doc: Doc, found: list[Found], speakers: dict[int, Entity],
                  events: list[Event]) -> list[Quote]:
    """Quote records, numbered in text order, each with the events coded inside its
    content or from its cue ("X denied ...": the denial is the quote's event)."""
    out = []
    text = doc.text  # built anew by spaCy at each use: once here
    # events by trigger offset, so that each quote finds its own without reading them all
    order = sorted(range(len(events)), key=lambda i: events[i].trigger["start"])
    starts = [events[i].trigger["start"] for i in order]
    for n, f in enumerate(found):
        content = content_record(text, f.content)
        cs, ce = content["start"], content["end"]
        inside = set(order[bisect_left(starts, cs):bisect_left(starts, ce)])
        cued = order[bisect_left(starts, f.cue[0]):bisect_right(starts, f.cue[0])]
        linked = [events[i].id for i in sorted(inside.union(cued))]
        speaker = speakers.get(f.speakers[0].i) if f.speakers else None
        out.append(Quote(f"{doc_id}:q{n}", doc_id, f.kind, speaker,
                         {"text": text[f.cue[0]:f.cue[1]], "start": f.cue[0],
                          "end": f.cue[1]}, content, linked))
    return out


def content_record(text: str, span: tuple[int, int]) -> dict[str, Any]:
    start, end = _trim(text, *span)
    return {"text": text[start:end], "start": start, "end": end}
