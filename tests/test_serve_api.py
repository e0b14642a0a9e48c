"""`whodid serve`'s JSON API against real DuckDB files: paging, sorting, filters, one event with
its evidence, dyads, timeline, network, downloads, and safety (read-only without a token, 401
without the right one, body limit, errors as JSON)."""

from __future__ import annotations

import csv
import io
import json
import sys
import types

import pytest

pytest.importorskip("fastapi", reason="whodid serve needs the serve extra (fastapi)")
pytest.importorskip("httpx", reason="the API tests need httpx for FastAPI's TestClient")

from fastapi.testclient import TestClient
from serve_store import TEXTS, make_store

from whodid.serve import app as serve_app
from whodid.serve.app import Settings, create_app
from whodid.serve.reader import QueryTimeout, Reader
from whodid.store.queries import EventFilter, counts, events
from whodid.store.store import connect


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return make_store(tmp_path_factory.mktemp("serve") / "s.duckdb")


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(Settings(db=db))) as c:
        yield c


def ids(body):
    return [r["id"] for r in body["rows"]]


def test_index_says_what_the_store_holds(client):
    body = client.get("/api/").json()
    assert body["counts"]["events"] == 7 and body["counts"]["documents"] == 4
    assert body["writable"] is False
    assert "timeline" in body["views"] and "claims" not in body["views"]


def test_paging_gives_every_event_once_with_the_total_and_next(client):
    first = client.get("/api/events?limit=3").json()
    assert first["total"] == 7 and len(first["rows"]) == 3
    seen = ids(first)
    nxt = first["next"]
    while nxt:
        page = client.get(nxt).json()
        seen += ids(page)
        nxt = page["next"]
    assert len(seen) == len(set(seen)) == 7
    assert [r["event_no"] for r in client.get("/api/events?limit=7").json()["rows"]] == \
        list(range(1, 8))


def test_sorting_ascending_and_descending(client):
    up = client.get("/api/events?sort=score&limit=100").json()["rows"]
    down = client.get("/api/events?sort=-score&limit=100").json()["rows"]
    assert [r["score"] for r in up] == sorted(r["score"] for r in up)
    assert [r["score"] for r in down] == sorted((r["score"] for r in down), reverse=True)
    dates = [r["date"] for r in client.get("/api/events?sort=-date").json()["rows"]]
    assert dates == sorted(dates, reverse=True)


def test_every_column_sorts_both_ways(client):
    from whodid.serve.data import EVENT_SORTS

    for column in EVENT_SORTS:
        for sort in (column, "-" + column):
            body = client.get("/api/events", params={"sort": sort, "limit": 100}).json()
            assert len(body["rows"]) == 7, (sort, body)
    for column in ("period", "actor", "recipient", "quad", "events", "mean_score", "articles",
                   "sources"):
        for sort in (column, "-" + column):
            assert client.get("/api/dyads", params={"sort": sort}).status_code == 200, sort
    most = client.get("/api/events?sort=-articles&limit=2").json()["rows"]
    assert [r["doc_id"] for r in most] == ["border", "border"]  # the story two outlets carried


@pytest.mark.parametrize("query", [
    {"actor": "SRB"}, {"recipient": "kosovo"}, {"country": "DEU"}, {"sector": "cop"},
    {"type": "accuse"}, {"status": "future"}, {"since": "2024-02", "until": "2024-02-14"},
    {"text": "BRUSSELS"}, {"doc": "aid"}, {"unique": True}, {"actor": "srb", "type": "REJECT"},
])
def test_filters_are_those_of_whodid_events(client, db, query):
    cols, rows = events(connect(db, read_only=True), EventFilter(**query))
    body = client.get("/api/events", params=query).json()
    assert ids(body) == [r[cols.index("id")] for r in rows]
    assert body["total"] == len(rows)


def test_one_event_with_its_document_evidence_and_why(client):
    no = client.get("/api/events?type=REJECT&doc=border").json()["rows"][0]["event_no"]
    body = client.get(f"/api/events/{no}").json()
    text = body["document"]["text"]
    assert text == TEXTS["border"]
    marks = {m["kind"]: m for m in body["evidence"]}
    assert all(m["ok"] for m in body["evidence"])
    for kind, words in (("trigger", "rejected"), ("actor", "Kosovo's interior minister"),
                        ("recipient", "Serbia")):
        assert text[marks[kind]["start"]:marks[kind]["end"]] == words
    assert marks["sentence"]["text"].startswith("Kosovo's interior minister rejected")
    assert body["why"]["event"] == ["verb 'reject' -> REJECT"]
    assert body["why"]["actor"] == ["actor: subject"]
    assert body["why"]["recipient"] == ["recipient: accuser"]


