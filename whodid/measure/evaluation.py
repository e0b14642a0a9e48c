"""Scoring whodid's output against gold sets.

Implements the rules of the shared data README ("How a prediction is scored") so that
every benchmark, test and CLI command measures the same thing. The coder is injected
as a callable, so this module never imports the coding pipeline.

Decisions the README leaves open, made here once:

- A text is scored for events when its gold says so: it has events, or `no_event` is
  true or false. `no_event: null` with no events (ConfliBERT, PolNeAR) means "not
  annotated for events", not "no event".
- Matching is greedy within a (sentence, type) group: candidate pairs are taken in
  order of most shared codes (actor with actor plus recipient with recipient), then
  pairs that pass the strict role test, then non-optional gold, then higher prediction
  confidence, then gold order, then prediction order. Each gold event and each
  prediction is used at most once.
- Optional gold events are left out of every figure (P/R/F1, strict, attribute
  accuracies); a prediction matched to one is neither TP nor FP.
- A prediction without `text_info.start` can only be placed in a one-sentence text;
  elsewhere it matches nothing. A start falling between gold sentences (whitespace)
  goes to the next sentence.
- Quotes are scored for a gold file when any of its texts has attributions (so an
  article with none still counts); attributions without content spans are skipped.
- Predictions are keyed by doc id, so gold ids must be unique: `load_gold` suffixes
  a repeated id with `#2`, `#3`... and `score` refuses repeats.
- Full F1 (the README's "full"): a match that is strict and also has, on each side where
  the gold gives a sector, a predicted entity with the gold's code and sector together;
  the gold's mode where it gives one; and the gold's status where it gives one.
- Ratios whose denominator is zero are None; F1 is 2tp / (2tp + fp + fn).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from whodid.measure.gold import Record, load_gold

__all__ = [
    "PENTA_CLASS",
    "evaluate_files",
    "penta_class",
    "score",
    "sentence_of",
]

# ConfliBERT 5-way classes of the README; class 0 (statement/appeal) is "no event".
PENTA_CLASS: dict[str, int] = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT"), 1),
    **dict.fromkeys(("COOPERATE", "AID", "CONCEDE", "RETREAT"), 2),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN", "SANCTION"), 3),
    **dict.fromkeys(("PROTEST", "MOBILIZE", "COERCE", "ASSAULT"), 4),
}
_TYPE_ORDER = {t: i for i, t in enumerate(PENTA_CLASS)}

Report = dict[str, Any]


# --------------------------------------------------------------------------- helpers


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _f1(tp: int, fp: int, fn: int) -> float | None:
    return _ratio(2 * tp, 2 * tp + fp + fn)


def _codes(entities: Any) -> set[str]:
    """The non-null codes of a list of entities (dicts with `code`, or bare codes)."""
    out: set[str] = set()
    for ent in entities or []:
        code = ent.get("code") if isinstance(ent, Mapping) else ent
        if isinstance(code, str) and code:
            out.add(code)
    return out


def sentence_of(pos: Any, sentences: Sequence[Mapping[str, int]]) -> int | None:
    """Index of the gold sentence holding character `pos` (README: placement by
    `text_info.start`); None when it cannot be placed."""
    if not sentences:
        return 0
    if not isinstance(pos, int):
        return None
    for sent in sentences:
        if sent["start"] <= pos < sent["end"]:
            return sent["i"]
    for sent in sentences:  # in the whitespace between sentences: the one that follows
        if pos < sent["start"]:
            return sent["i"]
    return sentences[-1]["i"]


def _sentence_text(doc: Mapping[str, Any], s: int | None) -> str:
    for sent in doc.get("sentences") or []:
        if sent["i"] == s:
            return doc["text"][sent["start"] : sent["end"]]
    return doc["text"] if s == 0 and not doc.get("sentences") else ""


def _event_annotated(doc: Mapping[str, Any]) -> bool:
    return bool(doc.get("events")) or doc.get("no_event") is not None


def penta_class(events: Iterable[Mapping[str, Any]]) -> int:
    """5-way class of a text's coding: that of its highest-confidence event (first on a
    tie), 0 when it has none."""
    best: tuple[float, int] | None = None
    for ev in events:
        cls = PENTA_CLASS.get(ev.get("event") or "")
        if cls is None:
            continue
        conf = float(ev.get("confidence") or 0.0)
        if best is None or conf > best[0]:
            best = (conf, cls)
    return best[1] if best else 0


# --------------------------------------------------------------------------- events


def _match_sentence_type(
    golds: list[tuple[int, Record]], preds: list[tuple[int, Record]]
) -> list[tuple[int, int]]:
    """Greedy one-to-one assignment within one (sentence, type) group; returns
    (gold index, prediction index) pairs. Order: see the module docstring."""
    pairs = []
    for gi, gold in golds:
        ga, gr = _codes(gold.get("actor")), _codes(gold.get("recipient"))
        for pi, pred in preds:
            pa, pr = _codes(pred.get("actor")), _codes(pred.get("recipient"))
            shared = len(ga & pa) + len(gr & pr)
            strict = (not ga or bool(ga & pa)) and (not gr or bool(gr & pr))
            conf = float(pred.get("confidence") or 0.0)
            key = (-shared, not strict, bool(gold.get("optional")), -conf, gi, pi)
            pairs.append((key, gi, pi))
    pairs.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


def _coded_sectors(entities: Any) -> set[tuple[str, str]]:
    return {(e["code"], e["sector"]) for e in entities or []
            if isinstance(e, Mapping) and e.get("code") and e.get("sector")}


def _full(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    """The rest of a full match, once strict: code and sector together on each side where
    the gold gives a sector, the mode where it gives one, and the status."""
    for side in ("actor", "recipient"):
        want = _coded_sectors(gold.get(side))
        if want and not want & {(e.get("code"), e.get("sector")) for e in pred.get(side) or []
                                if isinstance(e, Mapping)}:
            return False
    if gold.get("mode") and pred.get("mode") != gold.get("mode"):
        return False
    return gold.get("status") is None or pred.get("status") == gold.get("status")


def _gold_row(doc: Mapping[str, Any], gold: Mapping[str, Any]) -> Record:
    s = gold.get("s") or 0
    return {
        "doc_id": doc["id"],
        "s": s,
        "sentence": _sentence_text(doc, s),
        "event": gold.get("event"),
        "actor": sorted(_codes(gold.get("actor"))),
        "recipient": sorted(_codes(gold.get("recipient"))),
    }


def _pred_row(doc: Mapping[str, Any], pred: Mapping[str, Any], s: int | None, why: str) -> Record:
    return {
        "doc_id": doc["id"],
        "s": s,
        "sentence": _sentence_text(doc, s) if s is not None else pred.get("event_text", ""),
        "event": pred.get("event"),
        "actor": sorted(_codes(pred.get("actor"))),
        "recipient": sorted(_codes(pred.get("recipient"))),
        "trigger": (pred.get("trigger") or {}).get("text"),
        "confidence": pred.get("confidence"),
        "reason": why,
    }


class _Tally:
    """Running counts for the event figures of one gold file."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0
        self.strict_tp = self.strict_fp = self.strict_fn = 0
        self.full_tp = self.full_fp = self.full_fn = 0
        self.per_type: dict[str, Counter[str]] = defaultdict(Counter)
        self.side = {"actor": [0, 0], "recipient": [0, 0]}  # [shared, total]
        self.status = [0, 0]  # [equal, total]
        self.optional_found = 0
        self.misses: list[Record] = []
        self.false_positives: list[Record] = []
        self.strict_errors: list[Record] = []

    def false_positive(self, row: Record) -> None:
        self.fp += 1
        self.strict_fp += 1
        self.full_fp += 1
        self.per_type[row["event"]]["fp"] += 1
        self.false_positives.append(row)

    def miss(self, row: Record) -> None:
        self.fn += 1
        self.strict_fn += 1
        self.full_fn += 1
        self.per_type[row["event"]]["fn"] += 1
        self.misses.append(row)

    def match(
        self, doc: Mapping[str, Any], gold: Mapping[str, Any], pred: Mapping[str, Any]
    ) -> None:
        if gold.get("optional"):
            self.optional_found += 1
            return
        self.tp += 1
        self.per_type[gold.get("event")]["tp"] += 1
        strict = True
        for side in ("actor", "recipient"):
            gcodes = _codes(gold.get(side))
            if gcodes:
                ok = bool(gcodes & _codes(pred.get(side)))
                self.side[side][0] += ok
                self.side[side][1] += 1
                strict = strict and ok
        if strict:
            self.strict_tp += 1
        else:
            self.strict_fp += 1
            self.strict_fn += 1
            row = _gold_row(doc, gold)
            row["predicted_actor"] = sorted(_codes(pred.get("actor")))
            row["predicted_recipient"] = sorted(_codes(pred.get("recipient")))
            self.strict_errors.append(row)
        if gold.get("status") is not None:
            self.status[0] += pred.get("status") == gold.get("status")
            self.status[1] += 1
        if strict and _full(gold, pred):
            self.full_tp += 1
        else:
            self.full_fp += 1
            self.full_fn += 1

    def score_doc(self, doc: Mapping[str, Any], preds: Sequence[Mapping[str, Any]]) -> None:
        golds = list(enumerate(doc.get("events") or []))
        sentences = doc.get("sentences") or []
        placed = [sentence_of((p.get("text_info") or {}).get("start"), sentences) for p in preds]
        if doc.get("no_event"):
            for p, s in zip(preds, placed):
                self.false_positive(_pred_row(doc, p, s, "text has no event"))
            for _, g in golds:  # a contradiction in the gold; count it rather than hide it
                if not g.get("optional"):
                    self.miss(_gold_row(doc, g))
            return
        groups_g: dict[tuple[int, str], list[tuple[int, Record]]] = defaultdict(list)
        groups_p: dict[tuple[int, str], list[tuple[int, Record]]] = defaultdict(list)
        for gi, g in golds:
            groups_g[(g.get("s") or 0, g.get("event"))].append((gi, g))
        for pi, (p, s) in enumerate(zip(preds, placed)):
            if s is not None:
                groups_p[(s, p.get("event"))].append((pi, p))
        matched_g: set[int] = set()
        matched_p: set[int] = set()
        for key, gs in groups_g.items():
            for gi, pi in _match_sentence_type(gs, groups_p.get(key, [])):
                matched_g.add(gi)
                matched_p.add(pi)
                self.match(doc, golds[gi][1], preds[pi])
        for gi, g in golds:
            if gi not in matched_g and not g.get("optional"):
                self.miss(_gold_row(doc, g))
        for pi, (p, s) in enumerate(zip(preds, placed)):
            if pi not in matched_p:
                why = "no gold event of this type here" if s is not None else "not placed"
                self.false_positive(_pred_row(doc, p, s, why))

    def per_type_report(self) -> dict[str, Record]:
        out = {}
        for t in sorted(self.per_type, key=lambda t: (_TYPE_ORDER.get(t, 99), str(t))):
            c = self.per_type[t]
            tp, fp, fn = c["tp"], c["fp"], c["fn"]
            out[t] = {
                "P": _ratio(tp, tp + fp),
                "R": _ratio(tp, tp + fn),
                "F1": _f1(tp, fp, fn),
                "tp": tp,
                "fp": fp,
                "fn": fn,
            }
        return out


