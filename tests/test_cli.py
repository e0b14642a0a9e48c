"""The `whodid code` command: inputs, bad input, output formats."""

from __future__ import annotations

import io
import json
import os
import subprocess
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


def _doc(tmp_path: Path) -> Path:
    doc = tmp_path / "d.txt"
    doc.write_text("Peru snubbed Chile.", "utf-8")
    return doc


def _broken_model(tmp_path: Path) -> Path:
    """A copy of the installed model whose parser weights are garbage."""
    import shutil

    import spacy

    from whodid.nlp import DEFAULT_MODEL

    package = spacy.util.get_package_path(DEFAULT_MODEL)
    src = next(p for p in package.iterdir() if (p / "config.cfg").exists())
    dst = tmp_path / "broken_model"
    shutil.copytree(src, dst)
    (dst / "parser" / "model").write_bytes(b"not weights")
    return dst


@pytest.mark.parametrize("processes", ["1", "2"])
def test_missing_model_is_one_line_and_exit_2(tmp_path, capsys, processes):
    code = main(["code", "--model", "no_such_model", "--processes", processes, str(_doc(tmp_path))])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("whodid: spaCy model 'no_such_model' is not installed")
    assert err.count("\n") == 1


@pytest.mark.parametrize("processes", ["1", "2"])
def test_broken_model_is_one_line_and_exit_2(tmp_path, processes):
    # a fresh process, as a user runs it: no traceback, and a pool that does not spin
    model = _broken_model(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "whodid.cli", "code", "--model", str(model),
                           "--processes", processes, str(_doc(tmp_path))],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith(f"whodid: spaCy model '{model}' cannot be loaded (")
    assert proc.stderr.count("\n") == 1


def test_a_worker_that_cannot_start_ends_the_run(tmp_path, capsys, monkeypatch):
    """Without this, multiprocessing restarts a worker whose initializer raises, forever."""
    from whodid.code import runner
    from whodid.nlp import ModelError

    def failing(options):
        raise ModelError("spaCy model 'x' cannot be loaded (only in the workers)")

    monkeypatch.setattr(runner, "make_worker", failing)  # the forked workers inherit it
    code = main(["code", "--processes", "2", "--published", "2024-03-15", str(_doc(tmp_path))])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == "whodid: spaCy model 'x' cannot be loaded (only in the workers)\n"


def _table_records() -> list[dict]:
    src = ROOT / "examples" / "border-talks.jsonl"
    doc = json.loads(src.read_text("utf-8").splitlines()[0])
    from whodid.api import coder_options, record_coder

    return [r for r in record_coder(coder_options())(doc) if "event" in r]  # not its quotes


def test_table_fits_the_terminal(monkeypatch, capsys, tmp_path):
    import shutil

    from whodid import table

    records = _table_records()
    for width in (80, 100, 140):
        lines = table.format_table(records, width).splitlines()
        assert max(len(line) for line in lines) <= width and "…" in "".join(lines)
    # the command asks the terminal it writes to
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=None: os.terminal_size((90, 24)))
    assert table.terminal_width() == 90
    src = ROOT / "examples" / "border-talks.jsonl"
    code, out, _ = run(capsys, ["code", "--format", "table", str(src)])
    assert code == 0 and max(len(line) for line in out.splitlines()) <= 90


def test_table_piped_keeps_the_evidence_whole(capsys):
    from whodid import table

    records = _table_records()
    assert table.terminal_width() is None  # pytest's captured stdout is no terminal
    src = ROOT / "examples" / "border-talks.jsonl"
    code, out, _ = run(capsys, ["code", "--format", "table", str(src)])
    assert code == 0 and "…" not in out
    for rec in records:
        assert " ".join(rec["event_text"].split()) in out


@pytest.mark.parametrize("processes", ["1", "2"])
@pytest.mark.parametrize("bad", ["missing", "malformed"])
def test_bad_whodid_actors_entry_stops_before_any_worker(tmp_path, capsys, monkeypatch,
                                                         processes, bad):
    """Without --actors, the runner's knowledge check still builds the default resolver, so
    a bad WHODID_ACTORS entry is a one-line error and exit 2 before a worker starts."""
    from whodid.code import runner
    from whodid.code.actors import get_resolver

    if bad == "missing":
        target, message = tmp_path / "no_such_actors.csv", "WHODID_ACTORS names"
    else:
        target = tmp_path / "actors_mine.csv"
        target.write_text("pattern,code,sector,name,kind\nFrente Zorro,ECUADOR,REB,,org\n",
                          encoding="utf-8")
        message = "actors_mine.csv:2"

    def no_worker(options):
        raise AssertionError("a worker was started")

    monkeypatch.setattr(runner, "make_worker", no_worker)
    monkeypatch.setenv("WHODID_ACTORS", str(target))
    get_resolver.cache_clear()
    try:
        code = main(["code", "--processes", processes, str(_doc(tmp_path))])
    finally:
        monkeypatch.delenv("WHODID_ACTORS")
        get_resolver.cache_clear()
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("whodid: ") and message in err and err.count("\n") == 1