def test_a_span_off_its_words_is_reported_not_misplaced():
    from whodid.serve.evidence import segments, spans

    rec = {"trigger": {"text": "agreed", "start": 3, "end": 9},
           "actor": [{"entity_text": "Chile", "start": 0, "end": 5, "why": "state"}]}
    marks = spans(rec, "Chile agreed.")
    assert [m["ok"] for m in marks] == [False, True]
    assert segments("Chile agreed.", marks) == [("Chile", ["actor"]), (" agreed.", [])]


def test_missing_event_and_document_are_404_json(client):
    for path in ("/api/events/999", "/api/documents/nothing", "/api/no-such-thing"):
        r = client.get(path)
        assert r.status_code == 404 and r.json()["error"] == "not_found", path


@pytest.mark.parametrize("path, words", [
    ("/api/events?limit=0", "limit"), ("/api/events?limit=5000", "limit"),
    ("/api/events?sort=secret", "cannot sort by 'secret'"),
    ("/api/events?since=2024-13", "'2024-13'"), ("/api/dyads?period=decade", "period"),
    ("/api/events?format=xls", "format"), ("/api/timeline?a=SRB", "b"),
    ("/api/network?max_edges=0", "max_edges"),
])
def test_bad_parameters_are_400_naming_the_problem(client, path, words):
    r = client.get(path)
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "bad_request" and words in r.json()["detail"]


def test_dyads_count_near_duplicates_once(client):
    body = client.get("/api/dyads?period=month&limit=100").json()
    rows = {(r["period"], r["actor"], r["recipient"], r["quad"]): r for r in body["rows"]}
    accuse = rows[("2024-01", "SRB", "KOS", 3)]
    assert (accuse["events"], accuse["articles"], accuse["sources"]) == (1, 2, 2)
    assert body["total"] == len(body["rows"])
    assert client.get("/api/dyads?sort=-period").json()["rows"][0]["period"] == "2024-03"


def test_timeline_of_a_pair(client):
    body = client.get("/api/timeline?a=srb&b=KOS&period=month").json()
    assert body["labels"] == ["2024-01", "2024-02", "2024-03"]
    # both directions; the near-duplicate's copies are not counted again
    assert body["conflict"] == [2, 1, 0] and body["cooperation"] == [0, 0, 1]
    assert body["types"]["ACCUSE"] == [1, 0, 0]
    one_way = client.get("/api/timeline?a=SRB&b=KOS&period=month&both=false").json()
    assert (one_way["conflict"], one_way["cooperation"]) == ([1, 0, 0], [0, 0, 1])
    weeks = client.get("/api/timeline?a=SRB&b=KOS&period=week").json()
    assert len(weeks["starts"]) == 9 and sum(weeks["conflict"]) == 3  # empty weeks as 0


def test_network_weights(client):
    body = client.get("/api/network").json()
    edges = {(e["source"], e["target"]): e for e in body["edges"]}
    assert edges[("SRB", "KOS")]["events"] == 2  # accusation and agreement, copy left out
    assert edges[("SRB", "KOS")]["cooperation"] == 1
    assert edges[("KOS", "SRB")]["conflict"] == 2
    assert {n["id"] for n in body["nodes"]} == {"SRB", "KOS", "DEU"}
    assert [n["name"] for n in body["nodes"] if n["id"] == "DEU"] == ["Germany"]
    assert client.get("/api/network?min_events=2").json()["edges"] == \
        [e for e in body["edges"] if e["events"] >= 2]


