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

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.tokens import Token

# Pronouns and descriptions look back this many sentences (the current one included).
WINDOW = 3

PERSON_PRONOUNS = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
THING_PRONOUNS = frozenset({"it", "its", "itself"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours",
                          "ourselves"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom", "whose"})
REFLEXIVES = frozenset({"himself", "herself", "itself", "themselves", "myself", "ourselves"})
POSSESSIVES = frozenset({"his", "her", "its", "their", "my", "our"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
OBJECT_DEPS = frozenset({"dobj", "dative", "pobj", "iobj"})
# Verbs that introduce reported speech: their subject is a quote's speaker. The trigger
# lexicon has its own, longer list; this one only decides who "he added" is.
SPEECH_LEMMAS = frozenset({
    "say", "add", "tell", "state", "note", "insist", "claim", "declare", "announce",
    "explain", "stress", "emphasise", "emphasize", "argue", "write", "report", "confirm",
    "deny", "warn", "accuse", "reiterate", "continue", "conclude", "remark", "reply",
    "respond", "comment", "suggest", "acknowledge", "admit", "assert", "maintain",
    "predict", "vow", "pledge", "urge", "ask", "call",
})
# Words in a mention or its apposition that say whether a person is a man or a woman.
MALE_WORDS = frozenset({
    "mr", "sir", "lord", "king", "prince", "emperor", "sheikh", "emir", "sultan", "pope",
    "father", "son", "brother", "husband", "uncle", "nephew", "grandson", "grandfather",
    "spokesman", "chairman", "congressman", "businessman", "councilman", "statesman",
    "nobleman", "monk", "widower", "boyfriend", "patriarch", "duke", "baron", "count",
})
FEMALE_WORDS = frozenset({
    "mrs", "ms", "miss", "madam", "madame", "lady", "dame", "queen", "princess", "empress",
    "sheikha", "mother", "daughter", "sister", "wife", "aunt", "niece", "granddaughter",
    "grandmother", "spokeswoman", "chairwoman", "congresswoman", "businesswoman",
    "councilwoman", "stateswoman", "nun", "widow", "girlfriend", "first lady", "duchess",
    "baroness", "countess",
})


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
    if low in PERSON_PRONOUNS:
        return Profile(frozenset({"person"}), False, "f" if low in FEMALE_PRONOUNS else "m")
    if low in THING_PRONOUNS:
        return Profile(frozenset({"state", "org"}), False, None)
    if low in PLURAL_PRONOUNS:  # "they" is also said of a state or an organisation
        return Profile(frozenset({"group", "org", "state"}), True, None)
    return None


def gender_of(words: Iterable[str]) -> str | None:
    """'m' or 'f' when a title or a kinship or office word says so ("Mrs", "sister",
    "spokeswoman"), else None. Names alone are not guessed."""
    found: set[str] = set()
    prev = ""
    for w in words:
        low = w.lower().rstrip(".")
        if low in MALE_WORDS:
            found.add("m")
        if low in FEMALE_WORDS or f"{prev} {low}" in FEMALE_WORDS:
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
    return tok.dep_ in SUBJECT_DEPS and tok.head.lemma_.lower() in SPEECH_LEMMAS


def speaker_of_speech(tok: Token) -> Token | None:
    """For a first-person pronoun inside reported speech, the subject of the speech verb
    that governs it ("'We will respond,' Kwon said": Kwon)."""
    node = tok
    while node.head.i != node.i:
        node = node.head
        if node.lemma_.lower() in SPEECH_LEMMAS:
            for child in node.children:
                if child.dep_ in SUBJECT_DEPS and child.i != tok.i \
                        and child.lower_ not in FIRST_PERSON:
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
