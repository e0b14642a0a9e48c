"""Pages of events and of dyads answered from the server's index (whodid.serve.index): the
matching events are found, counted, sorted and aggregated on the index's integer columns,
and only the page's rows are read from the store, by number. The answers are those of the
store's own queries (whodid.store.queries), which `whodid.serve.data` asks when the index
cannot answer (a filter on words, a document or a place; a sort by a column it lacks)."""

from __future__ import annotations

from typing import Any

from whodid.serve.index import SORTS, Index, source
from whodid.serve.reader import Reader
from whodid.store.queries import FLAT_COLUMNS, PERIODS, EventFilter

# the flat columns read from the store for a page's rows; articles and sources from the index
_STORED = [(name, expr) for name, expr in FLAT_COLUMNS if not expr.startswith("s.")]


def event_page(reader: Reader, index: Index, filt: EventFilter, sort: str, limit: int,
               offset: int) -> tuple[list[str], list[tuple[Any, ...]], int] | None:
    """(columns, rows, total) of one page of events sorted by `sort` (a flat column, `-name`
    descending), or None when the index cannot answer."""
    column = sort.lstrip("-")
    where = index.conditions(filt)
    if where is None or column not in SORTS:
        return None
    conds, entities = where
    direction = f"{'DESC' if sort.startswith('-') else 'ASC'} NULLS LAST"
    order = f"{SORTS[column]} {direction}"
    filtered = bool(conds or entities)
    if not filtered and column == "event_no":  # the page's places in event_no order
        first = offset + 1 if direction.startswith("ASC") else index.events - offset - limit + 1
        conds = [f"e.no_rank BETWEEN {int(first)} AND {int(first) + int(limit) - 1}"]
        offset = 0
    src = source(conds, entities)
    # the page chosen on the index, with its documents' and stories' columns; then its event
    # columns from the store by number (a wide row of the file costs a decompressed vector
    # per column: only the page's rows are read)
    _, picked = reader.index_rows(
        index, f"WITH page AS (SELECT e.event_no, e.doc_seq, e.articles, e.sources, "
        f"{SORTS[column]} AS _k"
        + (", count(*) OVER () AS _total" if filtered else "")
        + f" {src} ORDER BY {order}, e.event_no LIMIT ? OFFSET ?) "
        "SELECT p.event_no, d.published, d.title, d.url, d.source, d.duplicate_of, "
        "p.articles, p.sources" + (", p._total" if filtered else "")
        + " FROM page p JOIN doc_page d ON d.seq = p.doc_seq "
        f"ORDER BY p._k {direction}, p.event_no",
        [limit, offset])
    if not filtered:
        total = index.events
    elif picked:
        total = int(picked[0][8])
    else:  # past the last match
        total = int(reader.index_rows(index, f"SELECT count(*) {src}")[1][0][0])
    columns = [name for name, _ in FLAT_COLUMNS]
    if not picked:
        return columns, [], total
    cols = ", ".join(f"{expr} AS {name}" for name, expr in _STORED if expr.startswith("e."))
    _, stored = reader.rows(f"SELECT {cols} FROM events e WHERE e.event_no = ANY(?::BIGINT[])",
                            [[r[0] for r in picked]])
    by_number = {row[0]: row for row in stored}
    rows = [by_number[r[0]] + tuple(r[1:8]) for r in picked]
    return columns, rows, total


# the dyads' order on the aggregate's own keys: a period's start sorts as its text (four-digit
# years, zero-padded), a code's dictionary number as the code (numbered in that order)
DYAD_KEYS = {"period": "p", "actor": "a", "recipient": "r"}
DYAD_ORDER = "p, events DESC, a, r, quad"


def dyad_page(reader: Reader, index: Index, filt: EventFilter, period: str, by_sector: bool,
              sort: str, limit: int, offset: int
              ) -> tuple[list[str], list[tuple[Any, ...]], int] | None:
    """(columns, rows, total) of one page of `whodid dyads` (queries.dyads_sql), ordered by
    `sort` (a column, `-name` descending; checked by the caller), or None when the index
    cannot answer."""
    where = index.conditions(EventFilter(**{**filt.__dict__, "unique": True}))
    if where is None:
        return None
    column = sort.lstrip("-")
    order = (f"{DYAD_KEYS.get(column, column)} {'DESC' if sort.startswith('-') else 'ASC'} "
             f"NULLS LAST, {DYAD_ORDER}")
    conds, entities = where
    conds = [*conds, "e.actor_code_id IS NOT NULL", "e.recipient_code_id IS NOT NULL",
             "e.day IS NOT NULL"]
    if by_sector:  # a side is the text code/sector: grouped by that text, as the store does
        sides = ("xa.value || coalesce('/' || xas.value, '')",
                 "xr.value || coalesce('/' || xrs.value, '')")
        joins = ("JOIN dict_actor_code xa ON xa.id = e.actor_code_id "
                 "LEFT JOIN dict_actor_sector xas ON xas.id = e.actor_sector_id "
                 "JOIN dict_recipient_code xr ON xr.id = e.recipient_code_id "
                 "LEFT JOIN dict_recipient_sector xrs ON xrs.id = e.recipient_sector_id ")
        src = source(conds, entities, joins=joins)
        names = "a AS actor, r AS recipient"
        decode = ""
    else:  # a code is its dictionary number until the page is chosen
        sides = ("e.actor_code_id", "e.recipient_code_id")
        src = source(conds, entities)
        names = "xa.value AS actor, xr.value AS recipient"
        decode = ("JOIN dict_actor_code xa ON xa.id = page.a "
                  "JOIN dict_recipient_code xr ON xr.id = page.r ")
    # per story first, so that a story's articles and sources count once however many of the
    # dyad's events it reports; the period is the start of the day, ISO week, month or year,
    # written as the store writes it once the page is chosen
    sql = (f"WITH per_story AS (SELECT date_trunc('{period}', e.day) AS p, {sides[0]} AS a, "
           f"{sides[1]} AS r, e.quad_code AS quad, count(*) AS events, "
           "sum(e.score) AS score, any_value(e.articles) AS articles, "
           f"any_value(e.sources) AS sources {src} GROUP BY p, a, r, quad, e.story), "
           "agg AS (SELECT p, a, r, quad, sum(events)::BIGINT AS events, "
           "round(sum(score) / sum(events), 2) AS mean_score, "
           "sum(articles)::BIGINT AS articles, sum(sources)::BIGINT AS sources "
           "FROM per_story GROUP BY ALL) ")
    columns, rows = reader.index_rows(
        index, sql + ", page AS (SELECT *, count(*) OVER () AS _total FROM agg "
        f"ORDER BY {order} LIMIT ? OFFSET ?) "
        f"SELECT strftime(p, '{PERIODS[period]}') AS period, {names}, quad, events, "
        f"mean_score, articles, sources, _total FROM page {decode}ORDER BY {order}",
        [limit, offset])
    if rows:
        total = int(rows[0][-1])
    else:
        total = int(reader.index_rows(index, sql + "SELECT count(*) FROM agg")[1][0][0])
    return columns[:-1], [r[:-1] for r in rows], total