def test_downloads_hold_the_whole_result(client, db):
    r = client.get("/api/events?actor=KOS&format=csv&limit=1")
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 3 == int(r.headers["x-whodid-rows"])  # every match, not one page
    lines = client.get("/api/events?doc=aid&format=jsonl").text.splitlines()
    stored = connect(db, read_only=True).execute(
        "SELECT record FROM events WHERE doc_id = 'aid' ORDER BY event_no").fetchall()
    assert lines == [r[0] for r in stored]
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(pa.BufferReader(client.get("/api/events?format=parquet").content))
    assert table.num_rows == 7 and "event_text" in table.column_names
    dy = list(csv.reader(io.StringIO(client.get("/api/dyads?format=csv").text)))
    assert dy[0][:4] == ["period", "actor", "recipient", "quad"] and len(dy) == 1 + \
        client.get("/api/dyads").json()["total"]
    assert client.get("/api/events?format=csv&download_limit=2").text.count("\n") == 3


def test_documents_and_errors(client):
    docs = client.get("/api/documents?limit=2").json()
    assert docs["total"] == 4 and [r["doc_id"] for r in docs["rows"]] == ["border", "border-copy"]
    assert client.get(docs["next"]).json()["rows"][0]["doc_id"] == "aid"
    one = client.get("/api/documents/aid").json()
    assert one["text"] == TEXTS["aid"] and [e["event"] for e in one["events"]] == ["AID", "COERCE"]
    assert client.get("/api/errors").json()["total"] == 0


def test_openapi_and_api_reference_page(client):
    spec = client.get("/api/openapi.json").json()
    assert {"/api/events", "/api/dyads", "/api/events/{event_no}"} <= set(spec["paths"])
    page = client.get("/api/docs").text
    assert "GET /api/events" in page and "<script src=\"http" not in page


# -- safety -------------------------------------------------------------------------------

def test_read_only_server_refuses_writes_and_opens_the_file_read_only(client, db):
    before = counts(connect(db, read_only=True))
    for headers in ({}, {"Authorization": "Bearer anything"}, {"X-Whodid-Token": "x"}):
        r = client.post("/api/documents", json={"text": "Chile sanctioned Bolivia on Monday."},
                        headers=headers)
        assert r.status_code == 401 and r.json()["error"] == "unauthorized", headers
        assert "--token" in r.json()["detail"] and "read-only" in r.json()["detail"]
    assert counts(connect(db, read_only=True)) == before
    assert client.get("/api/events?text=Chile").json()["total"] == 0
    reader: Reader = client.app.state.reader
    with pytest.raises(Exception, match="read-only"):
        reader.con.execute("DELETE FROM events")


def test_without_the_token_every_write_is_401_and_nothing_is_stored(tmp_path):
    db = make_store(tmp_path / "w.duckdb")
    with TestClient(create_app(Settings(db=db, token="s3cret"))) as c:
        before = counts(c.app.state.reader.cursor())
        doc = {"id": "new", "text": "Chile sanctioned Bolivia on Monday."}
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-Whodid-Token": "s3cre"},
                        {"Authorization": "s3cret"}):
            r = c.post("/api/documents", json=doc, headers=headers)
            assert r.status_code == 401 and r.json()["error"] == "unauthorized", headers
        assert counts(c.app.state.reader.cursor()) == before
        assert c.get("/api/events?doc=new").json()["total"] == 0


def test_body_limit(tmp_path):
    db = make_store(tmp_path / "b.duckdb")
    with TestClient(create_app(Settings(db=db, token="t", max_body=200))) as c:
        r = c.post("/api/documents", json={"text": "x" * 500},
                   headers={"Authorization": "Bearer t"})
        assert r.status_code == 413 and r.json()["error"] == "too_large"
        assert "200" in r.json()["detail"]


def test_query_time_limit(db):
    reader = Reader(db, timeout=0.2)
    with pytest.raises(QueryTimeout, match="longer than 0.2 s"):
        reader.rows("SELECT count(*) FROM range(100000000000) a, range(10) b")
    assert reader.rows("SELECT count(*) FROM events")[1] == [(7,)]  # the cursor still works


def test_queries_past_the_concurrency_limit_wait_then_give_up(db):
    import threading

    reader = Reader(db, timeout=0.3, concurrent=1)
    held, done = threading.Event(), threading.Event()

    def other_request():
        with reader.turn(1.0):
            held.set()
            done.wait(5)

    # another request's query running: the next waits its turn, then says busy
    worker = threading.Thread(target=other_request)
    worker.start()
    held.wait(5)
    with pytest.raises(QueryTimeout, match="busy"):
        reader.rows("SELECT 1")
    done.set()
    worker.join(5)
    assert reader.rows("SELECT 1")[1] == [(1,)]
    with reader.turn(1.0):  # one answer's queries run in the turn it holds
        assert reader.rows("SELECT 2")[1] == [(2,)]


