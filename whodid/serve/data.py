"""The questions the API and the pages ask of the store, on top of `whodid.store.queries`:
a page of events in any order with the total, one event with its document, a page of dyads,
a pair's timeline, and the actor network. Every value from the client goes into a query as
a parameter or is checked against a list of names; no SQL comes from the client."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import astuple, dataclass
from typing import Any

from whodid.serve import indexed
from whodid.serve.reader import Reader
from whodid.store.queries import (
    DYAD_COLUMNS,
    FLAT_COLUMNS,
    PERIODS,
    STORIES_SQL,
    EventFilter,
    QueryError,
    documents,
    dyads_sql,
    errors,
)

MAX_PAGE = 1000  # rows in one JSON page
QUADS = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
         4: "material conflict"}

# what an event page can be sorted by: every flat column; `date` sorts by the day it stands for
EVENT_SORTS = {name: ("e.day" if name == "date" else expr) for name, expr in FLAT_COLUMNS
               if not expr.startswith("s.")}
EVENT_SORTS["articles"] = "s.articles"
EVENT_SORTS["sources"] = "s.sources"


@dataclass(frozen=True)
class Page:
    """Which rows: `limit` from `offset`, ordered by `sort` (a column name, `-name` for
    descending)."""

    limit: int = 50
    offset: int = 0
    sort: str | None = None

    def check(self, max_limit: int = MAX_PAGE) -> Page:
        if not 0 < self.limit <= max_limit:
            raise QueryError(f"limit must be between 1 and {max_limit}, got {self.limit}")
        if self.offset < 0:
            raise QueryError(f"offset must be 0 or more, got {self.offset}")
        return self


def order_by(sort: str | None, allowed: dict[str, str], default: str) -> str:
    """The ORDER BY expression for `sort`, which must name one of `allowed`."""
    name = sort or default
    desc = name.startswith("-")
    column = name.lstrip("-")
    if column not in allowed:
        raise QueryError(f"cannot sort by {column!r}; one of: {', '.join(sorted(allowed))}")
    return f"{allowed[column]} {'DESC' if desc else 'ASC'} NULLS LAST"


def _key(filt: EventFilter) -> tuple[Any, ...]:
    return astuple(filt)


def event_total(reader: Reader, filt: EventFilter) -> int:
    """How many events match (cached: a count over a million events is not free)."""
    def compute() -> int:
        cond, params = filt.where()
        join = "JOIN documents d ON d.doc_key = e.doc_key " if "d." in cond else ""
        _, rows = reader.rows(f"SELECT count(*) FROM events e {join}WHERE {cond}", params)
        return int(rows[0][0])

    return reader.cached(("event_total", _key(filt)), compute)


def indexed_events(reader: Reader, filt: EventFilter, page: Page) -> bool:
    """Whether the server's index answers this page of events (else the store's queries):
    then in a few milliseconds, on the server's event loop."""
    return (reader.index is not None and indexed.answers(filt)
            and (page.sort or "event_no").lstrip("-") in indexed.SORTS)


def indexed_dyads(reader: Reader, filt: EventFilter) -> bool:
    """Whether the server's index answers this page of dyads in a few milliseconds, on the
    event loop: when a side or a type narrows the events. (It answers the others too, in a
    worker thread: grouping a million events takes a quarter of a second.)"""
    return (reader.index is not None and reader.index.days_ok and indexed.answers(filt)
            and bool(filt.actor or filt.recipient or filt.country or filt.sector or filt.type))


