"""The `whodid` command: each verb a thin layer over a library function."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from whodid.cluster.command import add_ray_options
from whodid.feeds.command import add_feeds_command
from whodid.nlp import DEFAULT_MODEL
from whodid.serve import command as serve_command
from whodid.store.watch_command import add_watch_command
from whodid.version import __version__


def _json_line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def _options(args: argparse.Namespace):
    from whodid.api import coder_options

    return coder_options(args.model, args.triggers, args.actors, args.rules_only,
                         getattr(args, "quotes", "with"))


def cmd_code(args: argparse.Namespace) -> int:
    from whodid.code.runner import code_stream
    from whodid.progress import estimate_documents, note, on_terminal, progress
    from whodid.read.documents import iter_documents
    from whodid.table import format_quotes, format_table, terminal_width

    if args.quotes is None:  # a table shows the events alone unless asked
        args.quotes = "none" if args.format == "table" else "with"
    items = iter_documents(args.paths or ["-"], published=args.published)
    read = failed = 0
    out = sys.stdout
    shown = on_terminal() and not out.isatty()  # on a terminal, the records show progress
    bar = progress(estimate_documents(args.paths or ["-"]) if shown else None, desc="code",
                   enabled=shown)
    for result in code_stream(items, _options(args), processes=args.processes):
        bar.update(1)
        if result.error is not None:
            failed += 1
            note(bar, _json_line(result.error))
            if result.error.get("error") == "coding_failed":
                read += 1
            continue
        read += 1
        if args.format == "table":
            events = [r for r in result.records if "event" in r]
            said = [r for r in result.records if "event" not in r]
            count = f", {len(said)} quotes" if args.quotes != "none" else ""
            out.write(f"== {result.doc_id}: {len(events)} events{count}\n")
            if args.quotes != "only":
                out.write(format_table(events, terminal_width(out)) + "\n\n")
            if said:
                out.write(format_quotes(said, terminal_width(out)) + "\n\n")
        else:
            for rec in result.records:
                out.write(_json_line(rec) + "\n")
        out.flush()
    bar.close()
    if read == 0:
        print(f"whodid: no document could be read ({failed} errors)", file=sys.stderr)
        return 1
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from whodid.api import record_coder
    from whodid.measure.evaluation import evaluate_files
    from whodid.measure.report import format_report

    reports = evaluate_files(args.gold, record_coder(_options(args)), errors=args.errors)
    for name, report in reports.items():
        print(format_report(name, report, max_examples=args.errors))
        print()
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=2, ensure_ascii=False), "utf-8")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from whodid.measure.bench import format_bench, run_bench

    report = run_bench([Path(p) for p in args.corpus] or None, processes=args.processes,
                       limit=args.limit)
    print(format_bench(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), "utf-8")
    return 0


# -- the store: ingest, events, dyads, docs, export (docs/store.md) --------------------------
def _default_db() -> str:
    import os

    from whodid.store.store import DEFAULT_DB

    return os.environ.get("WHODID_DB") or DEFAULT_DB


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror + (f": {exc.filename}" if exc.filename else "")
    lines = [x.strip() for x in str(exc).splitlines() if x.strip()]
    return lines[0] if lines else type(exc).__name__


def _store_errors(func):
    """A store or query problem is one line on standard error and exit status 2."""
    import functools

    @functools.wraps(func)
    def wrapper(args: argparse.Namespace) -> int:
        import duckdb

        from whodid.store.queries import QueryError
        from whodid.store.store import StoreError

        try:
            return func(args)
        except (StoreError, QueryError) as exc:
            print(f"whodid: {exc}", file=sys.stderr)
            return 2
        except (duckdb.Error, OSError) as exc:  # a corrupted store, a full disk
            print(f"whodid: {args.db}: {_one_line(exc)}"
                  + ("; what earlier batches stored is kept, and the same command finishes "
                     "the rest" if args.command == "ingest" else ""), file=sys.stderr)
            return 2

    return wrapper


@_store_errors
def cmd_ingest(args: argparse.Namespace) -> int:
    from whodid.cluster.command import ingest_stream
    from whodid.progress import estimate_documents, on_terminal
    from whodid.store.ingest import Progress, ingest

    def on_error(err: dict[str, Any]) -> None:
        print(_json_line(err), file=sys.stderr, flush=True)

    def on_batch(summary: Any) -> None:
        print(f"committed batch {summary.batches}: {summary.coded} coded, "
              f"{summary.skipped} skipped, {summary.failed} failed, {summary.events} events",
              file=sys.stderr, flush=True)

    stream = ingest_stream(args)  # {} or {"stream": RayStream}; may take --ray's value as a path
    paths = args.paths or ([] if args.recode else ["-"])
    bar = on_terminal() and not args.verbose
    progress = Progress(bar=bar, on_error=on_error, on_batch=on_batch if args.verbose else None,
                        total=estimate_documents(paths) if bar and paths else None)
    try:
        summary = ingest(paths, args.db, _options(args), processes=args.processes,
                         recode=args.recode, published=args.published, progress=progress,
                         batch_docs=args.batch, **stream)
    except KeyboardInterrupt:
        print(f"whodid: interrupted; what was coded is stored in {args.db}, and the same "
              "command finishes the rest", file=sys.stderr)
        return 130
    s = summary
    print(f"{args.db}: {s.read} read, {s.coded} coded, {s.skipped} skipped as already stored, "
          f"{s.failed} failed")
    extra = f"events stored: {s.events}; near-duplicates linked: {s.duplicates}"
    if s.recoded:
        extra += f"; recoded: {s.recoded}"
    print(extra)
    if s.stale:
        print(f"{s.stale} of the skipped were coded by another pipeline version; "
              "--recode codes them again")
    if s.failed:
        print(f"errors: whodid docs --errors --db {args.db}")
    return 1 if s.read == 0 and s.failed else 0


def _open_store(args: argparse.Namespace):
    from whodid.store.store import connect

    return connect(args.db, read_only=True)


@_store_errors
def cmd_events(args: argparse.Namespace) -> int:
    from whodid.store.export import write_csv, write_jsonl
    from whodid.store.queries import EventFilter, event_records
    from whodid.table import format_table, terminal_width

    filt = EventFilter.from_args(args)
    con = _open_store(args)
    try:
        if args.format == "jsonl":
            write_jsonl(con, filt, sys.stdout, args.limit)
        elif args.format == "csv":
            write_csv(con, filt, sys.stdout, args.limit)
        else:
            records = [json.loads(r) for (r,) in event_records(con, filt, args.limit).fetchall()]
            print(format_table(records, terminal_width()))
    finally:
        con.close()
    return 0


@_store_errors
def cmd_dyads(args: argparse.Namespace) -> int:
    from whodid.store.export import write_rows
    from whodid.store.queries import EventFilter, dyads

    con = _open_store(args)
    try:
        columns, rows = dyads(con, EventFilter.from_args(args), args.period, args.by_sector)
    finally:
        con.close()
    write_rows(columns, rows, args.format, sys.stdout)
    return 0


@_store_errors
def cmd_docs(args: argparse.Namespace) -> int:
    from whodid.store.export import write_rows
    from whodid.store.queries import counts, documents, errors

    con = _open_store(args)
    try:
        if args.errors:
            columns, rows = errors(con, args.limit)
        else:
            columns, rows = documents(con, args.doc, args.limit)
        total = counts(con)
    finally:
        con.close()
    write_rows(columns, rows, args.format, sys.stdout)
    if args.format == "table" and not args.errors:
        print(f"{total['documents']} documents ({total['duplicates']} near-duplicates), "
              f"{total['events']} events, {total['errors']} errors"
              + (" (--errors lists them)" if total["errors"] else ""))
    return 0


@_store_errors
def cmd_export(args: argparse.Namespace) -> int:
    from whodid.store.export import export
    from whodid.store.queries import EventFilter

    out = Path(args.out) if args.out else None
    con = _open_store(args)
    try:
        n = export(con, args.format, out, EventFilter.from_args(args), sys.stdout, args.limit)
    finally:
        con.close()
    if out is not None:
        print(f"{n} events written to {out} ({args.format})", file=sys.stderr)
    return 0


def add_store_commands(sub: Any, knowledge: Any) -> None:
    """The store's verbs: ingest writes the store, the others only read it."""
    from whodid.store.export import EXPORT_FORMATS
    from whodid.store.places import add_place_filters
    from whodid.store.queries import PERIODS

    def db(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", default=_default_db(), metavar="FILE",
                       help="the store (default $WHODID_DB or whodid.duckdb here)")

    def filters(p: argparse.ArgumentParser) -> None:
        g = p.add_argument_group("filters (combined with AND; text is case-insensitive)")
        g.add_argument("--actor", help="an actor's code, or part of its name or text")
        g.add_argument("--recipient", help="a recipient's code, or part of its name or text")
        g.add_argument("--country", help="code of the actor or the recipient (e.g. SRB)")
        g.add_argument("--sector", help="sector of the actor or the recipient (e.g. GOV)")
        g.add_argument("--type", help="PLOVER event type (e.g. ACCUSE)")
        g.add_argument("--mode", help="PLOVER mode (e.g. allege)")
        g.add_argument("--status", help="asserted, alleged, denied, negated, future, hypothetical")
        g.add_argument("--since", metavar="DATE", help="event date on or after (YYYY[-MM[-DD]])")
        g.add_argument("--until", metavar="DATE", help="event date on or before (YYYY[-MM[-DD]])")
        g.add_argument("--text", help="words in the event's sentence")
        g.add_argument("--doc", help="a document id")
        g.add_argument("--unique", action="store_true",
                       help="leave out the events of near-duplicate copies")
        add_place_filters(g)

    p = sub.add_parser("ingest", help="code documents into the store (skips what it holds)")
    p.add_argument("paths", nargs="*",
                   help=".txt, .jsonl, .csv, .html, folders, or - for JSONL on stdin (default -; "
                        "with --recode and no path: the stored documents)")
    db(p)
    p.add_argument("--recode", action="store_true",
                   help="code again documents stored by another pipeline version")
    p.add_argument("--processes", type=int, default=1, metavar="N",
                   help="parse and code in N processes")
    p.add_argument("--published", metavar="YYYY-MM-DD",
                   help="publication date for documents that have none (plain text)")
    p.add_argument("--batch", type=int, default=200, metavar="N",
                   help="documents per transaction (what a crash can cost; default 200)")
    p.add_argument("--verbose", action="store_true",
                   help="a line on stderr per committed batch instead of a progress bar")
    knowledge(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("events", help="stored events matching filters")
    db(p)
    filters(p)
    p.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    p.add_argument("--limit", type=int, metavar="N")
    p.set_defaults(func=cmd_events)

    p = sub.add_parser("dyads", help="event counts and mean score per period, dyad and quad class")
    db(p)
    filters(p)
    p.add_argument("--period", choices=tuple(PERIODS), default="month")
    p.add_argument("--by-sector", action="store_true",
                   help="sides as code/sector (SRB/GOV) instead of code")
    p.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    p.set_defaults(func=cmd_dyads)

    p = sub.add_parser("docs", help="stored documents with their events, duplicates and errors")
    db(p)
    p.add_argument("--errors", action="store_true", help="list the stored errors instead")
    p.add_argument("--doc", help="only this document id")
    p.add_argument("--limit", type=int, metavar="N")
    p.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("export", help="write stored events as jsonl, csv, parquet or gdelt")
    db(p)
    p.add_argument("--format", choices=EXPORT_FORMATS, default="jsonl")
    p.add_argument("--out", metavar="PATH", help="file to write (default standard output)")
    p.add_argument("--limit", type=int, metavar="N")
    filters(p)
    p.set_defaults(func=cmd_export)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="whodid", description="Read news and write down who did what to whom.")
    parser.add_argument("--version", action="version", version=f"whodid {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def knowledge(p: argparse.ArgumentParser) -> None:
        p.add_argument("--model", default=DEFAULT_MODEL,
                       help=f"spaCy model package to parse with (default {DEFAULT_MODEL})")
        p.add_argument("--triggers", action="append", default=[], metavar="FILE",
                       help="extra trigger lexicon (YAML, format of whodid/data/triggers.yaml)")
        p.add_argument("--actors", action="append", default=[], metavar="FILE",
                       help="extra actor table (CSV, format of whodid/data/actors_*.csv)")
        p.add_argument("--rules-only", action="store_true",
                       help="the rules alone, without the learned layer after them")

    p = sub.add_parser("code", help="code documents into event records (JSONL on stdout)")
    p.add_argument("paths", nargs="*", help=".txt, .jsonl, folders, or - for JSONL on stdin")
    p.add_argument("--published", metavar="YYYY-MM-DD",
                   help="publication date for documents that have none (plain text)")
    p.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    p.add_argument("--processes", type=int, default=1, metavar="N",
                   help="parse and code in N processes")
    p.add_argument("--quotes", choices=("with", "only", "none"),
                   help="quote records after each document's events (the default for jsonl), "
                        "only the quotes, or none (the default for a table)")
    knowledge(p)
    p.set_defaults(func=cmd_code)

    p = sub.add_parser("eval", help="score the coder against gold files")
    p.add_argument("gold", nargs="+", help="gold files (JSONL, or one JSON document)")
    p.add_argument("--json", metavar="FILE", help="write the full report as JSON")
    p.add_argument("--errors", type=int, default=0, metavar="N",
                   help="list N misses and N false positives per file")
    knowledge(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", help="time bare spaCy parsing against full coding")
    p.add_argument("corpus", nargs="*",
                   help="documents (default: ../shared PolNeAR training articles if present, "
                        "else the bundled example repeated)")
    p.add_argument("--processes", type=int, default=1, metavar="N")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N documents")
    p.add_argument("--json", metavar="FILE", help="write the full report as JSON")
    p.set_defaults(func=cmd_bench)

    add_store_commands(sub, knowledge)
    serve_command.add_command(sub)
    add_ray_options(sub)
    add_watch_command(sub, knowledge)
    add_feeds_command(sub, knowledge)
    from whodid.store.claim_commands import add_commands as add_claim_commands

    add_claim_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from whodid.read.notices import report_to_stderr

    report_to_stderr()
    if getattr(args, "published", None):
        import datetime as dt

        try:
            dt.date.fromisoformat(args.published)
        except ValueError:
            print(f"whodid: --published must be YYYY-MM-DD, got {args.published!r}",
                  file=sys.stderr)
            return 2
    from whodid.code.runner import KnowledgeFileError, WorkerInitError
    from whodid.nlp import ModelError

    try:
        return args.func(args)
    except BrokenPipeError:  # `whodid code ... | head`
        return 0
    except (KnowledgeFileError, ModelError, WorkerInitError) as exc:  # no run: one line, exit 2
        print(f"whodid: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # writing the output: a full disk
        print(f"whodid: cannot go on: {_one_line(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
