"""The ways a capture goes (routes.py): Wayback when the live server refuses us or shows a wall,
--via both, Retry-After, and the report saying each path and why. All against a local server."""

from __future__ import annotations

import json
import time

import pytest
from httpfixtures import ROUTES, http_server, make_config, no_proxies, settings, source  # noqa: F401
from simarchive.archive import store
from simarchive.capture.cli import print_report
from simarchive.capture.pipeline import CaptureReport, capture_sources

STAMPS = ["20160502100000"]
PARAGRAPH = ("The review panel met in the town hall and heard from the people who had used the service, "
             "from the staff who ran it, and from the officers who had worked beside them for two years. ")
LONG = ("<html><head><title>Serenity Integrated Mentoring pilot report</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>Serenity Integrated Mentoring pilot report</h1>"
        f"{''.join(f'<p>{n}. {PARAGRAPH * 2}</p>' for n in range(12))}</article></body></html>")
PAYWALL = """<html><head><title>Review</title><script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Review",
 "isAccessibleForFree": false}</script></head><body><article><h1>Review</h1>
<p>The review panel met in the town hall and heard from the people who had used the service.</p>
<p>Subscribe to continue reading this article.</p></article></body></html>"""


def capture(server, config, path, **kwargs):  # noqa: ANN001, ANN201
    entry = source("src", server.url(path))
    return capture_sources([entry], config.archive, config, allow_private=True, **kwargs).outcomes[0]


def record(outcome) -> dict:  # noqa: ANN001
    return json.loads((outcome.path / store.CAPTURE_JSON).read_text())


@pytest.mark.parametrize(("status", "reason"), [(401, "Unauthorized"), (403, "Forbidden"),
                                                (451, "Unavailable For Legal Reasons")])
def test_auto_falls_back_to_wayback_when_the_live_server_refuses_us(http_server, settings, monkeypatch, status,
                                                                     reason):
    monkeypatch.setitem(ROUTES, "/refused", lambda h, p: h.send(status, b"<p>No robots here</p>"))
    http_server.snapshots[http_server.url("/refused")] = STAMPS
    outcome = capture(http_server, settings, "/refused")
    why = f"the live URL failed (HTTP {status} {reason})"
    assert (outcome.state, outcome.via, outcome.route, outcome.why) == ("captured", "wayback", "live, then wayback",
                                                                        why)
    assert outcome.warnings[0] == f"{why}; captured from the Wayback Machine"
    assert record(outcome)["route"] == {"path": "live, then wayback", "why": why}


def test_a_refusal_is_no_fallback_with_via_live(http_server, settings, monkeypatch):
    monkeypatch.setitem(ROUTES, "/refused", lambda h, p: h.send(403, b"no"))
    outcome = capture(http_server, settings, "/refused", via="live")
    assert (outcome.state, outcome.reason, outcome.route) == (
        "failed", f"{http_server.url('/refused')}: HTTP 403 Forbidden", "live")
    assert http_server.wayback_asks == []


def test_a_429_waits_for_retry_after_then_falls_back_to_wayback(http_server, tmp_path, monkeypatch):
    config = make_config(tmp_path, http_server, retries=1)
    monkeypatch.setitem(ROUTES, "/limited",
                        lambda h, p: h.send(429, b"slow down", headers={"Retry-After": "1"}))
    http_server.snapshots[http_server.url("/limited")] = STAMPS
    started = time.monotonic()
    outcome = capture(http_server, config, "/limited")
    assert time.monotonic() - started >= 1.0  # urllib3's Retry slept for the Retry-After
    assert http_server.hits["/limited"] == 2
    assert (outcome.state, outcome.route) == ("captured", "live, then wayback")
    assert outcome.why == "the live URL failed (HTTP 429 Too Many Requests (after 1 retries))"


def test_a_paywall_teaser_is_replaced_by_its_snapshot_with_both_figures(http_server, settings, monkeypatch):
    monkeypatch.setitem(ROUTES, "/paywall", lambda h, p: h.send(200, PAYWALL.encode()))
    url = http_server.url("/paywall")
    http_server.snapshots[url] = STAMPS
    http_server.snapshot_pages[url] = LONG
    outcome = capture(http_server, settings, "/paywall")
    assert (outcome.state, outcome.via, outcome.route) == ("captured", "wayback", "live, then wayback")
    data = record(outcome)
    live, archived = data["route"]["live_characters"], data["route"]["wayback_characters"]
    assert live < 0.5 * archived and archived == data["extraction"]["characters"]
    assert outcome.warnings[0] == (
        f"the live page's main text ({live} characters) is far shorter than the Wayback snapshot's ({archived} "
        "characters); the page marks itself as not free to read (schema.org isAccessibleForFree: false): "
        "captured from the Wayback Machine (--via both keeps both)")
    assert "Subscribe" not in outcome.path.joinpath(store.TEXT).read_text()


def test_a_wall_no_shorter_than_its_snapshot_keeps_the_live_capture_and_warns(http_server, settings, monkeypatch):
    monkeypatch.setitem(ROUTES, "/paywall", lambda h, p: h.send(200, PAYWALL.encode()))
    url = http_server.url("/paywall")
    http_server.snapshots[url] = STAMPS
    http_server.snapshot_pages[url] = PAYWALL
    outcome = capture(http_server, settings, "/paywall")
    assert (outcome.via, outcome.route) == ("live", "live")
    assert "but its main text" in outcome.warnings[0] and "the live capture is kept" in outcome.warnings[0]
    assert set(record(outcome)["route"]) == {"path", "why", "live_characters", "wayback_characters"}


def test_a_short_page_is_checked_against_wayback_and_kept_quietly(http_server, settings):
    outcome = capture(http_server, settings, "/article")  # short, and no snapshot
    assert (outcome.via, outcome.warnings) == ("live", [])
    assert len(http_server.wayback_asks) == 1


def test_a_long_page_never_asks_wayback(http_server, settings, monkeypatch):
    monkeypatch.setitem(ROUTES, "/long", lambda h, p: h.send(200, LONG.encode()))
    outcome = capture(http_server, settings, "/long")
    assert (outcome.via, outcome.route, outcome.warnings) == ("live", "live", [])
    assert http_server.wayback_asks == []


def test_via_both_keeps_two_independent_witnesses(http_server, settings, capsys):
    http_server.snapshots[http_server.url("/article")] = STAMPS
    outcome = capture(http_server, settings, "/article", via="both")
    assert (outcome.state, outcome.via, outcome.also.state, outcome.also.via) == (
        "captured", "live", "captured", "wayback")
    captures = store.list_captures(settings.archive, "src")
    assert sorted(c.via for c in captures) == ["live", "wayback"] and outcome.path != outcome.also.path
    assert http_server.hits["/article"] == 1
    print_report(CaptureReport([outcome]))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("src  captured  live, ")
    assert lines[1] == "               path: live, because --via live"
    assert lines[2].startswith("src  captured  wayback, ")
    assert lines[3] == "               path: wayback, because --via wayback"
    assert lines[-1] == "1 captured, 0 skipped, 0 failed."


def test_via_both_without_a_snapshot_keeps_the_live_one_and_says_why_not(http_server, settings):
    outcome = capture(http_server, settings, "/article", via="both")
    assert (outcome.state, outcome.via, outcome.also.state) == ("captured", "live", "failed")
    assert "the Wayback Machine has no snapshot of this URL" in outcome.also.reason
    assert len(store.list_captures(settings.archive, "src")) == 1
