"""`whodid watch DIR --db FILE` (the watcher is whodid.store.watch), and the options that
the commands for news as it arrives share. Light to import: the CLI builds its parser from it."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Seconds from `90`, `90s`, `15m`, `1h`, `1.5h`, `1d` (for --every, --settle)."""
    t = text.strip().lower()
    unit = _UNITS.get(t[-1:]) if t else None
    number = t[:-1] if unit else t
    try:
        value = float(number) * (unit or 1)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (use e.g. 30s, 15m, 1h)")
    return value


def db_option(p: argparse.ArgumentParser) -> None:
    """--db as the store commands of cli.py have it."""
    import os

    from whodid.store.store import DEFAULT_DB

    p.add_argument("--db", default=os.environ.get("WHODID_DB") or DEFAULT_DB, metavar="FILE",
                   help="the store (default $WHODID_DB or whodid.duckdb here)")


def add_watch_command(sub: Any, knowledge: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("watch", help="code and store files as they appear in a folder")
    p.add_argument("folder", help="the folder to watch (and its subfolders)")
    db_option(p)
    p.add_argument("--every", type=parse_duration, default=2.0, metavar="DURATION",
                   help="time between polls (default 2s)")
    p.add_argument("--settle", type=parse_duration, default=2.0, metavar="DURATION",
                   help="how long a file must stay unchanged before it is read (default 2s)")
    p.add_argument("--once", action="store_true",
                   help="one pass: store what is there and settled, then stop")
    p.add_argument("--processes", type=int, default=1, metavar="N",
                   help="parse and code in N processes")
    p.add_argument("--published", metavar="YYYY-MM-DD",
                   help="publication date for documents that have none (plain text)")
    knowledge(p)
    p.set_defaults(func=cmd_watch)


def cmd_watch(args: argparse.Namespace) -> int:
    import json
    import signal
    import sys

    from whodid.api import coder_options
    from whodid.store.ingest import Progress
    from whodid.store.store import StoreError
    from whodid.store.watch import Poll, Watcher

    def on_error(err: dict[str, Any]) -> None:
        print(json.dumps(err, ensure_ascii=False), file=sys.stderr, flush=True)

    def report(poll: Poll) -> None:
        s = poll.summary
        if s is not None:
            print(f"{time.strftime('%H:%M:%S')} {len(poll.files)} file"
                  f"{'s' * (len(poll.files) != 1)}: {s.read} read, {s.coded} coded, "
                  f"{s.skipped} skipped as already stored, {s.failed} failed; "
                  f"{s.events} events stored", flush=True)
        if args.once and poll.unsettled:
            print(f"{len(poll.unsettled)} still being written, left for the next pass: "
                  + ", ".join(str(p) for p in poll.unsettled), flush=True)

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # `kill` stops as Ctrl-C does: what is coded is kept

    options = coder_options(args.model, args.triggers, args.actors, args.rules_only)
    try:
        watcher = Watcher(args.folder, args.db, options, settle=args.settle,
                          processes=args.processes, published=args.published,
                          progress=Progress(on_error=on_error))
    except NotADirectoryError as exc:
        print(f"whodid: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, terminate)
    try:
        if args.once:
            report(watcher.once())
            return 0
        print(f"watching {args.folder} every {args.every:g}s; Ctrl-C stops", file=sys.stderr,
              flush=True)
        watcher.run(args.every, on_poll=report)
    except KeyboardInterrupt:
        print(f"whodid watch: stopped; what was coded is stored in {args.db}", file=sys.stderr)
        return 0
    except StoreError as exc:
        print(f"whodid: {exc}", file=sys.stderr)
        return 2
    return 0
