"""Read input documents (SCHEMA.md): .txt files, .jsonl documents, folders of them and
standard input. Bad input becomes an error record naming the document; reading goes on."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from whodid.records import Document, error_record

READABLE_SUFFIXES = (".txt", ".jsonl")
Item = Document | dict[str, Any]  # a document or an error record


def text_id(text: str) -> str:
    """A stable id for a document that has none: a hash of its text."""
    return "doc-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


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
    pub = obj.get("published") or published
    return Document(
        id=doc_id or text_id(text), text=text, published=str(pub) if pub else None,
        title=obj.get("title"), url=obj.get("url"), source=obj.get("source"),
    )


def read_jsonl(stream: Iterable[bytes | str], name: str,
               published: str | None = None) -> Iterator[Item]:
    for lineno, raw in enumerate(stream, 1):
        where = f"{name}:{lineno}"
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield error_record(where, "invalid_utf8", f"{where}: not valid UTF-8 ({exc})")
                continue
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield error_record(where, "malformed_json", f"{where}: {exc}")
            continue
        yield document_from_json(obj, where, published)


def read_text_file(path: Path, published: str | None = None) -> Item:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return error_record(path.stem, "unreadable", f"{path}: {exc.strerror or exc}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return error_record(path.stem, "invalid_utf8", f"{path}: not valid UTF-8 ({exc})")
    if not text.strip():
        return error_record(path.stem, "empty_text", f"{path}: the text is empty")
    return Document(id=path.stem, text=text, published=published)


def _files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES:
                yield p
    else:
        yield path


def iter_documents(paths: Iterable[str], published: str | None = None,
                   stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Documents from paths, in order; `-` reads JSONL from standard input. Each problem
    is yielded as an error record in the document's place."""
    for name in paths:
        if name == "-":
            yield from read_jsonl(stdin or sys.stdin.buffer, "<stdin>", published)
            continue
        path = Path(name)
        if not path.exists():
            yield error_record(name, "unreadable", f"{name}: no such file or directory")
            continue
        for file in _files(path):
            if file.suffix.lower() == ".jsonl":
                try:
                    with file.open("rb") as fh:
                        yield from read_jsonl(fh, str(file), published)
                except OSError as exc:
                    yield error_record(str(file), "unreadable", f"{file}: {exc.strerror}")
            else:
                yield read_text_file(file, published)
