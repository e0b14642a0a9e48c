"""Coding a phrase by its head: a name in the tables, a demonym, or a job, group or
institution noun (docs/actors.md, resolution order 3-6), and the clues each takes from
its modifiers and from the phrases around it."""

from __future__ import annotations

import re

from spacy.tokens import Token

from whodid.code.actors.memory import DocumentMemory
from whodid.code.actors.phrase import (
    MAX_DEPTH,
    Clue,
    Phrase,
    Resolving,
    description_filter,
    phrase_sector,
)
from whodid.code.actors.tables import NAMED_KINDS, Entry, norm
from whodid.code.actors.words import actor_words
from whodid.records import Entity

CLUE_LABELS = {"state": "state", "seat": "seat of power", "place": "place",
               "org": "organisation", "person": "person", "demonym": "demonym"}
NAMED_ENTITY_KINDS = {"seat": "state", "state": "state", "place": "place", "org": "org",
                      "person": "person"}
NOUN_ENTITY_KINDS = {"group": "group", "body": "org", "country": "state", "ethnic": "group"}


def entry_clue(r: Resolving, e: Entry, text: str) -> Clue:
    """The country evidence of a named modifier ("North Korean", "Hamas")."""
    name = e.name if e.kind in ("org", "person") else r.canonical(e.code) or e.name
    sector = e.sector if e.kind in ("org", "seat", "person") or e.sector == "PRE" else None
    return Clue(e.code, sector, name, e.kind, f"{CLUE_LABELS[e.kind]} '{text}'")


def read_modifiers(r: Resolving, p: Phrase) -> None:
    """What the segments before the head say: a country clue, a sector word, a title,
    an ethnic or religious group, or an ambiguous name (a note)."""
    led_words = actor_words().led_words
    content = p.content
    for i, j, e in p.segs[:-1]:
        if e is None:
            continue
        seg_text = " ".join(t.text for t in content[i:j])
        if e.kind == "ignore":
            p.notes.append(f"'{seg_text}' is ambiguous")
        elif e.kind == "ethnic":
            p.people = (e, seg_text)
        elif e.kind in NAMED_KINDS:
            if e.kind == "demonym" and p.ethnic:
                p.notes.append(f"'ethnic {seg_text}' is not a nationality")
                continue
            if j + 1 < len(content) and content[j].text == "-":
                if content[j + 1].lower_ not in led_words:  # "Russian-backed"
                    p.notes.append(f"'{seg_text}-{content[j + 1].text}' is not a nationality")
                    continue
                seg_text += f"-{content[j + 1].text}"  # "Saudi-led": the leader's side
            p.clue = entry_clue(r, e, seg_text)
        elif e.sector or e.code:
            if e.kind == "role":
                p.title, p.title_mod = e, p.mod_sector
            else:
                p.mod_sector = e.sector or p.mod_sector
    if p.title is not None and p.segs[-1][2] is not None:  # a role as modifier: "rebel chief"
        p.mod_sector = p.title.sector or p.mod_sector


def outer_clue(r: Resolving, tok: Token, memory: DocumentMemory, depth: int,
               how: str) -> Clue | None:
    """Country evidence from another phrase (possessor, "of" object, apposition)."""
    if depth >= MAX_DEPTH:
        return None
    entity, _ = r.resolve_at(tok, memory, depth + 1, from_appos=True)
    if entity.code is None:
        return None
    kind = entity.kind if entity.kind != "pronoun" else "state"
    said = f"'{how} {entity.entity_text}'" if how in ("of", "from", "in") else \
        f"{how} '{entity.entity_text}'"
    return Clue(entity.code, entity.sector if kind in ("org", "state", "person") else None,
                entity.name, kind, said)


def prep_clue(r: Resolving, head: Token, memory: DocumentMemory, depth: int,
              preps: tuple[str, ...]) -> Clue | None:
    """Country evidence from the head's first of/from/in phrase (in `preps` order) that
    has any ("the army of Mali", "police in Brazil")."""
    for word in preps:
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ == word:
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        clue = outer_clue(r, pobj, memory, depth, word)
                        if clue is not None:
                            return clue
    return None


