"""Do the server's index and the store's own queries give the same pages on a large store?

    python -m whodid.measure.servecheck --db STORE [--quick]

Asks `whodid serve`'s page functions (whodid.serve.data) for pages of events and of dyads
over a set of filters, sorts, offsets and periods, once answered by the index and once by the
store's queries, and compares them. The filters use codes and types of storebench's synthetic
store (whodid.measure.storebench; servebench keeps one with --db). Prints how many pages were
compared, and every difference; exit 1 on any."""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path
from typing import Any

from whodid.serve import data
from whodid.serve.reader import Reader
from whodid.store.queries import EventFilter

FILTERS: list[dict[str, Any]] = [
    {}, {"country": "SRB"}, {"country": "usa"}, {"actor": "SRB"}, {"actor": "serb"},
    {"recipient": "KOS"}, {"actor": "RUS", "recipient": "UKR"}, {"type": "ACCUSE"},
    {"type": "accuse", "status": "alleged"}, {"status": "denied"}, {"sector": "GOV"},
    {"sector": "mil", "country": "CHN"}, {"since": "2024-01", "until": "2024-06"},
    {"since": "2025-12-15"}, {"until": "2023-01-31"},
    {"country": "SRB", "since": "2024", "until": "2024", "unique": True}, {"unique": True},
    {"type": "AID", "unique": True, "country": "IRN"},
]
EVENT_PAGES = [("event_no", 0), ("-event_no", 950), ("-date", 0), ("date", 950),
               ("score", 50), ("-quad_code", 0), ("articles", 0), ("-sources", 100),
               ("actor_code", 0), ("-event", 0), ("status", 50), ("-recipient_sector", 0)]
DYAD_PAGES = [("month", False, "period", 0), ("week", False, "-events", 0),
              ("day", False, "actor", 50), ("year", False, "-mean_score", 0),
              ("month", True, "quad", 0), ("year", True, "articles", 0),
              ("week", True, "-sources", 20)]


def compare(db: Path, quick: bool = False) -> tuple[int, list[str]]:
    """(pages compared, differences)."""
    fast = Reader(db, cache_size=0, timeout=600)
    slow = Reader(db, cache_size=0, timeout=600, index=False)
    differences: list[str] = []
    compared = 0
    filters = FILTERS[:4] if quick else FILTERS
    try:
        for filt, (sort, offset) in itertools.product(filters, EVENT_PAGES[:4] if quick
                                                      else EVENT_PAGES):
            page = data.Page(50, offset, sort)
            args = (EventFilter(**filt), page)
            compared += 1
            if data.event_page(fast, *args) != data.event_page(slow, *args):
                differences.append(f"events {filt} sort={sort} offset={offset}")
        for filt, (period, by_sector, sort, offset) in itertools.product(
                filters, DYAD_PAGES[:3] if quick else DYAD_PAGES):
            args = (EventFilter(**filt), data.Page(50, offset, sort), period, by_sector)
            compared += 1
            if data.dyad_page(fast, *args) != data.dyad_page(slow, *args):
                differences.append(f"dyads {filt} period={period} by_sector={by_sector} "
                                   f"sort={sort} offset={offset}")
    finally:
        fast.close()
        slow.close()
    return compared, differences


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True, help="a store (storebench's synthetic)")
    ap.add_argument("--quick", action="store_true", help="a few combinations only")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    compared, differences = compare(args.db, args.quick)
    for d in differences:
        print(f"DIFFERENT: {d}")
    print(f"{compared} pages compared (pages of 50 events and of 50 dyads, index against the "
          f"store's queries): {len(differences)} different, {time.perf_counter() - t0:.0f} s")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