def event_page(reader: Reader, filt: EventFilter, page: Page) -> dict[str, Any]:
    """One page of matching events as flat rows (the CSV columns), with the total."""
    page.check()
    order = order_by(page.sort, EVENT_SORTS, "event_no")

    def compute() -> dict[str, Any]:
        index = reader.index
        if index is not None:  # arrays in this process: no query, no turn to wait for
            found = indexed.event_page(index, filt, page.sort or "event_no", page.limit,
                                       page.offset)
            if found is not None:
                columns, rows, total = found
                return {"columns": columns, "rows": rows, "total": total}
        cond, params = filt.where()
        stories = "s." in order
        # the documents are joined only when the filter or the order needs them: a page of
        # the first events of a million is then a top-N over one table
        first = "f." in order  # sorting by the first copy's id
        docs = stories or first or "d." in cond or "d." in order
        # with a filter, the total comes from the same pass as the page (a second pass over
        # the matches would cost as much again); without one, counting the table is free
        windowed = cond != "TRUE"
        _, picked = reader.rows(
            (f"WITH stories AS ({STORIES_SQL}) " if stories else "")
            + "SELECT e.event_no" + (", count(*) OVER ()" if windowed else "")
            + " FROM events e "
            + ("JOIN documents d ON d.doc_key = e.doc_key " if docs else "")
            + ("LEFT JOIN documents f ON f.doc_key = d.duplicate_of " if first else "")
            + ("JOIN stories s ON s.story_key = coalesce(d.duplicate_of, d.doc_key) "
               if stories else "")
            + f"WHERE {cond} ORDER BY {order}, e.event_no LIMIT ? OFFSET ?",
            [*params, page.limit, page.offset])
        columns = [name for name, _ in FLAT_COLUMNS]
        if not picked:
            return {"columns": columns, "rows": [], "total": None}
        # then the page's rows, by number (integers from the store, written into the SQL so
        # that DuckDB skips the row groups without them), with only their stories counted
        numbers = ", ".join(str(int(r[0])) for r in picked)
        cols = ", ".join(f"{expr} AS {name}" for name, expr in FLAT_COLUMNS)
        columns, rows = reader.rows(
            "WITH page AS (SELECT e.*, coalesce(d.duplicate_of, d.doc_key) AS story_key "
            "FROM events e JOIN documents d ON d.doc_key = e.doc_key "
            f"WHERE e.event_no IN ({numbers})), "
            "s AS (SELECT coalesce(duplicate_of, doc_key) AS story_key, count(*) AS articles, "
            "count(DISTINCT coalesce(source, doc_key)) AS sources FROM documents "
            "WHERE coalesce(duplicate_of, doc_key) IN (SELECT story_key FROM page) GROUP BY 1) "
            f"SELECT {cols} FROM page e JOIN documents d ON d.doc_key = e.doc_key "
            "LEFT JOIN documents f ON f.doc_key = d.duplicate_of "
            "JOIN s ON s.story_key = e.story_key "
            f"ORDER BY {order}, e.event_no")
        return {"columns": columns, "rows": [_json_row(columns, r) for r in rows],
                "total": picked[0][1] if windowed else None}

    result = dict(reader.cached(("event_page", _key(filt), page.limit, page.offset, order),
                                compute))
    if result["total"] is None:  # no filter, or past the last match
        result["total"] = event_total(reader, filt)
    return {"offset": page.offset, "limit": page.limit, "sort": page.sort or "event_no",
            **result}


def _json_row(columns: list[str], row: tuple[Any, ...]) -> dict[str, Any]:
    out = {}
    for name, value in zip(columns, row, strict=True):
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        out[name] = value
    return out


def event_detail(reader: Reader, event_no: int) -> dict[str, Any] | None:
    """One event: its record, its document (with the text) and its place in the store."""
    _, rows = reader.rows(
        "SELECT e.event_no, e.event_key, e.record, d.doc_key, d.doc_id, d.title, d.published, "
        "d.url, d.source, d.origin, d.text, f.doc_id FROM events e "
        "JOIN documents d ON d.doc_key = e.doc_key "
        "LEFT JOIN documents f ON f.doc_key = d.duplicate_of WHERE e.event_no = ?", [event_no])
    if not rows:
        return None
    (no, key, record, doc_key, doc_id, title, published, url, source, origin, text,
     dup) = rows[0]
    return {"event_no": no, "event_key": key, "record": json.loads(record),
            "document": {"doc_key": doc_key, "doc_id": doc_id, "title": title,
                         "published": published, "url": url, "source": source,
                         "origin": origin, "duplicate_of": dup, "text": text}}


