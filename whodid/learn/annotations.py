"""The project's own annotations, kept stand-off: document ids, character offsets and labels,
never the text, which is read from ../shared when training.

    python -m whodid.learn.annotations SPLIT.jsonl ANNOTATED.jsonl... --source dev/X.jsonl \
        --out annotations/NAME.jsonl

turns annotators' output (the brief's format: spans as text, sentences by index, see
../shared/annotation/) into that form: each span becomes offsets into the article where
it is found in its sentence (else in the article; a referent named only outside the text,
as a pronoun's, keeps its code with null offsets)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
FOLDER = PROJECT / "annotations"
SIDES = ("actor", "recipient", "claimant")


def _locate(text: str, span: str | None, lo: int, hi: int) -> tuple[int | None, int | None]:
    if not span:
        return None, None
    for a, b in ((lo, hi), (0, len(text))):
        at = text.find(span, a, b)
        if at >= 0:
            return at, at + len(span)
    return None, None


def stand_off(article: dict[str, Any], annotated: dict[str, Any], source: str
              ) -> dict[str, Any]:
    """One annotated article as ids, offsets and labels."""
    text = article["text"]
    sentences = [{"i": s["i"], "start": s["start"], "end": s["end"]}
                 for s in article["sentences"]]
    events = []
    for e in annotated.get("events") or []:
        s = sentences[e["s"]]
        out: dict[str, Any] = {"s": e["s"]}
        for key in ("event", "mode", "status"):
            out[key] = e.get(key)
        for side in SIDES:
            out[side] = []
            for ent in e.get(side) or []:
                start, end = _locate(text, ent.get("text"), s["start"], s["end"])
                out[side].append({"start": start, "end": end, "code": ent.get("code"),
                                  "sector": ent.get("sector")})
        start, end = _locate(text, e.get("trigger"), s["start"], s["end"])
        out["trigger"] = {"start": start, "end": end}
        events.append(out)
    return {"id": article["id"], "source": source, "sentences": sentences, "events": events}


def add_triggers(docs: list[dict[str, Any]], folder: Path = FOLDER / "triggers") -> int:
    """Give the events of gold documents (news_train, news_dev) the trigger offsets kept
    stand-off in `folder` (one line per document: its id and, per event index, the
    trigger's character offsets or nulls), as `event["trigger"]`; returns how many got
    one. The gold sets code events by sentence; the triggers were marked afterwards, by
    reading each sentence for the word that carries each coded event."""
    by_id = {d["id"]: d for d in docs}
    found = 0
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            doc = by_id.get(row["id"])
            if doc is None:
                continue
            for k, start, end in row["triggers"]:
                doc["events"][k]["trigger"] = {"start": start, "end": end}
                found += start is not None
    return found


def load(path: Path, shared: Path) -> list[dict[str, Any]]:
    """Gold-format documents (as the scorer reads them) from a stand-off file, with the
    texts from `shared`; spans get their text back from the offsets."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    texts: dict[str, dict[str, Any]] = {}
    for source in sorted({r["source"] for r in rows}):
        with open(shared / source, encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                texts[d["id"]] = d
    docs = []
    for r in rows:
        src = texts.get(r["id"])
        if src is None:
            raise ValueError(f"{path}: document {r['id']!r} is not in {r['source']}")
        text = src["text"]
        events = []
        for e in r["events"]:
            e = dict(e, optional=False)
            for side in SIDES:
                e[side] = [dict(x, text=text[x["start"]:x["end"]] if x["start"] is not None
                                else None) for x in e[side]]
            events.append(e)
        docs.append({"id": r["id"], "text": text, "published": src.get("published"),
                     "title": src.get("title"), "sentences": r["sentences"],
                     "events": events})
    return docs


def load_all(shared: Path, folder: Path = FOLDER) -> list[dict[str, Any]]:
    """Every stand-off annotation file of the project, in name order."""
    docs: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        docs += load(path, shared)
    return docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m whodid.learn.annotations", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("split", help="the split articles the annotators were given")
    ap.add_argument("annotated", nargs="+", help="the annotators' output files")
    ap.add_argument("--source", required=True,
                    help="the articles' file, relative to ../shared/data (e.g. dev/X.jsonl)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    shared = PROJECT.parent / "shared" / "data"
    texts = {}
    with open(shared / args.source, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            texts[d["id"]] = d["text"]
    split = {}
    for line in Path(args.split).read_text("utf-8").splitlines():
        d = json.loads(line)
        split[d["id"]] = dict(d, text=texts[d["id"]])
    written = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for path in args.annotated:
            for line in Path(path).read_text("utf-8").splitlines():
                if not line.strip():
                    continue
                annotated = json.loads(line)
                out.write(json.dumps(stand_off(split[annotated["id"]], annotated, args.source),
                                     sort_keys=True) + "\n")
                written += 1
    print(f"{args.out}: {written} articles")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