def apposition(r: Resolving, p: Phrase,
               memory: DocumentMemory) -> tuple[Entity | None, str | None]:
    """The apposition of a phrase, either way round ("X, the sister of Y" / "the
    director general of Z, X"), and the person it names."""
    if p.from_appos or p.depth >= MAX_DEPTH:
        return None, None
    head = p.head
    others = [c for c in head.rights if c.dep_ == "appos"]
    if head.dep_ == "appos":
        others.append(head.head)
    for other in others:
        entity, person = r.resolve_at(other, memory, p.depth + 1, from_appos=True)
        if entity.code or entity.sector or person:
            return entity, person
    return None, None


def code_named(r: Resolving, e: Entry, p: Phrase, memory: DocumentMemory) -> Entity:
    """A name in the tables: its own code and sector, whatever modifies it; a city name
    big cities of several countries share goes to the one the document names."""
    kind = NAMED_ENTITY_KINDS[e.kind]
    name = e.name or r.canonical(e.code)
    others = r.namesakes(e)
    if others and not memory.countries[e.code]:
        named = [c for c in others if c != e.code and memory.countries[c]]
        if named:
            code = max(named, key=memory.countries.__getitem__)
            return p.entity(code, None, r.canonical(code), "place",
                            f"'{e.pattern}' is also a city in {r.canonical(code) or code}, "
                            "which the document names")
    if e.kind == "seat":
        why = (f"capital '{e.pattern}' as agent → government" if e.source.startswith(
            "geonames") else f"seat of power '{e.pattern}'")
    elif e.kind == "state" and e.sector == "PRE":
        why = f"partially recognised '{e.pattern}' → parent state + PRE"
    elif e.kind == "state":
        why = f"state name '{e.pattern}'"
    elif e.kind == "place":
        why = f"place '{e.pattern}' in {r.canonical(e.code) or e.code}"
    else:
        why = f"{e.kind} '{e.pattern}' in actor table"
    sector = e.sector
    words = actor_words()
    if e.kind == "person" and sector in words.office_sectors and words.former & set(
            re.split(r"[\s-]+", p.text.lower())):
        sector, why = "ELI", why + "; former office holder"
    return p.entity(e.code, sector, name, kind, why)


def code_demonym(r: Resolving, hs: Entry, p: Phrase, memory: DocumentMemory) -> Entity:
    """A demonym as head: a national ("the Hungarian", "Americans"), unless "of <place>"
    says where the group lives or "ethnic" makes it an ethnic group."""
    hi, hj, _ = p.segs[-1]
    head, text, clue = p.head, p.text, p.clue
    said = " ".join(t.text for t in p.content[hi:hj])
    plural = head.tag_ in ("NNS", "NNPS") or norm(said) != norm(hs.pattern)
    kind = "group" if plural else "person"
    if clue is None:  # "the Albanians of southern Serbia", "ethnic Turks in Sweden"
        place = prep_clue(r, head, memory, p.depth, ("of", "in") if p.ethnic else ("of",))
        if place is not None and place.kind in ("state", "place", "seat"):
            clue = place
    if p.ethnic:
        why = f"'{text}' is an ethnic group, not a nationality"
        if clue is not None:
            return p.entity(clue.code, None, r.canonical(clue.code), kind,
                            f"{why}; they live in {clue.why}")
        found = memory.context_country()
        if found is not None:
            return p.entity(found[0], None, r.canonical(found[0]), kind,
                            f"{why}; country from context: {found[1]}")
        return p.entity(None, None, None, kind,
                        f"{why}; no of/in place and no single country in context")
    # "five Iranians", "thousands of Syrians": nationals counted are people, civilians
    # unless a word of the phrase says otherwise (news_train codes 24 of 30 so)
    counted = plural and _counted(head)
    people = "CVL" if counted else None  # the sector where the name gives none
    why = f"demonym '{said}' as a noun" + ("; counted: civilians" if counted else "")
    if clue is not None and clue.kind in ("state", "demonym", "place", "seat"):
        return p.entity(clue.code, clue.sector or people, r.canonical(clue.code) or clue.name,
                        kind, f"{clue.why} + {why}")
    return p.entity(hs.code, hs.sector or people, r.canonical(hs.code), kind, why)


