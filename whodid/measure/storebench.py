"""Benchmark of the store: query speed over a large synthetic store, and what storing costs on
top of coding.

    python -m whodid.measure.storebench [--events N] [--ingest [PATHS...]] [--processes N] [--limit N]

(a) Queries: N synthetic events (default 1,000,000; ten per document, one document in twenty a
near-duplicate) are written into a fresh DuckDB file through the store's own schema; then a
filtered `events` query and a monthly `dyads` aggregate are timed, cold (first run on a fresh
connection) and warm (median of the repeats).

(b) Ingest: with `--ingest`, `whodid code` and `whodid ingest` run over the same documents, each
in a fresh process with the model already loaded, so that the difference is the store's cost.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from whodid.store.queries import EventFilter, dyads, dyads_sql, events
from whodid.store.store import (
    DOCUMENT_COLUMNS,
    ENTITY_COLUMNS,
    EVENT_COLUMNS,
    arrow_schema,
    connect,
    utcnow,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
COUNTRIES = ["SRB", "KOS", "USA", "RUS", "CHN", "UKR", "DEU", "FRA", "GBR", "TUR", "IRN", "ISR",
             "PSE", "SYR", "IRQ", "AFG", "PAK", "IND", "JPN", "PRK", "KOR", "BRA", "VEN", "COL",
             "MEX", "NGA", "KEN", "SOM", "ETH", "SDN", "EGY", "LBY", "MLI", "ZAF", "AUS", "CAN",
             "POL", "HUN", "GRC", "ARM", "AZE", "GEO", "BLR", "SAU", "YEM", "QAT", "LBN", "JOR",
             "MMR", "THA"]
SECTORS = [None, None, "GOV", "MIL", "COP", "REB", "OPP", "CVL", "BUS", "JUD"]
NEAR_DUPLICATE_SHARE = 0.05
QUERY = EventFilter(country="SRB", type="ACCUSE", since="2024-01-01", until="2024-06-30")
TEXT_QUERY = EventFilter(actor="serb", text="border")
_NAMES = {"SRB": "Serbia", "KOS": "Kosovo", "USA": "United States", "RUS": "Russia",
          "CHN": "China", "UKR": "Ukraine"}


def _choice(rng: np.random.Generator, values: Sequence[Any], n: int) -> list[Any]:
    idx = rng.integers(0, len(values), n)
    return [values[i] for i in idx]


def generate(db: Path, n_events: int, per_doc: int = 10, seed: int = 7) -> dict[str, float]:
    """Write `n_events` synthetic events (and their documents and entities) into a new store."""
    from whodid.code.lexicon import load_ontology

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    types = list(load_ontology().values())
    n_docs = max(1, n_events // per_doc)
    now = utcnow()
    doc_keys = [f"{i:032x}" for i in range(n_docs)]
    dup = rng.random(n_docs) < NEAR_DUPLICATE_SHARE
    dup[0] = False
    # a near-duplicate links to an earlier first copy
    first = np.maximum.accumulate(np.where(~dup, np.arange(n_docs), 0))
    doc_rows = {
        "doc_key": doc_keys, "seq": list(range(1, n_docs + 1)),
        "doc_id": [f"synthetic-{i}" for i in range(n_docs)], "origin": ["storebench"] * n_docs,
        "published": [None] * n_docs, "title": [None] * n_docs, "url": [None] * n_docs,
        "source": _choice(rng, ["Wire A", "Wire B", "Daily C", "Post D", "Times E"], n_docs),
        "text": ["(synthetic)"] * n_docs, "chars": [11] * n_docs, "status": ["coded"] * n_docs,
        "events": [per_doc] * n_docs, "pipeline": ["storebench"] * n_docs,
        "coded_at": [now] * n_docs, "run_id": [1] * n_docs,
        "duplicate_of": [doc_keys[first[i]] if dup[i] else None for i in range(n_docs)],
        "similarity": [0.9 if d else None for d in dup], "minhash": [None] * n_docs,
    }
    n = n_docs * per_doc
    doc_of = np.repeat(np.arange(n_docs), per_doc)
    t_idx = rng.integers(0, len(types), n)
    a_idx = rng.integers(0, len(COUNTRIES), n)
    r_idx = (a_idx + rng.integers(1, len(COUNTRIES), n)) % len(COUNTRIES)
    a_sec = _choice(rng, SECTORS, n)
    r_sec = _choice(rng, SECTORS, n)
    start = dt.date(2023, 1, 1)
    days = [start + dt.timedelta(days=int(d)) for d in rng.integers(0, 3 * 365, n)]
    words = ["border", "talks", "troops", "aid", "sanctions", "election", "protest", "ceasefire"]
    topic = _choice(rng, words, n)
    ev_type = [types[i].name for i in t_idx]
    actor = [COUNTRIES[i] for i in a_idx]
    recipient = [COUNTRIES[i] for i in r_idx]
    keys = [f"{doc_keys[doc_of[i]]}:{i % per_doc}" for i in range(n)]
    text = [f"{actor[i]} officials spoke of {topic[i]} with {recipient[i]}." for i in range(n)]
    event_rows = {
        "event_key": keys, "event_no": list(range(1, n + 1)),
        "doc_key": [doc_keys[d] for d in doc_of], "n": [i % per_doc for i in range(n)],
        "id": [f"synthetic-{doc_of[i]}:{i % per_doc}" for i in range(n)],
        "doc_id": [f"synthetic-{d}" for d in doc_of], "event": ev_type,
        "mode": [None] * n, "status": _choice(rng, ["asserted"] * 6 + ["alleged", "denied",
                                                                         "future", "negated"], n),
        "quad_code": [types[i].quad for i in t_idx], "score": [types[i].score for i in t_idx],
        "cameo": [None] * n, "date": [d.isoformat() for d in days], "day": days,
        "date_text": [None] * n, "date_precision": ["day"] * n,
        "actor_code": actor, "actor_sector": a_sec, "actor_name": actor, "actor_text": actor,
        "recipient_code": recipient, "recipient_sector": r_sec, "recipient_name": recipient,
        "recipient_text": recipient, "claimant_code": [None] * n, "claimant_name": [None] * n,
        "trigger": topic, "sentence": [i % per_doc for i in range(n)], "event_text": text,
        "confidence": [0.8] * n, "why": ["synthetic"] * n,
        **{c: [None] * n for c in ("place", "place_country", "lat", "lon", "geonameid",
                                   "feature_class", "feature_code")},
        "record": [f'{{"id": "synthetic-{doc_of[i]}:{i % per_doc}", "event": "{ev_type[i]}"}}'
                   for i in range(n)],
    }
    entity_rows = {
        "event_key": keys + keys, "role": ["actor"] * n + ["recipient"] * n,
        "pos": [0] * (2 * n), "entity_text": actor + recipient, "start_char": [0] * (2 * n),
        "end_char": [3] * (2 * n), "code": actor + recipient, "sector": a_sec + r_sec,
        "name": [_NAMES.get(c, c) for c in actor] + [_NAMES.get(c, c) for c in recipient],
        "why": ["synthetic"] * (2 * n),
    }
    t_gen = time.perf_counter() - t0
    con = connect(db)
    try:
        con.execute("BEGIN")
        for table, rows, columns in (("documents", doc_rows, DOCUMENT_COLUMNS),
                                     ("events", event_rows, EVENT_COLUMNS),
                                     ("entities", entity_rows, ENTITY_COLUMNS)):
            tbl = pa.Table.from_pydict(rows, schema=arrow_schema(columns))
            con.register("_synthetic", tbl)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _synthetic")
            con.unregister("_synthetic")
        con.execute("INSERT INTO runs (run_id, started, finished, pipeline) VALUES (1, ?, ?, ?)",
                    [now, now, "storebench"])
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return {"events": n, "documents": n_docs, "near_duplicates": int(dup.sum()),
            "generate_s": t_gen, "write_s": time.perf_counter() - t0 - t_gen,
            "db_mib": db.stat().st_size / 2**20}



def _time(fn: Callable[[], Any], repeat: int) -> dict[str, Any]:
    cold_t0 = time.perf_counter()
    rows = fn()
    cold = time.perf_counter() - cold_t0
    warm = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        warm.append(time.perf_counter() - t0)
    return {"rows": len(rows), "cold_s": cold, "median_s": statistics.median(warm),
            "max_s": max(warm)}


def _arrow(con: Any, sql: str, params: list[Any]) -> pa.Table:
    """The result as an Arrow table: the aggregate's own cost, without building Python rows."""
    return con.sql(sql, params=params).to_arrow_table()


