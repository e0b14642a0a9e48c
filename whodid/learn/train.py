"""Train the learned layer from annotated news, and measure it by cross-validation.

    python -m whodid.learn.train [--out PATH]          # what `make train` runs
    python -m whodid.learn.train --crossval 5 [--json FILE]

Training reads the gold files in ../shared (news_train, and news_dev unless told not to)
plus the project's own stand-off annotations (annotations/*.jsonl, texts read from
../shared), codes every text with the rules, and sees each sentence exactly as the
learned stage will when coding (whodid.learn.stage.collector). Cross-validation splits
news_dev by article: each fold is coded by a model trained on everything but that fold,
and the figures are over all folds together; it also fits the calibration of the shipped
model's confidences. Deterministic: the same files give the same weights."""

from __future__ import annotations

import argparse
import json
import sys
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from whodid.code.coder import Coder
from whodid.code.lexicon import load_ontology
from whodid.code.pipeline import RULE_STAGES
from whodid.learn import annotations
from whodid.learn.features import (
    TRIGGER_POS,
    SentenceView,
    actor_side,
    candidate_features,
    candidate_units,
    mention_features,
    mode_features,
    sentence_features,
    trigger_features,
)
from whodid.learn.model import CHOICE, SHIPPED, EventModel, Linear
from whodid.learn.stage import anchor, apply, collector, mode_label, status_features
from whodid.measure.evaluation import score, sentence_of
from whodid.measure.gold import load_gold
from whodid.records import Document

PROJECT = Path(__file__).resolve().parents[2]
SHARED = PROJECT.parent / "shared" / "data"
TRAIN = SHARED / "train" / "news_train.jsonl"
DEV = SHARED / "dev" / "news_dev.jsonl"
# Where the learned stage runs: after the rules have merged their events, before the coder
# remembers the sentence's actors for the next one.
AFTER = "merge"
# Decision thresholds, chosen on news_dev (cross-validated) under the condition that the
# textbook sets (PLOVER, PETRARCH-2, ConfliBERT, the demo article) lose nothing against the
# rules alone (docs/learned.md): the model adds events by the sentence's type probability
# (the sentence model's, averaged with weight `tokens` with the trigger model's best word's)
# above `add` where the rules found none, and above `add_beside` beside them (there only at
# a verb that is no rule event's trigger), or `add_beside_clause` at the verb of a clause of
# its own in a sentence of two clauses or more; drops a rule event whose trigger the
# candidate model gives less than `verify` (the sentence-level `drop` is off); revives a
# trigger the rules set aside for want of an actor above `revive`, or `revive_beside` in a
# sentence that has events; overrides the rules' participants only when surer by `margin`;
# replaces an actor the rules could not code at `replace_uncoded` (a group named by its
# kind, "rebels", at `replace_uncoded_group`); and takes the status model's status for a
# rule event where it is surer than `restatus`.
SETTINGS = {"add": 0.3, "add_beside": 0.7, "add_beside_clause": 0.45, "drop": 0.0,
            "verify": 0.18, "revive": 0.5, "revive_beside": 0.8, "margin": 0.3,
            "replace_uncoded": 0.15, "replace_uncoded_group": 0.5, "restatus": 0.5, "C": 1.0,
            "C_candidates": 0.5, "C_triggers": 0.5, "tokens": 0.5, "min_count": 2}


@dataclass
class Example:
    """One gold article, parsed, with the learned stage's view of each sentence."""

    doc: dict[str, Any]
    parsed: Any
    views: list[tuple[SentenceView, int]] = field(default_factory=list)  # (view, gold s)


def rules_coder(nlp: Any = None) -> Coder:
    return Coder(nlp, stages=list(RULE_STAGES))


def collect(coder: Coder, docs: Iterable[dict[str, Any]]) -> list[Example]:
    """Parse and code each gold article with the rules, keeping the learned stage's views."""
    out: list[Example] = []
    current: list[Example] = []

    def sink(ctx: Any, view: SentenceView) -> None:
        ex = current[0]
        ex.views.append((view, sentence_of(ctx.sent.start_char, ex.doc.get("sentences"))))

    coder.add_stage(collector(sink), after=AFTER)
    docs = list(docs)
    texts = ((d["text"], d) for d in docs)
    for parsed, doc in coder.nlp.pipe(texts, as_tuples=True, batch_size=16):
        current[:] = [Example(doc, parsed)]
        coder.code_parsed(Document(id=doc["id"], text=doc["text"],
                                   published=doc.get("published")), parsed)
        out.append(current[0])
    coder.remove_stage("collect")
    return out


