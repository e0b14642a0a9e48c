"""`whodid watch`: files are read once they have settled, stored once, and the command stops
cleanly on Ctrl-C."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from whodid.store.watch import Watcher

TEXT = "Kenya accused Somalia on Sunday of arming the rebels."


def _line(doc_id: str, text: str) -> str:
    return json.dumps({"id": doc_id, "text": text, "published": "2026-03-01"}) + "\n"


def _count(db: Path, table: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    finally:
        con.close()


def test_a_file_is_taken_once_it_has_settled(tmp_path):
    now = [0.0]
    watcher = Watcher(tmp_path, tmp_path / "s.duckdb", settle=2.0, clock=lambda: now[0])
    growing = tmp_path / "wire.jsonl"
    growing.write_text(_line("a", TEXT), encoding="utf-8")
    (tmp_path / ".wire.jsonl.part").write_text("partial", encoding="utf-8")  # hidden
    (tmp_path / "notes.tmp").write_text("partial", encoding="utf-8")  # not a readable kind
    assert watcher.scan() == ([], [growing])
    now[0] += 3
    with growing.open("a", encoding="utf-8") as fh:  # still being written: the wait restarts
        fh.write(_line("b", "Togo denied the charge."))
    assert watcher.scan() == ([], [growing])
    now[0] += 1
    assert watcher.scan() == ([], [growing])
    now[0] += 1.5
    assert watcher.scan() == ([growing], [])


def test_once_stores_new_and_changed_files_and_nothing_twice(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "s.duckdb"
    (inbox / "desk").mkdir(parents=True)
    (inbox / "desk" / "note.txt").write_text(TEXT + "\n", encoding="utf-8")
    wire = inbox / "wire.jsonl"
    wire.write_text(_line("w1", "Ghana accused Togo on Saturday of diverting the river.")
                    + _line("w2", "Chile protested to Bolivia on Friday."), encoding="utf-8")
    watcher = Watcher(inbox, db, settle=0.1)
    first = watcher.once()
    assert first.summary is not None and first.summary.coded == 3
    events = _count(db, "events")
    assert events > 0
    assert watcher.once().summary is None  # nothing changed: nothing read
    # a restarted watcher reads everything again, and stores nothing twice
    again = Watcher(inbox, db, settle=0.1).once()
    assert (again.summary.coded, again.summary.skipped) == (0, 3)
    with wire.open("a", encoding="utf-8") as fh:
        fh.write(_line("w3", "Serbia accused Kosovo on Monday of provoking violence."))
    grown = watcher.once()
    assert grown.files == [wire]
    assert (grown.summary.coded, grown.summary.skipped) == (1, 2)
    assert _count(db, "documents") == 4 and _count(db, "events") > events


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_watch_command_codes_what_arrives_and_stops_on_ctrl_c(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "s.duckdb"
    inbox.mkdir()
    cmd = [sys.executable, "-m", "whodid.cli", "watch", str(inbox), "--db", str(db),
           "--every", "0.3s", "--settle", "0.3s"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    # as in a terminal: a test run in the background (a non-interactive shell's `&`) would
    # otherwise hand the child SIGINT ignored, and Ctrl-C would never reach it
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, preexec_fn=_interruptible)  # noqa: PLW1509 (no threads here)
    try:
        assert "watching" in proc.stderr.readline()
        part = inbox / ".arriving.txt"  # written under a hidden name, then renamed
        part.write_text(TEXT + "\n", encoding="utf-8")
        part.rename(inbox / "arriving.txt")
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 180
        line = ""
        while not line and time.monotonic() < deadline:
            if sel.select(timeout=1):
                line = proc.stdout.readline()
        assert "1 file: 1 read, 1 coded, 0 skipped as already stored, 0 failed" in line
        proc.send_signal(signal.SIGINT)
        # communicate, not wait: it drains both pipes, so the child's last words cannot
        # block on a full pipe while the test waits for it to end
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-2000:]
        assert "whodid watch: stopped" in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert _count(db, "documents") == 1
