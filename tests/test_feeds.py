"""`whodid feeds` end to end against a local HTTP server (tests/feedserver.py): fixture feeds
and pages, a feed that fails, a page that answers too late, an article listed twice, a text
already stored under another URL, and conditional requests answered with 304."""

from __future__ import annotations

import duckdb
import pytest

from tests.feedserver import FeedServer, Route, atom, page, rss
from whodid.cli import main
from whodid.feeds.fetch import PoliteClient
from whodid.feeds.parse import FeedError, normalise_url, parse_feed, read_feed_list


@pytest.fixture
def server():
    srv = FeedServer().start()
    u = srv.url
    srv.routes.update({
        "/desk.rss": Route(rss([(u("/kenya.html"), "Kenya accuses Somalia",
                                 "Sun, 01 Mar 2026 08:00:00 GMT"),
                                (u("/ghana.html"), "Ghana and Togo meet",
                                 "Tue, 03 Mar 2026 08:00:00 GMT"),
                                (u("/slow.html"), "Chile protests", "Wed, 04 Mar 2026 08:00:00 GMT")]),
                           content_type="application/rss+xml", etag='"v1"'),
        "/other.atom": Route(atom([(u("/ghana.html?utm_source=other#top"), "Ghana and Togo",
                                    "2026-03-03T09:00:00Z"),
                                   (u("/copy.html"), "Kenya accuses Somalia (copy)",
                                    "2026-03-01T10:00:00Z"),
                                   (u("/private/chile.html"), "Chile protests",
                                    "2026-03-04T10:00:00Z")]),
                             content_type="application/atom+xml",
                             last_modified="Sun, 01 Mar 2026 10:00:00 GMT"),
        "/broken.rss": Route(b"server trouble", status=500, content_type="text/plain"),
        "/kenya.html": Route(page("kenya")),
        "/ghana.html": Route(page("ghana")),
        "/copy.html": Route(page("kenya")),
        "/slow.html": Route(page("chile"), delay=3.0),
        "/robots.txt": Route(b"User-agent: whodid\nDisallow: /private/\n",
                             content_type="text/plain"),
        "/private/chile.html": Route(page("chile")),
    })
    yield srv
    srv.stop()


def _query(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_feeds_end_to_end(server, tmp_path, capsys):
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# test feeds\n{server.url('/desk.rss')}\n\n{server.url('/other.atom')}\n"
                     f"{server.url('/broken.rss')}\nnot-a-feed\n", encoding="utf-8")
    db = tmp_path / "news.duckdb"
    argv = ["feeds", str(feeds), "--db", str(db), "--timeout", "1s", "--delay", "0"]

    # first poll: the broken feed and the slow page fail, and the run goes on
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert "3 feeds (0 not modified, 1 failed)" in out
    assert "6 entries, 1 seen before, 5 fetched (2 failed, 1 same text as a stored one)" in out
    assert '"feed_failed"' in err and "HTTP 500" in err
    assert '"page_failed"' in err and "no answer within 1 s" in err
    assert '"bad_feed_url"' in err and "feeds.txt:6" in err
    assert '"disallowed"' in err and not server.hits("/private/chile.html")  # robots.txt
    assert len(server.hits("/robots.txt")) == 1
    docs = _query(db, "SELECT url, published, title, origin FROM documents ORDER BY seq")
    assert docs == [(server.url("/kenya.html"), "2026-03-01", "Kenya accuses Somalia",
                     server.url("/kenya.html")),
                    (server.url("/ghana.html"), "2026-03-03", "Ghana and Togo meet",
                     server.url("/ghana.html"))]
    # the article listed by both feeds (once with tracking and a fragment) is fetched once;
    # the copy of the Kenyan article under another URL is fetched but not stored again
    assert len(server.hits("/ghana.html")) == 1 and len(server.hits("/copy.html")) == 1
    accusations = _query(db, "SELECT actor_code, recipient_code FROM events "
                             "WHERE event = 'ACCUSE' AND doc_id LIKE '%kenya%'")
    assert ("KEN", "SOM") in accusations
    kinds = sorted(k for (k,) in _query(db, "SELECT kind FROM errors"))
    assert kinds == ["bad_feed_url", "disallowed", "feed_failed", "page_failed"]
    assert all(h["User-Agent"].startswith("whodid/") for _, h in server.requests)

    # second poll: both feeds unchanged (ETag, Last-Modified: 304); the slow page, answering
    # in time now, is tried again although no feed lists it anew
    server.routes["/slow.html"].delay = 0
    assert main(argv) == 0
    out, _ = capsys.readouterr()
    assert "3 feeds (2 not modified, 1 failed): 0 entries" in out
    assert server.hits("/desk.rss")[-1]["If-None-Match"] == '"v1"'
    assert server.hits("/other.atom")[-1]["If-Modified-Since"] == "Sun, 01 Mar 2026 10:00:00 GMT"
    assert [u for (u,) in _query(db, "SELECT url FROM documents ORDER BY seq")][-1] == \
        server.url("/slow.html")
    assert _query(db, "SELECT seen FROM errors WHERE kind = 'feed_failed'") == [(2,)]

    # third poll, feeds changed but listing nothing new: no page is fetched again
    server.routes["/desk.rss"].etag = '"v2"'
    before = len(server.requests)
    assert main(argv) == 0
    out, _ = capsys.readouterr()
    assert "3 entries, 3 seen before, 1 fetched (1 failed" in out  # robots.txt, tried again
    assert [p for p, _ in server.requests[before:]] == ["/desk.rss", "/other.atom",
                                                         "/broken.rss", "/robots.txt"]
    assert _query(db, "SELECT count(*) FROM documents") == [(3,)]


def test_a_page_fails_at_most_tries_times(server, tmp_path, capsys):
    server.routes["/desk.rss"].etag = None  # fetched whole every time
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(server.url("/desk.rss") + "\n", encoding="utf-8")
    db = tmp_path / "news.duckdb"
    server.routes["/slow.html"] = Route(b"gone", status=404, content_type="text/plain")
    for _ in range(4):
        assert main(["feeds", str(feeds), "--db", str(db), "--delay", "0", "--tries", "2"]) == 0
    capsys.readouterr()
    assert len(server.hits("/slow.html")) == 2
    assert len(server.hits("/kenya.html")) == 1


def test_polite_client_waits_between_requests_to_one_host(server):
    now = [100.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    client = PoliteClient(delay=5.0, clock=lambda: now[0], sleep=sleep)
    assert client.get(server.url("/kenya.html")).ok
    now[0] += 1.0
    assert client.get(server.url("/ghana.html")).ok
    assert slept == [pytest.approx(4.0)]
    assert client.get("ftp://example.test/x").error.startswith("not an http(s) URL")


def test_feed_parsing_and_urls(tmp_path):
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(b"<html><body>a page</body></html>", "http://example.test/feed")
    title, entries = parse_feed(atom([("/a.html", "A", "2026-03-05T09:00:00Z")]),
                                "http://example.test/feeds/other.atom")
    assert title == "Other Desk"
    assert entries[0].url == "http://example.test/a.html" and entries[0].published == "2026-03-05"
    assert normalise_url("HTTP://Example.TEST/a?id=3&utm_medium=x&fbclid=y#c") == \
        "http://example.test/a?id=3"
    listing = tmp_path / "f.txt"
    listing.write_text("https://a.test/rss\n# comment\nhttps://a.test/rss\nfile:///etc\n",
                       encoding="utf-8")
    urls, errors = read_feed_list(listing)
    assert urls == ["https://a.test/rss"]
    assert [e["error"] for e in errors] == ["bad_feed_url"]
