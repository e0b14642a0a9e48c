"""Warnings about input that is read all the same (a publication date not understood, an id
given to two documents, plain text without a date): a JSON warning record per document, or a
line per run, on standard error under the command line, and Python logging warnings
(logger `whodid.input`) under the API."""

from __future__ import annotations

import json
import logging
import sys
from typing import IO

LOG = logging.getLogger("whodid.input")


def warn(doc_id: str | None, kind: str, detail: str) -> None:
    """A warning about one document: `{"doc_id", "warning", "detail"}` on the command line."""
    LOG.warning(detail, extra={"whodid_record": {"doc_id": doc_id, "warning": kind,
                                                 "detail": detail}})


def note(message: str) -> None:
    """A warning about the run as a whole: `whodid: <message>` on the command line."""
    LOG.warning(message)


class _Stderr(logging.Handler):
    def __init__(self, stream: IO[str] | None) -> None:
        super().__init__(logging.WARNING)
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        stream = self.stream or sys.stderr  # looked up late: tests swap sys.stderr
        rec = getattr(record, "whodid_record", None)
        line = (json.dumps(rec, ensure_ascii=False) if rec is not None
                else f"whodid: {record.getMessage()}")
        stream.write(line + "\n")
        stream.flush()


def report_to_stderr(stream: IO[str] | None = None) -> None:
    """Write warnings as the command line does, once however often called."""
    if not any(isinstance(h, _Stderr) for h in LOG.handlers):
        LOG.addHandler(_Stderr(stream))
        LOG.propagate = False
