"""The store as the server holds it: one DuckDB connection, a cursor per worker thread, a time
limit on every query, the server's index of the store (whodid.serve.index, built again after
each write) and a small cache of answers that a write empties.

Read-only unless the server may write (started with a token): DuckDB then lets other
read-only processes open the file, and nothing the server runs can change it."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from whodid.serve import memory
from whodid.serve.index import Index
from whodid.store.store import connect


class QueryTimeout(Exception):
    """A query ran past the server's time limit and was interrupted."""


class _Pending:
    """An answer being computed, that other requests for it wait on."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class Reader:
    """Runs the server's queries. `timeout` (seconds) interrupts a query that runs longer;
    `cache_size` answers are kept until the next write (the store changes only through this
    server while it holds the file)."""

    def __init__(self, path: str | Path, writable: bool = False, timeout: float = 10.0,
                 cache_size: int = 512, threads: int | None = None,
                 concurrent: int | None = None, index: bool = True) -> None:
        self.path = Path(path)
        self.writable = writable
        self.timeout = timeout
        self.con = connect(self.path, read_only=not writable)
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self._local = threading.local()
        self._cache: OrderedDict[Any, Any] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        self._pending: dict[Any, _Pending] = {}
        self._generation = 0
        self.write_lock = threading.Lock()
        # at most this many queries at once (default: the cores); the others wait their turn.
        # Forty queries at once on two cores take no less time in all, and far more memory.
        self._running = threading.BoundedSemaphore(concurrent or os.cpu_count() or 2)
        self.tables = self._tables()
        self.threads = threads
        # None: every question is asked of the store itself (slower; for comparison and tests)
        self.index: Index | None = Index(self.con) if index else None
        memory.release(self.con)

    def close(self) -> None:
        if self.index is not None:
            self.index.close()
        self.con.close()

    def _tables(self) -> set[str]:
        return {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._local.cursor = self.con.cursor()
        return cur

    def rows(self, sql: str, params: Sequence[Any] = (), timeout: float | None = None
             ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """(column names, rows) of one query, interrupted after the time limit."""
        return self._run(self._cursor(), sql, params, timeout)

    def _run(self, cur: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any],
             timeout: float | None) -> tuple[list[str], list[tuple[Any, ...]]]:
        limit = self.timeout if timeout is None else timeout
        with self.turn(limit):
            timer = threading.Timer(limit, cur.interrupt)
            timer.start()
            try:
                result = cur.execute(sql, list(params))
                return [d[0] for d in result.description], result.fetchall()
            except duckdb.InterruptException as exc:
                raise QueryTimeout(f"the query took longer than {limit:g} s and was stopped; "
                                   "narrow the filters or ask for fewer rows") from exc
            finally:
                timer.cancel()

    @contextmanager
    def turn(self, wait: float) -> Iterator[None]:
        """Hold one of the places for a running query, waiting at most `wait` seconds. A
        thread that holds one already keeps it: the queries of one answer run in one turn,
        so that an answer begun is finished before others start (under load, an answer of
        two queries would otherwise queue twice)."""
        if getattr(self._local, "turn", False):
            yield
            return
        if not self._running.acquire(timeout=wait):
            raise QueryTimeout(f"the server is busy: no query could start within {wait:g} s; "
                               "try again")
        self._local.turn = True
        try:
            yield
        finally:
            self._local.turn = False
            self._running.release()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor, for streaming a download (no time limit: it is paged)."""
        return self._cursor()

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """The answer for `key`, computed once until the next write. Requests that ask for an
        answer being computed wait for it instead of computing it again."""
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            pending = self._pending.get(key)
            owner = pending is None
            if owner:
                pending = self._pending[key] = _Pending(self._generation)
        if not owner:
            pending.done.wait()
            if pending.error is not None:
                raise pending.error
            return pending.value
        try:
            pending.value = compute()
        except BaseException as exc:
            pending.error = exc
            raise
        finally:
            with self._cache_lock:
                self._pending.pop(key, None)
                if (pending.error is None and self._cache_size
                        and pending.generation == self._generation):
                    self._cache[key] = pending.value
                    while len(self._cache) > self._cache_size:
                        self._cache.popitem(last=False)
            pending.done.set()
        return pending.value

    def changed(self) -> None:
        """The store was written: index it again, then forget every cached answer (questions
        asked meanwhile are answered from the index of before the write, and not kept)."""
        if self.index is not None:
            self.index = Index(self.con)  # the old one goes with its last user
            memory.release()  # not DuckDB's buffers: a download may be running
        with self._cache_lock:
            self._cache.clear()
            self._generation += 1  # answers computed before the write are not kept
        self.tables = self._tables()