def _matrix(rows: list[list[str]], min_count: float) -> tuple[Any, list[str]]:
    """The rows as a sparse 0/1 matrix (CSR) over the features seen at least `min_count`
    times, and those features' names."""
    from sklearn.feature_extraction import DictVectorizer

    # features seen once carry no evidence and only grow the shipped weights
    seen = Counter(f for r in rows for f in set(r))
    vec = DictVectorizer()
    # sorted features and indices: the solver's sums run in one order, whatever the hash seed
    X = vec.fit_transform([{f: 1 for f in sorted(set(r)) if seen[f] >= min_count}
                           for r in rows]).tocsr()
    X.sort_indices()
    return X, list(vec.feature_names_)


def _fit(rows: list[list[str]], labels: np.ndarray, names: list[str], C: float,
         softmax: bool = False, min_count: float = 2) -> Linear:
    from sklearn.linear_model import LogisticRegression

    if not rows:  # nothing to learn from (a tiny training set): no opinion either way
        return Linear([], np.zeros((0, len(names) or 1), np.float32),
                      np.zeros(len(names) or 1, np.float32), names or ["?"], softmax)
    X, features = _matrix(rows, min_count)
    if softmax and len(set(labels)) < 2:  # one status only (tiny data): a constant
        return Linear(features, np.zeros((X.shape[1], 1), np.float32),
                      np.zeros(1, np.float32), [str(labels[0])], True)
    if softmax:
        m = LogisticRegression(C=C, max_iter=3000).fit(X, labels)
        coef, intercept = m.coef_, m.intercept_
        if len(m.classes_) == 2:  # one row for the second class: the first's logit is 0
            coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.r_[0.0, intercept]
        return Linear(features, coef.T.astype(np.float32),
                      intercept.astype(np.float32), [str(c) for c in m.classes_], True)
    cols, bias = [], []
    for j in range(labels.shape[1]):
        y = labels[:, j]
        if y.min() == y.max():  # a label never (or always) seen: a constant
            cols.append(np.zeros(X.shape[1], np.float32))
            bias.append(-8.0 if y.max() == 0 else 8.0)
            continue
        m = LogisticRegression(C=C, max_iter=3000).fit(X, y)
        cols.append(m.coef_[0].astype(np.float32))
        bias.append(float(m.intercept_[0]))
    return Linear(features, np.stack(cols, 1), np.array(bias, np.float32), names)


def _fit_choice(groups: list[tuple[list[list[str]], list[bool]]], C: float,
                min_count: float = 2) -> Linear:
    """A conditional logit: one score per row, fitted so that the softmax over each group's
    rows (a gold event's mentions) puts its weight on the right ones. Groups where every row
    or none is right teach nothing and are left out."""
    from scipy.optimize import minimize

    groups = [(rows, y) for rows, y in groups if any(y) and not all(y)]
    if not groups:
        return Linear([], np.zeros((0, 1), np.float32), np.zeros(1, np.float32), [CHOICE])
    X, features = _matrix([r for rows, _ in groups for r in rows], min_count)
    right = np.array([v for _, y in groups for v in y], np.float64)
    starts = np.cumsum([0] + [len(y) for _, y in groups])[:-1]
    sizes = np.array([len(y) for _, y in groups])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = X @ w
        e = np.exp(z - np.repeat(np.maximum.reduceat(z, starts), sizes))
        total, good = np.add.reduceat(e, starts), np.add.reduceat(e * right, starts)
        # -log P(a right row), and its gradient: softmax minus the right rows' share
        grad = e / np.repeat(total, sizes) - e * right / np.repeat(good, sizes)
        return -np.log(good / total).sum() + w @ w / (2 * C), X.T @ grad + w / C

    w = minimize(loss, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B",
                 options={"maxiter": 3000}).x
    return Linear(features, w[:, None].astype(np.float32), np.zeros(1, np.float32), [CHOICE])


def _codes(ents: Any) -> set[str]:
    return {e["code"] for e in ents or [] if e.get("code")}


