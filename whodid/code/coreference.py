"""Reference within a document: pronouns, definite descriptions and quote speakers.

No coreference package works offline with our parser, so this is a small rule-based one
in the tradition of Hobbs (1978) and Lappin & Leass (1994): the candidates are the coded
mentions the actor resolver has seen in the last few sentences; those that disagree in
kind, gender or number, or that the syntax forbids ("Biden praised him": him is not Biden),
are dropped; the rest are ranked by salience: nearer sentences first; in the pronoun's own
sentence, the nearest clause around it first (Hobbs's search order); then subjects of a
main clause, then other subjects, then the latest. A pronoun that is the subject of a
speech verb ("He added ...") prefers the last speaker; a first-person pronoun inside
reported speech ("we will respond", the minister said) is the speaker.

The module knows nothing about the actor tables: the resolver gives it `Mention`s and asks
`Discourse.antecedent` for a referent, so the rules can be tested on their own.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields

from spacy.tokens import Token

from whodid.code.wordlists import DATA_DIR, WORDS, read_word_lists, require_subset

# Pronouns and descriptions look back this many sentences (the current one included).
WINDOW = 3

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
OBJECT_DEPS = frozenset({"dobj", "dative", "pobj", "iobj"})
WORDS_FILE = DATA_DIR / "coreference.yaml"


@dataclass(frozen=True, slots=True)
class Words:
    """The word lists of data/coreference.yaml (what each is for is said there)."""

    person_pronouns: frozenset[str]
    female_pronouns: frozenset[str]
    thing_pronouns: frozenset[str]
    plural_pronouns: frozenset[str]
    first_person: frozenset[str]
    relative_pronouns: frozenset[str]
    reflexives: frozenset[str]
    possessives: frozenset[str]
    speech_lemmas: frozenset[str]
    male_words: frozenset[str]
    female_words: frozenset[str]

    @property
    def third_person(self) -> frozenset[str]:
        return self.person_pronouns | self.thing_pronouns | self.plural_pronouns


@functools.cache
def vocabulary() -> Words:
    """The coreference word lists, read and checked on first use (not at import, so that a
    broken file is reported by the runner's knowledge check, not as an import traceback)."""
    lists = read_word_lists(WORDS_FILE, {f.name: WORDS for f in fields(Words)})
    require_subset(WORDS_FILE, lists, "female_pronouns", "person_pronouns")
    pronouns = set().union(*(lists[k] for k in ("person_pronouns", "thing_pronouns",
                                                 "plural_pronouns", "first_person")))
    lists["all_pronouns"] = frozenset(pronouns)
    for part in ("reflexives", "possessives"):
        require_subset(WORDS_FILE, lists, part, "all_pronouns")
    del lists["all_pronouns"]
    return Words(**lists)


@dataclass(slots=True)
class Mention:
    """An entity the document has named, as the resolver coded it."""

    position: int  # token index of the phrase head in the document
    sent: int  # sentence number in the document
    text: str
    code: str | None
    sector: str | None
    name: str | None
    kind: str  # person, group, org, state
    subject: bool  # subject of a clause (or in apposition/conjunction with one)
    main: bool = False  # subject of the sentence's main clause
    speaker: bool = False  # subject of a speech verb
    plural: bool = False
    gender: str | None = None  # "m", "f" or None when the text does not say


@dataclass(frozen=True, slots=True)
class Profile:
    """What a pronoun requires of its antecedent."""

    kinds: frozenset[str]
    plural: bool | None  # None: either
    gender: str | None


def profile(word: str) -> Profile | None:
    """Agreement features of a third-person pronoun; None for any other word."""
    low = word.lower()
    w = vocabulary()
    if low in w.person_pronouns:
        return Profile(frozenset({"person"}), False, "f" if low in w.female_pronouns else "m")
    if low in w.thing_pronouns:
        return Profile(frozenset({"state", "org"}), False, None)
    if low in w.plural_pronouns:  # "they" is also said of a state or an organisation
        return Profile(frozenset({"group", "org", "state"}), True, None)
    return None


def gender_of(words: Iterable[str]) -> str | None:
    """'m' or 'f' when a title or a kinship or office word says so ("Mrs", "sister",
    "spokeswoman"), else None. Names alone are not guessed."""
    v = vocabulary()
    found: set[str] = set()
    prev = ""
    for w in words:
        low = w.lower().rstrip(".")
        if low in v.male_words:
            found.add("m")
        if low in v.female_words or f"{prev} {low}" in v.female_words:
            found.add("f")
        prev = low
    return found.pop() if len(found) == 1 else None


def clause_verb(tok: Token) -> Token:
    """The verb (or root) of the clause a token belongs to."""
    tok = tok.head if tok.head.i != tok.i else tok
    while tok.dep_ != "ROOT" and tok.pos_ not in ("VERB", "AUX"):
        tok = tok.head
    return tok


def clause_path(tok: Token) -> list[int]:
    """The verbs of the clauses around a token, innermost first, up to the root."""
    path: list[int] = []
    verb = clause_verb(tok)
    while True:
        path.append(verb.i)
        if verb.head.i == verb.i:
            return path
        verb = clause_verb(verb)


def is_speaker(tok: Token) -> bool:
    """Whether a phrase head is the subject of a speech verb ("Kwon said", "he added")."""
    return tok.dep_ in SUBJECT_DEPS and tok.head.lemma_.lower() in vocabulary().speech_lemmas


def speaker_of_speech(tok: Token) -> Token | None:
    """For a first-person pronoun inside reported speech, the subject of the speech verb
    that governs it ("'We will respond,' Kwon said": Kwon)."""
    w = vocabulary()
    node = tok
    while node.head.i != node.i:
        node = node.head
        if node.lemma_.lower() in w.speech_lemmas:
            for child in node.children:
                if child.dep_ in SUBJECT_DEPS and child.i != tok.i \
                        and child.lower_ not in w.first_person:
                    return child
    return None


def co_arguments(tok: Token) -> set[int]:
    """Token indices a plain object pronoun may not refer to: the subjects of its own
    verb and their conjuncts (binding principle B: "Biden praised him")."""
    verb = tok.head.head if tok.dep_ == "pobj" else tok.head
    blocked: set[int] = set()
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS:
            blocked.add(child.i)
            blocked.update(c.i for c in child.conjuncts)
    return blocked


def own_subject(tok: Token) -> Token | None:
    """The subject of the clause a reflexive or possessive pronoun sits in."""
    verb = clause_verb(tok)
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS and child.i != tok.i:
            return child
    if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.i != verb.i:  # control
        return own_subject(verb.head) if verb.head.i < tok.i else None
    return None


@dataclass
class Discourse:
    """The mentions of one document so far, in order, and the sentence starts."""

    mentions: list[Mention] = field(default_factory=list)
    sent_starts: list[int] = field(default_factory=list)

    def sentence_of(self, token: Token) -> int:
        return max(bisect_right(self.sent_starts, token.i) - 1, 0)

    def antecedent(self, tok: Token, accept: Callable[[Mention], bool],
                   want: Profile | None = None, blocked: frozenset[int] | set[int] = frozenset(),
                   speaker: bool = False, prefer: int | None = None) -> Mention | None:
        """The most salient accepted mention before `tok` within WINDOW sentences.

        `want` adds agreement (kind and gender are hard, number soft for states and
        organisations called "they"); `blocked` are positions the syntax forbids; `speaker`
        favours earlier speakers; `prefer` is the position of a mention the pronoun most
        likely points to (a possessive's own clause subject)."""
        here = self.sentence_of(tok)
        path: list[int] | None = None
        best: Mention | None = None
        best_score = float("-inf")
        for m in reversed(self.mentions):
            if m.position >= tok.i or m.position in blocked:
                continue
            distance = here - m.sent
            if distance >= WINDOW:
                break
            if not accept(m):
                continue
            score = -10.0 * distance - 0.001 * (tok.i - m.position)
            agrees = True
            if want is not None:
                if m.kind not in want.kinds:
                    continue
                if want.gender and m.gender and m.gender != want.gender:
                    continue
                if want.plural is not None and m.plural != want.plural:
                    if m.kind in ("person", "group"):
                        continue
                    agrees = False
                    score -= 12.0  # "they" for a state: only when no group will do
            if distance == 0:  # Hobbs: the nearest clause around the pronoun first
                path = path if path is not None else clause_path(tok)
                doc = tok.doc
                depth = next((k for k, v in enumerate(path)
                              if doc[v].left_edge.i <= m.position <= doc[v].right_edge.i),
                             len(path))
                score -= 5.0 * depth
            score += 3.0 if m.subject else 0.0
            score += 1.0 if m.main else 0.0
            score += 4.0 if speaker and m.speaker else 0.0
            score += 20.0 if agrees and prefer is not None and m.position == prefer else 0.0
            if score > best_score:
                best, best_score = m, score
        return best
