"""End to end on the real demo article, read from ../shared (present in CI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from whodid.code.coder import Coder
from whodid.measure.evaluation import score
from whodid.measure.gold import load_gold
from whodid.records import Document

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXAMPLE = SHARED / "data" / "examples"

pytestmark = pytest.mark.skipif(
    not (EXAMPLE / "pyongyang-wagner.gold.json").exists(),
    reason=f"the demo article and its reference coding live in {EXAMPLE}, which is absent "
           "(third-party text is never copied into the project)")


def test_demo_article_matches_the_reference():
    gold = load_gold(EXAMPLE / "pyongyang-wagner.gold.json")
    doc = json.loads((EXAMPLE / "pyongyang-wagner.jsonl").read_text("utf-8").splitlines()[0])
    events = [e.to_dict() for e in Coder().code(
        Document(id=doc["id"], text=doc["text"], published=doc["published"]))]
    report = score(gold, {gold[0]["id"]: events})
    required = sum(1 for e in gold[0]["events"] if not e.get("optional"))
    assert required == 18
    # every required event found with its type, actor code and recipient code ...
    assert report["strict_tp"] == required, report["strict_errors"] + report["misses"]
    # ... and its status
    assert report["status_acc"] == 1.0
    # at most three events that match nothing in the reference
    assert report["fp"] <= 3, report["false_positives"]
