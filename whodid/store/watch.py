"""Watch a folder and store what appears in it: `whodid watch DIR --db FILE`.

A poll lists the readable files under the folder (those `whodid ingest` reads, not hidden
ones); a new or changed file is taken only once its size and modification time have stayed
the same for `settle` seconds, so that a file still being written is not read half-way.
Taken files go through `ingest`, whose content keys make it idempotent: a file seen again
(after a restart, or touched without change) stores nothing twice, and a JSONL file that
grew has only its new lines coded. The store is opened only while a batch is ingested, so
that `whodid events` and the other readers can use it between polls.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whodid.code.runner import CoderOptions
from whodid.read.documents import READABLE_SUFFIXES
from whodid.store.ingest import IngestSummary, Progress, ingest

Signature = tuple[int, int]  # (size, mtime in ns): what tells a changed file


@dataclass
class Poll:
    """What one poll did: the files it ingested, those still being written, and the
    summary of the ingest (None when nothing was ready)."""

    files: list[Path] = field(default_factory=list)
    unsettled: list[Path] = field(default_factory=list)
    summary: IngestSummary | None = None


class Watcher:
    def __init__(self, folder: str | Path, db: str | Path, options: CoderOptions | None = None,
                 settle: float = 2.0, processes: int = 1, published: str | None = None,
                 progress: Progress | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.folder, self.db = Path(folder), Path(db)
        if not self.folder.is_dir():
            raise NotADirectoryError(f"{self.folder}: not a folder")
        self.options = options or CoderOptions()
        self.settle, self.processes, self.published = settle, processes, published
        self.progress = progress
        self.clock = clock
        self.done: dict[Path, Signature] = {}  # ingested, as they were then
        self.seen: dict[Path, tuple[Signature, float]] = {}  # changed: (signature, since when)

    def scan(self) -> tuple[list[Path], list[Path]]:
        """(files ready to ingest, files changed but not settled yet), in path order."""
        now = self.clock()
        present: dict[Path, Signature] = {}
        for path in sorted(self.folder.rglob("*")):
            rel = path.relative_to(self.folder)
            if any(part.startswith(".") for part in rel.parts):
                continue  # hidden files: editors' and downloaders' partial copies
            if path.suffix.lower() not in READABLE_SUFFIXES:
                continue
            try:
                st = path.stat()
            except OSError:  # removed between listing and stat
                continue
            if path.is_file():
                present[path] = (st.st_size, st.st_mtime_ns)
        ready, unsettled = [], []
        for path, sig in present.items():
            if self.done.get(path) == sig:
                continue
            before = self.seen.get(path)
            if before is None or before[0] != sig:
                self.seen[path] = (sig, now)  # new or still changing: the clock starts again
                before = self.seen[path]
            if now - before[1] >= self.settle:
                ready.append(path)
            else:
                unsettled.append(path)
        for gone in set(self.seen) - set(present):
            del self.seen[gone]
        for gone in set(self.done) - set(present):
            del self.done[gone]
        return ready, unsettled

    def poll(self) -> Poll:
        """Scan once and ingest what is ready."""
        ready, unsettled = self.scan()
        result = Poll(files=ready, unsettled=unsettled)
        if ready:
            signatures = {p: self.seen[p][0] for p in ready}
            result.summary = ingest([str(p) for p in ready], self.db, self.options,
                                    processes=self.processes, published=self.published,
                                    progress=self.progress)
            for path, sig in signatures.items():
                self.done[path] = sig
                self.seen.pop(path, None)
        return result

    def once(self) -> Poll:
        """One pass for scripts and tests: scan, wait `settle` seconds, and ingest what has
        not changed meanwhile; what is still changing is left (Poll.unsettled)."""
        self.scan()
        time.sleep(self.settle)
        return self.poll()

    def run(self, interval: float = 2.0, on_poll: Callable[[Poll], None] | None = None,
            stop: Callable[[], bool] = lambda: False) -> None:
        """Poll every `interval` seconds until `stop()` is true or the process is
        interrupted (KeyboardInterrupt passes through, after ingest kept what it coded)."""
        while not stop():
            poll = self.poll()
            if on_poll is not None:
                on_poll(poll)
            time.sleep(interval)
