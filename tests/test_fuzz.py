"""A short budget of the fuzzer (whodid.measure.fuzz; `make fuzz` runs it for an hour): hostile
files through the readers, hostile texts through the coder, the same cases on every run."""

import io
import re
import time

import pytest

pytest.importorskip("hypothesis")

from whodid.measure import fuzz

# Reader failures that issue 10 items 2-3 fix on another branch (non-string fields, lone
# surrogates in ids, deep nesting). Until it is merged they end in xfail here; any other
# failure fails. Remove this list once that branch is in.
OPEN_READER_BUGS = re.compile(r"title is|url is|source is|published is|surrogates not allowed|"
                              r"RecursionError|maximum recursion")


def _run(target: str, examples: int) -> None:
    t0 = time.perf_counter()
    try:
        fuzz.hypothesis_test(target, examples, hang_s=60, derandomize=True)()
    except Exception as exc:
        if target in ("readers", "stdin", "pipeline") and OPEN_READER_BUGS.search(str(exc)):
            pytest.xfail(f"known reader bug (issue 10 items 2-3): {str(exc).splitlines()[0]}")
        raise
    assert time.perf_counter() - t0 < 60


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
