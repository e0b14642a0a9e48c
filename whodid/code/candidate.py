"""An event while the coder builds it, and what the coder remembers across sentences."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from whodid.code.triggers import Match
from whodid.records import Entity


@dataclass
class Candidate:
    """An event while it is being built."""

    match: Match
    sent: Span
    sequence: int
    actors: list[Entity] = field(default_factory=list)
    recipients: list[Entity] = field(default_factory=list)
    claimant: list[Entity] = field(default_factory=list)
    event: str = ""
    mode: str | None = None
    status: str = "asserted"
    why: list[str] = field(default_factory=list)
    actor_how: str = ""  # how the actor was found ("subject of 'held'", "possessive", ...)
    governor: Candidate | None = None
    absorbed: bool = False
    confidence: float = 0.0
    dropped: str | None = None
    committed: bool = False  # promised by its governor: keeps its type, status future

    @property
    def token(self) -> Token:
        return self.match.token

    @property
    def clause_head(self) -> Token:
        """The verb of the trigger's clause ("is *willing*" -> "is" for adjectives)."""
        tok = self.match.token
        return tok.head if self.match.entry.pos == "adj" and tok.dep_ == "acomp" else tok

    def codes(self, side: str) -> set[str]:
        ents = self.actors if side == "actor" else self.recipients
        return {e.code for e in ents if e.code}


@dataclass
class DocState:
    """What the coder remembers across sentences of one document."""

    last_accuser: list[Entity] = field(default_factory=list)
    last_actors: dict[str, list[Entity]] = field(default_factory=dict)  # by event type
