"""Progress bars for the long commands: tqdm on standard error, and only when standard error
is a terminal, so that logs, pipes and files get nothing but the records and messages."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import IO, Any


def on_terminal(stream: IO[str] | None = None) -> bool:
    stream = sys.stderr if stream is None else stream
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


def progress(total: int | None = None, *, unit: str = "doc", desc: str | None = None,
             stream: IO[str] | None = None, enabled: bool = True,
             iterable: Iterable[Any] | None = None) -> Any:
    """A tqdm bar (total and rate shown where known) that is a silent no-op off a terminal;
    it supports `update`, `set_postfix`, `clear`/`refresh`, `close`, `with`, and iterating
    over `iterable` (whose length is the total when it has one)."""
    from tqdm import tqdm

    stream = sys.stderr if stream is None else stream
    return tqdm(iterable, total=total, unit=unit, desc=desc, file=stream, dynamic_ncols=True,
                leave=False, disable=not (enabled and on_terminal(stream)))


def note(bar: Any, line: str, stream: IO[str] | None = None) -> None:
    """Print a line to standard error without breaking the bar."""
    stream = sys.stderr if stream is None else stream
    if getattr(bar, "disable", True):
        print(line, file=stream, flush=True)
    else:
        bar.clear()
        print(line, file=stream, flush=True)
        bar.refresh()


def estimate_documents(paths: list[str]) -> int | None:
    """How many documents `paths` hold, where that is cheap to know (a progress bar's total):
    one per .txt or .html file, one per non-blank line of a .jsonl file; None when any input
    is standard input or a CSV file (a row may span lines), or cannot be read."""
    from pathlib import Path

    from whodid.read.documents import READABLE_SUFFIXES

    total = 0
    for name in paths:
        path = Path(name)
        if name == "-" or not path.exists():
            return None if name == "-" else total
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            suffix = f.suffix.lower()
            if path.is_dir() and suffix not in READABLE_SUFFIXES:
                continue
            if suffix == ".csv":
                return None
            if suffix != ".jsonl":
                total += 1
                continue
            try:
                with f.open("rb") as fh:
                    total += sum(1 for line in fh if line.strip())
            except OSError:
                return None
    return total
