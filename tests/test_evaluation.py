"""Scoring rules of the shared data README, checked on hand-made gold and predictions.

Every expected figure is worked out by hand in a comment next to the assertion, so a
change in the scorer shows up as a disagreement with arithmetic, not with itself.
Codes like RUR/FRE/OST are invented: the scorer only compares code strings.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from whodid.measure.evaluation import evaluate_files, penta_class, score
from whodid.measure.gold import load_gold
from whodid.measure.report import format_report

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def ent(code: str | None) -> dict[str, Any]:
    return {"text": code, "code": code, "sector": None}


def gold_event(
    event: str,
    actor: Sequence[str] = (),
    recipient: Sequence[str] = (),
    s: int = 0,
    status: str | None = None,
    optional: bool = False,
) -> dict[str, Any]:
    return {
        "s": s,
        "event": event,
        "mode": None,
        "status": status,
        "actor": [ent(c) for c in actor],
        "recipient": [ent(c) for c in recipient],
        "claimant": [],
        "optional": optional,
    }


def gold_doc(doc_id: str, text: str, events: list[dict], **extra: Any) -> dict[str, Any]:
    doc = {"id": doc_id, "text": text, "published": None, "events": events, "no_event": False}
    doc.update(extra)
    return doc


def pred(
    event: str,
    actor: Sequence[str] = (),
    recipient: Sequence[str] = (),
    start: int | None = 0,
    status: str = "asserted",
    confidence: float = 0.5,
) -> dict[str, Any]:
    return {
        "event": event,
        "mode": None,
        "status": status,
        "actor": [{"entity_text": c, "code": c} for c in actor],
        "recipient": [{"entity_text": c, "code": c} for c in recipient],
        "text_info": {} if start is None else {"sequence": 0, "start": start, "end": start + 1},
        "confidence": confidence,
        "event_text": "",
    }


def sentences_of(text: str, parts: list[str]) -> list[dict[str, int]]:
    out = []
    for i, part in enumerate(parts):
        start = text.index(part)
        out.append({"i": i, "start": start, "end": start + len(part)})
    return out


# --------------------------------------------------------------------------- events


def test_optional_events_count_neither_found_nor_missed() -> None:
    text = "Ruritania accused Freedonia of spying, threatened to expel its envoy and praised Osterlich."
    gold = [
        gold_doc(
            "opt",
            text,
            [
                gold_event("ACCUSE", ["RUR"], ["FRE"]),
                gold_event("THREATEN", ["RUR"], ["FRE"], optional=True),  # found below
                gold_event("SUPPORT", ["RUR"], ["OST"], optional=True),  # missed below
            ],
        )
    ]
    preds = {
        "opt": [
            pred("ACCUSE", ["RUR"], ["FRE"]),  # TP
            pred("THREATEN", ["RUR"], ["FRE"]),  # matches the optional one: neither TP nor FP
            pred("REJECT", ["RUR"]),  # FP: no gold REJECT
        ]
    }
    r = score(gold, preds)
    assert (r["tp"], r["fp"], r["fn"]) == (1, 1, 0)
    assert r["P"] == pytest.approx(0.5)  # 1 / (1 + 1)
    assert r["R"] == pytest.approx(1.0)  # 1 / (1 + 0); the missed optional SUPPORT is no FN
    assert r["F1"] == pytest.approx(2 / 3)  # 2*1 / (2*1 + 1 + 0)
    assert r["counts"]["gold_events"] == 1
    assert r["counts"]["gold_optional"] == 2
    assert r["counts"]["optional_found"] == 1
    assert [m["event"] for m in r["false_positives"]] == ["REJECT"]
    assert r["misses"] == []
    assert set(r["per_type"]) == {"ACCUSE", "REJECT"}  # optional types leave no trace


def test_optional_and_required_gold_tie_credits_the_required_one() -> None:
    text = "Ruritania rejected the plan twice."
    gold = [
        gold_doc(
            "tie",
            text,
            [gold_event("REJECT", ["RUR"], optional=True), gold_event("REJECT", ["RUR"])],
        )
    ]
    # Both gold events share 1 code with the prediction: the non-optional one wins.
    r = score(gold, {"tie": [pred("REJECT", ["RUR"])]})
    assert (r["tp"], r["fp"], r["fn"]) == (1, 0, 0)
    assert r["counts"]["optional_found"] == 0


def test_no_event_texts_and_unannotated_texts() -> None:
    gold = [
        # no_event: every prediction is a false positive
        gold_doc("none", "The weather in Ruritania stayed mild all week.", [], no_event=True),
        # not annotated for events (no_event null, no events): not scored at all
        gold_doc("plain", "Ruritania and Freedonia signed a treaty.", [], no_event=None),
        # ConfliBERT-style: penta set and no events: 5-way only, never "no event"
        gold_doc("penta", "Freedonia shelled the border town.", [], no_event=None, penta=4),
    ]
    preds = {
        "none": [pred("AGREE", ["RUR"]), pred("PROTEST", ["RUR"])],
        "plain": [pred("AGREE", ["RUR"], ["FRE"])],
        "penta": [pred("ASSAULT", ["FRE"], confidence=0.8)],
    }
    r = score(gold, preds)
    assert (r["tp"], r["fp"], r["fn"]) == (0, 2, 0)  # only the two in the no_event text
    assert r["P"] == 0.0  # 0 / (0 + 2)
    assert r["R"] is None  # 0 / 0: nothing to find
    assert r["F1"] == 0.0  # 2*0 / (0 + 2 + 0)
    assert r["strict_F1"] == 0.0
    assert {fp["reason"] for fp in r["false_positives"]} == {"text has no event"}
    assert r["counts"]["event_docs"] == 1
    assert r["counts"]["docs_not_scored_for_events"] == 2
    assert r["penta_acc"] == 1.0  # ASSAULT -> 4 == gold 4


def test_placement_by_sentence_offsets() -> None:
    parts = [
        "Ruritania thanked Freedonia for the grain.",
        "Freedonia then sent more grain to Ruritania.",
        "Osterlich protested outside the embassy.",
    ]
    text = "  ".join(parts)  # two spaces between sentences: gaps that belong to no sentence
    sents = sentences_of(text, parts)
    gold = [
        gold_doc(
            "multi",
            text,
            [
                gold_event("SUPPORT", ["RUR"], ["FRE"], s=0),
                gold_event("AID", ["FRE"], ["RUR"], s=1),
                gold_event("PROTEST", ["OST"], s=2),
            ],
            sentences=sents,
        )
    ]
    preds = {
        "multi": [
            pred("AID", ["FRE"], ["RUR"], start=sents[1]["start"] - 1),  # gap -> sentence 1: TP
            pred("SUPPORT", ["RUR"], ["FRE"], start=sents[1]["start"] + 5),  # wrong sentence: FP
            pred("PROTEST", ["OST"], start=sents[2]["start"]),  # TP in sentence 2
            pred("AGREE", ["RUR"], start=None),  # cannot be placed: FP
        ]
    }
    r = score(gold, preds)
    assert (r["tp"], r["fp"], r["fn"]) == (2, 2, 1)
    assert r["P"] == pytest.approx(0.5)  # 2 / (2 + 2)
    assert r["R"] == pytest.approx(2 / 3)  # 2 / (2 + 1)
    assert r["F1"] == pytest.approx(4 / 7)  # 2*2 / (2*2 + 2 + 1)
    (miss,) = r["misses"]
    assert (miss["event"], miss["s"], miss["sentence"]) == ("SUPPORT", 0, parts[0])
    fps = {fp["event"]: fp for fp in r["false_positives"]}
    assert fps["SUPPORT"]["s"] == 1 and fps["SUPPORT"]["sentence"] == parts[1]
    assert fps["AGREE"]["reason"] == "not placed"
    assert r["per_type"]["SUPPORT"] == {"P": 0.0, "R": 0.0, "F1": 0.0, "tp": 0, "fp": 1, "fn": 1}


def test_strict_matching_needs_shared_actor_and_recipient_codes() -> None:
    text = "Ruritania accused, threatened, sanctioned and attacked its neighbours."
    gold = [
        gold_doc(
            "strict",
            text,
            [
                gold_event("ACCUSE", ["RUR"], ["FRE"]),
                gold_event("THREATEN", ["RUR"]),  # no recipient code: none required
                gold_event("SANCTION", ["RUR"], ["FRE"]),
                gold_event("ASSAULT"),  # no codes at all: any roles pass
            ],
        )
    ]
    preds = {
        "strict": [
            pred("ACCUSE", ["RUR"], ["OST"]),  # recipient wrong -> strict FP+FN
            pred("THREATEN", ["RUR"], ["OST"]),  # strict TP
            pred("SANCTION", ["OST"], ["FRE"]),  # actor wrong -> strict FP+FN
            pred("ASSAULT", ["OST"]),  # strict TP
        ]
    }
    r = score(gold, preds)
    assert (r["tp"], r["fp"], r["fn"]) == (4, 0, 0)
    assert r["F1"] == pytest.approx(1.0)  # type-only matching: all four found
    assert (r["strict_tp"], r["strict_fp"], r["strict_fn"]) == (2, 2, 2)
    assert r["strict_F1"] == pytest.approx(0.5)  # 2*2 / (2*2 + 2 + 2)
    # actor: gold with actor code = ACCUSE, THREATEN, SANCTION; shared in the first two
    assert r["actor_acc"] == pytest.approx(2 / 3)
    # recipient: gold with recipient code = ACCUSE (wrong), SANCTION (right)
    assert r["recipient_acc"] == pytest.approx(0.5)
    errs = {e["event"]: e for e in r["strict_errors"]}
    assert set(errs) == {"ACCUSE", "SANCTION"}
    assert errs["ACCUSE"]["predicted_recipient"] == ["OST"]


def test_same_type_twice_in_a_sentence_matches_best_overlap() -> None:
    text = "Ruritania and Freedonia accused each other of breaking the truce."
    gold = [
        gold_doc(
            "pair",
            text,
            [gold_event("ACCUSE", ["RUR"], ["FRE"]), gold_event("ACCUSE", ["FRE"], ["RUR"])],
        )
    ]
    # Shared codes: P1-G0 0, P1-G1 2, P2-G0 1, P2-G1 0. Greedy best-first: P1-G1, then P2-G0.
    # (Matching in list order would pair P1 with G0 and fail both strict checks.)
    preds = {
        "pair": [
            pred("ACCUSE", ["FRE"], ["RUR"], confidence=0.9),  # P1
            pred("ACCUSE", ["RUR"], ["OST"], confidence=0.4),  # P2
        ]
    }
    r = score(gold, preds)
    assert (r["tp"], r["fp"], r["fn"]) == (2, 0, 0)
    assert (r["strict_tp"], r["strict_fp"], r["strict_fn"]) == (1, 1, 1)  # P2-G0: recipient
    assert r["strict_F1"] == pytest.approx(0.5)  # 2*1 / (2*1 + 1 + 1)
    (err,) = r["strict_errors"]
    assert (err["actor"], err["recipient"], err["predicted_recipient"]) == (
        ["RUR"],
        ["FRE"],
        ["OST"],
    )

    # Only P1: it goes to G1 (its mirror), so G0 is the miss and strict is perfect on P1.
    r1 = score(gold, {"pair": preds["pair"][:1]})
    assert (r1["tp"], r1["fp"], r1["fn"]) == (1, 0, 1)
    assert r1["strict_F1"] == pytest.approx(2 / 3)  # 2*1 / (2*1 + 0 + 1)
    assert r1["misses"][0]["actor"] == ["RUR"]


def test_status_accuracy_over_matches_with_gold_status() -> None:
    text = "Freedonia allegedly armed rebels, Ruritania rejected talks and pledged aid."
    gold = [
        gold_doc(
            "status",
            text,
            [
                gold_event("ACCUSE", ["FRE"], status="alleged"),
                gold_event("REJECT", ["RUR"], status="asserted"),
                gold_event("AID", ["RUR"], status=None),  # no gold status: not counted
                gold_event("SUPPORT", ["RUR"], status="denied", optional=True),  # optional
                gold_event("COERCE", ["RUR"], status="asserted"),  # missed: no pair
            ],
        )
    ]
    preds = {
        "status": [
            pred("ACCUSE", ["FRE"], status="asserted"),  # wrong
            pred("REJECT", ["RUR"], status="asserted"),  # right
            pred("AID", ["RUR"], status="future"),
            pred("SUPPORT", ["RUR"], status="asserted"),
        ]
    }
    r = score(gold, preds)
    assert r["status_acc"] == pytest.approx(0.5)  # 1 right of ACCUSE, REJECT
    assert (r["tp"], r["fp"], r["fn"]) == (3, 0, 1)


def test_full_match_needs_sector_mode_and_status_besides_strict() -> None:
    text = "Freedonia police detained Ruritanian protesters and sanctioned a bank."
    detain = gold_event("COERCE", ["FRE"], ["RUR"], status="asserted")
    detain["mode"] = "arrest"
    detain["actor"] = [{"text": "police", "code": "FRE", "sector": "COP"}]
    sanction = gold_event("SANCTION", ["FRE"], status="asserted")
    accuse = gold_event("ACCUSE", ["FRE"], ["RUR"], status="alleged")
    gold = [gold_doc("full", text, [detain, sanction, accuse])]
    right = pred("COERCE", recipient=["RUR"])
    right["actor"] = [{"entity_text": "police", "code": "FRE", "sector": "COP"}]
    right["mode"] = "arrest"
    preds = {"full": [
        right,  # full: code and sector, mode and status agree
        pred("SANCTION", ["FRE"]),  # full: the gold gives no sector and no mode
        pred("ACCUSE", ["FRE"], ["RUR"], status="asserted"),  # strict, but the status differs
    ]}
    r = score(gold, preds)
    assert r["strict_F1"] == pytest.approx(1.0)
    assert r["full_F1"] == pytest.approx(2 / 3)
    right["actor"][0]["sector"] = "MIL"  # the right country, the wrong sector
    assert score(gold, preds)["full_F1"] == pytest.approx(1 / 3)
    right["actor"][0]["sector"], right["mode"] = "COP", "detain"  # the wrong mode
    assert score(gold, preds)["full_F1"] == pytest.approx(1 / 3)


# --------------------------------------------------------------------------- 5-way


def test_penta_accuracy_and_macro_f1() -> None:
    def doc(i: int, penta: int) -> dict[str, Any]:
        return gold_doc(f"p{i}", f"Sentence number {i}.", [], no_event=None, penta=penta)

    gold = [doc(1, 3), doc(2, 1), doc(3, 0), doc(4, 4), doc(5, 3)]
    preds = {
        "p1": [pred("ACCUSE", confidence=0.9), pred("AGREE", confidence=0.4)],  # 3, right
        "p2": [pred("CONSULT", confidence=0.3), pred("ASSAULT", confidence=0.8)],  # 4, wrong
        # p3: nothing -> 0, right
        "p4": [pred("PROTEST", confidence=0.6)],  # 4, right
        # p5: nothing -> 0, wrong (gold 3)
    }
    r = score(gold, preds)
    assert r["penta_acc"] == pytest.approx(0.6)  # 3 / 5
    # (gold, pred): (3,3) (1,4) (0,0) (4,4) (3,0); classes present {0,1,3,4} (2 is absent)
    # F1(0) = 2*1/(2+1+0) = 2/3   F1(1) = 0/(0+0+1) = 0
    # F1(3) = 2*1/(2+0+1) = 2/3   F1(4) = 2*1/(2+1+0) = 2/3
    # macro = (2/3 + 0 + 2/3 + 2/3) / 4 = 0.5
    assert r["penta_macroF1"] == pytest.approx(0.5)
    assert r["P"] is None and r["F1"] is None  # no text is scored for events
    assert r["counts"]["penta_docs"] == 5


def test_penta_class_picks_highest_confidence_first_on_tie() -> None:
    assert penta_class([]) == 0
    assert penta_class([pred("AID", confidence=0.5), pred("THREATEN", confidence=0.5)]) == 2
    assert penta_class([pred("AID", confidence=0.5), pred("THREATEN", confidence=0.6)]) == 3


# --------------------------------------------------------------------------- quotes

QUOTE_TEXT = (
    'The minister said that the harbour will reopen in May. Critics called the plan "reckless'
    ' and rushed". The mayor, however, insisted the works were on schedule.'
)


def span(text: str, part: str) -> list[int]:
    start = text.index(part)
    return [start, start + len(part)]


def gold_quote(source: str | None, cue: str, content: list[str]) -> dict[str, Any]:
    q: dict[str, Any] = {
        "cue": {"text": cue, "spans": [span(QUOTE_TEXT, cue)]},
        "content": {"text": " ".join(content), "spans": [span(QUOTE_TEXT, c) for c in content]},
        "has_source": source is not None,
    }
    if source:
        q["source"] = {"text": source, "spans": [span(QUOTE_TEXT, source)]}
    return q


def pred_quote(speaker: str, content: str) -> dict[str, Any]:
    s, e = span(QUOTE_TEXT, content)
    ss, se = span(QUOTE_TEXT, speaker)
    return {
        "kind": "indirect",
        "speaker": {"entity_text": speaker, "start": ss, "end": se, "code": None},
        "content": {"text": content, "start": s, "end": e},
    }


def quote_gold() -> list[dict[str, Any]]:
    quotes = [
        # content [18, 53), 35 chars; source [0, 12)
        gold_quote("The minister", "said", ["that the harbour will reopen in May"]),
        # content in two spans: "the plan" [70, 78) + the quotation [79, 100): 29 chars
        gold_quote("Critics", "called", ["the plan", '"reckless and rushed"']),
        # [131, 157), never predicted: FN
        gold_quote("The mayor", "insisted", ["the works were on schedule"]),
        {"has_source": False},  # PolNeAR has a few empty attributions: not counted
    ]
    return [gold_doc("q", QUOTE_TEXT, [], no_event=None, quotes=quotes)]


def test_quotes_content_overlap_and_speaker() -> None:
    quotes = {
        "q": [
            # [23, 53) inside gold 1: overlap 30 >= 30/2 -> match; speaker overlaps [0, 12)
            pred_quote("minister", "the harbour will reopen in May"),
            # [79, 100) inside gold 2: overlap 21 >= 21/2 -> match; speaker [102, 111) wrong
            pred_quote("The mayor", '"reckless and rushed"'),
            # [47, 62): overlap with gold 1 is "in May" = 6 < 15/2 -> no match: FP
            pred_quote("Critics", "in May. Critics"),
        ]
    }
    r = score(quote_gold(), {}, quotes)
    q = r["quotes"]
    assert (q["tp"], q["fp"], q["fn"], q["gold"], q["predicted"]) == (2, 1, 1, 3, 3)
    assert q["P"] == pytest.approx(2 / 3)  # 2 / (2 + 1)
    assert q["R"] == pytest.approx(2 / 3)  # 2 / (2 + 1)
    assert q["F1"] == pytest.approx(2 / 3)  # 2*2 / (2*2 + 1 + 1)
    assert q["speaker_acc"] == pytest.approx(0.5)  # right for gold 1, wrong for gold 2


def test_quote_overlap_threshold_is_half_of_the_shorter() -> None:
    text = "x" * 40
    gold_q = {"content": {"text": "", "spans": [[0, 10]]}, "has_source": False}
    gold = [gold_doc("t", text, [], no_event=None, quotes=[gold_q])]

    def q(start: int, end: int) -> dict[str, list[dict[str, Any]]]:
        return {"t": [{"speaker": None, "content": {"text": "", "start": start, "end": end}}]}

    assert score(gold, {}, q(5, 15))["quotes"]["tp"] == 1  # overlap 5 >= 10/2
    assert score(gold, {}, q(6, 16))["quotes"]["tp"] == 0  # overlap 4 < 10/2
    assert score(gold, {}, q(9, 40))["quotes"]["tp"] == 0  # overlap 1 < 10/2 (shorter = 10)
    assert score(gold, {}, q(0, 40))["quotes"]["tp"] == 1  # overlap 10 >= 10/2


def test_quotes_reported_plainly_when_absent() -> None:
    assert score(quote_gold(), {})["quotes"] == {"note": "no quotes produced", "gold": 3}
    assert score(quote_gold(), {}, {"q": []})["quotes"]["note"] == "no quotes produced"
    plain = [gold_doc("e", "Ruritania protested.", [gold_event("PROTEST", ["RUR"])])]
    assert score(plain, {})["quotes"] is None  # the gold has no attributions to score


# --------------------------------------------------------------------------- files


def test_load_gold_jsonl_json_and_errors(tmp_path: Path) -> None:
    good = gold_doc("a", "Ruritania protested.", [gold_event("PROTEST", ["RUR"])])
    jsonl = tmp_path / "set.jsonl"
    jsonl.write_text(json.dumps(good) + "\n\n" + json.dumps({**good, "text": "Again."}) + "\n")
    docs = load_gold(jsonl)
    assert [d["id"] for d in docs] == ["a", "a#2"]  # a repeated id is made unique

    single = tmp_path / "one.gold.json"
    single.write_text(json.dumps(good, indent=1))
    assert load_gold(single) == [good]

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(good) + "\n{not json\n")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2: invalid JSON"):
        load_gold(bad)
    notext = tmp_path / "notext.jsonl"
    notext.write_text('{"id": "x"}\n')
    with pytest.raises(ValueError, match=r"notext\.jsonl:1: .*'text'"):
        load_gold(notext)
    with pytest.raises(ValueError, match="repeated"):
        score([good, good], {})


def test_evaluate_files_with_an_injected_coder(tmp_path: Path) -> None:
    gold = [
        gold_doc("ok", "Ruritania protested.", [gold_event("PROTEST", ["RUR"])], title="T"),
        gold_doc("boom", "Freedonia attacked.", [gold_event("ASSAULT", ["FRE"])]),
        gold_doc("none", "Nothing happened.", [], no_event=True),
    ]
    path = tmp_path / "mini.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in gold))
    seen: list[dict[str, Any]] = []

    def coder(doc: dict[str, Any]) -> list[dict[str, Any]]:
        seen.append(doc)
        if doc["id"] == "boom":
            raise RuntimeError("parser fell over")
        if doc["id"] == "ok":
            return [pred("PROTEST", ["RUR"], status="asserted")]
        return [pred("AGREE", ["RUR"])]

    reports = evaluate_files([path], coder, errors=1)
    r = reports[str(path)]
    assert set(seen[0]) == {"id", "text", "published", "title"}  # gold labels not passed
    # ok: TP; boom: coded as nothing -> FN; none: FP
    assert (r["tp"], r["fp"], r["fn"]) == (1, 1, 1)
    assert r["F1"] == pytest.approx(0.5)  # 2*1 / (2*1 + 1 + 1)
    assert r["coding_errors"] == [
        {"doc_id": "boom", "error": "coding", "detail": "RuntimeError: parser fell over"}
    ]
    assert len(r["misses"]) == 1 and len(r["false_positives"]) == 1  # errors=1 keeps one each
    assert evaluate_files([path], coder)[str(path)]["misses"] == []  # errors=0 keeps none

    text = format_report("mini", r)
    assert text.splitlines()[0].startswith("mini: 3 texts, 3 scored for events")
    assert "F1 0.500" in text and "coding errors: 1" in text
    assert any(line.split()[0] == "PROTEST" for line in text.splitlines()[1:])


# --------------------------------------------------------------------------- shared data


def as_predictions(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Gold events turned into prediction records placed at their gold sentence."""
    sents = {s["i"]: s for s in doc.get("sentences") or []}
    out = []
    for ev in doc.get("events") or []:
        sent = sents.get(ev.get("s") or 0, {"start": 0, "end": len(doc["text"])})
        out.append(
            {
                **ev,
                "text_info": {"start": sent["start"], "end": sent["end"]},
                "confidence": 0.5,
            }
        )
    return out


