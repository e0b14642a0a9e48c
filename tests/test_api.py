"""The Python API: code_text, Coder (with a loaded Language, batched), typed records, and the
Store facade over a real DuckDB file."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

import whodid
from whodid.api import get_coder, record_coder
from whodid.nlp import DEFAULT_MODEL
from whodid.records import Document, Event
from whodid.store.queries import QueryError

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = "2024-05-02"
TEXTS = [
    "Chile sanctioned Bolivia on Monday.",
    "Greece condemned Turkey over the airspace violations.",
    "Police in Peru arrested two Bolivian smugglers.",
    "Japan pledged aid to the Philippines after the storm.",
]


def test_import_is_light_until_a_name_is_used():
    code = ("import sys, whodid; before = 'spacy' in sys.modules; whodid.Document; "
            "print(before, 'whodid.records' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert out.split() == ["False", "True"]


def test_code_text_gives_typed_events():
    events = whodid.code_text(TEXTS[0], published=PUBLISHED)
    assert len(events) == 1 and isinstance(events[0], Event)
    ev = events[0]
    assert (ev.event, ev.status, ev.trigger["text"]) == ("SANCTION", "asserted", "sanctioned")
    assert [e.code for e in ev.actor] == ["CHL"] and [e.code for e in ev.recipient] == ["BOL"]
    assert ev.date.date == "2024-04-29"  # the Monday before publication
    assert ev.doc_id == Document(text=TEXTS[0]).id  # a hash of the text, as `whodid code -`


def test_code_text_reuses_its_coder():
    whodid.code_text(TEXTS[1])
    assert get_coder() is get_coder(DEFAULT_MODEL, (), ())


def test_repr_shows_an_event_at_a_glance():
    ev = whodid.code_text(TEXTS[2], published=PUBLISHED)[0]
    assert repr(ev) == ("Event(COERCE/arrest, actor=Peru [PER/COP], recipient=Bolivia [BOL/CRM], "
                        "status=asserted, trigger='arrested', date=2024-05-02)")
    assert str(ev.actor[0]) == "Peru [PER/COP]"


def test_alleged_event_repr_names_its_claimant():
    events = whodid.code_text("Kenya accused Somalia of arming the rebels.", published=PUBLISHED)
    aid = next(e for e in events if e.event == "AID")
    assert "status=alleged by Kenya [KEN]" in repr(aid)


def test_event_dict_round_trip():
    for text in TEXTS:
        for ev in whodid.code_text(text, published=PUBLISHED):
            d = ev.to_dict()
            assert Event.from_dict(d).to_dict() == d
            assert Event.from_dict(json.loads(json.dumps(d))).to_dict() == d


def test_document_id_is_optional():
    doc = Document(text="Chile sanctioned Bolivia.")
    assert doc.id.startswith("doc-") and doc.id == Document(text=doc.text).id
    assert Document(id="a", text="x").id == "a"
    assert Document("a", "x", "2024-01-01").published == "2024-01-01"  # positional order kept
    assert Document(id="empty", text="").text == ""  # gold sets hold empty texts


def test_coder_takes_a_loaded_language():
    nlp = spacy.load(DEFAULT_MODEL)  # loaded by the caller, not by whodid
    mine = whodid.Coder(nlp)
    assert mine.nlp is nlp
    doc = Document(id="t", text="Chile sanctioned Bolivia.\nGreece condemned Turkey.",
                   published=PUBLISHED)
    assert ([e.to_dict() for e in mine.code(doc)]
            == [e.to_dict() for e in get_coder().code(doc)])


def test_coder_accepts_a_string():
    events = get_coder().code(TEXTS[3], published=PUBLISHED)
    assert [(e.event, e.actor[0].code, e.recipient[0].code) for e in events] == [
        ("AGREE", "JPN", "PHL")]


def test_pipe_equals_code_one_by_one():
    coder = get_coder()
    docs = [Document(id=f"d{i}", text=t, published=PUBLISHED) for i, t in enumerate(TEXTS)]
    piped = [[e.to_dict() for e in events] for events in coder.pipe(docs, batch_size=3)]
    single = [[e.to_dict() for e in coder.code(d)] for d in docs]
    assert piped == single and all(piped)


def test_record_coder_is_what_eval_calls():
    code = record_coder(whodid.coder_options())
    records = code({"id": "g1", "text": TEXTS[0], "published": PUBLISHED})
    assert [r["event"] for r in records] == ["SANCTION"] and records[0]["doc_id"] == "g1"
    assert code({"id": "g2", "text": ""}) == []
    assert code({"text": TEXTS[1]})[0]["doc_id"] == Document(text=TEXTS[1]).id
    with pytest.raises(KeyError):
        code({"id": "g3"})


def test_store_round_trip(tmp_path):
    src = tmp_path / "notes.jsonl"
    src.write_text(json.dumps({"id": "file-1", "text": TEXTS[1], "published": PUBLISHED}) + "\n",
                   "utf-8")
    db = tmp_path / "api.duckdb"
    with whodid.Store(db) as store:
        summary = store.ingest([Document(id="obj-1", text=TEXTS[0], published=PUBLISHED),
                                {"id": "dict-1", "text": TEXTS[3], "published": PUBLISHED},
                                src])
        assert (summary.read, summary.coded, summary.failed) == (3, 3, 0)
        again = store.ingest(Document(id="obj-1", text=TEXTS[0], published=PUBLISHED))
        assert (again.read, again.skipped, again.coded) == (1, 1, 0)

        events = store.events()
        assert [e.doc_id for e in events] == ["obj-1", "dict-1", "file-1"]
        assert all(isinstance(e, Event) for e in events)
        accused = store.events(type="ACCUSE")
        assert [(e.actor[0].code, e.recipient[0].code) for e in accused] == [("GRC", "TUR")]
        assert [e.doc_id for e in store.events(country="BOL")] == ["obj-1"]
        assert store.events(since="2024-05", actor="JPN")[0].event == "AGREE"

        dyads = store.dyads(period="month")
        assert {(d.actor, d.recipient, d.quad, d.events) for d in dyads} == {
            ("CHL", "BOL", 4, 1), ("GRC", "TUR", 3, 1), ("JPN", "PHL", 1, 1)}
        assert dyads[0].to_dict()["period"] == "2024-04"

        out = tmp_path / "events.jsonl"
        assert store.export(out, country="TUR") == 1
        assert json.loads(out.read_text("utf-8")) == accused[0].to_dict()
        assert store.export(tmp_path / "all.csv", format="csv") == 3
        with (tmp_path / "all.csv").open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert [r["actor_code"] for r in rows] == ["CHL", "JPN", "GRC"]
        assert store.counts()["documents"] == 3
    assert store._con is None  # closed by the with block


def test_store_filters_are_checked(tmp_path):
    with whodid.Store(tmp_path / "f.duckdb") as store:
        with pytest.raises(TypeError):
            store.events(colour="red")
        with pytest.raises(QueryError):
            store.events(since="last week")


def test_store_ingest_bad_input_is_stored_and_the_run_goes_on(tmp_path):
    seen = []
    from whodid.store.ingest import Progress

    with whodid.Store(tmp_path / "bad.duckdb") as store:
        summary = store.ingest([{"id": "no-text"}, {"id": "blank", "text": "  "},
                                tmp_path / "missing.txt",
                                {"id": "good", "text": TEXTS[0], "published": PUBLISHED}],
                               progress=Progress(on_error=seen.append))
        assert (summary.read, summary.coded, summary.failed) == (1, 1, 3)
        assert [e.doc_id for e in store.events()] == ["good"]
        kinds = {(e["kind"], e["origin"]) for e in store.errors()}
        assert ("bad_document", "<python>:1") in kinds and ("empty_text", "<python>:2") in kinds
        assert any(kind == "unreadable" for kind, _ in kinds)
    assert {e["error"] for e in seen} == {"bad_document", "empty_text", "unreadable"}
