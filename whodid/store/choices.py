"""The values an event filter can take, checked before a query runs: a typo ("ACUSE", a
country's name where a code is stored) would otherwise match nothing and look like an answer.
Event types and modes come from the ontology, codes and sectors from the actor tables'
vocabulary; a country's name is taken for its code."""

from __future__ import annotations

import csv
import difflib
import functools
from collections.abc import Iterable
from typing import Any

from whodid.code.wordlists import DATA_DIR, read_yaml
from whodid.records import STATUSES
from whodid.store.queries import QueryError


def _one_of(name: str, value: str, choices: Iterable[str], what: str,
            show: bool = True) -> QueryError:
    choices = sorted(choices)
    close = difflib.get_close_matches(value.upper(), [c.upper() for c in choices], n=1)
    hint = f"; did you mean {choices[[c.upper() for c in choices].index(close[0])]}?" \
        if close else ""
    listed = f"; choose one of {', '.join(choices)}" if show else ""
    return QueryError(f"{name} {value!r} is not {what}{hint}{listed}")


# Read from the data files directly: the loaders of whodid.code would import the parser
# (seconds) for a query that needs a few names.
@functools.cache
def _ontology() -> dict[str, tuple[str, ...]]:
    types = read_yaml(DATA_DIR / "ontology.yaml")["types"]
    return {name: tuple(t.get("modes") or ()) for name, t in types.items()}


@functools.cache
def _vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """(the codes an entity can have, the sectors)."""
    import pycountry

    words = read_yaml(DATA_DIR / "actor_words.yaml")
    codes = {c.alpha_3 for c in pycountry.countries} | set(words["special_codes"])
    return frozenset(codes), frozenset(words["sectors"])


def _fold(name: str) -> str:
    return " ".join(name.replace(".", "").lower().split())


@functools.cache
def _country_names() -> dict[str, str]:
    """Country names (as ISO 3166 and the actor tables write them, folded) -> code."""
    import pycountry

    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if getattr(c, attr, None):
                names[_fold(getattr(c, attr))] = c.alpha_3
    with (DATA_DIR / "actors_countries.csv").open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        for row in rows:
            if row["code"] and row["kind"] == "state":
                names.setdefault(_fold(row["pattern"]), row["code"])
    return names


def country_code(value: str) -> str:
    """The code `value` is, or names (`Serbia` -> SRB); QueryError when it is neither."""
    codes, _ = _vocabulary()
    if value.strip().upper() in codes:
        return value.strip().upper()
    names = _country_names()
    found = names.get(_fold(value))
    if found:
        return found
    close = difflib.get_close_matches(_fold(value), list(names), n=1)
    hint = f"; did you mean {names[close[0]]} ({close[0].title()})?" if close else ""
    raise QueryError(
        f"country {value!r} is neither a code nor a country name whodid knows{hint}; codes are "
        "ISO 3166-1 alpha-3 (e.g. SRB, USA) or one of IGO, NGO, MNC, IMG, ISM, UNO, EUR")


def check(filt: Any) -> None:
    """Check (and normalise in place) the filter's type, mode, status, country and sector."""
    types = _ontology()
    if filt.type:
        match = [t for t in types if t.lower() == filt.type.strip().lower()]
        if not match:
            raise _one_of("type", filt.type, types, "a PLOVER event type")
        filt.type = match[0]
    if filt.mode:
        modes = types[filt.type] if filt.type else {m for ms in types.values() for m in ms}
        if filt.mode.strip().lower() not in modes:
            what = f"a mode of {filt.type}" if filt.type else "a PLOVER mode"
            if filt.type and not modes:
                raise QueryError(f"mode {filt.mode!r}: {filt.type} has no modes")
            raise _one_of("mode", filt.mode, modes, what)
        filt.mode = filt.mode.strip().lower()
    if filt.status:
        if filt.status.strip().lower() not in STATUSES:
            raise _one_of("status", filt.status, STATUSES, "a status")
        filt.status = filt.status.strip().lower()
    if filt.country:
        filt.country = country_code(filt.country)
    if filt.sector:
        _, sectors = _vocabulary()
        if filt.sector.strip().upper() not in sectors:
            raise _one_of("sector", filt.sector, sectors, "a sector")
        filt.sector = filt.sector.strip().upper()
