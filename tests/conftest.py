"""Shared fixtures: the parser and the actor resolver, loaded once per test session."""

from __future__ import annotations

import pytest
from spacy.language import Language

from whodid.code.actors import ActorResolver, get_resolver
from whodid.nlp import load_model
from whodid.records import Entity


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The product's parser (whodid's line-break rule included), loaded once."""
    return load_model()


@pytest.fixture(scope="session")
def resolver() -> ActorResolver:
    return get_resolver()


def resolve_mention(nlp: Language, resolver: ActorResolver, text: str, head: str,
                    nth: int = 0) -> Entity:
    """Parse, observe every sentence in order, then resolve the nth token spelled `head`."""
    doc = nlp(text)
    memory = resolver.new_document(doc)
    for sent in doc.sents:
        resolver.observe(sent, memory)
    tokens = [t for t in doc if t.text == head]
    assert len(tokens) > nth, f"{head!r} not in {[t.text for t in doc]}"
    return resolver.resolve(tokens[nth], memory)


def sentence_context(nlp: Language, resolver: ActorResolver, text: str, nth: int = 0):
    """The coding context of the nth sentence of `text`, the sentences before it observed."""
    from whodid.code.candidate import DocState
    from whodid.code.context import SentenceContext
    from whodid.code.lexicon import get_lexicon

    doc = nlp(text)
    sents = list(doc.sents)
    memory = resolver.new_document(doc)
    for sent in sents[:nth + 1]:
        resolver.observe(sent, memory)
    return SentenceContext(sents[nth], nth, memory, DocState(), get_lexicon(), resolver)


def token(sent, word: str, nth: int = 0):
    """The nth token spelled `word` in a sentence or document."""
    found = [t for t in sent if t.text == word]
    assert len(found) > nth, f"{word!r} not in {[t.text for t in sent]}"
    return found[nth]
