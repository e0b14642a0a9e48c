"""The benchmark on three short documents: the report's shape, not its timings."""

from __future__ import annotations

import json
from pathlib import Path

from whodid.measure.bench import BUNDLED_EXAMPLE, format_bench, load_documents, run_bench

TEXTS = ["Chile sanctioned Bolivia on Sunday.",
         "Australia imposed sanctions on Myanmar.",
         "Serbia accused Kosovo of sending armed police into the north."]


def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "docs.jsonl"
    lines = [json.dumps({"id": f"d{i}", "text": t, "published": "2024-03-15"})
             for i, t in enumerate(TEXTS)]
    lines.insert(1, "{not json")  # a read error is counted, not timed
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_bundled_example_is_repeated_under_distinct_ids():
    docs, errors = load_documents([BUNDLED_EXAMPLE], limit=5, repeat_small=7)
    assert errors == 0 and len(docs) == 5
    assert len({d.id for d in docs}) == 5 and len({d.text for d in docs}) == 1


def test_report_structure(tmp_path):
    report = run_bench([corpus(tmp_path)], processes=1, limit=10)
    assert report["documents"] == 3 and report["processes"] == 1
    assert report["read_errors"] == 1 and report["errors"] == 1 + report["code"]["errors"]
    assert report["tokens"] > 0 and report["events"] >= 1
    for phase in ("parse", "code"):
        stats = report[phase]
        assert stats["tokens"] == report["tokens"]
        assert stats["docs_per_s"] > 0 and stats["tokens_per_s"] > 0
        assert stats["wall_s"] > 0 and stats["load_s"] > 0 and stats["peak_rss_mib"] > 0
    assert report["parse"]["events"] == 0 and report["ratio"] > 0
    text = format_bench(report)
    assert "(a) parse" in text and "(b) code" in text and "ratio" in text
