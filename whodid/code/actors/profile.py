"""Timing the actor resolver: `python -m whodid.code.actors --help`.

Two measures: a micro-benchmark (building the tables, then N resolves of the phrase heads
of one text, uncached and cached), and `--profile N`, the resolver's share of the time of
coding the first N documents of a corpus with the whole coder (docs/actors.md, Figures).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from whodid.code.actors.phrase import INNER_DEPS
from whodid.code.actors.resolver import ActorResolver, get_resolver

SAMPLE_TEXT = (
    "US President Joe Biden met Russian Foreign Minister Sergei Lavrov in Geneva. "
    "The Kremlin said he had rejected the offer. North Korean officials accused "
    "Washington of lying, and Hamas fighters fired rockets at Israeli troops. "
    "The European Union and NATO condemned the attack on Kyiv. It was the third.")
TIMED_METHODS = ("observe", "resolve", "canonical", "new_document")


def benchmark(text: str = SAMPLE_TEXT, n: int = 10_000) -> dict[str, Any]:
    """Time building the tables, observing `text`, and `n` resolves of its noun phrase
    heads, uncached (what observe pays per phrase) and cached (what resolve pays after)."""
    from whodid.nlp import load_model

    t0 = time.perf_counter()
    ActorResolver()
    t1 = time.perf_counter()
    resolver = get_resolver()
    doc = load_model()(text)
    t2 = time.perf_counter()
    memory = resolver.new_document(doc)
    for sent in doc.sents:
        resolver.observe(sent, memory)
    t3 = time.perf_counter()
    heads = [t for t in doc if t.pos_ in ("NOUN", "PROPN", "PRON") and t.dep_ not in INNER_DEPS]
    for k in range(n):
        resolver.resolve_at(heads[k % len(heads)], memory, 0)
    t4 = time.perf_counter()
    for k in range(n):
        resolver.resolve(heads[k % len(heads)], memory)
    t5 = time.perf_counter()
    return {"keys": len(resolver), "build_s": t1 - t0, "tokens": len(doc),
            "sentences": len(list(doc.sents)), "observe_s": t3 - t2, "resolves": n,
            "heads": len(heads), "uncached_s": t4 - t3, "cached_s": t5 - t4}


def _timed(method: Callable, spent: list[float], active: list[int]) -> Callable:
    """`method`, adding its time to spent[0] unless it runs inside another timed method
    (observe calls canonical: counted once)."""
    def wrapper(*args, **kwargs):
        active[0] += 1
        t0 = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            active[0] -= 1
            if not active[0]:
                spent[0] += time.perf_counter() - t0
    return wrapper


def profile_resolution(n: int = 100, path: Path | str | None = None) -> dict[str, Any]:
    """Code the first `n` documents of a JSONL corpus (default: the bench's corpus) and
    measure the time spent inside the actor resolver (observe, resolve, canonical,
    new_document) against parsing and the whole of coding. Returns seconds and shares."""
    from whodid.code.coder import Coder  # here: loads spaCy only when profiling
    from whodid.measure.bench import default_corpus
    from whodid.records import Document

    path = Path(path) if path is not None else default_corpus()[0]
    coder = Coder()
    resolver = ActorResolver()
    spent, active = [0.0], [0]
    for name in TIMED_METHODS:
        setattr(resolver, name, _timed(getattr(resolver, name), spent, active))
    coder.resolver = resolver
    docs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if len(docs) >= n:
                break
            raw = json.loads(line)
            docs.append(Document(id=raw.get("id") or str(len(docs)), text=raw["text"],
                                 published=raw.get("published")))
    parse = code = 0.0
    tokens = events = 0
    for doc in docs:
        t0 = time.perf_counter()
        parsed = coder.parse(doc.text)
        t1 = time.perf_counter()
        events += len(coder.code_parsed(doc, parsed))
        t2 = time.perf_counter()
        parse, code, tokens = parse + t1 - t0, code + t2 - t1, tokens + len(parsed)
    return {"path": str(path), "documents": len(docs), "tokens": tokens, "events": events,
            "parse_s": parse, "code_s": code, "resolver_s": spent[0],
            "resolver_share_of_total": spent[0] / (parse + code) if parse + code else 0.0,
            "resolver_share_of_coding": spent[0] / code if code else 0.0}


def format_benchmark(r: dict[str, Any]) -> str:
    n = r["resolves"]
    return "\n".join([
        f"tables: {r['keys']} keys; ActorResolver() built in {r['build_s']:.3f} s",
        (f"observe: {r['tokens']} tokens, {r['sentences']} sentences in "
         f"{r['observe_s'] * 1000:.2f} ms"),
        (f"{n} resolves over {r['heads']} phrase heads: {r['uncached_s']:.3f} s uncached "
         f"({r['uncached_s'] / n * 1e6:.1f} µs each), {r['cached_s']:.3f} s after observe "
         f"({r['cached_s'] / n * 1e6:.1f} µs each)")])


def format_profile(r: dict[str, Any]) -> str:
    return "\n".join([
        (f"{r['documents']} documents, {r['tokens']} tokens, {r['events']} records from "
         f"{r['path']}"),
        (f"parse {r['parse_s']:.2f} s, coding after parse {r['code_s']:.2f} s, "
         f"inside the actor resolver {r['resolver_s']:.2f} s"),
        (f"resolver share: {r['resolver_share_of_total']:.1%} of parse + coding, "
         f"{r['resolver_share_of_coding']:.1%} of coding after parse")])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m whodid.code.actors",
        description="Time the actor resolver: by default, building its tables and "
                    "resolving the noun phrases of one text; with --profile N, its share "
                    "of coding the first N documents of a corpus.")
    parser.add_argument("path", nargs="?", type=Path,
                        help="with --profile: a JSONL corpus (default: the corpus of "
                             "`whodid bench`); else a text file (default: a built-in "
                             "paragraph)")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="code the first N documents with the whole coder and report "
                             "the time spent inside the resolver")
    parser.add_argument("--resolves", type=int, default=10_000, metavar="N",
                        help="resolves to time without --profile (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.profile is not None and args.profile < 1 or args.resolves < 1:
        parser.error("N must be at least 1")
    if args.path is not None and not args.path.is_file():
        parser.error(f"{args.path} is not a file")
    if args.profile is not None:
        print(format_profile(profile_resolution(args.profile, args.path)))
    else:
        text = args.path.read_text(encoding="utf-8") if args.path else SAMPLE_TEXT
        print(format_benchmark(benchmark(text, args.resolves)))
    return 0
