"""The server's index of the store: the columns that filters, sorts and dyads read, kept in an
in-memory DuckDB database with integer keys, so that a page of events or of dyads reads a few
narrow integer columns instead of joining a million events to their documents by string keys.

It is derived from the store (nothing in the file changes, and a store of any age opens): built
when the server opens the store and built again after each write the server makes (the store
cannot change under a server that holds it: DuckDB locks the file against other writers).

- `ev`: one row per event in `event_no` order: its document's `seq`, its story (a first copy
  and its near-duplicates share one), whether its document is a first copy, the seq of that
  first copy, its day, quad and score, and its type, mode, status and sides as dictionary
  numbers (`dict_*`, numbered in the order DuckDB sorts the values, so that sorting by the
  number sorts as by the text);
- `kinds`: the distinct entities (code, sector, name, words), and `ent`: (kind, role, event)
  sorted by kind, so that an entity filter is evaluated on the few distinct entities and then
  reads only the rows of those that match;
- each event row also carries its story's `articles` and `sources`: the documents and the
  distinct sources that carried the story.

`conditions` turns an `EventFilter` into conditions over `ev` (or None when the filter uses
what the index does not hold: words of the sentence, a document, a place), evaluating the
filter's own SQL expressions on the dictionaries, so that the events matched are those of
`EventFilter.where`."""

from __future__ import annotations

import threading
from typing import Any

import duckdb

from whodid.store.queries import EventFilter, _date_bound

# dictionary-encoded columns of `ev`: (name in ev, column of the events table)
CODED = [("event_id", "event"), ("mode_id", "mode"), ("status_id", "status"),
         ("actor_code_id", "actor_code"), ("actor_sector_id", "actor_sector"),
         ("recipient_code_id", "recipient_code"), ("recipient_sector_id", "recipient_sector")]
ROLES = {"actor": 1, "recipient": 2}  # any other role is 3: no filter asks for it

# what a page of events can be sorted by with the index alone (a flat column -> ev expression)
SORTS = {"event_no": "e.event_no", "date": "e.day", "quad_code": "e.quad_code",
         "score": "e.score", "articles": "e.articles", "sources": "e.sources",
         **{column: f"e.{name}" for name, column in CODED}}

_BUILD = [
    # the store's documents and their stories (story_key as in queries.STORIES_SQL)
    ("docs", ("SELECT doc_key, seq, duplicate_of, coalesce(duplicate_of, doc_key) AS story_key, "
             "coalesce(source, doc_key) AS src, doc_id, published, title, url, source "
             "FROM documents")),
    ("ev0", "SELECT event_no, doc_key, day, quad_code, score, "
            + ", ".join(column for _, column in CODED) + " FROM events"),
    ("ent0", ("SELECT e.event_no, CASE n.role WHEN 'actor' THEN 1 WHEN 'recipient' THEN 2 "
             "ELSE 3 END::UTINYINT AS role, n.code, n.sector, n.name, n.entity_text "
             "FROM entities n JOIN events e ON e.event_key = n.event_key")),
]

_DERIVE = [
    ("CREATE TABLE story_keys AS SELECT story_key, (row_number() OVER (ORDER BY story_key))"
    "::INTEGER AS story FROM (SELECT DISTINCT story_key FROM docs)"),
    ("CREATE TABLE stories AS SELECT k.story, count(*)::INTEGER AS articles, "
    "count(DISTINCT d.src)::INTEGER AS sources FROM docs d "
    "JOIN story_keys k ON k.story_key = d.story_key GROUP BY k.story ORDER BY k.story"),
    *[f"CREATE TABLE dict_{column} AS SELECT {column} AS value, (row_number() OVER "
      f"(ORDER BY {column}))::INTEGER AS id FROM (SELECT DISTINCT {column} FROM ev0 "
      f"WHERE {column} IS NOT NULL)" for _, column in CODED],
    # in day order, so that date ranges and date sorts skip the row groups outside them;
    # `no_rank`, the place in event_no order, finds a page of all events in that order
    "CREATE TABLE ev AS SELECT e.event_no, (row_number() OVER (ORDER BY e.event_no))::INTEGER "
    "AS no_rank, d.seq AS doc_seq, k.story, st.articles, st.sources, "
    "d.duplicate_of IS NULL AS first, e.day, e.quad_code, e.score, "
    + ", ".join(f"x_{column}.id AS {name}" for name, column in CODED)
    + " FROM ev0 e JOIN docs d ON d.doc_key = e.doc_key "
    "JOIN story_keys k ON k.story_key = d.story_key JOIN stories st ON st.story = k.story "
    + " ".join(f"LEFT JOIN dict_{column} x_{column} ON x_{column}.value = e.{column}"
               for _, column in CODED)
    + " ORDER BY e.day, e.event_no",
    ("CREATE TABLE kinds AS SELECT (row_number() OVER (ORDER BY upper(code), upper(sector), "
    "name, entity_text))::INTEGER AS kind, code, sector, name, entity_text "
    "FROM (SELECT DISTINCT code, sector, name, entity_text FROM ent0)"),
    # an entity's row carries its event's columns: a filter on entities reads the rows of
    # the matching kinds (contiguous) and needs no join with a million events
    ("CREATE TABLE by_entity AS SELECT k.kind, n.role, e.* FROM ent0 n JOIN kinds k "
    "ON k.code IS NOT DISTINCT FROM n.code AND k.sector IS NOT DISTINCT FROM n.sector "
    "AND k.name IS NOT DISTINCT FROM n.name AND k.entity_text IS NOT DISTINCT FROM "
    "n.entity_text JOIN ev e ON e.event_no = n.event_no ORDER BY k.kind, n.role, e.day, n.event_no"),
    "ALTER TABLE kinds ADD COLUMN rows BIGINT",
    ("UPDATE kinds SET rows = c.n FROM (SELECT kind, count(*) AS n FROM by_entity GROUP BY kind) c "
    "WHERE kinds.kind = c.kind"),
    # what a page shows of each document: the first copy's id for a near-duplicate
    ("CREATE TABLE doc_page AS SELECT d.seq, d.published, d.title, d.url, d.source, "
    "f.doc_id AS duplicate_of FROM docs d LEFT JOIN docs f ON f.doc_key = d.duplicate_of "
    "ORDER BY d.seq"),
    "DROP TABLE ev0", "DROP TABLE ent0", "DROP TABLE docs", "DROP TABLE story_keys",
    "DROP TABLE stories",
]


