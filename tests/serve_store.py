"""A small store for the serve tests, written through the store's own writer: short reports
written for these tests (no third-party text), with hand-made records whose offsets point at
their words, so that what the server shows does not move with the coder."""

from __future__ import annotations

from pathlib import Path

from whodid.records import Document
from whodid.store.store import StoredDocument, StoreWriter

TEXTS = {
    "border": ("Serbia accused Kosovo on Tuesday of blocking the border crossing. "
               "Kosovo's interior minister rejected the accusation."),
    "border-copy": ("Serbia accused Kosovo on Tuesday of blocking the border crossing. "
                    "Kosovo's interior minister rejected the accusation."),
    "aid": "Germany pledged aid to Kosovo. Kosovo police arrested two Serbian officials.",
    "talks": "Serbia and Kosovo agreed to resume talks in Brussels, the mediator said.",
}


def _ent(text: str, words: str, code: str | None, sector: str | None, name: str | None,
         why: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return {"entity_text": words, "start": start, "end": start + len(words), "code": code,
            "sector": sector, "name": name, "why": why}


def _event(doc: str, n: int, sentence: int, event: str, trigger: str, actor: dict,
           recipient: dict | None, date: str, quad: int, score: float, why: str,
           mode: str | None = None, status: str = "asserted", claimant: dict | None = None,
           date_text: str | None = None) -> dict:
    text = TEXTS[doc]
    sents = [s for s in text.split(". ")]
    start = sum(len(s) + 2 for s in sents[:sentence])
    end = min(len(text), start + len(sents[sentence]) + 1)
    t = text.index(trigger, start)
    return {"id": f"{doc}:{sentence}:{n}", "doc_id": doc, "event": event, "mode": mode,
            "status": status, "quad_code": quad, "score": score, "cameo": None,
            "actor": [actor], "recipient": [recipient] if recipient else [],
            "claimant": [claimant] if claimant else [],
            "trigger": {"text": trigger, "start": t, "end": t + len(trigger)},
            "date": date, "date_text": date_text, "date_precision": "day",
            "event_loc": None, "text_info": {"sequence": sentence, "start": start, "end": end},
            "event_text": text[start:end], "confidence": 0.8, "why": why}


def records(doc: str) -> list[dict]:
    text = TEXTS[doc]
    if doc.startswith("border"):
        return [
            _event(doc, 0, 0, "ACCUSE", "accused",
                   _ent(text, "Serbia", "SRB", None, "Serbia", "state name 'Serbia'"),
                   _ent(text, "Kosovo", "KOS", None, "Kosovo", "state name 'Kosovo'"),
                   "2024-01-09", 3, -3.0, "verb 'accuse' -> ACCUSE; actor: subject; "
                   "recipient: dobj", mode="allege", date_text="on Tuesday"),
            _event(doc, 0, 1, "REJECT", "rejected",
                   _ent(text, "Kosovo's interior minister", "KOS", "GOV", None,
                        "title 'interior minister'; possessive 'Kosovo'"),
                   _ent(text, "Serbia", "SRB", None, "Serbia", "state name 'Serbia'"),
                   "2024-01-10", 3, -2.0, "verb 'reject' -> REJECT; actor: subject; "
                   "recipient: accuser", mode="deny"),
        ]
    if doc == "aid":
        return [
            _event(doc, 0, 0, "AID", "pledged",
                   _ent(text, "Germany", "DEU", None, "Germany", "state name 'Germany'"),
                   _ent(text, "Kosovo", "KOS", None, "Kosovo", "state name 'Kosovo'"),
                   "2024-02-14", 2, 10.0, "verb 'pledge' -> AID; actor: subject; "
                   "recipient: to-phrase", status="future"),
            _event(doc, 0, 1, "COERCE", "arrested",
                   _ent(text, "Kosovo police", "KOS", "COP", None, "sector word 'police'"),
                   _ent(text, "two Serbian officials", "SRB", "GOV", None,
                        "demonym 'Serbian'; sector word 'officials'"),
                   "2024-02-15", 4, -7.0, "verb 'arrest' -> COERCE; actor: subject; "
                   "recipient: dobj", mode="arrest"),
        ]
    return [_event(doc, 0, 0, "AGREE", "agreed",
                   _ent(text, "Serbia", "SRB", None, "Serbia", "state name 'Serbia'"),
                   _ent(text, "Kosovo", "KOS", None, "Kosovo", "state name 'Kosovo'"),
                   "2024-03-05", 1, 2.5, "verb 'agree' -> AGREE; actor: subject; "
                   "recipient: conjunct",
                   claimant=_ent(text, "the mediator", None, "MED", None, "sector word"))]


def make_store(path: Path) -> Path:
    """The store: four documents (one a near-duplicate of another), seven events."""
    docs = []
    for i, doc in enumerate(TEXTS):
        docs.append(StoredDocument(
            key=f"key-{doc}", origin=f"test:{i + 1}", records=records(doc),
            doc=Document(id=doc, text=TEXTS[doc], published="2024-03-10",
                         title=f"Report {doc}", source="Wire A" if i != 1 else "Wire B"),
            duplicate_of="key-border" if doc == "border-copy" else None,
            similarity=1.0 if doc == "border-copy" else None))
    with StoreWriter(path) as store:
        run = store.begin_run("test", ["serve tests"])
        store.write_batch(docs, [], "test", run)
        store.finish_run(run, {"read": 4, "coded": 4})
    return path
