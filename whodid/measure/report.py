"""Printing a scoring report (whodid.measure.evaluation.score) as a compact terminal table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _fmt(x: float | None) -> str:
    return "    -" if x is None else f"{x:5.3f}"


def _example(row: Mapping[str, Any]) -> str:
    roles = f"{','.join(row['actor']) or '-'} -> {','.join(row['recipient']) or '-'}"
    sentence = " ".join(str(row.get("sentence") or "").split())
    if len(sentence) > 90:
        sentence = sentence[:87] + "..."
    return f"    {row['doc_id']}[{row['s']}] {row['event']} {roles}: {sentence}"


def format_report(name: str, report: Mapping[str, Any], max_examples: int = 10) -> str:
    """A compact terminal table: one overall line, 5-way and quote lines where scored,
    one line per type, then up to `max_examples` of the misses and false positives the
    report holds."""
    c = report.get("counts", {})
    head = (
        f"{name}: {c.get('docs', 0)} texts, {c.get('event_docs', 0)} scored for events "
        f"({c.get('no_event_docs', 0)} no-event), {c.get('gold_events', 0)} gold events "
        f"(+{c.get('gold_optional', 0)} optional, {c.get('optional_found', 0)} found), "
        f"{c.get('predicted', 0)} predicted"
    )
    overall = (
        f"  P {_fmt(report['P'])}  R {_fmt(report['R'])}  F1 {_fmt(report['F1'])}  "
        f"strict {_fmt(report['strict_F1'])}  full {_fmt(report.get('full_F1'))}  "
        f"actor {_fmt(report['actor_acc'])}  "
        f"recipient {_fmt(report['recipient_acc'])}  status {_fmt(report['status_acc'])}  "
        f"tp {report['tp']} fp {report['fp']} fn {report['fn']}"
    )
    lines = [head, overall]
    if report.get("penta_acc") is not None:
        lines.append(
            f"  5-way ({c.get('penta_docs', 0)} texts): acc {_fmt(report['penta_acc'])}  "
            f"macro-F1 {_fmt(report['penta_macroF1'])}"
        )
    q = report.get("quotes")
    if q and "note" in q:
        lines.append(f"  quotes: {q['note']} ({q.get('gold', 0)} gold attributions)")
    elif q:
        lines.append(
            f"  quotes: P {_fmt(q['P'])}  R {_fmt(q['R'])}  F1 {_fmt(q['F1'])}  "
            f"speaker {_fmt(q['speaker_acc'])}  tp {q['tp']} fp {q['fp']} fn {q['fn']}"
        )
    if report.get("coding_errors"):
        lines.append(f"  coding errors: {len(report['coding_errors'])}")
    if report.get("per_type"):
        lines.append(f"  {'type':<10} {'P':>5} {'R':>5} {'F1':>5} {'tp':>4} {'fp':>4} {'fn':>4}")
        for t, r in report["per_type"].items():
            lines.append(
                f"  {t:<10} {_fmt(r['P'])} {_fmt(r['R'])} {_fmt(r['F1'])} "
                f"{r['tp']:>4} {r['fp']:>4} {r['fn']:>4}"
            )
    for key, title in (("misses", "missed"), ("false_positives", "false positives")):
        rows = report.get(key) or []
        if rows and max_examples > 0:
            lines.append(f"  {title} ({min(len(rows), max_examples)} of {len(rows)}):")
            lines += [_example(r) for r in rows[:max_examples]]
    return "\n".join(lines)
