"""`whodid feeds FEEDS.txt --db FILE [--every 15m]`: the command's options and its loop.
Light to import: the CLI builds its parser from it."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from whodid.store.watch_command import db_option, parse_duration


def add_feeds_command(sub: Any, knowledge: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("feeds", help="poll RSS/Atom feeds; code and store the new articles")
    p.add_argument("feed_list", metavar="FEEDS.txt",
                   help="feed URLs, one per line (blank lines and # comments skipped)")
    db_option(p)
    p.add_argument("--every", type=parse_duration, metavar="DURATION",
                   help="poll again every DURATION (e.g. 15m) until stopped; without it, once")
    p.add_argument("--timeout", type=parse_duration, default=20.0, metavar="DURATION",
                   help="give up on a feed or page after this long (default 20s)")
    p.add_argument("--delay", type=parse_duration, default=1.0, metavar="DURATION",
                   help="at least this long between two requests to one host (default 1s)")
    p.add_argument("--tries", type=int, default=3, metavar="N",
                   help="fetch a page that failed at most N times, one per poll (default 3)")
    p.add_argument("--user-agent", metavar="TEXT",
                   help="User-Agent header (default whodid/VERSION; add a contact address)")
    knowledge(p)
    p.set_defaults(func=cmd_feeds)


def _line(report: Any) -> str:
    s = report.summary
    stored = (f"{s.coded} stored, {s.skipped} already stored, {s.events} events"
              if s is not None else "0 stored")
    return (f"{time.strftime('%H:%M:%S')} {report.feeds} feeds ({report.not_modified} not "
            f"modified, {report.failed_feeds} failed): {report.entries} entries, "
            f"{report.seen} seen before, {report.fetched} fetched ({report.failed_pages} "
            f"failed, {report.same_text} same text as a stored one); {stored}")


def cmd_feeds(args: argparse.Namespace) -> int:
    import json
    import signal

    from whodid.api import coder_options
    from whodid.feeds.fetch import USER_AGENT, PoliteClient
    from whodid.feeds.parse import read_feed_list
    from whodid.feeds.poll import poll_feeds
    from whodid.store.ingest import Progress
    from whodid.store.store import StoreError

    def on_error(err: dict[str, Any]) -> None:
        print(json.dumps(err, ensure_ascii=False), file=sys.stderr, flush=True)

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # `kill` stops as Ctrl-C does

    options = coder_options(args.model, args.triggers, args.actors, args.rules_only)
    client = PoliteClient(timeout=args.timeout, delay=args.delay,
                          user_agent=args.user_agent or USER_AGENT)
    signal.signal(signal.SIGTERM, terminate)
    try:
        while True:
            started = time.monotonic()
            try:  # read each round: feeds can be added or removed while it runs
                feeds, bad = read_feed_list(args.feed_list)
            except (OSError, UnicodeDecodeError) as exc:
                print(f"whodid: {args.feed_list}: cannot read the feed list ({exc})",
                      file=sys.stderr)
                return 2
            if not feeds:
                print(f"whodid: {args.feed_list} lists no http(s) feed URL", file=sys.stderr)
            report = poll_feeds(feeds, args.db, client, options, max_tries=args.tries,
                                progress=Progress(on_error=on_error), list_errors=bad)
            print(_line(report), flush=True)
            if args.every is None:
                return 0
            time.sleep(max(0.0, args.every - (time.monotonic() - started)))
    except KeyboardInterrupt:
        print(f"whodid feeds: stopped; what was coded is stored in {args.db}", file=sys.stderr)
        return 0
    except StoreError as exc:
        print(f"whodid: {exc}", file=sys.stderr)
        return 2
