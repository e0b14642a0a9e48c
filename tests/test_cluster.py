"""`whodid ingest --ray`: the same store as a local run, byte for byte. The Ray tests need
the optional extra (pip install 'whodid[ray]') and skip without it."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

import pytest

from whodid.cluster.command import ingest_stream
from whodid.measure.raybench import store_digest
from whodid.store.ingest import ingest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
needs_ray = pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                               reason="Ray is not installed (pip install 'whodid[ray]')")


@pytest.mark.parametrize(("value", "paths", "address"), [
    ("docs.jsonl", ["docs.jsonl", "more"], None),  # `--ray docs.jsonl more`: a path
    ("local", ["more"], None),
    ("auto", ["more"], "auto"),
    ("10.0.0.5:6379", ["more"], "10.0.0.5:6379"),
    ("ray://head.example:10001", ["more"], "ray://head.example:10001"),
])
def test_ray_option_takes_an_address_or_the_first_path(value, paths, address):
    args = argparse.Namespace(ray=value, paths=["more"], ray_workers=2, shards=None)
    stream = ingest_stream(args)["stream"]
    assert args.paths == paths
    assert (stream.address, stream.workers) == (address, 2)
    assert ingest_stream(argparse.Namespace(ray=None)) == {}


@needs_ray
def test_ray_ingest_stores_the_same_as_a_local_run(tmp_path):
    from whodid.cluster.ray_code import RayStream

    inputs = [str(EXAMPLES / "border-talks.jsonl"), str(EXAMPLES / "news")]
    local = ingest(inputs, tmp_path / "local.duckdb")
    shards = tmp_path / "shards"
    stream = RayStream(workers=2, block_docs=2, shards=shards)
    ray = ingest(inputs, tmp_path / "ray.duckdb", stream=stream)
    assert local.events > 0 and local.failed > 0 and local.duplicates > 0
    assert (ray.read, ray.coded, ray.failed, ray.duplicates, ray.events) == \
        (local.read, local.coded, local.failed, local.duplicates, local.events)
    assert store_digest(tmp_path / "ray.duckdb") == store_digest(tmp_path / "local.duckdb")
    # one shard per block of two documents, kept when asked
    assert len(list(shards.glob("wave-*/part-*.parquet"))) == (local.coded + 1) // 2
    # a second run over the same inputs ships nothing to Ray (nor starts it) and stores
    # nothing new: the errors met again are counted, as by a local rerun
    again = ingest(inputs, tmp_path / "ray.duckdb",
                   stream=RayStream(address="ray://nowhere.invalid:1"))
    assert (again.coded, again.skipped) == (0, local.read)
    ingest(inputs, tmp_path / "local.duckdb")
    assert store_digest(tmp_path / "ray.duckdb") == store_digest(tmp_path / "local.duckdb")


def test_without_ray_the_run_stops_with_one_line(tmp_path, monkeypatch, capsys):
    from whodid.cli import main

    monkeypatch.setitem(__import__("sys").modules, "ray", None)  # as if not installed
    status = main(["ingest", str(EXAMPLES / "border-talks.jsonl"), "--db",
                   str(tmp_path / "s.duckdb"), "--ray"])
    assert status == 2
    assert "whodid: --ray needs Ray: pip install 'whodid[ray]'" in capsys.readouterr().err
