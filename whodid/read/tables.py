"""Read .csv tables of documents. A broken row (an unclosed quote, a stray quote, a NUL byte)
costs that row alone: it becomes an error record naming its line, and the lines it swallowed
are read again as rows of their own."""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from whodid.records import error_record

CSV_COLUMNS = ("id", "text", "published", "title", "url", "source")
Check = Callable[[dict[str, Any], str], Any]  # a row's fields and where -> a document or error


class _Lines:
    """The file's lines, numbered, with a way to put lines back: the csv reader takes them
    one at a time, and after a broken row the lines it swallowed are read again. Unlike a
    generator, it can go on after saying it is exhausted, when lines are put back."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh, self.number = fh, 0
        self.back: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []  # the lines of the row being read

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.back:
            item = self.back.popleft()
        else:
            line = self.fh.readline()
            if not line:
                raise StopIteration
            self.number += 1
            item = (self.number, line)
        self.taken.append(item)
        return item[1]

    def read_again_after_first(self) -> None:
        """The lines of the row just read, but its first, go back to be read again."""
        self.back.extendleft(reversed(self.taken[1:]))


def read_csv(path: Path, check: Check, limit: int) -> Iterator[tuple[str, Any]]:
    """(where, item) for each row of a CSV file with a header row naming some of
    id, text, published, title, url, source (case-insensitive; `text` required). `check`
    makes a row's fields a document or an error record; `limit` is the largest field read."""
    name = str(path)
    try:
        fh = path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        yield name, error_record(name, "unreadable", f"{path}: {exc.strerror or exc}")
        return
    old_limit = csv.field_size_limit(limit + 1)
    lines = _Lines(fh)
    try:
        with fh:
            reader = csv.reader(lines, strict=True)
            try:
                header = next(reader, None)
            except csv.Error as exc:
                yield name, error_record(name, "malformed_csv", f"{path}: header row: {exc}")
                return
            columns = [c.strip().lower() for c in header or []]
            if "text" not in columns:
                shown = ", ".join(repr(c) for c in columns) or "none"
                yield name, error_record(name, "missing_column",
                                         f"{path}: no 'text' column (columns: {shown})")
                return
            index = {c: columns.index(c) for c in CSV_COLUMNS if c in columns}
            while True:
                lines.taken = []
                try:
                    row = next(reader)
                    problem = _broken(row, len(lines.taken), len(columns))
                except StopIteration:
                    break
                except csv.Error as exc:
                    problem = f"{exc}; the row is skipped" + (
                        " (an unclosed quote?) and the lines after it are read again"
                        if len(lines.taken) > 1 else "")
                if not lines.taken:
                    break
                where = f"{name}:{lines.taken[0][0]}"
                if problem:
                    yield where, error_record(where, "malformed_csv", f"{where}: {problem}")
                    lines.read_again_after_first()
                    continue
                if not any(cell.strip() for cell in row):
                    continue
                yield where, _row(row, index, where, check)
    except OSError as exc:
        where = f"{name}:{lines.number}"
        yield where, error_record(where, "unreadable",
                                  f"{where}: {exc.strerror or exc}; the rest of the file is "
                                  "skipped")
    finally:
        csv.field_size_limit(old_limit)


def _broken(row: list[str], spanned: int, width: int) -> str | None:
    """Why a row read without a csv error is still not to be trusted, or None. A quoted field
    over several lines is normal (a text with paragraphs); one that leaves its row with the
    wrong number of fields is an unclosed quote that swallowed the rows after it."""
    if spanned > 1 and len(row) != width:
        return (f"a quoted field runs over {spanned} lines and leaves the row with "
                f"{len(row)} fields, not {width} (an unclosed quote?); the row is skipped and "
                "the lines after it are read again")
    return None


def _row(row: list[str], index: dict[str, int], where: str, check: Check) -> Any:
    if any("\udc80" <= ch <= "\udcff" for cell in row for ch in cell):
        return error_record(where, "invalid_utf8", f"{where}: not valid UTF-8")
    if any("\x00" in cell for cell in row):
        return error_record(where, "binary", f"{where}: a NUL byte in the row, not text")
    obj = {c: (row[i] if i < len(row) and row[i] != "" else None) for c, i in index.items()}
    if obj.get("text") is None:
        obj["text"] = ""
    return check(obj, where)