def document_detail(reader: Reader, doc: str) -> dict[str, Any] | None:
    """One document (by id or key) with its text and its events' records."""
    columns, rows = reader.rows(
        "SELECT doc_key, doc_id, title, published, url, source, origin, status, text "
        "FROM documents WHERE doc_id = ? OR doc_key = ? ORDER BY seq LIMIT 1", [doc, doc])
    if not rows:
        return None
    out = dict(zip(columns, rows[0], strict=True))
    _, evs = reader.rows("SELECT event_no, record FROM events WHERE doc_key = ? ORDER BY n",
                         [out["doc_key"]])
    out["events"] = [{"event_no": no, **json.loads(rec)} for no, rec in evs]
    return out


DYAD_SORTS = {name: name for name in DYAD_COLUMNS}


def dyad_page(reader: Reader, filt: EventFilter, page: Page, period: str = "month",
              by_sector: bool = False) -> dict[str, Any]:
    """One page of the dyad aggregate (`whodid dyads`), with the number of rows in all."""
    page.check()
    order = order_by(page.sort, DYAD_SORTS, "period")

    def compute() -> dict[str, Any]:
        index = reader.index
        if index is not None:
            found = indexed.dyad_page(index, filt, period, by_sector, page.sort or "period",
                                      page.limit, page.offset)
            if found is not None:
                columns, rows, total = found
                return {"total": total, "columns": columns, "rows": rows}
        sql, params = dyads_sql(filt, period, by_sector)
        agg = f"WITH agg AS ({sql}) "
        # the aggregate once: the page and the number of rows in all from the same pass
        columns, rows = reader.rows(
            agg + f"SELECT *, count(*) OVER () AS _total FROM agg ORDER BY {order}, period, "
            "events DESC, actor, recipient, quad LIMIT ? OFFSET ?",
            [*params, page.limit, page.offset])
        if rows:
            total = rows[0][-1]
        else:  # past the end: count on its own
            total = reader.rows(agg + "SELECT count(*) FROM agg", params)[1][0][0]
        columns = columns[:-1]
        return {"total": int(total), "columns": columns,
                "rows": [_json_row(columns, r[:-1]) for r in rows]}

    result = reader.cached(("dyads", _key(filt), period, by_sector, page.limit, page.offset,
                            order), compute)
    return {"offset": page.offset, "limit": page.limit, "sort": page.sort or "period",
            "period": period, **result}


def document_page(reader: Reader, page: Page) -> dict[str, Any]:
    page.check()
    with reader.turn(reader.timeout):
        columns, rows = documents(reader.cursor(), None, page.offset + page.limit)
    _, total = reader.rows("SELECT count(*) FROM documents")
    return {"total": int(total[0][0]), "offset": page.offset, "limit": page.limit,
            "columns": columns, "rows": [_json_row(columns, r) for r in rows[page.offset:]]}


def error_page(reader: Reader, page: Page) -> dict[str, Any]:
    page.check()
    with reader.turn(reader.timeout):
        columns, rows = errors(reader.cursor(), page.offset + page.limit)
    _, total = reader.rows("SELECT count(*) FROM errors")
    return {"total": int(total[0][0]), "offset": page.offset, "limit": page.limit,
            "columns": columns, "rows": [_json_row(columns, r) for r in rows[page.offset:]]}



def _period_starts(first: dt.date, last: dt.date, period: str) -> list[dt.date]:
    out, day = [], first
    while day <= last:
        out.append(day)
        if period == "day":
            day += dt.timedelta(days=1)
        elif period == "week":
            day += dt.timedelta(days=7)
        elif period == "month":
            day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        else:
            day = day.replace(year=day.year + 1)
    return out


