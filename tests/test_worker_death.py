"""Issue 10 item 6: a coding worker that dies (out of memory, a crash, kill -9) under
--processes costs only the document it was coding; the run goes on and ends; workers exit
when the parent dies. Deaths are caused with the pool's test hook (WHODID_TEST_KILL_DOC)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from whodid.code.pool import KILL_ENV, WorkerPool
from whodid.records import Document

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 600  # a hang fails the test instead of stopping the suite
SENTENCES = ["Kenya accused Somalia of the border attacks.", "Chile sanctioned Bolivia.",
             "France criticised Turkey over the new tariffs.", "Japan met India to discuss trade.",
             "Brazil threatened Venezuela.", "Egypt welcomed the ceasefire talks with Israel."]


class _Echo:
    def batch(self, docs):
        return [d.id for d in docs]


def _echo_start(options):
    return _Echo()


def _failed(doc, detail):
    return f"died:{doc.id}:{detail}"


def test_pool_replaces_a_dead_worker_and_only_its_document_fails(monkeypatch):
    monkeypatch.setenv(KILL_ENV, "d7")
    docs = [Document(id=f"d{i}", text="x") for i in range(20)]
    chunks = [docs[i:i + 4] for i in range(0, 20, 4)]
    with WorkerPool(2, _echo_start, None, _failed) as pool:
        out = [r for results in pool.map(chunks) for r in results]
        again = [r for results in pool.map(chunks[:1]) for r in results]  # the pool still works
    assert out[:7] == [f"d{i}" for i in range(7)] and out[8:] == [f"d{i}" for i in range(8, 20)]
    assert out[7].startswith("died:d7:") and "SIGKILL" in out[7]
    assert again == ["d0", "d1", "d2", "d3"]


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **extra)
    env.pop("WHODID_DB", None)
    return env


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    path = tmp_path / "docs.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(12):
            doc = {"id": f"n{i}", "text": " ".join(SENTENCES[i % 6:] + SENTENCES[:i % 6]),
                   "published": "2024-05-0" + str(1 + i % 9)}
            fh.write(json.dumps(doc) + "\n")
    return path


def _whodid(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "whodid.cli", *args], env=_env(**env),
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)


def test_code_goes_on_when_a_worker_is_killed(documents: Path):
    clean = _whodid(["code", "--processes", "2", str(documents)])
    killed = _whodid(["code", "--processes", "2", str(documents)], **{KILL_ENV: "n5"})
    assert clean.returncode == 0 and killed.returncode == 0, killed.stderr
    errors = [json.loads(line) for line in killed.stderr.splitlines() if line.startswith("{")]
    assert [(e["doc_id"], e["error"]) for e in errors] == [("n5", "coding_failed")]
    assert "died" in errors[0]["detail"] and "SIGKILL" in errors[0]["detail"]
    others = [line for line in clean.stdout.splitlines() if json.loads(line)["doc_id"] != "n5"]
    assert killed.stdout.splitlines() == others


def test_ingest_goes_on_and_releases_the_store(documents: Path, tmp_path: Path):
    db = tmp_path / "s.duckdb"
    run = _whodid(["ingest", str(documents), "--db", str(db), "--processes", "2"],
                  **{KILL_ENV: "n3"})
    assert run.returncode == 0, run.stderr
    assert "12 read, 11 coded" in run.stdout and "1 failed" in run.stdout
    listed = _whodid(["docs", "--errors", "--db", str(db), "--format", "jsonl"])
    assert listed.returncode == 0 and "n3" in listed.stdout and "died" in listed.stdout
    # the lock is free: another writer gets in, and the failed document is coded this time
    rerun = _whodid(["ingest", str(documents), "--db", str(db)])
    assert rerun.returncode == 0, rerun.stderr


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_workers_exit_when_the_parent_is_killed():
    proc = subprocess.Popen([sys.executable, "-m", "whodid.cli", "code", "--processes", "2", "-"],
                            env=_env(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + TIMEOUT
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
            workers = _children(proc.pid)
        assert len(workers) == 2, "the workers did not start"
        proc.send_signal(signal.SIGKILL)  # stdin stays open: the workers are waiting for work
        proc.wait()
        deadline = time.monotonic() + 30
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(map(_alive, workers)), "workers outlived their parent"
    finally:
        proc.kill()
        proc.stdin.close()
