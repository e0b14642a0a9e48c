"""The learning curve of the sentence type model: would more annotation of the same kind
move event-type F1?

    python -m whodid.learn.curve [--fractions 0.25 0.5 0.75 1]

The sentence model is the learned layer's "which event types does this sentence report"
(docs/learned.md); event-type F1 is scored by sentence and type, so it is the part of the
layer that bounds that figure. For each fraction, each of `make crossval`'s folds of
news_dev fits it on that share of the fold's training articles (news_train, the project's
annotations and the other four folds) and predicts the held-out fold. The shares are nested
(each article draws one number with a fixed seed and is in every share above it), so a
larger share only adds articles. Scored as `whodid eval` scores types: a type the gold
requires is to be found, and a type only one annotator coded (optional) is neither right nor
wrong. Printed per fraction: articles trained on, and the best micro F1 over thresholds with
its precision and recall."""

from __future__ import annotations

import argparse
import random
from typing import Any

import numpy as np

from whodid.code.lexicon import load_ontology
from whodid.learn import train as T

FOLDS = 5
THRESHOLDS = np.arange(0.05, 0.9, 0.05)


def nested_share(examples: list[Any], fraction: float, seed: int = 0) -> list[Any]:
    """The articles whose draw falls under `fraction`: the same draws for every fraction,
    so a larger share holds every smaller one."""
    rnd = random.Random(seed)
    draws = [rnd.random() for _ in examples]
    return [ex for ex, u in zip(examples, draws) if u < fraction]


def best_f1(proba: np.ndarray, required: np.ndarray, optional: np.ndarray
            ) -> tuple[float, float, float, float]:
    """(F1, threshold, precision, recall) at the threshold with the best micro F1; a
    predicted type that is only optional in its sentence is left out of the count."""
    best = (0.0, float(THRESHOLDS[0]), 0.0, 0.0)
    for t in THRESHOLDS:
        said = (proba >= t) & ~optional
        tp = int((said & required).sum())
        if not said.any() or not tp:
            continue
        p, r = tp / said.sum(), tp / required.sum()
        f1 = 2 * p * r / (p + r)
        if f1 > best[0]:
            best = (float(f1), float(t), float(p), float(r))
    return best


def curve(train: list[T.Example], dev: list[T.Example], fractions: list[float],
          settings: dict[str, float] | None = None) -> list[dict[str, float]]:
    """One row per fraction: articles trained on (the last fold's), F1, threshold, P, R."""
    settings = dict(T.SETTINGS, **(settings or {}))
    labels = list(load_ontology())
    held = [T.type_rows([ex for i, ex in enumerate(dev) if i % FOLDS == k], labels)
            for k in range(FOLDS)]
    out = []
    for fraction in fractions:
        probas = []
        for k in range(FOLDS):
            pool = train + [ex for i, ex in enumerate(dev) if i % FOLDS != k]
            share = nested_share(pool, fraction)
            rows, required, optional = T.type_rows(share, labels)
            model = T._fit(rows, required | optional, labels, settings["C"],
                           min_count=settings["min_count"])
            probas.append(np.array([model.proba(r) for r in held[k][0]]))
        f1, t, p, r = best_f1(np.vstack(probas), np.vstack([h[1] for h in held]),
                              np.vstack([h[2] for h in held]))
        out.append({"fraction": fraction, "articles": len(share), "F1": f1, "threshold": t,
                    "P": p, "R": r})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m whodid.learn.curve", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fractions", type=float, nargs="+", default=[0.25, 0.5, 0.75, 1.0])
    args = ap.parse_args(argv)
    if any(not 0 < f <= 1 for f in args.fractions):
        ap.error("--fractions: each must be in (0, 1]")
    train, dev = T.load_examples(T.rules_coder(), with_dev=True)
    print("share  articles  type F1  threshold      P      R")
    for row in curve(train, dev, sorted(args.fractions)):
        print(f"{row['fraction']:5.2f}  {row['articles']:8d}  {row['F1']:7.3f}  "
              f"{row['threshold']:9.2f}  {row['P']:5.3f}  {row['R']:5.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
