"""Questions asked of the store: events by filter, dyad aggregates, documents, errors.

Each function returns (columns, rows) or a cursor, so that the CLI, the exports and a
notebook all get the same answers. Near-duplicate copies of a story are counted once in
aggregates: only the events of first copies count, and `articles`/`sources` say how many
stored documents, and how many distinct sources, carried them."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import astuple, dataclass, fields
from typing import Any

import duckdb

from whodid.store.places import BoxError, place_conditions

# For each story (a first copy and its near-duplicates): how many documents and sources.
STORIES_SQL = """
SELECT coalesce(duplicate_of, doc_key) AS story_key, count(*) AS articles,
       count(DISTINCT coalesce(source, doc_key)) AS sources
FROM documents GROUP BY 1
"""

# One row per event, flat: what CSV and Parquet carry and `events --format csv` prints.
FLAT_COLUMNS: list[tuple[str, str]] = [
    ("event_no", "e.event_no"), ("id", "e.id"), ("doc_id", "e.doc_id"), ("date", "e.date"),
    ("date_precision", "e.date_precision"), ("date_text", "e.date_text"),
    ("event", "e.event"), ("mode", "e.mode"), ("status", "e.status"),
    ("quad_code", "e.quad_code"), ("score", "e.score"), ("cameo", "e.cameo"),
    ("actor_code", "e.actor_code"), ("actor_sector", "e.actor_sector"),
    ("actor_name", "e.actor_name"), ("actor_text", "e.actor_text"),
    ("recipient_code", "e.recipient_code"), ("recipient_sector", "e.recipient_sector"),
    ("recipient_name", "e.recipient_name"), ("recipient_text", "e.recipient_text"),
    ("claimant_code", "e.claimant_code"), ("claimant_name", "e.claimant_name"),
    ("trigger", "e.trigger"), ("sentence", "e.sentence"), ("event_text", "e.event_text"),
    ("confidence", "e.confidence"), ("why", "e.why"), ("place", "e.place"),
    ("place_country", "e.place_country"), ("lat", "e.lat"), ("lon", "e.lon"),
    ("geonameid", "e.geonameid"), ("published", "d.published"), ("title", "d.title"),
    ("url", "d.url"), ("source", "d.source"), ("duplicate_of", "f.doc_id"),
    ("articles", "s.articles"), ("sources", "s.sources"),
]

PERIODS = {"day": "%Y-%m-%d", "week": "%G-W%V", "month": "%Y-%m", "year": "%Y"}


class QueryError(ValueError):
    """A filter value that cannot be used; the message says which and why."""


def _date_bound(value: str, end: bool) -> dt.date:
    """YYYY, YYYY-MM or YYYY-MM-DD; as an upper bound, the last day of that year or month."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip())
    if not m or (m.group(3) and not m.group(2)):
        raise QueryError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            return dt.date(year, int(month), int(day))
        if month:
            last = calendar.monthrange(year, int(month))[1] if end else 1
            return dt.date(year, int(month), last)
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    except ValueError as exc:
        raise QueryError(f"{value!r}: {exc}") from exc