# --------------------------------------------------------------------------- penta


def _penta(pairs: list[tuple[int, int]]) -> tuple[float | None, float | None]:
    """Accuracy and macro-F1 over the classes present in gold or predicted."""
    if not pairs:
        return None, None
    acc = sum(g == p for g, p in pairs) / len(pairs)
    f1s = []
    for cls in sorted({c for pair in pairs for c in pair}):
        tp = sum(g == cls and p == cls for g, p in pairs)
        fp = sum(g != cls and p == cls for g, p in pairs)
        fn = sum(g == cls and p != cls for g, p in pairs)
        f1s.append(_f1(tp, fp, fn) or 0.0)
    return acc, sum(f1s) / len(f1s)


# --------------------------------------------------------------------------- quotes


def _gold_spans(part: Any) -> list[tuple[int, int]]:
    if not isinstance(part, Mapping):
        return []
    return [(int(a), int(b)) for a, b in part.get("spans") or [] if b > a]


def _pred_spans(part: Any) -> list[tuple[int, int]]:
    if not isinstance(part, Mapping):
        return []
    if part.get("spans"):
        return _gold_spans(part)
    start, end = part.get("start"), part.get("end")
    return [(start, end)] if isinstance(start, int) and isinstance(end, int) and end > start else []


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _length(spans: list[tuple[int, int]]) -> int:
    return sum(e - s for s, e in spans)


