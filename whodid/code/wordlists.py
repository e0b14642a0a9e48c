"""Word lists and small rules kept as data (whodid/data/*.yaml): the one loader and checker.

Three files are read through it:

- `words.yaml`, the English words of the coder's rules, in one section per stage. A module
  declares the lists it reads (`Section("roles", partitives=WORDS)`) and reads them as
  attributes (`_WORDS.partitives`); the file is read and the section's lists checked on
  first use, never at import. `check_words_file()` reads every declared list and refuses a
  list that no module declares (so every list in the file is used);
- `actor_words.yaml` and `coreference.yaml`, flat files read whole by `read_word_lists`
  (whodid.code.actors.words, whodid.code.coreference), also on first use.

Each list has a kind that says what its entries must look like. An unknown or missing
list, a malformed, empty or repeated entry, or a name given twice is a `KnowledgeError`
(a ValueError) naming the file, the list and the entry, which the runner turns into a
one-line error and exit 2 (runner.check_knowledge) before any worker starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
WORDS_FILE = DATA_DIR / "words.yaml"

WORDS = "words"  # lower-case words or phrases ("first lady", "-"): a frozenset
SEQUENCE = "sequence"  # lower-case words whose order matters ("monday", ...): a tuple
NAMES = "names"  # words as written, starting with a capital ("Oblast", "Local council")
CODES = "codes"  # three upper-case letters ("GOV", "IGO")
CODE_MAP = "code map"  # code -> code ("XKX: KOS")
NUMBERS = "numbers"  # lower-case word -> whole number ("jan: 1", "dozen: 12")

_CHECKS = {
    WORDS: (re.compile(r"[^A-Z\s][^A-Z]*"), "a lower-case word"),
    NAMES: (re.compile(r"[A-Z][\w\- ]*"), "a word starting with a capital"),
    CODES: (re.compile(r"[A-Z]{3}"), "three capital letters"),
}
_CHECKS[SEQUENCE] = _CHECKS[WORDS]


class KnowledgeError(ValueError):
    """A malformed knowledge file; the message names the file, the list and the entry."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a repeated name (YAML would keep the last)."""

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> dict[str, Any]:
    """The mapping at the top of a YAML file, no name given twice at any level."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected a mapping of list names to lists")
    return data


def _is_word(item: Any, kind: str) -> bool:
    pattern = _CHECKS[kind][0]
    return isinstance(item, str) and bool(pattern.fullmatch(item)) and item == item.strip()


def _entries(where: str, kind: str, value: Any) -> Any:
    """One list checked against its kind: a frozenset, a tuple or a dict."""
    if kind in (CODE_MAP, NUMBERS):
        if not isinstance(value, dict) or not value:
            raise KnowledgeError(f"{where}: expected a mapping, got {value!r}")
        for key, item in value.items():
            if kind == CODE_MAP:
                for code in (key, item):
                    if not _is_word(code, CODES):
                        raise KnowledgeError(f"{where}: entry {code!r} is not three capital "
                                             "letters")
            elif not _is_word(key, WORDS):
                raise KnowledgeError(f"{where}: entry {key!r} is not a lower-case word")
            elif not isinstance(item, int) or isinstance(item, bool):
                raise KnowledgeError(f"{where}: {key}: {item!r} is not a whole number")
        return dict(value)
    if not isinstance(value, list) or not value:
        raise KnowledgeError(f"{where}: expected a non-empty list, got {value!r}")
    what = _CHECKS[kind][1]
    seen: set[str] = set()
    for item in value:
        if not _is_word(item, kind):
            raise KnowledgeError(f"{where}: entry {item!r} is not {what}")
        if item in seen:
            raise KnowledgeError(f"{where}: entry {item!r} is listed twice")
        seen.add(item)
    return tuple(value) if kind == SEQUENCE else frozenset(value)


def check_lists(path: Path, data: Mapping[str, Any], spec: Mapping[str, str],
                prefix: str = "", exact: bool = True) -> dict[str, Any]:
    """The lists `spec` names (list name -> kind), each checked; `prefix` is the section
    ("roles.") in messages. With `exact`, a list in `data` that `spec` lacks is an error."""
    if exact:
        unknown = sorted(set(data) - set(spec), key=str)
        if unknown:
            raise KnowledgeError(f"{path}: unknown list '{prefix}{unknown[0]}' "
                                 f"(known: {', '.join(spec)})")
    missing = [name for name in spec if name not in data]
    if missing:
        raise KnowledgeError(f"{path}: missing list '{prefix}{missing[0]}'")
    return {name: _entries(f"{path}: {prefix}{name}", kind, data[name])
            for name, kind in spec.items()}


def read_word_lists(path: Path, spec: Mapping[str, str]) -> dict[str, Any]:
    """The lists of a flat file `path`, exactly those of `spec` (list name -> kind), each
    checked: frozensets or tuples of strings, or dicts for CODE_MAP and NUMBERS."""
    return check_lists(path, read_yaml(path), spec)


def require_subset(path: Path, lists: Mapping[str, Any], part: str, whole: str) -> None:
    """A rule that reads `part` as a narrowing of `whole` needs every entry in both."""
    extra = sorted(set(lists[part]) - set(lists[whole]))
    if extra:
        raise KnowledgeError(f"{path}: {part}: entry {extra[0]!r} is not in {whole}")


# ------------------------------------------------------------ words.yaml, by section

_words_file: dict[str, Any] | None = None
_sections: list[Section] = []


def _read_words_file() -> dict[str, Any]:
    global _words_file
    if _words_file is None:
        data = read_yaml(WORDS_FILE)
        for name, section in data.items():
            if not isinstance(section, dict):
                raise KnowledgeError(f"{WORDS_FILE}: {name}: expected a mapping of lists")
        _words_file = data
    return _words_file


def reset() -> None:
    """Forget what was read (after a test points WORDS_FILE elsewhere)."""
    global _words_file
    _words_file = None
    for section in _sections:
        section.reset()


class Section:
    """The lists one module reads from one section of words.yaml, read and checked on
    first use; each list is an attribute. Several modules may declare the same section,
    each with the lists it reads. `validate`, if given, checks the lists together (it
    raises KnowledgeError) when they are first read."""

    def __init__(self, name: str, *, validate: Callable[[Section], None] | None = None,
                 **spec: str) -> None:
        self._name, self._spec, self._validate = name, spec, validate
        self._lists: dict[str, Any] | None = None
        _sections.append(self)

    def where(self, key: str) -> str:
        """The file and list, for a module's own error messages."""
        return f"{WORDS_FILE}: {self._name}.{key}"

    def load(self) -> dict[str, Any]:
        """The declared lists, checked (the file is read once per process)."""
        if self._lists is None:
            data = _read_words_file()
            if self._name not in data:
                raise KnowledgeError(f"{WORDS_FILE}: missing section {self._name!r}")
            self._lists = check_lists(WORDS_FILE, data[self._name], self._spec,
                                      prefix=f"{self._name}.", exact=False)
            self.__dict__.update(self._lists)  # later reads: plain attributes
            if self._validate is not None:
                try:
                    self._validate(self)
                except KnowledgeError:
                    self.reset()
                    raise
        return self._lists

    def reset(self) -> None:
        """Forget the lists read (they are read again on next use)."""
        for key in self._spec:
            self.__dict__.pop(key, None)
        self._lists = None

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_") or key not in self._spec:
            raise AttributeError(f"{self._name} declares no list {key!r}")
        return self.load()[key]


def declared() -> dict[str, set[str]]:
    """Section -> the lists some imported module declares."""
    out: dict[str, set[str]] = {}
    for section in _sections:
        out.setdefault(section._name, set()).update(section._spec)
    return out


def check_words_file() -> None:
    """Read and check every declared list of words.yaml, and refuse a list that no module
    declares (it would change nothing). Import the coder first: its stages declare them."""
    data = _read_words_file()
    known = declared()
    for name, lists in data.items():
        for key in lists:
            if key not in known.get(name, ()):
                raise KnowledgeError(f"{WORDS_FILE}: unknown list '{name}.{key}' (no module "
                                     "reads it)")
    for section in _sections:
        section.load()
