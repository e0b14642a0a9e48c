"""A pool of coding processes that outlives the death of any of them.

multiprocessing.Pool loses the task of a worker that is killed (out of memory, a crash in
native code, kill -9) and waits for its result forever. Here each worker has its own pipe,
and the parent watches the pipes and the processes together: when a worker dies, a new one
takes its place and the documents it held are coded again one by one, so that only the one
that kills a worker on its own becomes an error record. Workers exit when the parent dies.

Test hook: with WHODID_TEST_KILL_DOC=<id> in the environment, a worker given the document
with that id kills itself with SIGKILL before coding it (tests/test_worker_death.py).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Self

from whodid.records import Document

KILL_ENV = "WHODID_TEST_KILL_DOC"
PARENT_CHECK_S = 1.0  # how often an idle worker looks whether its parent is still alive
STOP_WAIT_S = 10.0  # how long a worker may take to finish at the end before it is terminated


class WorkerInitError(RuntimeError):
    """A pool worker could not build its coder; the message is the one line it failed with."""


class WorkersDying(RuntimeError):
    """Workers die before coding anything, again and again: the run cannot go on."""


def _serve(conn: Connection, start: Callable[[Any], Any], options: Any, parent: int) -> None:
    """A worker: build the coder, then code each list of documents the parent sends, until
    None, the pipe closes, or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        work = start(options)
    except Exception as exc:  # noqa: BLE001 - reported with the first task
        work, failure = None, str(exc)
    kill = os.environ.get(KILL_ENV)
    while True:
        while not conn.poll(PARENT_CHECK_S):
            if os.getppid() != parent:
                return
        try:
            docs = conn.recv()
        except (EOFError, OSError):
            return
        if docs is None:
            return
        if work is None:
            conn.send(("init_error", failure))
            return
        if kill and any(d.id == kill for d in docs):
            os.kill(os.getpid(), signal.SIGKILL)
        conn.send(("ok", work.batch(docs)))


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"killed by {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
    return f"exit status {exitcode}"


@dataclass
class _Task:
    chunk: int  # which chunk of the call to `map` it belongs to
    offset: int  # where its documents start in that chunk
    docs: list[Document]


@dataclass
class _Slot:
    proc: Any
    conn: Connection
    task: _Task | None = None


class WorkerPool:
    """`processes` workers, each building its worker with `start(options)` (which must offer
    `batch(docs) -> results`); `failed(doc, detail)` makes the result of a document whose
    worker died."""

    def __init__(self, processes: int, start: Callable[[Any], Any], options: Any,
                 failed: Callable[[Document, str], Any]) -> None:
        method = "spawn" if mp.get_start_method(allow_none=True) == "spawn" else "fork"
        self._ctx = mp.get_context(method)
        self._start, self._options, self._failed = start, options, failed
        self._slots = [self._spawn() for _ in range(max(1, processes))]
        self._deaths_in_a_row = 0
        self._last_death = ""

    def _spawn(self) -> _Slot:
        ours, theirs = self._ctx.Pipe()
        proc = self._ctx.Process(target=_serve, daemon=True, name="whodid-worker",
                                 args=(theirs, self._start, self._options, os.getpid()))
        proc.start()
        theirs.close()
        return _Slot(proc, ours)

    def map(self, chunks: list[list[Document]]) -> Iterator[list[Any]]:
        """The results of each chunk, in order, coded by the workers in parallel."""
        results: list[list[Any]] = [[None] * len(c) for c in chunks]
        missing = [len(c) for c in chunks]
        todo = deque(_Task(i, 0, c) for i, c in enumerate(chunks) if c)
        done = 0
        while done < len(chunks):
            while done < len(chunks) and missing[done] == 0:
                yield results[done]
                done += 1
            if done == len(chunks):
                return
            for slot in self._slots:
                if slot.task is None and todo:
                    self._give(slot, todo.popleft(), todo)
            busy = [s for s in self._slots if s.task is not None]
            if not busy:  # every hand-over failed; the new workers get them next round
                continue
            ready = set(wait([s.conn for s in busy] + [s.proc.sentinel for s in busy]))
            for slot in busy:
                if slot.conn not in ready and slot.proc.sentinel not in ready:
                    continue
                task = slot.task
                try:
                    status, payload = slot.conn.recv()
                except (EOFError, OSError):  # died, before or while answering
                    self._replace(slot)
                    self._lost(task, todo, results, missing)
                    continue
                if status == "init_error":
                    raise WorkerInitError(payload)
                slot.task = None
                self._deaths_in_a_row = 0
                results[task.chunk][task.offset:task.offset + len(task.docs)] = payload
                missing[task.chunk] -= len(task.docs)

    def _give(self, slot: _Slot, task: _Task, todo: deque[_Task]) -> None:
        try:
            slot.conn.send(task.docs)
            slot.task = task
        except (BrokenPipeError, OSError):  # died idle: the task goes to its successor
            todo.appendleft(task)
            self._replace(slot)

    def _lost(self, task: _Task, todo: deque[_Task], results: list[list[Any]],
              missing: list[int]) -> None:
        """The worker holding `task` died: code its documents again one by one (first in
        line), or, if it held one alone, make that one an error record."""
        if len(task.docs) > 1:
            todo.extendleft(_Task(task.chunk, task.offset + j, [d])
                            for j, d in reversed(list(enumerate(task.docs))))
            return
        doc = task.docs[0]
        results[task.chunk][task.offset] = self._failed(
            doc, f"the worker process coding it died ({self._last_death}); the run went on "
                 "with a new one")
        missing[task.chunk] -= 1

    def _replace(self, slot: _Slot) -> None:
        slot.proc.join(timeout=STOP_WAIT_S)
        self._last_death = _death(slot.proc.exitcode)
        slot.conn.close()
        self._deaths_in_a_row += 1
        if self._deaths_in_a_row > 4 * len(self._slots) + 8:
            raise WorkersDying(f"coding workers keep dying ({self._last_death})")
        fresh = self._spawn()
        slot.proc, slot.conn, slot.task = fresh.proc, fresh.conn, None

    def close(self, wait_s: float = STOP_WAIT_S) -> None:
        """Stop the workers: asked to finish, then terminated if they do not."""
        for slot in self._slots:
            try:
                slot.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        for slot in self._slots:
            slot.proc.join(timeout=wait_s)
            if slot.proc.is_alive():
                slot.proc.kill()
                slot.proc.join()
            slot.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(wait_s=STOP_WAIT_S if exc[0] is None else 0.5)
