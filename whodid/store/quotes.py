"""Stored quotes by speaker, date and words (`whodid quotes`, docs/quotes.md).

A quote carries no date of its own: it is dated by its document's publication date, the day
it was said or reported at the latest."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

import duckdb

from whodid.store.queries import _date_bound

QUOTE_COLUMNS = ["published", "speaker", "kind", "cue", "content", "events", "doc_id", "id"]


@dataclass
class QuoteFilter:
    """Which quotes. `speaker` matches the speaker's code exactly or its name or words
    (substring); `since`/`until` bound the publication date, inclusive; `text` is words in
    the content; `kind` is direct, indirect or mixed. Text filters are case-insensitive."""

    speaker: str | None = None
    since: str | None = None
    until: str | None = None
    text: str | None = None
    kind: str | None = None
    doc: str | None = None

    @classmethod
    def from_args(cls, args: Any) -> QuoteFilter:
        return cls(**{f.name: getattr(args, f.name, None) for f in fields(cls)})

    def where(self) -> tuple[str, list[Any]]:
        """An SQL condition over quotes `q` and their documents `d`, and its parameters."""
        conds: list[str] = []
        params: list[Any] = []
        if self.speaker:
            conds.append("(upper(q.speaker_code) = upper(?) OR q.speaker_name ILIKE ? "
                         "OR json_extract_string(q.record, '$.speaker.entity_text') ILIKE ?)")
            params += [self.speaker, f"%{self.speaker}%", f"%{self.speaker}%"]
        for bound, op, end in ((self.since, ">=", False), (self.until, "<=", True)):
            if bound:
                conds.append(f"try_cast(left(d.published, 10) AS DATE) {op} ?")
                params.append(_date_bound(bound, end=end))
        if self.text:
            conds.append("q.content ILIKE ?")
            params.append(f"%{self.text}%")
        if self.kind:
            conds.append("lower(q.kind) = lower(?)")
            params.append(self.kind)
        if self.doc:
            conds.append("(d.doc_id = ? OR d.doc_key = ?)")
            params += [self.doc, self.doc]
        return " AND ".join(conds) or "TRUE", params


def quote_records(con: duckdb.DuckDBPyConnection, filt: QuoteFilter,
                  limit: int | None = None) -> list[tuple[str | None, dict[str, Any]]]:
    """The matching quotes' records, as `whodid code` wrote them, with their documents'
    publication dates; in storing order."""
    cond, params = filt.where()
    sql = ("SELECT d.published, q.record FROM quotes q JOIN documents d ON d.doc_key = q.doc_key "
           f"WHERE {cond} ORDER BY d.seq, try_cast(split_part(q.quote_key, ':', -1) AS BIGINT)")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [(published, json.loads(record))
            for published, record in con.execute(sql, params).fetchall()]


def quote_rows(found: list[tuple[str | None, dict[str, Any]]]) -> list[tuple[Any, ...]]:
    """One flat row per quote (QUOTE_COLUMNS), for a table or CSV."""
    rows = []
    for published, q in found:
        s = q.get("speaker") or {}
        code = "/".join(x for x in (s.get("code"), s.get("sector")) if x)
        who = f"{s.get('name') or s.get('entity_text') or '?'}" + (f" [{code}]" if code else "")
        rows.append((published, who, q.get("kind"), (q.get("cue") or {}).get("text"),
                     (q.get("content") or {}).get("text"), len(q.get("event_ids") or []),
                     q.get("doc_id"), q.get("id")))
    return rows
