"""deploy/nginx.conf on a real nginx in front of the app: every kind of file and page answers as
the app's own server answers it (status, bytes, media type, encodings, cache, security and
download headers), and what is not a file reaches the app."""

from __future__ import annotations

import gzip
import json
import os
from urllib.parse import quote, urlsplit

import pytest
from published import capture_island_news, publish_site
from simarchive.cite.export import DOWNLOAD_PREFIX
from support import SiteDir, free_port, gunicorn, nginx, nginx_missing, raw_get, serving

COMPARED = ("Content-Type", "Content-Encoding", "Cache-Control", "Content-Disposition", "Vary",
            "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Location")
ENCODINGS = (None, "gzip", "br", "gzip, deflate, br")


def _get(base: str, path: str, encoding: str | None) -> tuple[int, dict[str, str], bytes]:
    status, sent, body = raw_get(base, path, encoding)
    headers = {name: sent.get(name) for name in COMPARED}
    # The same media type either way: WhiteNoise quotes the charset, nginx does not.
    if headers["Content-Type"]:
        headers["Content-Type"] = headers["Content-Type"].replace('charset="utf-8"', "charset=utf-8")
    return status, headers, body


def _untimed(body: bytes) -> dict:
    answer = json.loads(gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body)
    answer.pop("took_ms", None)
    return answer


def _difference(want: tuple, got: tuple) -> dict:
    """What differs between two answers, for the failure message: the app's value, then nginx's."""
    different = {name: (value, got[1][name]) for name, value in want[1].items() if got[1][name] != value}
    if want[0] != got[0]:
        different["status"] = (want[0], got[0])
    if want[2:] != got[2:]:
        different["bytes"] = (len(want[2]), len(got[2]))
    return different


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    missing = nginx_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the nginx test cannot run: {missing}", pytrace=False)
        print(f"skipping the nginx test: {missing}")
        pytest.skip(missing)
    site = SiteDir(tmp_path_factory.mktemp("nginx-site"))
    capture = capture_island_news(site)
    build = publish_site(site)
    return site, capture, build


def _paths(capture: str, build) -> list[str]:
    folder = build / capture.strip("/")
    # (not index.html itself, which WhiteNoise redirects to its folder and nginx sends)
    files = sorted(p for p in folder.iterdir() if p.name != "index.html"
                   and (not p.name.endswith((".gz", ".br")) or p.name.endswith(".warc.gz")))
    assets = sorted(p for p in (build / "theme").rglob("*") if p.is_file() and p.suffix in (".css", ".js", ".svg"))
    return [
        "/", "/events/2012-pilot/", "/sources/", "/sources", "/timeline.json", "/feeds/events.atom.xml",
        capture, *("/" + str(p.relative_to(build)) for p in files),
        *("/" + str(p.relative_to(build)) for p in assets),
        *("/" + str(p.relative_to(build)) for p in sorted(build.rglob(f"{DOWNLOAD_PREFIX}*"))[:6]),
        *("/" + str(p.relative_to(build)) for p in sorted(build.rglob("*.wacz"))),
        "/search?q=" + quote("Isle of Wight"), "/api/search?q=" + quote("Isle of Wight"),
        "/api/search?q=" + quote('"unclosed'), "/search?q=police&page=zero",
        "/no/such/page", "/theme/", "/theme/css", "/sources/no-such.wacz",
    ]


def test_nginx_answers_every_file_and_page_as_the_app_does(published, tmp_path):
    site, capture, build = published
    paths = _paths(capture, build)
    assert any(p.endswith(".warc.gz") for p in paths) and any(p.endswith(".wacz") for p in paths)
    with nginx(tmp_path / "alone", root=site.output, upstream=f"127.0.0.1:{free_port()}") as proxy:
        # With no app behind it, the files are nginx's own to send, and only what is not a file fails.
        for path in ("/", capture, capture + "capture.warc.gz", "/timeline.json"):
            assert _get(proxy, path, "br")[0] == 200, path
        assert _get(proxy, "/api/search?q=police", None)[0] == 502
    # The app's own server answers for itself; nginx sends what gunicorn's sync workers answer.
    with serving(site.settings) as app, gunicorn(site.settings, site.root) as (upstream, _arbiter), \
            nginx(tmp_path / "nginx", root=site.output, upstream=urlsplit(upstream).netloc) as proxy:
        differences = []
        for path in paths:
            for encoding in ENCODINGS:
                want = _get(app, path, encoding)
                got = _get(proxy, path, encoding)
                if path.startswith("/api/search"):  # each answer gives its own time
                    want, got = [(r[0], r[1], _untimed(r[2])) for r in (want, got)]
                elif path.startswith("/search"):
                    want, got = want[:2], got[:2]
                if got != want:
                    differences.append((path, encoding, _difference(want, got)))
    assert not differences, "\n".join(map(str, differences))
