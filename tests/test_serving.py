"""Serving on real servers: pages sent compressed and cached as they should be; under stress, idle
clients, a missing index, and gunicorn's workers replaced when one dies."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import requests
from published import capture_island_news, publish_site
from simarchive.cite.export import DOWNLOAD_PREFIX
from support import gunicorn, raw_get, serving


def get(base: str, path: str, timeout: float = 10, **params) -> requests.Response:
    return requests.get(base + path, params=params, timeout=timeout)


def test_idle_clients_that_never_finish_their_headers_do_not_stop_static_pages(built_site):
    # waitress stops accepting at its connection_limit (100 by default), and has no header timeout.
    with serving(built_site.settings, threads=4) as base:
        host, port = base.removeprefix("http://").split(":")
        idle = []
        try:
            for _ in range(150):
                client = socket.create_connection((host, int(port)), timeout=5)
                client.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")  # and never the blank line
                idle.append(client)
            page = get(base, "/", timeout=2)
            assert page.status_code == 200 and "Street triage pilot" in page.text
            assert get(base, "/api/search", timeout=2, q="pilot").json()["total"] >= 1
        finally:
            for client in idle:
                client.close()


def test_a_missing_index_is_a_503_and_the_next_build_mends_it(site):
    assert site.build().returncode == 0
    shutil.rmtree(site.index)
    with serving(site.settings) as base:
        missing = get(base, "/api/search", q="pilot")
        assert (missing.status_code, missing.json()) == (503, {"error": "search is unavailable", "query": "pilot"})
        assert get(base, "/search", q="pilot").status_code == 503
        assert get(base, "/").status_code == 200
        assert site.build().returncode == 0
        assert get(base, "/api/search", q="pilot").json()["total"] >= 1


def _workers(arbiter: int) -> set[int]:
    return {int(pid) for pid in Path(f"/proc/{arbiter}/task/{arbiter}/children").read_text().split()}


def _wait(condition, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
        except requests.ConnectionError:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not true within {seconds} s: {condition.__doc__}")


def test_gunicorn_answers_search_and_replaces_a_worker_that_dies(built_site):
    with gunicorn(built_site.settings, built_site.root, threads=16) as (base, arbiter):
        def answers():
            """/api/search answers"""
            return get(base, "/api/search", q="Isle of Wight").status_code == 200

        def two_workers():
            """gunicorn runs two workers"""
            return len(_workers(arbiter.pid)) == 2 and _workers(arbiter.pid)

        _wait(answers)
        before = _wait(two_workers)
        victim = min(before)
        os.kill(victim, signal.SIGKILL)

        def replaced():
            """the killed worker is replaced"""
            now = _workers(arbiter.pid)
            return len(now) == 2 and victim not in now and now

        after = _wait(replaced)
        assert len(after - before) == 1
        data = get(base, "/api/search", q="Isle of Wight").json()
        assert {h["url"] for h in data["hits"]} == {"/events/2012-pilot/", "/sources/island-news/"}
        assert get(base, "/").status_code == 200
    output = arbiter.stdout.read().decode(errors="replace")
    assert f"Worker (pid:{victim}) was sent SIGKILL" in output or str(victim) in output, output


DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


def _assets(build: Path) -> dict[str, str]:
    return json.loads((build / "theme" / "assets.json").read_text(encoding="utf-8"))


def test_pages_and_assets_are_sent_compressed_as_the_client_asks(site):
    capture = capture_island_news(site)
    build = publish_site(site)
    css = "/theme/" + _assets(build)["css/site.css"]
    with serving(site.settings) as base:
        for path in ("/", "/events/2012-pilot/", css, "/timeline.json", "/feeds/events.atom.xml", capture):
            status, headers, identity = raw_get(base, path)
            assert status == 200 and "Content-Encoding" not in headers, path
            for asked, sent in (("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br")):
                status, headers, body = raw_get(base, path, asked)
                assert (status, headers.get("Content-Encoding"), headers["Vary"]) == (200, sent, "Accept-Encoding")
                assert len(body) < len(identity) and DECODE[sent](body) == identity, (path, asked)


def test_downloads_are_sent_byte_for_byte_and_never_compressed(site):
    capture = capture_island_news(site)
    build = publish_site(site)
    folder = build / capture.strip("/")
    downloads = [p for p in folder.iterdir() if p.name != "index.html" and not p.name.startswith("index.html.")]
    downloads += [*build.rglob(f"{DOWNLOAD_PREFIX}*"), *build.rglob("*.wacz")]
    assert {p.suffix for p in downloads} >= {".gz", ".txt", ".bib", ".ris", ".json", ".wacz"}
    assert not [p for p in downloads if p.suffix in (".br",) or p.name.endswith((".json.gz", ".txt.gz", ".bib.gz"))]
    with serving(site.settings) as base:
        for path in downloads:
            status, headers, body = raw_get(base, "/" + str(path.relative_to(build)), "gzip, br")
            assert (status, "Content-Encoding" in headers, body) == (200, False, path.read_bytes()), path


def test_a_rebuild_never_serves_a_stale_compressed_page(site):
    publish_site(site)
    event = site.content / "events" / "2012-pilot.md"
    original = event.read_text(encoding="utf-8")
    with serving(site.settings) as base:
        for version in (1, 2):
            event.write_text(original.rstrip("\n") + f"\n\nRevision marker {version}.\n", encoding="utf-8")
            publish_site(site)
            _, _, identity = raw_get(base, "/events/2012-pilot/")
            assert f"Revision marker {version}.".encode() in identity
            for encoding, decode in DECODE.items():
                _, headers, body = raw_get(base, "/events/2012-pilot/", encoding)
                assert headers["Content-Encoding"] == encoding and decode(body) == identity


def test_fingerprinted_assets_are_cached_for_a_year_and_pages_revalidate(built_site, web_server):
    status, headers, _ = raw_get(web_server, "/theme/" + _assets(built_site.output)["js/timeline.js"])
    assert (status, headers["Cache-Control"]) == (200, "public, max-age=31536000, immutable")
    status, headers, _ = raw_get(web_server, "/")
    assert (status, headers["Cache-Control"]) == (200, "no-cache")
    connection = http.client.HTTPConnection(*urlsplit(web_server).netloc.split(":"), timeout=10)
    connection.request("GET", "/", headers={"If-None-Match": headers["ETag"]})
    assert connection.getresponse().status == 304
    connection.close()
    status, headers, _ = raw_get(web_server, "/theme/css/site.css")  # the plain name, for others' links
    assert (status, headers["Cache-Control"]) == (200, "max-age=60, public")