@dataclass
class EventFilter:
    """Which events. Text filters are case-insensitive. `actor`/`recipient` match any entity
    on that side by code (exactly) or by name or text (substring); `country` and `sector`
    match either side; `since`/`until` bound the event date, inclusive; `unique` keeps the
    events of first copies only (near-duplicates left out); `place_country` and `bbox`
    (west, south, east, north) bound where the event happened."""

    actor: str | None = None
    recipient: str | None = None
    country: str | None = None
    sector: str | None = None
    type: str | None = None
    mode: str | None = None
    status: str | None = None
    since: str | None = None
    until: str | None = None
    text: str | None = None
    doc: str | None = None
    unique: bool = False
    place_country: str | None = None  # where it happened (whodid.store.places)
    bbox: Any = None  # "W,S,E,N" or four numbers

    def __post_init__(self) -> None:
        if self.type or self.mode or self.status or self.country or self.sector:
            from whodid.store.choices import check

            check(self)  # QueryError naming the valid choices; a country name -> its code

    @classmethod
    def from_args(cls, args: Any) -> EventFilter:
        return cls(**{f.name: getattr(args, f.name, None) or (False if f.name == "unique" else None)
                      for f in fields(cls)})

    def where(self) -> tuple[str, list[Any]]:
        """An SQL condition over events `e` and their documents `d`, and its parameters."""
        conds: list[str] = []
        params: list[Any] = []

        def entity(roles: str, cond: str, *values: Any) -> None:
            conds.append(f"e.event_key IN (SELECT event_key FROM entities WHERE role IN "
                         f"({roles}) AND ({cond}))")
            params.extend(values)

        for role in ("actor", "recipient"):
            value = getattr(self, role)
            if value:
                like = f"%{value}%"
                entity(f"'{role}'", "upper(code) = upper(?) OR name ILIKE ? OR entity_text "
                       "ILIKE ?", value, like, like)
        if self.country:
            entity("'actor', 'recipient'", "upper(code) = upper(?)", self.country)
        if self.sector:
            entity("'actor', 'recipient'", "upper(sector) = upper(?)", self.sector)
        for name, column in (("type", "event"), ("mode", "mode"), ("status", "status")):
            value = getattr(self, name)
            if value:
                conds.append(f"lower(e.{column}) = lower(?)")
                params.append(value)
        if self.since:
            conds.append("e.day >= ?")
            params.append(_date_bound(self.since, end=False))
        if self.until:
            conds.append("e.day <= ?")
            params.append(_date_bound(self.until, end=True))
        if self.text:
            conds.append("e.event_text ILIKE ?")
            params.append(f"%{self.text}%")
        if self.doc:
            conds.append("(e.doc_id = ? OR e.doc_key = ?)")
            params.extend([self.doc, self.doc])
        if self.unique:
            conds.append("d.duplicate_of IS NULL")
        try:
            more, values = place_conditions(self.place_country, self.bbox)
        except BoxError as exc:
            raise QueryError(str(exc)) from exc
        conds += more
        params += values
        return (" AND ".join(conds) or "TRUE"), params


def events_sql(filt: EventFilter, columns: list[tuple[str, str]] | None = None,
               limit: int | None = None) -> tuple[str, list[Any]]:
    """SELECT of events (flat columns by default) matching `filt`, in storing order."""
    cond, params = filt.where()
    cols = ", ".join(f"{expr} AS {name}" for name, expr in (columns or FLAT_COLUMNS))
    sql = (f"WITH stories AS ({STORIES_SQL}) SELECT {cols} FROM events e "
           "JOIN documents d ON d.doc_key = e.doc_key "
           "LEFT JOIN documents f ON f.doc_key = d.duplicate_of "
           "JOIN stories s ON s.story_key = coalesce(d.duplicate_of, d.doc_key) "
           f"WHERE {cond} ORDER BY e.event_no")
    return sql + _limit(limit), params


def _limit(limit: int | None) -> str:
    if limit is None:
        return ""
    if int(limit) < 0:
        raise QueryError(f"limit must be 0 or more, got {limit}")
    return f" LIMIT {int(limit)}"


