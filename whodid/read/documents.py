"""Read input documents (SCHEMA.md): .txt files, .jsonl documents, .csv tables, saved .html
pages, folders of them and standard input. Bad input becomes an error record naming the
document (and line); reading goes on."""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from whodid.records import Document, error_record, text_id

READABLE_SUFFIXES = (".txt", ".jsonl", ".csv", ".html", ".htm")
Item = Document | dict[str, Any]  # a document or an error record

# The parser refuses texts over nlp.MAX_CHARS (2,000,000 characters). Refusing them here, before
# they are read whole, parsed, hashed or stored, keeps a 50 MB file from costing memory and time.
MAX_TEXT_CHARS = 2_000_000
MAX_TEXT_BYTES = 4 * MAX_TEXT_CHARS  # the most a text within MAX_TEXT_CHARS can take in UTF-8
MAX_HTML_BYTES = 20_000_000  # a saved page is mostly markup; trafilatura's own ceiling is 20 MB
SNIFF_BYTES = 8192  # NUL bytes here mean a binary file, as git decides
CSV_COLUMNS = ("id", "text", "published", "title", "url", "source")


def _too_large(doc_id: str, where: str, size: str) -> dict[str, Any]:
    return error_record(doc_id, "too_large",
                        f"{where}: {size}, over the limit of {MAX_TEXT_CHARS:,} characters")


def document_from_json(obj: Any, where: str, published: str | None = None) -> Item:
    """A Document from one JSON input object, or an error record saying what is wrong."""
    if not isinstance(obj, dict):
        return error_record(where, "bad_document", f"{where}: expected a JSON object")
    doc_id = obj.get("id")
    doc_id = str(doc_id) if doc_id not in (None, "") else None
    text = obj.get("text")
    if not isinstance(text, str):
        return error_record(doc_id or where, "bad_document",
                            f"{where}: 'text' is missing or not a string")
    if not text.strip():
        return error_record(doc_id or where, "empty_text", f"{where}: the text is empty")
    if len(text) > MAX_TEXT_CHARS:
        return _too_large(doc_id or where, where, f"the text has {len(text):,} characters")
    pub = obj.get("published") or published
    return Document(
        id=doc_id or text_id(text), text=text, published=str(pub) if pub else None,
        title=obj.get("title"), url=obj.get("url"), source=obj.get("source"),
    )


def _jsonl_items(stream: Iterable[bytes | str], name: str,
                 published: str | None = None) -> Iterator[tuple[str, Item]]:
    """(where, item) for each non-blank line."""
    for lineno, raw in enumerate(stream, 1):
        where = f"{name}:{lineno}"
        if len(raw) > MAX_TEXT_BYTES:
            yield where, _too_large(where, where, f"the line has {len(raw):,} bytes")
            continue
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield where, error_record(where, "invalid_utf8",
                                          f"{where}: not valid UTF-8 ({exc})")
                continue
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield where, error_record(where, "malformed_json", f"{where}: {exc}")
            continue
        yield where, document_from_json(obj, where, published)


def read_jsonl(stream: Iterable[bytes | str], name: str,
               published: str | None = None) -> Iterator[Item]:
    for _, item in _jsonl_items(stream, name, published):
        yield item


