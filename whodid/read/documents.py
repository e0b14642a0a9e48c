"""Read input documents (SCHEMA.md): .txt files, .jsonl documents, .json arrays of them,
.csv tables, saved .html pages, folders of them and standard input. Bad input becomes an
error record naming the document (and line); reading goes on."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from whodid.read import notices
from whodid.read.published import parse_published
from whodid.read.tables import read_csv
from whodid.records import Document, error_record, text_id

READABLE_SUFFIXES = (".txt", ".jsonl", ".json", ".csv", ".html", ".htm")
Item = Document | dict[str, Any]  # a document or an error record

# The parser refuses texts over nlp.MAX_CHARS (2,000,000 characters). Refusing them here, before
# they are read whole, parsed, hashed or stored, keeps a 50 MB file from costing memory and time.
MAX_TEXT_CHARS = 2_000_000
MAX_TEXT_BYTES = 4 * MAX_TEXT_CHARS  # the most a text within MAX_TEXT_CHARS can take in UTF-8
MAX_HTML_BYTES = 20_000_000  # a saved page is mostly markup; trafilatura's own ceiling is 20 MB
MAX_JSON_BYTES = 64_000_000  # a .json array is read whole; larger collections belong in JSONL
SNIFF_BYTES = 8192  # NUL bytes here may mean a binary file, as git decides
BINARY_NULS = 0.1  # ... when they are this share of it (one stray NUL costs its line alone)
STRING_FIELDS = ("id", "text", "title", "url", "source", "published")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BOM = "\ufeff"


def _too_large(doc_id: str, where: str, size: str) -> dict[str, Any]:
    return error_record(doc_id, "too_large",
                        f"{where}: {size}, over the limit of {MAX_TEXT_CHARS:,} characters")


def document_from_json(obj: Any, where: str, published: str | None = None) -> Item:
    """A Document from one JSON input object, or an error record saying what is wrong. The
    publication date is checked later, by the reading run (`_Reading`), which warns."""
    if not isinstance(obj, dict):
        return error_record(where, "bad_document", f"{where}: expected a JSON object")
    doc_id = obj.get("id")
    if isinstance(doc_id, dict | list):
        return error_record(where, "bad_document", f"{where}: 'id' is a {type(doc_id).__name__}"
                            ", not a string or number")
    doc_id = str(doc_id) if doc_id not in (None, "") else None
    bad = _not_unicode({name: obj.get(name) for name in STRING_FIELDS}, where,
                       doc_id if doc_id and not _SURROGATE.search(doc_id) else where)
    if bad is not None:
        return bad
    text = obj.get("text")
    if not isinstance(text, str):
        return error_record(doc_id or where, "bad_document",
                            f"{where}: 'text' is missing or not a string")
    for name in ("title", "url", "source"):
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            return error_record(doc_id or where, "bad_document",
                                f"{where}: '{name}' must be a string, not {type(value).__name__}")
    if not text.strip():
        return error_record(doc_id or where, "empty_text", f"{where}: the text is empty")
    if len(text) > MAX_TEXT_CHARS:
        return _too_large(doc_id or where, where, f"the text has {len(text):,} characters")
    pub = obj.get("published")
    if pub in (None, ""):
        pub = published
    return Document(id=doc_id or text_id(text), text=text, published=pub, title=obj.get("title"),
                    url=obj.get("url"), source=obj.get("source"))


def _not_unicode(fields: dict[str, Any], where: str, doc_id: str) -> dict[str, Any] | None:
    """An error record if a field holds a lone surrogate ("\\ud800" in JSON): no Unicode
    text, it could be neither hashed, stored nor printed."""
    for name, value in fields.items():
        if isinstance(value, str) and (m := _SURROGATE.search(value)):
            return error_record(doc_id, "invalid_unicode",
                                f"{where}: '{name}' holds a lone surrogate (U+{ord(m.group()):04X}"
                                f" at character {m.start()}), not valid Unicode")
    return None


def _jsonl_items(stream: Iterable[bytes | str], name: str,
                 published: str | None = None) -> Iterator[tuple[str, Item]]:
    """(where, item) for each non-blank line."""
    for lineno, raw in enumerate(stream, 1):
        where = f"{name}:{lineno}"
        if len(raw) > MAX_TEXT_BYTES:
            yield where, _too_large(where, where, f"the line has {len(raw):,} bytes")
            continue
        if isinstance(raw, bytes):
            if b"\x00" in raw:
                yield where, error_record(where, "binary", f"{where}: a NUL byte in the line, "
                                          "not text")
                continue
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield where, error_record(where, "invalid_utf8",
                                          f"{where}: not valid UTF-8 ({exc})")
                continue
        if lineno == 1:
            raw = raw.removeprefix(_BOM)
        if not raw.strip():
            continue
        obj, bad = _loads(raw, where)
        yield where, bad or document_from_json(obj, where, published)


def _loads(raw: str | bytes, where: str) -> tuple[Any, dict[str, Any] | None]:
    """(the JSON value, None), or (None, a malformed_json error record), nesting too deep
    included."""
    try:
        return json.loads(raw), None
    except json.JSONDecodeError as exc:
        return None, error_record(where, "malformed_json", f"{where}: {exc}")
    except RecursionError:
        return None, error_record(where, "malformed_json", f"{where}: JSON nested too deeply")


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
    error rather than one per garbage line. A stray NUL in a text file costs its line alone:
    binary is a head that is not UTF-8, or is a tenth NUL bytes (UTF-16 too)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        return error_record(str(path), "unreadable", f"{path}: {exc.strerror or exc}")
    nuls = head.count(b"\x00")
    if not nuls:
        return None
    try:
        head.decode("utf-8")
        text = True
    except UnicodeDecodeError as exc:  # a character cut at the end of the head is still text
        text = exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    if not text or nuls > BINARY_NULS * len(head):
        return error_record(str(path), "binary", f"{path}: a binary file (NUL bytes), not text")
    return None


def read_json_file(path: Path, published: str | None = None) -> Iterator[tuple[str, Item]]:
    """A .json file: one document (an object), or an array of them, each an error record or
    a document of its own, `where` being `file[i]`."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # _read_bytes says what is wrong
    if size > MAX_JSON_BYTES:
        yield str(path), error_record(path.stem, "too_large",
                                      f"{path}: the file has {size:,} bytes, over the limit of "
                                      f"{MAX_JSON_BYTES:,} for .json; write it as JSONL, a "
                                      "document a line")
        return
    data = _read_bytes(path, MAX_JSON_BYTES)
    if isinstance(data, dict):
        yield str(path), data
        return
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield str(path), error_record(path.stem, "invalid_utf8",
                                      f"{path}: not valid UTF-8 ({exc})")
        return
    value, bad = _loads(raw, str(path))
    if bad is not None:
        yield str(path), bad
    elif isinstance(value, list):
        for i, obj in enumerate(value):
            where = f"{path}[{i}]"
            yield where, document_from_json(obj, where, published)
    elif isinstance(value, dict) and "text" in value:
        yield str(path), document_from_json(value, str(path), published)
    else:
        yield str(path), error_record(path.stem, "bad_document",
                                      f"{path}: a .json input holds a document (an object with "
                                      "'text') or an array of them, not this")


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


