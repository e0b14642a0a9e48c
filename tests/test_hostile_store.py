"""The store's verbs against careless use and failing disks (issue 10): exports never destroy
the store or another database, are written whole or not at all, quote what a CSV reader
would split on, and never date an event by the day it was coded; filter typos are usage
errors naming the choices; a corrupted store, a full disk or a bad path is one line."""

from __future__ import annotations

import csv
import errno
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from whodid.cli import main
from whodid.records import Document
from whodid.store import export as export_module
from whodid.store.export import GDELT_COLUMNS, ExportError, export
from whodid.store.queries import EventFilter
from whodid.store.store import StoredDocument, StoreWriter, connect


def record(doc_id: str, n: int, event: str, actor: str, recipient: str, date: str | None,
           text: str) -> dict:
    def ent(code):
        return {"entity_text": code, "start": 0, "end": len(code), "code": code,
                "sector": None, "name": code, "why": "test"}

    return {"id": f"{doc_id}:{n}:0", "doc_id": doc_id, "event": event, "mode": None,
            "status": "asserted", "quad_code": 3, "score": -3.0, "cameo": "112",
            "actor": [ent(actor)], "recipient": [ent(recipient)], "claimant": [],
            "trigger": {"text": "x", "start": 0, "end": 1}, "date": date, "date_text": None,
            "date_precision": "day" if date else "unknown", "event_loc": None,
            "text_info": {"sequence": n, "start": 0, "end": len(text)}, "event_text": text,
            "confidence": 0.9, "why": "test"}


@pytest.fixture
def store(tmp_path) -> Path:
    db = tmp_path / "s.duckdb"
    docs = {
        "a": ("2024-01-01", [record("a", 0, "ACCUSE", "SRB", "KOS", "2024-01-10",
                                    "Serbia accused\rKosovo of provocations.")]),
        "b": ("yesterday", [record("b", 0, "REJECT", "KOS", "SRB", None,
                                   "Kosovo rejected the claim.")]),
    }
    with StoreWriter(db) as w:
        run = w.begin_run("test", ["hand"])
        w.write_batch([StoredDocument(key=f"key-{d}", origin=f"hand:{d}", records=recs,
                                      doc=Document(id=d, text=f"text of {d}", published=pub))
                       for d, (pub, recs) in docs.items()], [], "test", run)
    return db


def test_export_never_overwrites_the_store_or_another_database(store, tmp_path, capsys):
    before = store.read_bytes()
    other = tmp_path / "other.duckdb"
    shutil.copy(store, other)
    for fmt in ("parquet", "csv", "jsonl", "gdelt"):
        for target in (store, other, Path(f"{store}.wal")):
            assert main(["export", "--db", str(store), "--format", fmt, "--out",
                         str(target)]) == 2
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and ("the store itself" in err or "DuckDB" in err)
    assert store.read_bytes() == before and other.read_bytes() == before
    assert not Path(f"{store}.wal").exists()


def test_csv_export_quotes_a_bare_carriage_return(store, tmp_path):
    out = tmp_path / "events.csv"
    assert export(connect(store, read_only=True), "csv", out) == 2
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == ["a:0:0", "b:0:0"]
    assert rows[0]["event_text"] == "Serbia accused\rKosovo of provocations."


def test_gdelt_day_is_never_the_day_of_coding(store, tmp_path):
    out = tmp_path / "g.tsv"
    assert export(connect(store, read_only=True), "gdelt", out) == 2
    with out.open(newline="", encoding="utf-8") as fh:
        rows = [dict(zip(GDELT_COLUMNS, r, strict=True))
                for r in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]
    assert rows[0]["Day"] == "20240110"
    # no event date and a publication date that is no date: no Day at all
    assert (rows[1]["Day"], rows[1]["MonthYear"], rows[1]["Year"],
            rows[1]["FractionDate"]) == ("", "", "", "")


