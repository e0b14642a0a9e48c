"""Quotes: content, cue, speaker (resolved like any actor) and the events coded inside them.
The sentences are the project's own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from whodid.code.coder import Coder
from whodid.code.quotes import quotations
from whodid.measure.evaluation import score
from whodid.measure.gold import load_gold
from whodid.records import Document

POLNEAR_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "dev" \
    / "polnear_dev.jsonl"


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def code(coder: Coder, text: str, published: str = "2025-04-02"):
    doc = Document(id="t", text=text, published=published)
    parsed = coder.parse(text)
    events = coder.code_parsed(doc, parsed)
    return events, [q.to_dict() for q in parsed._.quotes]


def only(quotes: list[dict], cue: str) -> dict:
    found = [q for q in quotes if q["cue"]["text"] == cue]
    assert len(found) == 1, [(q["cue"]["text"], q["content"]["text"]) for q in quotes]
    return found[0]


def test_indirect_quote_with_that_clause(coder):
    text = "The Chilean foreign ministry said on Tuesday that Bolivian troops had crossed the border."
    _, quotes = code(coder, text)
    q = only(quotes, "said")
    assert q["kind"] == "indirect"
    assert q["content"]["text"] == "that Bolivian troops had crossed the border."[:-1]
    assert text[q["content"]["start"]:q["content"]["end"]] == q["content"]["text"]
    assert (q["speaker"]["code"], q["speaker"]["sector"]) == ("CHL", "GOV")
    assert q["id"] == "t:q0" and q["doc_id"] == "t"


def test_direct_quote_after_its_content_and_pronoun_speaker(coder):
    text = ("Peru's defence minister Rosa Quispe visited the base on Monday. "
            "“We will not be intimidated by anyone,” she said.")
    _, quotes = code(coder, text)
    q = only(quotes, "said")
    assert q["kind"] == "direct"
    assert q["content"]["text"] == "“We will not be intimidated by anyone,”"
    assert q["speaker"]["entity_text"] == "she"
    assert q["speaker"]["code"] == "PER"


def test_according_to_and_colon_and_continuation(coder):
    text = ("According to the Kenyan police, six people were arrested overnight.\n\n"
            "The governor said: “Nobody is above the law in this county.”\n\n"
            "“We will find every one of them and bring them before a judge.”")
    _, quotes = code(coder, text)
    acc = only(quotes, "According to")
    assert acc["content"]["text"] == "six people were arrested overnight."[:-1]
    assert acc["speaker"]["code"] == "KEN"
    said = [q for q in quotes if q["cue"]["text"] == "said"]
    assert [q["content"]["text"] for q in said] == [
        "“Nobody is above the law in this county.”",
        "“We will find every one of them and bring them before a judge.”"]
    assert all(q["kind"] == "direct" for q in said)
    assert said[0]["speaker"]["start"] == said[1]["speaker"]["start"]


def test_quote_links_the_events_coded_inside_it_and_from_its_cue(coder):
    text = ("Ghana's government said on Friday that Togolese soldiers attacked a border "
            "post. Togo denied attacking the post.")
    events, quotes = code(coder, text)
    said = only(quotes, "said")
    assault = [e for e in events if e.event == "ASSAULT" and e.text_info["sequence"] == 0]
    assert assault and assault[0].id in said["event_ids"]
    denied = only(quotes, "denied")
    linked = [e for e in events if e.id in denied["event_ids"]]
    assert {e.event for e in linked} >= {"REJECT"}
    assert all(e.text_info["sequence"] == 1 for e in linked)


def test_quotation_marks_pair_by_kind_and_paragraph():
    text = 'He said "yes" and “no”.\n"Open\nAnd "closed"'
    assert [text[a:b] for a, b in quotations(text)] == ['"yes"', "“no”", '"closed"']


def test_no_quote_without_a_cue(coder):
    _, quotes = code(coder, "Brazil sent two ships to the port of Santos in March.")
    assert quotes == []


def test_events_are_the_same_with_the_quotes_found(coder):
    """Finding quotes resolves speakers in the coder's own pass: it must not move events."""
    text = ("Serbia's president said Kosovo police had attacked Serb villagers. He added that "
            "Belgrade would respond. “They must withdraw,” he told reporters.")
    events, quotes = code(coder, text)
    assert len(quotes) >= 3
    doc = Document(id="t", text=text, published="2025-04-02")
    again = coder.code_parsed(doc, coder.nlp(text))
    assert [e.to_dict() for e in events] == [e.to_dict() for e in again]


def test_cli_quotes_only_and_none(tmp_path, capsys):
    from whodid.cli import main

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "c1", "text": "Chile's president said that Bolivia "
                               "had closed the border.", "published": "2025-01-02"}) + "\n")
    assert main(["code", "--quotes", "only", str(src)]) == 0
    records = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert records and all("content" in r and "event" not in r for r in records)
    assert main(["code", "--quotes", "none", str(src)]) == 0
    records = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert records and all("event" in r for r in records)
    assert main(["code", str(src)]) == 0
    kinds = ["event" in json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert kinds == sorted(kinds, reverse=True) and not all(kinds)  # events, then quotes


def test_polnear_dev_quote_floor(coder):
    """The issue's floor on PolNeAR's development articles (read from ../shared)."""
    if not POLNEAR_DEV.exists():
        pytest.skip(f"{POLNEAR_DEV} is absent: the gold sets live in ../shared (present in CI)")
    gold = load_gold(POLNEAR_DEV)
    quotes = {d["id"]: code(coder, d["text"], d.get("published"))[1] for d in gold}
    report = score(gold, {}, quotes)["quotes"]
    assert report["F1"] >= 0.65 and report["speaker_acc"] >= 0.85, report


def test_headline_label_and_quotation_after_the_cue_phrase(coder):
    text = ("Kenyan minister: talks with Somalia will resume next week\n\n"
            "The minister ended the rally by telling the crowd, “Our border is safe.”")
    _, quotes = code(coder, text)
    label = only(quotes, ":")
    assert label["content"]["text"] == "talks with Somalia will resume next week"
    assert label["speaker"]["code"] == "KEN"
    told = only(quotes, "telling")
    assert (told["kind"], told["content"]["text"]) == ("direct", "“Our border is safe.”")


def test_the_subject_of_a_passive_cue_is_no_speaker(coder):
    _, quotes = code(coder, "Sudan was blamed on Friday for the attack on the convoy.")
    blamed = only(quotes, "blamed")
    assert blamed["content"]["text"] == "for the attack on the convoy" and blamed["speaker"] is None