def _counted(head: Token) -> bool:
    """Whether a plural noun is counted: a number, a counting word, or "<count> of" it."""
    counting = actor_words().counting_words
    if any(c.dep_ == "nummod" or c.lower_ in counting for c in head.children):
        return True
    of = head.head if head.dep_ == "pobj" and head.head.lower_ == "of" else None
    return of is not None and (of.head.like_num or of.head.lower_ in counting)


def _noun_clue(r: Resolving, hs: Entry, p: Phrase, memory: DocumentMemory,
               people: bool) -> Clue | None:
    """The country evidence of a noun phrase beyond its modifiers: its of/from/in phrase,
    or against the noun's own default country (not a people's) only "of" a place
    ("Congress of Peru")."""
    if p.clue is not None:
        return p.clue
    if hs.code is None or people:
        return prep_clue(r, p.head, memory, p.depth, ("of", "from", "in"))
    clue = prep_clue(r, p.head, memory, p.depth, ("of",))
    if clue is not None and clue.kind not in ("state", "place", "seat", "demonym"):
        return None
    return clue


def code_noun(r: Resolving, hs: Entry, p: Phrase, memory: DocumentMemory) -> Entity:
    """A job, group or institution noun: sector from the noun, country from around:
    the phrase, its of/from/in phrase, its apposition, the noun's default country, an
    earlier mention it describes, then the country the text makes clear. An ethnic or
    religious group ("Kurds", "Ibo elders") is placed by the text before its default."""
    head = p.head
    plural = head.tag_ in ("NNS", "NNPS")
    if hs.kind in ("role", "equipment"):
        kind = "group" if plural else "person" if hs.kind == "role" else "org"
    else:
        kind = NOUN_ENTITY_KINDS[hs.kind]
    people = (hs, hs.pattern) if hs.kind == "ethnic" else p.people
    generic = hs.sector is None and hs.code is None
    why: list[str] = []
    default = people[0].code if people else hs.code
    clue = _noun_clue(r, hs, p, memory, bool(people))
    appos, person_name = apposition(r, p, memory)
    if clue is None and hs.code is None and appos is not None and appos.code:
        clue = Clue(appos.code, appos.sector, appos.name, appos.kind,
                    f"apposition '{appos.entity_text}'")
    if generic and clue is not None and clue.kind in ("org", "seat", "state"):
        return p.entity(clue.code, clue.sector, clue.name, "org" if clue.kind == "org" else kind,
                        f"{clue.why} + '{head.text}'")
    sector = phrase_sector(hs, p.mod_sector, clue.sector if clue else None)
    if hs.kind == "country":
        sector = None
    if p.former and hs.kind == "role" and sector in actor_words().office_sectors:
        sector = "ELI"
        why.append("former")
    code = name = None
    if clue is not None:
        code = clue.code
        name = clue.name if clue.kind == "org" else r.canonical(code) or clue.name
        why.append(f"{clue.why} + '{hs.pattern}'")
    elif hs.code and not people:
        code, name = hs.code, r.canonical(hs.code)
        why.append(f"'{hs.pattern}' implies {hs.code}")
    elif p.definite and hs.kind != "ethnic":
        ref = memory.antecedent(head, description_filter(hs, kind, sector))
        if ref is not None:
            code, name = ref.code, ref.name
            sector = sector or ref.sector
            why.append(f"description → {ref.text}")
    if code is None and (sector or people) and hs.kind not in ("country", "equipment"):
        found = memory.context_country()
        if found is not None:
            code, name = found[0], r.canonical(found[0])
            why.append(f"'{hs.pattern}': country from context: {found[1]}")
    if code is None and people and default:
        code, name = default, r.canonical(default)
        why.append(f"'{people[1]}' mostly live in {default}")
    if code is None:
        why.append(f"'{hs.pattern}': no country in the phrase, its possessor, of/from/in "
                   "phrase, apposition, earlier mentions or context")
    why.append(f"sector {sector}" if sector else "no sector")
    if person_name:
        name = person_name
    return p.entity(code, sector, name, kind, "; ".join(p.notes + why))
