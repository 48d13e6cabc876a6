"""Shared fixtures for the capture tests: a real HTTP server on 127.0.0.1 (port 0) and settings.

Import what a test module uses explicitly: ``from httpfixtures import http_server, settings``.
The server serves pages built here (boilerplate, charsets, gzip, redirects, errors, slow and
broken bodies, a PDF) and a fake Wayback Machine (availability API and id_ snapshots).
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from httppages import ARTICLE, ARTICLE_TEXT, CP1252, CP1252_TEXT, PDF, SCRIPTS, make_hostile_pdf, make_pdf
from simarchive.config import Config
from simarchive.content.registry import Source
from warcchecks import assert_warc_ok, every_warc_replays, read_warc, warcio_check

__all__ = [  # the pages are re-exported, so a test module imports from one place
    "ARTICLE",
    "ARTICLE_TEXT",
    "CP1252",
    "CP1252_TEXT",
    "PDF",
    "SCRIPTS",
    "make_hostile_pdf",
    "make_pdf",
    "TestServer",
    "read_warc",
    "warcio_check",
    "assert_warc_ok",
    "every_warc_replays",
    "http_server",
    "make_config",
    "no_proxies",
    "settings",
    "source",
]
from warcio.archiveiterator import ArchiveIterator


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: TestServer

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def send(
        self,
        status: int,
        body: bytes,
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.server.hits[parts.path] += 1
        self.server.requests.append(self.path)
        route = ROUTES.get(parts.path)
        if route is None and parts.path.startswith("/web/"):
            route = wayback_snapshot
        if route is None:
            self.send(404, b"<html><body>Not here</body></html>")
        else:
            route(self, parts)


def redirect(target: str, status: int = 302) -> Callable[[Handler, object], None]:
    return lambda h, p: h.send(status, b"moved", headers={"Location": target})


def flaky(h: Handler, parts: object) -> None:
    if h.server.hits["/flaky"] == 1:
        h.send(500, b"oops")
    else:
        h.send(200, b"<html><body><p>Recovered.</p></body></html>")


def busy(h: Handler, parts: object) -> None:
    if h.server.hits["/busy"] == 1:
        h.send(429, b"slow down", headers={"Retry-After": "1"})
    else:
        h.send(200, b"<html><body><p>Thanks for waiting.</p></body></html>")


def slow(h: Handler, parts: object) -> None:
    time.sleep(1.5)
    h.send(200, b"<p>late</p>")


def endless(h: Handler, parts: object) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.send_header("Connection", "close")
    h.end_headers()
    try:
        for _ in range(10_000):
            h.wfile.write(b"x" * 65536)
    except OSError:
        pass
    h.close_connection = True


def chunked(h: Handler, parts: object) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/plain; charset=utf-8")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    for piece in (b"first piece, ", b"second piece\n"):
        h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
    h.wfile.write(b"0\r\n\r\n")


def short(h: Handler, parts: object) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    h.wfile.write(b"y" * 400)
    h.close_connection = True


def drip(h: Handler, parts: object) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    try:
        for _ in range(1000):
            h.wfile.write(b"z" * 100)
            h.wfile.flush()
            time.sleep(0.05)
    except OSError:
        pass
    h.close_connection = True


def wayback_available(h: Handler, parts) -> None:  # noqa: ANN001
    query = parse_qs(parts.query)
    url, stamp = query["url"][0], query.get("timestamp", [""])[0]
    h.server.wayback_asks.append((url, stamp))
    stamps = h.server.snapshots.get(url)
    closest = {}
    if stamps:
        best = min(stamps, key=lambda s: abs(int(s[:8]) - int((stamp or "20990101")[:8])))
        closest = {
            "closest": {
                "available": True,
                "status": "200",
                "timestamp": best,
                "url": f"http://web.archive.org/web/{best}/{url}",
            }
        }
    h.send(
        200, json.dumps({"url": url, "archived_snapshots": closest}).encode(), "application/json"
    )


def wayback_snapshot(h: Handler, parts) -> None:  # noqa: ANN001
    stamp, _, original = h.path[len("/web/") :].partition("/")
    banner = "" if stamp.endswith("id_") else "<div>WAYBACK-BANNER</div>"
    body = f"<html><body>{banner}<h1>Archived copy</h1><p>Snapshot {stamp[:14]} of {original}</p></body></html>"
    body = h.server.snapshot_pages.get(original, body)  # a test may give a snapshot its own page
    h.send(200, body.encode(), headers={"Memento-Datetime": "Mon, 02 May 2016 10:00:00 GMT"})


ROUTES: dict[str, Callable] = {
    "/article": lambda h, p: h.send(200, ARTICLE.encode()),
    "/cp1252": lambda h, p: h.send(200, CP1252.encode("cp1252"), "text/html"),
    "/gzip": lambda h, p: h.send(
        200, gzip.compress(ARTICLE.encode()), headers={"Content-Encoding": "gzip"}
    ),
    "/scripts": lambda h, p: h.send(200, SCRIPTS.encode()),
    "/doc.pdf": lambda h, p: h.send(200, PDF, "application/pdf"),
    "/data.bin": lambda h, p: h.send(200, bytes(range(256)), "application/octet-stream"),
    "/redirect/1": redirect("/redirect/2", 301),
    "/redirect/2": redirect("/article", 302),
    "/loop/a": redirect("/loop/b"),
    "/loop/b": redirect("/loop/a"),
    "/gone": lambda h, p: h.send(410, b"gone"),
    "/broken": lambda h, p: h.send(500, b"always broken"),
    "/flaky": flaky,
    "/busy": busy,
    "/slow": slow,
    "/huge": lambda h, p: h.send(200, b"h" * 300_000, "text/plain"),
    "/endless": endless,
    "/short": short,
    "/chunked": chunked,
    "/drip": drip,
    "/wayback/available": wayback_available,
    "/redirect/out": lambda h, p: h.send(302, b"moved", headers={"Location": h.server.redirect_to}),
}


class TestServer(ThreadingHTTPServer):
    daemon_threads = True
    # Many tests open connections at once; the default backlog of 5 would make some wait.
    request_queue_size = 128

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.hits: Counter[str] = Counter()
        self.requests: list[str] = []
        self.snapshots: dict[str, list[str]] = {}
        self.snapshot_pages: dict[str, str] = {}
        self.wayback_asks: list[tuple[str, str]] = []
        self.redirect_to = ""

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up on purpose (timeouts, size caps) is not a server error

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the environment may stand between the tests and the local server."""
    for name in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "no_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def http_server() -> Iterator[TestServer]:
    server = TestServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def make_config(tmp_path: Path, server: TestServer | None = None, **overrides: object) -> Config:
    """Settings for tests: short timeouts, no backoff, no politeness delay, a 200 kB cap."""
    settings = {
        "SIMARCHIVE_CONNECT_TIMEOUT": 1,
        "SIMARCHIVE_READ_TIMEOUT": 0.5,
        "SIMARCHIVE_RETRIES": 2,
        "SIMARCHIVE_BACKOFF": 0,
        "SIMARCHIVE_DELAY": 0,
        "SIMARCHIVE_MAX_BYTES": 200_000,
        "SIMARCHIVE_USER_AGENT": "sim-archive-tests/1 (+https://example.org/contact)",
        "SIMARCHIVE_ARCHIVE": str(tmp_path / "archive"),
    }
    if server:
        settings["SIMARCHIVE_WAYBACK_URL"] = server.base
    settings.update({f"SIMARCHIVE_{k.upper()}": v for k, v in overrides.items()})
    return Config.from_settings(settings, tmp_path)


@pytest.fixture
def settings(tmp_path: Path, http_server: TestServer) -> Config:
    return make_config(tmp_path, http_server)


def source(sid: str, url: str, **fields: object) -> Source:
    """A registry entry for a test."""
    values = {
        "title": "Serenity Integrated Mentoring pilot report",
        "publisher": "Example Trust",
        "kind": "report",
        **fields,
    }
    return Source(id=sid, url=url, **values)  # type: ignore[arg-type]
