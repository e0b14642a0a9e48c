"""A small trained sentence encoder: which event types a sentence reports, read from its
words in context. Two transformer layers (BERT-style, initialised from all-MiniLM-L6-v2 and
fine-tuned on the annotated news by `whodid.learn.finetune`), quantised to int8 and run by
ONNX Runtime, so coding needs no deep-learning library. Its probabilities are averaged with
the linear sentence model's (docs/learned.md)."""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np

HIDDEN, HEADS = 384, 12
MAX_PIECES = 64  # word pieces read per sentence, [CLS] and [SEP] included


def _is_punct(c: str) -> bool:
    o = ord(c)
    return (33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126
            or unicodedata.category(c).startswith("P"))


class WordPieces:
    """Uncased BERT word pieces of one word (lower-cased, accents stripped, punctuation
    split off, greedy longest match), cached: news repeats its words."""

    def __init__(self, vocab: list[str]):
        self.index = {w: i for i, w in enumerate(vocab)}
        self.unk, self.cls, self.sep = (self.index[t] for t in ("[UNK]", "[CLS]", "[SEP]"))
        self.cache: dict[str, list[int]] = {}

    def sentence(self, words: list[str]) -> list[int]:
        ids = [self.cls]
        for w in words:
            ids += self.word(w)
        return ids[:MAX_PIECES - 1] + [self.sep]

    def word(self, word: str) -> list[int]:
        ids = self.cache.get(word)
        if ids is None:
            ids = self.cache[word] = [i for part in self._split(word) for i in self._pieces(part)]
        return ids

    @staticmethod
    def _split(word: str) -> list[str]:
        w = unicodedata.normalize("NFD", word.lower())
        parts, cur = [], ""
        for c in w:
            if unicodedata.category(c) == "Mn":
                continue
            if c.isspace() or _is_punct(c):
                if cur:
                    parts.append(cur)
                cur = ""
                if not c.isspace():
                    parts.append(c)
            else:
                cur += c
        return parts + [cur] if cur else parts

    def _pieces(self, part: str) -> list[int]:
        if len(part) > 100:
            return [self.unk]
        out, start = [], 0
        while start < len(part):
            end = len(part)
            while end > start:
                piece = part[start:end] if start == 0 else "##" + part[start:end]
                if piece in self.index:
                    out.append(self.index[piece])
                    break
                end -= 1
            else:
                return [self.unk]
            start = end
        return out


class SentenceEncoder:
    """The encoder (an ONNX graph, int8 weights) with its vocabulary, and the event types its
    outputs stand for. Sentences run one at a time: with no padding and no batch a sentence
    always reads the same (dynamic quantisation scales by what is in the batch), and on one
    thread that is as fast as batches of similar length."""

    def __init__(self, vocab: list[str], graph: bytes, labels: list[str]):
        self.vocab, self.graph, self.labels = vocab, graph, labels
        self.pieces = WordPieces(vocab)
        self._session: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_session": None}  # a session does not pickle: rebuilt

    def session(self) -> Any:
        if self._session is None:
            import onnxruntime as ort

            opts = ort.SessionOptions()
            # one thread: a coding process is one worker of many (whodid code --processes)
            opts.intra_op_num_threads = opts.inter_op_num_threads = 1
            opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            self._session = ort.InferenceSession(self.graph, opts,
                                                 providers=["CPUExecutionProvider"])
        return self._session

    def proba(self, sentences: list[list[str]]) -> np.ndarray:
        """Per sentence (a list of its words), the probability of each type in `labels`."""
        out = np.zeros((len(sentences), len(self.labels)), np.float32)
        run = self.session().run if sentences else None
        for i, words in enumerate(sentences):
            ids = np.array([self.pieces.sentence(words)], np.int64)
            out[i] = run(None, {"ids": ids, "mask": np.ones(ids.shape, np.float32)})[0][0]
        return out

    def save_into(self, arrays: dict[str, Any]) -> None:
        """Add the encoder to `arrays` (what EventModel.save writes)."""
        arrays["enc_vocab"] = np.array(self.vocab)
        arrays["enc_graph"] = np.frombuffer(self.graph, np.uint8)

    @classmethod
    def load_from(cls, data: Any, labels: list[str]) -> SentenceEncoder | None:
        """The encoder stored in a model file, or None if it has none."""
        if "enc_graph" not in data.files:
            return None
        return cls([str(w) for w in data["enc_vocab"]], data["enc_graph"].tobytes(), labels)
