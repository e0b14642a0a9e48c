"""The English word lists the coder's rules read, loaded once from `whodid/data/words.yaml`
and checked, so that editing a list changes what a rule matches without touching Python.

Each module asks for its own section (`words("roles")`) and reads its keys from it; a key
that is missing or of the wrong shape fails with the file and the key named, and
`unread_keys()` lets a test prove that every key in the file is read by some module.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

WORDS_FILE = "words.yaml"
_read: set[tuple[str, str]] = set()


class KnowledgeError(ValueError):
    """A malformed knowledge file; the message names the file and the entry."""


@lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    text = resources.files("whodid.data").joinpath(WORDS_FILE).read_text("utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"whodid/data/{WORDS_FILE}: cannot read: {exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise KnowledgeError(f"whodid/data/{WORDS_FILE}: expected a mapping of sections")
    return data


class Section:
    """One section of the words file; each accessor checks the shape of what it returns."""

    def __init__(self, name: str, data: dict[str, Any]) -> None:
        self.name, self._data = name, data

    def _get(self, key: str) -> Any:
        if key not in self._data:
            raise KnowledgeError(f"{self.where(key)}: missing")
        _read.add((self.name, key))
        return self._data[key]

    def where(self, key: str) -> str:
        return f"whodid/data/{WORDS_FILE}: {self.name}.{key}"

    def sequence(self, key: str) -> tuple[str, ...]:
        """A list of lower-case words, in file order."""
        value = self._get(key)
        if not isinstance(value, list) or not value or not all(
                isinstance(v, str) and v == v.lower() and v.strip() for v in value):
            raise KnowledgeError(f"{self.where(key)}: expected a list of lower-case words, "
                                 f"got {value!r}")
        return tuple(value)

    def words(self, key: str) -> frozenset[str]:
        return frozenset(self.sequence(key))

    def numbers(self, key: str) -> dict[str, int]:
        """A mapping of lower-case words to whole numbers, in file order."""
        value = self._get(key)
        if not isinstance(value, dict) or not value or not all(
                isinstance(k, str) and k == k.lower() and isinstance(v, int)
                and not isinstance(v, bool) for k, v in value.items()):
            raise KnowledgeError(f"{self.where(key)}: expected a mapping of lower-case words "
                                 f"to numbers, got {value!r}")
        return dict(value)


def words(section: str) -> Section:
    """The named section of the packaged words file (the file is read once per process)."""
    data = _load()
    if section not in data:
        raise KnowledgeError(f"whodid/data/{WORDS_FILE}: missing section {section!r}")
    return Section(section, data[section])


def unread_keys() -> list[str]:
    """Keys of the words file that no module has read (each list must be used)."""
    return [f"{s}.{k}" for s, keys in _load().items() for k in keys if (s, k) not in _read]
