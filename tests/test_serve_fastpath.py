"""Plain pages of events and dyads are answered ahead of FastAPI (whodid.serve.fastpath) with
exactly the routes' answers, and anything the fast path is not sure of (a bad value, a
download, words to search, dyads of every event) goes on to the routes, which answer it as
before."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="whodid serve needs the serve extra (fastapi)")
pytest.importorskip("httpx", reason="the API tests need httpx for FastAPI's TestClient")

from fastapi.testclient import TestClient
from serve_store import make_store

from whodid.serve import fastpath
from whodid.serve.app import Settings, create_app

PLAIN = [
    "/api/events", "/api/events?country=GHA&limit=2", "/api/events?actor=tgo&sort=-date",
    "/api/events?type=ACCUSE&unique=true", "/api/events?unique=1&offset=3&limit=4",
    "/api/events?since=2026-04&until=2026-12&sort=score", "/api/events?limit=2&offset=0",
    "/api/events?country=&sort=", "/api/events?recipient=GHA&status=asserted&sort=-articles",
    "/api/events?country=GHA&country=TGO", "/api/events?offset=999&limit=5",
    "/api/dyads?country=GHA", "/api/dyads?country=GHA&limit=2",
    "/api/dyads?actor=GHA&period=week&sort=-events",
    "/api/dyads?recipient=tgo&period=year&by_sector=yes&sort=actor",
    "/api/dyads?sector=GOV&period=day&offset=1&limit=3",
    "/api/dyads?type=accuse&by_sector=false&sort=-mean_score",
]
PASSED_ON = [
    "/api/events?limit=0", "/api/events?limit=abc", "/api/events?limit=1001",
    "/api/events?offset=-1", "/api/events?unique=maybe", "/api/events?type=NOPE",
    "/api/events?sort=secret", "/api/events?since=2026-13", "/api/events?text=border",
    "/api/events?doc=x", "/api/events?sort=title", "/api/events?download_limit=0",
    "/api/dyads?period=decade", "/api/dyads?by_sector=perhaps", "/api/dyads?sort=secret",
    "/api/dyads?limit=+5",
    # dyads of every event (or of dates alone): the routes answer them from the index in a
    # worker thread (a million events take a quarter of a second to group)
    "/api/dyads", "/api/dyads?period=week&sort=-events", "/api/dyads?since=2026&by_sector=1",
]


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    db = make_store(tmp_path_factory.mktemp("fast") / "f.duckdb")
    with TestClient(create_app(Settings(db=db, cache_size=0))) as fast, \
            TestClient(create_app(Settings(db=db, cache_size=0, fast_pages=False))) as routes:
        yield fast, routes


def _scope(url: str) -> dict:
    path, _, query = url.partition("?")
    return {"type": "http", "method": "GET", "path": path, "query_string": query.encode(),
            "headers": [(b"host", b"testserver")], "scheme": "http",
            "server": ("testserver", 80), "root_path": ""}


@pytest.mark.parametrize("url", PLAIN)
def test_plain_pages_are_answered_ahead_with_the_routes_answer(clients, url):
    fast, routes = clients
    reader = fast.app.state.reader
    assert fastpath.answer(_scope(url), reader) is not None  # answered ahead, not passed on
    got, want = fast.get(url), routes.get(url)
    assert got.status_code == want.status_code == 200
    assert got.content == want.content  # byte for byte, `next` link included
    assert got.headers["content-type"] == want.headers["content-type"]


@pytest.mark.parametrize("url", PASSED_ON)
def test_anything_else_goes_on_to_the_routes(clients, url):
    fast, routes = clients
    assert fastpath.answer(_scope(url), fast.app.state.reader) is None
    got, want = fast.get(url), routes.get(url)
    assert (got.status_code, got.content) == (want.status_code, want.content)


def test_a_download_is_the_routes(clients):
    fast, routes = clients
    got, want = fast.get("/api/events?format=csv"), routes.get("/api/events?format=csv")
    assert got.status_code == 200 and got.content == want.content
    assert got.headers["x-whodid-rows"] == want.headers["x-whodid-rows"]
