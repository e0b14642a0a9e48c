"""The web pages: server-rendered HTML over the same questions as the API. The event list with
its filters, one event with its highlighted evidence and the why of each field, a pair's
timeline, the actor network, and the documents. Charts draw from data embedded in the page
with the vendored scripts under static/vendor/ (nothing is fetched from elsewhere)."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from whodid.records import STATUSES
from whodid.serve import data
from whodid.serve.api import Filter, PageOf, Period, ReaderOf
from whodid.serve.evidence import field_reasons, segments, spans
from whodid.store.queries import PERIODS, EventFilter

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

LIST_COLUMNS = [("date", "date"), ("actor_code", "actor"), ("event", "event"),
                ("recipient_code", "recipient"), ("status", "status"),
                ("confidence", "conf."), ("event_text", "evidence")]


def _render(request: Request, template: str, **context: Any) -> Any:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, template,
                                      {"nav": request.app.state.nav, **context})


def _query(request: Request, **changes: Any) -> str:
    """This page's query string with some parameters changed (None removes one)."""
    params = {k: v for k, v in request.query_params.items() if v != ""}
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = str(v)
    return urlencode(params)


def _script_json(value: Any) -> str:
    """JSON to embed in a <script> element: no "</" that could end it."""
    return json.dumps(value).replace("</", "<\\/")


def _choices() -> dict[str, Any]:
    from whodid.code.lexicon import load_ontology

    return {"types": sorted(load_ontology()), "statuses": STATUSES}


def _side(row: dict[str, Any], side: str) -> str:
    code, sector = row.get(f"{side}_code"), row.get(f"{side}_sector")
    name = row.get(f"{side}_name") or row.get(f"{side}_text") or ""
    tag = "/".join(x for x in (code, sector) if x)
    return f"{name} [{tag}]" if tag else name


@router.get("/")
def events_page(request: Request, reader: ReaderOf, filt: Filter, pg: PageOf) -> Any:
    result = data.event_page(reader, filt, pg)
    result = {**result, "rows": [{**row, "actor_label": _side(row, "actor"),  # not cached rows
                                  "recipient_label": _side(row, "recipient")}
                                 for row in result["rows"]]}
    sort = pg.sort or "event_no"
    end = pg.offset + pg.limit
    return _render(
        request, "events.html", result=result, filt=filt, columns=LIST_COLUMNS, sort=sort,
        sort_link=lambda c: "?" + _query(request, sort=("-" + c) if sort == c else c,
                                         offset=None),
        prev_link=("?" + _query(request, offset=max(0, pg.offset - pg.limit))
                   if pg.offset else None),
        next_link="?" + _query(request, offset=end) if end < result["total"] else None,
        download=lambda fmt: "/api/events?" + _query(request, format=fmt, offset=None,
                                                     limit=None, sort=None),
        **_choices())


@router.get("/events/{event_no}")
def event_page(request: Request, event_no: int, reader: ReaderOf) -> Any:
    found = data.event_detail(reader, event_no)
    if found is None:
        raise HTTPException(404, f"no event number {event_no} in this store")
    rec, doc = found["record"], found["document"]
    marks = spans(rec, doc["text"])
    return _render(request, "event.html", found=found, rec=rec, doc=doc, marks=marks,
                   pieces=segments(doc["text"], marks), why=field_reasons(rec),
                   quad=data.QUADS.get(rec.get("quad_code")))


@router.get("/timeline")
def timeline_page(request: Request, reader: ReaderOf, filt: Filter,
                  a: Annotated[str | None, Query()] = None,
                  b: Annotated[str | None, Query()] = None, period: Period = "month",
                  both: bool = True) -> Any:
    series = None
    if a and b:
        series = data.timeline(reader, a.strip(), b.strip(), filt, period, both)
    pairs = data.network(reader, EventFilter(), 1, 12)["edges"]
    return _render(request, "timeline.html", series=series, a=a or "", b=b or "",
                   period=period, both=both, periods=list(PERIODS), pairs=pairs,
                   quads=data.QUADS, series_json=_script_json(series))


@router.get("/network")
def network_page(request: Request, reader: ReaderOf, filt: Filter,
                 min_events: Annotated[int, Query(ge=1)] = 1,
                 max_edges: Annotated[int, Query(ge=1, le=2000)] = 100) -> Any:
    graph = data.network(reader, filt, min_events, max_edges)
    return _render(request, "network.html", graph=graph, graph_json=_script_json(graph),
                   filt=filt, min_events=min_events, max_edges=max_edges, **_choices())


@router.get("/documents")
def documents_page(request: Request, reader: ReaderOf, pg: PageOf) -> Any:
    result = data.document_page(reader, pg)
    errs = data.error_page(reader, data.Page(limit=50))
    end = pg.offset + pg.limit
    return _render(request, "documents.html", result=result, errors=errs,
                   prev_link=("?" + _query(request, offset=max(0, pg.offset - pg.limit))
                              if pg.offset else None),
                   next_link="?" + _query(request, offset=end) if end < result["total"] else None)


@router.get("/documents/{doc}")
def document_page(request: Request, doc: str, reader: ReaderOf) -> Any:
    found = data.document_detail(reader, doc)
    if found is None:
        raise HTTPException(404, f"no document {doc!r} in this store")
    marks = [m for ev in found["events"] for m in spans(ev, found["text"])
             if m["kind"] == "trigger"]
    return _render(request, "document.html", doc=found,
                   pieces=segments(found["text"], marks))