def time_queries(db: Path, repeat: int = 5) -> dict[str, Any]:
    """Each query on a fresh read-only connection (cold), then `repeat` more times (warm)."""
    con = connect(db, read_only=True)
    try:
        return {
            "events: --country SRB --type ACCUSE --since 2024-01-01 --until 2024-06-30":
                _time(lambda: events(con, QUERY)[1], repeat),
            "events: --actor serb --text border":
                _time(lambda: events(con, TEXT_QUERY)[1], repeat),
            "dyads --period month (aggregate, to Arrow)":
                _time(lambda: _arrow(con, *dyads_sql(EventFilter(), "month")), repeat),
            "dyads --period month (as Python rows)":
                _time(lambda: dyads(con, EventFilter(), "month")[1], repeat),
            "dyads --period month --country SRB --by-sector":
                _time(lambda: dyads(con, EventFilter(country="SRB"), "month", True)[1], repeat),
        }
    finally:
        con.close()


# -- (b) ingest against code ------------------------------------------------------------------
def _phase(phase: str, paths: list[str], processes: int, db: str) -> dict[str, Any]:
    """In a fresh process: load the model, then time `whodid code` or `whodid ingest`."""
    from whodid.cli import main
    from whodid.code.runner import CoderOptions, make_worker

    make_worker(CoderOptions())  # the model and tables, cached for this process (and forks)
    argv = (["code", *paths] if phase == "code"
            else ["ingest", *paths, "--db", db, "--processes", str(processes)])
    if phase == "code":
        argv += ["--processes", str(processes)]
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull), \
            contextlib.redirect_stderr(devnull):
        t0 = time.perf_counter()
        status = main(argv)
        wall = time.perf_counter() - t0
    return {"phase": phase, "wall_s": wall, "status": status}


