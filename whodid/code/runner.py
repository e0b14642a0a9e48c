"""Run the coder over a stream of documents, in this process or a pool of processes, keeping
input order and memory flat: documents go to the workers in bounded batches."""

from __future__ import annotations

import itertools
import multiprocessing as mp
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whodid.nlp import DEFAULT_MODEL
from whodid.records import Document, error_record

BATCH_PER_PROCESS = 16


@dataclass(frozen=True)
class CoderOptions:
    model: str = DEFAULT_MODEL
    triggers: tuple[Path, ...] = ()
    actors: tuple[Path, ...] = ()
    parse_only: bool = False  # bare spaCy parsing, for benchmarks


@dataclass
class Result:
    """What came of one input item: its event records, or an error record."""

    doc_id: str | None
    records: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    tokens: int = 0


_worker: Callable[[Document], Result] | None = None


def make_worker(options: CoderOptions) -> Callable[[Document], Result]:
    """A function coding one document; exceptions become error records, never crashes."""
    from whodid.code.coder import Coder  # imported here so that bench can time model loading

    coder = Coder(options.model, options.triggers, options.actors)

    def work(doc: Document) -> Result:
        try:
            parsed = coder.parse(doc.text)
            if options.parse_only:
                return Result(doc.id, tokens=len(parsed))
            return Result(doc.id, coder.code_parsed(doc, parsed), tokens=len(parsed))
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
            detail = f"{type(exc).__name__}: {exc}"
            tb = traceback.extract_tb(exc.__traceback__)
            if tb:
                detail += f" (at {Path(tb[-1].filename).name}:{tb[-1].lineno})"
            return Result(doc.id, error=error_record(doc.id, "coding_failed", detail))

    return work


class WorkerInitError(RuntimeError):
    """A pool worker could not build its coder; the message is the one line it failed with."""


_init_error: str | None = None


def _init(options: CoderOptions) -> None:
    global _worker, _init_error
    try:
        _worker = make_worker(options)
    except Exception as exc:  # noqa: BLE001 - raised here, the pool would respawn it forever
        from whodid.nlp import ModelError

        _init_error = str(exc) if isinstance(exc, ModelError) else f"{type(exc).__name__}: {exc}"


def _run(item: Document) -> Result:
    if _worker is None:  # reported with the first document, which ends the run
        raise WorkerInitError(_init_error or "a worker could not start")
    return _worker(item)


class KnowledgeFileError(Exception):
    """A user's trigger or actor file cannot be used; the message names file and entry."""


def check_knowledge(options: CoderOptions) -> None:
    """Load the model and the user's knowledge files once here, so that a missing model or a
    malformed file stops the run (ModelError; KnowledgeFileError with its file and line)
    before any worker starts, where a pool would only restart it. Loaded here, the model is
    cached for this process and the forked workers, so that this costs no second load."""
    from whodid.code.actors import ActorResolver
    from whodid.code.lexicon import get_lexicon
    from whodid.nlp import load_model

    load_model(options.model)
    try:
        get_lexicon(tuple(options.triggers))
        if options.actors:
            ActorResolver(options.actors)
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
        for batch in iter(lambda: list(itertools.islice(it, 64)), []):
            yield from wrap(batch, lambda docs: map(work, docs))
        return
    ctx = mp.get_context("spawn" if mp.get_start_method(allow_none=True) == "spawn" else "fork")
    with ctx.Pool(processes, initializer=_init, initargs=(options,)) as pool:
        size = BATCH_PER_PROCESS * processes
        for batch in iter(lambda: list(itertools.islice(it, size)), []):
            yield from wrap(batch, lambda docs: pool.imap(_run, docs, chunksize=2))
