"""Ingest: read a collection, code what is not stored yet, and store it in batches.

Documents already stored (same content key) are skipped before coding, so a rerun after a
crash only codes what the crashed run had not committed. Coding goes through
`runner.code_stream`, as `whodid code` does, so both give the same records at the same speed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from whodid.code.runner import CoderOptions, Result, code_stream
from whodid.read.documents import Input, Item, iter_inputs
from whodid.records import Document
from whodid.store.neardup import NearDuplicates, from_bytes, signature, to_bytes
from whodid.store.store import StoredDocument, StoredError, StoreWriter, content_key
from whodid.store.stories import group_stories
from whodid.version import __version__

BATCH_DOCS = 200  # documents per transaction: what a crash can cost
BATCH_SECONDS = 5.0  # ... or this long, whichever comes first
LOOKUP_CHUNK = 256  # inputs looked up in the store at a time

# Modules that do not change what the coder writes: editing them does not make a new pipeline.
# What decides the records: the coding stages, the record types, the model loader, the data.
CODING_MODULES = ("code", "learn")  # their modules and the learned layer's weights
NOT_CODING = {"runner", "train", "annotations"}
CODING_FILES = ("records.py", "nlp.py")


def pipeline_version(options: CoderOptions) -> str:
    """whodid's version plus a hash of everything that decides the records: the coding
    modules, the knowledge files, the model and its version, the user's extra files. Documents
    stored by another pipeline are recoded only when asked (`--recode`). The user's files
    are those of the options and, read by every resolver, those WHODID_ACTORS names."""
    import os

    from whodid.code.actors import user_files

    h = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    files = [package / name for name in CODING_FILES]
    for sub in CODING_MODULES:
        files += sorted(p for p in (package / sub).rglob("*")
                        if p.suffix in (".py", ".npz") and p.stem not in NOT_CODING)
    files += sorted(p for p in (package / "data").rglob("*") if p.is_file())
    try:
        files += user_files()
    except ValueError:  # a name that does not exist: the resolver reports it when built
        h.update(os.environ.get("WHODID_ACTORS", "").encode())
    files += [Path(p) for p in (*options.triggers, *options.actors)]
    for path in files:
        h.update(path.name.encode())
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"<unreadable>")
    try:
        model_version = importlib.metadata.version(options.model.replace("_", "-"))
    except importlib.metadata.PackageNotFoundError:
        model_version = "?"
    h.update(f"{options.model}=={model_version}".encode())
    if options.rules_only:
        h.update(b"rules only")
    return f"{__version__}+{h.hexdigest()[:12]}"


@dataclass
class IngestSummary:
    read: int = 0  # documents read (including those skipped and those that failed to code)
    coded: int = 0  # documents coded and stored by this run (new or recoded)
    recoded: int = 0  # of which recoded
    skipped: int = 0  # already stored (or listed twice)
    stale: int = 0  # of the skipped, stored by another pipeline version (see --recode)
    failed: int = 0  # inputs that could not be read, and documents that could not be coded
    duplicates: int = 0  # new documents linked as near-duplicates of a stored first copy
    events: int = 0  # event records stored
    batches: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class _Pending:
    origin: str | None
    key: str | None = None  # None: an error record from reading
    recode: bool = False


class Progress:
    """What a run reports as it goes: a progress bar (on a terminal), error records, and
    one line per committed batch when asked. All optional."""

    def __init__(self, bar: bool = False, on_error: Callable[[dict[str, Any]], None] | None = None,
                 on_batch: Callable[[IngestSummary], None] | None = None,
                 total: int | None = None) -> None:
        self._bar = None
        if bar:
            from whodid.progress import progress

            self._bar = progress(total, desc="ingest")
        self.on_error = on_error
        self.on_batch = on_batch

    def step(self, summary: IngestSummary) -> None:
        if self._bar is not None:
            self._bar.update(1)
            # `stored` moves by whole batches: it is what a crash would keep
            self._bar.set_postfix(stored=summary.coded, skipped=summary.skipped,
                                  failed=summary.failed, refresh=False)

    def error(self, err: dict[str, Any]) -> None:
        if self.on_error is not None:
            if self._bar is not None:
                self._bar.clear()
            self.on_error(err)
            if self._bar is not None:
                self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def ingest(paths: Iterable[Input], db: str | Path, options: CoderOptions | None = None,
           processes: int = 1, recode: bool = False, published: str | None = None,
           stdin: IO[bytes] | None = None, progress: Progress | None = None,
           batch_docs: int = BATCH_DOCS, batch_seconds: float = BATCH_SECONDS,
           stream: Callable[..., Iterator[Result]] | None = None) -> IngestSummary:
    """Read `paths` (as `whodid code` does, plus .csv and .html; `Document`s and JSON input
    objects too, see `iter_inputs`), code the documents not yet stored, and store documents,
    records and errors in the store at `db`.

    With `recode`, documents stored by another pipeline version are coded again and their
    records replaced; with `recode` and no paths, that is done for every such stored document,
    from its stored text. A document that failed to code is retried by every run.
    `stream` codes the items, results in input order: `code_stream` (this machine, the
    default) or `whodid.cluster.ray_code.RayStream` (a Ray cluster)."""
    options = options or CoderOptions()
    stream = stream or code_stream
    progress = progress or Progress()
    pipeline = pipeline_version(options)
    summary = IngestSummary()
    if isinstance(paths, str | Path | Document | dict):
        paths = [paths]
    # a generator of documents is read once as it is coded, never listed
    labels = _labels(paths) if isinstance(paths, Sequence) else ["<python>"]
    with StoreWriter(db) as store:
        run_id = store.begin_run(pipeline, labels or ["<stored>"])
        if labels:
            sourced = iter_inputs(paths, published, stdin)
        else:
            sourced = _stored_for_recode(store, pipeline) if recode else iter(())
        writer = _Writer(store, pipeline, run_id, summary, progress, batch_docs, batch_seconds)
        pending: deque[_Pending] = deque()
        items = _plan(sourced, store, pipeline, recode, summary, pending, writer, progress)
        first = next(items, None)  # nothing new: no model to load, no pool to start
        results = (stream(itertools.chain([first], items), options, processes=processes)
                   if first is not None else iter(()))
        try:
            for result in results:
                p = pending.popleft()
                if p.key is None:  # a reading error passing through
                    writer.add_error(StoredError(p.origin, result.error or {}))
                else:
                    doc = writer.docs_in_flight.pop(p.key)
                    if result.error is not None:
                        summary.failed += 1
                        progress.error(result.error)
                    writer.add(StoredDocument(key=p.key, doc=doc, origin=p.origin,
                                              records=result.records, error=result.error,
                                              recode=p.recode))
                progress.step(summary)
        except KeyboardInterrupt:  # keep what is coded; the next run does the rest
            writer.flush()
            progress.close()
            raise
        writer.flush()
        store.finish_run(run_id, summary.as_dict())
    progress.close()
    return summary


def _labels(inputs: Sequence[Input]) -> list[str]:
    """What a run records as its inputs: the paths, and `<python>` for objects handed over."""
    paths = [str(x) for x in inputs if isinstance(x, str | Path)]
    return paths + ["<python>"] * (len(paths) < len(inputs))


def _stored_for_recode(store: StoreWriter,
                       pipeline: str) -> Iterator[tuple[str | None, Item]]:
    keys = store.stale(pipeline)
    for i in range(0, len(keys), LOOKUP_CHUNK):
        for _, doc, origin in store.stored_documents(keys[i:i + LOOKUP_CHUNK]):
            yield origin, doc


def _plan(sourced: Iterable[tuple[str | None, Item]], store: StoreWriter, pipeline: str,
          recode: bool, summary: IngestSummary, pending: deque[_Pending], writer: _Writer,
          progress: Progress) -> Iterator[Item]:
    """The items to code, in order: documents not stored yet (or to recode) and reading errors.
    Each is recorded in `pending` as it is handed over; results come back in the same order."""
    in_run: set[str] = set()  # handed over in this run and not yet known to be committed
    it = iter(sourced)
    while chunk := list(itertools.islice(it, LOOKUP_CHUNK)):
        keys = [content_key(item) if isinstance(item, Document) else None for _, item in chunk]
        stored = store.lookup(k for k in keys if k)
        in_run.difference_update(writer.take_committed())  # the lookup above sees those
        for (origin, item), key in zip(chunk, keys, strict=True):
            if key is None:
                summary.failed += 1
                progress.error(item)  # type: ignore[arg-type]
                pending.append(_Pending(origin))
                yield item
                continue
            summary.read += 1
            state = stored.get(key)
            if key in in_run or (state is not None and state[1] != "failed"
                                 and (state[0] == pipeline or not recode)):
                summary.skipped += 1
                if state is not None and state[0] != pipeline and key not in in_run:
                    summary.stale += 1
                progress.step(summary)
                continue
            in_run.add(key)
            writer.docs_in_flight[key] = item  # type: ignore[assignment]
            pending.append(_Pending(origin, key, recode=state is not None))
            yield item


class _Writer:
    """Collects coded documents and writes them in batches, one transaction each; links new
    documents to the first copy they nearly duplicate."""

    def __init__(self, store: StoreWriter, pipeline: str, run_id: int, summary: IngestSummary,
                 progress: Progress, batch_docs: int, batch_seconds: float) -> None:
        self.store, self.pipeline, self.run_id = store, pipeline, run_id
        self.summary, self.progress = summary, progress
        self.batch_docs, self.batch_seconds = max(1, batch_docs), batch_seconds
        self.docs: list[StoredDocument] = []
        self.errors: list[StoredError] = []
        self.docs_in_flight: dict[str, Document] = {}
        self._committed: list[str] = []
        self._index: NearDuplicates | None = None
        self._rank = 0
        self._since = time.monotonic()

    def take_committed(self) -> list[str]:
        out, self._committed = self._committed, []
        return out

    def _near_duplicates(self) -> NearDuplicates:
        if self._index is None:  # built on the first new document: a rerun with nothing new
            self._index = NearDuplicates()  # never pays for it
            for key, seq, blob in self.store.first_copies():
                self._index.add(key, seq, from_bytes(blob))
                self._rank = max(self._rank, seq)
        return self._index

    def add(self, doc: StoredDocument) -> None:
        if not doc.recode:
            sig = signature(doc.doc.text)
            index = self._near_duplicates()
            match = index.match(sig)
            doc.minhash = to_bytes(sig)
            if match is not None:
                doc.duplicate_of, doc.similarity = match
            else:
                self._rank += 1
                index.add(doc.key, self._rank, sig)
        self.docs.append(doc)
        self._maybe_flush()

    def add_error(self, err: StoredError) -> None:
        self.errors.append(err)
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if (len(self.docs) + len(self.errors) >= self.batch_docs
                or time.monotonic() - self._since >= self.batch_seconds):
            self.flush()

    def flush(self) -> None:
        self._since = time.monotonic()
        if not self.docs and not self.errors:
            return
        result = self.store.write_batch(self.docs, self.errors, self.pipeline, self.run_id)
        group_stories(self.store.con)  # the batch's events into story events (stories.py)
        written = set(result.written)
        for d in self.docs:
            if d.key in written:
                if d.error is None:
                    self.summary.coded += 1
                    self.summary.recoded += d.recode
                if d.duplicate_of is not None:
                    self.summary.duplicates += 1
            else:
                self.summary.skipped += 1
        self.summary.events += result.events
        self.summary.batches += 1
        self._committed.extend(result.written)
        self.docs, self.errors = [], []
        if self.progress.on_batch is not None:
            self.progress.on_batch(self.summary)
