"""The claim ledger (`whodid claims`, docs/quotes.md): across every stored article, who
alleged an act, who denied it, when, and how many articles and sources carried it.

An allegation is an event with status `alleged` (its claimant alleges it), a denial one
with status `denied` (its claimant denies it). They are evidence of the same claimed act
when the event type and the actor's code agree, the recipients agree or one side leaves
the recipient open (a denial often names no target: "we never sent any weapons"), and
each lies within WINDOW_DAYS of the evidence already gathered (single linkage, by event
date, else publication date). A denial usually follows its allegation within days, and
follow-up stories repeat both over the next weeks; the same charge made again months later
is a new claim, with its own denials.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

import duckdb

from whodid.store.queries import _date_bound

WINDOW_DAYS = 30
CLAIM_COLUMNS = ["event", "actor", "recipient", "alleged_by", "denied_by", "first_date",
                 "last_date", "articles", "sources", "evidence"]

_EVIDENCE_SQL = """
SELECT e.id, e.event_no, e.event, e.status, e.actor_code, e.recipient_code,
       coalesce(e.day, try_cast(left(d.published, 10) AS DATE)) AS day, e.doc_key,
       coalesce(d.source, e.doc_key) AS source,
       list(DISTINCT c.code ORDER BY c.code) FILTER (WHERE c.code IS NOT NULL) AS claimants,
       e.event_text
FROM events e JOIN documents d ON d.doc_key = e.doc_key
LEFT JOIN entities c ON c.event_key = e.event_key AND c.role = 'claimant'
WHERE e.status IN ('alleged', 'denied') AND e.actor_code IS NOT NULL
GROUP BY ALL
ORDER BY e.event, e.actor_code, day NULLS LAST, e.event_no
"""


@dataclass
class Claim:
    """One claimed act and the stored evidence for and against it."""

    event: str
    actor: str
    recipients: set[str] = field(default_factory=set)
    alleged_by: set[str] = field(default_factory=set)
    denied_by: set[str] = field(default_factory=set)
    first: dt.date | None = None
    last: dt.date | None = None
    docs: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    evidence: list[tuple[dt.date | None, int, str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def takes(self, recipient: str | None, day: dt.date | None) -> bool:
        """Whether an allegation or denial with this recipient and date is of this act."""
        if recipient and self.recipients and recipient not in self.recipients:
            return False
        if day is None or self.first is None or self.last is None:
            return True
        window = dt.timedelta(days=WINDOW_DAYS)
        return self.first - window <= day <= self.last + window

    def add(self, row: dict[str, Any]) -> None:
        day = row["day"]
        if row["recipient_code"]:
            self.recipients.add(row["recipient_code"])
        side = self.alleged_by if row["status"] == "alleged" else self.denied_by
        side.update(row["claimants"] or ())
        if day is not None:
            self.first = min(self.first or day, day)
            self.last = max(self.last or day, day)
        self.docs.add(row["doc_key"])
        self.sources.add(row["source"])
        self.evidence.append((day, row["event_no"], row["id"]))
        self.texts.append(row["event_text"])

    def record(self) -> dict[str, Any]:
        newest = sorted(self.evidence, key=lambda x: (x[0] or dt.date.min, x[1]), reverse=True)
        return {"event": self.event, "actor": [self.actor], "recipient": sorted(self.recipients),
                "alleged_by": sorted(self.alleged_by), "denied_by": sorted(self.denied_by),
                "first_date": self.first.isoformat() if self.first else None,
                "last_date": self.last.isoformat() if self.last else None,
                "articles": len(self.docs), "sources": len(self.sources),
                "evidence": [event_id for _, _, event_id in newest]}


@dataclass
class ClaimFilter:
    """Which claims (after linking, so that counts stay whole). `actor`, `recipient` and
    `country` (either side) are codes; `alleged_by`/`denied_by` a claimant's code; `type`
    the event type; `since`/`until` keep claims whose dates reach into that span; `text`
    words in any evidence sentence; `linked` only claims both alleged and denied."""

    actor: str | None = None
    recipient: str | None = None
    country: str | None = None
    type: str | None = None
    alleged_by: str | None = None
    denied_by: str | None = None
    since: str | None = None
    until: str | None = None
    text: str | None = None
    linked: bool = False

    @classmethod
    def from_args(cls, args: Any) -> ClaimFilter:
        return cls(**{f.name: getattr(args, f.name, None) or (False if f.name == "linked" else None)
                      for f in fields(cls)})

    def keeps(self, c: Claim) -> bool:
        up = str.upper
        checks = [
            not self.actor or up(self.actor) == up(c.actor),
            not self.recipient or up(self.recipient) in {up(r) for r in c.recipients},
            not self.country or up(self.country) in {up(c.actor), *map(up, c.recipients)},
            not self.type or up(self.type) == up(c.event),
            not self.alleged_by or up(self.alleged_by) in map(up, c.alleged_by),
            not self.denied_by or up(self.denied_by) in map(up, c.denied_by),
            not self.linked or bool(c.alleged_by and c.denied_by),
            not self.text or any(self.text.lower() in (t or "").lower() for t in c.texts),
        ]
        if self.since and c.last is not None:
            checks.append(c.last >= _date_bound(self.since, end=False))
        if self.until and c.first is not None:
            checks.append(c.first <= _date_bound(self.until, end=True))
        return all(checks)


def link_claims(con: duckdb.DuckDBPyConnection) -> list[Claim]:
    """Every claimed act in the store, its allegations and denials linked (module doc)."""
    cur = con.execute(_EVIDENCE_SQL)
    names = [d[0] for d in cur.description]
    claims: list[Claim] = []
    open_claims: list[Claim] = []  # of the current event type and actor
    key: tuple[str, str] | None = None
    for values in cur.fetchall():
        row = dict(zip(names, values, strict=True))
        if (row["event"], row["actor_code"]) != key:
            key, open_claims = (row["event"], row["actor_code"]), []
        claim = next((c for c in open_claims if c.takes(row["recipient_code"], row["day"])),
                     None)
        if claim is None:
            claim = Claim(row["event"], row["actor_code"])
            open_claims.append(claim)
            claims.append(claim)
        claim.add(row)
    return sorted(claims, key=lambda c: (c.first or dt.date.max, c.event, c.actor))


def claim_records(con: duckdb.DuckDBPyConnection, filt: ClaimFilter | None = None,
                  limit: int | None = None) -> list[dict[str, Any]]:
    """The claim ledger's records (CLAIM_COLUMNS), oldest claim first."""
    filt = filt or ClaimFilter()
    out = [c.record() for c in link_claims(con) if filt.keeps(c)]
    return out[:limit] if limit is not None else out
