"""The store: an embedded DuckDB file holding documents, events, entities, quotes and errors
(schema in docs/store.md). Documents are keyed by a hash of their content, so storing the same
input twice adds nothing; every batch is written in one transaction, so a run killed at any
moment leaves the file as it was after its last whole batch."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import duckdb
import pyarrow as pa

from whodid.records import Document
from whodid.version import __version__

SCHEMA_VERSION = "1"
DEFAULT_DB = "whodid.duckdb"

# (name, SQL type) for each table, in column order. The Arrow schemas of the batches written
# are derived from these, so that the two can never disagree.
DOCUMENT_COLUMNS: list[tuple[str, str]] = [
    ("doc_key", "VARCHAR PRIMARY KEY"),  # hash of id, text, published, title, url, source
    ("seq", "BIGINT NOT NULL"),  # order in which documents were first stored
    ("doc_id", "VARCHAR NOT NULL"),
    ("origin", "VARCHAR"),  # file, or file:line, it was read from
    ("published", "VARCHAR"),
    ("title", "VARCHAR"),
    ("url", "VARCHAR"),
    ("source", "VARCHAR"),
    ("text", "VARCHAR NOT NULL"),
    ("chars", "INTEGER NOT NULL"),
    ("status", "VARCHAR NOT NULL"),  # coded | failed
    ("events", "INTEGER NOT NULL"),
    ("pipeline", "VARCHAR NOT NULL"),  # the pipeline version that coded it
    ("coded_at", "TIMESTAMP NOT NULL"),  # UTC
    ("run_id", "INTEGER NOT NULL"),
    ("duplicate_of", "VARCHAR"),  # doc_key of the first copy of a near-duplicate
    ("similarity", "DOUBLE"),  # estimated Jaccard similarity to that first copy
    ("minhash", "BLOB"),  # MinHash signature (128 x uint32)
]

EVENT_COLUMNS: list[tuple[str, str]] = [
    ("event_key", "VARCHAR NOT NULL"),  # doc_key:n
    ("event_no", "BIGINT NOT NULL"),  # store-wide number, in storing order
    ("doc_key", "VARCHAR NOT NULL"),
    ("n", "INTEGER NOT NULL"),  # position among the document's records
    ("id", "VARCHAR"),
    ("doc_id", "VARCHAR"),
    ("event", "VARCHAR"),
    ("mode", "VARCHAR"),
    ("status", "VARCHAR"),
    ("quad_code", "TINYINT"),
    ("score", "DOUBLE"),
    ("cameo", "VARCHAR"),
    ("date", "VARCHAR"),  # as coded: YYYY-MM-DD, YYYY-MM or YYYY
    ("day", "DATE"),  # `date` as a DATE, missing parts as 01: for filters and periods
    ("date_text", "VARCHAR"),
    ("date_precision", "VARCHAR"),
    ("actor_code", "VARCHAR"),  # the first actor with a code (else the first actor)
    ("actor_sector", "VARCHAR"),
    ("actor_name", "VARCHAR"),
    ("actor_text", "VARCHAR"),
    ("recipient_code", "VARCHAR"),
    ("recipient_sector", "VARCHAR"),
    ("recipient_name", "VARCHAR"),
    ("recipient_text", "VARCHAR"),
    ("claimant_code", "VARCHAR"),
    ("claimant_name", "VARCHAR"),
    ("trigger", "VARCHAR"),
    ("sentence", "INTEGER"),
    ("event_text", "VARCHAR"),
    ("confidence", "DOUBLE"),
    ("why", "VARCHAR"),
    ("place", "VARCHAR"),
    ("place_country", "VARCHAR"),
    ("lat", "DOUBLE"),
    ("lon", "DOUBLE"),
    ("geonameid", "BIGINT"),
    ("feature_class", "VARCHAR"),
    ("feature_code", "VARCHAR"),
    ("record", "VARCHAR NOT NULL"),  # the record as `whodid code` writes it (JSON)
]

ENTITY_COLUMNS: list[tuple[str, str]] = [
    ("event_key", "VARCHAR NOT NULL"),
    ("role", "VARCHAR NOT NULL"),  # actor | recipient | claimant
    ("pos", "SMALLINT NOT NULL"),
    ("entity_text", "VARCHAR"),
    ("start_char", "INTEGER"),
    ("end_char", "INTEGER"),
    ("code", "VARCHAR"),
    ("sector", "VARCHAR"),
    ("name", "VARCHAR"),
    ("why", "VARCHAR"),
]

QUOTE_COLUMNS: list[tuple[str, str]] = [
    ("quote_key", "VARCHAR NOT NULL"),  # doc_key:n
    ("doc_key", "VARCHAR NOT NULL"),
    ("id", "VARCHAR"),
    ("kind", "VARCHAR"),
    ("speaker_name", "VARCHAR"),
    ("speaker_code", "VARCHAR"),
    ("content", "VARCHAR"),
    ("record", "VARCHAR NOT NULL"),
]

ERROR_COLUMNS: list[tuple[str, str]] = [
    ("error_key", "VARCHAR PRIMARY KEY"),  # hash of origin, kind and detail
    ("doc_id", "VARCHAR"),
    ("doc_key", "VARCHAR"),  # set when a stored document failed to code
    ("origin", "VARCHAR"),
    ("kind", "VARCHAR NOT NULL"),
    ("detail", "VARCHAR"),
    ("first_run", "INTEGER NOT NULL"),
    ("last_run", "INTEGER NOT NULL"),
    ("seen", "INTEGER NOT NULL"),  # in how many runs
]

RUN_COLUMNS: list[tuple[str, str]] = [
    ("run_id", "INTEGER PRIMARY KEY"),
    ("started", "TIMESTAMP NOT NULL"),
    ("finished", "TIMESTAMP"),  # NULL: the run was killed or is still going
    ("pipeline", "VARCHAR NOT NULL"),
    ("inputs", "VARCHAR"),
    ("read", "INTEGER"),
    ("coded", "INTEGER"),
    ("skipped", "INTEGER"),
    ("failed", "INTEGER"),
    ("duplicates", "INTEGER"),
    ("events", "INTEGER"),
]

TABLES: dict[str, list[tuple[str, str]]] = {
    "documents": DOCUMENT_COLUMNS, "events": EVENT_COLUMNS, "entities": ENTITY_COLUMNS,
    "quotes": QUOTE_COLUMNS, "errors": ERROR_COLUMNS, "runs": RUN_COLUMNS,
}

_ARROW_TYPES = {
    "VARCHAR": pa.string(), "BIGINT": pa.int64(), "INTEGER": pa.int32(), "SMALLINT": pa.int16(),
    "TINYINT": pa.int8(), "DOUBLE": pa.float64(), "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"), "BLOB": pa.binary(),
}


def arrow_schema(columns: Sequence[tuple[str, str]]) -> pa.Schema:
    return pa.schema([(name, _ARROW_TYPES[sql.split()[0]]) for name, sql in columns])


class StoreError(Exception):
    """The store cannot be opened or used as asked; the message says why."""


def content_key(doc: Document) -> str:
    """The document's key: a hash of everything that can change what is stored for it.
    The same file read twice gives the same key; the same text under another id, URL or
    source is another document (a near-duplicate of the first)."""
    payload = json.dumps([doc.id, doc.text, doc.published, doc.title, doc.url, doc.source],
                         ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def error_key(origin: str | None, kind: str, detail: str | None) -> str:
    payload = json.dumps([origin, kind, detail], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def parse_day(date: str | None) -> dt.date | None:
    """YYYY-MM-DD, YYYY-MM or YYYY as a date (missing parts 01); anything else None."""
    if not date:
        return None
    parts = date.split("-")
    try:
        if len(parts) == 3:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 1)
        if len(parts) == 1 and len(parts[0]) == 4:
            return dt.date(int(parts[0]), 1, 1)
    except ValueError:
        return None
    return None


def _create_sql(table: str, columns: Sequence[tuple[str, str]]) -> str:
    body = ",\n  ".join(f"{name} {sql}" for name, sql in columns)
    return f"CREATE TABLE IF NOT EXISTS {table} (\n  {body}\n)"


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the store at `path`, created with its schema when missing (unless
    read_only, where a missing store is an error)."""
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(f"{path}: no such store; create it with `whodid ingest PATH --db {path}`")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise StoreError(f"{path}: cannot open the store ({exc})") from exc
    try:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        if "meta" in tables:
            rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
            found = rows[0][0] if rows else None
            if found != SCHEMA_VERSION:
                raise StoreError(f"{path}: store schema version {found!r}; this whodid reads "
                                 f"version {SCHEMA_VERSION!r}")
        elif read_only:
            raise StoreError(f"{path}: not a whodid store")
        else:
            con.execute("BEGIN")
            con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            for table, columns in TABLES.items():
                con.execute(_create_sql(table, columns))
            con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('created_by', ?)",
                        [SCHEMA_VERSION, f"whodid {__version__}"])
            con.execute("COMMIT")
    except BaseException:
        con.close()
        raise
    return con


