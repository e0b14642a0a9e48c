"""Any event or dyad result as a file: events in the formats of `whodid export` (jsonl, csv,
parquet, gdelt) through the store's own exporters, dyads as csv, jsonl or parquet. The file
is written to a temporary file first (so that a failure is an error, not a cut download),
under the same time limit as any query, and deleted once sent."""

from __future__ import annotations

import csv
import json
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from whodid.serve.reader import QueryTimeout, Reader
from whodid.store.export import EXPORT_FORMATS, _cell, export
from whodid.store.queries import EventFilter, QueryError, dyads_sql

MEDIA_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8",
               "parquet": "application/vnd.apache.parquet",
               "gdelt": "text/tab-separated-values; charset=utf-8"}
SUFFIXES = {"jsonl": "jsonl", "csv": "csv", "parquet": "parquet", "gdelt": "gdelt.tsv"}
DYAD_FORMATS = ("jsonl", "csv", "parquet")


def _timed(reader: Reader, timeout: float, write: Callable[[duckdb.DuckDBPyConnection], int]
           ) -> int:
    cur = reader.cursor()
    with reader.turn(reader.timeout):
        timer = threading.Timer(timeout, cur.interrupt)
        timer.start()
        try:
            return write(cur)
        except duckdb.InterruptException as exc:
            raise QueryTimeout(f"the download took longer than {timeout:g} s and was stopped; "
                               "narrow the filters or ask for fewer rows") from exc
        finally:
            timer.cancel()


def _temp(fmt: str) -> Path:
    fd, name = tempfile.mkstemp(prefix="whodid-serve-", suffix="." + SUFFIXES[fmt])
    os.close(fd)
    return Path(name)


def events_file(reader: Reader, filt: EventFilter, fmt: str, limit: int,
                timeout: float) -> tuple[Path, int]:
    """The matching events (at most `limit`) written as `fmt` to a temporary file."""
    if fmt not in EXPORT_FORMATS:
        raise QueryError(f"format must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    path = _temp(fmt)
    try:
        n = _timed(reader, timeout, lambda cur: export(cur, fmt, path, filt, limit=limit))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, n


def dyads_file(reader: Reader, filt: EventFilter, fmt: str, period: str, by_sector: bool,
               timeout: float) -> tuple[Path, int]:
    """The whole dyad aggregate for `filt` as `fmt` in a temporary file."""
    if fmt not in DYAD_FORMATS:
        raise QueryError(f"format must be one of {', '.join(DYAD_FORMATS)}, got {fmt!r}")
    sql, params = dyads_sql(filt, period, by_sector)
    path = _temp(fmt)

    def write(cur: duckdb.DuckDBPyConnection) -> int:
        result = cur.execute(sql, params)
        columns = [d[0] for d in result.description]
        if fmt == "parquet":
            import pyarrow.parquet as pq

            table = result.arrow()
            if hasattr(table, "read_all"):  # duckdb >= 1.4 gives a reader
                table = table.read_all()
            pq.write_table(table, str(path))
            return table.num_rows
        n = 0
        with path.open("w", encoding="utf-8", newline="") as out:
            writer: Any = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
            if writer:
                writer.writerow(columns)
            while rows := result.fetchmany(10_000):
                for row in rows:
                    if writer:
                        writer.writerow(_cell(v) for v in row)
                    else:
                        out.write(json.dumps(dict(zip(columns, row, strict=True))) + "\n")
                    n += 1
        return n

    try:
        n = _timed(reader, timeout, write)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, n
