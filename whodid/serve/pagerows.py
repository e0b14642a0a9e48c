"""What a page of events shows of each event and its document, held in Arrow columns in the
server's process (part of its index, whodid.serve.index), so that a page's rows are taken by
position instead of read from the store's file (a wide row there costs a decompressed vector
per column).

Text columns whose values repeat (types, codes, names, dates, sources ...) are kept as a small
number per row into a list of the distinct values, so that a million events take tens of
megabytes beyond the words that are each event's own (its id, sentence, ...)."""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from whodid.store.queries import FLAT_COLUMNS

EVENT_COLUMNS = [(name, expr) for name, expr in FLAT_COLUMNS if expr.startswith("e.")]
DOC_COLUMNS = [(name, expr) for name, expr in FLAT_COLUMNS if expr[:2] in ("d.", "f.")]


class _Column:
    """One flat column: text whose values repeat as a number per row into a list of the
    distinct values (taking a page's values is then a list lookup); anything else as an Arrow
    array."""

    def __init__(self, column: pa.ChunkedArray) -> None:
        column = column.combine_chunks()
        self.values: list[Any] | None = None
        self.array: pa.Array | None = None
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            encoded = column.dictionary_encode()
            if len(encoded.dictionary) <= len(column) // 4:
                self.values = [*encoded.dictionary.to_pylist(), None]  # -1: none
                codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                size = len(self.values)
                kind = np.int8 if size < 127 else np.int16 if size < 32767 else np.int32
                self.codes = np.asarray(codes, kind)
                return
        self.array = column

    def take(self, rows: np.ndarray) -> list[Any]:
        if self.values is not None:
            values = self.values
            return [values[i] for i in self.codes[rows].tolist()]
        return self.array.take(pa.array(rows)).to_pylist()

    def nbytes(self) -> int:
        if self.values is not None:
            return self.codes.nbytes + sum(len(v or "") + 50 for v in self.values)
        return self.array.nbytes


def _columns(table: pa.Table) -> list[tuple[str, _Column]]:
    return [(name, _Column(table[name])) for name in table.column_names]


class PageRows:
    """The flat columns of every event (FLAT_COLUMNS, as the store's queries give them), by
    position in event_no order and, for the document's, by document in seq order."""

    def __init__(self, store: duckdb.DuckDBPyConnection) -> None:
        cols = ", ".join(f"{expr} AS {name}" for name, expr in EVENT_COLUMNS)
        self.events = _columns(store.sql(f"SELECT {cols} FROM events e ORDER BY e.event_no")
                               .to_arrow_table())
        cols = ", ".join(f"{expr} AS {name}" for name, expr in DOC_COLUMNS)
        self.documents = _columns(store.sql(
            f"SELECT {cols} FROM documents d LEFT JOIN documents f "
            "ON f.doc_key = d.duplicate_of ORDER BY d.seq").to_arrow_table())

    def page(self, positions: np.ndarray, docs: np.ndarray, articles: np.ndarray,
             sources: np.ndarray) -> list[dict[str, Any]]:
        """The rows at `positions` (with their documents' places `docs` and their stories'
        articles and sources) as the flat rows of the store's queries."""
        names = [name for name, _ in self.events] + [name for name, _ in self.documents]
        values = ([column.take(positions) for _, column in self.events]
                  + [column.take(docs) for _, column in self.documents])
        return [{**dict(zip(names, row, strict=True)), "articles": a, "sources": s}
                for row, a, s in zip(zip(*values), articles.tolist(), sources.tolist())]

    def nbytes(self) -> int:
        return sum(column.nbytes() for _, column in self.events + self.documents)
