"""The actor tables: the CSV format of data/actors_*.csv and of users' files, its checks,
and the lookup key of a pattern. A malformed row is a ValueError naming file and line."""

from __future__ import annotations

import csv
import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from whodid.code.actors.words import actor_words
from whodid.code.wordlists import DATA_DIR

HEADER = ("pattern", "code", "sector", "name", "kind")
NAMED_KINDS = frozenset({"state", "seat", "place", "org", "person", "demonym"})
NOUN_KINDS = frozenset({"role", "group", "body", "country", "ethnic", "equipment"})
KINDS = NAMED_KINDS | NOUN_KINDS | {"ignore"}

_PUNCT = str.maketrans({"’": "'", "‘": "'", "`": "'", "-": " ", "–": " ", "‐": " ", ".": ""})
_PLURAL_AS_IS = re.compile(r"(ese|ish|ch|ss|s|x)$")  # demonyms whose plural is the same


@functools.lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """Lookup key: accents, dots, hyphens and case folded; acronyms keep their capitals
    so that "US" and "WHO" never match "us" and "who"."""
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    text = " ".join(text.translate(_PUNCT).split())
    return text if text.isupper() else text.lower()


@dataclass(frozen=True, slots=True)
class Entry:
    """One table row: what a pattern means."""

    pattern: str
    code: str | None
    sector: str | None
    weak: bool  # sector is a default that a sector word before the noun overrides
    name: str | None
    kind: str
    caps: bool  # the text must start with a capital letter (proper names)
    source: str  # file:line or generating package, for `why` and error messages
    tagged: bool = False  # only where the tagger marks a place (regions: "Bar", "Centre")


@functools.cache
def valid_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes plus the codebook's own."""
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries) | actor_words().special_codes


def check_row(fields: list[str], where: str) -> Entry:
    """The entry of one row, or a ValueError that starts with `where` (file:line)."""
    if len(fields) != len(HEADER):
        raise ValueError(f"{where}: expected {len(HEADER)} fields ({','.join(HEADER)}), "
                         f"got {len(fields)}: {','.join(fields)!r}")
    pattern, code, sector, name, kind = (f.strip() for f in fields)
    if not pattern:
        raise ValueError(f"{where}: empty pattern")
    if kind not in KINDS:
        raise ValueError(f"{where}: kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
    weak = sector.endswith("?")
    sector = sector.rstrip("?")
    words = actor_words()
    if code and code not in valid_codes():
        raise ValueError(f"{where}: code {code!r} is not ISO 3166-1 alpha-3 "
                         f"nor one of {', '.join(sorted(words.special_codes))}")
    if sector and sector not in words.sectors:
        raise ValueError(f"{where}: sector {sector!r} is not one of "
                         f"{', '.join(sorted(words.sectors))}")
    if kind in NAMED_KINDS and not code:
        raise ValueError(f"{where}: a {kind} needs a code")
    return Entry(pattern, code or None, sector or None, weak, name or None, kind,
                 pattern[0].isupper() and kind in NAMED_KINDS | {"ignore", "ethnic"}, where)


def read_table(path: Path | str) -> list[Entry]:
    """Read one actors CSV file (format in data/actors_sectors.csv); ValueError names the
    file and line of a malformed entry."""
    path = Path(path)
    entries: list[Entry] = []
    header = False
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                fields = next(csv.reader([line], strict=True))
            except csv.Error as exc:
                raise ValueError(f"{path}:{lineno}: {exc}") from None
            if not header:
                if tuple(f.strip() for f in fields) != HEADER:
                    raise ValueError(f"{path}:{lineno}: the first line must be the header "
                                     f"{','.join(HEADER)}, got {line.strip()!r}")
                header = True
                continue
            entries.append(check_row(fields, f"{path}:{lineno}"))
    if not header:
        raise ValueError(f"{path}: no header line {','.join(HEADER)}")
    return entries


def package_files() -> list[Path]:
    """The package's tables, in the order they are read (by name)."""
    return sorted(DATA_DIR.glob("actors_*.csv"))


def user_files() -> list[Path]:
    """The actor files named by the WHODID_ACTORS environment variable: files, or folders
    whose *.csv files are read in name order, separated by the platform's path separator."""
    found: list[Path] = []
    for part in os.environ.get("WHODID_ACTORS", "").split(os.pathsep):
        if not part.strip():
            continue
        path = Path(part).expanduser()
        if path.is_dir():
            found += sorted(path.glob("*.csv"))
        elif path.exists():
            found.append(path)
        else:
            raise ValueError(f"WHODID_ACTORS names {path}, which does not exist")
    return found


def entry_keys(entry: Entry) -> list[str]:
    """The lookup keys of an entry: its pattern, a lower-case form of long acronyms
    ("Nato"), and plurals of demonyms ("Israelis")."""
    key = norm(entry.pattern)
    keys = [key]
    if key.isupper() and sum(c.isalpha() for c in key) >= 4:
        keys.append(key.lower())
    if entry.kind in ("demonym", "ethnic") and not _PLURAL_AS_IS.search(key):
        keys.append(key + "s")
    return keys
