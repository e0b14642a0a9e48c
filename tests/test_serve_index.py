"""The server's index of the store (whodid.serve.index) answers pages of events and dyads with
the answers of the store's own queries: compared, page by page, with the server run without
the index, on a store with the shapes that make the queries differ when they are wrong (an
event with several actors or both sides of one country, sides without codes, events without
dates, near-duplicates from several sources, types whose case differs), and again after a
write adds a near-duplicate to a story."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from whodid.records import Document
from whodid.serve import data, indexed
from whodid.serve import index as index_module
from whodid.serve.reader import Reader
from whodid.store.queries import EventFilter
from whodid.store.store import StoredDocument, StoreWriter

CODES = ["SRB", "KOS", "USA", "DEU", None]
SECTORS = [None, "GOV", "MIL", "cop"]
TYPES = ["ACCUSE", "AID", "REJECT", "accuse", "AGREE", "CONSULT"]
QUADS = {"ACCUSE": 3, "accuse": 3, "AID": 2, "REJECT": 3, "AGREE": 1}  # CONSULT: no quad


def _entity(rng: random.Random, n: int) -> dict:
    code = rng.choice(CODES)
    name = {"SRB": "Serbia", "KOS": "Kosovo", "USA": "United States", "DEU": "Germany"}.get(code)
    return {"entity_text": f"{name or 'some people'} {n}", "start": 0, "end": 4, "code": code,
            "sector": rng.choice(SECTORS), "name": name, "why": "test"}


def _record(rng: random.Random, doc: str, n: int) -> dict:
    kind = rng.choice(TYPES)
    actors = [_entity(rng, n) for _ in range(rng.choice([1, 1, 2]))]
    recipients = [_entity(rng, n + 1) for _ in range(rng.choice([0, 1, 1, 2]))]
    if rng.random() < 0.15:  # both sides one country
        recipients = [{**actors[-1], "entity_text": "its own government", "sector": "GOV"}]
    date = rng.choice([None, "2024-05", "2024", *(f"2024-{m:02d}-{d:02d}" for m in (1, 2, 6)
                                                 for d in (1, 7, 15, 28))])
    score = None if kind == "CONSULT" else rng.choice([-3.0, -2.5, 1.0, 7.0])
    return {"id": f"{doc}:{n}", "doc_id": doc, "event": kind,
            "mode": rng.choice([None, "allege", "deny"]),
            "status": rng.choice(["asserted", "alleged", "future"]), "quad_code": QUADS.get(kind),
            "score": score, "actor": actors,
            "recipient": recipients, "claimant": [], "trigger": {"text": "said"}, "date": date,
            "event_text": f"Words of event {n} in {doc}.", "confidence": 0.5, "why": "test"}


def _documents(rng: random.Random, first: int, count: int, stories: list[str]
               ) -> list[StoredDocument]:
    docs = []
    for i in range(first, first + count):
        dup = rng.choice(stories) if stories and rng.random() < 0.3 else None
        doc = f"doc-{i}"
        docs.append(StoredDocument(
            key=f"key-{i}", origin=f"test:{i}",
            records=[_record(rng, doc, n) for n in range(rng.randrange(0, 5))],
            doc=Document(id=doc, text=f"Text {i}.", published="2024-03-10", title=f"T{i}",
                         source=rng.choice(["Wire A", "Wire B", None])),
            duplicate_of=dup, similarity=0.9 if dup else None))
        if dup is None:
            stories.append(f"key-{i}")
    return docs


def _write(path: Path, docs: list[StoredDocument]) -> None:
    with StoreWriter(path) as store:
        run = store.begin_run("test", ["index tests"])
        store.write_batch(docs, [], "test", run)
        store.finish_run(run, {"read": len(docs)})


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("index") / "mixed.duckdb"
    rng = random.Random(5)
    stories: list[str] = []
    _write(path, _documents(rng, 0, 120, stories))
    return path


FILTERS = [
    {}, {"country": "srb"}, {"country": "USA", "unique": True}, {"actor": "serb"},
    {"actor": "KOS", "recipient": "usa"}, {"recipient": "people"}, {"sector": "COP"},
    {"sector": "gov", "country": "DEU"}, {"type": "ACCUSE"}, {"type": "accuse", "status": "alleged"},
    {"mode": "deny"}, {"since": "2024-02", "until": "2024-06-07"}, {"since": "2024-05"},
    {"actor": "nobody at all"}, {"text": "event 3"}, {"doc": "doc-7"},
]


def _same_events(fast: Reader, slow: Reader, filt: dict, sort: str | None) -> None:
    for offset in (0, 7, 500) if sort is None else (4,):
        page = data.Page(limit=9, offset=offset, sort=sort)
        got = data.event_page(fast, EventFilter(**filt), page)
        assert got == data.event_page(slow, EventFilter(**filt), page), (filt, sort, offset)


@pytest.mark.parametrize("filt", FILTERS)
def test_pages_of_events_are_the_stores_own(store, filt):
    fast, slow = Reader(store, cache_size=0), Reader(store, cache_size=0, index=False)
    for sort in (None, "-event_no", "date", "-date", "event", "-actor_code", "recipient_sector",
                 "status", "-mode", "articles", "-sources", "score", "title"):
        _same_events(fast, slow, filt, sort)
    used = indexed.event_page(fast.index, EventFilter(**filt), "-date", 9, 0)
    # the index answers every filter but words and documents (the test would pass unused)
    assert (used is None) == bool(filt.get("text") or filt.get("doc"))


@pytest.mark.parametrize("filt", FILTERS)
def test_pages_of_dyads_are_the_stores_own(store, filt):
    fast, slow = Reader(store, cache_size=0), Reader(store, cache_size=0, index=False)
    for period in ("day", "week", "month", "year"):
        for by_sector in (False, True):
            for sort, offset in ((None, 0), ("-events", 5), ("actor", 0), ("-articles", 3),
                                 ("sources", 0), ("-mean_score", 0), ("mean_score", 2),
                                 ("quad", 0), ("-quad", 1), ("-period", 0), ("-recipient", 0)):
                page = data.Page(limit=6, offset=offset, sort=sort)
                args = (EventFilter(**filt), page, period, by_sector)
                got = data.dyad_page(fast, *args)
                assert got == data.dyad_page(slow, *args), (filt, period, by_sector, sort)


@pytest.mark.parametrize("filt", [f for f in FILTERS if {"type", "mode", "status"} & set(f)]
                         + [{"type": "consult"}, {"status": "future", "country": "KOS"}])
def test_types_modes_and_statuses_as_lists_of_events(store, filt, monkeypatch):
    """A type, mode or status that few events have is read as the list of its events (every
    one here, with the share raised), else tested on each event: the same pages both ways."""
    slow = Reader(store, cache_size=0, index=False)
    for share in (0.0, 1.0):
        monkeypatch.setattr(index_module, "RARE_SHARE", share)
        fast = Reader(store, cache_size=0)
        for sort in (None, "-date", "score"):
            _same_events(fast, slow, filt, sort)
        for period, by_sector in (("month", False), ("week", True)):
            args = (EventFilter(**filt), data.Page(limit=6, offset=1, sort="-events"), period,
                    by_sector)
            assert data.dyad_page(fast, *args) == data.dyad_page(slow, *args), (filt, share)


def test_the_index_follows_a_write(tmp_path):
    """A near-duplicate written to a story raises its articles in events and dyads once the
    server is told of the write, as a POST does."""
    path = tmp_path / "w.duckdb"
    rng = random.Random(8)
    stories: list[str] = []
    _write(path, _documents(rng, 0, 30, stories))
    reader = Reader(path, writable=True, cache_size=0)
    slow = Reader.__new__(Reader)  # the same connection, asked without the index
    slow.__dict__.update(reader.__dict__)
    slow.index = None
    filt = EventFilter(country="SRB")
    before = data.event_page(reader, filt, data.Page(limit=100))
    first = next(r for r in before["rows"] if r["duplicate_of"] is None)
    story = first["doc_id"]
    copies = [StoredDocument(key=f"copy-{i}", origin="test", records=[],
                             doc=Document(id=f"copy-{i}", text="A copy.", source=f"Outlet {i}"),
                             duplicate_of=f"key-{story.split('-')[1]}", similarity=0.95)
              for i in range(2)]
    more = _documents(rng, 30, 5, stories)
    _write(path, copies + more)
    copies += [d for d in more if d.duplicate_of == f"key-{story.split('-')[1]}"]
    reader.changed()
    after = data.event_page(reader, filt, data.Page(limit=100))
    assert after == data.event_page(slow, filt, data.Page(limit=100))
    raised = [r for r in after["rows"] if r["doc_id"] == story]
    assert raised and all(r["articles"] == first["articles"] + len(copies) for r in raised)
    assert all(r["sources"] >= first["sources"] + 2 for r in raised)  # two more outlets
    assert after["total"] >= before["total"]
    for period in ("week", "year"):
        args = (EventFilter(), data.Page(limit=50), period, False)
        assert data.dyad_page(reader, *args) == data.dyad_page(slow, *args)
    reader.close()


def test_mean_scores_round_as_duckdb_rounds():
    """The dyads' mean_score is DuckDB's round(x, 2): the exact binary value rounded, halves
    away from zero (not Python's round, not round(x * 100) / 100 in doubles)."""
    import duckdb
    import numpy as np

    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(-20, 20, 5000), np.arange(-160, 160) / 8,
                        rng.integers(-4000, 4000, 5000) / 400, [9.475, 2.675, 1.005, -0.001]])
    want = duckdb.sql("SELECT round(x, 2) AS r FROM (SELECT unnest(?::DOUBLE[]) AS x)",
                      params=[x.tolist()]).fetchnumpy()["r"]
    got = indexed._round2(x)
    assert np.array_equal(got, want) and np.array_equal(np.signbit(got), np.signbit(want))


def test_a_story_counts_once_per_dyad_either_way(store):
    """A story's articles and sources count once per dyad whether its events are found as
    neighbours (a document's events stored together) or by hashing (pairs in any order)."""
    import numpy as np

    rng = np.random.default_rng(4)
    story = np.repeat(np.arange(300), rng.integers(1, 6, 300))
    group = rng.integers(0, 7, len(story))
    first = indexed._first_of_story(group, story)
    pairs = set(zip(group.tolist(), story.tolist(), strict=True))
    assert first is not None and first.sum() == len(pairs)
    assert set(zip(group[first].tolist(), story[first].tolist(), strict=True)) == pairs
    assert indexed._first_of_story(group, story, longest=2) is None  # runs of up to 5
    slow = Reader(store, cache_size=0, index=False)
    fast = Reader(store, cache_size=0)
    assert fast.index.stories_together
    fast.index.stories_together = False
    for filt in ({}, {"country": "SRB"}, {"type": "ACCUSE"}):
        for period in ("day", "month"):
            args = (EventFilter(**filt), data.Page(limit=20), period, False)
            assert data.dyad_page(fast, *args) == data.dyad_page(slow, *args)
