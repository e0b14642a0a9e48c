"""What one document has said so far, for the resolver and for coreference: the people by
name, the states named (the context of an unplaced person or group), and every phrase
head already resolved (so the coder's second look at a phrase is a dict lookup)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Token

from whodid.code.actors.tables import norm
from whodid.code.coreference import Discourse, Mention
from whodid.records import Entity


@dataclass
class DocumentMemory(Discourse):
    """What one document has said so far: every coded mention (for coreference), people
    by name, and the entity of every phrase head already resolved."""

    persons: dict[str, Mention] = field(default_factory=dict)  # full name or surname
    first_names: dict[str, Mention] = field(default_factory=dict)  # "Kwon", "Xi"
    cache: dict[int, Entity] = field(default_factory=dict)  # observed heads
    countries: Counter[str] = field(default_factory=Counter)  # states the document names
    named: list[list[tuple[str, str]]] = field(default_factory=list)  # (code, text) by sentence
    here: list[tuple[str, str]] = field(default_factory=list)  # (code, text) this sentence
    # (start, end, speaker head) of each quote's content, found before coding begins
    quoted: list[tuple[int, int, Token]] = field(default_factory=list)

    def context_country(self, office: bool = False) -> tuple[str, str] | None:
        """The country the text makes clear for an unplaced person or group: the only
        state the sentence names, else (the sentence naming none) the one the document
        names most or first. For an office holder (`office`), whose office is national
        by definition, also the one of several named in the sentence that the document
        names most or first."""
        first: dict[str, int] = {}
        for k, (code, _) in enumerate(self.here):
            first.setdefault(code, k)
        if len(first) == 1:
            code, text = self.here[0]
            return code, f"the only country named in the sentence, '{text}'"
        if first and not office:
            return None
        if first:  # the one the document names most; a tie goes to the first named
            code = min(first, key=lambda c: (-self.countries[c], first[c]))
            return code, (f"of the countries the sentence names, the one the document names "
                          f"most or first ({self.countries[code]} times), {code}")
        return self.most_named()

    def most_named(self) -> tuple[str, str] | None:
        """The state the document names most (a tie goes to the first named), and why."""
        if not self.countries:
            return None
        code = max(self.countries, key=self.countries.__getitem__)  # first-seen order
        return code, (f"the country the document names most or first "
                      f"({self.countries[code]} times), {code}")

    def quote_speaker(self, tok: Token) -> Token | None:
        """The speaker of the quote whose content holds the token: who "we" is in a quote
        that runs over several sentences or is attributed in another one."""
        for start, end, speaker in self.quoted:
            if start <= tok.idx < end and speaker.i != tok.i:
                return speaker
        return None

    def add_person(self, name: str, mention: Mention) -> None:
        """Register a person under the full name and its last and first words; a coded
        record is never replaced by an uncoded one of the same full name."""
        words = norm(name).lower().split()
        full = " ".join(words)
        old = self.persons.get(full)
        if old is not None and old.code and not mention.code:
            return
        self.persons[full] = mention
        if len(words) > 1:
            self.persons[words[-1]] = mention
            self.first_names[words[0]] = mention

    def find_person(self, name: str) -> Mention | None:
        """A person by full name, surname(s) or first word ("Tapia Vidal", "Vidal")."""
        key = norm(name).lower()
        found = self.persons.get(key) or self.first_names.get(key)
        if found is None and " " in key:
            found = self.persons.get(key.rsplit(" ", 1)[1])
            if found is not None and not norm(found.name or "").lower().endswith(key):
                found = None
        return found
