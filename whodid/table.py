"""A readable table of event records for people (`whodid code --format table`, `whodid events`).

On a terminal the table fits its width, the evidence cut around the trigger; piped or
redirected, the evidence is the whole sentence, so that nothing a reader greps for is lost."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable
from typing import IO, Any

COLUMNS = ("date", "actor", "event/mode", "recipient", "status", "evidence")
MAX_WIDTHS = (10, 28, 20, 28, 22)  # of the columns before the evidence
MIN_WIDTHS = (10, 10, 10, 10, 8)  # how far they shrink: 80 columns fit
MIN_EVIDENCE = 20
GAP = 2
TRIGGER_CONTEXT = 30  # characters of the sentence kept before the trigger when it is cut


def terminal_width(stream: IO[str] | None = None) -> int | None:
    """The width of the terminal `stream` (standard output) writes to, or None when it is
    no terminal (a pipe or a file)."""
    stream = stream or sys.stdout
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):  # a closed or unusual stream
        return None
    return shutil.get_terminal_size((100, 20)).columns


def _entities(ents: list[dict[str, Any]]) -> str:
    parts = []
    for e in ents:
        code = "/".join(x for x in (e.get("code"), e.get("sector")) if x) or "?"
        parts.append(f"{e.get('name') or e['entity_text']} [{code}]")
    return ", ".join(parts) or "-"


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def rows(records: Iterable[dict[str, Any]], whole: bool = False) -> list[tuple[str, ...]]:
    """One row of cells per event record (quote records are left to `format_quotes`). The
    evidence starts a little before the trigger, unless `whole`, when it is the whole
    sentence."""
    out = []
    for r in records:
        if "event" not in r:
            continue
        kind = r["event"] + (f"/{r['mode']}" if r.get("mode") else "")
        status = r["status"]
        if r.get("claimant"):
            status += f" by {_entities(r['claimant']).split(' [')[0]}"
        text = r["event_text"]
        if whole:
            excerpt = " ".join(text.split())
        else:  # centre the excerpt on the trigger
            offset = max(0, r["trigger"]["start"] - r["text_info"]["start"] - TRIGGER_CONTEXT)
            excerpt = ("…" if offset else "") + text[offset:]
        out.append((r.get("date") or "?", _entities(r["actor"]), kind,
                    _entities(r["recipient"]), status, excerpt))
    return out


def _fit(fixed: list[int], width: int) -> list[int]:
    """Narrow the widest columns, down to MIN_WIDTHS, until the evidence gets its minimum."""
    fixed = list(fixed)
    room = width - MIN_EVIDENCE - GAP * len(fixed)
    while sum(fixed) > room:
        i = max(range(len(fixed)), key=lambda k: fixed[k] - MIN_WIDTHS[k])
        if fixed[i] <= MIN_WIDTHS[i]:
            break
        fixed[i] -= 1
    return fixed


def format_table(records: Iterable[dict[str, Any]], width: int | None = None) -> str:
    """The records as a table `width` characters wide (cells cut with an ellipsis), or with
    the evidence whole when `width` is None. `terminal_width()` gives the width to use."""
    body = rows(records, whole=width is None)
    if not body:
        return "(no events)"
    fixed = [min(MAX_WIDTHS[i], max([len(COLUMNS[i])] + [len(r[i]) for r in body]))
             for i in range(len(MAX_WIDTHS))]
    if width is None:
        evidence = max(len(r[-1]) for r in body)
    else:
        fixed = _fit(fixed, width)
        evidence = max(MIN_EVIDENCE, width - sum(fixed) - GAP * len(fixed))
    widths = [*fixed, evidence]
    sep = " " * GAP
    lines = [sep.join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)).rstrip(),
             sep.join("-" * w for w in widths)]
    for r in body:
        lines.append(sep.join(_cut(c, w).ljust(w) for c, w in zip(r, widths, strict=True))
                     .rstrip())
    return "\n".join(lines)


def format_quotes(records: Iterable[dict[str, Any]], width: int | None = None) -> str:
    """Quote records one to a line: speaker, cue, kind and the content (cut to `width`)."""
    lines = []
    for q in records:
        who = _entities([q["speaker"]]) if q.get("speaker") else "?"
        line = f"{who}  {q['cue']['text']} ({q['kind']}): {q['content']['text']}"
        lines.append(_cut(line, width) if width else line)
    return "\n".join(lines) or "(no quotes)"
