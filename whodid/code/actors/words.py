"""The codes, words and rules the resolver reads besides its tables: data/actor_words.yaml,
read and checked once, on first use."""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields

from whodid.code.wordlists import (
    CODE_MAP,
    CODES,
    DATA_DIR,
    NAMES,
    WORDS,
    read_word_lists,
    require_subset,
)

WORDS_FILE = DATA_DIR / "actor_words.yaml"


@dataclass(frozen=True, slots=True)
class ActorWords:
    """The lists of data/actor_words.yaml (what each is for is said there)."""

    sectors: frozenset[str]
    special_codes: frozenset[str]
    non_state_codes: frozenset[str]
    office_sectors: frozenset[str]
    code_remap: dict[str, str]
    small_subdivisions: frozenset[str]
    region_words: frozenset[str]
    former: frozenset[str]
    definite: frozenset[str]
    name_particles: frozenset[str]
    led_words: frozenset[str]
    counting_words: frozenset[str]


KINDS = {"sectors": CODES, "special_codes": CODES, "non_state_codes": CODES,
         "office_sectors": CODES, "code_remap": CODE_MAP, "small_subdivisions": NAMES,
         "region_words": NAMES}


@functools.cache
def actor_words() -> ActorWords:
    """The lists, read and checked on first use (not at import, so that a broken file is
    reported by the runner's knowledge check, not as an import traceback)."""
    lists = read_word_lists(WORDS_FILE, {f.name: KINDS.get(f.name, WORDS)
                                         for f in fields(ActorWords)})
    require_subset(WORDS_FILE, lists, "non_state_codes", "special_codes")
    require_subset(WORDS_FILE, lists, "office_sectors", "sectors")
    return ActorWords(**lists)


def non_state_codes() -> frozenset[str]:
    """Codes that name no state (IGO, UNO, ...): never a document's country."""
    return actor_words().non_state_codes