class Index:
    """The index of one state of the store, in its own in-memory DuckDB database."""

    def __init__(self, store: duckdb.DuckDBPyConnection, threads: int | None = None) -> None:
        self.con = duckdb.connect(":memory:")
        for name, sql in _BUILD:
            table = store.sql(sql).to_arrow_table()
            self.con.register("_whodid_load", table)
            self.con.execute(f"CREATE TABLE {name} AS SELECT * FROM _whodid_load")
            self.con.unregister("_whodid_load")
            del table
        for sql in _DERIVE:
            self.con.execute(sql)
        self.events = int(self.con.execute("SELECT count(*) FROM ev").fetchall()[0][0])
        if threads:  # built with every core; asked many small questions at once, with one
            self.con.execute(f"SET threads = {int(threads)}")
        self._local = threading.local()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the index."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._local.cursor = self.con.cursor()
        return cur

    def close(self) -> None:
        self.con.close()

    def _ids(self, sql: str, params: list[Any]) -> str:
        """The numbers a small lookup gives, as an SQL list (or NULL: matches nothing)."""
        rows = self.cursor().execute(sql, params).fetchall()
        return ", ".join(str(int(r[0])) for r in rows) or "NULL"

    def conditions(self, filt: EventFilter
                   ) -> tuple[list[str], list[tuple[int, str, str]]] | None:
        """(conditions over `ev e`, entity conditions: (rows, kinds, roles), the kinds of
        entity that match as an SQL list) for `filt`; None when the filter needs columns the
        index does not hold."""
        if filt.text or filt.doc or filt.place_country or filt.bbox:
            return None
        conds: list[str] = []
        for name, column in (("type", "event"), ("mode", "mode"), ("status", "status")):
            value = getattr(filt, name)
            if value:
                ids = self._ids(f"SELECT id FROM dict_{column} WHERE lower(value) = lower(?)",
                                [value])
                conds.append(f"e.{column}_id IN ({ids})")
        if filt.since:
            conds.append(f"e.day >= DATE '{_date_bound(filt.since, end=False).isoformat()}'")
        if filt.until:
            conds.append(f"e.day <= DATE '{_date_bound(filt.until, end=True).isoformat()}'")
        if filt.unique:
            conds.append("e.first")
        entities: list[tuple[int, str, str]] = []

        def entity(roles: str, cond: str, *values: Any) -> None:
            found = self.cursor().execute(f"SELECT kind, rows FROM kinds WHERE {cond}",
                                          list(values)).fetchall()
            kinds = ", ".join(str(int(k)) for k, _ in found) or "NULL"
            entities.append((sum(int(n or 0) for _, n in found), kinds, roles))

        # the expressions of EventFilter.where, on the distinct entities
        for role in ("actor", "recipient"):
            value = getattr(filt, role)
            if value:
                like = f"%{value}%"
                entity(str(ROLES[role]), "upper(code) = upper(?) OR name ILIKE ? OR "
                       "entity_text ILIKE ?", value, like, like)
        if filt.country:
            entity("1, 2", "upper(code) = upper(?)", filt.country)
        if filt.sector:
            entity("1, 2", "upper(sector) = upper(?)", filt.sector)
        return conds, entities


def source(conds: list[str], entities: list[tuple[int, str, str]], joins: str = "") -> str:
    """FROM ... WHERE ... over the index for these conditions (aliased `e`, with the columns
    of `ev`), each event once, with `joins`. With entity
    conditions, the rows of the one with fewest rows are read, each event once, and the other
    entity conditions are semi-joins."""
    where = list(conds)
    if entities:
        (_, kinds, roles), *rest = sorted(entities)
        where += [f"e.event_no IN (SELECT event_no FROM by_entity WHERE kind IN ({k}) AND "
                  f"role IN ({r}))" for _, k, r in rest]
        sql = (f"FROM (SELECT DISTINCT ON (e.event_no) e.* FROM by_entity e WHERE kind IN "
               f"({kinds}) AND role IN ({roles}) AND {' AND '.join(where) or 'TRUE'}) e ")
        where = []
    else:
        sql = "FROM ev e "
    return sql + joins + "WHERE " + (" AND ".join(where) or "TRUE")
