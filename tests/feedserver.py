"""A local HTTP server for the feed tests, on 127.0.0.1 and a free port: fixture feeds and
article pages written for the tests (the events in them are fictional), with behaviours to
order: an error status, a page that answers too late, ETag and Last-Modified answered with
304. It records every request it receives."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLES = {  # title, paragraphs (sentences joined by spaces)
    "kenya": ("Kenya accuses Somalia over border raids", [
        ("Kenya accused Somalia on Sunday of arming the rebels who raided two border villages "
         "last week, and recalled its ambassador for consultations."),
        ("Officials in Nairobi said the government would raise the matter with the African "
         "Union at its next meeting, and asked the council to send observers to the border."),
        ("Somalia denied the charge and said it had never supplied weapons to any armed group "
         "operating across the frontier.")]),
    "ghana": ("Ghana and Togo meet over river dispute", [
        ("Ghana and Togo held talks in Lome on Tuesday over the water of the shared river, two "
         "weeks after the dispute over a new dam began."),
        ("The two foreign ministers agreed to set up a joint commission to measure the river's "
         "flow through the dry season and to report within three months."),
        ("Farmers on both banks have complained that the level of the river fell sharply "
         "after the dam's gates were closed in the spring.")]),
    "chile": ("Chile protests to Bolivia", [
        ("Chile lodged a formal protest with Bolivia on Wednesday after soldiers crossed the "
         "northern border while chasing smugglers, its foreign ministry said in a statement."),
        ("The ministry said the patrol had entered Chilean territory without permission and "
         "demanded an explanation from the government in La Paz."),
        ("Bolivia said the soldiers had lost their way in a sandstorm and returned to their "
         "post within the hour.")]),
}


def page(key: str) -> bytes:
    title, paras = ARTICLES[key]
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>Test Desk</footer></body>"
            "</html>").encode()


def rss(items: list[tuple[str, str, str]]) -> bytes:
    """RSS 2.0 with (path, title, RFC 822 date) items."""
    body = "".join(f"<item><title>{t}</title><link>{p}</link><guid>{p}</guid>"
                   f"<pubDate>{d}</pubDate></item>" for p, t, d in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test Desk</title>'
            f"<link>http://example.test/</link><description>tests</description>{body}"
            "</channel></rss>").encode()


def atom(items: list[tuple[str, str, str]]) -> bytes:
    """Atom with (path, title, RFC 3339 date) entries; links relative to the feed."""
    body = "".join(f'<entry><title>{t}</title><link href="{p}"/><id>urn:{p}</id>'
                   f"<updated>{d}</updated></entry>" for p, t, d in items)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Other Desk</title><id>urn:other</id><updated>2026-03-01T00:00:00Z</updated>"
            f"{body}</feed>").encode()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before answering


@dataclass
class FeedServer:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def start(self) -> FeedServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay:
                    time.sleep(route.delay)
                if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                        route.last_modified
                        and self.headers.get("If-Modified-Since") == route.last_modified):
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def hits(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
