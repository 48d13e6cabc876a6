"""fetch.py and decode.py against a real local server: retries, redirects, caps, charsets."""

from __future__ import annotations

import gzip
import hashlib
import socket
import time
from pathlib import Path

import pytest
from httpfixtures import ARTICLE, CP1252_TEXT, http_server, make_config, no_proxies, settings  # noqa: F401
from simarchive.capture.decode import decode_payload, find_charset, to_text
from simarchive.capture.fetch import fetch, make_session
from simarchive.config import Config
from simarchive.errors import CaptureError, ConfigError, SourceGoneError


def get(server, config: Config, path: str, tmp_path: Path, **kwargs):  # noqa: ANN001, ANN201
    kwargs.setdefault("allow_private", True)
    return fetch(make_session(config), server.url(path), config, tmp_path, **kwargs)


def failure(server, config: Config, path: str, tmp_path: Path, kind=CaptureError, **kwargs) -> str:  # noqa: ANN001
    with pytest.raises(kind) as info:
        get(server, config, path, tmp_path, **kwargs)
    return str(info.value)


def test_article_is_stored_as_received_with_its_request(http_server, settings, tmp_path):
    fetched = get(http_server, settings, "/article", tmp_path)
    final = fetched.final
    assert (final.status, final.reason, final.protocol) == (200, "OK", "HTTP/1.1")
    assert final.body.read_bytes() == ARTICLE.encode()
    assert final.sha256 == hashlib.sha256(ARTICLE.encode()).hexdigest()
    assert final.length == len(ARTICLE.encode())
    sent = dict(final.request_headers)
    assert sent["User-Agent"] == "sim-archive-tests/1 (+https://example.org/contact)"
    assert sent["Host"] == http_server.base.removeprefix("http://")
    assert final.request_line == "GET /article HTTP/1.1"
    assert final.ip == "127.0.0.1"
    assert fetched.redirects == []


def test_gzip_payload_is_kept_compressed_and_decoded_for_text(http_server, settings, tmp_path):
    final = get(http_server, settings, "/gzip", tmp_path).final
    stored = final.body.read_bytes()
    assert stored[:2] == b"\x1f\x8b" and final.header("Content-Encoding") == "gzip"
    assert decode_payload(final.body, "gzip", final.url, settings.max_bytes) == ARTICLE.encode()


def test_gzip_bomb_is_capped(tmp_path):
    bomb = tmp_path / "bomb"
    bomb.write_bytes(gzip.compress(b"0" * 1_000_000))
    with pytest.raises(CaptureError) as info:
        decode_payload(bomb, "gzip", "http://x/", 1000)
    assert str(info.value) == (
        "http://x/: the decoded body exceeds the size cap of 1000 bytes (SIMARCHIVE_MAX_BYTES)"
    )


def test_raw_deflate_is_accepted(tmp_path):
    import zlib

    raw = zlib.compressobj(wbits=-15)
    body = tmp_path / "deflate"
    body.write_bytes(raw.compress(b"hello deflate") + raw.flush())
    assert decode_payload(body, "deflate", "http://x/", 1000) == b"hello deflate"


def test_windows_1252_page_without_charset_is_detected(http_server, settings, tmp_path):
    final = get(http_server, settings, "/cp1252", tmp_path).final
    body = final.body.read_bytes()
    assert find_charset(body, final.header("Content-Type")) == ("cp1252", "detected")
    assert CP1252_TEXT in to_text(body, "cp1252")


def test_charset_order_header_then_meta():
    page = b'<html><head><meta charset="shift_jis"></head></html>'
    assert find_charset(page, "text/html; charset=UTF-8") == ("utf-8", "header")
    assert find_charset(page, "text/html") == ("shift_jis", "meta")
    assert find_charset(b"\xef\xbb\xbfhi", "text/html") == ("utf-8-sig", "bom")
    assert find_charset(b"x", "text/html; charset=ISO-8859-1") == ("cp1252", "header")


