"""What a coding stage sees: the sentence (or document) being coded, what the coder has
loaded (lexicon, actor resolver) and what it remembers across sentences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span, Token

from whodid.code.actors import ActorResolver, DocumentMemory
from whodid.code.candidate import Candidate, DocState
from whodid.code.lexicon import Lexicon
from whodid.records import Document, Entity


@dataclass
class SentenceContext:
    """One sentence in the middle of its document. `memory` is the actor resolver's record of
    the document so far (for pronouns and descriptions); `state` what the coder remembers
    (the last accuser, the last actors of each event type)."""

    sent: Span
    sequence: int  # the sentence's index in the document
    memory: DocumentMemory
    state: DocState
    lexicon: Lexicon
    resolver: ActorResolver
    document: Document | None = None

    def resolve(self, heads: list[Token]) -> list[Entity]:
        """The actors the phrase heads name, once each, conjoined modifiers split."""
        out: list[Entity] = []
        seen: set[tuple[int, int]] = set()
        for head in heads:
            ent = self.resolver.resolve(head, self.memory)
            for part in self._split_conjoined_modifiers(head, ent):
                key = (part.start, part.end)
                if key not in seen:
                    seen.add(key)
                    out.append(part)
        return out

    def _split_conjoined_modifiers(self, head: Token, ent: Entity) -> list[Entity]:
        """ "Hungarian and Romanian officials" are two actors, one per nationality; "North
        and South Korea" two states, each modifier named with the head they share."""
        for mod in head.children:
            if mod.dep_ not in ("amod", "compound", "nmod") or not any(
                    c.dep_ == "conj" for c in mod.children):
                continue
            parts = [mod, *[c for c in mod.subtree if c.dep_ == "conj"]]
            coded = [(m, self._with_shared_head(m, head)) for m in parts]
            if len(coded) > 1 and all(e.code for _, e in coded):
                return [Entity(m.text, m.idx, m.idx + len(m.text), e.code, ent.sector, e.name,
                               f"{e.why}; one of the conjoined modifiers of '{head.text}'",
                               ent.kind) for m, e in coded]
        return [ent]

    def _with_shared_head(self, mod: Token, head: Token) -> Entity:
        """What a conjoined modifier names: with the head when the two make a name ("South"
        and "Korea"), else alone ("Romanian")."""
        entry = self.resolver.lookup(f"{mod.text} {head.text}")
        if entry is not None and entry.code:
            return Entity(mod.text, mod.idx, mod.idx + len(mod.text), entry.code, entry.sector,
                          entry.name, f"'{mod.text} {head.text}' with the head shared",
                          entry.kind)
        return self.resolver.resolve(mod, self.memory)

    def new_candidate(self, token: Token, event: str, mode: str | None = None, *,
                      source: str, **options: Any) -> Candidate:
        """A candidate in this sentence for a token no lexicon entry matched (see
        `Candidate.synthesise` for the options)."""
        return Candidate.synthesise(token, self.sent, self.sequence, event, mode,
                                    source=source, **options)


@dataclass
class DocumentContext:
    """A whole document once every sentence is coded, for stages that need all of it."""

    document: Document
    parsed: Doc
    memory: DocumentMemory
    state: DocState
    lexicon: Lexicon
    resolver: ActorResolver
