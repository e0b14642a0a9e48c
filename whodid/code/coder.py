"""The coder: a document in, event records out. A pure function of the document and the
loaded knowledge (model, lexicon, actor tables), so it runs the same in one process, a
process pool or a cluster.

The work on each sentence is a pipeline of named stages (whodid.code.pipeline, the built-in
ones in whodid.code.stages); `Coder(stages=...)`, `add_stage` and `remove_stage` change it.
The coder is also a spaCy component, "whodid", that sets `doc._.events`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

# imported for what they register: the built-in stages and the learned one
import whodid.code.stages
import whodid.learn.stage
import whodid.places.stage  # noqa: F401
from whodid.code import dates, quotes
from whodid.code.actors import ActorResolver, get_resolver
from whodid.code.candidate import Candidate, DocState
from whodid.code.context import DocumentContext, SentenceContext
from whodid.code.lexicon import Lexicon, get_lexicon
from whodid.code.normalise import map_back, normalise
from whodid.code.pipeline import (
    DEFAULT_DOCUMENT_STAGES,
    DEFAULT_STAGES,
    DocumentStage,
    Pipeline,
    SentenceStage,
)
from whodid.nlp import load_model, parse_text, parse_texts
from whodid.records import Document, Entity, Event


class Coder:
    """Holds what is loaded once per process (the parser, the lexicon, the actor tables) and
    codes documents with it.

    `nlp` is None for the default model, the name of an installed spaCy model package, or a
    loaded `Language` used as it is (whodid's line-break rule is added if missing). `triggers`
    and `actors` name the user's extra lexicon and actor files. `stages` and
    `document_stages` replace the default pipeline (names registered with
    `whodid.code.pipeline.register_stage`, or functions)."""

    def __init__(self, nlp: None | str | Language = None, triggers: Sequence[Path | str] = (),
                 actors: Sequence[Path | str] = (), *,
                 stages: Iterable[str | SentenceStage] = DEFAULT_STAGES,
                 document_stages: Iterable[str | DocumentStage] = DEFAULT_DOCUMENT_STAGES
                 ) -> None:
        if nlp is None or isinstance(nlp, str):
            nlp = load_model() if nlp is None else load_model(nlp)
        elif "parser" in nlp.pipe_names and "whodid_line_breaks" not in nlp.pipe_names:
            nlp.add_pipe("whodid_line_breaks", before="parser")
        self._setup(nlp, triggers, actors, stages, document_stages)

    def _setup(self, nlp: Language, triggers: Sequence[Path | str],
               actors: Sequence[Path | str], stages: Iterable[str | SentenceStage],
               document_stages: Iterable[str | DocumentStage]) -> None:
        self.nlp: Language = nlp
        self.lexicon: Lexicon = get_lexicon(tuple(Path(p) for p in triggers))
        self.resolver: ActorResolver = (ActorResolver([Path(p) for p in actors]) if actors
                                        else get_resolver())
        self.pipeline = Pipeline(stages, document_stages)
        for _, stage in [*self.pipeline.stages, *self.pipeline.document_stages]:
            if callable(getattr(stage, "prepare", None)):
                stage.prepare()

    # ------------------------------------------------------------------ the stages
    @property
    def stage_names(self) -> list[str]:
        """The sentence stages, in the order they run."""
        return self.pipeline.names

    def add_stage(self, stage: str | SentenceStage | DocumentStage, *,
                  before: str | None = None, after: str | None = None,
                  document: bool = False) -> None:
        """Add a registered stage (by name) or a function; at the end unless placed."""
        self.pipeline.add(stage, before=before, after=after, document=document)

    def remove_stage(self, name: str, *, document: bool = False) -> None:
        self.pipeline.remove(name, document=document)

    # ------------------------------------------------------------------ coding
    def parse(self, text: str) -> Doc:
        """The parse of the text as normalised for parsing (whodid.code.normalise); long
        texts in windows (whodid.nlp.parse_text)."""
        return parse_text(self.nlp, normalise(text)[0])

    def code(self, doc: Document | str, published: str | None = None) -> list[Event]:
        """The events of a document, or of a text (with its publication date, which
        relative dates are resolved against)."""
        document = _document(doc, published)
        return self.code_parsed(document, self.parse(document.text))

    def pipe(self, docs: Iterable[Document | str],
             batch_size: int = 32) -> Iterator[list[Event]]:
        """The events of each document, in order, parsed in batches through `nlp.pipe` (the
        text normalised for parsing; long texts alone, in windows: see
        `whodid.nlp.parse_text`)."""
        documents = map(_document, docs)
        while chunk := list(itertools.islice(documents, batch_size)):
            texts = [normalise(d.text)[0] for d in chunk]
            for parsed, document in zip(parse_texts(self.nlp, texts, batch_size), chunk,
                                        strict=True):
                yield self.code_parsed(document, parsed)

    def code_parsed(self, document: Document, parsed: Doc) -> list[Event]:
        """The events of a document already parsed by this coder's `nlp` (its text, or the
        text as `parse` normalises it: offsets then point into the text as given). Its
        quotes, their speakers resolved in the same pass, go to `parsed._.quotes` (list of
        `Quote`)."""
        if parsed.text != document.text:
            clean, offsets = normalise(document.text)
            if offsets is not None and clean == parsed.text:
                events = self._code(replace(document, text=clean), parsed)
                return [map_back(e, offsets) for e in events]
        return self._code(document, parsed)

    def _code(self, document: Document, parsed: Doc) -> list[Event]:
        memory = self.resolver.new_document(parsed)
        state = DocState()
        found: list[Candidate] = []
        pending = quotes.find_quotes(parsed)
        speakers = quotes.by_speaker_sentence(parsed, pending)
        memory.quoted = [(*f.content, f.speakers[0]) for f in pending if f.speakers]
        resolved: dict[int, Entity] = {}
        for sequence, sent in enumerate(parsed.sents):
            self.resolver.observe(sent, memory)
            ctx = SentenceContext(sent, sequence, memory, state, self.lexicon, self.resolver,
                                  document)
            found += self.pipeline.run_sentence(ctx)
            for head in speakers.get(sequence, ()):  # resolving changes no memory
                resolved[head.i] = self.resolver.resolve(head, memory)
        if self.pipeline.document_stages:
            ctx = DocumentContext(document, parsed, memory, state, self.lexicon, self.resolver)
            found = sorted(self.pipeline.run_document(ctx, found), key=lambda c: c.sequence)
        records: list[Event] = []
        per_sentence: dict[int, int] = {}
        for cand in found:
            k = per_sentence.get(cand.sequence, 0)
            per_sentence[cand.sequence] = k + 1
            records.append(self._record(document, cand, k))
        parsed._.quotes = quotes.quote_records(document.id, parsed, pending, resolved, records)
        return records

    def _record(self, document: Document, cand: Candidate, k: int) -> Event:
        etype = self.lexicon.types[cand.event]
        sent = cand.sent
        entry = cand.match.entry
        head = f"{entry.pos} '{entry.phrase}' -> {cand.event}"
        return Event(
            id=f"{document.id}:{cand.sequence}:{k}",
            doc_id=document.id,
            event=cand.event,
            mode=cand.mode,
            status=cand.status,
            quad_code=etype.quad,
            score=etype.score,
            cameo=entry.cameo if cand.event == entry.event else None,
            actor=cand.actors,
            recipient=cand.recipients,
            claimant=cand.claimant if cand.status in ("alleged", "denied") else [],
            trigger={"text": cand.match.text, "start": cand.match.start, "end": cand.match.end},
            date=dates.date_for_event(sent, cand.token, document.published),
            event_loc=cand.place,
            text_info={"sequence": cand.sequence, "start": sent.start_char,
                       "end": sent.end_char},
            event_text=sent.text.strip(),
            confidence=cand.confidence,
            why="; ".join([head, *cand.why]),
        )


def _document(doc: Document | str, published: str | None = None) -> Document:
    return doc if isinstance(doc, Document) else Document(id="text", text=doc,
                                                          published=published)


# ---------------------------------------------------------------------- spaCy component
for _name in ("events", "quotes", "published", "doc_id"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class CoderComponent:
    """The coder inside a spaCy pipeline, after the parser and NER: sets `doc._.events`
    (a list of `Event`) and `doc._.quotes` (a list of `Quote`). Relative dates resolve against `doc._.published` if set, else the
    component's `published`; record ids start with `doc._.doc_id` (default "text")."""

    def __init__(self, coder: Coder, published: str | None = None) -> None:
        self.coder, self.published = coder, published

    def __call__(self, doc: Doc) -> Doc:
        document = Document(id=doc._.doc_id or "text", text=doc.text,
                            published=doc._.published or self.published)
        doc._.events = self.coder.code_parsed(document, doc)
        return doc


@Language.factory("whodid", default_config={"triggers": [], "actors": [], "published": None})
def make_component(nlp: Language, name: str, triggers: list[str], actors: list[str],
                   published: str | None) -> CoderComponent:
    """`nlp.add_pipe("whodid")`: the pipeline's own parse is coded as it is (whodid's
    line-break rule is not added to a pipeline built by someone else)."""
    coder = Coder.__new__(Coder)  # the model as it is: no line-break rule added mid-build
    coder._setup(nlp, triggers, actors, DEFAULT_STAGES, DEFAULT_DOCUMENT_STAGES)
    return CoderComponent(coder, published)
