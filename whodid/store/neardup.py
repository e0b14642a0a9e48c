"""Near-duplicate documents: the same wire story republished by several outlets. Each text gets
a MinHash signature of its word shingles; a MinHash LSH index (datasketch) finds earlier texts
whose estimated Jaccard similarity reaches a threshold, so a copy can be linked to the first
one and counted once."""

from __future__ import annotations

import re

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
THRESHOLD = 0.8  # estimated Jaccard similarity of word 3-shingles
SHINGLE_WORDS = 3
SEED = 1  # fixed, so that signatures stored by one run are comparable with the next run's
SCHEME = "affine32"  # datasketch >= 2.0: 32-bit values, unbiased; fixed for the same reason

_WORD = re.compile(r"\w+")
# Permutations are drawn once and shared: drawing them for every document would cost more
# than hashing it.
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[bytes]:
    """Lower-cased word k-grams; a text shorter than k words is one shingle."""
    words = _WORD.findall(text.lower())
    if len(words) <= k:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i:i + k]).encode("utf-8") for i in range(len(words) - k + 1)}


def signature(text: str) -> MinHash:
    sig = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_TEMPLATE.permutations,
                  scheme=SCHEME)
    sig.update_batch(list(shingles(text)))
    return sig


def to_bytes(sig: MinHash) -> bytes:
    """128 x 4 bytes: the affine32 scheme's values are 32-bit."""
    return sig.hashvalues.astype(np.uint32).tobytes()


def from_bytes(data: bytes) -> MinHash:
    values = np.frombuffer(data, dtype=np.uint32).copy()
    return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=values,
                   permutations=_TEMPLATE.permutations, scheme=SCHEME)


class NearDuplicates:
    """An index of first copies. `match` gives the earliest indexed copy similar enough to a
    new text; only texts that are not themselves copies are `add`ed, so links never chain."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._signatures: dict[str, tuple[int, MinHash]] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, key: str, rank: int, sig: MinHash) -> None:
        if key not in self._signatures:
            self._lsh.insert(key, sig)
            self._signatures[key] = (rank, sig)

    def match(self, sig: MinHash) -> tuple[str, float] | None:
        """(key, estimated similarity) of the earliest first copy over the threshold."""
        best: tuple[int, str, float] | None = None
        for key in self._lsh.query(sig):
            rank, other = self._signatures[key]
            similarity = float(sig.jaccard(other))
            if similarity >= self.threshold and (best is None or rank < best[0]):
                best = (rank, key, similarity)
        return (best[1], best[2]) if best else None