def _read_bytes(path: Path, limit: int) -> bytes | dict[str, Any]:
    """The file's bytes, or an error record: unreadable, too large (not read), or binary."""
    try:
        size = path.stat().st_size
        if size > limit:
            return _too_large(path.stem, str(path), f"the file has {size:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        return error_record(path.stem, "unreadable", f"{path}: {exc.strerror or exc}")
    if b"\x00" in data[:SNIFF_BYTES]:
        return error_record(path.stem, "binary", f"{path}: a binary file (NUL bytes), not text")
    return data


def read_text_file(path: Path, published: str | None = None) -> Item:
    data = _read_bytes(path, MAX_TEXT_BYTES)
    if isinstance(data, dict):
        return data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return error_record(path.stem, "invalid_utf8", f"{path}: not valid UTF-8 ({exc})")
    if not text.strip():
        return error_record(path.stem, "empty_text", f"{path}: the text is empty")
    if len(text) > MAX_TEXT_CHARS:
        return _too_large(path.stem, str(path), f"the text has {len(text):,} characters")
    return Document(id=path.stem, text=text, published=published)


def _sniff_binary(path: Path) -> dict[str, Any] | None:
    """An error record if a line-oriented file (JSONL, CSV) is binary, so that it gives one
    error rather than one per garbage line."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        return error_record(str(path), "unreadable", f"{path}: {exc.strerror or exc}")
    if b"\x00" in head:
        return error_record(str(path), "binary", f"{path}: a binary file (NUL bytes), not text")
    return None


def read_csv(path: Path, published: str | None = None) -> Iterator[tuple[str, Item]]:
    """(where, item) for each row of a CSV file with a header row naming some of
    id, text, published, title, url, source (case-insensitive; `text` required)."""
    name = str(path)
    bad = _sniff_binary(path)
    if bad is not None:
        yield name, bad
        return
    try:
        fh = path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        yield name, error_record(name, "unreadable", f"{path}: {exc.strerror or exc}")
        return
    old_limit = csv.field_size_limit(MAX_TEXT_BYTES + 1)
    try:
        with fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            columns = [c.strip().lower() for c in header or []]
            if "text" not in columns:
                shown = ", ".join(repr(c) for c in columns) or "none"
                yield name, error_record(name, "missing_column",
                                         f"{path}: no 'text' column (columns: {shown})")
                return
            index = {c: columns.index(c) for c in CSV_COLUMNS if c in columns}
            start = reader.line_num + 1
            for row in reader:
                where = f"{name}:{start}"
                start = reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                if any("\udc80" <= ch <= "\udcff" for cell in row for ch in cell):
                    yield where, error_record(where, "invalid_utf8", f"{where}: not valid UTF-8")
                    continue
                obj = {c: (row[i] if i < len(row) and row[i] != "" else None)
                       for c, i in index.items()}
                if obj.get("text") is None:
                    obj["text"] = ""
                yield where, document_from_json(obj, where, published)
    except (csv.Error, OSError) as exc:
        where = f"{name}:{reader.line_num}"
        kind = "unreadable" if isinstance(exc, OSError) else "malformed_csv"
        yield where, error_record(where, kind, f"{where}: {exc}; the rest of the file is skipped")
    finally:
        csv.field_size_limit(old_limit)


def read_html(path: Path, published: str | None = None) -> Item:
    """A saved web page, through trafilatura's article extraction: main text, title, date
    (else `published`), canonical URL and site name."""
    data = _read_bytes(path, MAX_HTML_BYTES)
    if isinstance(data, dict):
        return data
    return document_from_html(data, path.stem, str(path), published)


def document_from_html(data: bytes, doc_id: str, where: str, published: str | None = None,
                       url: str | None = None) -> Item:
    """A Document from a web page's bytes (a saved page, or one fetched from `url`), or an
    error record naming `where`."""
    import trafilatura  # slow to import; only pages need it

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logging.getLogger("htmldate").setLevel(logging.ERROR)
    try:
        page = trafilatura.bare_extraction(data, url=url, with_metadata=True)
    except Exception as exc:  # noqa: BLE001 - a page the extractor chokes on is one error
        return error_record(doc_id, "bad_html", f"{where}: extraction failed ({exc})")
    text = getattr(page, "text", None) if page is not None else None
    if not text or not text.strip():
        return error_record(doc_id, "empty_text", f"{where}: no article text found in the page")
    if len(text) > MAX_TEXT_CHARS:
        return _too_large(doc_id, where, f"the text has {len(text):,} characters")
    return Document(id=doc_id, text=text, published=page.date or published,
                    title=page.title or None, url=page.url or url, source=page.sitename or None)


def _files(path: Path) -> Iterator[Path | dict[str, Any]]:
    if path.is_dir():
        try:
            found = sorted(path.rglob("*"))
        except OSError as exc:
            yield error_record(str(path), "unreadable", f"{path}: {exc.strerror or exc}")
            return
        for p in found:
            if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES:
                yield p
    elif path.is_file():
        yield path
    else:  # a FIFO or a device would block or never end
        yield error_record(str(path), "unreadable", f"{path}: not a regular file or folder")


def iter_sourced(paths: Iterable[str], published: str | None = None,
                 stdin: IO[bytes] | None = None) -> Iterator[tuple[str, Item]]:
    """(origin, item) pairs in input order; origin is the file, or file:line, an item came
    from, so that a store can say where each document and each error was read."""
    for name in paths:
        if name == "-":
            yield from _jsonl_items(stdin or sys.stdin.buffer, "<stdin>", published)
            continue
        path = Path(name)
        if not path.exists():
            yield name, error_record(name, "unreadable", f"{name}: no such file or directory")
            continue
        for file in _files(path):
            if isinstance(file, dict):
                yield name, file
                continue
            suffix = file.suffix.lower()
            if suffix == ".jsonl":
                bad = _sniff_binary(file)
                if bad is not None:
                    yield str(file), bad
                    continue
                try:
                    with file.open("rb") as fh:
                        yield from _jsonl_items(fh, str(file), published)
                except OSError as exc:
                    yield str(file), error_record(str(file), "unreadable",
                                                  f"{file}: {exc.strerror}")
            elif suffix == ".csv":
                yield from read_csv(file, published)
            elif suffix in (".html", ".htm"):
                yield str(file), read_html(file, published)
            else:
                yield str(file), read_text_file(file, published)


# What the Python API accepts for reading; a pair is an item read elsewhere, with its origin
Input = str | Path | Document | dict[str, Any] | tuple[str, Item]


def iter_inputs(inputs: Iterable[Input], published: str | None = None,
                stdin: IO[bytes] | None = None) -> Iterator[tuple[str, Item]]:
    """`iter_sourced` over a mix of paths, `Document`s and JSON input objects (dicts), so that
    Python callers hand over documents they already hold. Objects are checked as JSONL lines
    are; their origin is `<python>:N`, N counting the inputs from 1. `published` fills in a
    missing date. An (origin, item) pair passes as it is: a Document or an error record
    that the caller read itself (a fetched page, a feed that failed)."""
    for n, obj in enumerate(inputs, 1):
        where = f"<python>:{n}"
        if isinstance(obj, str | Path):
            yield from iter_sourced([str(obj)], published, stdin)
        elif isinstance(obj, tuple):
            yield obj
        elif isinstance(obj, Document):
            if published and not obj.published:
                obj = dataclasses.replace(obj, published=published)
            yield where, obj
        else:
            yield where, document_from_json(obj, where, published)


def iter_documents(paths: Iterable[str], published: str | None = None,
                   stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Documents from paths, in order; `-` reads JSONL from standard input. Each problem
    is yielded as an error record in the document's place."""
    for _, item in iter_sourced(paths, published, stdin):
        yield item

