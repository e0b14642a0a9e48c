"""Run the coder over a stream of documents, in this process or a pool of processes (see
whodid.code.pool: a worker that dies costs only the document that killed it), keeping input
order and memory flat: documents go to the workers in bounded batches."""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whodid.code.normalise import normalise
from whodid.code.pool import WorkerInitError, WorkerPool
from whodid.nlp import DEFAULT_MODEL, parse_texts
from whodid.records import Document, error_record

if TYPE_CHECKING:
    from spacy.tokens import Doc

BATCH_PER_PROCESS = 256  # documents per process in flight: fewer rounds, less idle at their ends
BATCH_IN_PROCESS = 64  # documents read ahead when not in a pool
# Documents parsed together through nlp.pipe: faster than one at a time, while larger
# batches were slower and took much more memory (polnear articles: 8 +150 MiB, 64 +700 MiB).
PARSE_BATCH = 8
CHUNK = PARSE_BATCH  # documents per pool task


@dataclass(frozen=True)
class CoderOptions:
    model: str = DEFAULT_MODEL
    triggers: tuple[Path, ...] = ()
    actors: tuple[Path, ...] = ()
    rules_only: bool = False  # the rules without the learned layer
    quotes: str = "with"  # quote records after each document's events, "only" or "none"
    parse_only: bool = False  # bare spaCy parsing, for benchmarks


@dataclass
class Result:
    """What came of one input item: its event records, or an error record."""

    doc_id: str | None
    records: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    tokens: int = 0


class Worker:
    """Codes documents with one coder: one at a time (`worker(doc)`) or a batch parsed
    together through `nlp.pipe` (`worker.batch(docs)`). Exceptions become error records of
    the document that raised them, never crashes."""

    def __init__(self, options: CoderOptions) -> None:
        from whodid.code.coder import Coder  # imported here so that bench can time loading
        from whodid.code.pipeline import DEFAULT_STAGES, RULE_STAGES

        self.options = options
        self.coder = Coder(options.model, options.triggers, options.actors,
                           stages=RULE_STAGES if options.rules_only else DEFAULT_STAGES)

    def __call__(self, doc: Document) -> Result:
        try:
            parsed = self.coder.parse(doc.text)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
            return _failed(doc, exc)
        return self._code(doc, parsed)

    def batch(self, docs: list[Document]) -> list[Result]:
        """Results in the order of `docs`, the same as coding each alone; parsed PARSE_BATCH
        at a time, each part coded before the next is parsed (memory stays flat)."""
        out: list[Result] = []
        for i in range(0, len(docs), PARSE_BATCH):
            part = docs[i:i + PARSE_BATCH]
            try:
                parsed = list(parse_texts(self.coder.nlp, [normalise(d.text)[0] for d in part],
                                          PARSE_BATCH))
            except Exception:  # noqa: BLE001 - one at a time, to blame only the one at fault
                out += [self(d) for d in part]
                continue
            out += [self._code(d, p) for d, p in zip(part, parsed, strict=True)]
        return out

    def _code(self, doc: Document, parsed: Doc) -> Result:
        if self.options.parse_only:
            return Result(doc.id, tokens=len(parsed))
        try:
            events = self.coder.code_parsed(doc, parsed)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
            return _failed(doc, exc)
        want = self.options.quotes
        records = [e.to_dict() for e in events] if want != "only" else []
        if want != "none":
            records += [q.to_dict() for q in parsed._.quotes or ()]
        return Result(doc.id, records, tokens=len(parsed))


def _failed(doc: Document, exc: Exception) -> Result:
    detail = f"{type(exc).__name__}: {exc}"
    tb = traceback.extract_tb(exc.__traceback__)
    if tb:
        detail += f" (at {Path(tb[-1].filename).name}:{tb[-1].lineno})"
    return Result(doc.id, error=error_record(doc.id, "coding_failed", detail))


def make_worker(options: CoderOptions) -> Worker:
    """A worker coding documents with the options' model and knowledge files."""
    return Worker(options)


def _start(options: CoderOptions) -> Worker:
    """A pool worker's coder; a failure is one line (WorkerInitError), which ends the run."""
    try:
        return make_worker(options)  # looked up here: bench wraps it to time model loading
    except Exception as exc:
        from whodid.nlp import ModelError

        raise WorkerInitError(str(exc) if isinstance(exc, ModelError)
                              else f"{type(exc).__name__}: {exc}") from exc


def _died(doc: Document, detail: str) -> Result:
    return Result(doc.id, error=error_record(doc.id, "coding_failed", f"{doc.id}: {detail}"))


class KnowledgeFileError(Exception):
    """A user's trigger or actor file cannot be used; the message names file and entry."""


def check_knowledge(options: CoderOptions) -> None:
    """Load the model and every knowledge file once here, so that a missing model or a
    malformed file stops the run (ModelError; KnowledgeFileError with its file and line)
    before any worker starts, where a pool would only restart it: the user's trigger and
    actor files, those WHODID_ACTORS names, and the packaged word files. Loaded here, the
    model and the tables are cached for this process and the forked workers, so that this
    costs no second load."""
    import whodid.code.coder  # noqa: F401 - imports every stage, which declare their words
    from whodid.code.actors import ActorResolver, actor_words, get_resolver
    from whodid.code.coreference import vocabulary
    from whodid.code.lexicon import get_lexicon
    from whodid.code.quotes import vocabulary as quote_words
    from whodid.code.wordlists import check_words_file
    from whodid.nlp import load_model

    load_model(options.model)
    if not options.rules_only:
        from whodid.learn.model import load_model as load_learned

        load_learned()  # ModelFileError, one line, when the weights are missing or broken
    try:
        check_words_file()
        actor_words()
        vocabulary()
        quote_words()
        get_lexicon(tuple(options.triggers))
        ActorResolver(options.actors) if options.actors else get_resolver()
    except (OSError, ValueError) as exc:
        raise KnowledgeFileError(str(exc)) from exc


def code_stream(items: Iterable[Document | dict[str, Any]], options: CoderOptions,
                processes: int = 1) -> Iterator[Result]:
    """Results in input order. Error records from reading pass straight through."""
    check_knowledge(options)
    def wrap(batch: list[Any], run: Callable[[Iterable[Document]], Iterator[Result]]):
        docs = [x for x in batch if isinstance(x, Document)]
        coded = run(docs)
        for x in batch:
            yield next(coded) if isinstance(x, Document) else Result(x.get("doc_id"), error=x)

    it = iter(items)
    if processes <= 1:
        work = make_worker(options)
        for batch in iter(lambda: list(itertools.islice(it, BATCH_IN_PROCESS)), []):
            yield from wrap(batch, lambda docs: iter(work.batch(docs)) if docs else iter(()))
        return
    with WorkerPool(processes, _start, options, _died) as pool:
        size = BATCH_PER_PROCESS * processes
        for batch in iter(lambda: list(itertools.islice(it, size)), []):
            yield from wrap(batch, lambda docs: _in_chunks(pool, docs))


def _in_chunks(pool: WorkerPool, docs: list[Document]) -> Iterator[Result]:
    """The pool's results in order; each task is a chunk of documents parsed together."""
    chunks = [docs[i:i + CHUNK] for i in range(0, len(docs), CHUNK)]
    for results in pool.map(chunks):
        yield from results
