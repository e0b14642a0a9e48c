"""The Python API. Each `whodid` command is a thin layer over a function or method here:

    code_text(text)       one text to its events (`whodid code`, one document)
    Coder(...)            code Documents or strings, one at a time or batched (`pipe`)
    Store(path)           ingest, events, dyads, documents, errors, quotes, claims, export
                          (the store verbs)
    record_coder(...)     a JSON document to its records, for `whodid eval`
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Self

from whodid.code.runner import CoderOptions
from whodid.nlp import DEFAULT_MODEL
from whodid.records import Document, Event

if TYPE_CHECKING:
    import duckdb
    from spacy.language import Language

    from whodid.code.coder import Coder
    from whodid.read.documents import Input
    from whodid.store.ingest import IngestSummary, Progress
    from whodid.store.queries import Dyad

PathLike = str | Path


def coder_options(model: str = DEFAULT_MODEL, triggers: Iterable[PathLike] = (),
                  actors: Iterable[PathLike] = (), rules_only: bool = False,
                  quotes: str = "with") -> CoderOptions:
    """What a coder loads: the spaCy model package, the user's extra trigger (YAML) and
    actor (CSV) files, and whether the learned layer runs after the rules, in the form the
    runner and the store's pipeline version take; `quotes` says whether records carry the
    quotes after each document's events ("with"), alone ("only") or not ("none")."""
    return CoderOptions(model=model, triggers=tuple(Path(p) for p in triggers),
                        actors=tuple(Path(p) for p in actors), rules_only=rules_only,
                        quotes=quotes)


@lru_cache(maxsize=8)
def _cached_coder(model: str | Language, triggers: tuple[Path, ...],
                  actors: tuple[Path, ...], rules_only: bool) -> Coder:
    from whodid.code.coder import Coder
    from whodid.code.pipeline import DEFAULT_STAGES, RULE_STAGES

    return Coder(model, triggers, actors, stages=RULE_STAGES if rules_only else DEFAULT_STAGES)


def get_coder(model: str | Language = DEFAULT_MODEL, triggers: Iterable[PathLike] = (),
              actors: Iterable[PathLike] = (), rules_only: bool = False) -> Coder:
    """The Coder for these options, built once and reused: loading the model and tables takes
    seconds, coding a sentence milliseconds."""
    return _cached_coder(model, tuple(Path(p) for p in triggers),
                         tuple(Path(p) for p in actors), rules_only)


def code_text(text: str, published: str | None = None, *, model: str | Language = DEFAULT_MODEL,
              triggers: Iterable[PathLike] = (), actors: Iterable[PathLike] = (),
              rules_only: bool = False) -> list[Event]:
    """The events in `text`, dated relative to `published` (YYYY-MM-DD). The document's id is
    a hash of the text, as `whodid code` gives a JSONL document without one. `model`,
    `triggers`, `actors` and `rules_only` are those of `whodid code`; the coder is cached
    per options."""
    coder = get_coder(model, triggers, actors, rules_only)
    return coder.code(Document(text=text, published=published))


def record_coder(options: CoderOptions) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    """A function from one JSON input document (SCHEMA.md; `text` required, an empty one has
    no events) to its event (and quote) records as dicts, the form the evaluation compares with gold.
    Raises KeyError without a text and RuntimeError for a document the coder fails on."""
    from whodid.code.runner import check_knowledge, make_worker

    check_knowledge(options)
    work = make_worker(options)

    def code_document(obj: dict[str, Any]) -> list[dict[str, Any]]:
        doc = Document(id=obj.get("id") or "", text=obj["text"],
                       published=obj.get("published"), title=obj.get("title"))
        result = work(doc)
        if result.error:
            raise RuntimeError(result.error["detail"])
        return result.records

    return code_document


