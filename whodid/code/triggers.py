"""Find event triggers in a parsed sentence: lexicon entries matched on lemmas, with the
dependency context deciding between senses ("fire missiles" / "fire a minister")."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from whodid.code.lexicon import DEFAULT_RECIPIENT, Lexicon, Trigger
from whodid.code.wordlists import WORDS, Section

VERB_TAGS = ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ")
# "oprd", "acomp", "ccomp": a predicate the verb gives its object ("held X responsible",
# "found X guilty", which the parser reads either way)
EXTRA_DEPS = {"prt", "prep", "advmod", "dobj", "compound", "amod", "agent", "dative", "oprd",
              "acomp", "ccomp"}
NOUN_MOD_DEPS = {"compound", "amod", "nmod"}


@dataclass
class Match:
    """A trigger found in the text: the head token, the entry it matched, every word of the
    trigger phrase, and the preposition of a phrasal trigger ("call *on*")."""

    token: Token
    entry: Trigger
    tokens: list[Token]
    prep: Token | None

    @property
    def start(self) -> int:
        return min(t.idx for t in self.tokens)

    @property
    def end(self) -> int:
        return max(t.idx + len(t.text) for t in self.tokens)

    @property
    def text(self) -> str:
        if len(self.tokens) == 1:
            return self.token.text
        # the span from the first token to the last: `doc.text` would join the whole document
        first = min(t.i for t in self.tokens)
        return self.token.doc[first:max(t.i for t in self.tokens) + 1].text

    @classmethod
    def synthesise(cls, token: Token, event: str, mode: str | None = None, *, source: str,
                   cameo: str | None = None, confidence: float = 0.6,
                   pos: str | None = None) -> Match:
        """A match for a token no lexicon entry matched (reported speech, a learned model):
        an entry made on the spot, marked `synthetic`, whose `source` says what made it.
        The part of speech defaults to the token's; recipients are looked for in the slots
        the lexicon uses by default for it."""
        pos = pos or {"NOUN": "noun", "PROPN": "noun", "ADJ": "adj"}.get(token.pos_, "verb")
        entry = Trigger(pos=pos, head=token.lemma_, extra=(), event=event, mode=mode,
                        cameo=cameo, object=None, object_none=False, object_not=frozenset(),
                        subject=None, recipient=DEFAULT_RECIPIENT[pos], embeds="none",
                        confidence=confidence, source=source, synthetic=True)
        return cls(token, entry, [token], None)


def lemma(tok: Token) -> str:
    """Lower-cased lemma; proper-noun plurals ("Talks" in a headline) are not lemmatised by
    the model, so strip the plural -s ourselves."""
    lem = tok.lemma_.lower()
    if tok.pos_ == "PROPN" and lem.endswith("s") and len(lem) > 3 and tok.text[0].isupper():
        return lem[:-1]
    return lem


def direct_object(tok: Token) -> Token | None:
    """The thing acted on: the direct object, or the passive subject."""
    for child in tok.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            return child
    return None


LISTS = Section("triggers",  # whodid/data/words.yaml, read on first use
                quantity_heads=WORDS,  # "700 kg of medicine"
                protest_groups=WORDS, not_protest_acts=WORDS)


def _phrase_lemmas(tok: Token) -> set[str]:
    """The lemma of a noun, of its compound form ("tear gas", "aid deliveries" -> also
    "aid"), and of what a quantity measures ("700 kg of medicine" -> "medicine")."""
    out = {lemma(tok)}
    mods = [c for c in tok.lefts if c.dep_ == "compound"]
    if mods:
        out.add(" ".join([lemma(m) for m in mods] + [lemma(tok)]))
        out.update(lemma(m) for m in mods)
    if lemma(tok) in LISTS.quantity_heads or tok.pos_ == "NUM" or tok.tag_ == "$":
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        out |= _phrase_lemmas(obj)
    return out


def _subject(tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    return None


def _find_extra(head: Token, words: tuple[str, ...], deps: set[str]) -> list[Token] | None:
    found: list[Token] = []
    for word in words:
        hit = next((c for c in head.children if c.dep_ in deps and c not in found
                    and (c.lower_ == word or lemma(c) == word)), None)
        if hit is None:
            return None
        found.append(hit)
    return found


COMPLEMENT_DEPS = {"dobj", "xcomp", "ccomp", "prep", "dative", "nsubjpass", "oprd", "advcl"}


def _constraints_hold(entry: Trigger, tok: Token) -> bool:
    if not entry.bare and not any(c.dep_ in COMPLEMENT_DEPS for c in tok.children):
        return False  # "Graham asked." is a quote attribution, not a request
    if entry.pos == "verb" and (entry.object is not None or entry.object_none or entry.object_not):
        obj = direct_object(tok)
        if entry.object_none and obj is not None:
            return False
        if entry.object is not None and (obj is None or not (_phrase_lemmas(obj) & entry.object)):
            return False
        if obj is not None and _phrase_lemmas(obj) & entry.object_not:
            return False
    if entry.subject is not None or entry.subject_not:
        subj = _subject(tok)
        if tok.pos_ == "NOUN" and subj is None:
            subj = tok.head if tok.dep_ == "dobj" else None
            subj = _subject(subj) if subj is not None else None
        if entry.subject is not None and (subj is None
                                          or not (_phrase_lemmas(subj) & entry.subject)):
            return False
        if subj is not None and _phrase_lemmas(subj) & entry.subject_not:
            return False
    return True


def _candidates(tok: Token) -> list[str]:
    if tok.tag_ in VERB_TAGS or tok.pos_ == "VERB":
        kinds = ["verb"]
        if tok.tag_ == "VBG" and tok.dep_ in ("nsubj", "dobj", "pobj", "compound"):
            kinds.append("noun")
        return kinds
    if tok.pos_ in ("NOUN", "PROPN"):
        # a name in a date is no act ("in March", "the May 18 ceasefire" keeps "ceasefire")
        return [] if tok.ent_type_ in ("DATE", "TIME") and tok.text[:1].isupper() else ["noun"]
    if tok.pos_ == "ADJ" and tok.dep_ in ("acomp", "ROOT", "conj"):
        return ["adj"]
    return []


def match_token(tok: Token, lex: Lexicon) -> Match | None:
    """The best lexicon entry for this token in its context, or None."""
    for pos in _candidates(tok):
        lem = lemma(tok) if pos != "verb" else tok.lemma_.lower()
        for entry in lex.lookup(pos, lem):
            if entry.extra:
                deps = EXTRA_DEPS if pos == "verb" else NOUN_MOD_DEPS
                extra = _find_extra(tok, entry.extra, deps)
                if extra is None:
                    continue
            else:
                extra = []
            if not _constraints_hold(entry, tok):
                continue
            prep = next((t for t in reversed(extra) if t.dep_ in ("prep", "agent", "dative")),
                        None)
            tokens = sorted([tok, *extra], key=lambda t: t.i)
            return Match(tok, entry, tokens, prep)
    return _crowd_act(tok, lex)


def _crowd_act(tok: Token, lex: Lexicon) -> Match | None:
    """ "Protesters stormed the parliament", "thousands of demonstrators blocked the road":
    what a crowd named by its protest actively does, where the verb has no entry of its own,
    is the protest, coded by the lexicon's entry for the noun 'protest'."""
    if (tok.pos_ != "VERB" or tok.lemma_ in lex.speech_verbs
            or tok.lemma_ in LISTS.not_protest_acts
            or any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)):
        return None
    subj = _subject(tok)
    if subj is None or not _phrase_lemmas(subj) & LISTS.protest_groups:
        return None
    entry = next(iter(lex.lookup("noun", "protest")), None)
    if entry is None:
        return None
    return Match.synthesise(tok, entry.event, entry.mode, source=f"act of '{subj.text}'",
                            cameo=entry.cameo, confidence=entry.confidence, pos="verb")


def find_triggers(sent: Span, lex: Lexicon) -> list[Match]:
    """All trigger matches in a sentence, in text order."""
    matches = []
    for tok in sent:
        if tok.is_punct or tok.is_space:
            continue
        m = match_token(tok, lex)
        if m is not None:
            matches.append(m)
    return matches
