"""whodid: reads news and writes down who did what to whom.

    >>> import whodid
    >>> whodid.code_text("Kenya accused Somalia of arming the rebels.", published="2024-03-15")

The API lives in `whodid.api` (see the README's "Python" section). Its names are imported on
first use, so that `import whodid` and `whodid --help` do not load spaCy or DuckDB.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from whodid.version import __version__

# public name -> module that defines it
_EXPORTS = {
    "code_text": "whodid.api",
    "get_coder": "whodid.api",
    "coder_options": "whodid.api",
    "Store": "whodid.api",
    "Coder": "whodid.code.coder",
    "Document": "whodid.records",
    "Entity": "whodid.records",
    "Event": "whodid.records",
    "DateInfo": "whodid.records",
    "ModelError": "whodid.nlp",
}

__all__ = ["Coder", "DateInfo", "Document", "Entity", "Event", "ModelError", "Store",
           "__version__", "code_text", "coder_options", "get_coder"]

if TYPE_CHECKING:
    from whodid.api import Store, code_text, coder_options, get_coder
    from whodid.code.coder import Coder
    from whodid.nlp import ModelError
    from whodid.records import DateInfo, Document, Entity, Event


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'whodid' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
