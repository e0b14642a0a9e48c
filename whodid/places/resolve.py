"""Which place a name means: of the gazetteer's places of that name, the one the context
supports best. The countries of the event's own participants count most, then the
countries of the sentence's other places, then the countries the document names, then
size (population, or the rank of a country or region)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace

from whodid.places.gazetteer import Gazetteer, Place, key
from whodid.places.mentions import Mention

# what a place without a population weighs, as if it had this many people: a country
# outranks a town of its name, a region only a small one, unless the context says otherwise
SIZE_OF = {"country": 10**8, "region": 10**5, "site": 10**5}


@dataclass
class Context:
    """What disambiguates: the event's participants' codes, the codes of the countries the
    sentence names as places, and how often the document names each country."""

    participants: set[str]
    sentence: set[str]
    document: Counter[str]


def _size(place: Place) -> float:
    pop = place.population or SIZE_OF.get(place.precision, 1000)
    return math.log10(max(pop, 10))


def score(place: Place, ctx: Context, region_hint: bool, capital: bool = False,
          name: str = "", own: str | None = None) -> tuple[float, list[str]]:
    """A place's support in the context, and the reasons. `name` is the name as written (a
    place known by it, not only by an alternate name, is preferred); `own` is the country
    this very name means, if it names one (it does not count as the sentence's country)."""
    s, why = _size(place) / 2 + (0.5 if key(place.name) == key(name) else 0.0), []
    if capital and place.feature_code == "PPLC":
        s += 2
        why.append("named as a capital")
    if place.country in ctx.participants:
        s += 3
        why.append(f"a participant is {place.country}")
    if place.country in ctx.sentence - {own} and place.precision != "country":
        s += 2.5
        why.append(f"the sentence names {place.country}")
    if ctx.document[place.country]:
        top = max(ctx.document.values())
        s += 1.5 + (1 if ctx.document[place.country] == top else 0)
        why.append(f"the document names {place.country} {ctx.document[place.country]} times")
    if region_hint and place.precision == "region":
        s += 3
        why.append("named as a region")
    if place.source.startswith("whodid"):
        s += 0.5
    return s, why


def resolve(m: Mention, gaz: Gazetteer, ctx: Context) -> tuple[Place, str] | None:
    """The place the mention means, and why; None if the gazetteer has no such name."""
    if m.kind == "demonym":
        place = gaz.countries.get(m.code or "")
        return (place, f"'{m.name}' is of {m.code}") if place else None
    if m.kind == "site":
        return _site(m, gaz, ctx)
    if m.kind in ("capital", "country"):
        owner = next((c for c in m.head.children if c.dep_ == "poss"), None)
        places = gaz.lookup(owner.text) if owner is not None else []
        code = next((p.country for p in places if p.precision == "country"), None)
        if code:
            return _of_country(gaz, code, m.kind, f"'{owner.text}'s {m.text}'")
        of = [c for p in m.head.children if p.lower_ == "of" for c in p.children]
        if of:  # "the capital of X": X's, or none if X is not a name the gazetteer knows
            code = next((p.country for c in of for p in gaz.lookup(c.text)
                         if p.precision == "country"), None)
            return _of_country(gaz, code, m.kind, f"'{m.text} of {of[0].text}'") if code \
                else None
        return _in_context(gaz, ctx, m.kind)
    places = gaz.lookup(m.name) or gaz.lookup(f"{m.name} {m.head.text}")
    if not places:
        return None
    capital = m.head.lower_ == "capital"
    own = next((p.country for p in places if p.precision == "country"), None)
    if own is not None:  # "Mexico" is the country, not a town in Missouri named after it
        places = [p for p in places if p.precision != "city"]
    scored = [(score(p, ctx, m.region_hint, capital, m.name, own), k, p)
              for k, p in enumerate(places)]
    (_best, why), _, place = max(scored, key=lambda x: (x[0][0], -x[1]))
    if _stray(place, ctx):
        return None
    others = len({(p.country, p.precision) for p in places}) - 1
    reason = f"'{m.name}' in the gazetteer ({place.source})"
    if others:
        reason += f", chosen of {len(places)} namesakes: " + (", ".join(why) or "the largest")
    return place, reason


def _site(m: Mention, gaz: Gazetteer, ctx: Context) -> tuple[Place, str] | None:
    """A site the gazetteer lacks, in the place that owns it ("Moscow's"), the place it is
    said to be in ("in Havana"), else in the country of the context."""
    doc = m.head.doc
    owners = [c for c in m.head.children if c.dep_ == "poss"] + [
        g for p in m.head.children if p.dep_ == "prep" and p.lower_ in ("in", "of")
        for g in p.children if g.dep_ == "pobj"]
    for owner in owners:
        words = doc[owner.left_edge.i:owner.i + 1]
        name = " ".join(t.text for t in words if t.lower_ != "the" and t.tag_ != "POS")
        if not gaz.lookup(name):
            continue
        found = resolve(Mention(name, words.start_char, words.end_char, name, owner), gaz, ctx)
        if found is not None:
            return _site_in(m, found[0]), f"a site in {found[0].name}: {found[1]}"
    found = _in_context(gaz, ctx, "country")
    if found is None:
        return None
    place, why = found
    return _site_in(m, place), f"a site in {place.name} ({why.split(', ', 1)[-1]})"


def _site_in(m: Mention, where: Place) -> Place:
    """The site `m` names, inside `where`: a town's id and position stand for it, a
    region's or a country's do not (too coarse)."""
    town = where.precision in ("city", "site")
    return replace(where, name=m.text, precision="site",
                   feature_class="S", feature_code="", population=0,
                   geonameid=where.geonameid if town else None,
                   lat=where.lat if town else None, lon=where.lon if town else None,
                   source=f"a site in {where.name}")


def _stray(place: Place, ctx: Context) -> bool:
    """A small town in a country the text hardly names, when the document is about others:
    more likely a local place the gazetteer lacks ("the district of Medina" in Dakar) than
    its foreign namesake."""
    if place.precision != "city" or place.population >= 100_000 or not ctx.document:
        return False
    if place.country in ctx.participants or place.country in ctx.sentence:
        return False
    return ctx.document[place.country] * 3 < max(ctx.document.values())


def _of_country(gaz: Gazetteer, code: str, kind: str, why: str) -> tuple[Place, str] | None:
    place = gaz.capital(code) if kind == "capital" else gaz.countries.get(code)
    return (place, why) if place else None


def _in_context(gaz: Gazetteer, ctx: Context, kind: str) -> tuple[Place, str] | None:
    """ "The capital", "the country": of the country the sentence names as a place, else of
    the event's participants' one country, else of the country the document names most."""
    for codes, where in ((ctx.sentence, "the sentence's country"),
                         (ctx.participants, "the participants' country")):
        if len(codes) == 1:
            code = next(iter(codes))
            return _of_country(gaz, code, kind, f"'the {kind}' of {code}, {where}")
    if ctx.document:
        code = max(ctx.document, key=ctx.document.__getitem__)
        return _of_country(gaz, code, kind, f"'the {kind}' of {code}, the country the "
                                            f"document names most")
    return None
