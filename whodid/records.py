"""Record types: the input document, entities, event records and error records (SCHEMA.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Document:
    """One input document. Only `text` is required by the schema; `id` is filled by the reader."""

    id: str
    text: str
    published: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None


@dataclass
class Entity:
    """A mention coded to country + sector. For a pronoun, `entity_text` is the mention and
    `code`/`name` those of its referent."""

    entity_text: str
    start: int
    end: int
    code: str | None = None
    sector: str | None = None
    name: str | None = None
    why: str = ""
    kind: str = "unknown"  # state, org, person, group, place, pronoun... (used for coreference)

    def to_dict(self) -> dict[str, Any]:
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


@dataclass
class Event:
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

    def to_dict(self) -> dict[str, Any]:
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
