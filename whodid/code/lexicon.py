"""The event ontology, its rules and the trigger lexicon, loaded from data files and validated.

Knowledge lives in `whodid/data/ontology.yaml` and `whodid/data/triggers.yaml` so that a
user can add a trigger word without touching Python (see the header of triggers.yaml).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from whodid.code.actors.words import actor_words

EMBED_KINDS = {"alleged", "denied", "absorb", "none"}
SLOTS_FIXED = {"dobj", "dative", "ccomp_subject", "xcomp_object", "object_owner", "accuser"}
ENTRY_KEYS = {"verb", "noun", "adj", "event", "mode", "cameo", "object", "object_not", "subject",
              "subject_not",
              "recipient", "embeds", "confidence", "inverse", "bare"}

DEFAULT_RECIPIENT = {
    "verb": ("dobj", "dative", "prep:to", "prep:with", "prep:against", "prep:on",
             "object_owner"),
    "noun": ("prep:on", "prep:against", "prep:with", "prep:to", "prep:at", "prep:toward",
             "prep:into"),
    "adj": ("xcomp_object",),
}


class LexiconError(ValueError):
    """A malformed ontology or lexicon file; the message names the file and entry."""


@dataclass(frozen=True)
class EventType:
    name: str
    quad: int
    score: float
    modes: tuple[str, ...]
    threat_mode: str | None = None


@dataclass(frozen=True)
class Trigger:
    """One lexicon entry. `head` is the lemma the parse token must have; `extra` the words
    (particles, prepositions, noun modifiers) that must hang off it."""

    pos: str
    head: str
    extra: tuple[str, ...]
    event: str
    mode: str | None
    cameo: str | None
    object: frozenset[str] | None
    object_none: bool
    object_not: frozenset[str]
    subject: frozenset[str] | None
    recipient: tuple[str, ...]
    embeds: str
    confidence: float
    source: str
    inverse: bool = False
    bare: bool = True  # False: needs an object, complement or prepositional phrase
    synthetic: bool = False  # made by a stage for a token no lexicon entry matched
    subject_not: frozenset[str] = frozenset()

    @property
    def phrase(self) -> str:
        words = (self.head, *self.extra) if self.pos == "verb" else (*self.extra, self.head)
        return " ".join(words)

    @property
    def specificity(self) -> int:
        return (len(self.extra) * 4 + (self.object is not None or self.object_none) * 2
                + (self.subject is not None) + bool(self.object_not) + bool(self.subject_not))


@dataclass(frozen=True)
class SpeechAct:
    """An act carried by reported speech: its type, mode (None: from what is said) and CAMEO."""

    event: str
    mode: str | None
    cameo: str


@dataclass(frozen=True)
class UnnamedRecipient:
    """rules.unnamed_recipient: the recipient of an act that names none."""

    sector: str
    reason: str  # the recipient's reason
    why: str  # added to the event's reasons


@dataclass(frozen=True)
class ActorRecode:
    """rules.recode_by_actor: (event, mode) done by actors all of one sector -> another act."""

    actors: str
    to_event: str
    to_mode: str | None
    why: str


@dataclass(frozen=True)
class Rules:
    """The ontology's rules (the `rules` of ontology.yaml; comments there say what each does)."""

    mode_when_asked: dict[str, str]
    mode_when_asked_otherwise: str
    future_to_agree: frozenset[str]
    threat_mode_by_event_mode: dict[str, str]
    state_acts: dict[tuple[str, str], str]  # (event, mode) -> sector
    own_country_acts: frozenset[tuple[str, str]]  # ... done by the acted-on's own state
    reported_speech: dict[str, SpeechAct]
    unnamed_recipient: dict[str, UnnamedRecipient]  # event -> its recipient
    recode_by_actor: dict[tuple[str, str], ActorRecode]  # (event, mode) -> recode

    def asked_mode(self, event: str) -> str:
        """The mode of a REQUEST or REJECT of an act of this type."""
        return self.mode_when_asked.get(event, self.mode_when_asked_otherwise)


@dataclass
class Lexicon:
    types: dict[str, EventType]
    triggers: dict[tuple[str, str], list[Trigger]]  # (pos, head lemma) -> entries, best first
    rules: Rules
    receiving_verbs: frozenset[str]
    speech_verbs: frozenset[str] = frozenset()
    naming_verbs: frozenset[str] = frozenset()
    covert_adverbs: frozenset[str] = frozenset()
    victim_claims: frozenset[str] = frozenset()
    reported_breaches: frozenset[str] = frozenset()
    pejoratives: frozenset[str] = frozenset()

    def lookup(self, pos: str, lemma: str) -> list[Trigger]:
        return self.triggers.get((pos, lemma), [])


def _read_yaml(path: Path | None, package_name: str) -> tuple[Any, str]:
    if path is None:
        text = resources.files("whodid.data").joinpath(package_name).read_text("utf-8")
        return yaml.safe_load(text), f"whodid/data/{package_name}"
    try:
        return yaml.safe_load(Path(path).read_text("utf-8")), str(path)
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path}: cannot read lexicon: {exc}") from exc