def _primary(entities: list[dict[str, Any]]) -> dict[str, Any]:
    """The entity that stands for a side in one-row views (dyads, GDELT, CSV): the first with
    a code, else the first."""
    for ent in entities:
        if ent.get("code"):
            return ent
    return entities[0] if entities else {}


def event_row(rec: dict[str, Any], doc_key: str, n: int, event_no: int) -> dict[str, Any]:
    """The events-table row of one event record."""
    actor = _primary(rec.get("actor") or [])
    recipient = _primary(rec.get("recipient") or [])
    claimant = _primary(rec.get("claimant") or [])
    loc = rec.get("event_loc") or {}
    info = rec.get("text_info") or {}
    return {
        "event_key": f"{doc_key}:{n}", "event_no": event_no, "doc_key": doc_key, "n": n,
        "id": rec.get("id"), "doc_id": rec.get("doc_id"), "event": rec.get("event"),
        "mode": rec.get("mode"), "status": rec.get("status"), "quad_code": rec.get("quad_code"),
        "score": rec.get("score"), "cameo": rec.get("cameo"), "date": rec.get("date"),
        "day": parse_day(rec.get("date")), "date_text": rec.get("date_text"),
        "date_precision": rec.get("date_precision"),
        "actor_code": actor.get("code"), "actor_sector": actor.get("sector"),
        "actor_name": actor.get("name"), "actor_text": actor.get("entity_text"),
        "recipient_code": recipient.get("code"), "recipient_sector": recipient.get("sector"),
        "recipient_name": recipient.get("name"), "recipient_text": recipient.get("entity_text"),
        "claimant_code": claimant.get("code"), "claimant_name": claimant.get("name"),
        "trigger": (rec.get("trigger") or {}).get("text"), "sentence": info.get("sequence"),
        "event_text": rec.get("event_text"), "confidence": rec.get("confidence"),
        "why": rec.get("why"),
        "place": loc.get("resolved_place") or loc.get("extracted_place"),
        "place_country": loc.get("country_code"), "lat": loc.get("lat"), "lon": loc.get("lon"),
        "geonameid": loc.get("geonameid"), "feature_class": loc.get("feature_class"),
        "feature_code": loc.get("feature_code"),
        "record": json.dumps(rec, ensure_ascii=False),
    }


