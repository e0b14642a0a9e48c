"""The learned layer's weights: small linear models over named features, saved as one
compressed .npz inside the package and loaded once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

SHIPPED = Path(__file__).resolve().parent / "weights" / "events.npz"


PARTS = ("types", "actor", "recipient", "status", "candidates", "triggers", "mode")
CHOICE = "choice"  # the label of a model that scores rows against each other (`Linear.choice`)


class ModelFileError(Exception):
    """The learned model's weights are missing or unreadable."""


@dataclass
class Linear:
    """A linear model over binary features: `labels` are its outputs; with `softmax` one of
    them is chosen, otherwise each is a yes/no of its own (one-vs-rest logistic). A model
    labelled [CHOICE] scores rows against each other instead (a conditional logit)."""

    names: list[str]
    weights: np.ndarray  # features x labels
    bias: np.ndarray  # labels
    labels: list[str]
    softmax: bool = False

    def __post_init__(self) -> None:
        self.index = {name: i for i, name in enumerate(self.names)}

    def logits(self, features: list[str]) -> np.ndarray:
        rows = sorted({self.index[f] for f in features if f in self.index})
        return self.weights[rows].sum(axis=0) + self.bias if rows else self.bias.copy()

    def proba(self, features: list[str]) -> np.ndarray:
        z = self.logits(features).astype(np.float64)
        if self.softmax:
            e = np.exp(z - z.max())
            return e / e.sum()
        return 1.0 / (1.0 + np.exp(-z))

    def proba_rows(self, rows: list[list[str]]) -> np.ndarray:
        """`proba` of each of `rows` (yes/no labels), in one gather over the weights."""
        idx = [sorted({self.index[f] for f in r if f in self.index}) for r in rows]
        flat = np.fromiter((i for ix in idx for i in ix), np.int64)
        z = np.tile(self.bias.astype(np.float64), (len(rows), 1))
        has = np.array([bool(ix) for ix in idx])
        if has.any():
            # reduceat over the rows that have features (an empty row's offset would repeat)
            starts = np.cumsum([0] + [len(ix) for ix in idx if ix][:-1])
            z[has] += np.add.reduceat(self.weights[flat], starts, axis=0)
        return 1.0 / (1.0 + np.exp(-z))

    def choice(self, rows: list[list[str]]) -> np.ndarray:
        """For each of `rows` (one per mention), the probability that it is the one: a
        softmax over the rows for a choice model (labels == [CHOICE]), else each row's own
        yes/no probability."""
        if self.labels != [CHOICE]:
            return np.array([self.proba(f)[0] for f in rows])
        z = np.array([self.logits(f)[0] for f in rows], np.float64)
        e = np.exp(z - z.max())
        return e / e.sum()

    def weight(self, feature: str, label: int) -> float:
        i = self.index.get(feature)
        return 0.0 if i is None else float(self.weights[i, label])


@dataclass
class EventModel:
    """Which event types a sentence reports (`types`), whether a trigger the lexicon proposed
    reports an event of its type (`candidates`), which mention is the actor (`actor`, yes/no
    for each) or the recipient (`recipient`, a choice among the sentence's mentions) of an
    event, its status (`status`), and its mode (`mode`, a softmax over "TYPE|mode" labels
    read among its type's own); `settings` holds the decision thresholds and the
    calibration of confidences."""

    types: Linear
    actor: Linear
    recipient: Linear
    status: Linear
    candidates: Linear
    triggers: Linear
    mode: Linear
    settings: dict[str, float]

    def save(self, path: Path) -> None:
        arrays: dict[str, np.ndarray] = {}
        meta: dict[str, object] = {"settings": self.settings}
        for part in PARTS:
            lin: Linear = getattr(self, part)
            arrays[f"{part}_w"] = lin.weights.astype(np.float16)
            arrays[f"{part}_b"] = lin.bias.astype(np.float32)
            meta[part] = {"names": lin.names, "labels": lin.labels, "softmax": lin.softmax}
        arrays["meta"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), np.uint8)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            np.savez_compressed(fh, **arrays)

    @classmethod
    def load(cls, path: Path) -> EventModel:
        try:
            with np.load(path) as data:
                meta = json.loads(bytes(data["meta"]).decode())
                parts = {part: Linear(meta[part]["names"],
                                      data[f"{part}_w"].astype(np.float32),
                                      data[f"{part}_b"].astype(np.float32),
                                      meta[part]["labels"], meta[part]["softmax"])
                         for part in PARTS}
        except (OSError, KeyError, ValueError) as exc:
            raise ModelFileError(f"{path}: cannot load the learned model ({exc}); "
                                 f"rebuild it with `make train`") from exc
        return cls(**parts, settings=meta["settings"])


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> EventModel:
    """The model at `path`, default the one shipped in the package; loaded once."""
    return EventModel.load(Path(path) if path else SHIPPED)
