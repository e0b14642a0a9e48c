"""The `whodid quotes` and `whodid claims` verbs: who said what, and who alleged and who
denied each act, read from the store (docs/quotes.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any


def _db(p: argparse.ArgumentParser) -> None:
    from whodid.store.store import DEFAULT_DB

    p.add_argument("--db", default=os.environ.get("WHODID_DB") or DEFAULT_DB, metavar="FILE",
                   help="the store (default $WHODID_DB or whodid.duckdb here)")


def _run(query) -> Any:
    """Open the store read-only and run `query(con)`; a store or filter problem is one line
    on standard error and exit status 2."""
    def handler(args: argparse.Namespace) -> int:
        from whodid.store.queries import QueryError
        from whodid.store.store import StoreError, connect

        try:
            con = connect(args.db, read_only=True)
            try:
                query(con, args)
            finally:
                con.close()
        except (StoreError, QueryError) as exc:
            print(f"whodid: {exc}", file=sys.stderr)
            return 2
        return 0

    return handler


def _quotes(con: Any, args: argparse.Namespace) -> None:
    from whodid.store.export import write_rows
    from whodid.store.quotes import QUOTE_COLUMNS, QuoteFilter, quote_records, quote_rows

    found = quote_records(con, QuoteFilter.from_args(args), args.limit)
    if args.format == "jsonl":
        for _, record in found:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        write_rows(QUOTE_COLUMNS, quote_rows(found), args.format, sys.stdout)


def _claims(con: Any, args: argparse.Namespace) -> None:
    from whodid.store.claims import CLAIM_COLUMNS, ClaimFilter, claim_records
    from whodid.store.export import write_rows

    records = claim_records(con, ClaimFilter.from_args(args), args.limit)
    if args.format == "jsonl":
        for r in records:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        return
    rows = [[", ".join(v) if isinstance(v, list) and k != "evidence" else v
             for k, v in r.items()] for r in records]
    if args.format == "table":  # the evidence as a count; jsonl and csv list the ids
        rows = [[*row[:-1], len(row[-1])] for row in rows]
    else:
        rows = [[*row[:-1], " ".join(row[-1])] for row in rows]
    write_rows(CLAIM_COLUMNS, rows, args.format, sys.stdout)


def add_commands(sub: Any) -> None:
    p = sub.add_parser("quotes", help="stored quotes: who said what, by speaker and date")
    _db(p)
    p.add_argument("--speaker", help="the speaker's code (PRK), or part of its name or words")
    p.add_argument("--since", metavar="DATE", help="published on or after (YYYY[-MM[-DD]])")
    p.add_argument("--until", metavar="DATE", help="published on or before (YYYY[-MM[-DD]])")
    p.add_argument("--text", help="words in the quote's content")
    p.add_argument("--kind", choices=("direct", "indirect", "mixed"))
    p.add_argument("--doc", help="a document id")
    p.add_argument("--limit", type=int, metavar="N")
    p.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    p.set_defaults(func=_run(_quotes))

    p = sub.add_parser("claims", help="the claim ledger: each alleged or denied act, who "
                                      "alleged and who denied it, in how many articles")
    _db(p)
    g = p.add_argument_group("filters (combined with AND; codes are case-insensitive)")
    g.add_argument("--actor", help="the code of the actor of the claimed act")
    g.add_argument("--recipient", help="the code of its recipient")
    g.add_argument("--country", help="the code of either side")
    g.add_argument("--type", help="PLOVER event type of the act (e.g. AID)")
    g.add_argument("--alleged-by", help="the code of one who alleged it")
    g.add_argument("--denied-by", help="the code of one who denied it")
    g.add_argument("--since", metavar="DATE", help="claims still reported on or after this")
    g.add_argument("--until", metavar="DATE", help="claims first reported on or before this")
    g.add_argument("--text", help="words in a sentence of the evidence")
    g.add_argument("--linked", action="store_true", help="only acts both alleged and denied")
    p.add_argument("--limit", type=int, metavar="N")
    p.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    p.set_defaults(func=_run(_claims))
