"""One poll of the feeds: fetch each feed (conditionally), fetch each article not seen
before, extract its text, and ingest the articles and the errors in one run.

What was seen is kept in the store file, in two tables of its own: `feed_state` (each feed's
ETag, Last-Modified, last status) and `feed_articles` (each article URL, normalised: what
came of it, the stored document's key and a hash of its text). An article is fetched once:
its URL is looked up before fetching, and a text already stored under another URL is not
stored again. A page that failed (timeout, HTTP error) is tried again by the next polls, up
to `max_tries` times in all, whether or not its feed changed; a page without article text
is not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from whodid.code.runner import CoderOptions
from whodid.feeds.fetch import PoliteClient
from whodid.feeds.parse import Entry, FeedError, parse_feed
from whodid.read.documents import Item, document_from_html
from whodid.records import Document, error_record
from whodid.store.ingest import IngestSummary, Progress, ingest
from whodid.store.store import connect, content_key, utcnow

MAX_TRIES = 3
HTML_TYPES = ("text/html", "application/xhtml+xml", "")  # "" : a server that does not say

TABLES = (
    """CREATE TABLE IF NOT EXISTS feed_state (
  feed VARCHAR PRIMARY KEY, title VARCHAR, etag VARCHAR, last_modified VARCHAR,
  last_polled TIMESTAMP, last_status INTEGER, last_error VARCHAR, failures INTEGER)""",
    """CREATE TABLE IF NOT EXISTS feed_articles (
  url VARCHAR PRIMARY KEY, feed VARCHAR, title VARCHAR, published VARCHAR,
  first_seen TIMESTAMP, last_tried TIMESTAMP, tries INTEGER, status VARCHAR, detail VARCHAR,
  doc_key VARCHAR, text_hash VARCHAR)""",
)


@dataclass
class FeedsReport:
    feeds: int = 0
    not_modified: int = 0  # answered 304
    failed_feeds: int = 0
    entries: int = 0  # entries with a link, in the feeds fetched
    seen: int = 0  # of which already handled (or listed twice)
    fetched: int = 0  # article pages fetched
    failed_pages: int = 0
    same_text: int = 0  # a text already stored under another URL
    summary: IngestSummary | None = None  # the ingest of this poll's articles and errors
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Article:
    entry: Entry
    feed: str
    status: str  # stored | failed | empty | same_text
    detail: str | None = None
    doc_key: str | None = None
    text_hash: str | None = None


def poll_feeds(feeds: Iterable[str], db: str | Path, client: PoliteClient,
               options: CoderOptions | None = None, max_tries: int = MAX_TRIES,
               progress: Progress | None = None,
               list_errors: Iterable[dict[str, Any]] = ()) -> FeedsReport:
    """Poll each feed once and store what is new; `list_errors` (bad lines of the feed
    list) are stored with this poll's errors."""
    report = FeedsReport()
    state, known, retry, hashes = _load(db, max_tries)
    items: list[tuple[str, Item]] = [(e["doc_id"], e) for e in list_errors]
    articles: dict[str, _Article] = {}
    feed_rows = []

    def fetch(feed: str, entry: Entry) -> None:
        article, item = _fetch_article(client, feed, entry, hashes)
        report.fetched += 1
        articles[entry.url] = article
        report.same_text += article.status == "same_text"
        report.failed_pages += article.status == "failed"
        if item is not None:
            items.append((entry.url, item))

    for feed in feeds:
        report.feeds += 1
        old = state.get(feed, {})
        resp = client.get(feed, old.get("etag"), old.get("last_modified"))
        row = {**old, "feed": feed, "last_polled": utcnow(), "last_status": resp.status,
               "last_error": None, "failures": 0}
        entries: list[Entry] = []
        if resp.status == 304:
            report.not_modified += 1
        else:
            try:
                if not resp.ok:
                    raise FeedError(resp.error or f"HTTP {resp.status}")
                row["title"], entries = parse_feed(resp.body, resp.url)
                row["etag"], row["last_modified"] = resp.etag, resp.last_modified
            except FeedError as exc:
                report.failed_feeds += 1
                row["last_error"], row["failures"] = str(exc), (old.get("failures") or 0) + 1
                items.append((feed, error_record(feed, "feed_failed", f"{feed}: {exc}")))
        feed_rows.append(row)
        report.entries += len(entries)
        for entry in entries:
            if entry.url in articles or (entry.url in known and entry.url not in retry):
                report.seen += 1
                continue
            retry.pop(entry.url, None)
            fetch(feed, entry)
    for entry, feed in list(retry.values()):  # failed before and not listed this time
        fetch(feed, entry)
    report.errors = [it for _, it in items if isinstance(it, dict)]
    if items:
        report.summary = ingest(items, db, options, progress=progress)
    _save(db, feed_rows, articles.values())
    return report