def events(con: duckdb.DuckDBPyConnection, filt: EventFilter,
           limit: int | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    sql, params = events_sql(filt, limit=limit)
    return [name for name, _ in FLAT_COLUMNS], con.execute(sql, params).fetchall()


def event_records(con: duckdb.DuckDBPyConnection, filt: EventFilter,
                  limit: int | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor over the matching events' JSON records, as `whodid code` wrote them."""
    sql, params = events_sql(filt, [("record", "e.record")], limit)
    return con.execute(sql, params)


DYAD_COLUMNS = ["period", "actor", "recipient", "quad", "events", "mean_score", "articles",
                "sources"]


@dataclass(frozen=True)
class Dyad:
    """One row of `dyads`: events of one quad class from actor to recipient in a period."""

    period: str
    actor: str
    recipient: str
    quad: int
    events: int
    mean_score: float
    articles: int
    sources: int

    def to_dict(self) -> dict[str, Any]:
        """The row as `whodid dyads --format jsonl` writes it."""
        return dict(zip(DYAD_COLUMNS, astuple(self), strict=True))


def dyads_sql(filt: EventFilter, period: str = "month",
              by_sector: bool = False) -> tuple[str, list[Any]]:
    """The dyad aggregate's SQL (columns DYAD_COLUMNS) and parameters; see `dyads`."""
    if period not in PERIODS:
        raise QueryError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    filt = EventFilter(**{**filt.__dict__, "unique": True})
    cond, params = filt.where()

    def side(name: str) -> str:
        code = f"e.{name}_code"
        return f"{code} || coalesce('/' || e.{name}_sector, '')" if by_sector else code

    # per story first, so that a story's articles and sources count once however many of
    # the dyad's events it reports
    sql = (f"WITH stories AS ({STORIES_SQL}), per_story AS ("
           f"SELECT strftime(e.day, '{PERIODS[period]}') AS period, {side('actor')} AS actor, "
           f"{side('recipient')} AS recipient, e.quad_code AS quad, count(*) AS events, "
           "sum(e.score) AS score, any_value(s.articles) AS articles, "
           "any_value(s.sources) AS sources "
           "FROM events e JOIN documents d ON d.doc_key = e.doc_key "
           "JOIN stories s ON s.story_key = d.doc_key "
           "WHERE e.actor_code IS NOT NULL AND e.recipient_code IS NOT NULL "
           f"AND e.day IS NOT NULL AND {cond} "
           "GROUP BY period, actor, recipient, quad, s.story_key) "
           "SELECT period, actor, recipient, quad, sum(events)::BIGINT AS events, "
           "round(sum(score) / sum(events), 2) AS mean_score, "
           "sum(articles)::BIGINT AS articles, sum(sources)::BIGINT AS sources FROM per_story "
           "GROUP BY ALL ORDER BY period, events DESC, actor, recipient, quad")
    return sql, params


def dyads(con: duckdb.DuckDBPyConnection, filt: EventFilter, period: str = "month",
          by_sector: bool = False) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Events per period, actor, recipient and quad class, with their mean score. A side is
    its first coded entity's code (with its sector when `by_sector`); events with no coded
    actor or recipient, or no date, are no dyad. Near-duplicates are counted once: `events`
    counts first copies, `articles` and `sources` how many documents and sources carried them."""
    sql, params = dyads_sql(filt, period, by_sector)
    return DYAD_COLUMNS, con.execute(sql, params).fetchall()


DOC_COLUMNS = ["seq", "doc_id", "published", "status", "events", "duplicate_of", "similarity",
               "copies", "errors", "origin", "title"]


def documents(con: duckdb.DuckDBPyConnection, doc: str | None = None,
              limit: int | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Stored documents in storing order with their event counts, near-duplicate link (the
    first copy's id), copies (for a first copy: itself and its near-duplicates) and errors."""
    sql = (f"WITH stories AS ({STORIES_SQL}), "
           "errs AS (SELECT doc_key, count(*) AS n FROM errors WHERE doc_key IS NOT NULL "
           "GROUP BY 1) "
           "SELECT d.seq, d.doc_id, d.published, d.status, d.events, f.doc_id, "
           "round(d.similarity, 2), CASE WHEN d.duplicate_of IS NULL THEN s.articles END, "
           "coalesce(er.n, 0), d.origin, d.title FROM documents d "
           "LEFT JOIN documents f ON f.doc_key = d.duplicate_of "
           "LEFT JOIN stories s ON s.story_key = d.doc_key "
           "LEFT JOIN errs er ON er.doc_key = d.doc_key ")
    params: list[Any] = []
    if doc:
        sql += "WHERE d.doc_id = ? OR d.doc_key = ? "
        params = [doc, doc]
    sql += "ORDER BY d.seq" + _limit(limit)
    return DOC_COLUMNS, con.execute(sql, params).fetchall()


ERROR_LIST_COLUMNS = ["last_run", "seen", "kind", "doc_id", "origin", "detail"]


def errors(con: duckdb.DuckDBPyConnection,
           limit: int | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Stored error rows: inputs that could not be read and documents that could not be coded;
    `seen` counts the runs that met each."""
    sql = ("SELECT last_run, seen, kind, doc_id, origin, detail FROM errors "
           "ORDER BY first_run, regexp_replace(origin, ':[0-9]+$', ''), "
           "TRY_CAST(regexp_extract(origin, ':([0-9]+)$', 1) AS BIGINT) NULLS FIRST, detail"
           + _limit(limit))
    return ERROR_LIST_COLUMNS, con.execute(sql).fetchall()


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Table sizes, for summaries and tests."""
    row = con.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM events), "
        "(SELECT count(*) FROM entities), (SELECT count(*) FROM errors), "
        "(SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL)").fetchall()[0]
    return dict(zip(("documents", "events", "entities", "errors", "duplicates"), row,
                    strict=True))