def test_redirect_chain_is_followed_and_every_hop_kept(http_server, settings, tmp_path):
    fetched = get(http_server, settings, "/redirect/1", tmp_path)
    assert [e.status for e in fetched.exchanges] == [301, 302, 200]
    assert fetched.final.url == http_server.url("/article")
    assert fetched.redirects == [
        {"url": http_server.url("/redirect/1"), "status": 301, "location": "/redirect/2"},
        {"url": http_server.url("/redirect/2"), "status": 302, "location": "/article"},
    ]
    assert fetched.exchanges[0].body.read_bytes() == b"moved"


def test_redirect_loop_is_an_error(http_server, settings, tmp_path):
    a, b = http_server.url("/loop/a"), http_server.url("/loop/b")
    assert (
        failure(http_server, settings, "/loop/a", tmp_path)
        == f"{a}: redirect loop: {a} -> {b} -> {a}"
    )


@pytest.mark.parametrize(
    ("path", "message"), [("/missing", "HTTP 404 Not Found"), ("/gone", "HTTP 410 Gone")]
)
def test_404_and_410_are_gone(http_server, settings, tmp_path, path, message):
    assert (
        failure(http_server, settings, path, tmp_path, SourceGoneError)
        == f"{http_server.url(path)}: {message}"
    )


def test_500_is_retried_then_succeeds(http_server, settings, tmp_path):
    final = get(http_server, settings, "/flaky", tmp_path).final
    assert final.status == 200 and http_server.hits["/flaky"] == 2


def test_500_every_time_fails_after_the_retries(http_server, settings, tmp_path):
    message = failure(http_server, settings, "/broken", tmp_path)
    assert (
        message == f"{http_server.url('/broken')}: HTTP 500 Internal Server Error (after 2 retries)"
    )
    assert http_server.hits["/broken"] == 3


def test_429_waits_for_retry_after(http_server, settings, tmp_path):
    started = time.monotonic()
    final = get(http_server, settings, "/busy", tmp_path).final
    assert final.status == 200 and http_server.hits["/busy"] == 2
    assert time.monotonic() - started >= 0.9


def test_slow_response_times_out(http_server, settings, tmp_path):
    message = failure(http_server, settings, "/slow", tmp_path)
    assert message == f"{http_server.url('/slow')}: no response within 0.5 s (read timeout)"


def test_body_over_the_cap_is_refused_from_its_content_length(http_server, settings, tmp_path):
    message = failure(http_server, settings, "/huge", tmp_path)
    assert message == (
        f"{http_server.url('/huge')}: the response body of 300000 bytes exceeds the size cap of "
        "200000 bytes (SIMARCHIVE_MAX_BYTES)"
    )


def test_endless_body_stops_at_the_cap(http_server, settings, tmp_path):
    message = failure(http_server, settings, "/endless", tmp_path)
    assert message == (
        f"{http_server.url('/endless')}: the response body exceeds the size cap of 200000 bytes "
        "(SIMARCHIVE_MAX_BYTES); stopped reading"
    )
    assert (tmp_path / "body-0").stat().st_size <= 200_000


def test_body_cut_short_of_its_content_length(http_server, settings, tmp_path):
    message = failure(http_server, settings, "/short", tmp_path)
    assert message == (
        f"{http_server.url('/short')}: the body was cut short: 400 of the 1000 bytes announced "
        "by Content-Length arrived"
    )