def entity_rows(rec: dict[str, Any], event_key: str) -> list[dict[str, Any]]:
    rows = []
    for role in ("actor", "recipient", "claimant"):
        for pos, ent in enumerate(rec.get(role) or []):
            rows.append({"event_key": event_key, "role": role, "pos": pos,
                         "entity_text": ent.get("entity_text"), "start_char": ent.get("start"),
                         "end_char": ent.get("end"), "code": ent.get("code"),
                         "sector": ent.get("sector"), "name": ent.get("name"),
                         "why": ent.get("why")})
    return rows


def quote_row(rec: dict[str, Any], doc_key: str, n: int) -> dict[str, Any]:
    speaker = rec.get("speaker") or {}
    content = rec.get("content") or {}
    return {"quote_key": f"{doc_key}:{n}", "doc_key": doc_key, "id": rec.get("id"),
            "kind": rec.get("kind"), "speaker_name": speaker.get("name"),
            "speaker_code": speaker.get("code"),
            "content": content.get("text") if isinstance(content, dict) else None,
            "record": json.dumps(rec, ensure_ascii=False)}


@dataclass
class StoredDocument:
    """One document's outcome, ready to be written: new (insert), or recoded (replace its
    records, keep its place, duplicate link and signature)."""

    key: str
    doc: Document
    origin: str | None
    records: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    recode: bool = False
    minhash: bytes | None = None
    duplicate_of: str | None = None
    similarity: float | None = None


