"""The `places` stage: each event gets the place where it happened, when its sentence says
it (whodid.places.mentions finds the place phrase, whodid.places.resolve the place it
means), as the record's `event_loc`. A document stage, so that the countries of the whole
document disambiguate; it sets nothing but the place."""

from __future__ import annotations

from collections import Counter
from typing import Any

from spacy.tokens import Token

from whodid.code import roles
from whodid.code.candidate import Candidate
from whodid.code.context import DocumentContext
from whodid.code.pipeline import register_stage
from whodid.places.gazetteer import Place, gazetteer, key
from whodid.places.mentions import (
    MOVEMENT,
    WEAK_LOCATIVE,
    Mention,
    event_mentions,
    find_mentions,
    place_entities,
    scene,
)
from whodid.places.resolve import Context, resolve

# prepositions that also name whom an act is aimed at ("called on", "pressure over", "to")
WEAK = WEAK_LOCATIVE | {"to"}
VISITS = {"visit", "tour", "host", "enter"}
# events that are acts of speech: made where they were said
SPOKEN = {"ACCUSE", "REJECT", "REQUEST", "THREATEN"}


@register_stage("places", document=True)
def places(ctx: DocumentContext, cands: list[Candidate]) -> list[Candidate]:
    gaz = gazetteer()
    people = frozenset(key(name) for name in ctx.memory.persons)
    by_sentence: dict[int, tuple[list[Mention], set[str], list[Mention]]] = {}
    document: Counter[str] = Counter()  # how often the document names each country
    ents = place_entities(ctx.parsed)
    for sent in ctx.parsed.sents:
        mentions = find_mentions(sent, gaz, people, ents)
        countries = set()  # of the sentence's names that only one country has
        for m in mentions:
            owners = {p.country for p in gaz.lookup(m.name)} if m.kind == "name" else ()
            if len(owners) == 1:
                countries |= owners
                document.update(owners)
        by_sentence[sent.start_char] = (mentions, countries, [m for m in mentions if scene(m)])
    for cand in cands:
        document.update(e.code for e in [*cand.actors, *cand.recipients] if e.code in
                        gaz.countries)
    for cand in cands:
        if cand.live:
            mentions, countries, framing = by_sentence.get(cand.sent.start_char,
                                                           ([], set(), []))
            cand.place = place_of(cand, mentions, countries, document,
                                  ctx.lexicon.speech_verbs, framing)
    return cands


places.prepare = gazetteer  # type: ignore[attr-defined]  # build it when the coder is built


def place_of(cand: Candidate, mentions: list[Mention], countries: set[str],
             document: Counter[str], speech_verbs: frozenset[str] = frozenset(),
             framing: list[Mention] = ()) -> dict[str, Any] | None:
    """The event_loc of a candidate: its nearest place mention that is not one of its
    participants, resolved in the context of its participants, sentence and document. A
    spoken act (an accusation, a demand ...) made in a reported clause is where it was said
    ("told reporters in Hanoi that ..."); else the sentence's `framing` locative ("In X,
    ...", `scene`) places it."""
    clause = _clause_verb(cand)
    found = _place_from(cand, event_mentions(cand.token, mentions, clause), countries, document,
                        f"'{cand.token.text}'")
    if found is None and cand.event in SPOKEN:
        verb = roles.speech_verb(clause or cand.token, speech_verbs)
        if verb is not None:
            found = _place_from(cand, event_mentions(verb, mentions), countries, document,
                                f"'{verb.text}', which reports '{cand.token.text}'")
    if found is None and framing:
        found = _place_from(cand, [(0, "locative", m) for m in framing], countries, document,
                            "the sentence (it opens it)")
    return found


def _place_from(cand: Candidate, options: list[tuple[int, str, Mention]], countries: set[str],
                document: Counter[str], of: str) -> dict[str, Any] | None:
    """The first of the `options` (distance, how, mention) that is no participant and that
    the gazetteer resolves, as an event_loc."""
    gaz = gazetteer()
    taken = {(e.start, e.end) for e in [*cand.actors, *cand.claimant]}
    acted_on = {(e.start, e.end) for e in cand.recipients}
    participants = {e.code for e in [*cand.actors, *cand.recipients]
                    if e.code in gaz.countries}
    context = Context(participants, countries, document)
    for _, how, m in options:
        if _overlaps(m, taken) and not _locates(how, m):
            continue  # "Russia accused ...": a participant; "hundreds in Tunis": a place
        aimed = _acted_on(how, m, cand)
        if aimed and _overlaps(m, acted_on):
            continue  # "called on the US", "the Kyiv government": a participant
        resolved = resolve(m, gaz, context)
        if resolved is None:
            continue
        place, why = resolved
        if how == "object" and place.precision == "country" and _overlaps(m, acted_on):
            continue  # "invaded Ukraine": a state acted on, not a place
        if how == "locative" and place.precision == "country" and aimed:
            continue  # "sanctions on North Korea", "pressure over Taiwan": at whom, not where
        return event_loc(m, place, f"{how} '{m.text}' of {of}; {why}")
    return None


def _overlaps(m: Mention, spans: set[tuple[int, int]]) -> bool:
    return any(s < m.end and m.start < e for s, e in spans)


def _clause_verb(cand: Candidate) -> Token | None:
    """For an event a model found from the sentence as a whole (its trigger the word that
    weighs most, maybe a noun of its participants), the verb of that word's clause: the
    event shares its place."""
    entry = cand.match.entry
    if not (entry.synthetic and entry.source == "model") or cand.token.pos_ in ("VERB", "AUX"):
        return None
    tok = cand.token
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    return tok if tok.pos_ in ("VERB", "AUX") else None


def _locates(how: str, m: Mention) -> bool:
    """A mention after "in", "at", "near" ...: a place even where it is also a participant."""
    prep = _prep(m)
    return how == "locative" and prep is not None and prep.lower_ not in WEAK


def _prep(m: Mention) -> Token | None:
    """The preposition the mention is the object of ("in" of "in Kyiv"), if any."""
    return m.head.head if m.head.dep_ == "pobj" else None


def _acted_on(how: str, m: Mention, cand: Candidate) -> bool:
    """Whether a mention in this role may be the one acted on rather than a place: not after
    "in", "at", "near" ..., not where a visit or a movement goes ("visited Honiara", "a trip
    to Kyiv")."""
    if how == "locative":
        prep = _prep(m)
        if prep is None or prep.lower_ not in WEAK:
            return False
        verb = prep.head.head if prep.head.dep_ == "advmod" else prep.head  # "flew back to"
        return not {verb.lemma_.lower(), cand.token.lemma_.lower()} & MOVEMENT
    return not (how == "object" and m.head.head.lemma_.lower() in VISITS)


def event_loc(m: Mention, place: Place, why: str) -> dict[str, Any]:
    """SCHEMA.md's event_loc, with whodid's additions: feature_code, region, precision, why."""
    return {"extracted_place": m.text, "resolved_place": place.name,
            "geonameid": place.geonameid, "lat": place.lat, "lon": place.lon,
            "country_code": place.country, "feature_class": place.feature_class,
            "feature_code": place.feature_code, "region": place.region,
            "precision": place.precision, "start": m.start, "end": m.end, "why": why}
