"""An event's evidence as the event view shows it: the document's text cut into segments
marked trigger, actor, recipient, claimant and sentence, and the record's `why` split into
the reasons for each field."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from whodid.records import STATUSES

ROLES = ("actor", "recipient", "claimant")
# the `why` of a record is "; "-separated clauses; these prefixes say which field each explains
_FIELD_PREFIXES = {"actor:": "actor", "recipient:": "recipient", "claimant:": "claimant",
                   "status:": "status", "date:": "date", "model: trigger": "event",
                   "model: type": "event"}


def spans(record: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The marked spans of one event in its document's text: the sentence, the trigger and
    every actor, recipient and claimant mention, each with its offsets and why. A span whose
    offsets do not hold its words in the text is left out (`ok` false), not placed wrongly."""
    out: list[dict[str, Any]] = []
    info = record.get("text_info") or {}
    if isinstance(info.get("start"), int) and isinstance(info.get("end"), int):
        out.append({"kind": "sentence", "start": info["start"], "end": info["end"],
                    "text": text[info["start"]:info["end"]], "why": None, "ok": True})
    trigger = record.get("trigger") or {}
    if trigger.get("text"):
        out.append(_span("trigger", trigger, trigger.get("text"), record.get("why"), text))
    for role in ROLES:
        for ent in record.get(role) or []:
            out.append(_span(role, ent, ent.get("entity_text"), ent.get("why"), text))
    return out


def _span(kind: str, obj: dict[str, Any], words: str | None, why: str | None,
          text: str) -> dict[str, Any]:
    start, end = obj.get("start"), obj.get("end")
    ok = (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
          and text[start:end] == words)
    return {"kind": kind, "start": start, "end": end, "text": words, "why": why, "ok": ok}


def segments(text: str, marks: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """The text cut at every span boundary: (piece, kinds of the spans covering it)."""
    placed = [m for m in marks if m["ok"]]
    cuts = sorted({0, len(text), *(m["start"] for m in placed), *(m["end"] for m in placed)})
    out = []
    for a, b in pairwise(cuts):
        kinds = [m["kind"] for m in placed if m["start"] <= a and b <= m["end"]]
        out.append((text[a:b], sorted(set(kinds), key=_KIND_ORDER.index)))
    return out


_KIND_ORDER = ["sentence", "claimant", "recipient", "actor", "trigger"]


def field_reasons(record: dict[str, Any]) -> dict[str, list[str]]:
    """The record's `why` clauses grouped by the field they explain: event (the trigger rule or
    model that gave the type), actor, recipient, claimant, status, date, and other."""
    out: dict[str, list[str]] = {k: [] for k in ("event", *ROLES, "status", "date", "other")}
    clauses = [c.strip() for c in (record.get("why") or "").split(";") if c.strip()]
    for i, clause in enumerate(clauses):
        low = clause.lower()
        field = next((f for p, f in _FIELD_PREFIXES.items() if low.startswith(p)), None)
        head = low.split(":", 1)[0].split() if ":" in low else []
        if field is None and head and head[-1] in STATUSES:
            field = "status"
        if field is None and "->" in clause and i == 0:
            field = "event"
        out[field or "other"].append(clause)
    if record.get("date_text"):
        out["date"].append(f"from '{record['date_text']}' ({record.get('date_precision')}), "
                           "read against the publication date")
    return out