def timeline(reader: Reader, actor: str, recipient: str, filt: EventFilter,
             period: str = "month", both: bool = True) -> dict[str, Any]:
    """Events between two coded sides per period (every period from the first to the last,
    empty ones as 0): by quad class, as cooperation (quads 1, 2) and conflict (3, 4), and by
    type. `both` counts the two directions together. Near-duplicates are counted once."""
    if period not in PERIODS:
        raise QueryError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    if not actor or not recipient:
        raise QueryError("a timeline needs an actor and a recipient code")
    filt = EventFilter(**{**filt.__dict__, "unique": True})
    cond, params = filt.where()
    pair = "(upper(e.actor_code) = upper(?) AND upper(e.recipient_code) = upper(?))"
    pairs = [actor, recipient]
    if both:
        pair = f"({pair} OR {pair})"
        pairs += [recipient, actor]

    def compute() -> dict[str, Any]:
        _, rows = reader.rows(
            f"SELECT date_trunc('{period}', e.day)::DATE AS start, e.quad_code, e.event, "
            "count(*) FROM events e JOIN documents d ON d.doc_key = e.doc_key "
            f"WHERE e.day IS NOT NULL AND {pair} AND {cond} GROUP BY ALL ORDER BY 1",
            [*pairs, *params])
        if not rows:
            return {"starts": [], "labels": [], "quads": {}, "cooperation": [],
                    "conflict": [], "types": {}, "events": 0}
        starts = _period_starts(rows[0][0], rows[-1][0], period)
        index = {day: i for i, day in enumerate(starts)}
        quads = {q: [0] * len(starts) for q in QUADS}
        types: dict[str, list[int]] = {}
        for start, quad, event, n in rows:
            i = index[start]
            if quad in quads:
                quads[quad][i] += n
            types.setdefault(event, [0] * len(starts))[i] += n
        fmt = PERIODS[period]
        return {"starts": [d.isoformat() for d in starts],
                "labels": [d.strftime(fmt) for d in starts],
                "quads": {str(q): v for q, v in quads.items()},
                "cooperation": [a + b for a, b in zip(quads[1], quads[2], strict=True)],
                "conflict": [a + b for a, b in zip(quads[3], quads[4], strict=True)],
                "types": dict(sorted(types.items(), key=lambda kv: -sum(kv[1]))),
                "events": sum(n for *_, n in rows)}

    result = reader.cached(("timeline", actor.upper(), recipient.upper(), both, period,
                            _key(filt)), compute)
    return {"actor": actor.upper(), "recipient": recipient.upper(), "both": both,
            "period": period, **result}


def code_name(code: str) -> str:
    """A readable name for an actor code: the country's canonical short name, as the coder
    names countries, else the code itself."""
    from whodid.code.actors.build import country_names

    return country_names().get(code, code)


def network(reader: Reader, filt: EventFilter, min_events: int = 1,
            max_edges: int = 200) -> dict[str, Any]:
    """Who acts on whom: one edge per (actor code, recipient code) with its events, those of
    cooperation and of conflict and their mean score; the `max_edges` heaviest with at least
    `min_events`. Events of one side on itself and near-duplicates are left out."""
    if min_events < 1 or not 0 < max_edges <= 2000:
        raise QueryError("min_events must be 1 or more and max_edges between 1 and 2000")
    filt = EventFilter(**{**filt.__dict__, "unique": True})
    cond, params = filt.where()

    def compute() -> dict[str, Any]:
        columns, rows = reader.rows(
            "SELECT e.actor_code AS source, e.recipient_code AS target, count(*) AS events, "
            "count(*) FILTER (WHERE e.quad_code IN (1, 2)) AS cooperation, "
            "count(*) FILTER (WHERE e.quad_code IN (3, 4)) AS conflict, "
            "round(avg(e.score), 2) AS mean_score FROM events e "
            "JOIN documents d ON d.doc_key = e.doc_key WHERE e.actor_code IS NOT NULL "
            "AND e.recipient_code IS NOT NULL AND e.actor_code <> e.recipient_code "
            f"AND {cond} GROUP BY ALL HAVING count(*) >= ? "
            "ORDER BY events DESC, source, target LIMIT ?", [*params, min_events, max_edges])
        edges = [dict(zip(columns, r, strict=True)) for r in rows]
        weight: dict[str, int] = {}
        for e in edges:
            for side in ("source", "target"):
                weight[e[side]] = weight.get(e[side], 0) + e["events"]
        nodes = [{"id": c, "name": code_name(c), "events": n}
                 for c, n in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))]
        return {"nodes": nodes, "edges": edges}

    return reader.cached(("network", _key(filt), min_events, max_edges), compute)
