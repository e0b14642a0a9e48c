"""The JSON API under /api/: events, one event with its evidence, dyads, a pair's timeline, the
actor network, documents, errors, downloads of any event or dyad result, and (with the token)
posting documents to code and store. Filters are those of `whodid events`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from pydantic import BaseModel
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from whodid.serve import data, downloads
from whodid.serve.evidence import field_reasons, spans
from whodid.serve.reader import Reader
from whodid.serve.safety import check_token
from whodid.store.queries import PERIODS, EventFilter

router = APIRouter(prefix="/api", tags=["api"])


async def reader_of(request: Request) -> Reader:
    return request.app.state.reader


async def event_filter(
        actor: Annotated[str | None, Query(description="actor code, or part of its name")] = None,
        recipient: Annotated[str | None, Query(description="recipient code or name")] = None,
        country: Annotated[str | None, Query(description="code of either side")] = None,
        sector: Annotated[str | None, Query(description="sector of either side")] = None,
        type: Annotated[str | None, Query(description="PLOVER event type")] = None,
        mode: Annotated[str | None, Query(description="PLOVER mode")] = None,
        status: Annotated[str | None, Query(description="asserted, alleged, ...")] = None,
        since: Annotated[str | None, Query(description="YYYY[-MM[-DD]], inclusive")] = None,
        until: Annotated[str | None, Query(description="YYYY[-MM[-DD]], inclusive")] = None,
        text: Annotated[str | None, Query(description="words in the event's sentence")] = None,
        doc: Annotated[str | None, Query(description="a document id or key")] = None,
        unique: Annotated[bool, Query(description="first copies only")] = False,
) -> EventFilter:
    """The filters of `whodid events`; an empty value is no filter."""
    return make_filter({"actor": actor, "recipient": recipient, "country": country,
                        "sector": sector, "type": type, "mode": mode, "status": status,
                        "since": since, "until": until, "text": text, "doc": doc}, unique)


FILTERS = ("actor", "recipient", "country", "sector", "type", "mode", "status", "since",
           "until", "text", "doc")


def make_filter(values: dict[str, str | None], unique: bool) -> EventFilter:
    return EventFilter(**{k: (v.strip() or None) if v else None for k, v in values.items()},
                       unique=unique)


async def page(limit: Annotated[int, Query(ge=1, le=data.MAX_PAGE)] = 50,
               offset: Annotated[int, Query(ge=0)] = 0,
               sort: Annotated[str | None, Query(description="a column; -column descending")]
               = None) -> data.Page:
    return data.Page(limit, offset, sort)


Filter = Annotated[EventFilter, Depends(event_filter)]
PageOf = Annotated[data.Page, Depends(page)]
ReaderOf = Annotated[Reader, Depends(reader_of)]
Format = Annotated[str, Query(pattern="^(json|jsonl|csv|parquet|gdelt)$",
                              description="json (a page), or a download of the whole result")]
Period = Annotated[str, Query(pattern="^(" + "|".join(PERIODS) + ")$")]


def next_url(request: Request, result: dict[str, Any]) -> str | None:
    end = result["offset"] + result["limit"]
    if end >= result["total"]:
        return None
    return str(request.url.include_query_params(offset=end))


def _download(path: Any, n: int, fmt: str, name: str) -> FileResponse:
    return FileResponse(path, media_type=downloads.MEDIA_TYPES[fmt],
                        filename=f"{name}.{downloads.SUFFIXES[fmt]}",
                        headers={"X-Whodid-Rows": str(n)},
                        background=BackgroundTask(path.unlink, missing_ok=True))


@router.get("/", summary="what this store holds and which views it has")
def index(request: Request, reader: ReaderOf) -> dict[str, Any]:
    from whodid.store.queries import counts

    with reader.turn(reader.timeout):
        stored = counts(reader.cursor())
    return {"whodid": request.app.version, "store": str(reader.path),
            "writable": reader.writable, "counts": stored,
            "views": ["events", "dyads", "timeline", "network", "documents", "errors",
                      *request.app.state.views],
            "docs": "/api/docs", "openapi": "/api/openapi.json"}


async def _answer(indexed: bool, compute: Any, *args: Any) -> Any:
    """An answer from the server's index is computed here, on the event loop (a few
    milliseconds of numpy; handing it to a thread would cost a good part of that again);
    one that queries the store goes to a worker thread."""
    return compute(*args) if indexed else await run_in_threadpool(compute, *args)


@router.get("/events", summary="events matching the filters, a page at a time or downloaded")
async def events(request: Request, reader: ReaderOf, filt: Filter, pg: PageOf,
                 format: Format = "json",
                 download_limit: Annotated[int | None, Query(ge=1)] = None) -> Any:
    if format != "json":
        settings = request.app.state.settings
        limit = min(download_limit or settings.max_download, settings.max_download)
        path, n = await run_in_threadpool(downloads.events_file, reader, filt, format, limit,
                                          settings.download_timeout)
        return _download(path, n, format, "events")
    result = await _answer(data.indexed_events(reader, filt, pg), data.event_page, reader, filt,
                           pg)
    # values from the store are JSON's own (dates are written as text): encoded as they are,
    # without FastAPI's walk over every cell, which cost more than the query
    return JSONResponse({**result, "next": next_url(request, result)})


@router.get("/events/{event_no}", summary="one event: record, document, evidence and its why")
def event(event_no: int, reader: ReaderOf) -> dict[str, Any]:
    found = data.event_detail(reader, event_no)
    if found is None:
        raise HTTPException(404, f"no event number {event_no} in this store")
    rec = found["record"]
    found["evidence"] = spans(rec, found["document"]["text"])
    found["why"] = field_reasons(rec)
    return found


@router.get("/dyads", summary="events per period, actor, recipient and quad class")
async def dyads(request: Request, reader: ReaderOf, filt: Filter, pg: PageOf,
                period: Period = "month", by_sector: bool = False,
                format: Format = "json") -> Any:
    if format != "json":
        settings = request.app.state.settings
        path, n = await run_in_threadpool(downloads.dyads_file, reader, filt, format, period,
                                          by_sector, settings.download_timeout)
        return _download(path, n, format, "dyads")
    result = await _answer(data.indexed_dyads(reader, filt), data.dyad_page, reader, filt, pg,
                           period, by_sector)
    return JSONResponse({**result, "next": next_url(request, result)})


@router.get("/timeline", summary="a pair's events per period, cooperation against conflict")
def timeline(reader: ReaderOf, filt: Filter,
             a: Annotated[str, Query(description="one side's code")],
             b: Annotated[str, Query(description="the other side's code")],
             period: Period = "month",
             both: Annotated[bool, Query(description="count both directions")] = True
             ) -> dict[str, Any]:
    return data.timeline(reader, a, b, filt, period, both)


@router.get("/network", summary="who acts on whom, weighted by events")
def network(reader: ReaderOf, filt: Filter,
            min_events: Annotated[int, Query(ge=1)] = 1,
            max_edges: Annotated[int, Query(ge=1, le=2000)] = 200) -> dict[str, Any]:
    return data.network(reader, filt, min_events, max_edges)


@router.get("/documents", summary="stored documents in storing order")
def document_list(request: Request, reader: ReaderOf, pg: PageOf) -> dict[str, Any]:
    result = data.document_page(reader, pg)
    return {**result, "next": next_url(request, result)}


@router.get("/documents/{doc}", summary="one document with its text and events")
def document(doc: str, reader: ReaderOf) -> dict[str, Any]:
    found = data.document_detail(reader, doc)
    if found is None:
        raise HTTPException(404, f"no document {doc!r} in this store")
    return found


@router.get("/errors", summary="inputs that could not be read or coded")
def error_list(request: Request, reader: ReaderOf, pg: PageOf) -> dict[str, Any]:
    result = data.error_page(reader, pg)
    return {**result, "next": next_url(request, result)}


class DocumentIn(BaseModel):
    """A document to code and store: the fields of a JSONL input line (only `text` needed)."""

    text: str
    id: str | None = None
    published: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None


@router.post("/documents", status_code=201, dependencies=[Depends(check_token)],
             summary="code documents and store them (needs the server's token)")
async def post_documents(request: Request, body: DocumentIn | list[DocumentIn]
                         ) -> dict[str, Any]:
    from whodid.serve.writing import store_documents

    docs = body if isinstance(body, list) else [body]
    if not docs:
        raise HTTPException(400, "no document in the request")
    reader: Reader = request.app.state.reader
    return await run_in_threadpool(store_documents, reader,
                                   [d.model_dump() for d in docs])


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def api_docs(request: Request) -> Any:
    """The API's reference, rendered here from its OpenAPI description (no script from
    elsewhere)."""
    spec = request.app.openapi()
    return request.app.state.templates.TemplateResponse(
        request, "api_docs.html", {"spec": spec, "nav": request.app.state.nav})
