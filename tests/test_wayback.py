"""wayback.py and the Wayback paths of capture: --via wayback, and auto's fallback when gone."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from httpfixtures import (  # noqa: F401 - fixtures are used by name
    assert_warc_ok,
    every_warc_replays,
    http_server,
    make_config,
    no_proxies,
    settings,
    source,
)
from simarchive.archive import store
from simarchive.capture.fetch import make_session
from simarchive.capture.pipeline import capture_sources
from simarchive.capture.wayback import default_timestamp, find_snapshot
from simarchive.content.dates import parse_when
from simarchive.errors import CaptureError

STAMPS = ["20120101000000", "20160502100000", "20210601000000"]


def test_the_closest_snapshot_is_chosen(http_server, settings):
    url = "http://example.org/report"
    http_server.snapshots[url] = STAMPS
    snapshot = find_snapshot(make_session(settings), settings, url, "20160401")
    assert snapshot.timestamp == "20160502100000"
    assert snapshot.raw_url == f"{http_server.base}/web/20160502100000id_/{url}"
    assert http_server.wayback_asks == [(url, "20160401")]


def test_no_snapshot_is_an_error_naming_the_question(http_server, settings):
    url = "http://example.org/never"
    with pytest.raises(CaptureError) as info:
        find_snapshot(make_session(settings), settings, url, "20160401")
    api = f"{http_server.base}/wayback/available?url=http%3A%2F%2Fexample.org%2Fnever&timestamp=20160401"
    assert (
        str(info.value) == f"{url}: the Wayback Machine has no snapshot of this URL (asked {api})"
    )


def test_a_bad_timestamp_is_refused(settings):
    with pytest.raises(CaptureError) as info:
        find_snapshot(make_session(settings), settings, "http://example.org/", "2016-04-01")
    assert (
        str(info.value)
        == "http://example.org/: '2016-04-01' is not a Wayback timestamp (expected YYYYMMDD)"
    )


def test_default_timestamp_is_the_earliest_published_day_else_today():
    assert default_timestamp(parse_when("2016-05").earliest) == "20160501"
    assert default_timestamp(None) == dt.datetime.now(dt.UTC).strftime("%Y%m%d")


def test_via_wayback_captures_the_raw_snapshot(http_server, settings):
    url = http_server.url("/article")
    http_server.snapshots[url] = STAMPS
    entry = source("src", url, published=parse_when("[2016,2017]"))
    report = capture_sources([entry], settings.archive, settings, via="wayback", allow_private=True)
    capture = store.load_capture(report.outcomes[0].path)
    raw = f"{http_server.base}/web/20160502100000id_/{url}"
    assert (capture.via, capture.wayback_timestamp) == ("wayback", "20160502100000")
    assert (capture.original_url, capture.fetched_url, capture.final_url) == (url, raw, raw)
    assert http_server.wayback_asks == [(url, "20160101")]
    assert http_server.hits["/article"] == 0  # the live page was not asked for
    text = capture.text_path.read_text()
    assert text == f"Archived copy\n\nSnapshot 20160502100000 of {url}\n"
    assert "WAYBACK-BANNER" not in text
    records = assert_warc_ok(capture.warc_path)
    assert [uri for _, uri, _ in records[1:]] == [raw, raw]


def test_an_explicit_timestamp_wins(http_server, settings):
    url = http_server.url("/article")
    http_server.snapshots[url] = STAMPS
    entry = source("src", url, published=parse_when("2016"))
    report = capture_sources(
        [entry], settings.archive, settings, via="wayback", timestamp="20220101", allow_private=True
    )
    assert store.load_capture(report.outcomes[0].path).wayback_timestamp == "20210601000000"


def test_auto_falls_back_to_wayback_on_404(http_server, settings):
    url = http_server.url("/missing")
    http_server.snapshots[url] = STAMPS
    report = capture_sources([source("src", url)], settings.archive, settings, allow_private=True)
    outcome = report.outcomes[0]
    assert (outcome.state, outcome.via) == ("captured", "wayback")
    assert (
        outcome.warnings[0]
        == "the live URL failed (HTTP 404 Not Found); captured from the Wayback Machine"
    )


def test_auto_falls_back_to_wayback_on_a_refused_connection(http_server, settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/page"
    http_server.snapshots[url] = STAMPS
    report = capture_sources([source("src", url)], settings.archive, settings, allow_private=True)
    assert (report.outcomes[0].state, report.outcomes[0].via) == ("captured", "wayback")


def test_auto_reports_both_failures(http_server, settings):
    url = http_server.url("/missing")
    report = capture_sources([source("src", url)], settings.archive, settings, allow_private=True)
    api = http_server.base + "/wayback/available?url=" + url.replace(":", "%3A").replace("/", "%2F")
    assert report.outcomes[0].reason == (
        f"{url}: live: HTTP 404 Not Found; Wayback: the Wayback Machine has no snapshot of this URL "
        f"(asked {api}&timestamp={dt.datetime.now(dt.UTC).strftime('%Y%m%d')})"
    )


def test_no_fallback_for_live_or_for_server_errors(http_server, tmp_path):
    config = make_config(tmp_path, http_server, retries=0)
    missing, broken = http_server.url("/missing"), http_server.url("/broken")
    report = capture_sources(
        [source("a", missing)], config.archive, config, via="live", allow_private=True
    )
    assert report.outcomes[0].reason == f"{missing}: HTTP 404 Not Found"
    report = capture_sources([source("b", broken)], config.archive, config, allow_private=True)
    assert report.outcomes[0].reason == f"{broken}: HTTP 500 Internal Server Error"
    assert http_server.wayback_asks == []


def test_auto_falls_back_to_wayback_when_the_host_is_unknown(monkeypatch, http_server, settings):
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - the DNS edge
        if host == "gone.example.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    url = "http://gone.example.invalid/page"
    http_server.snapshots[url] = STAMPS
    outcome = capture_sources([source("src", url)], settings.archive, settings).outcomes[0]
    assert (outcome.state, outcome.via) == ("captured", "wayback")
    assert outcome.warnings[0] == (
        "the live URL failed (host 'gone.example.invalid' not found (DNS lookup failed)); "
        "captured from the Wayback Machine"
    )
