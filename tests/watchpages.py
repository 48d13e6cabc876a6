"""A loopback server whose pages a test changes between a capture and a watch (tests/test_watch.py,
tests/test_evidence_site.py): ``pages.routes["/x"] = (status, body or a function giving it, headers)``."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

BODY = [
    "The Serenity Integrated Mentoring pilot placed a police officer in the community mental health team.",
    "Patients who had called emergency services often were offered a programme of mentoring and care.",
    "The trust reported the results of the first year to its board on 10 March 2023, with figures of £3.50 a head.",
    "Campaigners asked for the evidence on which the scheme had been spread to other areas of England.",
]


def page(paragraphs: list[str], furniture: bool = False, extra: str = "") -> bytes:
    """An article; with furniture, the moment it was served, a token, a view count and an ad slot,
    all inside the article, where an extractor keeps them."""
    now = dt.datetime.now(dt.UTC)
    top = ""
    if furniture:
        ad = "<p>Advertisement</p>" if secrets.randbelow(2) else ""
        top = (f"<p>{now:%A} {now.day} {now:%B %Y}, {now:%H:%M} GMT</p><p>Updated {secrets.randbelow(50) + 2} "
               f"minutes ago. {secrets.randbelow(9000) + 1000:,} views</p>{ad}"
               f"<p>Session {secrets.token_hex(12)}</p>")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html lang='en'><head><title>SIM pilot</title></head><body><article>"
            f"<h1>The SIM pilot</h1>{top}{body}{extra}</article></body></html>").encode()


class Pages(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, tuple[int, object, dict[str, str]]] = {}

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Pages

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        status, body, headers = self.server.routes.get(self.path, (404, b"not here", {}))
        data = body() if callable(body) else body
        self.send_response(status)
        self.send_header("Content-Type", headers.get("Content-Type", "text/html; charset=utf-8"))
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            if key != "Content-Type":
                self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def pages() -> Iterator[Pages]:
    server = Pages()
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


ORIGINAL = (200, page(BODY), {})
