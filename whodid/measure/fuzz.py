"""The fuzzer: hostile inputs (whodid.measure.fuzzinputs) through the readers and the coder,
checking that nothing raises, nothing hangs, and that what comes out keeps the output
contract. `tests/test_fuzz.py` runs a short budget of it in `make test`; `make fuzz` a long one:

    python -m whodid.measure.fuzz [--minutes 60] [--hang-seconds 120] [--seed N]

Targets:
  readers  a random or mutated .jsonl/.csv/.html/.txt file through `iter_documents`: every item
           a Document with a string id and text, or an error record; every line `whodid code`
           would print encodes as UTF-8.
  stdin    random JSONL bytes on standard input (`-`), the same checks.
  coder    a hostile text coded by the worker `whodid code` uses: no coding failure; trigger
           and sentence offsets inside the text.
  windows  the same texts parsed in small windows (as texts over WINDOW_CHARS are): the joined
           parse has the text's own characters and codes without failure.
  pipeline a random file read and coded end to end, as `whodid code FILE` does.
A case that runs longer than --hang-seconds is a hang; it is stopped and reported.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from whodid.measure import fuzzinputs as fi
from whodid.records import Document

HANG_SECONDS = 120.0
STATUS_EVERY_S = 600
WINDOW = 200  # characters per window in the `windows` target: many cuts in a short text


class Hang(Exception):
    """A case ran longer than the hang limit."""


class Counter:
    cases = 0
    slowest = 0.0


_worker: Any = None


def worker() -> Any:
    global _worker
    if _worker is None:
        from whodid.code.runner import CoderOptions, make_worker

        _worker = make_worker(CoderOptions())
    return _worker


def _timed(fn: Callable[..., None], hang_s: float) -> Callable[..., None]:
    """`fn` counted, timed and stopped (SIGALRM) when it runs past `hang_s`."""
    def handler(signum: int, frame: Any) -> None:
        raise Hang(f"case ran over {hang_s:.0f} s")

    def run(*args: Any) -> None:
        Counter.cases += 1
        old = signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, hang_s)
        t0 = time.perf_counter()
        try:
            fn(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
            Counter.slowest = max(Counter.slowest, time.perf_counter() - t0)
    return run


def _printable(obj: dict[str, Any]) -> None:
    """What `whodid code` writes for a record: one JSON line, in UTF-8."""
    json.dumps(obj, ensure_ascii=False).encode("utf-8")


def check_items(items: list[Any]) -> None:
    for item in items:
        if isinstance(item, Document):
            assert isinstance(item.id, str) and item.id, f"bad id {item.id!r}"
            assert isinstance(item.text, str) and item.text.strip(), "empty text passed on"
            for name in ("title", "url", "source", "published"):
                value = getattr(item, name)
                assert value is None or isinstance(value, str), f"{name} is {type(value)}"
        else:
            assert isinstance(item, dict) and {"doc_id", "error", "detail"} <= item.keys(), item
            _printable(item)


def check_reader(suffix: str, data: bytes) -> None:
    from whodid.read.documents import iter_documents

    with tempfile.TemporaryDirectory(prefix="whodid-fuzz-") as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        check_items(list(iter_documents([str(path)])))


def check_stdin(data: bytes) -> None:
    from whodid.read.documents import iter_documents

    check_items(list(iter_documents(["-"], stdin=io.BytesIO(data))))


def check_records(doc: Document, records: list[dict[str, Any]]) -> None:
    n = len(doc.text)
    for rec in records:
        if "event" not in rec:  # a quote: its speaker, cue and content spans
            for part in ("speaker", "cue", "content"):
                span = rec.get(part) or {}
                if "start" in span:
                    assert 0 <= span["start"] <= span["end"] <= n, f"quote {part} outside: {span}"
            continue
        trig, where = rec["trigger"], rec["text_info"]
        assert 0 <= trig["start"] <= trig["end"] <= n, f"trigger outside the text: {trig}"
        assert 0 <= where["start"] <= where["end"] <= n, f"sentence outside the text: {where}"
        for role in ("actor", "recipient", "claimant"):
            for ent in rec[role]:
                assert 0 <= ent["start"] <= ent["end"] <= n, f"{role} outside the text: {ent}"


def check_coder(text: str) -> None:
    if not text.strip():
        return
    doc = Document(id="fuzz", text=text, published="2024-05-01")
    result = worker()(doc)
    assert result.error is None, result.error["detail"]
    check_records(doc, result.records)


def check_windows(text: str) -> None:
    from whodid.nlp import parse_text, parseable

    if not text.strip():
        return
    coder = worker().coder
    parsed = parse_text(coder.nlp, text, window=WINDOW)
    assert parsed.text == parseable(text), "the windows do not join into the text"
    doc = Document(id="fuzz", text=text, published="2024-05-01")
    check_records(doc, [e.to_dict() for e in coder.code_parsed(doc, parsed)])


def check_pipeline(suffix: str, data: bytes) -> None:
    from whodid.read.documents import iter_documents

    with tempfile.TemporaryDirectory(prefix="whodid-fuzz-") as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        for item in iter_documents([str(path)]):
            if isinstance(item, Document):
                result = worker()(item)
                assert result.error is None, result.error["detail"]
                check_records(item, result.records)
                for rec in result.records:
                    _printable(rec)


TARGETS: dict[str, tuple[Callable[..., None], tuple[Any, ...]]] = {
    "readers": (check_reader, (fi.files,)),
    "stdin": (check_stdin, (fi.jsonl_file(),)),
    "coder": (check_coder, (fi.texts,)),
    "windows": (check_windows, (st.lists(fi.texts, min_size=1, max_size=8).map("\n".join),)),
    "pipeline": (check_pipeline, (fi.files,)),
}


def hypothesis_test(name: str, examples: int, hang_s: float = HANG_SECONDS,
                    derandomize: bool = False) -> Callable[[], None]:
    """Target `name` as a Hypothesis test of `examples` cases (no example database: each call
    searches afresh; `derandomize` makes the cases the same on every run, for `make test`)."""
    fn, (strategy,) = TARGETS[name]
    timed = _timed(fn, hang_s)

    def body(value: Any) -> None:
        timed(*value) if isinstance(value, tuple) else timed(value)

    return settings(max_examples=examples, deadline=None, database=None,
                    phases=[Phase.generate, Phase.shrink], derandomize=derandomize,
                    suppress_health_check=list(HealthCheck))(given(strategy)(body))


def _signature(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    inner = [f for f in tb if "hypothesis" not in f.filename] or tb
    last = inner[-1] if inner else None
    where = f"{Path(last.filename).name}:{last.lineno}" if last else "?"
    return f"{type(exc).__name__} at {where}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"


def run(minutes: float, hang_s: float = HANG_SECONDS, batch: int = 50,
        targets: tuple[str, ...] = tuple(TARGETS), out: Any = sys.stdout) -> dict[str, Any]:
    """Run every target in turn, `batch` cases at a time, until `minutes` are up. A failure is
    shrunk by Hypothesis to a small example, reported once per distinct signature, and the
    run goes on."""
    from whodid.progress import progress

    deadline = time.monotonic() + minutes * 60
    stats = {name: {"cases": 0, "crashes": 0, "hangs": 0, "slowest_s": 0.0} for name in targets}
    seen: dict[str, str] = {}
    worker()  # the model loads once, outside the clock of any case
    with progress(total=round(minutes * 60), unit="s", desc="fuzz") as bar:
        started = time.monotonic()
        next_status = STATUS_EVERY_S
        while time.monotonic() < deadline:
            for name in targets:
                if time.monotonic() >= deadline:
                    break
                Counter.cases, Counter.slowest = 0, 0.0
                try:
                    hypothesis_test(name, batch, hang_s)()
                except Exception as exc:  # noqa: BLE001 - every failure is a finding
                    sig = f"{name}: {_signature(exc)}"
                    kind = "hangs" if isinstance(exc, Hang) or "Hang" in sig else "crashes"
                    if sig not in seen:
                        stats[name][kind] += 1
                        seen[sig] = "".join(traceback.format_exception(exc))[-3000:]
                        print(f"FOUND {sig}", file=out, flush=True)
                        print(seen[sig], file=out, flush=True)
                stats[name]["cases"] += Counter.cases
                stats[name]["slowest_s"] = max(stats[name]["slowest_s"], Counter.slowest)
                elapsed = time.monotonic() - started
                bar.n = min(round(elapsed), bar.total)
                cases = sum(s["cases"] for s in stats.values())
                bar.set_postfix(cases=cases, failures=len(seen), refresh=True)
                if elapsed >= next_status:  # a line now and then for logs, where no bar shows
                    print(f"[{elapsed / 60:.0f} min] {cases:,} cases, {len(seen)} failures",
                          file=out, flush=True)
                    next_status += STATUS_EVERY_S
    return {"minutes": minutes, "targets": stats, "failures": list(seen)}


def format_report(report: dict[str, Any]) -> str:
    lines = [f"fuzzed for {report['minutes']:g} minutes",
             f"{'target':<9} {'cases':>8} {'crashes':>8} {'hangs':>6} {'slowest s':>10}"]
    for name, s in report["targets"].items():
        lines.append(f"{name:<9} {s['cases']:>8,} {s['crashes']:>8} {s['hangs']:>6} "
                     f"{s['slowest_s']:>10.1f}")
    total = sum(s["cases"] for s in report["targets"].values())
    lines.append(f"total: {total:,} cases, {len(report['failures'])} distinct failures")
    lines += [f"  {sig}" for sig in report["failures"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m whodid.measure.fuzz",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--hang-seconds", type=float, default=HANG_SECONDS)
    ap.add_argument("--targets", default=",".join(TARGETS), help="comma-separated")
    ap.add_argument("--json", metavar="FILE", help="write the report as JSON")
    args = ap.parse_args(argv)
    # the readers' warnings about input read all the same (a .txt without a date, a date not
    # understood) would repeat for every case; the fuzzer looks for crashes and hangs only
    logging.getLogger("whodid.input").setLevel(logging.ERROR)
    report = run(args.minutes, args.hang_seconds, targets=tuple(args.targets.split(",")))
    print(format_report(report), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), "utf-8")
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