class Store:
    """A whodid store, the DuckDB file the store commands read and write (docs/store.md).

    Opened lazily and created when missing, as sqlite-utils opens a database; use it as a
    context manager, or call `close()`. Filters are those of `whodid events` (keywords of
    `whodid.store.queries.EventFilter`: actor, recipient, country, sector, type, mode, status,
    since, until, text, doc, unique); an unknown one is a TypeError, a bad value a QueryError.
    """

    def __init__(self, path: PathLike | None = None) -> None:
        from whodid.store.store import DEFAULT_DB

        self.path = Path(path or DEFAULT_DB)
        self._con: duckdb.DuckDBPyConnection | None = None

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (the object can still be used: it reopens on demand)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection, for SQL of your own over the tables of docs/store.md."""
        if self._con is None:
            from whodid.store.store import connect

            self._con = connect(self.path)
        return self._con

    def ingest(self, inputs: Input | Iterable[Input], *, published: str | None = None,
               processes: int = 1, recode: bool = False, model: str = DEFAULT_MODEL,
               triggers: Iterable[PathLike] = (), actors: Iterable[PathLike] = (),
               progress: Progress | None = None) -> IngestSummary:
        """Code and store what is not stored yet, as `whodid ingest` does. `inputs` are paths
        (files, folders), `Document`s or JSON input objects, alone or in an iterable. Bad input
        becomes a stored error (see `errors()`; `progress.on_error` sees it as it happens) and
        the run goes on. Returns the run's counts."""
        from whodid.store.ingest import ingest

        options = coder_options(model, triggers, actors)
        if isinstance(inputs, str | Path | Document | dict):
            inputs = [inputs]
        return ingest(inputs, self.path, options, processes=processes, recode=recode,
                      published=published, progress=progress)

    def events(self, *, limit: int | None = None, **filters: Any) -> list[Event]:
        """Stored events matching `filters`, in storing order (`whodid events`)."""
        import json

        from whodid.store.queries import EventFilter, event_records

        cursor = event_records(self.con, EventFilter(**filters), limit)
        return [Event.from_dict(json.loads(r)) for (r,) in cursor.fetchall()]

    def dyads(self, period: str = "month", *, by_sector: bool = False,
              **filters: Any) -> list[Dyad]:
        """Events per period (day, week, month, year), actor, recipient and quad class, with
        mean score, near-duplicates counted once (`whodid dyads`)."""
        from whodid.store.queries import Dyad, EventFilter, dyads

        _, rows = dyads(self.con, EventFilter(**filters), period, by_sector)
        return [Dyad(*row) for row in rows]

    def documents(self, doc: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Stored documents with their event counts and near-duplicate links (`whodid docs`)."""
        from whodid.store.queries import documents

        return _dicts(documents(self.con, doc, limit))

    def errors(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Stored errors: inputs that could not be read or coded (`whodid docs --errors`)."""
        from whodid.store.queries import errors

        return _dicts(errors(self.con, limit))

    def counts(self) -> dict[str, int]:
        """Numbers of documents, events, entities, errors and near-duplicates stored."""
        from whodid.store.queries import counts

        return counts(self.con)

    def quotes(self, *, limit: int | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Stored quote records (`whodid quotes`; keywords of
        `whodid.store.quotes.QuoteFilter`: speaker, since, until, text, kind, doc)."""
        from whodid.store.quotes import QuoteFilter, quote_records

        return [record for _, record in quote_records(self.con, QuoteFilter(**filters), limit)]

    def claims(self, *, limit: int | None = None, **filters: Any) -> list[dict[str, Any]]:
        """The claim ledger (`whodid claims`; keywords of `whodid.store.claims.ClaimFilter`:
        actor, recipient, country, type, alleged_by, denied_by, since, until, text, linked)."""
        from whodid.store.claims import ClaimFilter, claim_records

        return claim_records(self.con, ClaimFilter(**filters), limit)

    def export(self, out: PathLike | IO[str], format: str = "jsonl", *,
               limit: int | None = None, **filters: Any) -> int:
        """Write the matching events to a file (or an open text stream; not for Parquet) as
        jsonl, csv, parquet or gdelt (`whodid export`). Returns the number written."""
        from whodid.store.export import export
        from whodid.store.queries import EventFilter

        filt = EventFilter(**filters)
        if isinstance(out, str | Path):
            return export(self.con, format, Path(out), filt, limit=limit)
        return export(self.con, format, None, filt, out, limit)


def _dicts(result: tuple[Sequence[str], Sequence[Sequence[Any]]]) -> list[dict[str, Any]]:
    columns, rows = result
    return [dict(zip(columns, row, strict=True)) for row in rows]
