"""An event while the coder builds it, and what the coder remembers across sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    # how the rules found the recipient ("dobj", "prep:with"); "" where it came with the
    # event (a denial's accuser from reported speech)
    recipient_how: str = ""
    governor: Candidate | None = None
    absorbed: bool = False
    confidence: float = 0.0
    dropped: str | None = None
    committed: bool = False  # promised by its governor: keeps its type, status future
    place: dict[str, Any] | None = None  # the record's event_loc (whodid.places.stage)

    @classmethod
    def from_match(cls, match: Match, sent: Span, sequence: int, **fields: Any) -> Candidate:
        """A candidate of the type and mode its match names."""
        return cls(match, sent, sequence, event=match.entry.event, mode=match.entry.mode,
                   **fields)

    @classmethod
    def synthesise(cls, token: Token, sent: Span, sequence: int, event: str,
                   mode: str | None = None, *, source: str, cameo: str | None = None,
                   confidence: float = 0.6, pos: str | None = None,
                   why: str | None = None, **fields: Any) -> Candidate:
        """A candidate for a token no lexicon entry matched (a learned model's, a quote's):
        its `why` starts with `why`, else with where it came from (`source`)."""
        match = Match.synthesise(token, event, mode, source=source, cameo=cameo,
                                 confidence=confidence, pos=pos)
        return cls.from_match(match, sent, sequence, why=[why or f"from {source}"], **fields)

    @property
    def token(self) -> Token:
        return self.match.token

    @property
    def live(self) -> bool:
        """Neither dropped nor folded into another event: it will be written out."""
        return self.dropped is None and not self.absorbed

    def codes(self, side: str) -> set[str]:
        ents = self.actors if side == "actor" else self.recipients
        return {e.code for e in ents if e.code}


@dataclass
class DocState:
    """What the coder remembers across sentences of one document."""

    last_accuser: list[Entity] = field(default_factory=list)
    last_actors: dict[str, list[Entity]] = field(default_factory=dict)  # by event type
    extras: dict[str, Any] = field(default_factory=dict)  # what added stages carry along