def _fetch_article(client: PoliteClient, feed: str, entry: Entry,
                   hashes: dict[str, str]) -> tuple[_Article, Item | None]:
    """What came of one new article, and the item to ingest (a Document, an error record,
    or None when its text is already stored)."""
    where = entry.url
    if not client.allowed(entry.url):
        detail = f"{where}: robots.txt does not allow fetching it (or could not be read)"
        return _Article(entry, feed, "failed", detail), error_record(where, "disallowed",
                                                                     detail)
    page = client.get(entry.url)
    if not page.ok:
        detail = f"{where}: {page.error or f'HTTP {page.status}'}"
        return _Article(entry, feed, "failed", detail), error_record(where, "page_failed",
                                                                         detail)
    kind = page.content_type.split(";", 1)[0].strip().lower()
    if kind not in HTML_TYPES:
        detail = f"{where}: not a web page ({kind})"
        return _Article(entry, feed, "empty", detail), error_record(where, "not_html",
                                                                        detail)
    item = document_from_html(page.body, entry.url, where, entry.published, url=entry.url)
    if not isinstance(item, Document):
        return _Article(entry, feed, "empty", item.get("detail")), item
    # the feed's date and title are the publisher's word; the page's are guessed from markup
    doc = replace(item, published=entry.published or item.published,
                  title=entry.title or item.title)
    digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:32]
    if digest in hashes:
        return _Article(entry, feed, "same_text", f"same text as {hashes[digest]}",
                        text_hash=digest), None
    hashes[digest] = entry.url
    return _Article(entry, feed, "stored", None, content_key(doc), digest), doc


def _load(db: str | Path, max_tries: int) -> tuple[dict[str, dict[str, Any]], set[str],
                                                   dict[str, tuple[Entry, str]], dict[str, str]]:
    """Feed states; the article URLs seen; those that failed fewer than `max_tries` times,
    to fetch again ({url: (entry, feed)}); {text hash: url} of the stored texts."""
    con = connect(db)
    try:
        for sql in TABLES:
            con.execute(sql)
        cur = con.execute("SELECT * FROM feed_state")
        names = [d[0] for d in cur.description]
        state = {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}
        known, retry, hashes = set(), {}, {}
        for url, feed, title, published, status, tries, digest in con.execute(
                "SELECT url, feed, title, published, status, tries, text_hash "
                "FROM feed_articles").fetchall():
            known.add(url)
            if status == "failed" and tries < max_tries:
                retry[url] = (Entry(url, title, published), feed)
            if digest and status == "stored":
                hashes[digest] = url
    finally:
        con.close()
    return state, known, retry, hashes


def _save(db: str | Path, feeds: list[dict[str, Any]], articles: Iterable[_Article]) -> None:
    now = utcnow()
    con = connect(db)
    try:
        con.execute("BEGIN")
        for row in feeds:
            con.execute(
                "INSERT OR REPLACE INTO feed_state VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [row["feed"], row.get("title"), row.get("etag"), row.get("last_modified"),
                 row["last_polled"], row["last_status"], row["last_error"], row["failures"]])
        for a in articles:
            con.execute(
                "INSERT INTO feed_articles VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET last_tried = excluded.last_tried, "
                "tries = feed_articles.tries + 1, status = excluded.status, "
                "detail = excluded.detail, doc_key = excluded.doc_key, "
                "text_hash = excluded.text_hash",
                [a.entry.url, a.feed, a.entry.title, a.entry.published, now, now, a.status,
                 a.detail, a.doc_key, a.text_hash])
        con.execute("COMMIT")
    finally:
        con.close()
