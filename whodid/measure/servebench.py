"""Load test of `whodid serve` on loopback (a benchmark command, not a test):

    python -m whodid.measure.servebench [--db STORE | --events N] [--clients 50] [--seconds 30]

A store of N synthetic events (default 1,000,000, built by storebench's generator; or an
existing store with --db) is served by `whodid serve` in its own process on 127.0.0.1; C
clients (default 50) each send requests one after another over a kept-alive connection for S
seconds (default 30), half to /api/events and half to /api/dyads, with filters drawn from a
seeded mix (countries, types, date ranges, pages, sorts, periods). It reports requests per
second, latency percentiles, errors (any answer but 200, or a failed connection) and the
server's resident memory through the run. Every request goes to 127.0.0.1 only, and the run
stops by itself after S seconds."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from whodid.measure.storebench import COUNTRIES, generate

HOST = "127.0.0.1"  # loopback only
TYPES = ["ACCUSE", "THREATEN", "REJECT", "AGREE", "AID", "ASSAULT", "PROTEST", "SANCTION"]


def request_mix(n: int, seed: int = 11) -> list[str]:
    """`n` request paths: events and dyads in equal parts, with varied filters."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        c, d = rng.choice(COUNTRIES), rng.choice(COUNTRIES)
        year = rng.choice(["2023", "2024", "2025"])
        if i % 2 == 0:
            out.append(rng.choice([
                f"/api/events?country={c}&limit=50",
                f"/api/events?actor={c}&type={rng.choice(TYPES)}",
                f"/api/events?country={c}&since={year}-01&until={year}-06",
                f"/api/events?offset={rng.randrange(0, 20) * 50}",
                f"/api/events?sort=-date&offset={rng.randrange(0, 5) * 50}",
                f"/api/events?actor={c}&recipient={d}",
            ]))
        else:
            out.append(rng.choice([
                f"/api/dyads?country={c}&period=month",
                f"/api/dyads?country={c}&period=year&sort=-events",
                f"/api/dyads?actor={c}&recipient={d}&period=week",
                f"/api/dyads?type={rng.choice(TYPES)}&since={year}&until={year}&period=year",
            ]))
    return out


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    else:  # chunked
        while True:
            size = int((await reader.readline()).strip() or b"0", 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _client(port: int, paths: list[str], stop: float, out: dict[str, Any]) -> None:
    conn = None
    i = 0
    while time.perf_counter() < stop:
        path = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        try:
            if conn is None:
                conn = await asyncio.open_connection(HOST, port)
            status = await _get(*conn, path)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            out["errors"].append(f"{path}: {type(exc).__name__}: {exc}")
            conn = None
            continue
        out["latency"].append(time.perf_counter() - t0)
        if status != 200:
            out["errors"].append(f"{path}: HTTP {status}")
    if conn is not None:
        conn[1].close()


def _cpu_s(pid: int) -> float:
    """User and system CPU time the process has used, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _load(port: int, pid: int, clients: int, seconds: float, mix_size: int, seed: int
                ) -> dict[str, Any]:
    out: dict[str, Any] = {"latency": [], "errors": []}
    rng = random.Random(seed)
    mix = request_mix(mix_size, seed)
    per_client = [rng.sample(mix, len(mix)) for _ in range(clients)]
    memory: list[float] = []
    cpu = _cpu_s(pid)
    start = time.perf_counter()
    stop = start + seconds

    async def sample() -> None:
        while time.perf_counter() < stop:
            memory.append(_rss_mib(pid))
            await asyncio.sleep(1)

    await asyncio.gather(sample(), *(_client(port, p, stop, out) for p in per_client))
    out["elapsed"] = time.perf_counter() - start
    out["server_cpu"] = _cpu_s(pid) - cpu
    out["memory"] = memory
    out["distinct"] = len(set(mix))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run(db: Path, clients: int, seconds: float, cache: int, mix_size: int = 4000,
        seed: int = 11, serve_args: list[str] | None = None) -> dict[str, Any]:
    """Serve `db` in a child process, load it, stop it; the figures."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "whodid.cli", "serve", "--db", str(db),
                             "--host", HOST, "--port", str(port), "--cache", str(cache),
                             *(serve_args or [])],
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://{HOST}:{port}/api/", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        result = asyncio.run(_load(port, proc.pid, clients, seconds, mix_size, seed))
    finally:
        proc.terminate()
        proc.wait(30)
    lat = sorted(result["latency"])

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

    mem = result["memory"]
    return {"requests": len(lat), "elapsed_s": result["elapsed"],
            "rps": len(lat) / result["elapsed"], "p50_ms": pct(0.50), "p90_ms": pct(0.90),
            "p99_ms": pct(0.99), "max_ms": lat[-1] * 1000 if lat else float("nan"),
            "mean_ms": statistics.fmean(lat) * 1000 if lat else float("nan"),
            "server_cpu_ms": result["server_cpu"] * 1000 / max(1, len(lat)),
            "errors": len(result["errors"]), "error_examples": result["errors"][:3],
            "distinct_paths": result["distinct"], "rss_mib": mem,
            "clients": clients, "seconds": seconds, "cache": cache}


def format_report(r: dict[str, Any], label: str) -> str:
    mem = r["rss_mib"]
    third = max(1, len(mem) // 3)
    lines = [
        (f"{label}: {r['clients']} clients, {r['seconds']:g} s, cache {r['cache']} answers, "
         f"{r['distinct_paths']:,} distinct requests in the mix"),
        (f"  requests {r['requests']:,}  ({r['rps']:.1f}/s)   errors {r['errors']}   "
         f"server CPU per request {r['server_cpu_ms']:.1f} ms"),
        (f"  latency ms: p50 {r['p50_ms']:.1f}  p90 {r['p90_ms']:.1f}  p99 {r['p99_ms']:.1f}  "
         f"max {r['max_ms']:.1f}  mean {r['mean_ms']:.1f}"),
    ]
    if mem:
        lines.append(f"  server memory MiB: first {mem[0]:.0f}, mean of first third "
                     f"{statistics.fmean(mem[:third]):.0f}, of last third "
                     f"{statistics.fmean(mem[-third:]):.0f}, max {max(mem):.0f}")
    lines += [f"  error: {e}" for e in r["error_examples"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, help="an existing store (default: build a synthetic one)")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--cache", type=int, action="append",
                    help="the server's --cache; repeat to compare (default: 512 and 0)")
    ap.add_argument("--mix", type=int, action="append",
                    help="requests drawn for the mix (fewer: more repeats, as a dashboard "
                         "asks); repeat to compare (default 4000)")
    ap.add_argument("--serve-args", default="",
                    help="more options for whodid serve, e.g. '--threads 1'")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 300:
        ap.error("--clients must be 1..200 and --seconds 0..300 (a bounded load test)")
    with tempfile.TemporaryDirectory(prefix="whodid-servebench-") as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "bench.duckdb"
            info = generate(db, args.events)
            print(f"store: {info['events']:,} events, {info['documents']:,} documents, "
                  f"{info['db_mib']:.0f} MiB", flush=True)
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
              flush=True)
        for mix in args.mix or [4000]:
            for cache in args.cache or [512, 0]:
                report = run(db, args.clients, args.seconds, cache, mix,
                             serve_args=args.serve_args.split())
                label = " ".join(["whodid serve", f"--cache {cache}", args.serve_args]).strip()
                print(format_report(report, label), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
