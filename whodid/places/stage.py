"""The `places` stage: each event gets the place where it happened, when its sentence says
it (whodid.places.mentions finds the place phrase, whodid.places.resolve the place it
means), as the record's `event_loc`. A document stage, so that the countries of the whole
document disambiguate; it sets nothing but the place."""

from __future__ import annotations

from typing import Any

from whodid.code.candidate import Candidate
from whodid.code.context import DocumentContext
from whodid.code.pipeline import register_stage
from whodid.places.gazetteer import Place, gazetteer
from whodid.places.mentions import Mention, event_mentions, find_mentions
from whodid.places.resolve import Context, resolve


@register_stage("places", document=True)
def places(ctx: DocumentContext, cands: list[Candidate]) -> list[Candidate]:
    gaz = gazetteer()
    by_sentence: dict[int, tuple[list[Mention], set[str]]] = {}
    for cand in cands:
        if not cand.live:
            continue
        key = cand.sent.start
        if key not in by_sentence:
            mentions = find_mentions(cand.sent, gaz)
            countries = {p.country for m in mentions if not m.capital
                         for p in gaz.lookup(m.name)[:1] if p.precision == "country"}
            by_sentence[key] = (mentions, countries)
        mentions, countries = by_sentence[key]
        cand.place = place_of(cand, mentions, countries, ctx)
    return cands


places.prepare = gazetteer  # type: ignore[attr-defined]  # build it when the coder is built


def place_of(cand: Candidate, mentions: list[Mention], countries: set[str],
             ctx: DocumentContext) -> dict[str, Any] | None:
    """The event_loc of a candidate: its nearest place mention that is not one of its
    participants, resolved in the context of its participants, sentence and document."""
    gaz = gazetteer()
    taken = {(e.start, e.end) for e in [*cand.actors, *cand.claimant]}
    participants = {e.code for e in [*cand.actors, *cand.recipients]
                    if e.code in gaz.countries}
    context = Context(participants, countries, ctx.memory.countries)
    for _, how, m in event_mentions(cand.token, mentions):
        if any(s < m.end and m.start < e for s, e in taken):
            continue
        found = resolve(m, gaz, context)
        if found is None:
            continue
        place, why = found
        if how == "object" and place.precision == "country" and any(
                (e.start, e.end) == (m.start, m.end) for e in cand.recipients):
            continue  # "invaded Ukraine": a state acted on, not a place
        return event_loc(m, place, f"{how} '{m.text}' of '{cand.token.text}'; {why}")
    return None


def event_loc(m: Mention, place: Place, why: str) -> dict[str, Any]:
    """SCHEMA.md's event_loc, with whodid's additions: feature_code, region, precision, why."""
    return {"extracted_place": m.text, "resolved_place": place.name,
            "geonameid": place.geonameid, "lat": place.lat, "lon": place.lon,
            "country_code": place.country, "feature_class": place.feature_class,
            "feature_code": place.feature_code, "region": place.region,
            "precision": place.precision, "start": m.start, "end": m.end, "why": why}
