"""Fill event roles from the dependency parse: who acts (actor) and who is acted on
(recipient), through passives, conjunctions, control chains and relative clauses."""

from __future__ import annotations

from spacy.tokens import Token

from whodid.code.coreference import vocabulary
from whodid.code.triggers import Match, direct_object
from whodid.code.wordlists import WORDS, Section

LISTS = Section("roles",  # whodid/data/words.yaml, read on first use
                object_control=WORDS,  # "urged X to": the object acts
                accusing=WORDS,
                taking_part=WORDS,
                partitives=WORDS)
NOUN_DEPS = {"NOUN", "PROPN", "PRON", "NUM", "ADJ", "X"}
# Edges through which a reported clause reaches its speech verb ("said it *would* ...").
CLAUSE_EDGES = {"conj", "xcomp", "aux", "advcl"}


def through_partitive(tok: Token) -> Token:
    """ "Thousands of Kenyan teachers", "a group of diplomats": the people, not the number."""
    partitives = LISTS.partitives
    if tok.lower_ in partitives or tok.lemma_.lower() in partitives or tok.pos_ == "NUM":
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return through_partitive(obj)
    return tok


def conjuncts(tok: Token) -> list[Token]:
    """A head and the heads conjoined with it ("Hungary and Romania")."""
    tok = through_partitive(tok)
    out = [tok]
    for child in tok.children:
        if child.dep_ == "conj" and child.pos_ in NOUN_DEPS:
            out.extend(conjuncts(child))
    return out


def _pobjs(prep: Token) -> list[Token]:
    for child in prep.children:
        if child.dep_ in ("pobj", "pcomp") and child.pos_ in NOUN_DEPS:
            return conjuncts(child)
    return []


def _children(tok: Token, dep: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ == dep]


def clause_head(tok: Token) -> Token:
    """The verb whose clause a trigger sits in: itself, or the light verb governing a nominal
    trigger ("did not hold talks"), or the copula of a predicative adjective ("is willing")."""
    if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("dobj", "attr") and tok.head.pos_ in (
            "VERB", "AUX"):
        return tok.head
    if tok.dep_ == "acomp":
        return tok.head
    return tok


def speech_verb(tok: Token, speech_verbs: frozenset[str]) -> Token | None:
    """The speech verb whose reported clause holds this token, if any ("X said Y *attacked*")."""
    node = tok
    if node.pos_ in ("NOUN", "PROPN") and node.dep_ in ("dobj", "attr"):
        node = node.head
    while node.head.i != node.i:
        if node.dep_ == "ccomp" and node.head.lemma_ in speech_verbs:
            return node.head
        if node.dep_ not in CLAUSE_EDGES:
            return None
        node = node.head
    return None


def is_passive(tok: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)


def subject_heads(verb: Token, depth: int = 0) -> list[Token]:
    """Heads of the actor noun phrases of a verbal trigger, following control and
    coordination when the verb has no subject of its own."""
    if depth > 6:
        return []
    agents = [p for p in verb.children if p.dep_ == "agent"]
    if agents:
        return _pobjs(agents[0])
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            if child.lower_ in vocabulary().relative_pronouns and verb.dep_ == "relcl":
                return conjuncts(verb.head)
            return conjuncts(child)
    if is_passive(verb):
        # "killed in an Israeli air strike": with no agent, a national instrument stands in
        for prep in verb.children:
            if prep.dep_ == "prep" and prep.lower_ in ("in", "during", "under"):
                for obj in _pobjs(prep):
                    mods = [c for c in obj.children if c.dep_ in ("amod", "compound")
                            and c.ent_type_ in ("NORP", "GPE")]
                    if mods:
                        return mods
        return []
    dep, head = verb.dep_, verb.head
    if head.i == verb.i:
        return []
    if dep == "relcl" or dep == "acl" and verb.tag_ != "VBN":
        # "the only country to recognise ..." -> the subject of the copula it is predicated of
        if head.dep_ in ("attr", "acomp") and head.head.lemma_ == "be":
            return subject_heads(head.head, depth + 1)
        return conjuncts(head)
    if dep == "pcomp" and head.dep_ == "prep":
        governor = head.head
        # "accused X of supplying", and "accused X ... by sending": the means of what X
        # is accused of is also X's act
        if governor.lemma_ in LISTS.object_control and (
                head.lower_ in ("of", "for", "with", "into")
                or (head.lower_ == "by" and governor.lemma_ in LISTS.accusing)):
            objs = _children(governor, "dobj")
            if objs:
                return conjuncts(objs[0])
        return subject_heads(governor, depth + 1) if governor.pos_ in ("VERB", "AUX") else []
    if dep in ("xcomp", "ccomp", "advcl", "conj", "acomp"):
        infinitive = dep == "advcl" and any(c.tag_ == "TO" for c in verb.children)
        if (dep == "xcomp" or infinitive) and head.lemma_ in LISTS.object_control:
            # "X was urged to ...": the passive subject is the one urged
            objs = _children(head, "dobj") or _children(head, "nsubjpass")
            if objs:
                return conjuncts(objs[0])
            # "called on X to": the object of the phrasal preposition
            for prep in _children(head, "prep"):
                if prep.lower_ in ("on", "upon"):
                    return _pobjs(prep)
        if head.pos_ in ("VERB", "AUX", "ADJ") or dep == "conj":
            return subject_heads(head, depth + 1)
    return []