def _score_quotes(
    gold_docs: Sequence[Mapping[str, Any]], quotes: Mapping[str, Sequence[Mapping[str, Any]]] | None
) -> Record | None:
    """Quote figures: content overlap >= half the shorter matches (greedy, largest
    overlap first); speaker correct when the speaker spans overlap."""
    if not any(doc.get("quotes") for doc in gold_docs):
        return None
    gold_total = sum(
        1 for doc in gold_docs for q in doc.get("quotes") or [] if _gold_spans(q.get("content"))
    )
    quotes = quotes or {}
    if not any(quotes.get(doc["id"]) for doc in gold_docs):
        return {"note": "no quotes produced", "gold": gold_total}
    tp = n_pred = speaker_ok = speaker_n = 0
    for doc in gold_docs:
        golds = []
        for q in doc.get("quotes") or []:
            content = _gold_spans(q.get("content")) + _gold_spans(q.get("content2"))
            if content:
                golds.append((content, _gold_spans(q.get("source"))))
        preds = [
            (_pred_spans(q.get("content")), _pred_spans(q.get("speaker")))
            for q in quotes.get(doc["id"]) or []
        ]
        n_pred += len(preds)
        pairs = []
        for gi, (gc, _) in enumerate(golds):
            for pi, (pc, _) in enumerate(preds):
                ov = _overlap(gc, pc)
                if pc and ov > 0 and 2 * ov >= min(_length(gc), _length(pc)):
                    pairs.append((-ov, gi, pi))
        pairs.sort()
        used_g: set[int] = set()
        used_p: set[int] = set()
        for _, gi, pi in pairs:
            if gi in used_g or pi in used_p:
                continue
            used_g.add(gi)
            used_p.add(pi)
            tp += 1
            gold_source = golds[gi][1]
            if gold_source:
                speaker_n += 1
                speaker_ok += _overlap(gold_source, preds[pi][1]) > 0
    fp, fn = n_pred - tp, gold_total - tp
    return {
        "P": _ratio(tp, tp + fp),
        "R": _ratio(tp, tp + fn),
        "F1": _f1(tp, fp, fn),
        "speaker_acc": _ratio(speaker_ok, speaker_n),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "gold": gold_total,
        "predicted": n_pred,
    }


