"""The claim ledger, stored quotes and story events, on examples/border-shelling.jsonl: five
short reports (written for the project, the incident and people invented) of one alleged
shelling, its denial and its repetition by several outlets, one a near-copy of another."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from whodid.cli import main
from whodid.store.claims import ClaimFilter, claim_records
from whodid.store.export import GDELT_COLUMNS, export
from whodid.store.ingest import ingest
from whodid.store.quotes import QuoteFilter, quote_records
from whodid.store.store import connect
from whodid.store.stories import group_stories

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "border-shelling.jsonl"
DOCS = [json.loads(line) for line in EXAMPLE.read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("claims") / "s.duckdb"
    ingest([str(EXAMPLE)], db)
    return db


def test_allegation_and_denial_are_one_claim_with_its_counts(store):
    con = connect(store, read_only=True)
    claims = claim_records(con)
    shelling = [c for c in claims if c["event"] == "ASSAULT"]
    assert len(shelling) == 1, claims
    c = shelling[0]
    assert (c["actor"], c["recipient"]) == (["TGO"], ["GHA"])
    assert (c["alleged_by"], c["denied_by"]) == (["GHA"], ["TGO"])
    assert (c["first_date"], c["last_date"]) == ("2026-03-02", "2026-03-05")
    # every report carried it; the near-copy is an article of its own, of another outlet
    assert (c["articles"], c["sources"]) == (5, 4)
    docs = [e.split(":")[0] for e in c["evidence"]]
    assert docs[0] == "herald-0305" and docs[-1] == "herald-0302"  # newest first
    assert set(docs) == {d["id"] for d in DOCS}
    # the smuggling charge is another act, alleged and never denied
    arming = [c for c in claims if c["event"] == "AID"]
    assert [(a["alleged_by"], a["denied_by"], a["articles"]) for a in arming] == [
        (["GHA"], [], 1)]


def test_claim_filters(store):
    con = connect(store, read_only=True)
    assert [c["event"] for c in claim_records(con, ClaimFilter(linked=True))] == ["ASSAULT"]
    assert [c["event"] for c in claim_records(con, ClaimFilter(denied_by="tgo"))] == ["ASSAULT"]
    assert len(claim_records(con, ClaimFilter(actor="TGO", recipient="GHA"))) == 2
    assert claim_records(con, ClaimFilter(actor="GHA")) == []
    assert claim_records(con, ClaimFilter(since="2026-04")) == []
    assert [c["event"] for c in claim_records(con, ClaimFilter(text="smugglers"))] == ["AID"]


def test_claims_far_apart_in_time_are_two_claims(tmp_path):
    later = [dict(d, id=d["id"] + "-later", published="2026-09" + d["published"][7:],
                  text=d["text"].replace("on Monday ", "").replace("on Tuesday", "")
                  .replace("on Thursday ", ""))
             for d in DOCS[:2]]
    src = tmp_path / "more.jsonl"
    src.write_text("".join(json.dumps(d) + "\n" for d in DOCS[:2] + later), "utf-8")
    db = tmp_path / "s.duckdb"
    ingest([str(src)], db)
    shelling = [c for c in claim_records(connect(db, read_only=True))
                if c["event"] == "ASSAULT"]
    assert [(c["first_date"][:7], c["articles"], c["denied_by"]) for c in shelling] == [
        ("2026-03", 2, ["TGO"]), ("2026-09", 2, ["TGO"])]


def test_stored_quotes_by_speaker_and_date(store):
    con = connect(store, read_only=True)
    ghana = quote_records(con, QuoteFilter(speaker="GHA"))
    assert ghana and all(q["speaker"]["code"] == "GHA" for _, q in ghana)
    assert {q["doc_id"] for _, q in ghana} == {"herald-0302", "wire-0303", "times-0303",
                                               "herald-0305"}
    since = quote_records(con, QuoteFilter(speaker="GHA", since="2026-03-04"))
    assert {q["doc_id"] for _, q in since} == {"herald-0305"}
    togo = quote_records(con, QuoteFilter(speaker="Mensah"))
    assert [q["kind"] for _, q in togo][:1] == ["direct"]
    denied = [q for _, q in quote_records(con, QuoteFilter(doc="lome-0303"))
              if q["cue"]["text"] == "denied"]
    assert denied and denied[0]["event_ids"]  # the denial coded from it


def test_story_events_fill_the_gdelt_counts(store, tmp_path):
    out = tmp_path / "g.tsv"
    n = export(connect(store, read_only=True), "gdelt", out)
    with out.open(newline="", encoding="utf-8") as fh:
        rows = [dict(zip(GDELT_COLUMNS, r, strict=True))
                for r in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]
    assert n == len(rows)
    con = connect(store, read_only=True)
    total = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    assert sum(int(r["NumMentions"]) for r in rows) == total  # each event in one story
    shelling = [r for r in rows if r["Actor1CountryCode"] == "TGO"
                and r["Actor2CountryCode"] == "GHA" and r["EventRootCode"] == "19"]
    assert len(shelling) == 1
    r = shelling[0]
    assert int(r["NumArticles"]) == 5 and int(r["NumSources"]) == 4
    assert int(r["NumMentions"]) >= int(r["NumArticles"])


def test_grouping_is_incremental_and_leaves_events_alone(tmp_path, store):
    src1, src2 = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    src1.write_text("".join(json.dumps(d) + "\n" for d in DOCS[:2]), "utf-8")
    src2.write_text("".join(json.dumps(d) + "\n" for d in DOCS[2:]), "utf-8")
    db = tmp_path / "s.duckdb"
    ingest([str(src1)], db)
    ingest([str(src2)], db)

    def stories(path):
        con = connect(path, read_only=True)
        return sorted(con.execute(
            "SELECT e.id, count(*) OVER (PARTITION BY se.story_no) FROM events e "
            "JOIN story_events se ON se.event_key = e.event_key").fetchall())

    assert stories(db) == stories(store)  # in two runs as in one
    con = connect(db)
    before = con.execute("SELECT record FROM events ORDER BY event_no").fetchall()
    assert group_stories(con) == 0  # nothing new to place
    assert con.execute("SELECT record FROM events ORDER BY event_no").fetchall() == before


def test_cli_claims_and_quotes(store, capsys):
    assert main(["claims", "--db", str(store), "--linked", "--format", "jsonl"]) == 0
    records = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["event"] for r in records] == ["ASSAULT"]
    assert set(records[0]) >= {"event", "actor", "recipient", "alleged_by", "denied_by",
                               "first_date", "last_date", "articles", "sources", "evidence"}
    assert main(["quotes", "--db", str(store), "--speaker", "GHA", "--since", "2026-03-04"]) == 0
    out = capsys.readouterr().out
    assert "herald-0305" in out and "herald-0302" not in out
    assert main(["claims", "--db", str(store), "--since", "2026-13"]) == 2
    assert "2026-13" in capsys.readouterr().err


def test_python_api(store):
    from whodid.api import Store

    with Store(store) as s:
        assert [c["event"] for c in s.claims(linked=True)] == ["ASSAULT"]
        assert {q["doc_id"] for q in s.quotes(speaker="TGO")} == {"lome-0303"}
        with pytest.raises(TypeError):
            s.claims(colour="red")
