"""A readable table of event records for people (`whodid code --format table`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from typing import Any

COLUMNS = ("date", "actor", "event/mode", "recipient", "status", "evidence")


def _entities(ents: list[dict[str, Any]]) -> str:
    parts = []
    for e in ents:
        code = "/".join(x for x in (e.get("code"), e.get("sector")) if x) or "?"
        parts.append(f"{e.get('name') or e['entity_text']} [{code}]")
    return ", ".join(parts) or "-"


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def rows(records: Iterable[dict[str, Any]]) -> list[tuple[str, ...]]:
    out = []
    for r in records:
        kind = r["event"] + (f"/{r['mode']}" if r.get("mode") else "")
        status = r["status"]
        if r.get("claimant"):
            status += f" by {_entities(r['claimant']).split(' [')[0]}"
        trig = r["trigger"]
        sent_start = r["text_info"]["start"]
        text = r["event_text"]
        # centre the excerpt on the trigger
        offset = max(0, trig["start"] - sent_start - 30)
        excerpt = ("…" if offset else "") + text[offset:]
        out.append((r.get("date") or "?", _entities(r["actor"]), kind,
                    _entities(r["recipient"]), status, excerpt))
    return out


def format_table(records: Iterable[dict[str, Any]], width: int | None = None) -> str:
    width = width or max(100, shutil.get_terminal_size((140, 20)).columns)
    body = rows(records)
    if not body:
        return "(no events)"
    fixed = [10, 28, 20, 28, 22]
    for i in range(5):
        fixed[i] = min(fixed[i], max([len(COLUMNS[i])] + [len(r[i]) for r in body]))
    evidence = max(20, width - sum(fixed) - 2 * len(fixed))
    widths = [*fixed, evidence]
    lines = ["  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for r in body:
        lines.append("  ".join(_cut(c, w).ljust(w) for c, w in zip(r, widths)).rstrip())
    return "\n".join(lines)
