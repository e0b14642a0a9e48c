"""Reading gold files (the shared data README's format): one document per line, or a JSON
list or object; repeated ids made unique so that predictions can be keyed by id."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

Record = dict[str, Any]


def load_gold(path: str | Path) -> list[Record]:
    """Read gold documents from JSONL (one per line) or a `.json` file holding one
    document (or a list of them). Errors name the file and line, since gold files are
    edited by hand. A repeated id gets a `#2`, `#3`... suffix, because predictions are
    keyed by id (plover_gsr.jsonl has one id twice, for two different sentences)."""
    return _unique_ids(_read_gold(Path(path)))


def _unique_ids(docs: list[Record]) -> list[Record]:
    seen: Counter[str] = Counter()
    for doc in docs:
        seen[doc["id"]] += 1
        if seen[doc["id"]] > 1:
            doc["id"] = f"{doc['id']}#{seen[doc['id']]}"
    return docs


def _read_gold(path: Path) -> list[Record]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
        docs = data if isinstance(data, list) else [data]
        for i, doc in enumerate(docs):
            _check_doc(doc, f"{path}: document {i}")
        return docs
    docs = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{lineno}: invalid JSON: {exc.msg}") from exc
        _check_doc(doc, f"{path}:{lineno}")
        docs.append(doc)
    return docs


def _check_doc(doc: Any, where: str) -> None:
    problem = _doc_problem(doc)
    if problem:
        raise ValueError(f"{where}: {problem}")


def _doc_problem(doc: Any) -> str | None:
    if not isinstance(doc, dict):
        return f"expected a JSON object, got {type(doc).__name__}"
    if not isinstance(doc.get("text"), str):
        return "gold document has no 'text' string"
    if "id" not in doc:
        return "gold document has no 'id'"
    if not isinstance(doc.get("events") or [], list):
        return "'events' must be a list"
    return None
