"""The actor resolver: the head token of a noun phrase -> a coded Entity (CODEBOOK.md
section 4, docs/actors.md).

Everything it knows is data: the generated entries (whodid.code.actors.build), the
package's `data/actors_*.csv` tables and the user's, all turned into one dict when the
resolver is built, so that resolving a mention costs a few dict lookups over the words
of the phrase, which matters at a million articles.

Per document, `observe` is called on every sentence (in order, before its events are
resolved): it records the people, organisations and states mentioned, so that a later
"Biden", "he", "they" or "the ministry" can take their codes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from whodid.code.actors.build import country_names, generated_entries, shared_city_names
from whodid.code.actors.heads import (
    code_demonym,
    code_named,
    code_noun,
    outer_clue,
    read_modifiers,
)
from whodid.code.actors.memory import DocumentMemory
from whodid.code.actors.people import code_name, code_pronoun, code_relative
from whodid.code.actors.phrase import (
    INNER_DEPS,
    PLACE_ENTS,
    Phrase,
    Segment,
    gender,
    mention_start,
    named_head,
    outer_possessors,
    person_name_head,
    phrase_head,
    split_person_name,
)
from whodid.code.actors.tables import (
    NAMED_KINDS,
    NOUN_KINDS,
    Entry,
    entry_keys,
    norm,
    package_files,
    read_table,
    user_files,
)
from whodid.code.actors.words import actor_words
from whodid.code.coreference import SUBJECT_DEPS, Mention, is_speaker, vocabulary
from whodid.records import Entity

_WORDS = re.compile(r"\w+|[^\w\s]")


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1:] for i in range(len(key))}


class ActorResolver:
    """Codes noun phrases to country + sector from tables built once (see module doc)."""

    def __init__(self, extra_files: Sequence[Path] = (), user: bool = True) -> None:
        """Package tables, then the user's (WHODID_ACTORS, unless `user` is False), then
        `extra_files` (the CLI's --actors): a later row for a pattern replaces an earlier."""
        self._words = actor_words()
        pronouns = vocabulary()  # read here, so that a broken word file stops the build
        self._pronouns = pronouns.third_person
        self._first_person = pronouns.first_person
        self._relative = pronouns.relative_pronouns
        self._table: dict[str, Entry] = {}
        self._names: dict[str, str] = dict(country_names())
        self._max_words = 1
        for entry in generated_entries():
            self._add(entry)
        for path in [*package_files(), *(user_files() if user else ()), *extra_files]:
            for entry in read_table(path):
                self._add(entry)
        self._max_words = min(self._max_words, 8)
        self._max_scan = min(self._max_words, 6)
        self._index_near_misses()
        self._shared = shared_city_names()  # built here, not inside the first document

    def _add(self, entry: Entry) -> None:
        keys = entry_keys(entry)
        for key in keys:
            # derived forms (plurals, "Nato") never replace an entry of their own
            old = self._table.get(key)
            if key == keys[0] or old is None or old.pattern == entry.pattern:
                self._table[key] = entry
        if entry.kind == "state" and entry.sector is None and entry.pattern == entry.name:
            self._names[entry.code] = entry.name
        self._max_words = max(self._max_words, len(_WORDS.findall(entry.pattern)))

    def _index_near_misses(self) -> None:
        """Every state name and demonym, and each form of it with one letter deleted, so
        that a misspelling one letter off ("Ethopia", "Quatar", "Isreal") is found with a
        few dict lookups (symmetric deletion); a form two names share is dropped."""
        near: dict[str, Entry | None] = {}
        for key, entry in self._table.items():
            if entry.kind not in ("state", "demonym") or len(key) < 5 or not key.islower() \
                    or not key.replace(" ", "").isalpha():
                continue
            for form in {key} | _deletions(key):
                old = near.get(form, entry)
                near[form] = entry if old is not None and old.code == entry.code else None
        self._near = near

    def near_miss(self, word: str) -> Entry | None:
        """The state or demonym a capitalised word misspells by one letter, if exactly one."""
        key = norm(word).lower()
        if len(key) < 5 or key in self._table:
            return None
        found = {e.code: e for form in {key} | _deletions(key)
                 if (e := self._near.get(form)) is not None and norm(e.pattern).lower()[:1]
                 == key[:1]}
        return next(iter(found.values())) if len(found) == 1 else None

    def __len__(self) -> int:
        return len(self._table)

    def canonical(self, code: str | None) -> str | None:
        """The canonical name of a code ("PRK" -> "North Korea")."""
        return self._names.get(code) if code else None

    def namesakes(self, entry: Entry) -> frozenset[str] | None:
        """For a big city whose name big cities of other countries share ("Tripoli"),
        the codes of all of them; else None."""
        if entry.kind in ("place", "seat") and entry.source.startswith("geonames"):
            return self._shared.get(norm(entry.pattern).lower())
        return None

    def lookup(self, text: str) -> Entry | None:
        """The entry a piece of text names, if any (case rules of `norm` applied)."""
        key = norm(text)
        entry = self._table.get(key)
        if entry is None and key.isupper():  # headline capitals: "NORTH KOREA"
            entry = self._table.get(key.lower())
        if entry is not None and entry.caps and not text[:1].isupper():
            return None
        return entry

    # ---------------------------------------------------------------- document memory

    def new_document(self, doc: Doc) -> DocumentMemory:
        """Fresh per-document state (people, mentions, cached results), with the states
        each sentence names: an unplaced group's country is the one the whole article
        names most, not only its sentences so far (the lead often names it once)."""
        memory = DocumentMemory()
        memory.named = [self._states_named(sent) for sent in doc.sents]
        memory.countries.update(code for here in memory.named for code, _ in here)
        return memory

    def observe(self, sent: Span, memory: DocumentMemory) -> None:
        """Register the entities of a sentence, in order, before its events are resolved."""
        memory.sent_starts.append(sent.start)
        number = len(memory.sent_starts) - 1
        memory.here = memory.named[number]
        for tok in sent:
            if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ in INNER_DEPS:
                continue
            entity, person = self.resolve_at(tok, memory, 0)
            memory.cache[tok.i] = entity
            if entity.kind not in ("person", "state", "org", "group"):
                continue
            if entity.code is None and entity.sector is None and not person:
                continue
            memory.mentions.append(_mention(tok, number, entity))
            if person:
                memory.add_person(person, memory.mentions[-1])

    def _states_named(self, sent: Span) -> list[tuple[str, str]]:
        """The states a sentence names (state and place names, capitals, demonyms, national
        institutions), by a longest-match scan from its capitalised words: the context for
        people and groups whose own phrase names no country."""
        toks = list(sent)
        n = len(toks)
        out: list[tuple[str, str]] = []
        i = 0
        while i < n:
            tok = toks[i]
            if not tok.text[:1].isupper() or tok.ent_type_ == "PERSON" or (
                    i and toks[i - 1].lower_ == "ethnic"):
                i += 1
                continue
            entry = None
            j = i + 1
            for j in range(min(n, i + self._max_scan), i, -1):
                if toks[j - 1].is_punct and j - 1 > i:
                    continue
                words = "".join(t.text_with_ws for t in toks[i:j - 1]) + toks[j - 1].text
                entry = self.lookup(words)
                if entry is not None and entry.tagged and not any(
                        t.ent_type_ in PLACE_ENTS for t in toks[i:j]):
                    entry = None
                if entry is not None:
                    break
            if entry is None:
                i += 1
                continue
            if self._names_a_state(entry, toks, j):
                out.append((entry.code, words))
            i = j
        return out

    def _names_a_state(self, entry: Entry, toks: list[Token], j: int) -> bool:
        """Whether a match ending before toks[j] names a state the sentence is about: not
        an IGO, not "Russian-backed", not a city name several countries share."""
        compound = j + 1 < len(toks) and toks[j].text == "-" \
            and toks[j + 1].lower_ not in self._words.led_words
        return (entry.kind in ("state", "seat", "place", "demonym", "org")
                and bool(entry.code) and entry.code not in self._words.non_state_codes
                and not compound and not self.namesakes(entry))

    def resolve(self, head: Token, memory: DocumentMemory) -> Entity:
        """Code the noun phrase headed by `head` (see module doc)."""
        head = phrase_head(head)
        cached = memory.cache.get(head.i)
        if cached is not None:
            return replace(cached)
        return self.resolve_at(head, memory, 0)[0]

    # ---------------------------------------------------------------- resolution

    def resolve_at(self, head: Token, memory: DocumentMemory, depth: int,
                   from_appos: bool = False) -> tuple[Entity, str | None]:
        """Entity for a phrase head, never cached, and the person's name when it names a
        person. `depth` counts the phrases resolved on the way (an apposition, possessor
        or antecedent is resolved one deeper); `from_appos`: resolved as an apposition."""
        head = phrase_head(head)
        low = head.lower_
        if head.pos_ == "PRON" or low in self._pronouns \
                or low in self._first_person and (head.text == "I" or not head.text.isupper()):
            if low in self._relative:
                return code_relative(self, head, memory, depth), None
            return code_pronoun(self, head, memory, depth), None
        p = self._read(head, depth, from_appos)
        named = named_head(p)
        if named is not None:
            return code_named(self, named, p, memory), None
        hs = p.segs[-1][2]
        if hs is not None and hs.kind == "demonym":
            return code_demonym(self, hs, p, memory), None
        # Clues outside the phrase: possessor (the of/from/in phrase and the apposition
        # are looked at by the coding of the head).
        if p.clue is None and p.poss:
            p.clue = outer_clue(self, p.poss[0], memory, depth, "possessive")
        if hs is not None and hs.kind in NOUN_KINDS:
            return code_noun(self, hs, p, memory), None
        if hs is not None and hs.kind == "person":  # a known office holder: a fallback only
            hi, hj, _ = p.segs[-1]
            p.segs = p.segs[:-1] + [(k, k + 1, None) for k in range(hi, hj)]
            return code_name(self, p, memory, known=hs)
        return code_name(self, p, memory)

    def _read(self, head: Token, depth: int, from_appos: bool) -> Phrase:
        """The phrase of a head: its extent, its words cut into table matches, and what
        its modifiers say."""
        doc = head.doc
        head, name_start = person_name_head(head)
        start = min(mention_start(head), name_start)
        tokens = [t for t in doc[start: head.i + 1]
                  if t.dep_ not in ("det", "predet") or t.i == head.i]
        poss = outer_possessors(doc, start, head)
        content = tokens
        segs: list[Segment] | None = None
        if poss:  # "the People's Liberation Army" is a name, "Israel's army" is not
            whole = self._segment(tokens)
            i, _, e = whole[-1]
            if e is not None and e.kind in NAMED_KINDS and tokens[i].i <= poss[-1].i:
                segs, poss = whole, []
            else:
                skip = {k for p in poss for k in range(p.left_edge.i, p.right_edge.i + 1)}
                content = [t for t in tokens
                           if t.i not in skip and t.dep_ != "case" or t.i == head.i]
        if segs is None:
            segs = self._segment(content)
        end = head
        if segs[-1][2] is None or segs[-1][2].kind not in NAMED_KINDS:
            named = self._name_with_prep(head, tokens)
            if named is not None:  # "the Council of Europe", "the Ministry of Justice"
                i, entry, tail = named
                segs = self._segment(tokens[:i]) + [(i, len(tokens) + len(tail), entry)]
                content = tokens + tail
                poss = [p for p in poss if p.i < tokens[i].i]
                end = tail[-1]
        w = self._words
        p = Phrase(head, start, doc[start: end.i + 1].text, content, segs, depth, from_appos,
                   poss=poss,
                   definite=any(doc[i].lower_ in w.definite and doc[i].dep_ == "det"
                                for i in range(start, head.i)),
                   former=any(t.lower_ in w.former or t.lower_.startswith("ex-")
                              for t in content),
                   ethnic=any(t.lower_ == "ethnic" for t in content))
        if head.ent_type_ == "PERSON":  # proper names that are parts of one ("Israel Katz")
            p.segs = split_person_name(p)
        read_modifiers(self, p)
        return p

    def _name_with_prep(self, head: Token,
                        content: list[Token]) -> tuple[int, Entry, list[Token]] | None:
        """A table name that goes on after the head with "of"/"for" ("the Democratic
        People's Republic of Korea"): where it starts in `content`, the entry, the tail."""
        nxt = head.i + 1
        if nxt >= len(head.doc) or head.doc[nxt].dep_ != "prep" or head.doc[nxt].head != head \
                or head.doc[nxt].lower_ not in ("of", "for"):
            return None
        prep = head.doc[nxt]
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if pobj is None:
            return None
        ends = {pobj.i, prep.right_edge.i}
        for last in sorted(ends):
            tail = list(head.doc[nxt: last + 1])
            if not tail or len(tail) > self._max_words:  # a parse can put the object first
                continue
            said = "".join(t.text_with_ws for t in tail[:-1]) + tail[-1].text
            for i in range(len(content)):
                words = "".join(t.text_with_ws for t in content[i:]) + said
                entry = self.lookup(words)
                if entry is not None and entry.kind != "ignore":
                    return i, entry, tail
        return None

    def _segment(self, toks: list[Token]) -> list[Segment]:
        """Split the phrase into the longest table matches, left to right."""
        segs: list[Segment] = []
        n = len(toks)
        i = 0
        while i < n:
            for j in range(min(n, i + self._max_words), i, -1):
                if toks[i].is_punct or toks[j - 1].is_punct:
                    continue
                entry = self._match(toks[i:j])
                if entry is not None:
                    segs.append((i, j, entry))
                    i = j
                    break
            else:
                tok = toks[i]
                near = self.near_miss(tok.text) if tok.ent_type_ in ("NORP", "GPE") \
                    and i + 1 < n and tok.text[:1].isupper() else None
                segs.append((i, i + 1, near))  # "Isreali officials"
                i += 1
        return segs

    def _match(self, toks: list[Token]) -> Entry | None:
        """The entry the words name, a plural noun by its lemma; a region only where the
        tagger marks a place."""
        last = toks[-1]
        words = "".join(t.text_with_ws for t in toks[:-1]) + last.text
        entry = self.lookup(words)
        if entry is None and last.tag_ in ("NNS", "NNPS") and last.lemma_ != last.text:
            entry = self.lookup(words[: len(words) - len(last.text)] + last.lemma_)
            if entry is not None and entry.kind not in NOUN_KINDS:
                entry = None
        if entry is not None and entry.tagged and not any(
                t.ent_type_ in PLACE_ENTS for t in toks):
            entry = None
        return entry


def _mention(tok: Token, number: int, entity: Entity) -> Mention:
    """The coreference mention of an observed phrase head."""
    subj = tok
    while subj.dep_ in ("appos", "conj") and subj.head.i != subj.i:
        subj = subj.head
    subject = subj.dep_ in SUBJECT_DEPS
    return Mention(
        tok.i, number, entity.entity_text, entity.code, entity.sector, entity.name,
        entity.kind, subject,
        main=subject and subj.head.dep_ == "ROOT",
        speaker=is_speaker(subj),
        plural=entity.kind == "group" or tok.tag_ in ("NNS", "NNPS"),
        gender=gender(tok) if entity.kind == "person" else None)


@functools.cache
def get_resolver() -> ActorResolver:
    """The process-wide default resolver (package tables only), built on first use."""
    return ActorResolver()
