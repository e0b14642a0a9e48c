"""How well the coder places events, on the project's place annotations
(annotations/places/batch*.jsonl: news_dev events, stand-off, guide in
annotations/places/README.md).

    python -m whodid.measure.places [--gold ../shared/data/dev/news_dev.jsonl]
                                    [--annotations FILE ...]

Each annotated event is paired with the coder's event of the same type in the same
sentence (in order), else with an unpaired event of that sentence; events left without a
partner are counted as not reached. On the pairs: how often the country of the place is
right, and how often the place itself is (the same GeoNames id; where the annotation has
none, a place whose words overlap the annotated ones, in the right country). Figures are
given for all annotated events and for each set of articles ("tuning": the rules were
developed looking at them; "held-out": annotated after, looked at only as a whole for the
rules; "held-out-2": annotated last, never looked at for the rules)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from whodid.measure.evaluation import sentence_of
from whodid.measure.gold import load_gold

PROJECT = Path(__file__).resolve().parents[2]
ANNOTATIONS = sorted((PROJECT / "annotations" / "places").glob("batch*.jsonl"))
GOLD = PROJECT.parent / "shared" / "data" / "dev" / "news_dev.jsonl"

Record = dict[str, Any]


def load_annotations(paths: Sequence[Path]) -> dict[str, list[Record]]:
    """The annotated events of the files by document id, in file order."""
    by_doc: dict[str, list[Record]] = defaultdict(list)
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        rec = json.loads(line)
                        by_doc[rec["doc"]].append(rec)
                    except (json.JSONDecodeError, KeyError) as exc:
                        raise ValueError(f"{path}:{n}: not a place annotation ({exc})") from exc
    return by_doc


def pair(annotated: list[Record], events: list[Record],
         sentences: Sequence[dict[str, int]]) -> list[tuple[Record, Record | None]]:
    """Each annotated event with the coder's event of its type and sentence, else another
    unpaired event of its sentence, else None."""
    free: dict[int, list[Record]] = defaultdict(list)
    for ev in events:
        free[sentence_of(ev["text_info"]["start"], sentences)].append(ev)
    out: list[tuple[Record, Record | None]] = []
    later = []
    for ann in annotated:
        pool = free[ann["sentence"]]
        same = next((ev for ev in pool if ev["event"] == ann["type"]), None)
        if same is not None:
            pool.remove(same)
            out.append((ann, same))
        else:
            later.append(ann)
    for ann in later:
        pool = free[ann["sentence"]]
        out.append((ann, pool.pop(0) if pool else None))
    return out


def place_right(gold: Record, loc: Record) -> bool:
    if loc.get("country_code") != gold["country"]:
        return False
    if gold.get("geonameid") and loc.get("geonameid"):
        return gold["geonameid"] == loc["geonameid"]
    return loc["start"] < gold["end"] and gold["start"] < loc["end"]


def score(pairs: Iterable[tuple[Record, Record | None]]) -> dict[str, Any]:
    c: Counter[str] = Counter()
    for ann, ev in pairs:
        gold = ann["place"]
        c["events"] += 1
        c["gold placed"] += gold is not None
        if ev is None:
            c["not reached"] += 1
            c["not reached, placed"] += gold is not None
            continue
        loc = ev.get("event_loc")
        if gold is None:
            c["gold unplaced, reached"] += 1
            c["placed where the text says nowhere"] += loc is not None
            continue
        c["gold placed, reached"] += 1
        if loc is None:
            continue
        c["both placed"] += 1
        c["country right"] += loc.get("country_code") == gold["country"]
        c["place right"] += place_right(gold, loc)
    both, reached = c["both placed"], c["gold placed, reached"]
    return {
        **dict(c),
        "country accuracy": _ratio(c["country right"], both),
        "place accuracy": _ratio(c["place right"], both),
        "coverage": _ratio(both, reached),
        "country recall": _ratio(c["country right"], reached),
        "place recall": _ratio(c["place right"], reached),
        "over-placing": _ratio(c["placed where the text says nowhere"],
                               c["gold unplaced, reached"]),
    }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def evaluate(gold_path: Path, annotations: Sequence[Path],
             code: Callable[[list[Record]], Iterable[list[Record]]]) -> dict[str, Any]:
    """Code the annotated articles with `code` (documents in, each one's event records out)
    and score their places."""
    by_doc = load_annotations(annotations)
    docs = [d for d in load_gold(gold_path) if d["id"] in by_doc]
    missing = sorted(set(by_doc) - {d["id"] for d in docs})
    if missing:
        raise ValueError(f"{gold_path}: no article {missing[0]!r} of the place annotations")
    pairs = []
    for doc, events in zip(docs, code(docs), strict=True):
        pairs += pair(by_doc[doc["id"]], events, doc.get("sentences") or [])
    report = score(pairs)
    report["articles"] = len(docs)
    report["sets"] = {}
    for name in sorted({ann.get("set", "all") for ann, _ in pairs}):
        part = [(ann, ev) for ann, ev in pairs if ann.get("set", "all") == name]
        report["sets"][name] = {**score(part), "articles": len({a["doc"] for a, _ in part})}
    return report


def _coder(docs: list[Record]) -> Iterable[list[Record]]:
    from whodid.code.coder import Coder
    from whodid.records import Document

    coder = Coder()
    documents = [Document(id=d["id"], text=d["text"], published=d.get("published"))
                 for d in docs]
    for events in coder.pipe(documents):
        yield [e.to_dict() for e in events]


def format_report(r: dict[str, Any]) -> str:
    """The figures of all annotated events, then of each set (tuning: the articles the rules
    were developed on; held-out: annotated after the rules were written, never tuned on)."""
    out = [_format(r)]
    for name, part in sorted(r.get("sets", {}).items()):
        out.append(f"\n[{name}]\n" + _format(part))
    return "\n".join(out)


def _format(r: dict[str, Any]) -> str:
    lines = [(f"{r['events']} annotated events in {r['articles']} articles, "
             f"{r['gold placed']} with a place in their sentence"),
             (f"not reached by the coder (no event in their sentence): {r.get('not reached', 0)}"
             f" ({r.get('not reached, placed', 0)} with a place)"),
             (f"placed by both: {r.get('both placed', 0)} of {r.get('gold placed, reached', 0)}"
             f" reached (coverage {r['coverage']})"),
             (f"country right: {r['country accuracy']} of those placed by both "
             f"({r.get('country right', 0)}), {r['country recall']} of all reached"),
             (f"place right:   {r['place accuracy']} of those placed by both "
             f"({r.get('place right', 0)}), {r['place recall']} of all reached"),
             (f"placed where the text says nowhere: {r['over-placing']} "
             f"({r.get('placed where the text says nowhere', 0)} of "
             f"{r.get('gold unplaced, reached', 0)})")]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m whodid.measure.places", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gold", type=Path, default=GOLD, help="news_dev.jsonl (default: ../shared)")
    p.add_argument("--annotations", type=Path, nargs="+", default=ANNOTATIONS,
                   help="place annotation files (default: annotations/places/batch*.jsonl)")
    p.add_argument("--json", action="store_true", help="the figures as JSON")
    args = p.parse_args(argv)
    for path in (args.gold, *args.annotations):
        if not path.exists():
            print(f"error: {path}: no such file", file=sys.stderr)
            return 2
    report = evaluate(args.gold, args.annotations, _coder)
    print(json.dumps(report, indent=1) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