def test_refused_connection_is_gone(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = make_config(tmp_path)
    url = f"http://127.0.0.1:{port}/page"
    with pytest.raises(SourceGoneError) as info:
        fetch(make_session(config), url, config, tmp_path, allow_private=True)
    assert str(info.value) == f"{url}: connection refused by 127.0.0.1:{port} (after 2 retries)"


def test_private_addresses_are_refused_by_default(http_server, settings, tmp_path):
    message = failure(http_server, settings, "/article", tmp_path, allow_private=False)
    assert message == (
        f"{http_server.url('/article')}: refused: host '127.0.0.1' resolves to 127.0.0.1, a loopback "
        "address (pass --allow-private to capture it)"
    )
    assert http_server.hits["/article"] == 0


def test_capture_settings_are_validated(tmp_path):
    with pytest.raises(ConfigError) as info:
        make_config(tmp_path, user_agent="sim-archive")
    assert (
        str(info.value)
        == "SIMARCHIVE_USER_AGENT must be a string naming a contact URL (http(s)://...)"
    )
    with pytest.raises(ConfigError) as info:
        make_config(tmp_path, per_host=0)
    assert str(info.value) == "SIMARCHIVE_PER_HOST must be a whole number of at least 1, not 0"
    with pytest.raises(ConfigError) as info:
        make_config(tmp_path, wayback_url="archive.org")
    assert (
        str(info.value)
        == "SIMARCHIVE_WAYBACK_URL must be an http(s) URL such as https://archive.org"
    )
    assert (
        make_config(tmp_path, wayback_url="http://127.0.0.1:1/").wayback_url == "http://127.0.0.1:1"
    )


def test_a_redirect_to_a_private_address_is_refused(http_server, settings, tmp_path):
    port = http_server.server_address[1]
    http_server.redirect_to = f"http://localhost:{port}/article"
    with pytest.raises(CaptureError) as info:
        get(
            http_server,
            settings,
            "/redirect/out",
            tmp_path,
            allow_private=False,
            trusted_hosts=("127.0.0.1",),
        )
    assert str(info.value).startswith(
        f"http://localhost:{port}/article: refused: host 'localhost' resolves to "
    )
    assert str(info.value).endswith(", a loopback address (pass --allow-private to capture it)")
    assert http_server.hits["/article"] == 0


@pytest.mark.parametrize("allow_private", [True, False])
def test_an_unknown_host_is_gone(monkeypatch, settings, tmp_path, allow_private):
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - the DNS edge
        if host == "gone.example.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    url = "http://gone.example.invalid/page"
    with pytest.raises(SourceGoneError) as info:
        fetch(make_session(settings), url, settings, tmp_path, allow_private=allow_private)
    # looked up once, by the guard, whether private addresses are allowed or not
    assert str(info.value) == f"{url}: host 'gone.example.invalid' not found (DNS lookup failed)"


def test_a_body_trickling_in_past_the_time_limit_is_stopped(http_server, tmp_path):
    config = make_config(tmp_path, http_server, max_seconds=0.4)
    with pytest.raises(CaptureError) as info:
        get(http_server, config, "/drip", tmp_path)
    message = str(info.value)
    prefix = (
        f"{http_server.url('/drip')}: the response took longer than 0.4 s (SIMARCHIVE_MAX_SECONDS); "
        "stopped reading after "
    )
    assert message.startswith(prefix) and message.endswith(" bytes")
    assert 0 < int(message.removeprefix(prefix).removesuffix(" bytes")) < 100_000


def test_the_user_agent_names_the_site_by_default(tmp_path):
    config = Config.from_settings({"SITEURL": "https://sim.example.org/"}, tmp_path)
    assert config.user_agent == (
        "sim-archive/0.1 (SIM Timeline and Evidence Archive; +https://sim.example.org/)"
    )


def test_an_international_host_name_is_sent_in_ascii(monkeypatch, http_server, settings, tmp_path):
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - the DNS edge
        return real("127.0.0.1" if host == "xn--bcher-kva.example" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    port = http_server.server_address[1]
    fetched = fetch(
        make_session(settings),
        f"http://bücher.example:{port}/article",
        settings,
        tmp_path,
        allow_private=True,
    )
    assert dict(fetched.final.request_headers)["Host"] == f"xn--bcher-kva.example:{port}"
    assert fetched.final.url == f"http://xn--bcher-kva.example:{port}/article"


def test_without_siteurl_the_user_agent_invents_no_contact(tmp_path):
    assert Config.from_settings({}, tmp_path).user_agent == "sim-archive/0.1 (SIM Timeline and Evidence Archive)"
