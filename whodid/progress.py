"""Progress bars for the long commands: tqdm on standard error, and only when standard error
is a terminal, so that logs, pipes and files get nothing but the records and messages."""

from __future__ import annotations

import sys
from typing import IO, Any


def on_terminal(stream: IO[str] | None = None) -> bool:
    stream = sys.stderr if stream is None else stream
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


def progress(total: int | None = None, *, unit: str = "doc", desc: str | None = None,
             stream: IO[str] | None = None, enabled: bool = True) -> Any:
    """A tqdm bar (total and rate shown where known) that is a silent no-op off a terminal;
    it supports `update`, `set_postfix`, `write`-safe `clear`/`refresh`, `close` and `with`."""
    from tqdm import tqdm

    stream = sys.stderr if stream is None else stream
    return tqdm(total=total, unit=unit, desc=desc, file=stream, dynamic_ncols=True,
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