def test_a_failing_export_leaves_the_old_file_and_no_part_file(store, tmp_path, monkeypatch):
    out = tmp_path / "events.jsonl"
    out.write_text("the previous export\n", "utf-8")

    def half_then_full(con, filt, fh, limit=None):
        fh.write('{"id": "half"}\n')
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setitem(export_module.__dict__, "write_jsonl", half_then_full)
    with pytest.raises(ExportError, match="No space left on device; nothing was written"):
        export(connect(store, read_only=True), "jsonl", out)
    assert out.read_text("utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.jsonl", "s.duckdb"]
    monkeypatch.undo()
    assert export(connect(store, read_only=True), "jsonl", out) == 2
    assert [json.loads(x)["id"] for x in out.read_text("utf-8").splitlines()] == [
        "a:0:0", "b:0:0"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_export_to_a_full_device_is_one_line(store, capsys):
    assert main(["export", "--db", str(store), "--format", "csv", "--out", "/dev/full"]) == 2
    assert capsys.readouterr().err == "whodid: cannot write /dev/full: No space left on device\n"


def test_export_to_a_missing_folder_or_unwritable_path_is_one_line(store, tmp_path, capsys):
    for target, says in ((tmp_path / "no" / "such" / "x.csv", "no folder"),
                         (tmp_path / "s.duckdb" / "x.csv", "no folder"),
                         (tmp_path, "is a folder")):
        assert main(["export", "--db", str(store), "--format", "csv", "--out",
                     str(target)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("whodid: ") and says in err


def test_disk_full_during_ingest_is_one_line(tmp_path, capsys, monkeypatch):
    src = tmp_path / "news.jsonl"
    src.write_text(json.dumps({"id": "n", "text": "Chile accused Bolivia of spying."}) + "\n",
                   "utf-8")

    def full(self, *args, **kwargs):
        raise duckdb.IOException(f'Could not write file "{self.path}.wal": No space left on '
                                 "device\nmore detail")

    monkeypatch.setattr(StoreWriter, "write_batch", full)
    assert main(["ingest", "--rules-only", str(src), "--db", str(tmp_path / "s.duckdb")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err
    assert "the same command finishes the rest" in err


def test_a_corrupted_store_block_is_one_line(store, tmp_path, capsys):
    failed = 0
    size = store.stat().st_size
    for block in range(1, (size - 12288) // 262144):
        bad = tmp_path / f"bad{block}.duckdb"
        data = bytearray(store.read_bytes())
        start = 12288 + block * 262144 + 200
        data[start:start + 64] = b"\xff" * 64
        bad.write_bytes(bytes(data))
        for argv in (["docs"], ["docs", "--errors"], ["events"], ["dyads"]):
            code = main([*argv, "--db", str(bad)])
            err = capsys.readouterr().err
            if code:
                failed += 1
                assert code == 2 and err.count("\n") == 1 and err.startswith("whodid: ")
    assert failed  # some block held what a verb reads


@pytest.mark.parametrize("argv, says", [
    (["--type", "ACUSE"], "did you mean ACCUSE?; choose one of ACCUSE, AGREE"),
    (["--country", "Sebria"], "did you mean SRB"),
    (["--country", "XYZ"], "neither a code nor a country name"),
    (["--mode", "alege"], "did you mean allege"),
    (["--status", "denid"], "did you mean denied"),
    (["--sector", "GOVT"], "did you mean GOV"),
    (["--limit", "-1"], "limit must be 0 or more"),
])
def test_filter_typos_are_usage_errors(store, capsys, argv, says):
    for verb in ("events", "export", "dyads"):
        if verb == "dyads" and argv[0] == "--limit":
            continue
        assert main([verb, "--db", str(store), *argv]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and says in err


def test_a_country_name_is_taken_for_its_code(store, capsys):
    assert main(["events", "--db", str(store), "--country", "Serbia", "--format", "jsonl"]) == 0
    assert [json.loads(x)["id"] for x in capsys.readouterr().out.splitlines()] == [
        "a:0:0", "b:0:0"]
    assert EventFilter(country="kosovo", type="accuse").country == "KOS"


def test_export_to_an_unwritable_folder_is_one_line(store, tmp_path, capsys, monkeypatch):
    import tempfile

    def refused(*args, **kwargs):  # as a folder without write permission does (not for root)
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    out = tmp_path / "events.csv"
    assert main(["export", "--db", str(store), "--format", "csv", "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"whodid: cannot write {out}: Permission denied\n"
    assert not out.exists()


def test_code_onto_a_full_disk_is_one_line(tmp_path, capsys, monkeypatch):
    import sys

    class Full:
        def write(self, text):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def flush(self):
            pass

    src = tmp_path / "news.jsonl"
    src.write_text(json.dumps({"id": "n", "text": "Chile accused Bolivia of spying."}) + "\n",
                   "utf-8")
    monkeypatch.setattr(sys, "stdout", Full())
    assert main(["code", "--rules-only", str(src)]) == 2
    assert capsys.readouterr().err == "whodid: cannot go on: No space left on device\n"
