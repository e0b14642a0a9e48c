"""Benchmark: is coding linear in document length? Codes one self-written text (see
whodid.measure.synthtext) of each size, each in a fresh process (the RSS high-water mark never
goes down), and reports seconds per 1,000 sentences and peak memory.

    python -m whodid.measure.linearity [--sizes 2500,5000,10000,40000] [--chars N] [--json FILE]

`--chars N` adds a text cut to N characters (2,000,000 is the longest the readers accept).
Time counts parsing and coding through the same worker `whodid code` uses; model loading is
left out and reported apart.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from whodid.progress import progress

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SIZES = (2500, 5000, 10000, 40000)
TOLERANCE = 0.30  # the spread allowed around the mean seconds per 1,000 sentences


def measure_one(sentences: int, chars: int | None = None) -> dict[str, Any]:
    """Code one text in this process: `sentences` generated sentences, cut to `chars`."""
    from whodid.code.runner import CoderOptions, make_worker
    from whodid.measure.synthtext import text
    from whodid.records import Document

    body = text(sentences)
    if chars is not None:
        body = body[:chars]
    t0 = time.perf_counter()
    worker = make_worker(CoderOptions())
    t1 = time.perf_counter()
    result = worker(Document(id=f"synthetic-{sentences}", text=body, published="2024-05-01"))
    t2 = time.perf_counter()
    if result.error is not None:
        raise RuntimeError(f"coding failed: {result.error}")
    n = len(re.findall(r"\.(?=\s|$)", body))  # every generated sentence ends so, none within
    return {"sentences": n, "chars": len(body), "tokens": result.tokens,
            "events": len(result.records), "load_s": t1 - t0, "code_s": t2 - t1,
            "s_per_1k_sentences": (t2 - t1) / n * 1000,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _run_child(sentences: int, chars: int | None) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", ""))
                                        if p)
    cmd = [sys.executable, "-m", "whodid.measure.linearity", "--one", str(sentences)]
    if chars is not None:
        cmd += ["--chars", str(chars)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-10:])
        raise RuntimeError(f"linearity: {sentences} sentences failed (exit {proc.returncode}):"
                           f"\n{tail}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(sizes: tuple[int, ...] = DEFAULT_SIZES, chars: int | None = None) -> dict[str, Any]:
    jobs: list[tuple[int, int | None]] = [(n, None) for n in sizes]
    if chars is not None:
        jobs.append((max(sizes) * 2, chars))  # enough sentences to fill `chars`
    runs = []
    with progress(total=len(jobs), unit="text", desc="linearity") as bar:
        for n, cut in jobs:
            runs.append(_run_child(n, cut))
            bar.update(1)
    rates = [r["s_per_1k_sentences"] for r in runs[:len(sizes)]]
    mean = sum(rates) / len(rates)
    spread = max(abs(r - mean) / mean for r in rates)
    return {"runs": runs, "mean_s_per_1k": mean, "max_deviation": spread,
            "within_tolerance": spread <= TOLERANCE}


def format_report(report: dict[str, Any]) -> str:
    lines = [(f"{'sentences':>9} {'chars':>10} {'tokens':>8} {'events':>7} {'code s':>8} "
              f"{'s/1k sent':>9} {'peak MiB':>9}")]
    for r in report["runs"]:
        lines.append(f"{r['sentences']:>9,} {r['chars']:>10,} {r['tokens']:>8,} "
                     f"{r['events']:>7,} {r['code_s']:>8.1f} {r['s_per_1k_sentences']:>9.2f} "
                     f"{r['peak_rss_mib']:>9.0f}")
    verdict = "within" if report["within_tolerance"] else "OUTSIDE"
    lines.append(f"mean {report['mean_s_per_1k']:.2f} s per 1,000 sentences; largest deviation "
                 f"{report['max_deviation']:+.0%} ({verdict} ±{TOLERANCE:.0%})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m whodid.measure.linearity",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                    help="sentences per text, comma-separated")
    ap.add_argument("--chars", type=int, help="also code a text of this many characters")
    ap.add_argument("--json", metavar="FILE", help="write the report as JSON")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child: one size, JSON out
    args = ap.parse_args(argv)
    if args.one is not None:
        print(json.dumps(measure_one(args.one, args.chars)))
        return 0
    report = run(tuple(int(s) for s in args.sizes.split(",")), args.chars)
    print(format_report(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