def _gold_types(ex: Example, optional: bool | None = None) -> dict[int, set[str]]:
    """The gold's event types by sentence: of every event, or only of the optional (True)
    or the required (False) ones."""
    gold: dict[int, set[str]] = defaultdict(set)
    for e in ex.doc["events"]:
        if optional is None or bool(e.get("optional")) == optional:
            gold[e.get("s") or 0].add(e["event"])
    return gold


def type_rows(examples: list[Example], labels: list[str]
              ) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
    """The sentence model's rows (every sentence of `examples`, in order), whether the gold
    requires each type there, and whether it has the type only as optional (one annotator
    coded it). The model learns from both; `whodid eval` scores only the required."""
    rows, required, optional = [], [], []
    for ex in examples:
        req, opt = _gold_types(ex, optional=False), _gold_types(ex, optional=True)
        for view, s in ex.views:
            rows.append(sentence_features(view))
            required.append([t in req[s] for t in labels])
            optional.append([t in opt[s] and t not in req[s] for t in labels])
    return rows, np.array(required, bool), np.array(optional, bool)


def _marked(ex: Example) -> dict[int, tuple[int, int]]:
    """Each gold event's marked trigger (the head of its span) as (sentence, token in it),
    keyed by the event's index in the article's gold; events with none marked are absent."""
    starts = [s.start for s in ex.parsed.sents]
    out = {}
    for n, e in enumerate(ex.doc["events"]):
        t = e.get("trigger") or {}
        span = None if t.get("start") is None else ex.parsed.char_span(
            t["start"], t["end"], alignment_mode="expand")
        if span is not None:
            j = bisect_right(starts, span.root.i) - 1
            out[n] = (j, span.root.i - starts[j])
    return out


def _trigger_tokens(ex: Example) -> tuple[dict[tuple[int, int], set[str]], set[int]]:
    """(sentence, token) of each gold event's marked trigger and the types it carries; and
    the gold sentences holding an event with no trigger marked."""
    marked = _marked(ex)
    out: dict[tuple[int, int], set[str]] = defaultdict(set)
    for n, e in enumerate(ex.doc["events"]):
        if n in marked:
            out[marked[n]].add(e["event"])
    unmarked = {e.get("s") or 0 for n, e in enumerate(ex.doc["events"]) if n not in marked}
    return out, unmarked


def _trigger_rows(examples: list[Example], labels: list[str]
                  ) -> tuple[list[list[str]], np.ndarray]:
    """The trigger model's rows: every word of a trigger's part of speech in the sentences
    whose events all have their trigger marked, labelled with the types it carries."""
    rows, ys = [], []
    for ex in examples:
        marked, unmarked = _trigger_tokens(ex)
        for j, (view, s) in enumerate(ex.views):
            if s in unmarked:
                continue  # a word there may carry an event nobody marked
            for k, tok in enumerate(view.toks):
                if tok.pos in TRIGGER_POS or (j, k) in marked:
                    rows.append(trigger_features(view, k))
                    ys.append([t in marked.get((j, k), ()) for t in labels])
    return rows, np.array(ys)


def _held_out_types(examples: list[Example], rows: list[list[str]], ys: np.ndarray,
                    labels: list[str], settings: dict[str, float], folds: int = 3
                    ) -> np.ndarray:
    """Each sentence's type probabilities (`rows` and `ys` from `type_rows`) from a
    sentence model fitted without its article (folds by article): the candidate model
    learns to weigh the sentence model as it will find it on unseen text, not as it fits
    its own training."""
    article = np.repeat(np.arange(len(examples)), [len(ex.views) for ex in examples])
    out = np.zeros(ys.shape, np.float64)
    for j in range(folds):
        held = article % folds == j
        if not held.any():
            continue
        model = _fit([r for r, h in zip(rows, held) if not h], ys[~held], labels,
                     settings["C"], min_count=settings["min_count"])
        out[held] = [model.proba(r) for r, h in zip(rows, held) if h]
    return out


