"""Progress bars (issue 10): on standard error, only when it is a terminal; nothing at all is
written to a standard error that is a file or a pipe."""

from __future__ import annotations

import fcntl
import json
import os
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

from whodid.progress import estimate_documents, progress

ROOT = Path(__file__).resolve().parents[1]
DOCS = [{"id": f"p{i}", "text": text, "published": "2024-05-02"} for i, text in enumerate([
    "Kenya accused Somalia of the border attacks.", "Chile sanctioned Bolivia on Monday.",
    "France criticised Turkey over the new tariffs."])]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n\n" for d in DOCS), "utf-8")
    return path


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("WHODID_DB", None)
    return env


def _whodid(*args: str, stderr=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "whodid.cli", *args], env=_env(), text=True,
                          stdout=subprocess.PIPE, stderr=stderr, timeout=600, check=False)


def test_nothing_on_a_stderr_that_is_not_a_terminal(docs: Path, tmp_path: Path):
    coded = _whodid("code", str(docs))
    assert coded.returncode == 0 and coded.stdout.count("\n") >= 3
    assert coded.stderr == ""
    ingested = _whodid("ingest", str(docs), "--db", str(tmp_path / "s.duckdb"))
    assert ingested.returncode == 0 and ingested.stderr == ""
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({**d, "events": [], "no_event": False}) + "\n"
                            for d in DOCS), "utf-8")
    evaluated = _whodid("eval", str(gold))
    assert evaluated.returncode == 0 and evaluated.stderr == ""


def _on_a_terminal(*args: str) -> str:
    """What `whodid ARGS` writes to standard error when that is a terminal (stdout a pipe)."""
    master, slave = os.openpty()
    # a terminal 100 columns wide: a new pseudo-terminal has none, and tqdm draws nothing then
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    chunks: list[bytes] = []

    def read() -> None:  # as it comes: Linux drops what is unread when the terminal closes
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the other side is closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        proc = subprocess.run([sys.executable, "-m", "whodid.cli", *args], env=_env(),
                              stdout=subprocess.DEVNULL, stderr=slave, timeout=600, check=False)
    finally:
        os.close(slave)
        reader.join(10)
        os.close(master)
    assert proc.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_bar_with_its_total_on_a_terminal(docs: Path, tmp_path: Path):
    shown = _on_a_terminal("code", str(docs))
    assert "code:" in shown and "/3" in shown  # the total: three documents in the file
    shown = _on_a_terminal("ingest", str(docs), "--db", str(tmp_path / "s.duckdb"))
    assert "ingest:" in shown and "/3" in shown


def test_document_totals_where_they_are_cheap_to_know(docs: Path, tmp_path: Path):
    (tmp_path / "a.txt").write_text("Chile sanctioned Bolivia.", "utf-8")
    (tmp_path / "notes.md").write_text("not an input", "utf-8")
    assert estimate_documents([str(docs)]) == 3  # blank lines are not documents
    assert estimate_documents([str(tmp_path)]) == 4
    assert estimate_documents([str(docs), "-"]) is None
    (tmp_path / "b.csv").write_text("text\nChile sanctioned Bolivia.\n", "utf-8")
    assert estimate_documents([str(tmp_path)]) is None


def test_a_bar_off_a_terminal_is_silent(capsys):
    with progress(3, desc="x") as bar:
        bar.update(3)
    assert list(progress(iterable=[1, 2], desc="y")) == [1, 2]
    assert capsys.readouterr().err == ""
