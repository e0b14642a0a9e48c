"""The `whodid code` command: inputs, bad input, output formats."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from whodid.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, argv: list[str], stdin: bytes | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_txt_file_with_published_date(tmp_path, capsys):
    f = tmp_path / "note.txt"
    f.write_text("Chile sanctioned Bolivia on Sunday.", "utf-8")
    code, out, _ = run(capsys, ["code", "--published", "2024-03-15", str(f)])
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and records[0]["doc_id"] == "note"
    assert records[0]["date"] == "2024-03-10"


def test_bad_input_yields_errors_and_the_run_goes_on(tmp_path, capsys):
    good = {"id": "good", "text": "Australia imposed sanctions on Myanmar.", "published": "2024-01-02"}
    lines = [json.dumps(good).encode(), b"{not json", json.dumps({"id": "blank", "text": "  "}).encode(),
             b'{"id": "bytes", "text": "caf\xe9"}', json.dumps({"id": "notext"}).encode()]
    f = tmp_path / "docs.jsonl"
    f.write_bytes(b"\n".join(lines) + b"\n")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"Le pr\xe9sident a parl\xe9.")
    empty = tmp_path / "empty.txt"
    empty.write_text("", "utf-8")
    code, out, err = run(capsys, ["code", str(f), str(bad), str(empty), str(tmp_path / "missing.txt")])
    assert code == 0
    assert [json.loads(x)["doc_id"] for x in out.splitlines()] == ["good"]
    errors = [json.loads(x) for x in err.splitlines()]
    kinds = {(e["doc_id"], e["error"]) for e in errors}
    assert (f"{f}:2", "malformed_json") in kinds
    assert ("blank", "empty_text") in kinds
    assert (f"{f}:4", "invalid_utf8") in kinds
    assert ("notext", "bad_document") in kinds
    assert ("latin1", "invalid_utf8") in kinds
    assert ("empty", "empty_text") in kinds
    assert any(e["error"] == "unreadable" and "missing.txt" in e["detail"] for e in errors)


def test_nothing_readable_exits_nonzero(tmp_path, capsys):
    code, out, err = run(capsys, ["code", str(tmp_path / "nope.txt")])
    assert code == 1 and out == "" and "no document could be read" in err


def test_stdin_jsonl_and_missing_id(capsys, monkeypatch):
    doc = {"text": "Greece condemned Turkey over the airspace violations."}
    code, out, _ = run(capsys, ["code", "-"], json.dumps(doc).encode() + b"\n", monkeypatch)
    rec = json.loads(out.splitlines()[0])
    assert code == 0 and rec["doc_id"].startswith("doc-") and rec["event"] == "ACCUSE"


def test_table_format_on_the_bundled_example(capsys):
    code, out, _ = run(capsys, ["code", "--format", "table", str(ROOT / "examples" / "border-talks.jsonl")])
    assert code == 0
    header = out.splitlines()[1]
    for column in ("date", "actor", "event/mode", "recipient", "status", "evidence"):
        assert column in header
    assert "ACCUSE" in out


def test_processes_give_the_same_output(tmp_path, capsys):
    src = ROOT / "examples" / "border-talks.jsonl"
    _, one, _ = run(capsys, ["code", str(src), str(src)])
    _, two, _ = run(capsys, ["code", "--processes", "2", str(src), str(src)])
    assert one == two and one


def test_bad_published_date(capsys):
    assert main(["code", "--published", "15/03/2024", "x.txt"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_eval_json_report_keys(tmp_path, capsys):
    gold = {"id": "g1", "text": "Australia imposed sanctions on Myanmar.", "published": "2024-01-02",
            "events": [{"s": 0, "event": "SANCTION", "mode": None, "status": "asserted",
                        "actor": [{"text": "Australia", "code": "AUS", "sector": None}],
                        "recipient": [{"text": "Myanmar", "code": "MMR", "sector": None}],
                        "claimant": []}],
            "no_event": False}
    empty = {"id": "g2", "text": "The weather was mild all week.", "events": [], "no_event": True}
    src = tmp_path / "gold.jsonl"
    src.write_text(json.dumps(gold) + "\n" + json.dumps(empty) + "\n", "utf-8")
    out = tmp_path / "report.json"
    assert main(["eval", str(src), "--json", str(out), "--errors", "3"]) == 0
    report = json.loads(out.read_text("utf-8"))[str(src)]
    for key in ("P", "R", "F1", "strict_F1", "actor_acc", "recipient_acc", "status_acc",
                "penta_acc", "penta_macroF1"):
        assert key in report
    assert (report["P"], report["R"], report["strict_F1"], report["status_acc"]) == (1.0, 1.0, 1.0, 1.0)
    assert "SANCTION" in capsys.readouterr().out


@pytest.mark.parametrize("processes", ["1", "2"])
def test_malformed_knowledge_file_stops_with_its_name(tmp_path, capsys, processes):
    bad = tmp_path / "bad.yaml"
    bad.write_text("triggers:\n  - {verb: snub, event: SNUB}\n", "utf-8")
    doc = tmp_path / "d.txt"
    doc.write_text("Peru snubbed Chile.", "utf-8")
    code = main(["code", "--triggers", str(bad), "--processes", processes, str(doc)])
    err = capsys.readouterr().err
    assert code == 2 and str(bad) in err and "unknown event type" in err
