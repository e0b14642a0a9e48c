"""Pages of events and of dyads answered from the server's index (whodid.serve.index) with
numpy: the matching events are found, counted, sorted and aggregated on the index's arrays and
the page's rows taken from its columns, with no query. The answers are those of the store's
own queries (whodid.store.queries), which `whodid.serve.data` asks when the index cannot answer
(a filter on words, a document or a place; a sort by a column it lacks)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from whodid.serve.index import DAY, SCORE, SIDE, STORY, Index, answers, dyad_records
from whodid.store.queries import FLAT_COLUMNS, EventFilter

# what a page of events can be sorted by with the index alone: a flat column -> its key
SORTS = {"event_no": "event_no", "date": "day", "quad_code": "quad", "score": "score",
         "articles": "articles", "sources": "sources", "event": "event_id", "mode": "mode_id",
         "status": "status_id", "actor_code": "actor_code_id", "actor_sector": "actor_sector_id",
         "recipient_code": "recipient_code_id", "recipient_sector": "recipient_sector_id"}
COLUMNS = [name for name, _ in FLAT_COLUMNS]
__all__ = ["answers", "dyad_page", "event_page"]


def event_page(index: Index, filt: EventFilter, sort: str, limit: int, offset: int
               ) -> tuple[list[str], list[dict[str, Any]], int] | None:
    """(columns, rows, total) of one page of events sorted by `sort` (a flat column, `-name`
    descending, then event_no), or None when the index cannot answer."""
    column, desc = sort.lstrip("-"), sort.startswith("-")
    if not answers(filt) or column not in SORTS:
        return None
    found = index.select(filt)
    total = index.events if found is None else len(found)
    end = min(offset + limit, total)
    if offset >= total:
        return COLUMNS, [], total
    if column == "event_no":
        if found is None:
            page = (np.arange(total - 1 - offset, total - 1 - end, -1) if desc
                    else np.arange(offset, end))
        else:
            page = found[::-1][offset:end] if desc else found[offset:end]
    else:
        order, rank = index.order(SORTS[column], desc)
        if found is None:
            page = order[offset:end]
        else:
            ranks = np.take(rank, found)
            if end < len(found):  # the first `end` in the order, then only those sorted
                ranks = np.partition(ranks, end - 1)[:end]
            page = order[np.sort(ranks)[offset:end]]
    page = page.astype(np.int64)
    rows = index.rows.page(page, index.doc[page], index.articles[page], index.sources[page])
    return COLUMNS, rows, total


DYAD_COLUMNS = ["period", "actor", "recipient", "quad", "events", "mean_score", "articles",
                "sources"]


def _periods(dates: np.ndarray, period: str) -> np.ndarray:
    """The period of each record's DAY (month since 1970 in the high half, day in the low), as
    an integer in the period's unit since 1970 (weeks as the day of their Monday), sorting as
    the period's text."""
    if period == "month":
        return dates >> 32
    if period == "year":
        return (dates >> 32) // 12
    days = (dates & 0xFFFFFFFF).astype(np.uint32).astype(np.int32).astype(np.int64)
    return days if period == "day" else days - (days + 3) % 7  # 1970-01-01 was a Thursday


def _label(value: int, period: str) -> str:
    """A period as the store writes it (strftime of its start: %Y-%m-%d, %G-W%V, %Y-%m, %Y)."""
    if period == "month":
        return f"{1970 + value // 12:04d}-{value % 12 + 1:02d}"
    if period == "year":
        return f"{1970 + value:04d}"
    day = dt.date(1970, 1, 1) + dt.timedelta(days=value)
    if period == "day":
        return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _round2(x: np.ndarray) -> np.ndarray:
    """DuckDB's round(x, 2) on doubles: the exact value of x rounded to two decimals, halves
    away from zero (0.125 -> 0.13, 2.675 -> 2.67 as 2.675 is 2.67499... in binary). x * 100
    is exact in x86's 80-bit long double (53 + 7 bits); elsewhere each value goes through
    Decimal (checked against DuckDB on 350,000 values, ties included)."""
    if np.finfo(np.longdouble).nmant >= 63:
        y = np.abs(x.astype(np.longdouble)) * 100
        whole = np.floor(y)
        whole += (y - whole) >= 0.5
        return np.copysign(whole.astype(np.float64) / 100.0, x)
    return np.array([float(Decimal(v).quantize(Decimal("0.01"), ROUND_HALF_UP))
                     if np.isfinite(v) else v for v in x.tolist()], np.float64)


def _dense(*keys: np.ndarray) -> np.ndarray:
    """One integer per distinct tuple of the integer `keys` (in no particular order)."""
    out = keys[0].astype(np.int64)
    for key in keys[1:]:
        span = int(key.max(initial=0)) + 1
        if int(out.max(initial=0)) * span + span >= 2 ** 62:  # too wide: renumber first
            out = pd.factorize(out)[0].astype(np.int64)
        out = out * span + key
    return out


def _first(n: int, *keys: np.ndarray) -> np.ndarray:
    """The places of the first `n` in the order of the non-negative integer `keys` (the first
    sorts first), in that order: packed into one integer when they fit in 63 bits, so that
    only the first `n` are sorted."""
    bits = [int(k.max(initial=0)).bit_length() for k in keys]
    if sum(bits) > 62:
        return np.lexsort(tuple(reversed(keys)))[:n]
    packed = np.zeros(len(keys[0]), np.int64)
    for key, width in zip(keys, bits, strict=True):
        packed = (packed << width) | key
    if n < len(packed):
        first = np.argpartition(packed, n - 1)[:n]
        return first[np.argsort(packed[first])]
    return np.argsort(packed)


