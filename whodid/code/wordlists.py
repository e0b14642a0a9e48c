"""Word lists and small rules kept as data (whodid/data/*.yaml), read and checked once.

A file is a YAML mapping from list names to lists of strings (or, for a "code map", a
mapping of codes). Each list has a kind that says what its entries must look like; an
unknown or missing list, a malformed or repeated entry, or a repeated list name is a
ValueError that names the file, the list and the entry, which the runner turns into a
one-line error and exit 2 (runner.check_knowledge).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

WORDS = "words"  # lower-case words or phrases ("first lady", "-")
NAMES = "names"  # words as written, starting with a capital ("Oblast", "Local council")
CODES = "codes"  # three upper-case letters ("GOV", "IGO")
CODE_MAP = "code map"  # code -> code ("XKX: KOS")

_CHECKS = {
    WORDS: (re.compile(r"[^A-Z\s][^A-Z]*"), "a lower-case word"),
    NAMES: (re.compile(r"[A-Z][\w\- ]*"), "a word starting with a capital"),
    CODES: (re.compile(r"[A-Z]{3}"), "three capital letters"),
}


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a repeated list name (YAML would keep the last)."""

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _entries(path: Path, name: str, kind: str, value: Any) -> Any:
    where = f"{path}: {name}"
    if kind == CODE_MAP:
        if not isinstance(value, dict):
            raise ValueError(f"{where}: expected a mapping of codes, got {value!r}")
        for key, code in value.items():
            for item in (key, code):
                if not isinstance(item, str) or not _CHECKS[CODES][0].fullmatch(item):
                    raise ValueError(f"{where}: entry {item!r} is not three capital letters")
        return dict(value)
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where}: expected a non-empty list, got {value!r}")
    pattern, what = _CHECKS[kind]
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str) or not pattern.fullmatch(item) or item != item.strip():
            raise ValueError(f"{where}: entry {item!r} is not {what}")
        if item in seen:
            raise ValueError(f"{where}: entry {item!r} is listed twice")
        seen.add(item)
    return frozenset(value)


def read_word_lists(path: Path, spec: Mapping[str, str]) -> dict[str, Any]:
    """The lists of `path`, each checked against its kind in `spec` (list name -> kind):
    frozensets of strings, or dicts for a CODE_MAP."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of list names to lists")  # noqa: TRY004 - a knowledge-file error
    unknown = sorted(set(data) - set(spec), key=str)
    if unknown:
        raise ValueError(f"{path}: unknown list {unknown[0]!r} (known: {', '.join(spec)})")
    missing = [name for name in spec if name not in data]
    if missing:
        raise ValueError(f"{path}: missing list {missing[0]!r}")
    return {name: _entries(path, name, kind, data[name]) for name, kind in spec.items()}


def require_subset(path: Path, lists: Mapping[str, Any], part: str, whole: str) -> None:
    """A rule that reads `part` as a narrowing of `whole` needs every entry in both."""
    extra = sorted(lists[part] - lists[whole])
    if extra:
        raise ValueError(f"{path}: {part}: entry {extra[0]!r} is not in {whole}")