def load_ontology() -> dict[str, EventType]:
    data, _ = _read_yaml(None, "ontology.yaml")
    return {
        t: EventType(t, int(v["quad"]), float(v["score"]), tuple(v.get("modes", [])),
                     v.get("threat_mode"))
        for t, v in data["types"].items()
    }


SPEECH_ACTS = ("allegation", "denial", "characterisation", "demand")


def load_rules(types: dict[str, EventType]) -> Rules:
    """The `rules` of ontology.yaml, each checked against the types and modes."""
    data, name = _read_yaml(None, "ontology.yaml")
    raw = data.get("rules")
    if not isinstance(raw, dict):
        raise LexiconError(f"{name}: expected a 'rules' mapping")

    def get(key: str, kind: type) -> Any:
        if not isinstance(raw.get(key), kind):
            raise LexiconError(f"{name}: rules.{key}: expected a {kind.__name__}")
        return raw[key]

    def check(where: str, event: Any, mode: Any = None) -> None:
        if event not in types:
            raise LexiconError(f"{name}: rules.{where}: unknown event type {event!r}")
        if mode is not None and mode not in types[event].modes:
            raise LexiconError(f"{name}: rules.{where}: mode {mode!r} is not a mode of {event}")

    asked = get("mode_when_asked", dict)
    otherwise = get("mode_when_asked_otherwise", str)
    for event, mode in [*asked.items(), (None, otherwise)]:
        where = f"mode_when_asked.{event}" if event else "mode_when_asked_otherwise"
        if event is not None:
            check(where, event)
        check(where, "REQUEST", mode)  # a mode both of what is asked and what is refused
        check(where, "REJECT", mode)
    for event in get("future_to_agree", list):
        check("future_to_agree", event)
    threat = get("threat_mode_by_event_mode", dict)
    for mode, threat_mode in threat.items():
        check(f"threat_mode_by_event_mode.{mode}", "THREATEN", threat_mode)
    state_acts: dict[tuple[str, str], str] = {}
    own_country: set[tuple[str, str]] = set()
    for i, act in enumerate(get("state_acts", list)):
        if not isinstance(act, dict) or not {"event", "mode", "sector"} <= set(act) <= {
                "event", "mode", "sector", "own_country"}:
            raise LexiconError(f"{name}: rules.state_acts[{i}]: needs event, mode and sector")
        check(f"state_acts[{i}]", act["event"], act["mode"])
        state_acts[(act["event"], act["mode"])] = str(act["sector"])
        if act.get("own_country"):
            own_country.add((act["event"], act["mode"]))
    speech: dict[str, SpeechAct] = {}
    acts = get("reported_speech", dict)
    for key in SPEECH_ACTS:
        act = acts.get(key)
        if not isinstance(act, dict) or "event" not in act or "cameo" not in act:
            raise LexiconError(f"{name}: rules.reported_speech.{key}: needs event and cameo")
        check(f"reported_speech.{key}", act["event"], act.get("mode"))
        speech[key] = SpeechAct(act["event"], act.get("mode"), str(act["cameo"]))
    sectors = actor_words().sectors

    def rule(key: str, i: int, act: Any, fields: set[str], optional: set[str]) -> str:
        where = f"{key}[{i}]"
        if not isinstance(act, dict) or not fields <= set(act) <= fields | optional:
            raise LexiconError(f"{name}: rules.{where}: needs {', '.join(sorted(fields))}")
        for field in ("sector", "actors"):
            if field in act and act[field] not in sectors:
                raise LexiconError(f"{name}: rules.{where}: {act[field]!r} is not a sector")
        return where

    unnamed: dict[str, UnnamedRecipient] = {}
    for i, act in enumerate(get("unnamed_recipient", list)):
        where = rule("unnamed_recipient", i, act, {"event", "sector", "reason", "why"}, set())
        check(where, act["event"])
        unnamed[act["event"]] = UnnamedRecipient(act["sector"], str(act["reason"]),
                                                 str(act["why"]))
    recodes: dict[tuple[str, str], ActorRecode] = {}
    for i, act in enumerate(get("recode_by_actor", list)):
        where = rule("recode_by_actor", i, act, {"event", "mode", "actors", "to_event", "why"},
                     {"to_mode"})
        check(where, act["event"], act["mode"])
        check(where, act["to_event"], act.get("to_mode"))
        recodes[(act["event"], act["mode"])] = ActorRecode(
            act["actors"], act["to_event"], act.get("to_mode"), str(act["why"]))
    return Rules(
        mode_when_asked=dict(asked), mode_when_asked_otherwise=otherwise,
        future_to_agree=frozenset(raw["future_to_agree"]), threat_mode_by_event_mode=dict(threat),
        state_acts=state_acts, own_country_acts=frozenset(own_country), reported_speech=speech, unnamed_recipient=unnamed,
        recode_by_actor=recodes)


