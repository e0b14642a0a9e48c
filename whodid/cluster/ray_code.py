"""Code documents on Ray: the `stream` that `whodid ingest --ray` hands to `ingest`.

The driver reads and plans as a local ingest does (documents already stored are skipped
before anything is shipped), so reading errors, keys and skips are the same. Ray Data holds
the documents in blocks; a pool of actors, each loading the model once, codes each block
through `nlp.pipe` (`Worker.batch`, as a local run does); each block of results is written
to a Parquet shard; when a wave is coded the driver, the store's one writer, loads the
shards back in input order. The store then holds the same events, byte for byte, as after
a local run: same records, same order, same near-duplicate links and numbers.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from whodid.code.runner import CoderOptions, Result, WorkerInitError, check_knowledge
from whodid.records import Document

BLOCK_DOCS = 16  # documents per block and per actor call: 2 parse batches; small enough that
# the last blocks of a wave do not leave one actor working alone for long
WAVE_DOCS = 20_000  # documents per Ray Data job: what the driver holds (text and results)
DOC_FIELDS = ("id", "text", "published", "title", "url", "source")
RESULT_SCHEMA = pa.schema([("n", pa.int64()), ("doc_id", pa.string()),
                           ("records", pa.string()), ("error", pa.string()),
                           ("cpu_s", pa.float64())])  # the actor's CPU time, shared by its block


class ClusterError(WorkerInitError):
    """Ray is missing, unreachable, or its workers cannot code as this driver would."""


class CodeBatch:
    """A Ray Data actor: loads the coder once, then codes blocks of documents. It refuses to
    start when its whodid codes differently from the driver's (another version, model or
    knowledge files on that node), which would break 'the same events as a local run'."""

    def __init__(self, options: CoderOptions, pipeline: str) -> None:
        from whodid.code.runner import make_worker
        from whodid.store.ingest import pipeline_version

        mine = pipeline_version(options)
        if mine != pipeline:
            raise ClusterError(f"a Ray worker on {os.uname().nodename} has pipeline {mine}, "
                               f"the driver {pipeline}: install the same whodid, model and "
                               "knowledge files on every node")
        self.worker = make_worker(options)

    def __call__(self, batch: pa.Table) -> pa.Table:
        cpu = time.process_time()
        rows = batch.to_pylist()
        docs = [Document(**{k: row[k] for k in DOC_FIELDS}) for row in rows]
        results = self.worker.batch(docs)
        cpu = (time.process_time() - cpu) / max(1, len(rows))
        return pa.Table.from_pylist(
            [{"n": row["n"], "doc_id": r.doc_id,
              "records": json.dumps(r.records, ensure_ascii=False),
              "error": json.dumps(r.error, ensure_ascii=False) if r.error else None,
              "cpu_s": cpu}
             for row, r in zip(rows, results, strict=True)], schema=RESULT_SCHEMA)


@dataclass
class WaveTimes:
    docs: int
    seconds: float  # wall time of the Ray job
    cpu_s: float  # CPU time the actors spent coding (what a loaded machine does not change)


class RayStream:
    """`stream(items, options)`: results in input order, the documents coded on Ray.

    `address` None starts a local Ray with `workers` CPUs (default: this machine's);
    otherwise it is handed to `ray.init` ("auto", "HOST:PORT", "ray://HOST:10001").
    `workers` actors code (default: every CPU the cluster has). `shards` keeps the Parquet
    shards in that folder; by default they go to a temporary folder removed once loaded."""

    def __init__(self, address: str | None = None, workers: int | None = None,
                 shards: str | Path | None = None, block_docs: int = BLOCK_DOCS,
                 wave_docs: int = WAVE_DOCS,
                 on_wave: Callable[[WaveTimes], None] | None = None) -> None:
        self.address, self.workers = address, workers
        self.shards = Path(shards) if shards is not None else None
        self.block_docs, self.wave_docs = max(1, block_docs), max(1, wave_docs)
        self.on_wave = on_wave

    def __call__(self, items: Iterable[Document | dict[str, Any]], options: CoderOptions,
                 processes: int = 1) -> Iterator[Result]:
        from whodid.store.ingest import pipeline_version

        check_knowledge(options)  # a bad model or file: one line, before Ray starts
        pipeline = pipeline_version(options)
        ray = None  # started at the first document: a run with nothing new never starts it
        workers = 1
        shard_dir = self.shards or Path(tempfile.mkdtemp(prefix="whodid-shards-"))
        shard_dir.mkdir(parents=True, exist_ok=True)
        try:
            it = iter(items)
            for wave in itertools.count():
                batch = list(itertools.islice(it, self.wave_docs))
                if not batch:
                    break
                docs = [x for x in batch if isinstance(x, Document)]
                if docs and ray is None:
                    ray = _start(self.address, self.workers)
                    workers = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
                coded = iter(self._code_wave(docs, options, pipeline, workers,
                                             shard_dir / f"wave-{wave:05d}"))
                for x in batch:
                    yield next(coded) if isinstance(x, Document) else Result(x.get("doc_id"),
                                                                             error=x)
        finally:
            if self.shards is None:
                shutil.rmtree(shard_dir, ignore_errors=True)
            if ray is not None:
                ray.shutdown()

    def _code_wave(self, docs: list[Document], options: CoderOptions, pipeline: str,
                   workers: int, folder: Path) -> list[Result]:
        """Code one wave on Ray, its results written to Parquet shards in `folder`, and
        read back from them in the documents' order."""
        import ray.data

        if not docs:
            return []
        start = time.perf_counter()
        table = pa.table({"n": list(range(len(docs))),
                          **{k: [getattr(d, k) for d in docs] for k in DOC_FIELDS}})
        blocks = [table.slice(i, self.block_docs) for i in range(0, len(docs), self.block_docs)]
        coded = ray.data.from_arrow(blocks).map_batches(
            CodeBatch, fn_constructor_args=(options, pipeline), batch_size=self.block_docs,
            batch_format="pyarrow", num_cpus=1,
            compute=ray.data.ActorPoolStrategy(size=min(workers, len(blocks))))
        shutil.rmtree(folder, ignore_errors=True)  # a kept --shards folder from an earlier run
        folder.mkdir(parents=True)
        try:
            for i, out in enumerate(coded.iter_batches(batch_size=None,
                                                       batch_format="pyarrow")):
                pq.write_table(out, folder / f"part-{i:06d}.parquet")
        except Exception as exc:  # Ray wraps a worker's error in its own
            raise _one_line(exc) from exc
        results, cpu = load_shards(folder)
        if len(results) != len(docs):
            raise ClusterError(f"{folder}: {len(results)} results for {len(docs)} documents")
        if self.on_wave is not None:
            self.on_wave(WaveTimes(len(docs), time.perf_counter() - start, cpu))
        return results


def load_shards(folder: Path) -> tuple[list[Result], float]:
    """The results stored in a wave's Parquet shards, in the documents' order, and the CPU
    seconds the actors spent on them."""
    files = sorted(folder.glob("part-*.parquet"))
    if not files:
        return [], 0.0
    table = pa.concat_tables([pq.read_table(f, schema=RESULT_SCHEMA) for f in files])
    table = table.sort_by("n")
    rows = table.to_pylist()
    return ([Result(row["doc_id"], json.loads(row["records"]),
                    json.loads(row["error"]) if row["error"] else None) for row in rows],
            sum(row["cpu_s"] or 0.0 for row in rows))


def _start(address: str | None, workers: int | None) -> Any:
    """Ray, initialised: a local instance (quiet, no dashboard) or a connection to a cluster."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise ClusterError("--ray needs Ray: pip install 'whodid[ray]'") from exc
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.execution_options.preserve_order = True
    kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                              "logging_level": logging.ERROR, "ignore_reinit_error": True}
    try:
        if address is None:
            ray.init(num_cpus=workers or os.cpu_count() or 1, **kwargs)
        else:
            ray.init(address=address, **kwargs)
    except Exception as exc:  # connection refused, no cluster at "auto", ...
        raise ClusterError(f"cannot start or reach Ray at {address or 'a local instance'}: "
                           f"{exc}") from exc
    for name in ("ray", "ray.data"):  # ray.init sets its own levels: quiet them after it
        logging.getLogger(name).setLevel(logging.ERROR)
    return ray


def _one_line(exc: BaseException) -> ClusterError:
    """Ray's error as one line: our own ClusterError's message when a worker raised it."""
    text = str(exc)
    for line in text.splitlines():
        if "ClusterError:" in line:
            return ClusterError(line.split("ClusterError:", 1)[1].strip())
    first = next((ln for ln in text.splitlines() if ln.strip()), type(exc).__name__)
    return ClusterError(f"coding on Ray failed: {first}")
