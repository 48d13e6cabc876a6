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
from simarchive.config import Config
from simarchive.registry import Source
from warcio.archiveiterator import ArchiveIterator

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>SIM pilot report | Example Trust</title>
<meta name="citation_title" content="Serenity Integrated Mentoring pilot report">
<meta name="citation_author" content="Jane Analyst">
<meta name="citation_publication_date" content="2016-05-04">
<meta property="og:site_name" content="Example Trust">
</head><body>
<header class="site-header"><a href="/">Example Trust home</a></header>
<nav><ul><li>Home</li><li>About us</li></ul></nav>
<div id="cookie-consent">We use cookies. Accept?</div>
<main><article>
<h1>Serenity Integrated Mentoring pilot report</h1>
<p>The pilot began on the
  Isle of Wight in 2012.</p>
<p>Police officers worked inside <em>community</em> mental health teams.</p>
<h2>Findings</h2>
<ul><li>Fewer detentions</li><li>More contact</li></ul>
</article></main>
<aside>Related: other reports</aside>
<footer>Copyright Example Trust</footer>
<script>var tracking = "SECRET-TRACKER";</script>
</body></html>
"""
ARTICLE_TEXT = (
    "Serenity Integrated Mentoring pilot report\n\n"
    "The pilot began on the Isle of Wight in 2012.\n\n"
    "Police officers worked inside community mental health teams.\n\n"
    "Findings\n\nFewer detentions\n\nMore contact\n"
)
CP1252_TEXT = "Café society: “quoted” — the naïve résumé of a coöperative façade. " * 8
CP1252 = f"<html><head><title>Caf\u00e9</title></head><body><p>{CP1252_TEXT}</p></body></html>"
SCRIPTS = """<html><head><script>alert("HEAD-SCRIPT")</script><style>p { color: red }</style></head>
<body onload="alert('ONLOAD')"><p>Visible words.</p>
<img src="x" onerror="alert('ONERROR-HANDLER')">
<script type="text/javascript">document.write("BODY-SCRIPT")</script>
<noscript>NOSCRIPT-TEXT</noscript><p>More visible words.</p>
<script type="application/ld+json">{"@type": "Article", "headline": "LD headline"}</script>
</body></html>"""


def make_pdf(pages: list[str], title: str = "SIM Review") -> bytes:
    """A small valid PDF, one line of Helvetica text per page, with an Info dictionary."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for text in pages:
        page_no, content_no = len(objects) + 1, len(objects) + 2
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_no} 0 R "
            "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode()}\nendstream")
        kids.append(f"{page_no} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    objects.append(
        f"<< /Title ({title}) /Author (NHS England) /CreationDate (D:20230310120000Z) >>"
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n".encode()
    )
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


PDF = make_pdf(["First page of the review", "Second page ends here"])


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
    "/drip": drip,
    "/wayback/available": wayback_available,
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
        self.wayback_asks: list[tuple[str, str]] = []

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


@pytest.fixture(autouse=True)
def every_warc_replays(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    """After each test, every WARC it wrote must read back with warcio, and pass `warcio check`.

    A test that damages WARCs on purpose is marked ``@pytest.mark.damages_warcs``.
    """
    yield
    if request.node.get_closest_marker("damages_warcs"):
        return
    warcs = sorted(p for p in tmp_path.rglob("capture.warc.gz") if ".tmp-" not in str(p))
    for path in warcs:
        read_warc(path)
    if warcs:
        warcio_check(warcs)


def read_warc(path: Path) -> list:
    """Every record of a WARC, read with warcio's ArchiveIterator with its digests checked."""
    records = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests=True):
            content = record.content_stream().read()
            assert record.digest_checker.passed is not False, (path, record.digest_checker.problems)
            records.append(
                (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), content)
            )
    assert records and records[0][0] == "warcinfo", path
    return records


def warcio_check(paths: list[Path]) -> None:
    """`warcio check -v`, the command-line tool, on the WARCs: exit 0 and every digest passes."""
    warcio = Path(sys.executable).parent / "warcio"
    done = subprocess.run(
        [str(warcio), "check", "-v", *map(str, paths)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("digest pass") >= 2 * len(paths), done.stdout


def assert_warc_ok(path: Path) -> list:
    """Read a WARC with warcio's ArchiveIterator (digests checked) and with `warcio check`."""
    records = read_warc(path)
    warcio_check([path])
    return records
