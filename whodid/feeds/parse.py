"""Reading the feed list and the feeds: RSS 0.9x/1.0/2.0 and Atom through feedparser."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from whodid.records import error_record

# Query parameters that only say how a reader arrived: the same article without them
TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref_src")


class FeedError(ValueError):
    """A feed that cannot be read as RSS or Atom; the message says why."""


@dataclass(frozen=True)
class Entry:
    url: str  # the article's link, normalised
    title: str | None
    published: str | None  # YYYY-MM-DD, from the entry's published (else updated) date


def normalise_url(url: str) -> str:
    """The article's URL as its key: scheme and host in lower case, no fragment, no
    tracking parameters. Two links to one article are one article."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(TRACKING)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       urlencode(query), ""))


def read_feed_list(path: str | Path) -> tuple[list[str], list[dict[str, Any]]]:
    """The feed URLs of a list file (one per line; blank lines and `#` comments skipped),
    and an error record for each line that is not an http(s) URL. A missing file raises
    OSError."""
    urls: list[str] = []
    errors: list[dict[str, Any]] = []
    text = Path(path).read_text(encoding="utf-8")
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = urlsplit(line)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            where = f"{path}:{lineno}"
            errors.append(error_record(where, "bad_feed_url",
                                       f"{where}: not an http(s) URL: {line!r}"))
        elif line not in urls:
            urls.append(line)
    return urls, errors


def parse_feed(body: bytes, url: str) -> tuple[str | None, list[Entry]]:
    """The feed's title and its entries with a link, in the feed's order. Relative links
    resolve against `url`."""
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if not parsed.entries and (parsed.bozo or not parsed.version):
        why = parsed.get("bozo_exception") or "no RSS or Atom root element"
        raise FeedError(f"not an RSS or Atom feed ({why})")
    entries = []
    for e in parsed.entries:
        link = e.get("link")
        if not link:
            continue
        stamp = e.get("published_parsed") or e.get("updated_parsed")
        published = dt.date(*stamp[:3]).isoformat() if stamp else None
        entries.append(Entry(normalise_url(link), e.get("title") or None, published))
    return parsed.feed.get("title") or None, entries