def test_the_same_question_asked_at_once_is_computed_once(db):
    import threading

    reader = Reader(db)
    calls, gate = [], threading.Event()

    def compute():
        calls.append(1)
        gate.wait(5)
        return len(calls)

    answers = []
    threads = [threading.Thread(target=lambda: answers.append(reader.cached("k", compute)))
               for _ in range(5)]
    for t in threads:
        t.start()
    while not calls:
        pass
    gate.set()
    for t in threads:
        t.join(5)
    assert calls == [1] and answers == [1] * 5
    reader.changed()  # a write: the answer is computed again
    assert reader.cached("k", compute) == 2


def test_a_timeout_is_503_json(client, monkeypatch):
    from whodid.serve import data

    def slow(*args, **kwargs):
        raise QueryTimeout("the query took longer than 10 s and was stopped")

    monkeypatch.setattr(data, "event_page", slow)
    r = client.get("/api/events")
    assert r.status_code == 503 and r.json() == {
        "error": "timeout", "detail": "the query took longer than 10 s and was stopped"}


def test_posted_document_is_coded_stored_and_listed(tmp_path):
    db = make_store(tmp_path / "p.duckdb")
    with TestClient(create_app(Settings(db=db, token="s3cret"))) as c:
        client_view = c.get("/api/events?actor=CHL").json()  # cached before the write
        assert client_view["total"] == 0
        r = c.post("/api/documents", headers={"Authorization": "Bearer s3cret"},
                   json=[{"id": "chile-1", "text": "Chile sanctioned Bolivia on Monday.",
                          "published": "2024-05-02"}, {"id": "blank", "text": "  "}])
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["summary"]["coded"] == 1
        assert [d["doc_id"] for d in body["documents"]] == ["chile-1"]
        assert "blank" in body["errors"][0]["doc_id"] and \
            "empty" in body["errors"][0]["detail"]
        listed = c.get("/api/events?actor=CHL").json()
        assert listed["total"] == len(body["documents"][0]["events"]) >= 1
        assert listed["rows"][0]["event"] == "SANCTION"
        assert listed["rows"][0]["recipient_code"] == "BOL"
        again = c.post("/api/documents", headers={"X-Whodid-Token": "s3cret"},
                       json={"id": "chile-1", "text": "Chile sanctioned Bolivia on Monday.",
                             "published": "2024-05-02"})
        assert again.json()["summary"]["skipped"] == 1  # stored once
        bad = c.post("/api/documents", headers={"X-Whodid-Token": "s3cret"}, json={"id": "x"})
        assert bad.status_code == 400 and "text" in bad.json()["detail"]


# -- views of tables only some stores have (quotes, claims) --------------------------------

def test_table_views_appear_only_when_the_store_has_the_table(tmp_path, monkeypatch):
    from fastapi import APIRouter

    view = types.ModuleType("whodid_test_claims_view")
    view.router = APIRouter()
    view.router.get("/api/claims")(lambda: {"rows": []})
    view.nav = ("Claims", "/claims")
    monkeypatch.setitem(sys.modules, view.__name__, view)
    monkeypatch.setattr(serve_app, "TABLE_VIEWS", [("claims", view.__name__)])
    db = make_store(tmp_path / "v.duckdb")
    with TestClient(create_app(Settings(db=db))) as c:
        assert c.get("/api/claims").status_code == 404
    con = connect(db)
    con.execute("CREATE TABLE claims (claim_key VARCHAR)")
    con.close()
    with TestClient(create_app(Settings(db=db))) as c:
        assert c.get("/api/claims").json() == {"rows": []}
        assert "claims" in c.get("/api/").json()["views"]
        assert 'href="/claims"' in c.get("/").text


def test_serve_command_defaults_and_a_missing_store(tmp_path, capsys):
    from whodid.cli import build_parser, main

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.token) == ("127.0.0.1", 8000, None)
    assert main(["serve", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "no such store" in capsys.readouterr().err


def test_json_errors_are_json_for_every_status(client):
    r = client.delete("/api/events")
    assert r.status_code == 405 and json.loads(r.text)["error"] == "method_not_allowed"
