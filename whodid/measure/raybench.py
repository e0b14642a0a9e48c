"""Benchmark of coding on Ray: `whodid ingest --ray` on a local Ray with 1 and 2 workers
(or any counts), and a local `whodid ingest` on the same documents, each into a new store.

    python -m whodid.measure.raybench [PATHS...] [--workers 1 2] [--limit N] [--no-local]

Reports each run's documents per second (the whole run: Ray's start, the actors' model
loading, coding and storing) and the Ray job's alone (from the documents handed to Ray Data
to the results loaded from their shards), the speed-up over one worker, the CPU time the
actors spent per document (which other jobs on the machine hardly change: equal figures for
1 and 2 workers mean the actors lose nothing to working in parallel) and the driver's (for
a local run, all the coding), and whether every
store holds the same events, byte for byte, as the first (a digest of its tables).
Default corpus: the PolNeAR training articles in ../shared, else the bundled example.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from whodid.store.store import connect

# What a store holds, in a fixed order; the columns that say when a run happened are left out
DIGEST_QUERIES = (
    "SELECT * EXCLUDE (coded_at) FROM documents ORDER BY seq",
    "SELECT * FROM events ORDER BY event_no",
    "SELECT * FROM entities ORDER BY event_key, role, pos",
    "SELECT * FROM quotes ORDER BY quote_key",
    "SELECT * FROM errors ORDER BY error_key",
)


def store_digest(db: str | Path) -> str:
    """A hash of every stored document, event, entity, quote and error (not of run times)."""
    h = hashlib.sha256()
    con = connect(db, read_only=True)
    try:
        for sql in DIGEST_QUERIES:
            for row in con.execute(sql).fetchall():
                h.update(repr(row).encode("utf-8"))
    finally:
        con.close()
    return h.hexdigest()[:16]


def _run(label: str, docs: list[Any], db: Path, workers: int | None) -> dict[str, Any]:
    from whodid.cluster.ray_code import RayStream
    from whodid.store.ingest import ingest

    waves: list[Any] = []
    extra = ({} if workers is None else
             {"stream": RayStream(workers=workers, on_wave=waves.append)})
    t0, c0 = time.perf_counter(), time.process_time()
    summary = ingest(docs, db, **extra)
    wall, driver_cpu = time.perf_counter() - t0, time.process_time() - c0
    job = sum(w.seconds for w in waves) or None
    cpu = sum(w.cpu_s for w in waves) or None
    return {"run": label, "workers": workers, "wall_s": wall, "ray_job_s": job,
            "docs_per_s": len(docs) / wall, "job_docs_per_s": len(docs) / (job or wall),
            "actor_cpu_ms_per_doc": 1000 * cpu / len(docs) if cpu else None,
            "driver_cpu_ms_per_doc": 1000 * driver_cpu / len(docs),
            "events": summary.events, "coded": summary.coded, "digest": store_digest(db)}


def run_bench(paths: Sequence[Path], workers: Sequence[int], limit: int | None,
              local: bool = True) -> dict[str, Any]:
    from whodid.code.runner import CoderOptions, check_knowledge
    from whodid.measure.bench import default_corpus, load_documents

    corpus = list(paths) or default_corpus()
    docs, read_errors = load_documents(corpus, limit)
    check_knowledge(CoderOptions())  # the driver's model, loaded before any clock starts
    runs = []
    with tempfile.TemporaryDirectory(prefix="whodid-raybench-") as tmp:
        if local:
            runs.append(_run("local, 1 process", docs, Path(tmp) / "local.duckdb", None))
        for n in workers:
            runs.append(_run(f"ray, {n} worker{'s' * (n > 1)}", docs,
                             Path(tmp) / f"ray{n}.duckdb", n))
    one = next((r for r in runs if r["workers"] == 1), None)
    for r in runs:
        if one is not None and r["workers"]:
            r["speedup"] = one["wall_s"] / r["wall_s"]
            r["job_speedup"] = one["ray_job_s"] / r["ray_job_s"]
    return {"corpus": [str(p) for p in corpus], "documents": len(docs),
            "read_errors": read_errors, "runs": runs,
            "same_events": len({r["digest"] for r in runs}) == 1}


def format_report(report: dict[str, Any]) -> str:
    def cell(seconds: float | None, per_s: float | None, speedup: float | None) -> str:
        if seconds is None:
            return f"{'-':>9} {'':>7} {'':>6}"
        x = f"{speedup:5.2f}x" if speedup is not None else ""
        return f"{seconds:8.1f}s {per_s:7.1f} {x:>6}"

    head = (f"ray bench: {', '.join(Path(p).name for p in report['corpus'])}: "
            f"{report['documents']:,} documents, {report['runs'][0]['events']:,} events")
    cols = (f"  {'run':<18} {'wall':>9} {'docs/s':>7} {'x1':>6}   {'ray job':>9} {'docs/s':>7} "
            f"{'x1':>6}  {'cpu ms/doc':>10} {'driver':>6}  store digest")
    lines = [head, cols]
    for r in report["runs"]:
        whole = cell(r["wall_s"], r["docs_per_s"], r.get("speedup"))
        job = cell(r["ray_job_s"], r["job_docs_per_s"], r.get("job_speedup"))
        cpu = r.get("actor_cpu_ms_per_doc")
        cpu_cell = f"{cpu:10.0f}" if cpu else f"{'-':>10}"
        lines.append(f"  {r['run']:<18} {whole}   {job}  {cpu_cell} "
                     f"{r['driver_cpu_ms_per_doc']:6.0f}  {r['digest']}")
    lines.append("same events in every store: " + ("yes" if report["same_events"] else "NO"))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m whodid.measure.raybench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="documents (default: see above)")
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2], metavar="N")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N documents")
    parser.add_argument("--no-local", action="store_true", help="skip the local run")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = run_bench(args.paths, args.workers, args.limit, local=not args.no_local)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0 if report["same_events"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
