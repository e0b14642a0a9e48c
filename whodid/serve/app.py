"""The FastAPI application of `whodid serve`: the store opened read-only unless a token allows
writing, a limit on request bodies, a time limit on queries, and every error under /api/ as
JSON `{"error": kind, "detail": message}` (an HTML page elsewhere).

Views of tables that only some stores hold (quotes, claims) plug in through `TABLE_VIEWS`:
a module named there is imported when the store has its table, and its `router` (FastAPI
APIRouter) and `nav` (title, path) are added; `/api/` lists the views the store has."""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from whodid.serve.reader import QueryTimeout, Reader
from whodid.serve.safety import TOKEN_ENV, BodyLimit
from whodid.store.queries import QueryError
from whodid.store.store import StoreError
from whodid.version import __version__

HERE = Path(__file__).parent
# (table, module): the module's `router` and `nav` are added when the store has the table
TABLE_VIEWS: list[tuple[str, str]] = []


@dataclass(frozen=True)
class Settings:
    """What `whodid serve` was started with. `token` allows writing (POST); without it the
    store is opened read-only."""

    db: Path
    token: str | None = None
    max_body: int = 1_000_000  # bytes in one request
    timeout: float = 10.0  # seconds for one query
    download_timeout: float = 120.0
    max_download: int = 1_000_000  # rows in one download
    cache_size: int = 512
    threads: int | None = None  # DuckDB threads (default: its own)
    concurrent: int | None = None  # queries at once (default: the cores)
    fast_pages: bool = True  # plain pages of events and dyads answered ahead of FastAPI


_KINDS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 413: "too_large", 422: "bad_request",
          500: "internal_error", 503: "timeout"}


def _error(request: Request, status: int, detail: str) -> Any:
    if request.url.path.startswith("/api"):
        return JSONResponse({"error": _KINDS.get(status, "error"), "detail": detail},
                            status_code=status)
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html",
                                      {"status": status, "detail": detail,
                                       "nav": request.app.state.nav}, status_code=status)


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body"))
        parts.append(f"{where or 'request'}: {err.get('msg')}")
    return "; ".join(parts)


def create_app(settings: Settings) -> FastAPI:
    """The application over the store at `settings.db` (which must exist)."""
    from fastapi.templating import Jinja2Templates

    from whodid.serve import api, pages

    reader = Reader(settings.db, writable=bool(settings.token), timeout=settings.timeout,
                    cache_size=settings.cache_size, threads=settings.threads,
                    concurrent=settings.concurrent)
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        reader.close()  # so that the file can be opened again, in this process or another

    app = FastAPI(title="whodid", version=__version__, docs_url=None, redoc_url=None,
                  lifespan=lifespan,
                  openapi_url="/api/openapi.json",
                  description="Events, evidence, dyads and documents of a whodid store.")
    app.state.settings = settings
    app.state.reader = reader
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.nav = [("Events", "/"), ("Timeline", "/timeline"), ("Network", "/network"),
                     ("Documents", "/documents"), ("API", "/api/docs")]
    app.state.views = []
    app.include_router(api.router)
    app.include_router(pages.router)
    for table, module in TABLE_VIEWS:
        if table in reader.tables:
            view = importlib.import_module(module)
            app.include_router(view.router)
            app.state.nav.insert(-1, view.nav)
            app.state.views.append(table)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Any:
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such page: {request.url.path}"
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        return _error(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Any:
        return _error(request, 400, _validation_detail(exc))

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, exc: QueryError) -> Any:
        return _error(request, 400, str(exc))

    @app.exception_handler(QueryTimeout)
    async def timeout(request: Request, exc: QueryTimeout) -> Any:
        return _error(request, 503, str(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Any:
        return _error(request, 500, str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Any:
        return _error(request, 500, f"internal error: {type(exc).__name__}: {exc}")

    if settings.fast_pages:
        from whodid.serve.fastpath import FastPages

        app.add_middleware(FastPages, reader=reader)
    app.add_middleware(BodyLimit, limit=settings.max_body)
    return app


def settings_from_env(db: str | Path, token: str | None = None, **kwargs: Any) -> Settings:
    """Settings with the token from `token` or else $WHODID_TOKEN."""
    return Settings(db=Path(db), token=token or os.environ.get(TOKEN_ENV) or None, **kwargs)