def _first_of_story(group: np.ndarray, story: np.ndarray, longest: int = 16
                    ) -> np.ndarray | None:
    """Whether each event is the first of its story in its group, for events whose stories
    are runs of neighbours: compared with the events before it in its run (None when a run is
    longer than `longest`: hashing the pairs is then cheaper)."""
    n = len(group)
    starts = np.flatnonzero(np.concatenate(([True], story[1:] != story[:-1])))
    run = int(np.diff(np.append(starts, n)).max())
    if run > longest:
        return None
    repeated = np.zeros(n, bool)
    for k in range(1, run):
        repeated[k:] |= (group[k:] == group[:-k]) & (story[k:] == story[:-k])
    return ~repeated


def dyad_page(index: Index, filt: EventFilter, period: str, by_sector: bool, sort: str,
              limit: int, offset: int
              ) -> tuple[list[str], list[dict[str, Any]], int] | None:
    """(columns, rows as dicts, total) of one page of `whodid dyads` (queries.dyads_sql), by
    `sort` (a column, `-name` descending, then period, events DESC, actor, recipient and
    quad; checked by the caller), or None when the index cannot answer."""
    records = dyad_records(index, by_sector) if index.days_ok else None
    if records is None or not answers(filt):
        return None
    # near-duplicates are no dyads: the records say so (the filter's `unique` adds nothing)
    found = index.select(EventFilter(**{**filt.__dict__, "unique": False}))
    all_records, (a_names, r_names, wr, wq, q0) = records
    # np.take of whole rows: one gather (a fancy index copies column by column)
    rec = all_records if found is None else np.take(all_records, found, axis=0)
    # first copies with both sides coded and a day (np.compress: a boolean index of rows is
    # eight times slower)
    rec = np.compress(rec[:, SIDE] >= 0, rec, axis=0)
    if not len(rec):
        return DYAD_COLUMNS, [], 0
    sides = rec[:, SIDE]
    p = _periods(rec[:, DAY], period)
    p0 = int(p.min())
    shift = len(a_names).bit_length() + wr + wq
    p = p - p0
    # a group per period, dyad and quad; per story first, so that a story's articles and
    # sources count once however many of the group's events it reports
    fits = int(p.max()).bit_length() + shift <= 62
    group, keys = pd.factorize((p << shift) | sides if fits else _dense(p, sides))
    groups = len(keys)
    events = np.bincount(group, minlength=groups)
    score = np.ascontiguousarray(rec[:, SCORE]).view(np.float64)
    scored = ~np.isnan(score)
    with_score = np.bincount(group, weights=scored, minlength=groups)
    score = np.bincount(group, weights=np.where(scored, score, 0.0), minlength=groups)
    story = rec[:, STORY]
    first = _first_of_story(group, story) if index.stories_together else None
    if first is not None:
        g_of, s_of = np.compress(first, group), np.compress(first, story)
    else:
        stories = int(story.max()) + 1
        g_of, s_of = np.divmod(pd.unique(group.astype(np.int64) * stories + story), stories)
    articles = np.bincount(g_of, weights=index.story_articles[s_of], minlength=groups)
    sources = np.bincount(g_of, weights=index.story_sources[s_of], minlength=groups)
    # each group's keys back, from one of its events
    one = np.empty(groups, np.int64)
    one[group] = np.arange(len(group))
    gp, side = p[one], sides[one]
    ga, gr, gq = side >> (wr + wq), (side >> wq) & ((1 << wr) - 1), side & ((1 << wq) - 1)
    mean = score / np.maximum(events, 1)  # rounded where it is shown or sorted by
    column, desc = sort.lstrip("-"), sort.startswith("-")
    gq_last = np.where(gq == 0, gq.max() + 1, gq)  # quad NULLS LAST
    null = None
    if column == "mean_score":
        key = np.rint(_round2(np.where(with_score > 0, mean, 0.0)) * 100).astype(np.int64)
        null = with_score == 0
    elif column == "quad":
        key, null = gq, gq == 0
    else:
        key = {"period": gp, "actor": ga, "recipient": gr, "events": events,
               "articles": articles, "sources": sources}[column].astype(np.int64)
    if desc:
        key = key.max() - key
    if null is not None:  # NULLS LAST, either way
        key = np.where(null, key.max() + 1, key)
    page = _first(min(offset + limit, groups), key - key.min(), gp,
                  events.max() - events, ga, gr, gq_last)[offset:]
    means = [None if n == 0 else m for m, n in
             zip(_round2(mean[page]).tolist(), with_score[page].tolist(), strict=True)]
    rows = [dict(zip(DYAD_COLUMNS, (_label(p + p0, period), a_names[a - 1], r_names[r - 1],
                                    None if q == 0 else q - 1 + q0, e, m, int(n), int(s)),
                     strict=True))
            for p, a, r, q, e, m, n, s in zip(
                gp[page].tolist(), ga[page].tolist(), gr[page].tolist(), gq[page].tolist(),
                events[page].tolist(), means, articles[page].tolist(), sources[page].tolist(),
                strict=True)]
    total = groups
    return DYAD_COLUMNS, rows, total