def compare_ingest(paths: Sequence[Path], processes: int = 1, limit: int | None = None,
                   rounds: int = 1) -> dict[str, Any]:
    """`whodid code` against `whodid ingest` (into a new store) on the same documents."""
    from whodid.measure.bench import default_corpus, load_documents

    corpus = list(paths) or default_corpus()
    docs, read_errors = load_documents(corpus, limit)
    with tempfile.TemporaryDirectory(prefix="whodid-storebench-") as tmp:
        src = Path(tmp) / "docs.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for d in docs:
                fh.write(json.dumps(dataclasses.asdict(d), ensure_ascii=False) + "\n")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
        results: dict[str, list[float]] = {"code": [], "ingest": []}
        events = 0
        for r in range(rounds):
            for phase in ("code", "ingest"):
                db = Path(tmp) / f"round{r}.duckdb"
                cmd = [sys.executable, "-m", "whodid.measure.storebench", "--phase", phase,
                       "--phase-db", str(db), "--processes", str(processes), str(src)]
                proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
                if proc.returncode != 0:
                    raise RuntimeError(f"storebench phase {phase} failed:\n{proc.stderr[-2000:]}")
                results[phase].append(json.loads(proc.stdout.strip().splitlines()[-1])["wall_s"])
                if phase == "ingest":
                    con = connect(db, read_only=True)
                    events = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
                    con.close()
    code, ingest = min(results["code"]), min(results["ingest"])
    return {"corpus": [str(p) for p in corpus], "documents": len(docs),
            "read_errors": read_errors, "processes": processes, "events": events,
            "code_s": code, "ingest_s": ingest, "ratio": ingest / code,
            "code_docs_per_s": len(docs) / code, "ingest_docs_per_s": len(docs) / ingest,
            "rounds": rounds}