# --------------------------------------------------------------------------- scoring


def score(
    gold_docs: list[Record],
    predictions: Mapping[str, list[Record]],
    quotes: Mapping[str, list[Record]] | None = None,
) -> Report:
    """Score one gold set. `predictions` (and `quotes`) map doc id -> records in the
    SCHEMA.md formats; gold texts absent from them count as coded with nothing."""
    repeated = [i for i, n in Counter(d["id"] for d in gold_docs).items() if n > 1]
    if repeated:
        raise ValueError(f"gold ids must be unique to key predictions; repeated: {repeated[:5]}")
    tally = _Tally()
    penta_pairs: list[tuple[int, int]] = []
    counts: Counter[str] = Counter(docs=len(gold_docs))
    for doc in gold_docs:
        preds = list(predictions.get(doc["id"]) or [])
        if doc.get("penta") is not None:
            counts["penta_docs"] += 1
            penta_pairs.append((int(doc["penta"]), penta_class(preds)))
        if not _event_annotated(doc):
            counts["docs_not_scored_for_events"] += 1
            continue
        counts["event_docs"] += 1
        counts["no_event_docs"] += bool(doc.get("no_event"))
        for g in doc.get("events") or []:
            counts["gold_optional" if g.get("optional") else "gold_events"] += 1
        counts["predicted"] += len(preds)
        tally.score_doc(doc, preds)
    counts["optional_found"] = tally.optional_found
    scored = counts["event_docs"] > 0
    penta_acc, penta_f1 = _penta(penta_pairs)
    return {
        "P": _ratio(tally.tp, tally.tp + tally.fp) if scored else None,
        "R": _ratio(tally.tp, tally.tp + tally.fn) if scored else None,
        "F1": _f1(tally.tp, tally.fp, tally.fn) if scored else None,
        "strict_F1": _f1(tally.strict_tp, tally.strict_fp, tally.strict_fn) if scored else None,
        "full_F1": _f1(tally.full_tp, tally.full_fp, tally.full_fn) if scored else None,
        "actor_acc": _ratio(*tally.side["actor"]),
        "recipient_acc": _ratio(*tally.side["recipient"]),
        "status_acc": _ratio(*tally.status),
        "penta_acc": penta_acc,
        "penta_macroF1": penta_f1,
        "tp": tally.tp,
        "fp": tally.fp,
        "fn": tally.fn,
        "strict_tp": tally.strict_tp,
        "strict_fp": tally.strict_fp,
        "strict_fn": tally.strict_fn,
        "counts": dict(counts),
        "per_type": tally.per_type_report(),
        "quotes": _score_quotes(gold_docs, quotes),
        "misses": tally.misses,
        "false_positives": tally.false_positives,
        "strict_errors": tally.strict_errors,
    }