def _walk(root: Path) -> Iterator[Path | dict[str, Any]]:
    """The readable files under a folder, sorted, following symbolic links to folders (each
    real folder once, so that a link back up ends); unreadable folders and links that lead
    nowhere are error records."""
    seen: set[str] = set()
    found: list[Path] = []
    problems: list[dict[str, Any]] = []

    def failed(exc: OSError) -> None:
        name = exc.filename or str(root)
        problems.append(error_record(str(name), "unreadable", f"{name}: {exc.strerror or exc}"))

    for folder, dirs, files in os.walk(root, onerror=failed, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        for f in files:
            p = Path(folder, f)
            if p.suffix.lower() not in READABLE_SUFFIXES:
                continue
            if p.is_file():
                found.append(p)
            elif p.is_symlink() and not p.exists():
                problems.append(error_record(str(p), "unreadable",
                                             f"{p}: a symbolic link to nothing"))
    yield from problems
    if not found and not problems:
        yield error_record(str(root), "no_documents",
                           f"{root}: no {', '.join(READABLE_SUFFIXES)} file in the folder "
                           "or its subfolders")
    yield from sorted(found)


def _files(path: Path) -> Iterator[Path | dict[str, Any]]:
    if path.is_dir():
        yield from _walk(path)
    elif path.is_file():
        yield path
    else:  # a FIFO or a device would block or never end
        yield error_record(str(path), "unreadable", f"{path}: not a regular file or folder")


class _Reading:
    """What one reading run checks across its documents: each document's fields (lone
    surrogates are no Unicode; a publication date is read or warned about, once per
    document), ids given to two different documents (the second becomes `id#2`, as
    `whodid eval` names it, so that event ids stay unique), and plain text read without a
    date (said once per run)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}  # id -> hash of the text that has it
        self.undated_text = False

    def finish(self, origin: str, item: Item) -> Item:
        if not isinstance(item, Document):
            return item
        bad = _not_unicode({name: getattr(item, name) for name in STRING_FIELDS}, origin,
                           origin if _SURROGATE.search(item.id) else item.id)
        if bad is not None:  # a Document handed over by a Python caller
            return bad
        pub, problem = parse_published(item.published)
        if problem:
            notices.warn(item.id, "published", f"{origin}: 'published' is {problem}; the "
                         "document is read without a date, relative dates stay unresolved")
        if pub != item.published:
            item = dataclasses.replace(item, published=pub)
        return self._unique(origin, item)

    def _unique(self, origin: str, item: Document) -> Document:
        key = hash(item.text)
        if self.ids.setdefault(item.id, key) == key:
            return item
        n = 2
        while f"{item.id}#{n}" in self.ids:
            n += 1
        new = f"{item.id}#{n}"
        self.ids[new] = key
        notices.warn(new, "duplicate_id", f"{origin}: id {item.id!r} was given to another "
                     f"document read before; this one is coded as {new!r}")
        return dataclasses.replace(item, id=new)

    def plain_text(self, item: Item) -> None:
        if isinstance(item, Document) and not item.published and not self.undated_text:
            self.undated_text = True
            notices.note(".txt files carry no publication date: relative dates in them ('on "
                         "Sunday') stay unresolved; give it with --published YYYY-MM-DD")


def iter_sourced(paths: Iterable[str], published: str | None = None,
                 stdin: IO[bytes] | None = None,
                 reading: _Reading | None = None) -> Iterator[tuple[str, Item]]:
    """(origin, item) pairs in input order; origin is the file, or file:line, an item came
    from, so that a store can say where each document and each error was read."""
    run = reading or _Reading()
    for origin, item in _raw_sourced(paths, published, stdin, run):
        yield origin, run.finish(origin, item)


def _raw_sourced(paths: Iterable[str], published: str | None, stdin: IO[bytes] | None,
                 run: _Reading) -> Iterator[tuple[str, Item]]:
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
            if suffix in (".jsonl", ".csv"):
                bad = _sniff_binary(file)
                if bad is not None:
                    yield str(file), bad
                elif suffix == ".csv":
                    yield from read_csv(file, lambda obj, where: document_from_json(
                        obj, where, published), MAX_TEXT_BYTES)
                else:
                    try:
                        with file.open("rb") as fh:
                            yield from _jsonl_items(fh, str(file), published)
                    except OSError as exc:
                        yield str(file), error_record(str(file), "unreadable",
                                                      f"{file}: {exc.strerror}")
            elif suffix == ".json":
                yield from read_json_file(file, published)
            elif suffix in (".html", ".htm"):
                yield str(file), read_html(file, published)
            else:
                item = read_text_file(file, published)
                run.plain_text(item)
                yield str(file), item


# What the Python API accepts for reading; a pair is an item read elsewhere, with its origin
Input = str | Path | Document | dict[str, Any] | tuple[str, Item]


def iter_inputs(inputs: Iterable[Input], published: str | None = None,
                stdin: IO[bytes] | None = None) -> Iterator[tuple[str, Item]]:
    """`iter_sourced` over a mix of paths, `Document`s and JSON input objects (dicts), so that
    Python callers hand over documents they already hold. Objects are checked as JSONL lines
    are; their origin is `<python>:N`, N counting the inputs from 1. `published` fills in a
    missing date. An (origin, item) pair passes as it is: a Document or an error record
    that the caller read itself (a fetched page, a feed that failed)."""
    run = _Reading()
    for n, obj in enumerate(inputs, 1):
        where = f"<python>:{n}"
        if isinstance(obj, str | Path):
            yield from iter_sourced([str(obj)], published, stdin, run)
        elif isinstance(obj, tuple):
            yield obj
        elif isinstance(obj, Document):
            if published and not obj.published:
                obj = dataclasses.replace(obj, published=published)
            yield where, run.finish(where, obj)
        else:
            yield where, run.finish(where, document_from_json(obj, where, published))


def iter_documents(paths: Iterable[str], published: str | None = None,
                   stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Documents from paths, in order; `-` reads JSONL from standard input. Each problem
    is yielded as an error record in the document's place."""
    for _, item in iter_sourced(paths, published, stdin):
        yield item