def fit(examples: list[Example], settings: dict[str, float] | None = None) -> EventModel:
    """The layer's models from the gold of `examples`."""
    settings = dict(SETTINGS, **(settings or {}))
    C = settings["C"]
    labels = list(load_ontology())  # the event types, in the ontology's order
    rows, required, optional = type_rows(examples, labels)
    ys = required | optional
    types = _fit(rows, ys, labels, C, min_count=settings["min_count"])
    held_out = iter(_held_out_types(examples, rows, ys, labels, settings))
    cand_rows, cand_ys = [], []
    for ex in examples:
        gold = _gold_types(ex)
        for view, s in ex.views:
            probs = dict(zip(labels, next(held_out)))
            for k, t, rule in candidate_units(view):
                cand_rows.append(candidate_features(view, k, t, rule, probs[t]))
                cand_ys.append([t in gold[s]])
    candidates = _fit(cand_rows, np.array(cand_ys), ["event"], settings["C_candidates"],
                      min_count=settings["min_count"])
    trigger_rows, trigger_ys = _trigger_rows(examples, labels)
    triggers = _fit(trigger_rows, trigger_ys, labels, settings["C_triggers"],
                    min_count=settings["min_count"])
    shell = EventModel(types, types, types, types, candidates, triggers, types, settings)
    arg_rows, y_actor, st_rows, st_y, mode_rows, mode_y = [], [], [], [], [], []
    recipients: list[tuple[list[list[str]], list[bool]]] = []  # one group per gold event
    for ex in examples:
        by_s = defaultdict(list)
        for n, e in enumerate(ex.doc["events"]):
            by_s[e.get("s") or 0].append((n, e))
        marked = _marked(ex)
        for j, (view, s) in enumerate(ex.views):
            for n, e in by_s.get(s, []):
                t = e["event"]
                rule = next((r for r in view.rules if r.event == t), None)
                k = rule.trigger if rule else anchor(shell, view, labels.index(t))
                ga, gr = _codes(e.get("actor")), _codes(e.get("recipient"))
                group: tuple[list[list[str]], list[bool]] = ([], [])
                for m in view.mentions:
                    arg_rows.append(mention_features(view, m, t, k, rule))
                    y_actor.append([m.code in ga])
                    group[0].append(arg_rows[-1] + actor_side(m, t, frozenset(ga)))
                    group[1].append(m.code in gr)
                recipients.append(group)
                if e.get("status"):
                    st_rows.append(status_features(view, k, t))
                    st_y.append(e["status"])
                # the mode is read at the event's own word: where the rules have none, the
                # annotators' mark (the learned stage puts the trigger model's best word)
                mark = marked.get(n)
                km = rule.trigger if rule else mark[1] if mark and mark[0] == j else k
                mode_rows.append(mode_features(view, km, t, rule.mode if rule else None))
                mode_y.append(mode_label(t, e.get("mode")))
    # the actor as a yes/no per mention, the recipient as a choice among them: measured
    # both ways on news_dev's folds, each is the better one for its role (docs/learned.md)
    actor = _fit(arg_rows, np.array(y_actor), ["actor"], C)
    recipient = _fit_choice(recipients, C, settings["min_count"])
    status = _fit(st_rows, np.array(st_y), [], C, softmax=True)
    mode = _fit(mode_rows, np.array(mode_y), [], C, softmax=True)
    return EventModel(types, actor, recipient, status, candidates, triggers, mode, settings)


def code_with(model: EventModel | None, coder: Coder, ex: Example) -> list[dict[str, Any]]:
    """The records of one parsed article: by the rules alone, or with `model`."""
    if model is not None:
        coder.add_stage(partial(apply, model), after=AFTER)
    try:
        doc = ex.doc
        events = coder.code_parsed(Document(id=doc["id"], text=doc["text"],
                                            published=doc.get("published")), ex.parsed)
    finally:
        if model is not None:
            coder.remove_stage(coder.stage_names[coder.stage_names.index(AFTER) + 1])
    return [e.to_dict() for e in events]


def crossval(train: list[Example], dev: list[Example], folds: int, coder: Coder,
             settings: dict[str, float] | None = None) -> dict[str, Any]:
    """Figures on `dev` with each article coded by a model that never saw it."""
    predictions: dict[str, list[dict[str, Any]]] = {}
    for k in range(folds):
        held = [ex for i, ex in enumerate(dev) if i % folds == k]
        rest = [ex for i, ex in enumerate(dev) if i % folds != k]
        model = fit(train + rest, settings)
        for ex in held:
            predictions[ex.doc["id"]] = code_with(model, coder, ex)
        print(f"fold {k + 1}/{folds}: {len(held)} articles coded", file=sys.stderr)
    report = score([ex.doc for ex in dev], predictions)
    report["calibration"] = calibration([ex.doc for ex in dev], predictions)
    return report


