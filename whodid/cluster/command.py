"""`whodid ingest --ray [ADDRESS]`: the options, and the stream that codes on Ray."""

from __future__ import annotations

import argparse
import re
from typing import Any

# What --ray's value is when it is an address and not the first input path
_ADDRESS = re.compile(r"^(auto|local|[a-z]+://.+|[\w.-]+:\d+)$")


def add_ray_options(sub: Any) -> None:
    """Add --ray, --ray-workers and --shards to the `ingest` command."""
    p: argparse.ArgumentParser = sub.choices["ingest"]
    g = p.add_argument_group("coding on Ray (pip install 'whodid[ray]'; docs/cluster.md)")
    g.add_argument("--ray", nargs="?", const="local", metavar="ADDRESS",
                   help="code on Ray: a local instance (no ADDRESS, or 'local'), or the cluster "
                        "at ADDRESS ('auto', HOST:PORT, ray://HOST:10001)")
    g.add_argument("--ray-workers", type=int, metavar="N",
                   help="coding actors, each with one CPU and the model loaded once "
                        "(default: every CPU of the cluster)")
    g.add_argument("--shards", metavar="DIR",
                   help="keep the coded results' Parquet shards here (default: a temporary "
                        "folder, removed once they are loaded into the store)")


def ingest_stream(args: argparse.Namespace) -> dict[str, Any]:
    """The `stream` keyword for `ingest`: nothing (code here) without --ray. A value of --ray
    that is not an address is the first input path (`--ray docs.jsonl`)."""
    if getattr(args, "ray", None) is None:
        return {}
    from whodid.cluster.ray_code import RayStream

    address = args.ray
    if not _ADDRESS.match(address):
        args.paths = [address, *args.paths]
        address = "local"
    return {"stream": RayStream(None if address == "local" else address,
                                workers=args.ray_workers, shards=args.shards)}
