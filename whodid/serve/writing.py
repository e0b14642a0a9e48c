"""Posting documents: code them and store them as `whodid ingest` does, one request at a time,
then forget the cached answers. Only a server started with a token gets here."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException

from whodid.read.documents import document_from_json
from whodid.records import Document
from whodid.serve.reader import Reader
from whodid.store.store import content_key


def store_documents(reader: Reader, objs: list[dict[str, Any]]) -> dict[str, Any]:
    """Code and store the documents among `objs` (JSON input objects); each bad one is an
    error naming it and the problem, and the others are stored all the same. The answer has
    the ingest's counts and, per document, its key and the numbers of its stored events."""
    from whodid.store.ingest import ingest

    docs: list[Document] = []
    problems: list[dict[str, Any]] = []
    for n, obj in enumerate(objs, 1):
        item = document_from_json({k: v for k, v in obj.items() if v is not None},
                                  f"<api>:{n}")
        if isinstance(item, Document):
            docs.append(item)
        else:
            problems.append(item)
    if not docs:
        raise HTTPException(422, "; ".join(p["detail"] for p in problems))
    with reader.write_lock:
        summary = ingest(docs, reader.path)
        reader.changed()
    out = []
    for doc in docs:
        key = content_key(doc)
        _, rows = reader.rows("SELECT event_no FROM events WHERE doc_key = ? ORDER BY n", [key])
        out.append({"doc_id": doc.id, "doc_key": key, "events": [r[0] for r in rows]})
    return {"summary": summary.as_dict(), "documents": out, "errors": problems}
