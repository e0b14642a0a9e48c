"""Benchmark: what full coding costs on top of bare spaCy parsing, in time and memory.

Both phases go through `runner.code_stream` with the same number of processes, so the only
difference between them is the coder's own work. Each phase runs in a fresh Python process:
the RSS high-water mark (`ru_maxrss`) never goes down, so measuring both phases in one
process would give the second phase the first one's peak.

    python -m whodid.measure.bench [PATHS...] [--processes N] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from whodid.read.documents import iter_documents
from whodid.records import Document

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED_CORPUS = PROJECT_ROOT.parent / "shared" / "data" / "dev" / "polnear_train.jsonl"
BUNDLED_EXAMPLE = PROJECT_ROOT / "examples" / "border-talks.jsonl"
PHASES = ("parse", "code")
READY_TIMEOUT_S = 300.0  # model loading in every worker: generous, but never a silent hang


def default_corpus() -> list[Path]:
    """The shared development corpus when it sits beside the project (a clone of main with
    ../shared), else the bundled one-document example so the bench runs anywhere."""
    for path in (SHARED_CORPUS, BUNDLED_EXAMPLE):
        if path.is_file():
            return [path]
    raise FileNotFoundError(
        f"no corpus to benchmark: neither {SHARED_CORPUS} nor {BUNDLED_EXAMPLE} exists; "
        "pass the paths of .jsonl/.txt files")


def load_documents(paths: Sequence[Path], limit: int | None = None,
                   repeat_small: int = 200) -> tuple[list[Document], int]:
    """The documents to time, read once before any clock starts, and the number of input
    errors met while reading. The bundled example is a single document, too little to time,
    so it is repeated `repeat_small` times under distinct ids."""
    docs: list[Document] = []
    read_errors = 0
    for item in iter_documents([str(p) for p in paths]):
        if isinstance(item, Document):
            docs.append(item)
        else:
            read_errors += 1
    if [Path(p).resolve() for p in paths] == [BUNDLED_EXAMPLE.resolve()] and repeat_small > 1:
        docs = [dataclasses.replace(d, id=f"{d.id}#{k}")
                for k in range(repeat_small) for d in docs]
    if limit is not None:
        docs = docs[:limit]
    return docs, read_errors


def _maxrss_mib(who: int) -> float:
    """ru_maxrss in MiB (Linux reports KiB, macOS bytes)."""
    value = resource.getrusage(who).ru_maxrss
    return value / (1024 * 1024) if sys.platform == "darwin" else value / 1024


def measure_phase(docs: list[Document], phase: str, processes: int) -> dict[str, Any]:
    """Time one phase in this process (meant to be a fresh one, see `run_bench`).

    The clock starts once every worker has built its coder: `runner.make_worker` is wrapped
    so that each worker signals on a semaphore when its model is loaded, and the document
    stream waits for all of them. The pool is forked (see `runner.code_stream`), so the
    workers inherit the wrapper and the semaphore. The time before that is `load_s`."""
    import multiprocessing as mp

    from whodid.code import runner

    ready = mp.get_context("fork").Semaphore(0)
    original = runner.make_worker

    def signalling_make_worker(options: runner.CoderOptions):
        work = original(options)
        ready.release()
        return work

    runner.make_worker = signalling_make_worker
    workers = max(1, processes)
    clock: dict[str, float] = {}

    def stream() -> Iterator[Document]:
        for _ in range(workers):
            if not ready.acquire(timeout=READY_TIMEOUT_S):
                raise RuntimeError("bench: the workers did not report a loaded model")
        clock["start"] = time.perf_counter()
        yield from docs

    options = runner.CoderOptions(parse_only=(phase == "parse"))
    tokens = events = errors = n = 0
    samples: list[dict[str, Any]] = []  # a few error records, to say what failed
    t0 = time.perf_counter()
    end = t0
    from whodid.progress import progress

    bar = progress(len(docs), desc=phase)  # shown when the parent lends its terminal
    try:
        for result in runner.code_stream(stream(), options, processes=processes):
            bar.update(1)
            n += 1
            tokens += result.tokens
            events += sum("event" in r for r in result.records)
            if result.error is not None:
                errors += 1
                if len(samples) < 3:
                    samples.append(result.error)
            end = time.perf_counter()
    finally:
        bar.close()
        runner.make_worker = original
    if n != len(docs):
        raise RuntimeError(f"bench: {n} results for {len(docs)} documents")
    start = clock.get("start", t0)
    wall = max(end - start, 1e-9)
    out: dict[str, Any] = {
        "wall_s": wall, "load_s": start - t0, "docs_per_s": len(docs) / wall,
        "tokens_per_s": tokens / wall, "tokens": tokens, "events": events, "errors": errors,
        "error_samples": samples,
    }
    main_rss = _maxrss_mib(resource.RUSAGE_SELF)
    if processes <= 1:
        out["peak_rss_mib"] = main_rss
    else:
        # RUSAGE_CHILDREN gives the largest single (reaped) worker, not a sum; pages the
        # forked workers still share are counted once per process, so this is an upper bound.
        worker_rss = _maxrss_mib(resource.RUSAGE_CHILDREN)
        out.update(main_rss_mib=main_rss, worker_rss_mib=worker_rss,
                   peak_rss_mib=main_rss + processes * worker_rss)
    return out


def _run_phase_subprocess(docs_file: Path, phase: str, processes: int,
                          workdir: Path) -> dict[str, Any]:
    out_file = workdir / f"{phase}.json"
    env = dict(os.environ)  # the child must import this very copy of the package
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
    cmd = [sys.executable, "-m", "whodid.measure.bench", "--phase", phase, "--input", str(docs_file),
           "--output", str(out_file), "--processes", str(processes)]
    from whodid.progress import on_terminal

    # on a terminal the phase draws its progress bar there, and says what failed there too
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, text=True, check=False,
                          stderr=None if on_terminal() else subprocess.PIPE)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or "(see above)").strip().splitlines()[-15:])
        raise RuntimeError(f"bench phase {phase!r} failed (exit {proc.returncode}):\n{tail}")
    return json.loads(out_file.read_text("utf-8"))


def run_bench(paths: Sequence[Path] | None, processes: int = 1, limit: int | None = None,
              repeat_small: int = 200) -> dict[str, Any]:
    """Time (a) bare spaCy parsing and (b) full coding of the same documents with the same
    number of processes, each phase in its own fresh process; model loading is reported as
    `load_s` and kept out of the throughput. `ratio` is code wall time / parse wall time."""
    t0 = time.perf_counter()
    corpus = list(paths) if paths else default_corpus()
    docs, read_errors = load_documents(corpus, limit, repeat_small)
    if not docs:
        raise ValueError(f"no readable document in {', '.join(map(str, corpus))}")
    processes = max(1, processes)
    with tempfile.TemporaryDirectory(prefix="whodid-bench-") as tmp:
        workdir = Path(tmp)
        docs_file = workdir / "docs.pickle"
        docs_file.write_bytes(pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL))
        parse, code = (_run_phase_subprocess(docs_file, p, processes, workdir) for p in PHASES)
    return {
        "corpus": [str(p) for p in corpus],
        "documents": len(docs),
        "tokens": parse["tokens"],
        "processes": processes,
        "parse": parse,
        "code": code,
        "ratio": code["wall_s"] / parse["wall_s"],
        "events": code["events"],
        "errors": code["errors"] + read_errors,
        "read_errors": read_errors,
        "elapsed_s": time.perf_counter() - t0,
    }


def format_bench(report: dict[str, Any]) -> str:
    """A compact table: both throughputs, peak memory, and the cost of coding over parsing."""
    names = ", ".join(Path(p).name for p in report["corpus"])
    n = report["processes"]
    lines = [
        (f"corpus: {names}: {report['documents']:,} documents, {report['tokens']:,} tokens, "
         f"{n} process{'es' if n > 1 else ''}"),
        (f"{'phase':<10} {'wall s':>8} {'load s':>7} {'docs/s':>8} {'tokens/s':>9} "
         f"{'peak MiB':>9}"),
    ]
    for key, label in (("parse", "(a) parse"), ("code", "(b) code")):
        ph = report[key]
        lines.append(f"{label:<10} {ph['wall_s']:>8.2f} {ph['load_s']:>7.2f} "
                     f"{ph['docs_per_s']:>8.1f} {ph['tokens_per_s']:>9,.0f} "
                     f"{ph['peak_rss_mib']:>9,.0f}")
    if n > 1:
        lines.append("peak MiB = main + N x largest worker (upper bound); "
                     + "; ".join(f"{k}: main {report[k]['main_rss_mib']:,.0f}, worker "
                                 f"{report[k]['worker_rss_mib']:,.0f}" for k in PHASES))
    lines.append(f"b/a wall ratio: {report['ratio']:.2f}x   events: {report['events']:,}   "
                 f"errors: {report['errors']:,}   elapsed: {report['elapsed_s']:.1f} s")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m whodid.measure.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path,
                        help="corpus files or folders (default: the shared dev corpus)")
    parser.add_argument("--processes", type=int, default=1, metavar="N")
    parser.add_argument("--limit", type=int, metavar="N", help="time the first N documents")
    parser.add_argument("--repeat-small", type=int, default=200, metavar="N",
                        help="copies of the bundled one-document example")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    # Internal: one phase, in the fresh process run_bench starts.
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        if args.input is None or args.output is None:
            parser.error("--phase needs --input and --output")
        docs = pickle.loads(args.input.read_bytes())
        result = measure_phase(docs, args.phase, args.processes)
        args.output.write_text(json.dumps(result), "utf-8")
        return 0
    report = run_bench(args.paths or None, args.processes, args.limit, args.repeat_small)
    print(json.dumps(report, indent=2) if args.json else format_bench(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
