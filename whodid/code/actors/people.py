"""Coding a proper name the tables lack (a person, or an unknown organisation or place)
and pronouns (docs/actors.md, resolution order 1 and 7-8; the reference rules are in
whodid.code.coreference)."""

from __future__ import annotations

from spacy.tokens import Token

from whodid.code.actors.heads import apposition, prep_clue
from whodid.code.actors.memory import DocumentMemory
from whodid.code.actors.phrase import (
    MAX_DEPTH,
    NOT_PERSON_ENTS,
    Phrase,
    Resolving,
    phrase_head,
    phrase_sector,
)
from whodid.code.actors.tables import Entry
from whodid.code.actors.words import actor_words
from whodid.code.coreference import (
    OBJECT_DEPS,
    WINDOW,
    Mention,
    co_arguments,
    is_speaker,
    own_subject,
    profile,
    speaker_of_speech,
    vocabulary,
)
from whodid.records import Entity

ENT_KINDS = {"ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "group"}


def _name_tokens(p: Phrase) -> list[Token]:
    """The words of a personal name at the end of the phrase ("President [Dos Santos]");
    the parser tags some names NOUN ("Vidal left")."""
    head = p.head
    if p.segs[-1][2] is not None or not head.text[:1].isupper() \
            or head.pos_ not in ("PROPN", "NOUN"):
        return []
    particles = actor_words().name_particles
    found: list[Token] = []
    for i, _, e in reversed(p.segs):
        tok = p.content[i]
        if e is None and (tok.lower_ in particles or tok.text[:1].isupper()
                          and tok.pos_ in ("PROPN", "NOUN")):
            found.insert(0, tok)
        else:
            break
    while found and not found[0].text[:1].isupper():
        found.pop(0)
    return found


def _not_a_person(r: Resolving, p: Phrase) -> Entity:
    """An organisation or place the tables lack, or an ordinary noun: the phrase's clue,
    else a state name one letter off, else unknown."""
    head, clue, hs = p.head, p.clue, p.segs[-1][2]
    kind = ENT_KINDS.get(head.ent_type_, "unknown")
    if clue is not None:
        why = f"{clue.why} + '{head.text}' (not in the actor tables)"
        return p.entity(clue.code, None, r.canonical(clue.code) or clue.name, kind,
                        "; ".join(p.notes + [why]))
    near = r.near_miss(head.text) if hs is None and head.ent_type_ != "PERSON" \
        and head.text[:1].isupper() else None
    if near is not None:  # "Ethopia", "Afganistan": one letter off a state name
        kind = "state" if near.kind == "state" else "group" if head.tag_ in (
            "NNS", "NNPS") else "person" if head.pos_ in ("NOUN", "PROPN") else kind
        return p.entity(near.code, None, r.canonical(near.code), kind,
                        f"'{head.text}' read as the {near.kind} '{near.pattern}' "
                        "(one letter off)")
    why = (f"'{p.text}': no actor table entry, title, country word, possessor, "
           "earlier mention or state name one letter off")
    return p.entity(None, None, None, kind, "; ".join(p.notes + [why]))


def code_name(r: Resolving, p: Phrase, memory: DocumentMemory,
              known: Entry | None = None) -> tuple[Entity, str | None]:
    """A name (a person, or an organisation the tables lack) or an ordinary noun.
    A person is coded by what the text says (title, country word, apposition), then
    by what the document said before, then by `known`, the people table's entry."""
    head, title, hs = p.head, p.title, p.segs[-1][2]
    if hs is not None and hs.kind == "ignore":
        p.notes.append(f"'{head.text}' is ambiguous (listed as ignore)")
    name_toks = _name_tokens(p)
    person_name = "".join(t.text_with_ws for t in name_toks).strip() or None
    remembered = memory.find_person(person_name) if person_name else None
    if known is not None and remembered is not None and remembered.name != known.name:
        known = None  # "Laura Bush" earlier: this "Bush" is hers, not the table's
    appos, _ = apposition(r, p, memory) if person_name else (None, None)
    # a title right before a name makes it a person whatever the tagger says
    titled = bool(name_toks) and any(e is title and p.content[j - 1].i + 1 == name_toks[0].i
                                     for _, j, e in p.segs)
    is_person = bool(person_name) and (
        known is not None or head.ent_type_ == "PERSON" or remembered is not None
        or titled and head.ent_type_ not in ("GPE", "LOC", "FAC")
        or head.ent_type_ not in NOT_PERSON_ENTS and (
            title is not None or appos is not None and appos.kind in ("person", "group")))
    if not is_person:
        return _not_a_person(r, p), None
    assert person_name is not None
    return _code_person(r, p, memory, person_name, (remembered, appos, known))


def _code_person(r: Resolving, p: Phrase, memory: DocumentMemory, person_name: str,
                 found: tuple[Mention | None, Entity | None, Entry | None]
                 ) -> tuple[Entity, str]:
    """A person: country and sector from the title, the phrase's clue, an of/from phrase,
    the title's default, the apposition, an earlier mention, the people table, then (for
    an office holder) the context. `found`: the earlier mention, apposition and people
    table entry of the name."""
    remembered, appos, known = found
    head, title, clue = p.head, p.title, p.clue
    office_sectors = actor_words().office_sectors
    why: list[str] = []
    code = sector = None
    if title is not None:
        sector = phrase_sector(title, p.title_mod, clue.sector if clue else None)
        why.append(f"title '{title.pattern}'")
    if clue is None and p.depth < MAX_DEPTH:
        clue = prep_clue(r, head, memory, p.depth, ("of", "from"))
    if clue is not None:
        code = clue.code
        why.append(clue.why)
        if sector is None and clue.kind in ("org",):
            sector = clue.sector
    elif title is not None and title.code:
        code = title.code
        why.append(f"'{title.pattern}' implies {title.code}")
    if appos is not None and (code is None or sector is None):
        code = code or appos.code
        sector = sector or appos.sector
        why.append(f"apposition '{appos.entity_text}'")
    if remembered is not None:
        if code is None or sector is None:
            code = code or remembered.code
            sector = sector or remembered.sector
            why.append(f"earlier mention '{remembered.text}'")
        if remembered.name and len(remembered.name) > len(person_name):
            person_name = remembered.name  # the full name is the canonical one
    if known is not None:
        if code is None or sector is None:
            code = code or known.code
            sector = sector or known.sector
            why.append(f"'{known.pattern}' in the people table")
        person_name = known.name or person_name
    if code is None and title is not None:  # "President Dos Santos" in an Angolan story
        context = memory.context_country(office=title.sector in office_sectors)
        if context is not None:
            code = context[0]
            why.append(f"office holder: country from context: {context[1]}")
    if p.former and sector in office_sectors:
        sector = "ELI"
        why.append("former")
    if code is None:
        why.append(f"person '{person_name}' with no country stated in the title, "
                   "apposition, earlier mentions or context")
    return p.entity(code, sector, person_name, "person",
                    "person: " + "; ".join(p.notes + why)), person_name


def code_pronoun(r: Resolving, tok: Token, memory: DocumentMemory, depth: int) -> Entity:
    """A pronoun takes the code of its antecedent (rules in whodid.code.coreference)."""
    w = vocabulary()
    low = tok.lower_
    span = (tok.text, tok.idx, tok.idx + len(tok))
    if low in w.first_person:  # "we" in reported speech: the speaker's side
        speaker = speaker_of_speech(tok) or memory.quote_speaker(tok)
        if speaker is None or depth >= MAX_DEPTH:
            return Entity(*span, why=f"first-person '{tok.text}' outside reported speech: "
                          "no speaker to refer to", kind="pronoun")
        ref, _ = r.resolve_at(speaker, memory, depth + 1)
        return Entity(*span, ref.code, ref.sector, ref.name,
                      f"'{tok.text}' in the speech of '{ref.entity_text}'", "pronoun")
    want = profile(low)
    if want is None:
        return Entity(*span, why=f"pronoun '{tok.text}' not resolved (only he/she/it/they "
                      "and first-person pronouns in reported speech are)", kind="pronoun")
    if low in w.reflexives and depth < MAX_DEPTH:  # "the army deployed itself"
        subject = own_subject(tok)
        if subject is not None:
            ref, _ = r.resolve_at(subject, memory, depth + 1)
            if ref.code or ref.sector:
                return Entity(*span, ref.code, ref.sector, ref.name,
                              f"reflexive → {ref.name or ref.entity_text}", "pronoun")
    blocked: set[int] = set()
    prefer = None
    if tok.dep_ in OBJECT_DEPS and low not in w.reflexives:
        blocked = co_arguments(tok)  # "Biden praised him": him is not Biden
    elif tok.dep_ == "poss" and low in w.possessives:
        subject = own_subject(tok)  # "the rebels laid down their arms"
        if subject is not None and subject.i < tok.i:
            prefer = phrase_head(subject).i
    names = {memory.cache[i].name for i in blocked if i in memory.cache} - {None}
    ref = memory.antecedent(
        tok, lambda m: m.kind != "person" or m.name not in names, want, blocked,
        speaker=is_speaker(tok), prefer=prefer)
    if ref is None:
        kinds = "/".join(sorted(want.kinds))
        return Entity(*span, why=f"pronoun '{tok.text}': no {kinds} that agrees in "
                      f"gender and number mentioned in the {WINDOW} sentences before it",
                      kind="pronoun")
    return Entity(*span, ref.code, ref.sector, ref.name,
                  f"pronoun → {ref.name or ref.text}", "pronoun")


def code_relative(r: Resolving, tok: Token, memory: DocumentMemory, depth: int) -> Entity:
    """who/which → the phrase the relative clause hangs on; in "X, the sister of Y,
    who ..." that is X."""
    ante = tok.head.head if tok.head.dep_ == "relcl" else None
    if ante is None or depth >= MAX_DEPTH:
        return Entity(tok.text, tok.idx, tok.idx + len(tok), why=f"'{tok.text}' heads no "
                      "relative clause in the parse: no antecedent", kind="pronoun")
    while ante.dep_ == "pobj" and ante.head.dep_ == "prep" and ante.head.head.dep_ == "appos":
        ante = ante.head.head.head
    if ante.dep_ == "appos":
        ante = ante.head
    ref, _ = r.resolve_at(ante, memory, depth + 1)
    return Entity(tok.text, tok.idx, tok.idx + len(tok), ref.code, ref.sector, ref.name,
                  f"relative pronoun → {ref.entity_text}", "pronoun")