def format_report(report: dict[str, Any]) -> str:
    lines = []
    if "store" in report:
        s = report["store"]
        lines.append(f"store: {s['events']:,} events, {s['documents']:,} documents "
                     f"({s['near_duplicates']:,} near-duplicates), {s['db_mib']:.0f} MiB; "
                     f"generated in {s['generate_s']:.1f} s, written in {s['write_s']:.1f} s")
        lines.append(f"{'query':<72} {'rows':>8} {'cold s':>7} {'median s':>9} {'max s':>7}")
        for name, q in report["queries"].items():
            lines.append(f"{name:<72} {q['rows']:>8,} {q['cold_s']:>7.3f} {q['median_s']:>9.3f} "
                         f"{q['max_s']:>7.3f}")
    if "ingest" in report:
        i = report["ingest"]
        names = ", ".join(Path(p).name for p in i["corpus"])
        n = i["processes"]
        lines.append(f"ingest vs code: {names}: {i['documents']:,} documents, {i['events']:,} "
                     f"events, {n} process{'es' if n > 1 else ''}, best of {i['rounds']}")
        lines.append(f"  whodid code    {i['code_s']:8.2f} s  {i['code_docs_per_s']:7.1f} docs/s")
        lines.append(f"  whodid ingest  {i['ingest_s']:8.2f} s  "
                     f"{i['ingest_docs_per_s']:7.1f} docs/s  ({(i['ratio'] - 1) * 100:+.1f}% time)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m whodid.measure.storebench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, metavar="N",
                        help="synthetic events to store and query (0: skip)")
    parser.add_argument("--db", type=Path, help="keep the synthetic store in this (new) file")
    parser.add_argument("--repeat", type=int, default=5, metavar="N")
    parser.add_argument("--ingest", nargs="*", type=Path, metavar="PATH",
                        help="also compare ingest with code on these documents (default: the "
                             "shared PolNeAR training articles, or the bundled example)")
    parser.add_argument("--processes", type=int, default=1, metavar="N")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N documents")
    parser.add_argument("--rounds", type=int, default=1, metavar="N",
                        help="run code and ingest N times each, keep the best")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--phase", choices=("code", "ingest"), help=argparse.SUPPRESS)
    parser.add_argument("--phase-db", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(_phase(args.phase, args.paths, args.processes, args.phase_db)))
        return 0
    from whodid.progress import progress

    report: dict[str, Any] = {}
    steps = 2 * (args.events > 0) + (args.ingest is not None)
    with progress(steps, unit="step", desc="storebench") as bar:
        if args.events > 0:
            with tempfile.TemporaryDirectory(prefix="whodid-storebench-") as tmp:
                db = args.db or Path(tmp) / "synthetic.duckdb"
                if db.exists():
                    parser.error(f"{db} exists; the benchmark writes a new store")
                bar.set_postfix_str(f"writing {args.events:,} events")
                report["store"] = generate(db, args.events)
                bar.update(1)
                bar.set_postfix_str("timing queries")
                report["queries"] = time_queries(db, args.repeat)
                bar.update(1)
        if args.ingest is not None:
            bar.set_postfix_str("code against ingest")
            report["ingest"] = compare_ingest(args.ingest, args.processes, args.limit,
                                              args.rounds)
            bar.update(1)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
