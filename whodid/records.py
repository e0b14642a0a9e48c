"""Record types: the input document, entities, event records and error records (SCHEMA.md)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

# An event's status (SCHEMA.md, CODEBOOK.md §3): whether the text says it happened.
STATUSES = ("asserted", "alleged", "denied", "negated", "future", "hypothetical")


def text_id(text: str) -> str:
    """A stable id for a document that has none: a hash of its text."""
    return "doc-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Document:
    """One input document. Only `text` is required (SCHEMA.md): `Document(text="...")` gets
    the id `text_id(text)`. Positional arguments keep the order `(id, text, published, ...)`,
    so pass the text by keyword when there is no id."""

    id: str = ""
    text: str = ""
    published: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            self.id = text_id(self.text)


def _short(entities: list[Entity]) -> str:
    """`Kenya [KEN] & the rebels [REB]`, or `-`: entities at a glance."""
    return " & ".join(str(e) for e in entities) or "-"


@dataclass
class Entity:
    """A mention coded to country + sector. For a pronoun, `entity_text` is the mention and
    `code`/`name` those of its referent. `str()` gives `name [CODE/SECTOR]`."""

    entity_text: str
    start: int
    end: int
    code: str | None = None
    sector: str | None = None
    name: str | None = None
    why: str = field(default="", repr=False)
    kind: str = "unknown"  # state, org, person, group, place, pronoun... (used for coreference)

    def __str__(self) -> str:
        code = "/".join(x for x in (self.code, self.sector) if x) or "?"
        return f"{self.name or self.entity_text} [{code}]"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        """The inverse of `to_dict` (`kind` is not in records and comes back as unknown)."""
        return cls(d["entity_text"], d["start"], d["end"], d.get("code"), d.get("sector"),
                   d.get("name"), d.get("why") or "")

    def to_dict(self) -> dict[str, Any]:
        """The entity as in an event record (SCHEMA.md)."""
        return {
            "entity_text": self.entity_text,
            "start": self.start,
            "end": self.end,
            "code": self.code,
            "sector": self.sector,
            "name": self.name,
            "why": self.why,
        }


@dataclass
class DateInfo:
    """A resolved event date: `precision` is day, week, month, year, publication or unknown."""

    date: str | None
    text: str | None
    precision: str
    why: str = ""


@dataclass(repr=False)
class Event:
    """One event record (SCHEMA.md). `to_dict()` is the JSON record `whodid code` writes;
    `repr()` shows type, actor, recipient, status, trigger and date on one line."""

    id: str
    doc_id: str
    event: str
    mode: str | None
    status: str
    quad_code: int
    score: float
    cameo: str | None
    actor: list[Entity]
    recipient: list[Entity]
    claimant: list[Entity]
    trigger: dict[str, Any]
    date: DateInfo
    event_loc: dict[str, Any] | None
    text_info: dict[str, int]
    event_text: str
    confidence: float
    why: str

    def __repr__(self) -> str:
        kind = self.event + (f"/{self.mode}" if self.mode else "")
        status = self.status
        if self.claimant:
            status += f" by {_short(self.claimant)}"
        return (f"Event({kind}, actor={_short(self.actor)}, "
                f"recipient={_short(self.recipient)}, status={status}, "
                f"trigger={self.trigger.get('text')!r}, date={self.date.date})")

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        """The inverse of `to_dict`: an Event from a stored or written record."""
        return cls(
            id=d["id"], doc_id=d["doc_id"], event=d["event"], mode=d.get("mode"),
            status=d["status"], quad_code=d["quad_code"], score=d["score"],
            cameo=d.get("cameo"),
            actor=[Entity.from_dict(e) for e in d.get("actor") or []],
            recipient=[Entity.from_dict(e) for e in d.get("recipient") or []],
            claimant=[Entity.from_dict(e) for e in d.get("claimant") or []],
            trigger=d["trigger"],
            date=DateInfo(d.get("date"), d.get("date_text"), d.get("date_precision") or "unknown"),
            event_loc=d.get("event_loc"), text_info=d["text_info"], event_text=d["event_text"],
            confidence=d["confidence"], why=d.get("why") or "",
        )

    def to_dict(self) -> dict[str, Any]:
        """The event record as `whodid code` writes it (SCHEMA.md), keys in schema order."""
        return {
            "id": self.id,
            "doc_id": self.doc_id,
            "event": self.event,
            "mode": self.mode,
            "status": self.status,
            "quad_code": self.quad_code,
            "score": self.score,
            "cameo": self.cameo,
            "actor": [e.to_dict() for e in self.actor],
            "recipient": [e.to_dict() for e in self.recipient],
            "claimant": [e.to_dict() for e in self.claimant],
            "trigger": self.trigger,
            "date": self.date.date,
            "date_text": self.date.text,
            "date_precision": self.date.precision,
            "event_loc": self.event_loc,
            "text_info": self.text_info,
            "event_text": self.event_text,
            "confidence": self.confidence,
            "why": self.why,
        }


def error_record(doc_id: str | None, kind: str, detail: str) -> dict[str, Any]:
    """The error record of SCHEMA.md: never stops a run."""
    return {"doc_id": doc_id, "error": kind, "detail": detail}