@dataclass
class StoredError:
    """An input that never became a document (reading failed), with where it was read."""

    origin: str | None
    error: dict[str, Any]


@dataclass
class BatchResult:
    written: list[str]  # doc_keys written (new or recoded)
    events: int
    dropped: int  # documents already stored by someone else since they were looked up


class StoreWriter:
    """Writes to one store file (ingest's side; `whodid.Store` is the public face). A single
    writer at a time: DuckDB locks the file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.con = connect(self.path)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs -------------------------------------------------------------------------------
    def begin_run(self, pipeline: str, inputs: Sequence[str]) -> int:
        row = self.con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchall()[0]
        run_id = int(row[0])
        self.con.execute("INSERT INTO runs (run_id, started, pipeline, inputs) VALUES (?,?,?,?)",
                         [run_id, utcnow(), pipeline, json.dumps(list(inputs))])
        return run_id

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        names = ("read", "coded", "skipped", "failed", "duplicates", "events")
        self.con.execute(
            f"UPDATE runs SET finished = ?, {', '.join(f'{n} = ?' for n in names)} "
            "WHERE run_id = ?", [utcnow(), *(counts.get(n, 0) for n in names), run_id])

    # -- reading back what the writer needs --------------------------------------------------
    def lookup(self, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
        """{doc_key: (pipeline, status)} for those of `keys` already stored."""
        keys = list(keys)
        if not keys:
            return {}
        rows = self.con.execute(
            "SELECT doc_key, pipeline, status FROM documents "
            "WHERE doc_key IN (SELECT unnest(?::VARCHAR[]))", [keys]).fetchall()
        return {k: (p, s) for k, p, s in rows}

    def first_copies(self) -> Iterable[tuple[str, int, bytes]]:
        """(doc_key, seq, minhash) of stored documents that are not near-duplicates, in order."""
        cur = self.con.execute(
            "SELECT doc_key, seq, minhash FROM documents "
            "WHERE duplicate_of IS NULL AND minhash IS NOT NULL ORDER BY seq")
        while rows := cur.fetchmany(10_000):
            yield from rows

    def stale(self, pipeline: str) -> list[str]:
        """Keys of stored documents coded by another pipeline version, or failed, in order."""
        return [r[0] for r in self.con.execute(
            "SELECT doc_key FROM documents WHERE pipeline <> ? OR status = 'failed' ORDER BY seq",
            [pipeline]).fetchall()]

    def stored_documents(self, keys: Sequence[str]) -> list[tuple[str, Document, str | None]]:
        rows = self.con.execute(
            "SELECT doc_key, doc_id, text, published, title, url, source, origin FROM documents "
            "WHERE doc_key IN (SELECT unnest(?::VARCHAR[])) ORDER BY seq", [list(keys)]).fetchall()
        return [(r[0], Document(id=r[1], text=r[2], published=r[3], title=r[4], url=r[5],
                                source=r[6]), r[7]) for r in rows]

    # -- writing -----------------------------------------------------------------------------
    def _insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        arrow = pa.Table.from_pylist(rows, schema=arrow_schema(TABLES[table]))
        name = f"_whodid_batch_{table}"
        self.con.register(name, arrow)
        try:
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {name}")
        finally:
            self.con.unregister(name)

    def write_batch(self, docs: Sequence[StoredDocument], errors: Sequence[StoredError],
                    pipeline: str, run_id: int) -> BatchResult:
        """Write one batch in one transaction: all of it is stored, or none of it."""
        con = self.con
        now = utcnow()
        con.execute("BEGIN TRANSACTION")
        try:
            seq, event_no = con.execute(
                "SELECT (SELECT coalesce(max(seq), 0) FROM documents), "
                "(SELECT coalesce(max(event_no), 0) FROM events)").fetchall()[0]
            present = self.lookup(d.key for d in docs)
            kept: list[StoredDocument] = []
            dropped = 0
            for d in docs:
                # a new document stored meanwhile, or one listed twice, is never stored twice
                if (not d.recode and d.key in present) or (d.recode and d.key not in present):
                    dropped += 1
                    continue
                present.setdefault(d.key, (pipeline, "coded"))
                kept.append(d)
            recoded = [d.key for d in kept if d.recode]
            if recoded:
                keys = "(SELECT unnest(?::VARCHAR[]))"
                con.execute("DELETE FROM entities WHERE event_key IN "
                            f"(SELECT event_key FROM events WHERE doc_key IN {keys})", [recoded])
                con.execute(f"DELETE FROM events WHERE doc_key IN {keys}", [recoded])
                con.execute(f"DELETE FROM quotes WHERE doc_key IN {keys}", [recoded])
            new_docs, updates, events, entities, quotes, error_rows = [], [], [], [], [], []
            for d in kept:
                n_events = 0
                for n, rec in enumerate(d.records):
                    if "event" in rec:
                        event_no += 1
                        row = event_row(rec, d.key, n, event_no)
                        events.append(row)
                        entities.extend(entity_rows(rec, row["event_key"]))
                        n_events += 1
                    else:
                        quotes.append(quote_row(rec, d.key, n))
                status = "failed" if d.error is not None else "coded"
                coding = {"doc_key": d.key, "status": status, "events": n_events,
                          "pipeline": pipeline, "coded_at": now, "run_id": run_id}
                if d.recode:
                    updates.append(coding)
                else:
                    seq += 1
                    new_docs.append({
                        **coding, "seq": seq, "doc_id": d.doc.id, "origin": d.origin,
                        "published": d.doc.published, "title": d.doc.title, "url": d.doc.url,
                        "source": d.doc.source, "text": d.doc.text, "chars": len(d.doc.text),
                        "duplicate_of": d.duplicate_of, "similarity": d.similarity,
                        "minhash": d.minhash})
                if d.error is not None:
                    error_rows.append((d.origin, d.error, d.key))
            self._insert("documents", new_docs)
            if updates:
                name = "_whodid_batch_updates"
                schema = pa.schema([("doc_key", pa.string()), ("status", pa.string()),
                                    ("events", pa.int32()), ("pipeline", pa.string()),
                                    ("coded_at", pa.timestamp("us")), ("run_id", pa.int32())])
                con.register(name, pa.Table.from_pylist(updates, schema=schema))
                try:
                    con.execute(f"UPDATE documents SET status = u.status, events = u.events, "
                                f"pipeline = u.pipeline, coded_at = u.coded_at, "
                                f"run_id = u.run_id FROM {name} u "
                                f"WHERE documents.doc_key = u.doc_key")
                finally:
                    con.unregister(name)
            self._insert("events", events)
            self._insert("entities", entities)
            self._insert("quotes", quotes)
            coded_keys = [d.key for d in kept if d.error is None]
            if coded_keys:  # a document that codes now no longer carries its old failure
                con.execute("DELETE FROM errors WHERE doc_key IN (SELECT unnest(?::VARCHAR[]))",
                            [coded_keys])
            error_rows.extend((e.origin, e.error, None) for e in errors)
            self._upsert_errors(error_rows, run_id)
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:  # a failed COMMIT (a full disk) has ended the transaction:
                pass  # the error that matters is the one being raised
            raise
        return BatchResult(written=[d.key for d in kept], events=len(events), dropped=dropped)

    def _upsert_errors(self, errors: Sequence[tuple[str | None, dict[str, Any], str | None]],
                       run_id: int) -> None:
        rows: dict[str, dict[str, Any]] = {}
        for origin, err, doc_key in errors:
            kind, detail = str(err.get("error")), err.get("detail")
            key = error_key(origin, kind, detail)
            rows[key] = {"error_key": key, "doc_id": err.get("doc_id"), "doc_key": doc_key,
                         "origin": origin, "kind": kind, "detail": detail,
                         "first_run": run_id, "last_run": run_id, "seen": 1}
        if not rows:
            return
        arrow = pa.Table.from_pylist(list(rows.values()), schema=arrow_schema(ERROR_COLUMNS))
        name = "_whodid_batch_errors"
        self.con.register(name, arrow)
        try:
            # seen counts runs: the same error met twice in one run is still one
            self.con.execute(
                f"INSERT INTO errors BY NAME SELECT * FROM {name} ON CONFLICT (error_key) DO "
                "UPDATE SET seen = errors.seen + CASE WHEN errors.last_run = excluded.last_run "
                "THEN 0 ELSE 1 END, last_run = excluded.last_run, doc_key = excluded.doc_key")
        finally:
            self.con.unregister(name)
