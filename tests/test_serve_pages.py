"""`whodid serve`'s HTML pages, as the server renders them (the browser tests draw them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="whodid serve needs the serve extra (fastapi)")
pytest.importorskip("httpx", reason="the page tests need httpx for FastAPI's TestClient")

from fastapi.testclient import TestClient
from serve_store import make_store

from whodid.serve.app import HERE, Settings, create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = make_store(tmp_path_factory.mktemp("pages") / "s.duckdb")
    with TestClient(create_app(Settings(db=db))) as c:
        yield c


def test_event_list_with_filters_kept_and_links(client):
    page = client.get("/?actor=SRB&type=ACCUSE").text
    assert 'name="actor" value="SRB"' in page and "<option selected>ACCUSE</option>" in page
    assert page.count('href="/events/') == 2  # the accusation and its near-duplicate's
    assert 'href="/api/events?actor=SRB&amp;type=ACCUSE&amp;format=csv"' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    none = client.get("/?actor=nobody").text
    assert "No event matches these filters." in none


def test_event_list_sorts_and_pages(client):
    page = client.get("/?sort=-date&limit=2").text
    assert re.search(r'href="\?sort=date&amp;limit=2">date ▼', page)
    assert "next →" in page and "← previous" not in page
    assert "← previous" in client.get("/?sort=-date&limit=2&offset=2").text


def test_event_view_marks_the_evidence_and_gives_each_fields_why(client):
    no = client.get("/api/events?type=REJECT&doc=border").json()["rows"][0]["event_no"]
    page = client.get(f"/events/{no}").text
    assert re.search(r'<span class="hl-sentence hl-trigger "[^>]*>rejected</span>', page)
    assert re.search(r'<span class="hl-sentence hl-actor "[^>]*>Kosovo&#39;s interior '
                     r'minister</span>', page)
    assert re.search(r'<span class="hl-recipient "[^>]*>Serbia</span>', page)
    assert "found: recipient: accuser" in page
    assert "coded: title &#39;interior minister&#39;; possessive &#39;Kosovo&#39;" in page
    talks = client.get("/api/events?type=AGREE").json()["rows"][0]["event_no"]
    assert re.search(r'<span class="hl-sentence hl-claimant "[^>]*>the mediator</span>',
                     client.get(f"/events/{talks}").text)


def test_timeline_and_network_pages_embed_their_data_and_local_scripts(client):
    page = client.get("/timeline?a=SRB&b=KOS&period=month").text
    series = json.loads(re.search(r'<script id="series" type="application/json">(.*?)</script>',
                                  page, re.DOTALL).group(1))
    assert series["conflict"] == [2, 1, 0]
    assert '<script src="/static/vendor/uPlot.iife.min.js"></script>' in page
    net = client.get("/network?min_events=2").text
    graph = json.loads(re.search(r'<script id="graph" type="application/json">(.*?)</script>',
                                 net, re.DOTALL).group(1))
    assert all(e["events"] >= 2 for e in graph["edges"]) and graph["edges"]
    for html in (page, net, client.get("/").text):
        assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from elsewhere
    for lib in ("uPlot.iife.min.js", "d3-force.min.js", "d3-dispatch.min.js"):
        assert client.get(f"/static/vendor/{lib}").status_code == 200


def test_vendored_files_are_recorded_with_their_licences():
    vendor = HERE / "static" / "vendor"
    notes = (vendor / "README.md").read_text(encoding="utf-8")
    for path in vendor.iterdir():
        if path.name != "README.md":
            assert f"`{path.name}`" in notes, path.name
    assert notes.count("### ") == 5 and "Permission" in notes


def test_documents_pages_and_html_errors(client):
    page = client.get("/documents").text
    assert 'href="/documents/border-copy"' in page and "No input failed." in page
    doc = client.get("/documents/aid").text
    assert re.search(r'<span class="hl-trigger ">arrested</span>', doc)
    missing = client.get("/events/999")
    assert missing.status_code == 404 and "no event number 999" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    bad = client.get("/?since=yesterday")
    assert bad.status_code == 400 and "expected YYYY, YYYY-MM or YYYY-MM-DD" in bad.text


def test_templates_escape_what_the_store_holds(tmp_path):
    from whodid.records import Document
    from whodid.store.store import StoredDocument, StoreWriter

    db = tmp_path / "x.duckdb"
    with StoreWriter(db) as store:
        run = store.begin_run("test", [])
        store.write_batch([StoredDocument(key="k", origin=None, records=[], doc=Document(
            id="<script>alert(1)</script>", text="<b>bold</b>", title="<i>t</i>"))],
            [], "test", run)
    with TestClient(create_app(Settings(db=Path(db)))) as c:
        page = c.get("/documents").text
        assert "<script>alert(1)</script>" not in page and "&lt;i&gt;t&lt;/i&gt;" in page
