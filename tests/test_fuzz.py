"""A short budget of the fuzzer (whodid.measure.fuzz; `make fuzz` runs it for an hour): hostile
files through the readers, hostile texts through the coder, the same cases on every run."""

import io
import time

import pytest

pytest.importorskip("hypothesis")

from whodid.measure import fuzz


def _run(target: str, examples: int) -> None:
    t0 = time.perf_counter()
    fuzz.hypothesis_test(target, examples, hang_s=60, derandomize=True)()
    assert time.perf_counter() - t0 < 120  # a bound against hangs, not a speed test


@pytest.mark.parametrize(("target", "examples"), [
    ("readers", 40), ("stdin", 80), ("coder", 20), ("windows", 8), ("pipeline", 15)])
def test_fuzz_short_budget(target, examples):
    _run(target, examples)


def test_a_failure_is_reported_with_its_case():
    """The harness does find and report a crash: a reader that raises on a BOM."""
    def broken(data: bytes) -> None:
        if data.startswith(b"\xef\xbb\xbf"):
            raise ValueError("BOM")

    fuzz.TARGETS["broken"] = (broken, (fuzz.fi.jsonl_file(),))
    try:
        report = fuzz.run(minutes=0.05, batch=30, targets=("broken",), out=io.StringIO())
    finally:
        del fuzz.TARGETS["broken"]
    assert report["targets"]["broken"]["crashes"] == 1
    assert report["failures"] and "ValueError" in report["failures"][0]
