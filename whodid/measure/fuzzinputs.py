"""Hypothesis strategies for the fuzzer (whodid.measure.fuzz): hostile input files of every kind
the readers take (JSONL, CSV, HTML, plain text) and hostile texts for the coder. Inputs are
made from scratch or by mutating well-formed ones built from whodid's own synthetic
sentences (whodid.measure.synthtext), so no third-party text is involved."""

from __future__ import annotations

import json

from hypothesis import strategies as st

from whodid.measure.synthtext import sentences

SENTENCES = sentences(200, seed=7)
# characters that have broken text pipelines: controls, NUL, line and paragraph separators,
# zero-width and bidi marks, BOM, combining marks, surrogates, non-characters, astral ones
SPECIALS = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\r", "\r\n", "\n", "\t", "\x0b", "\x0c",
            "\u2028", "\u2029", "\u200b", "\u200c", "\u200d", "\u2060", "\u200e", "\u200f",
            "\u202a", "\u202e", "\u2066", "\u2069", "\ufeff", "\u0301", "\u0308", "\u20dd",
            "\ud800", "\udfff", "\udc80", "\ufffe", "\uffff", "\U0001f600", "\U000e0001",
            "\u00a0", "\u3000", "\u0627", "\u05d0", "\u4e2d", "\u0e01", "'", '"', "\\", "«",
            "—", "…", "&amp;", "&#0;", "<", ">", ".", "!", "?", ":", ";", ",", "-", " "]

any_char = st.characters(exclude_categories=())  # every code point, surrogates included
piece = st.one_of(
    st.sampled_from(SENTENCES),
    st.sampled_from(SPECIALS),
    st.text(any_char, max_size=12),
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,"),
            max_size=40),
)
# a long run of one piece: a 5,000-character word, a page of newlines, a line of dots
RUNS = ["a", "Serbia ", "\n", ".", " ", "\u0301", "\u200b", "ab" * 50, "\ud800", "((", '"',
        "Kenya accused Somalia. ", "<p>", "\r\n"]
repeated = st.builds(lambda s, n: s * min(n, 20_000 // len(s)), st.sampled_from(RUNS),
                     st.integers(100, 5000))


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    """`base` with a few random edits: characters inserted, deleted, repeated or replaced."""
    s = base
    for _ in range(draw(st.integers(0, 6))):
        if not s:
            s = draw(piece)
            continue
        i = draw(st.integers(0, len(s) - 1))
        op = draw(st.sampled_from(["insert", "delete", "repeat", "replace"]))
        if op == "insert":
            extra = draw(st.one_of(st.sampled_from(SPECIALS), st.text(any_char, max_size=3)))
            s = s[:i] + extra + s[i:]
        elif op == "delete":
            s = s[:i] + s[i + draw(st.integers(1, 20)):]
        elif op == "repeat":
            s = s[:i] + s[i:i + 10] * draw(st.integers(2, 50)) + s[i:]
        else:
            s = s[:i] + draw(any_char) + s[i + 1:]
    return s


texts = st.one_of(
    st.lists(piece, max_size=30).map("".join),
    st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=20).map(" ".join).flatmap(mutated),
    st.tuples(st.lists(piece, max_size=5).map("".join), repeated).map("".join),
    st.text(any_char, max_size=200),
)


def _nested(depth: int, leaf: object) -> object:
    out = leaf
    for k in range(depth):
        out = [out] if k % 2 else {"a": out}
    return out


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), texts),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=8)
FIELDS = ["id", "text", "published", "title", "url", "source"]


@st.composite
def json_document(draw: st.DrawFn) -> str:
    """One JSONL line: a document whose fields may be of any type, deeply nested, missing or
    extra; or not an object at all."""
    obj = {}
    for name in FIELDS:
        if draw(st.booleans()):
            obj[name] = draw(texts) if name == "text" and draw(st.booleans()) else draw(json_values)
    if draw(st.integers(0, 9)) == 0:
        obj[draw(st.sampled_from(FIELDS))] = _nested(draw(st.integers(1, 3000)), "x")
    value: object = obj if draw(st.integers(0, 5)) else draw(json_values)
    try:
        return json.dumps(value, ensure_ascii=draw(st.booleans()), allow_nan=True)
    except (RecursionError, ValueError):
        return "[" * 5000


def _to_bytes(s: str, bom: bool) -> bytes:
    data = s.encode("utf-8", "surrogatepass")
    return b"\xef\xbb\xbf" + data if bom else data


@st.composite
def byte_mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with a few bytes flipped, cut, or invalid UTF-8 and NUL bytes put in."""
    b = bytearray(data)
    for _ in range(draw(st.integers(0, 3))):
        if not b:
            break
        i = draw(st.integers(0, len(b) - 1))
        op = draw(st.sampled_from(["flip", "cut", "insert"]))
        if op == "flip":
            b[i] = draw(st.integers(0, 255))
        elif op == "cut":
            del b[i:]
        else:
            b[i:i] = draw(st.sampled_from([b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\r",
                                           b'"', b"\n", b"\xef\xbb\xbf"]))
    return bytes(b)


@st.composite
def jsonl_file(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.one_of(json_document(), texts), max_size=6))
    sep = draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n"]))
    data = _to_bytes(sep.join(lines), draw(st.booleans()))
    return draw(byte_mutated(data)) if draw(st.booleans()) else data


def _csv_cell(s: str, quote: bool) -> str:
    return '"' + s.replace('"', '""') + '"' if quote else s


@st.composite
def csv_file(draw: st.DrawFn) -> bytes:
    header = draw(st.lists(st.sampled_from([*FIELDS, "TEXT", " text ", "extra", ""]),
                           max_size=7))
    rows = [header]
    for _ in range(draw(st.integers(0, 5))):
        rows.append(draw(st.lists(texts, max_size=len(header) + 2)))
    quote = draw(st.booleans())
    body = "\n".join(",".join(_csv_cell(c, quote) for c in row) for row in rows)
    data = _to_bytes(body, draw(st.booleans()))
    return draw(byte_mutated(data)) if draw(st.booleans()) else data


TAGS = ["p", "div", "article", "title", "script", "style", "h1", "a", "span", "table", "td",
        "meta", "html", "body", "head", "br", "!--", "![CDATA["]


@st.composite
def html_file(draw: st.DrawFn) -> bytes:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(st.sampled_from(TAGS))
        parts.append(draw(st.sampled_from([f"<{tag}>", f"</{tag}>", f"<{tag} a='{{}}'>"])))
        parts.append(draw(texts))
    depth = draw(st.sampled_from([0, 0, 0, 50, 2000]))
    html = "<div>" * depth + "".join(parts) + "</div>" * draw(st.integers(0, depth))
    if draw(st.booleans()):
        charset = draw(st.sampled_from(["utf-8", "latin-1", "x-bogus", "utf-16"]))
        html = (f'<html><head><meta charset="{charset}"><title>{draw(texts)}</title></head>'
                f"<body>{html}</body></html>")
    data = _to_bytes(html, draw(st.booleans()))
    return draw(byte_mutated(data)) if draw(st.booleans()) else data


@st.composite
def text_file(draw: st.DrawFn) -> bytes:
    data = _to_bytes(draw(texts), draw(st.booleans()))
    return draw(byte_mutated(data)) if draw(st.booleans()) else data


files = st.one_of(st.tuples(st.just(".jsonl"), jsonl_file()),
                  st.tuples(st.just(".csv"), csv_file()),
                  st.tuples(st.just(".html"), html_file()),
                  st.tuples(st.just(".txt"), text_file()))
