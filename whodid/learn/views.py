"""Build the learned layer's plain view of a parsed sentence (features.SentenceView) from
spaCy, the actor resolver and the events the rules coded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from spacy.tokens import Span, Token

from whodid.learn.features import Mention, Tok
from whodid.records import Entity

MENTION_POS = {"NOUN", "PROPN", "PRON"}
INNER_DEPS = {"compound", "flat", "det", "case"}


def tokens(sent: Span) -> list[Tok]:
    s = sent.start
    return [Tok(t.text, t.lemma_.lower(), t.pos_, t.tag_, t.dep_, t.head.i - s, t.ent_type_)
            for t in sent]


class MentionTracker:
    """Coded mentions of a sentence, plus the document context an agentless event may take
    its actor from: the last sentence's coded subject and the most named code so far."""

    def __init__(self) -> None:
        self.previous_subject: tuple[Mention, Entity] | None = None
        self.counts: Counter[str] = Counter()
        self.first: dict[str, tuple[Mention, Entity]] = {}

    def mentions(self, sent: Span, resolve: Callable[[Token], Entity]
                 ) -> list[tuple[Mention, Entity]]:
        """The sentence's coded mentions, then the ones carried from earlier sentences."""
        found: list[tuple[Mention, Entity]] = []
        seen: set[tuple[int, int]] = set()
        for tok in sent:
            if tok.pos_ not in MENTION_POS or tok.dep_ in INNER_DEPS:
                continue
            ent = resolve(tok)
            if not ent.code or (ent.start, ent.end) in seen:
                continue
            seen.add((ent.start, ent.end))
            found.append((Mention(tok.i - sent.start, ent.code, ent.sector, ent.kind,
                                  ent.entity_text, ent.start, ent.end), ent))
        context: list[tuple[Mention, Entity]] = []
        if self.previous_subject is not None:
            context.append(_carried(self.previous_subject, "previous"))
        for code, _ in self.counts.most_common(2):
            context.append(_carried(self.first[code], "document"))
        for m, ent in found:
            self.counts[m.code] += 1
            self.first.setdefault(m.code, (m, ent))
        subject = next((x for x in found if sent[x[0].i].dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            self.previous_subject = subject
        return found + context


def _carried(pair: tuple[Mention, Entity], source: str) -> tuple[Mention, Entity]:
    m, ent = pair
    return Mention(-1, m.code, m.sector, m.kind, m.text, m.start, m.end, source), ent