def noun_actor_heads(noun: Token,
                     receiving_verbs: frozenset[str]) -> tuple[list[Token], list[Token], str]:
    """Actor heads of a nominal trigger ("Russia's attack", "Russian air strikes", "a rebuke
    from X", "held talks"), plus recipient heads found on a receiving verb ("X drew a rebuke"),
    and a word on how they were found."""
    for child in noun.children:
        if child.dep_ == "poss":
            return conjuncts(child), [], "possessive"
    for child in noun.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in ("by", "from"):
            heads = _pobjs(child)
            if heads:
                receivers = []
                if noun.dep_ == "dobj" and noun.head.lemma_ in receiving_verbs:
                    receivers = subject_heads(noun.head)
                return heads, receivers, f"'{child.lower_}' phrase"
        if child.dep_ == "prep" and child.lower_ == "between":
            heads = _pobjs(child)
            if heads:
                return heads, [], "'between' phrase"
    mods = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod")
            and c.pos_ in ("PROPN", "ADJ", "NOUN") and c.ent_type_ in ("GPE", "NORP", "ORG")]
    if mods:
        return mods, [], "modifier"
    accused = _accused_of(noun)
    if accused:
        return accused, [], ACCUSED
    governor = noun.head
    if noun.dep_ == "dobj" and governor.pos_ == "VERB":
        if governor.lemma_ in receiving_verbs:
            # "drew a rebuke from X": the giver may hang off the verb
            for child in governor.children:
                if child.dep_ in ("prep", "agent") and child.lower_ in ("from", "by"):
                    givers = _pobjs(child)
                    if givers:
                        return givers, subject_heads(governor), "'from' phrase of receiving verb"
            return [], subject_heads(governor), "receiving verb"
        return subject_heads(governor), [], f"subject of '{governor.text}'"
    if (noun.dep_ == "pobj" and governor.dep_ == "prep" and governor.lower_ == "of"
            and governor.head.dep_ == "dobj" and governor.head.head.pos_ == "VERB"):
        # "launched ten days of war games": the quantity's verb
        verb = governor.head.head
        return subject_heads(verb), [], f"subject of '{verb.text}'"
    if noun.dep_ == "pobj" and governor.dep_ == "prep" and governor.head.pos_ == "VERB":
        # "engaged in talks", "went on strike"
        return subject_heads(governor.head), [], f"subject of '{governor.head.text}'"
    if noun.dep_ in ("nsubj", "attr") and governor.lemma_ == "be":
        return [], [], "copula"
    return [], [], "no actor in phrase"


ACCUSED = "the accused"