def shared_file(rel: str) -> Path:
    path = SHARED / "data" / rel
    if not path.exists():
        pytest.skip(f"shared gold data not found at {path} (checkout without /work/shared)")
    return path


def test_real_example_gold_scores_perfectly_against_itself() -> None:
    gold = load_gold(shared_file("examples/pyongyang-wagner.gold.json"))
    r = score(gold, {d["id"]: as_predictions(d) for d in gold})
    assert r["F1"] == 1.0 and r["strict_F1"] == 1.0 and r["status_acc"] == 1.0
    n_optional = sum(bool(e.get("optional")) for e in gold[0]["events"])
    assert r["tp"] == len(gold[0]["events"]) - n_optional
    assert r["counts"]["optional_found"] == n_optional
    print(format_report("pyongyang-wagner", r))


def test_real_dev_sets_load_and_score() -> None:
    plover = load_gold(shared_file("dev/plover_gsr.jsonl"))
    r = score(plover, {d["id"]: as_predictions(d) for d in plover})
    assert r["F1"] == 1.0 and r["strict_F1"] == 1.0

    conflibert = load_gold(shared_file("dev/conflibert_cameo.jsonl"))
    r = score(conflibert, {})
    assert r["P"] is None and r["F1"] is None  # 5-way only
    assert r["counts"]["penta_docs"] == sum(d.get("penta") is not None for d in conflibert)
    assert r["penta_acc"] == pytest.approx(
        sum(d.get("penta") == 0 for d in conflibert) / r["counts"]["penta_docs"]
    )
