"""A polite HTTP client for feeds and pages: a User-Agent that names whodid, a timeout on
every request and on the whole download, a size limit, at most one request per host every
`delay` seconds, conditional requests (ETag, Last-Modified) so that an unchanged feed costs
a 304 and no body, and each site's robots.txt obeyed for the pages it fetches."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from whodid.version import __version__

USER_AGENT = f"whodid/{__version__} (news event coder)"  # --user-agent adds a contact
MAX_BYTES = 20_000_000  # the most a page may take: trafilatura's own ceiling
CHUNK = 65536
ROBOTS_TTL = 86400.0  # seconds a site's robots.txt is kept before it is read again


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200, 304, ...; 0 when no answer came (timeout, refused, bad URL)
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    error: str | None = None  # why it failed, for the error record

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200


class PoliteClient:
    def __init__(self, timeout: float = 20.0, delay: float = 1.0, max_bytes: int = MAX_BYTES,
                 user_agent: str = USER_AGENT,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.timeout, self.delay, self.max_bytes = timeout, delay, max_bytes
        self.user_agent = user_agent
        self.clock, self.sleep = clock, sleep
        self._last: dict[str, float] = {}  # host -> when its last request started
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets this User-Agent fetch `url`. As RFC 9309 says:
        no robots.txt (4xx) allows everything; a server error or no answer allows nothing,
        for now (asked again at the next poll)."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        now = self.clock()
        cached = self._robots.get(site)
        if cached is None or now - cached[0] > ROBOTS_TTL:
            resp = self.get(site + "/robots.txt")
            rules: urllib.robotparser.RobotFileParser | None = None
            if resp.ok:
                rules = urllib.robotparser.RobotFileParser()
                rules.parse(resp.body.decode("utf-8", "replace").splitlines())
            elif 400 <= resp.status < 500:
                rules = urllib.robotparser.RobotFileParser()
                rules.allow_all = True
            if rules is None:  # not remembered: the next poll asks again
                return False
            cached = self._robots[site] = (now, rules)
        rules = cached[1]
        return rules is not None and rules.can_fetch(self.user_agent, url)

    def _wait_for(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = self.delay - (self.clock() - last)
            if wait > 0:
                self.sleep(wait)
        self._last[host] = self.clock()

    def get(self, url: str, etag: str | None = None,
            last_modified: str | None = None) -> Response:
        """GET `url`; a conditional request when `etag` or `last_modified` is given. Never
        raises for network trouble: the Response carries the error."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return Response(url, 0, error=f"not an http(s) URL: {url!r}")
        self._wait_for(parts.hostname.lower())
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "identity"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = urllib.request.Request(url, headers=headers)
        deadline = time.monotonic() + self.timeout
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                body = self._read(resp, deadline)
                return Response(resp.geturl(), resp.status, body, resp.headers.get("ETag"),
                                resp.headers.get("Last-Modified"),
                                resp.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return Response(url, 304, etag=etag, last_modified=last_modified)
            return Response(url, exc.code, error=f"HTTP {exc.code} {exc.reason}")
        except TimeoutError:
            return Response(url, 0, error=f"no answer within {self.timeout:g} s")
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                return Response(url, 0, error=f"no answer within {self.timeout:g} s")
            return Response(url, 0, error=f"cannot fetch: {reason}")
        except (OSError, ValueError) as exc:  # reset connection, bad header, too large...
            return Response(url, 0, error=f"cannot fetch: {exc}")

    def _read(self, resp: object, deadline: float) -> bytes:
        """The body, in chunks, so that a page that trickles forever or never ends stops at
        the deadline or the size limit."""
        chunks, size = [], 0
        while chunk := resp.read(CHUNK):  # type: ignore[attr-defined]
            size += len(chunk)
            if size > self.max_bytes:
                raise ValueError(f"over {self.max_bytes:,} bytes")
            if time.monotonic() > deadline:
                raise TimeoutError
            chunks.append(chunk)
        return b"".join(chunks)
