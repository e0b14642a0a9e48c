"""The busiest questions without FastAPI's machinery: `GET /api/events` and `GET /api/dyads`
pages that the server's index answers are parsed and answered here, in front of the
application, with the same functions and the same response as its routes (whodid.serve.api).
FastAPI solves a route's parameters with about a millisecond of introspection per request,
as much as the index takes to answer.

Only a request whose every parameter is plainly valid is answered here (digits for numbers,
a known word for a choice); anything else (a bad value, a download, words to search, an
error) goes on to the application's routes, which answer it as they always have: the errors,
the OpenAPI description and the slow path stay theirs."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from starlette.datastructures import QueryParams
from starlette.requests import Request

from whodid.serve import data
from whodid.serve.api import FILTERS, make_filter, next_url
from whodid.store.queries import PERIODS

# pydantic's words for a bool in a query parameter
BOOLS = {"0": False, "off": False, "f": False, "false": False, "n": False, "no": False,
         "1": True, "on": True, "t": True, "true": True, "y": True, "yes": True}
PATHS = {"/api/events", "/api/dyads"}


class _Pass(Exception):
    """Not for this path: the application's route answers."""


def _int(params: QueryParams, name: str, default: int, low: int, high: int | None) -> int:
    value = params.get(name)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit():
        raise _Pass
    number = int(value)
    if number < low or (high is not None and number > high):
        raise _Pass
    return number


def _bool(params: QueryParams, name: str) -> bool:
    value = params.get(name)
    if value is None:
        return False
    if value.lower() not in BOOLS:
        raise _Pass
    return BOOLS[value.lower()]


def answer(scope: dict[str, Any], reader: Any) -> JSONResponse | None:
    """The response to a plain, valid page request the index answers, else None."""
    params = QueryParams(scope["query_string"])
    try:
        if params.get("format", "json") != "json":
            raise _Pass
        filt = make_filter({name: params.get(name) for name in FILTERS}, _bool(params, "unique"))
        page = data.Page(_int(params, "limit", 50, 1, data.MAX_PAGE),
                         _int(params, "offset", 0, 0, None), params.get("sort"))
        if scope["path"] == "/api/events":
            if "download_limit" in params:
                _int(params, "download_limit", 1, 1, None)
            if not data.indexed_events(reader, filt, page):
                raise _Pass
            result = data.event_page(reader, filt, page)
        else:
            period = params.get("period", "month")
            if period not in PERIODS or not data.indexed_dyads(reader, filt):
                raise _Pass
            result = data.dyad_page(reader, filt, page, period, _bool(params, "by_sector"))
    except Exception:  # noqa: BLE001 -- any problem: the route answers it, as it always did
        return None
    return JSONResponse({**result, "next": next_url(Request(scope), result)})


class FastPages:
    """ASGI middleware answering plain page requests of events and dyads (above)."""

    def __init__(self, app: Any, reader: Any) -> None:
        self.app, self.reader = app, reader

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if (scope["type"] == "http" and scope["method"] == "GET"
                and scope["path"] in PATHS):
            response = answer(scope, self.reader)
            if response is not None:
                return await response(scope, receive, send)
        return await self.app(scope, receive, send)