def accusing_verb(noun: Token) -> Token | None:
    """The accusing verb whose charge names this act ("accused X of abuses", "charged X
    with murder", "blamed X for involvement in the killing"), looking through a noun of
    taking part; None if there is none."""
    tok = noun
    for _ in range(3):
        while tok.dep_ == "conj" and tok.head.i != tok.i:
            tok = tok.head  # "of harassment and abuse"
        prep = tok.head
        if tok.dep_ != "pobj" or prep.dep_ != "prep" or prep.head.i == prep.i:
            return None
        head = prep.head
        if head.pos_ == "VERB":
            ok = head.lemma_ in LISTS.accusing and prep.lower_ in ("of", "for", "with")
            return head if ok else None
        if head.lemma_.lower() not in LISTS.taking_part or prep.lower_ not in ("in", "for", "of"):
            return None
        tok = head
    return None


def _accused_of(noun: Token) -> list[Token]:
    """The accused, for an act named in what they are accused of."""
    verb = accusing_verb(noun)
    if verb is None:
        return []
    objs = _children(verb, "dobj") or _children(verb, "nsubjpass")
    return conjuncts(objs[0]) if objs else []


def actor_heads(match: Match,
                receiving_verbs: frozenset[str]) -> tuple[list[Token], list[Token], str]:
    """Actor heads of a trigger, recipient heads found on the way (a receiving verb's
    subject), and a word on how they were found."""
    tok = match.token
    if match.entry.pos == "noun" or tok.pos_ == "NOUN":
        return noun_actor_heads(tok, receiving_verbs)
    if match.entry.pos == "adj":
        return subject_heads(tok.head if tok.dep_ == "acomp" else tok), [], "subject of copula"
    if match.entry.inverse:
        # "received weapons from X": X acts, the subject receives ("from" may hang off
        # the verb or its object)
        obj = direct_object(tok)
        for child in [*tok.children, *(obj.children if obj is not None else [])]:
            if child.dep_ in ("prep", "agent") and child.lower_ in ("from", "by"):
                return _pobjs(child), subject_heads(tok), "'from' phrase of a receiving verb"
        return [], [], "no giver named"
    heads = subject_heads(tok)
    how = "passive 'by' agent" if any(c.dep_ == "agent" for c in tok.children) else "subject"
    return heads, [], how


def object_owner(obj: Token) -> list[Token]:
    """Who a thing belongs to: "the US allegations", "Iraqi towns", "the independence of X"."""
    for child in obj.children:
        if child.dep_ == "poss":
            return conjuncts(child)
    mods = [c for c in obj.children if c.dep_ in ("compound", "amod", "nmod")
            and c.ent_type_ in ("GPE", "NORP", "ORG", "PERSON")]
    if mods:
        return mods
    for child in obj.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "against"):
            return _pobjs(child)
    return []


def recipient_candidates(match: Match, slot: str) -> list[Token]:
    """The heads a recipient slot of the lexicon points at."""
    tok = match.token
    if slot == "dobj":
        obj = direct_object(tok)
        return conjuncts(obj) if obj is not None else []
    if slot == "dative":
        out = []
        for c in tok.children:
            if c.dep_ == "dative":
                out.extend(_pobjs(c) if c.pos_ == "ADP" else conjuncts(c))
        return out
    if slot.startswith("prep:"):
        word = slot[5:]
        if match.prep is not None and match.prep.lower_ == word:
            return _pobjs(match.prep)
        for c in tok.children:
            if c.dep_ in ("prep", "dative", "agent") and c.lower_ == word:
                return _pobjs(c)
        return []
    if slot == "ccomp_subject":
        # "warned that X will face ...", and the condition inside it: "... if Y continued"
        out = []
        for c in tok.children:
            if c.dep_ in ("ccomp", "xcomp"):
                for clause in (c, *[a for a in c.children if a.dep_ == "advcl"]):
                    subj = [s for s in clause.children if s.dep_ in ("nsubj", "nsubjpass")]
                    if subj:
                        out.extend(conjuncts(subj[0]))
        return out
    if slot == "xcomp_object":
        for c in tok.children:
            if c.dep_ in ("xcomp", "ccomp"):
                obj = direct_object(c)
                if obj is not None:
                    return conjuncts(obj)
        return []
    if slot == "object_owner":
        obj = direct_object(tok)
        return object_owner(obj) if obj is not None else []
    return []  # "accuser" is filled from the document by the coder
