"""The text as the parser sees it: NFC-composed, without the invisible characters that change
what a parser reads ("Ke\\u200bnya" is two tokens, a right-to-left mark glues two sentences),
apostrophes typed as look-alikes made apostrophes ("Indonesia\u00b4s" is one token, so no
possessive), and a map from its offsets back to the text as given, which records point into
(SCHEMA.md). Clean text is left alone: the map exists only when the text changed."""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import replace

from whodid.records import Entity, Event

# Zero-width characters, the soft hyphen, and the bidirectional controls (marks, embeddings,
# overrides, isolates): no visible glyph, no word boundary a reader would see.
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                       "\u2066-\u2069\ufeff]")


def _joins_previous(ch: str) -> bool:
    """A character NFC may compose with the one before it: a combining mark, or a Hangul
    vowel or final consonant."""
    return unicodedata.combining(ch) != 0 or "\u1160" <= ch <= "\u11ff"


class OffsetMap:
    """Offsets in the clean text -> offsets in the original. A span's start maps to where
    its first character came from, its end to the end of what its last one came from, so an
    entity spans its whole original form, invisible characters inside it included."""

    def __init__(self, original: str, clean: str, starts: array, ends: array) -> None:
        self.original, self.clean = original, clean
        self._starts, self._ends = starts, ends

    def start(self, i: int) -> int:
        return self._starts[i] if i < len(self._starts) else len(self.original)

    def end(self, i: int) -> int:
        return self._ends[i - 1] if i > 0 else self.start(0)

    def span(self, text: str, start: int, end: int) -> tuple[str, int, int]:
        """A (text, start, end) of the clean text in the original: the text becomes the
        original's, when it was the clean text's at those offsets."""
        s, e = self.start(start), self.end(end)
        return (self.original[s:e] if self.clean[start:end] == text else text), s, e


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
# An acute accent, backtick, modifier letter or prime between two letters, as keyboards
# without a typographic apostrophe give it ("Indonesia\u00b4s", "don`t"): the parser splits
# the possessive only at an apostrophe. One character for one, so offsets do not move.
APOSTROPHE_LIKE = re.compile(r"(?<=[^\W\d_])[\u00b4`\u02bc\u2032](?=[^\W\d_])")


def normalise(text: str) -> tuple[str, OffsetMap | None]:
    """(the text to parse, the map back to `text`, or None when the two are the same)."""
    clean, offsets = _composed(text)
    if not APOSTROPHE_LIKE.search(clean):
        return clean, offsets
    clean = APOSTROPHE_LIKE.sub("\u2019", clean)
    if offsets is None:
        return clean, OffsetMap(text, clean, array("q", range(len(text))),
                                array("q", range(1, len(text) + 1)))
    offsets.clean = clean
    return clean, offsets


def _composed(text: str) -> tuple[str, OffsetMap | None]:
    """The text NFC-composed and without invisible characters, with its map back."""
    if unicodedata.is_normalized("NFC", text) and not INVISIBLE.search(text):
        return text, None
    out: list[str] = []
    starts, ends = array("q"), array("q")
    done = 0  # text[:done] is mapped
    for m in _NOT_ASCII.finditer(text):
        # ASCII is NFC and never composes with what precedes it: copied as it is, but for
        # the character before a non-ASCII run, which a combining mark may join
        begin = max(done, m.start() - 1)
        out.append(text[done:begin])
        starts.extend(range(done, begin))
        ends.extend(range(done + 1, begin + 1))
        _compose(text, begin, m.end(), out, starts, ends)
        done = m.end()
    out.append(text[done:])
    starts.extend(range(done, len(text)))
    ends.extend(range(done + 1, len(text) + 1))
    clean = "".join(out)
    if clean != unicodedata.normalize("NFC", INVISIBLE.sub("", text)):
        # a composition across segments (rare scripts): keep offsets exact, skip NFC
        return _removed_only(text)
    return clean, OffsetMap(text, clean, starts, ends)


def _compose(text: str, begin: int, end: int, out: list[str], starts: array,
             ends: array) -> None:
    """text[begin:end] without invisible characters and composed, appended with its map.
    Segments are a character with the marks that follow it: NFC composes within segments
    only, so each is composed alone and its output mapped to its original span."""
    seg_start, seg, last = None, "", begin

    def flush() -> None:
        if seg:
            piece = unicodedata.normalize("NFC", seg)
            out.append(piece)
            starts.extend([seg_start] * len(piece))
            ends.extend([last] * len(piece))

    for i in range(begin, end):
        ch = text[i]
        if INVISIBLE.match(ch):
            continue
        if seg_start is None or not _joins_previous(ch):
            flush()
            seg_start, seg = i, ""
        seg += ch
        last = i + 1
    flush()


def _removed_only(text: str) -> tuple[str, OffsetMap | None]:
    keep = array("q", (i for i, ch in enumerate(text) if not INVISIBLE.match(ch)))
    if len(keep) == len(text):
        return text, None
    clean = "".join(text[i] for i in keep)
    return clean, OffsetMap(text, clean, keep, array("q", (i + 1 for i in keep)))


def _entity(e: Entity, m: OffsetMap) -> Entity:
    text, start, end = m.span(e.entity_text, e.start, e.end)
    return replace(e, entity_text=text, start=start, end=end)


def map_back(event: Event, m: OffsetMap) -> Event:
    """The event with every offset (and the text at it) in the original text."""
    trig = dict(event.trigger)
    if isinstance(trig.get("start"), int) and isinstance(trig.get("end"), int):
        trig["text"], trig["start"], trig["end"] = m.span(trig.get("text") or "",
                                                          trig["start"], trig["end"])
    info = dict(event.text_info)
    start, end = m.start(info["start"]), m.end(info["end"])
    event_text = event.event_text
    if m.clean[info["start"]:info["end"]].strip() == event_text:
        event_text = m.original[start:end].strip()
    info["start"], info["end"] = start, end
    loc = event.event_loc
    if loc and isinstance(loc.get("start"), int) and isinstance(loc.get("end"), int):
        loc = {**loc, "start": m.start(loc["start"]), "end": m.end(loc["end"])}
    return replace(event, actor=[_entity(e, m) for e in event.actor],
                   recipient=[_entity(e, m) for e in event.recipient],
                   claimant=[_entity(e, m) for e in event.claimant],
                   trigger=trig, text_info=info, event_text=event_text, event_loc=loc)
