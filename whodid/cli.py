"""The `whodid` command: each verb a thin layer over a library function."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from whodid import __version__
from whodid.nlp import DEFAULT_MODEL


def _json_line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def _options(args: argparse.Namespace):
    from whodid.runner import CoderOptions

    return CoderOptions(model=args.model, triggers=tuple(Path(p) for p in args.triggers),
                        actors=tuple(Path(p) for p in args.actors))


def cmd_code(args: argparse.Namespace) -> int:
    from whodid.documents import iter_documents
    from whodid.runner import code_stream
    from whodid.table import format_table

    items = iter_documents(args.paths or ["-"], published=args.published)
    read = failed = 0
    out = sys.stdout
    for result in code_stream(items, _options(args), processes=args.processes):
        if result.error is not None:
            failed += 1
            print(_json_line(result.error), file=sys.stderr, flush=True)
            if result.error.get("error") == "coding_failed":
                read += 1
            continue
        read += 1
        if args.format == "table":
            out.write(f"== {result.doc_id}: {len(result.records)} events\n")
            out.write(format_table(result.records) + "\n\n")
        else:
            for rec in result.records:
                out.write(_json_line(rec) + "\n")
        out.flush()
    if read == 0:
        print(f"whodid: no document could be read ({failed} errors)", file=sys.stderr)
        return 1
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from whodid.evaluation import evaluate_files, format_report
    from whodid.records import Document
    from whodid.runner import make_worker

    work = make_worker(_options(args))

    def code_document(doc: dict[str, Any]) -> list[dict[str, Any]]:
        result = work(Document(id=doc["id"], text=doc["text"], published=doc.get("published"),
                               title=doc.get("title")))
        if result.error:
            raise RuntimeError(result.error["detail"])
        return result.records

    reports = evaluate_files(args.gold, code_document, errors=args.errors)
    for name, report in reports.items():
        print(format_report(name, report, max_examples=args.errors))
        print()
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=2, ensure_ascii=False), "utf-8")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from whodid.bench import format_bench, run_bench

    report = run_bench([Path(p) for p in args.corpus] or None, processes=args.processes,
                       limit=args.limit)
    print(format_bench(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), "utf-8")
    return 0


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

    p = sub.add_parser("code", help="code documents into event records (JSONL on stdout)")
    p.add_argument("paths", nargs="*", help=".txt, .jsonl, folders, or - for JSONL on stdin")
    p.add_argument("--published", metavar="YYYY-MM-DD",
                   help="publication date for documents that have none (plain text)")
    p.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    p.add_argument("--processes", type=int, default=1, metavar="N",
                   help="parse and code in N processes")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "published", None):
        import datetime as dt

        try:
            dt.date.fromisoformat(args.published)
        except ValueError:
            print(f"whodid: --published must be YYYY-MM-DD, got {args.published!r}",
                  file=sys.stderr)
            return 2
    try:
        return args.func(args)
    except BrokenPipeError:  # `whodid code ... | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