def _word_set(value: Any, classes: dict[str, frozenset[str]], where: str) -> frozenset[str]:
    if isinstance(value, str):
        if value not in classes:
            raise LexiconError(f"{where}: unknown word class {value!r}")
        return classes[value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        words: set[str] = set()
        for v in value:
            words |= classes.get(v, frozenset({v.lower()}))
        return frozenset(words)
    raise LexiconError(f"{where}: expected a class name or a list of words, got {value!r}")


def _parse_entry(raw: Any, where: str, types: dict[str, EventType],
                 classes: dict[str, frozenset[str]], absorbing: set[str]) -> Trigger:
    if not isinstance(raw, dict):
        raise LexiconError(f"{where}: an entry must be a mapping, got {raw!r}")
    unknown = set(raw) - ENTRY_KEYS
    if unknown:
        raise LexiconError(f"{where}: unknown field(s) {sorted(unknown)}")
    kinds = [k for k in ("verb", "noun", "adj") if k in raw]
    if len(kinds) != 1:
        raise LexiconError(f"{where}: needs exactly one of verb, noun, adj")
    pos = kinds[0]
    words = str(raw[pos]).lower().split()
    if not words:
        raise LexiconError(f"{where}: empty {pos}")
    head, extra = (words[0], tuple(words[1:])) if pos == "verb" else (words[-1], tuple(words[:-1]))
    event = raw.get("event")
    if event not in types:
        raise LexiconError(f"{where}: unknown event type {event!r}")
    mode = raw.get("mode")
    if mode is not None and mode not in types[event].modes:
        raise LexiconError(f"{where}: mode {mode!r} is not a mode of {event}")
    obj = raw.get("object")
    object_none = obj == "none"
    recipient = tuple(raw.get("recipient") or DEFAULT_RECIPIENT[pos])
    for slot in recipient:
        if slot not in SLOTS_FIXED and not slot.startswith("prep:"):
            raise LexiconError(f"{where}: unknown recipient slot {slot!r}")
    embeds = raw.get("embeds") or ("absorb" if event in absorbing else "none")
    if embeds not in EMBED_KINDS:
        raise LexiconError(f"{where}: embeds must be one of {sorted(EMBED_KINDS)}")
    confidence = float(raw.get("confidence", 0.8))
    if not 0.0 <= confidence <= 1.0:
        raise LexiconError(f"{where}: confidence must be within 0..1")
    cameo = raw.get("cameo")
    return Trigger(
        pos=pos, head=head, extra=extra, event=event, mode=mode,
        cameo=str(cameo) if cameo is not None else None,
        object=None if obj is None or object_none else _word_set(obj, classes, where),
        object_none=object_none,
        object_not=_word_set(raw["object_not"], classes, where) if "object_not" in raw
        else frozenset(),
        subject=_word_set(raw["subject"], classes, where) if "subject" in raw else None,
        recipient=recipient, embeds=embeds, confidence=confidence, source=where,
        inverse=bool(raw.get("inverse", False)),
        bare=bool(raw.get("bare", True)),
        subject_not=_word_set(raw["subject_not"], classes, where) if "subject_not" in raw
        else frozenset(),
    )


def load_lexicon(extra_files: Sequence[Path] = ()) -> Lexicon:
    """The packaged lexicon plus the user's files; user entries are tried first."""
    types = load_ontology()
    base, base_name = _read_yaml(None, "triggers.yaml")
    classes = {k: frozenset(w.lower() for w in v) for k, v in base.get("classes", {}).items()}
    absorbing = set(base.get("absorbing_types", []))
    sources: list[tuple[Any, str]] = [_read_yaml(Path(p), "") for p in extra_files]
    sources.append((base, base_name))
    index: dict[tuple[str, str], list[Trigger]] = {}
    for data, name in sources:
        if not isinstance(data, dict) or not isinstance(data.get("triggers"), list):
            raise LexiconError(f"{name}: expected a mapping with a 'triggers' list")
        for k, v in (data.get("classes") or {}).items():
            classes.setdefault(k, frozenset(w.lower() for w in v))
        for i, raw in enumerate(data["triggers"]):
            entry = _parse_entry(raw, f"{name}: triggers[{i}]", types, classes, absorbing)
            index.setdefault((entry.pos, entry.head), []).append(entry)
    for entries in index.values():
        # Stable sort: user files first, then more specific entries before general ones.
        entries.sort(key=lambda e: (not e.source.startswith(tuple(str(p) for p in extra_files)),
                                    -e.specificity))
    return Lexicon(
        types=types, triggers=index, rules=load_rules(types),
        receiving_verbs=frozenset(base.get("receiving_verbs", [])),
        **{key: frozenset(base.get(key, [])) for key in (
            "speech_verbs", "naming_verbs", "covert_adverbs", "victim_claims",
            "reported_breaches", "pejoratives")},
    )


@lru_cache(maxsize=8)
def get_lexicon(extra_files: tuple[Path, ...] = ()) -> Lexicon:
    """Process-wide cached lexicon (loaded once per worker)."""
    return load_lexicon(extra_files)