# --------------------------------------------------------------------------- running


def evaluate_files(
    paths: Iterable[str | Path],
    code_document: Callable[[Record], list[Record]],
    errors: int = 0,
) -> dict[str, Report]:
    """Code every gold text with `code_document` and score each file; keyed by path.

    The callable gets an input document (id, text, published, title) and returns
    records: event records, and optionally quote records (with `content`) and error
    records (with `error`), told apart by their keys. An exception from it never stops
    the run: it becomes an error record in the report's `coding_errors` and the text
    counts as coded with nothing. `errors` is how many misses, false positives and
    strict errors each report keeps for error analysis (0 keeps none)."""
    from whodid.progress import progress

    reports: dict[str, Report] = {}
    for path in paths:
        gold = load_gold(path)
        events: dict[str, list[Record]] = {}
        quotes: dict[str, list[Record]] = {}
        failures: list[Record] = []
        for doc in progress(iterable=gold, desc=f"eval {Path(path).name}"):
            inp = {k: doc[k] for k in ("id", "text", "published", "title") if k in doc}
            try:
                records = list(code_document(inp))
            except Exception as exc:  # noqa: BLE001 - one bad text must not end the run
                failures.append(
                    {
                        "doc_id": doc["id"],
                        "error": "coding",
                        "detail": f"{type(exc).__name__}: {exc}",
                    }
                )
                records = []
            events[doc["id"]] = [r for r in records if "event" in r]
            quotes[doc["id"]] = [r for r in records if "content" in r and "event" not in r]
            failures += [r for r in records if "error" in r and "event" not in r]
        report = score(gold, events, quotes if any(quotes.values()) else None)
        for key in ("misses", "false_positives", "strict_errors"):
            report[key] = report[key][: max(errors, 0)]
        report["coding_errors"] = failures
        reports[str(path)] = report
    return reports
