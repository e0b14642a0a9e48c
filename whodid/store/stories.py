"""One event per story: the same event reported by several articles, grouped (docs/store.md).

Events of the same type between the same coded actor and recipient whose dates lie within
WINDOW_DAYS of the story's are one story event, whether their articles are near-duplicates
or not; like GDELT's NumMentions, NumArticles and NumSources, a story counts the events
(mentions), documents and distinct sources that carry it. An event with neither side coded
is a story of its own: "someone attacked something" links nothing.

Grouping is incremental: `group_stories` places the events no story holds yet, after each
batch `whodid ingest` stores, into the open stories or new ones. Events are never changed;
the grouping lives in two tables of its own (`stories`, `story_events`), and an event recoded
away leaves its story.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

# An event's date is the one its article gives, else the article's publication date: reports
# of one event published over the next days, which fall back on their own dates, stay in it.
WINDOW_DAYS = 3

TABLES_SQL = [
    ("CREATE TABLE IF NOT EXISTS stories (story_no BIGINT PRIMARY KEY, event VARCHAR NOT NULL, "
     "actor_code VARCHAR, recipient_code VARCHAR, first_day DATE, last_day DATE)"),
    ("CREATE TABLE IF NOT EXISTS story_events (event_key VARCHAR PRIMARY KEY, "
     "story_no BIGINT NOT NULL)"),
]

_NEW_SQL = """
SELECT e.event_key, e.event, e.actor_code, e.recipient_code,
       coalesce(e.day, try_cast(left(d.published, 10) AS DATE)) AS day
FROM events e JOIN documents d ON d.doc_key = e.doc_key
WHERE e.event_key NOT IN (SELECT event_key FROM story_events)
ORDER BY e.event_no
"""

# Per story event: its first event (the one exported), mentions, articles and sources.
STORY_COUNTS_SQL = """
WITH s AS (
  SELECT se.story_no, min(e.event_no) AS root, count(*) AS mentions,
         count(DISTINCT e.doc_key) AS articles,
         count(DISTINCT coalesce(d.source, e.doc_key)) AS sources
  FROM story_events se JOIN events e ON e.event_key = se.event_key
  JOIN documents d ON d.doc_key = e.doc_key GROUP BY se.story_no)
SELECT e.event_no, s.story_no, s.root, s.mentions, s.articles, s.sources
FROM story_events se JOIN events e ON e.event_key = se.event_key
JOIN s ON s.story_no = se.story_no
"""


@dataclass
class Story:
    no: int
    event: str
    actor: str | None
    recipient: str | None
    first: dt.date | None
    last: dt.date | None

    def takes(self, day: dt.date | None) -> bool:
        if day is None or self.first is None or self.last is None:
            return day is None and self.first is None
        window = dt.timedelta(days=WINDOW_DAYS)
        return self.first - window <= day <= self.last + window

    def add(self, day: dt.date | None) -> None:
        if day is not None:
            self.first = min(self.first or day, day)
            self.last = max(self.last or day, day)


def has_stories(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_name = 'story_events'").fetchall()[0][0])


def group_stories(con: duckdb.DuckDBPyConnection) -> int:
    """Place every event no story holds yet; returns how many were placed."""
    for sql in TABLES_SQL:
        con.execute(sql)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM story_events WHERE event_key NOT IN "
                    "(SELECT event_key FROM events)")
        new = con.execute(_NEW_SQL).fetchall()
        if not new:
            con.execute("COMMIT")
            return 0
        by_key: dict[tuple[Any, ...], list[Story]] = {}
        for no, event, actor, recipient, first, last in _open_stories(con, new):
            by_key.setdefault((event, actor, recipient), []).append(
                Story(no, event, actor, recipient, first, last))
        next_no = con.execute("SELECT coalesce(max(story_no), 0) FROM stories").fetchall()[0][0]
        touched: dict[int, Story] = {}
        placed: list[dict[str, Any]] = []
        for event_key, event, actor, recipient, day in new:
            stories = by_key.setdefault((event, actor, recipient), []) if actor or recipient \
                else []
            story = next((s for s in reversed(stories) if s.takes(day)), None)
            if story is None:
                next_no += 1
                story = Story(next_no, event, actor, recipient, None, None)
                stories.append(story)
            story.add(day)
            touched[story.no] = story
            placed.append({"event_key": event_key, "story_no": story.no})
        con.execute("DELETE FROM stories WHERE story_no IN (SELECT unnest(?::BIGINT[]))",
                    [list(touched)])
        _insert(con, "stories", [{"story_no": s.no, "event": s.event, "actor_code": s.actor,
                                  "recipient_code": s.recipient, "first_day": s.first,
                                  "last_day": s.last} for s in touched.values()])
        _insert(con, "story_events", placed)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(placed)


def _open_stories(con: duckdb.DuckDBPyConnection, new: list[tuple[Any, ...]]) -> list[tuple]:
    """The stored stories the new events could join: same type and dyad, not ended before
    the earliest new date less the window (read by a join, not the whole table)."""
    keys = {(event, actor, recipient) for _, event, actor, recipient, _ in new
            if actor or recipient}
    if not keys:
        return []
    days = [row[4] for row in new if row[4] is not None]
    since = min(days) - dt.timedelta(days=WINDOW_DAYS) if days else None
    name = "_whodid_story_keys"
    con.register(name, pa.Table.from_pylist(
        [{"event": e, "actor_code": a, "recipient_code": r} for e, a, r in sorted(
            keys, key=lambda k: tuple(x or "" for x in k))],
        schema=pa.schema([("event", pa.string()), ("actor_code", pa.string()),
                          ("recipient_code", pa.string())])))
    try:
        return con.execute(
            "SELECT s.story_no, s.event, s.actor_code, s.recipient_code, s.first_day, "
            f"s.last_day FROM stories s JOIN {name} k ON s.event = k.event "
            "AND s.actor_code IS NOT DISTINCT FROM k.actor_code "
            "AND s.recipient_code IS NOT DISTINCT FROM k.recipient_code "
            "WHERE ?::DATE IS NULL OR s.last_day IS NULL OR s.last_day >= ? "
            "ORDER BY s.story_no", [since, since]).fetchall()
    finally:
        con.unregister(name)


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    name = f"_whodid_{table}"
    con.register(name, pa.Table.from_pylist(rows))
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {name}")
    finally:
        con.unregister(name)


def story_counts(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[int, int, int, int, int]]:
    """event_no -> (story_no, the story's first event_no, mentions, articles, sources), for the
    events grouped so far (none when the store was never grouped)."""
    if not has_stories(con):
        return {}
    return {row[0]: tuple(row[1:]) for row in con.execute(STORY_COUNTS_SQL).fetchall()}
