"""`sim-archive watch` against a loopback server whose pages change, vanish, move and block between
a capture and a check: every change reported with the right kind, and furniture never a change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time

import pytest
from httpfixtures import make_config, no_proxies, source  # noqa: F401
from simarchive.archive import store
from simarchive.archive.verify import verify_archive
from simarchive.archive.watchlog import WATCH_LOG, read_checks, watch_status
from simarchive.capture.pipeline import capture_sources
from simarchive.cli import main
from simarchive.watch.check import watch_sources
from simarchive.watch.furniture import around, compare
from watchpages import BODY, ORIGINAL, page, pages  # noqa: F401

#: What each page is when captured, and when checked, and what the check must find.
CASES = {
    "same": (ORIGINAL, ORIGINAL, "same"),
    "furniture": ((200, lambda: page(BODY, furniture=True), {}), (200, lambda: page(BODY, furniture=True), {}),
                  "same"),
    "changed": (ORIGINAL, (200, page([*BODY[:2], BODY[2].replace("£3.50", "£4.10"), BODY[3]]), {}), "changed"),
    "moved": (ORIGINAL, (301, b"moved", {"Location": "/elsewhere"}), "moved"),
    "gone-404": (ORIGINAL, (404, b"no such page", {}), "gone"),
    "gone-410": (ORIGINAL, (410, b"gone for good", {}), "gone"),
    "forbidden": (ORIGINAL, (403, b"forbidden", {}), "blocked"),
    "too-many": (ORIGINAL, (429, b"slow down", {}), "blocked"),
    "legal": (ORIGINAL, (451, b"unavailable for legal reasons", {}), "blocked"),
    "paywall": (ORIGINAL, (200, page(BODY[:1], extra="<p>Subscribe to continue reading.</p>"), {}), "blocked"),
    "broken": (ORIGINAL, (500, b"oops", {}), "error"),
}


@pytest.fixture
def watched(pages, tmp_path):
    """Every case captured as it was, its page changed, then checked once."""
    config = make_config(tmp_path, retries=0)
    sources = [source(sid, pages.url(f"/{sid}")) for sid in CASES]
    for sid, (before, _, _) in CASES.items():
        pages.routes[f"/{sid}"] = before
    assert capture_sources(sources, config.archive, config, allow_private=True).ok
    for sid, (_, after, _) in CASES.items():
        pages.routes[f"/{sid}"] = after
    pages.routes["/elsewhere"] = ORIGINAL
    gone_dns = source("gone-dns", "http://sim-archive-test.invalid/page")
    capture_sources([source("gone-dns", pages.url("/same"))], config.archive, config, allow_private=True)
    report = watch_sources([*sources, gone_dns], config.archive, config, allow_private=True)
    return config, report, [*sources, gone_dns]


def test_every_change_is_reported_with_its_kind(watched):
    _, report, _ = watched
    found = {c.source_id: c.result for c in report.checks}
    assert found == {**{sid: want for sid, (_, _, want) in CASES.items()}, "gone-dns": "gone"}


def test_pages_that_differ_only_in_furniture_are_the_same_again_and_again(pages, tmp_path):
    config = make_config(tmp_path, retries=0)
    pages.routes["/f"] = (200, lambda: page(BODY, furniture=True), {})
    assert capture_sources([source("f", pages.url("/f"))], config.archive, config, allow_private=True).ok
    results = [c.result for _ in range(10)
               for c in watch_sources([source("f", pages.url("/f"))], config.archive, config,
                                      allow_private=True).checks]
    assert results == ["same"] * 10


def test_what_each_check_records(watched):
    config, report, _ = watched
    checks = {c.source_id: c.record for c in report.checks}
    changed = checks["changed"]
    assert 0.8 < changed["similarity"] < 1
    assert f"-{BODY[2]}" in changed["diff"].splitlines()
    assert f"+{BODY[2].replace('£3.50', '£4.10')}" in changed["diff"].splitlines()
    assert (changed["added"], changed["removed"]) == (1, 1)
    moved = checks["moved"]
    assert moved["final_url"].endswith("/elsewhere") and moved["redirects"] == [moved["url"]]
    assert moved["similarity"] == 1.0  # the page moved, its text did not change
    assert checks["gone-404"]["status"] == 404 and checks["gone-dns"]["status"] is None
    assert "not found (DNS lookup failed)" in checks["gone-dns"]["reason"]
    assert checks["legal"]["status"] == 451
    wall = "its text reads like a paywall or a consent wall ('Subscribe to continue')"
    assert wall in checks["paywall"]["reason"]
    for record in checks.values():
        assert record["capture"] == store.capture_dirs(config.archive, record["source_id"])[-1].name


def test_checks_are_appended_to_a_chained_log_that_verify_reads(watched):
    config, report, sources = watched
    watch_sources(sources[:3], config.archive, config, allow_private=True)  # a second run
    assert [c["result"] for c in read_checks(config.archive, "same")] == ["same", "same"]
    lines = (config.archive / "changed" / WATCH_LOG).read_text().splitlines()
    assert json.loads(lines[0])["previous"] is None and json.loads(lines[1])["previous"]
    result = verify_archive(config.archive)
    assert result.problems == [] and result.watch_checks == len(CASES) + 1 + 3


def test_verify_finds_an_edited_or_removed_line(watched):
    config, _, sources = watched
    watch_sources(sources[:1], config.archive, config, allow_private=True)
    watch_sources(sources[:1], config.archive, config, allow_private=True)
    log = config.archive / "same" / WATCH_LOG
    lines = log.read_text().splitlines()
    log.write_text("\n".join([lines[0], lines[2]]) + "\n")  # the middle check removed
    problems = verify_archive(config.archive).problems
    assert [(str(p), m.split(":")[0]) for p, m in problems] == [(f"{log}:2", "the chain is broken")]
    log.write_text("\n".join([lines[0], lines[1].replace('"result": "same"', '"result": "changed"'), lines[2]]) + "\n")
    assert [str(p) for p, _ in verify_archive(config.archive).problems] == [f"{log}:3"]


def test_capture_changed_captures_again_what_changed_or_moved(pages, tmp_path):
    config = make_config(tmp_path, retries=0)
    sources = [source(sid, pages.url(f"/{sid}")) for sid in ("changed", "moved", "same", "gone-404")]
    for s in sources:
        pages.routes[f"/{s.id}"] = CASES[s.id][0]
    capture_sources(sources, config.archive, config, allow_private=True)
    for s in sources:
        pages.routes[f"/{s.id}"] = CASES[s.id][1]
    pages.routes["/elsewhere"] = ORIGINAL
    report = watch_sources(sources, config.archive, config, allow_private=True, capture_changed=True)
    records = {c.source_id: c.record for c in report.checks}
    for sid in ("changed", "moved"):
        folders = store.capture_dirs(config.archive, sid)
        assert len(folders) == 2 and records[sid]["captured"] == folders[-1].name
        assert records[sid]["capture"] == folders[0].name
    assert [len(store.capture_dirs(config.archive, s)) for s in ("same", "gone-404")] == [1, 1]
    assert verify_archive(config.archive).problems == []
    status = watch_status(read_checks(config.archive, "changed"))
    assert status.result == "changed" and status.recaptured == records["changed"]["captured"]
    # Checked again, the page is the same as its new capture.
    again = watch_sources(sources[:1], config.archive, config, allow_private=True)
    assert again.checks[0].result == "same"


def test_the_watch_status_of_a_source(watched):
    config, _, sources = watched
    gone = sources[list(CASES).index("gone-404")]
    watch_sources([gone], config.archive, config, allow_private=True)
    status = watch_status(read_checks(config.archive, "gone-404"))
    first = read_checks(config.archive, "gone-404")[0]["checked_at"]
    assert (status.result, status.since) == ("gone", first)
    assert watch_status(read_checks(config.archive, "broken")) is None  # an error says nothing of the page


def _settings(tmp_path, pages) -> str:
    (tmp_path / "sources.toml").write_text("".join(
        f'[{sid}]\nurl = "{pages.url("/" + sid)}"\ntitle = "T"\npublisher = "P"\nkind = "report"\n\n'
        for sid in ("same", "changed", "broken")))
    conf = tmp_path / "conf.py"
    conf.write_text('SIMARCHIVE_SOURCES = "sources.toml"\nSIMARCHIVE_ARCHIVE = "archive"\nSIMARCHIVE_RETRIES = 0\n'
                    'SIMARCHIVE_DELAY = 0\n')
    return str(conf)


def test_sim_archive_watch_prints_a_table_and_exits_for_a_scheduled_job(pages, tmp_path, capsys):
    conf = _settings(tmp_path, pages)
    for sid in ("same", "changed", "broken"):
        pages.routes[f"/{sid}"] = ORIGINAL
    assert main(["--settings", conf, "capture", "--all", "--allow-private"]) == 0
    capsys.readouterr()
    assert main(["--settings", conf, "watch", "--allow-private"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "3 same."
    pages.routes["/broken"] = CASES["broken"][1]
    assert main(["--settings", conf, "watch", "--allow-private"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "2 same, 1 error."
    pages.routes["/changed"] = CASES["changed"][1]
    assert main(["--settings", conf, "watch", "--allow-private", "same", "changed"]) == 3
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("same     same     as our copy of ")
    similarity = read_checks(tmp_path / "archive", "changed")[-1]["similarity"]
    assert out[1] == f"changed  changed  {similarity:.1%} of the main text the same: 1 line(s) gone, 1 new"
    assert out[-1] == "1 same, 1 changed."
    assert main(["--settings", conf, "watch", "nosuch"]) == 1
    assert "unknown source id 'nosuch'" in capsys.readouterr().err


def test_never_captured_sources_are_skipped_and_not_logged(pages, tmp_path):
    config = make_config(tmp_path, retries=0)
    report = watch_sources([source("new", pages.url("/same"))], config.archive, config, allow_private=True)
    assert report.checks[0].result == "skipped" and not (config.archive / "new" / WATCH_LOG).exists()


def test_the_furniture_rule_keeps_real_dates_and_figures():
    days = around(dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC))
    assert compare("Wednesday 2 December 2026\nText.", "Thursday 3 December 2026\nText.", days).same
    assert not compare("Published 10 March 2023.", "Published 11 March 2023.", days).same
    assert not compare("It cost £3.50.", "It cost £3.60.", days).same
    assert compare("At 13:40 GMT.\nText.", "At 09:12 GMT.\nText.", days).same  # a time alone is furniture
    assert compare("Text.\nAdvertisement", "Text.", days).same


def test_a_watch_of_a_private_address_is_refused_without_allow_private(pages, tmp_path):
    config = make_config(tmp_path, retries=0)
    pages.routes["/same"] = ORIGINAL
    capture_sources([source("same", pages.url("/same"))], config.archive, config, allow_private=True)
    report = watch_sources([source("same", pages.url("/same"))], config.archive, dataclasses.replace(config))
    assert report.checks[0].result == "error" and "refused" in report.checks[0].record["reason"]


def test_changes_since_the_last_publish(watched):
    from simarchive.archive.published import changes_since, mark_publish, newest_check

    config, _, sources = watched
    archive = config.archive
    checks = {s.id: read_checks(archive, s.id) for s in sources}
    assert changes_since(archive, checks) is None  # never published: every check is new
    newest = newest_check(checks)
    mark_publish(archive, None, checks)
    assert changes_since(archive, checks) is None  # the same checks published again: the same page
    time.sleep(1.1)  # checks are timed to the second
    watch_sources(sources[:2], archive, config, allow_private=True)
    checks = {s.id: read_checks(archive, s.id) for s in sources}
    assert changes_since(archive, checks) == newest  # only what the last publish did not show
    assert verify_archive(archive).problems == []  # the mark is no part of the evidence
