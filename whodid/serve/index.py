"""The server's index of the store: what filters, sorts, dyads and a page's rows read, held in
numpy arrays and Arrow columns in the process, so that a page of events or of dyads runs no
query at all (a query costs milliseconds of CPU however small; the arrays take tens of
microseconds per step).

It is derived from the store (nothing in the file changes, and a store of any age opens): built
when the server opens the store and built again after each write the server makes (the store
cannot change under a server that holds it: DuckDB locks the file against other writers).

- per event, in `event_no` order (an event's place in that order is its *position*): its
  document (a place in `seq` order), its story (a first copy and its near-duplicates share
  one), whether its document is a first copy, its day (days since 1970; NO_DAY when none),
  quad and score, its story's articles and sources, and its type, mode, status and sides as
  dictionary numbers (0 for none; numbered in the order DuckDB sorts the text, byte order, so
  that sorting by the number sorts as by the text);
- the distinct entities (code, sector, name, words) as *kinds*, numbered in the order of
  their upper-cased code, and the positions of their events, grouped by code and sorted by
  position (once for each role, once for actor-or-recipient): `country=KEN` is one slice of
  sorted positions;
- what a page shows of an event and of its document (whodid.serve.pagerows).

A filter's own SQL expressions (`lower(event) = lower(?)`, `name ILIKE ?` ...) are evaluated
by DuckDB on the few distinct values and kinds, in a small in-memory database, and remembered
per value (a bounded table), so that the events matched are those of `EventFilter.where`."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from whodid.serve.pagerows import PageRows
from whodid.store.queries import EventFilter, _date_bound

# dictionary-coded columns: (name of the numbers, column of the events table)
CODED = [("event_id", "event"), ("mode_id", "mode"), ("status_id", "status"),
         ("actor_code_id", "actor_code"), ("actor_sector_id", "actor_sector"),
         ("recipient_code_id", "recipient_code"), ("recipient_sector_id", "recipient_sector")]
ROLES = {"actor": 1, "recipient": 2}  # any other role is 3: no filter asks for it
NO_DAY = np.iinfo(np.int32).max  # an event without a day: after every day, as NULLS LAST
EPOCH = np.datetime64("1970-01-01", "D")
LOOKUPS = 4096  # filter values remembered with what they match,
LOOKUP_NUMBERS = 4_000_000  # and at most this many numbers in all (16 MB)
RARE_SHARE = 1 / 8  # a type, mode or status of at most this share of events: read as a list

_EVENTS = ("WITH docs AS (SELECT doc_key, (row_number() OVER (ORDER BY seq) - 1)::INTEGER "
           "AS dpos, duplicate_of IS NULL AS first, coalesce(duplicate_of, doc_key) AS story_key "
           "FROM documents), "
           "stories AS (SELECT coalesce(duplicate_of, doc_key) AS story_key, "
           "count(*)::INTEGER AS articles, count(DISTINCT coalesce(source, doc_key))::INTEGER "
           "AS sources FROM documents GROUP BY 1), "
           "numbered AS (SELECT *, (row_number() OVER (ORDER BY story_key) - 1)::INTEGER AS story "
           "FROM stories) "
           "SELECT e.event_no, d.dpos, d.first, n.story, n.articles, n.sources, "
           "(e.day - DATE '1970-01-01')::INTEGER AS day, e.quad_code, e.score, "
           + ", ".join(f"e.{column}" for _, column in CODED)
           + " FROM events e JOIN docs d ON d.doc_key = e.doc_key "
           "JOIN numbered n ON n.story_key = d.story_key ORDER BY e.event_no")
_ENTITIES = ("SELECT e.event_no, CASE n.role WHEN 'actor' THEN 1 WHEN 'recipient' THEN 2 "
             "ELSE 3 END::TINYINT AS role, n.code, n.sector, n.name, n.entity_text "
             "FROM entities n JOIN events e ON e.event_key = n.event_key")


def _numbers(column: pa.ChunkedArray) -> tuple[np.ndarray, list[Any]]:
    """(a number per row, 0 for none; the distinct values in DuckDB's text order)."""
    values = sorted(v for v in column.unique().to_pylist() if v is not None)
    ids = pc.index_in(column, value_set=pa.array(values, column.type))
    return np.asarray(ids.fill_null(-1).to_numpy(zero_copy_only=False), np.int32) + 1, values


def _array(column: pa.ChunkedArray, dtype: Any, null: Any) -> np.ndarray:
    return np.asarray(column.fill_null(null).to_numpy(zero_copy_only=False), dtype)


class Index:
    """The index of one state of the store."""

    def __init__(self, store: duckdb.DuckDBPyConnection) -> None:
        ev = store.sql(_EVENTS).to_arrow_table()
        self.events = ev.num_rows
        self.event_no = _array(ev["event_no"], np.int64, 0)
        self.doc = _array(ev["dpos"], np.int32, 0)
        self.first = _array(ev["first"], bool, False)
        self.story = _array(ev["story"], np.int32, 0)
        self.articles = _array(ev["articles"], np.int64, 0)
        self.sources = _array(ev["sources"], np.int64, 0)
        self.day = _array(ev["day"], np.int32, NO_DAY)
        dated = self.day[self.day != NO_DAY]
        # periods are written by Python's dates: years 1 to 9999 (else the store's queries)
        self.days_ok = not len(dated) or (_days("0001-01-01") <= int(dated.min())
                                          and int(dated.max()) <= _days("9999-12-31"))
        # whether each first copy's events are together in event_no order (the store writes a
        # document's events together): then a story's events are neighbours in any selection
        firsts = self.story[self.first]
        self.stories_together = (1 + int(np.count_nonzero(firsts[1:] != firsts[:-1]))
                                 == len(np.unique(firsts))) if len(firsts) else True
        del firsts
        stories = int(self.story.max(initial=-1)) + 1
        self.story_articles = np.zeros(stories, np.int64)
        self.story_articles[self.story] = self.articles
        self.story_sources = np.zeros(stories, np.int64)
        self.story_sources[self.story] = self.sources
        self.quad = _array(ev["quad_code"], np.int64, 0)
        self.quad_null = ev["quad_code"].is_null().to_numpy(zero_copy_only=False)
        self.score = _array(ev["score"], np.float64, np.nan)
        self.score_null = ev["score"].is_null().to_numpy(zero_copy_only=False)
        self.coded: dict[str, np.ndarray] = {}
        self.values: dict[str, list[Any]] = {}
        for name, column in CODED:
            self.coded[name], self.values[column] = _numbers(ev[column])
        del ev
        # per type, mode and status, the positions of its events: a rare type is a slice
        self.by_value: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name in ("event", "mode", "status"):
            ids = self.coded[f"{name}_id"]
            order = np.argsort(ids, kind="stable").astype(np.int32)
            self.by_value[name] = (order, np.searchsorted(
                ids[order], np.arange(len(self.values[name]) + 2)))
        # the lookups' own small database: the distinct values of each coded column and the
        # kinds of entity, on which a filter's expressions are evaluated
        self.lookup = duckdb.connect(":memory:")
        self.lookup.execute("SET threads = 1")
        for _, column in CODED:
            values = pa.table({"id": pa.array(range(1, len(self.values[column]) + 1), pa.int32()),
                               "value": pa.array(self.values[column], pa.string())})
            self._load(f"dict_{column}", values)
        self._entities(store)
        self.rows = PageRows(store)
        self._lock = threading.Lock()
        self._lookups: OrderedDict[Any, np.ndarray] = OrderedDict()
        self._numbers = 0  # in the lookups remembered
        self._orders: OrderedDict[tuple[str, bool], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._sides: dict[str, tuple[np.ndarray, list[str]]] = {}
        self._dyads: dict[bool, Any] = {}
        # made now what the busiest questions need, rather than at a first request's expense
        dyad_records(self, False)
        self.order("day", True)

    def _load(self, name: str, table: pa.Table) -> None:
        self.lookup.register("_whodid_load", table)
        self.lookup.execute(f"CREATE TABLE {name} AS SELECT * FROM _whodid_load")
        self.lookup.unregister("_whodid_load")

    def _entities(self, store: duckdb.DuckDBPyConnection) -> None:
        """The kinds of entity and, per code, the positions of their events."""
        ent = store.sql(_ENTITIES).to_arrow_table()
        self.lookup.register("_ent", ent)
        self.lookup.execute(
            "CREATE TABLE kinds AS SELECT (row_number() OVER (ORDER BY upper(code), "
            "upper(sector), name, entity_text) - 1)::INTEGER AS kind, (dense_rank() OVER "
            "(ORDER BY upper(code)) - 1)::INTEGER AS grp, code, sector, name, entity_text "
            "FROM (SELECT DISTINCT code, sector, name, entity_text FROM _ent)")
        rows = self.lookup.sql(
            "SELECT e.event_no, e.role, k.kind, k.grp FROM _ent e JOIN kinds k "
            "ON k.code IS NOT DISTINCT FROM e.code AND k.sector IS NOT DISTINCT FROM e.sector "
            "AND k.name IS NOT DISTINCT FROM e.name AND k.entity_text IS NOT DISTINCT FROM "
            "e.entity_text").to_arrow_table()
        self.lookup.unregister("_ent")
        del ent
        kind_grp = self.lookup.execute("SELECT grp FROM kinds ORDER BY kind").fetchnumpy()["grp"]
        self.kind_group = np.asarray(kind_grp, np.int32)
        groups = int(self.kind_group.max()) + 1 if len(self.kind_group) else 0
        self.group_kinds = np.bincount(self.kind_group, minlength=groups)
        pos = np.searchsorted(self.event_no, _array(rows["event_no"], np.int64, 0)).astype(np.int32)
        role = _array(rows["role"], np.int8, 3)
        kind = _array(rows["kind"], np.int32, 0)
        grp = _array(rows["grp"], np.int32, 0)
        # by (group, role, position), and (actor or recipient) by (group, position)
        order = np.lexsort((pos, role, grp))
        self.by_role = (pos[order], kind[order])
        self.role_starts = np.searchsorted(grp[order] * 3 + role[order] - 1,
                                           np.arange(groups * 3 + 1))
        sides = role <= 2
        order = np.lexsort((pos[sides], grp[sides]))
        self.by_side = (pos[sides][order], kind[sides][order])
        self.side_starts = np.searchsorted(grp[sides][order], np.arange(groups + 1))

    def close(self) -> None:
        self.lookup.close()

    def _ids(self, key: Any, sql: str, params: list[Any]) -> np.ndarray:
        """The numbers a lookup gives (remembered per value, a bounded number of values)."""
        with self._lock:
            found = self._lookups.get(key)
            if found is not None:
                self._lookups.move_to_end(key)
                return found
            rows = self.lookup.execute(sql, params).fetchall()
            found = np.array(sorted(int(r[0]) for r in rows), np.int32)
            self._lookups[key] = found
            self._numbers += len(found)
            while len(self._lookups) > LOOKUPS or (self._numbers > LOOKUP_NUMBERS
                                                   and len(self._lookups) > 1):
                self._numbers -= len(self._lookups.popitem(last=False)[1])
            return found

    def _entity(self, roles: tuple[int, ...], cond: str, *values: Any) -> np.ndarray:
        """The sorted positions of the events with an entity of `roles` matching `cond`."""
        kinds = self._ids(("kinds", cond, values), f"SELECT kind FROM kinds WHERE {cond}",
                          list(values))
        if not len(kinds):
            return np.empty(0, np.int32)
        groups = np.unique(self.kind_group[kinds])
        whole = int(self.group_kinds[groups].sum()) == len(kinds)
        if roles == (1, 2):
            (pos, kind), spans = self.by_side, [(self.side_starts[g], self.side_starts[g + 1])
                                                 for g in groups]
        else:
            (pos, kind), r = self.by_role, roles[0] - 1
            spans = [(self.role_starts[g * 3 + r], self.role_starts[g * 3 + r + 1])
                     for g in groups]
        if len(spans) == 1:
            found, kinds_of = pos[spans[0][0]:spans[0][1]], kind[spans[0][0]:spans[0][1]]
        else:
            found = np.concatenate([pos[a:b] for a, b in spans])
            kinds_of = np.concatenate([kind[a:b] for a, b in spans])
        if not whole:  # only some kinds of these codes match
            wanted = np.zeros(len(self.kind_group), bool)
            wanted[kinds] = True
            found = np.compress(np.take(wanted, kinds_of), found)
        if len(spans) > 1:
            found = np.sort(found)
        if len(found) > 1:  # an event with two matching entities once
            keep = np.empty(len(found), bool)
            keep[0] = True
            np.not_equal(found[1:], found[:-1], out=keep[1:])
            found = np.compress(keep, found)
        return found

    def select(self, filt: EventFilter) -> np.ndarray | None:
        """The sorted positions of the events `filt` matches, or None for all of them; `filt`
        must be one the index `answers`."""
        sets: list[np.ndarray] = []
        for role in ("actor", "recipient"):
            value = getattr(filt, role)
            if value:
                like = f"%{value}%"
                sets.append(self._entity((ROLES[role],), "upper(code) = upper(?) OR name "
                                         "ILIKE ? OR entity_text ILIKE ?", value, like, like))
        if filt.country:
            sets.append(self._entity((1, 2), "upper(code) = upper(?)", filt.country))
        if filt.sector:
            sets.append(self._entity((1, 2), "upper(sector) = upper(?)", filt.sector))
        conds = self._conditions(filt, sets)
        if not sets and not conds:
            return None
        if sets:
            sets.sort(key=len)
            found = sets[0]
            for other in sets[1:]:
                mask = np.zeros(self.events, bool)
                mask[other] = True
                found = np.compress(np.take(mask, found), found)
            for column, test in conds:
                found = np.compress(test(np.take(column, found)), found)
            return found
        mask = None
        for column, test in conds:
            mask = test(column) if mask is None else mask & test(column)
        return np.flatnonzero(mask).astype(np.int32)

    def _conditions(self, filt: EventFilter, sets: list[np.ndarray]
                    ) -> list[tuple[np.ndarray, Any]]:
        """(column, test on its values) for the filter's conditions on the event itself; a
        type, mode or status that few events have is added to `sets` as their positions."""
        conds: list[tuple[np.ndarray, Any]] = []
        for name, column in (("type", "event"), ("mode", "mode"), ("status", "status")):
            value = getattr(filt, name)
            if value:
                ids = self._ids((column, value), f"SELECT id FROM dict_{column} "
                                "WHERE lower(value) = lower(?)", [value])
                order, starts = self.by_value[column]
                if int((starts[ids + 1] - starts[ids]).sum()) <= self.events * RARE_SHARE:
                    spans = [order[starts[i]:starts[i + 1]] for i in ids.tolist()]
                    sets.append(spans[0] if len(spans) == 1 else np.sort(np.concatenate(spans))
                                if spans else np.empty(0, np.int32))
                else:
                    conds.append((self.coded[f"{column}_id"], _among(ids)))
        if filt.since:
            low = _days(_date_bound(filt.since, end=False))
            conds.append((self.day, lambda d: (d >= low) & (d != NO_DAY)))
        if filt.until:
            high = _days(_date_bound(filt.until, end=True))
            conds.append((self.day, lambda d: d <= high))
        if filt.unique:
            conds.append((self.first, lambda f: f))
        return conds

    def order(self, key: str, desc: bool) -> tuple[np.ndarray, np.ndarray]:
        """(positions in the order of `key` ASC or DESC NULLS LAST then event_no, and each
        position's place in that order), computed when first asked (a few kept)."""
        with self._lock:
            found = self._orders.get((key, desc))
            if found is not None:
                self._orders.move_to_end((key, desc))
                return found
        values, null = self.sort_key(key)
        if desc:
            values = values.max(initial=0) - values
        values = np.where(null, values.max(initial=0) + 1, values)
        order = np.argsort(values, kind="stable").astype(np.int32)
        rank = np.empty(self.events, np.int32)
        rank[order] = np.arange(self.events, dtype=np.int32)
        with self._lock:
            self._orders[(key, desc)] = (order, rank)
            while len(self._orders) > 6:
                self._orders.popitem(last=False)
        return order, rank

    def sort_key(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(an integer per event that sorts as the column, whether it is null)."""
        if key in self.coded:
            return self.coded[key].astype(np.int64), self.coded[key] == 0
        if key == "day":
            return self.day.astype(np.int64), self.day == NO_DAY
        if key == "score":  # as ranks of the distinct values (NaN after every number)
            ranks = np.unique(self.score, return_inverse=True)[1].reshape(-1)
            return ranks.astype(np.int64), self.score_null
        if key == "quad":
            return self.quad, self.quad_null
        return getattr(self, key).astype(np.int64), np.zeros(self.events, bool)

    def side(self, role: str) -> tuple[np.ndarray, list[str]]:
        """A number per event for its `role` side as text code/sector (0: no code), and the
        texts in DuckDB's order: the dyads' sides by sector."""
        with self._lock:
            found = self._sides.get(role)
        if found is None:
            codes, sectors = self.values[f"{role}_code"], self.values[f"{role}_sector"]
            code, sector = self.coded[f"{role}_code_id"], self.coded[f"{role}_sector_id"]
            pairs = np.unique(code.astype(np.int64) * (len(sectors) + 1) + sector)
            texts = [codes[p // (len(sectors) + 1) - 1]
                     + (f"/{sectors[p % (len(sectors) + 1) - 1]}" if p % (len(sectors) + 1)
                        else "") if p // (len(sectors) + 1) else None for p in pairs.tolist()]
            names = sorted({t for t in texts if t is not None})
            number = {t: i + 1 for i, t in enumerate(names)}
            table = np.array([number.get(t, 0) for t in texts], np.int32)
            ids = table[np.searchsorted(pairs, code.astype(np.int64) * (len(sectors) + 1)
                                        + sector)]
            found = (ids, names)
            with self._lock:
                self._sides[role] = found
        return found


SIDE, SCORE, STORY, DAY = range(4)  # the columns of the dyads' records


def _dyad_records(index: Index, by_sector: bool) -> tuple[np.ndarray, Any] | None:
    """Per event, what the dyads read of it, in one row of four integers so that a filtered
    set of events is one gather (`np.take` of rows): its sides and quad packed (SIDE; -1 for
    an event that is no dyad: a near-duplicate, a side without a code, no day), its score's
    bits (a float64; NaN for none), its story, and its month since 1970 and day (DAY: month
    in the high half). With (actor names, recipient names, bits of the recipient, bits of the
    quad, the smallest quad); None when the sides do not fit in 62 bits or a score is NaN
    (DuckDB would sum it; the store's queries answer then)."""
    if by_sector:
        (a, a_names), (r, r_names) = index.side("actor"), index.side("recipient")
    else:
        a, a_names = index.coded["actor_code_id"], index.values["actor_code"]
        r, r_names = index.coded["recipient_code_id"], index.values["recipient_code"]
    quads = index.quad[~index.quad_null]
    q0 = int(quads.min()) if len(quads) else 0
    quad = np.where(index.quad_null, 0, index.quad - q0 + 1)
    wa, wr = len(a_names).bit_length(), len(r_names).bit_length()
    wq = int(quad.max(initial=0)).bit_length()
    nan = np.isnan(index.score) & ~index.score_null
    if wa + wr + wq > 62 or nan.any():
        return None
    rec = np.empty((index.events, 4), np.int64)
    side = (a.astype(np.int64) << (wr + wq)) | (r.astype(np.int64) << wq) | quad
    side[~(index.first & (a > 0) & (r > 0) & (index.day != NO_DAY))] = -1
    rec[:, SIDE] = side
    rec[:, SCORE] = index.score.view(np.int64)
    rec[:, STORY] = index.story
    days = EPOCH + np.where(index.day == NO_DAY, 0, index.day).astype("timedelta64[D]")
    month = days.astype("datetime64[M]").astype(np.int64)
    rec[:, DAY] = (month << 32) | (index.day.astype(np.int64) & 0xFFFFFFFF)
    return rec, (a_names, r_names, wr, wq, q0)


def dyad_records(index: Index, by_sector: bool) -> tuple[np.ndarray, Any] | None:
    """The dyads' records (above), made when first asked."""
    with index._lock:
        if by_sector in index._dyads:
            return index._dyads[by_sector]
    found = _dyad_records(index, by_sector)
    with index._lock:
        index._dyads[by_sector] = found
    return found


def answers(filt: EventFilter) -> bool:
    """Whether the index holds what `filt` asks about (not words, documents or places)."""
    return not (filt.text or filt.doc or filt.place_country or filt.bbox)


def _among(ids: np.ndarray) -> Any:
    if len(ids) == 1:
        one = int(ids[0])
        return lambda v: v == one
    return lambda v: np.isin(v, ids)


def _days(day: Any) -> int:
    return int((np.datetime64(day, "D") - EPOCH).astype(np.int64))
