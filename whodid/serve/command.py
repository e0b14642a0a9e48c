"""`whodid serve`: its options and what it does, kept out of cli.py (which only calls
`add_command`)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from typing import Any

LOOPBACK = "127.0.0.1"


def add_command(sub: Any) -> None:
    from whodid.serve.safety import TOKEN_ENV
    from whodid.store.store import DEFAULT_DB

    p = sub.add_parser("serve", help="a JSON API and web pages over a store (docs/serve.md)")
    p.add_argument("--db", default=os.environ.get("WHODID_DB") or DEFAULT_DB, metavar="FILE",
                   help=f"the store (default $WHODID_DB, else {DEFAULT_DB})")
    p.add_argument("--host", default=LOOPBACK,
                   help=f"address to listen on (default {LOOPBACK}: this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--token", help="allow POST /api/documents to requests carrying this token "
                                   f"(or set ${TOKEN_ENV}); without one the store is read-only")
    p.add_argument("--max-body", type=int, default=1_000_000, metavar="BYTES",
                   help="largest request body accepted (default 1,000,000)")
    p.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                   help="a query running longer is stopped (default 10)")
    p.add_argument("--max-download", type=int, default=1_000_000, metavar="ROWS",
                   help="most events in one download (default 1,000,000)")
    p.add_argument("--cache", type=int, default=512, metavar="N",
                   help="answers kept until the next write (default 512; 0 keeps none)")
    p.add_argument("--threads", type=int, metavar="N",
                   help="DuckDB threads per query (default: one per core); with many small "
                        "queries at once, 1 spends less on coordinating them")
    p.add_argument("--concurrent", type=int, metavar="N",
                   help="queries run at once (default: one per core); the others wait their turn")
    p.set_defaults(func=cmd_serve)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from whodid.serve.app import create_app, settings_from_env
    except ImportError as exc:
        print(f"whodid: serve needs FastAPI, uvicorn and Jinja2 ({exc.name} is missing); "
              "install them with pip install 'whodid[serve]'", file=sys.stderr)
        return 2
    from whodid.serve.memory import steady_allocator
    from whodid.store.store import StoreError

    steady_allocator()
    settings = settings_from_env(args.db, args.token, max_body=args.max_body,
                                 timeout=args.timeout, max_download=args.max_download,
                                 cache_size=args.cache, threads=args.threads,
                                 concurrent=args.concurrent)
    try:
        app = create_app(settings)
    except StoreError as exc:
        print(f"whodid: {exc}", file=sys.stderr)
        return 2
    mode = "accepting documents with the token" if settings.token else "read-only"
    print(f"whodid serve: {settings.db} ({mode}) on http://{args.host}:{args.port}/",
          file=sys.stderr, flush=True)
    if not is_loopback(args.host):
        print(f"whodid serve: {args.host} is reachable from other machines; anyone who can "
              "reach it can read the store", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