def calibration(gold: list[dict[str, Any]], predictions: dict[str, list[dict[str, Any]]]
                ) -> dict[str, Any]:
    """How often an event of each confidence band matches a gold event of its sentence and
    type (optional ones included), and the Platt scaling that maps confidence to that."""
    pairs = []
    for doc in gold:
        have = {(e.get("s") or 0, e["event"]) for e in doc["events"]}
        for p in predictions.get(doc["id"], []):
            pos = p["text_info"]["start"]
            s = sentence_of(pos, doc.get("sentences"))
            pairs.append((float(p["confidence"]), (s, p["event"]) in have))
    conf = np.array([c for c, _ in pairs])
    hit = np.array([h for _, h in pairs], dtype=float)
    bands = []
    for lo in np.arange(0.0, 1.0, 0.1):
        sel = (conf >= lo) & (conf < lo + 0.1 + (lo >= 0.9))
        if sel.any():
            bands.append({"band": f"{lo:.1f}-{lo + 0.1:.1f}", "events": int(sel.sum()),
                          "mean_confidence": round(float(conf[sel].mean()), 3),
                          "matched": round(float(hit[sel].mean()), 3)})
    return {"bands": bands, "platt": _platt(conf, hit)}


def _platt(conf: np.ndarray, hit: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    z = np.log(np.clip(conf, 1e-6, 1 - 1e-6) / np.clip(1 - conf, 1e-6, 1))[:, None]
    m = LogisticRegression(C=100.0).fit(z, hit.astype(int))
    return float(m.coef_[0][0]), float(m.intercept_[0])


def load_examples(coder: Coder, with_dev: bool) -> tuple[list[Example], list[Example]]:
    for path in (TRAIN, DEV):
        if not path.exists():
            sys.exit(f"whodid: {path} not found: training reads the gold sets from ../shared")
    train_docs = load_gold(TRAIN)
    annotations.add_triggers(train_docs)
    train = collect(coder, train_docs + annotations.load_all(SHARED))
    dev_docs = load_gold(DEV) if with_dev else []
    annotations.add_triggers(dev_docs)
    dev = collect(coder, dev_docs)
    return train, dev


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m whodid.learn.train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help=f"where to write the weights (default {SHIPPED}; with "
                    "--holdout only when given)")
    ap.add_argument("--crossval", type=int, metavar="K", default=0,
                    help="measure by K-fold cross-validation on news_dev instead")
    ap.add_argument("--no-dev", action="store_true",
                    help="train on news_train and the annotations only")
    ap.add_argument("--holdout", action="store_true",
                    help="measure a model trained without news_dev on news_dev (one fit)")
    ap.add_argument("--json", help="write the full report of the measurement here")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help=f"change a setting (thresholds, C, min_count; defaults {SETTINGS})")
    args = ap.parse_args(argv)
    coder = rules_coder()
    train, dev = load_examples(coder, with_dev=not args.no_dev or args.crossval > 0)
    settings = dict(SETTINGS)
    for item in args.set:
        name, _, value = item.partition("=")
        if name not in SETTINGS:
            ap.error(f"--set {item}: no setting {name!r}; settings: {sorted(SETTINGS)}")
        settings[name] = float(value)
    if args.holdout:
        model = fit(train, settings)
        preds = {ex.doc["id"]: code_with(model, coder, ex) for ex in dev}
        report = score([ex.doc for ex in dev], preds)
        report["calibration"] = calibration([ex.doc for ex in dev], preds)
        if args.out:
            model.save(Path(args.out))
        return _print(report, args.json)
    report = crossval(train, dev, args.crossval or 5, coder, settings)
    a, b = report["calibration"]["platt"]
    settings.update(calib_a=round(a, 4), calib_b=round(b, 4))
    if args.crossval:
        return _print(report, args.json)
    _print(report, args.json)
    model = fit(train + ([] if args.no_dev else dev), settings)
    out = Path(args.out or SHIPPED)
    model.save(out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB); cross-validated "
          f"on news_dev: type F1 {report['F1']:.3f}, strict F1 {report['strict_F1']:.3f}")
    return 0


def _print(report: dict[str, Any], json_path: str | None) -> int:
    from whodid.measure.report import format_report

    print(format_report(str(DEV), report, max_examples=0))
    for band in report["calibration"]["bands"]:
        print(f"  confidence {band['band']}: {band['events']:4d} events, "
              f"{band['matched']:.2f} match a gold event")
    if json_path:
        Path(json_path).write_text(json.dumps(report, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
