"""The site shows what the watch found, offers each source's captures as a WACZ, says who
timestamped each capture, and links every original as a Robust Link."""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest
import requests
from bs4 import BeautifulSoup
from simarchive.archive.published import PUBLISH_MARK
from simarchive.archive.store import capture_day, list_captures
from simarchive.archive.watchlog import read_checks
from support import BIN, serving
from tsafixtures import tsa  # noqa: F401
from watchpages import BODY, ORIGINAL, page, pages  # noqa: F401

FAST = "SIMARCHIVE_DELAY = 0\nSIMARCHIVE_RETRIES = 0\nSIMARCHIVE_READ_TIMEOUT = 5\n"
CHANGED = (200, page([*BODY[:2], BODY[2].replace("£3.50", "£4.10"), BODY[3]]), {})


def soup(site, path: str) -> BeautifulSoup:
    return BeautifulSoup(site.page(path), "lxml")


def words(element) -> str:
    return " ".join(element.get_text().split())


def watch(site, pages, tsa, island, letter):
    """island-news and letter captured (and timestamped) from loopback; then their pages become
    island and letter, the watch finds so, and the site is built."""
    registry = site.content / "sources.toml"
    text = registry.read_text(encoding="utf-8")
    text = text.replace("https://example.org/island/pilot", pages.url("/island"))
    text = text.replace("https://example.org/letter", pages.url("/letter"))
    registry.write_text(text, encoding="utf-8")
    event = site.content / "events" / "2012-pilot.md"
    event.write_text(re.sub(r'\[@island-news, "[^"]*"\]', '[@island-news, "placed a police officer"]',
                            event.read_text(encoding="utf-8")), encoding="utf-8")
    with site.settings.open("a", encoding="utf-8") as settings:
        settings.write(FAST + f'SIMARCHIVE_TSA_URL = "{tsa.url}"\nSIMARCHIVE_TSA_CERT = "{tsa.ca}"\n')
    pages.routes["/island"] = pages.routes["/letter"] = ORIGINAL
    result = site.run("capture", "island-news", "letter", "--allow-private")
    assert result.returncode == 0, result.stdout + result.stderr
    pages.routes["/island"], pages.routes["/letter"] = island, letter
    pages.routes["/elsewhere"] = ORIGINAL
    result = site.run("watch", "--allow-private")
    assert result.returncode == 3, result.stdout + result.stderr
    assert site.run("verify").returncode == 0
    assert site.build().returncode == 0
    return site


@pytest.fixture
def watched_site(site, pages, tsa):
    """island-news's page changed, letter's is gone."""
    return watch(site, pages, tsa, CHANGED, (410, b"gone", {}))


def test_the_site_shows_a_page_that_moved_and_one_that_blocks_us(site, pages, tsa):
    watch(site, pages, tsa, (301, b"", {"Location": "/elsewhere"}), (403, b"no", {}))
    moved = words(soup(site, "sources/island-news/index.html").select_one("dd.watch-status"))
    assert moved.startswith(f"The original moved to {pages.url('/elsewhere')} (found on ")
    blocked = words(soup(site, "sources/letter/index.html").select_one("dd.watch-status"))
    assert blocked.startswith("The original has been blocked to us since ") and "HTTP 403 Forbidden" in blocked
    for status, title in (("moved", "Pilot pairs police and nurses on the Isle of Wight"),
                          ("blocked", "Position on the programme")):
        rows = soup(site, f"sources/status/{status}/index.html").select("table.catalogue tbody th a")
        assert [a.get_text() for a in rows] == [title]
    assert len(soup(site, "changes/index.html").select("table.changes tbody tr")) == 2


def test_the_source_page_says_the_original_changed_and_which_copy_is_cited(watched_site):
    site = watched_site
    (capture,) = list_captures(site.archive, "island-news")
    (check,) = read_checks(site.archive, "island-news")
    status = soup(site, "sources/island-news/index.html").select_one("dd.watch-status")
    said = words(status)
    assert said.startswith(f"The original changed on {capture_day(check['checked_at'])}; "
                           f"our copy of {capture_day(capture.captured_at)} is the one cited.")
    diff = status.select_one("details pre").get_text()
    assert f"+{BODY[2].replace('£3.50', '£4.10')}" in diff.splitlines()
    gone = words(soup(site, "sources/letter/index.html").select_one("dd.watch-status"))
    since = capture_day(read_checks(site.archive, "letter")[0]["checked_at"])
    assert gone.startswith(f"The original is gone since {since}")
    assert "HTTP 410" in gone
    assert soup(site, "sources/agency-page/index.html").select_one("dd.watch-status") is None  # never checked


def test_the_catalogue_filters_by_what_the_watch_found(watched_site):
    site = watched_site
    listed = {status: [a.get_text() for a in soup(site, f"sources/status/{status}/index.html").select(
        "table.catalogue tbody th a")] for status in ("changed", "moved", "gone", "blocked")}
    assert listed == {"changed": ["Pilot pairs police and nurses on the Isle of Wight"], "moved": [],
                      "gone": ["Position on the programme"], "blocked": []}
    catalogue = soup(site, "sources/index.html")
    assert [a["href"].rsplit("/", 2)[-2] for a in catalogue.select("a[href*='/sources/status/']")] == [
        "changed", "moved", "gone", "blocked"]
    current = soup(site, "sources/status/gone/index.html").select("nav.catalogue-nav [aria-current=page]")
    assert [a.get_text() for a in current] == ["gone"]
    assert "0 sources whose original the watch last found moved: none." in words(
        soup(site, "sources/status/moved/index.html"))


def test_changes_lists_what_the_watch_found_since_the_last_publish(watched_site):
    site = watched_site
    rows = soup(site, "changes/index.html").select("table.changes tbody tr")
    titles = {"island-news": "Pilot pairs police and nurses on the Isle of Wight",
              "letter": "Position on the programme"}
    newest_first = sorted(((c["checked_at"], sid) for sid in titles for c in read_checks(site.archive, sid)),
                          reverse=True)
    assert [r.select_one("th a").get_text() for r in rows] == [titles[sid] for _, sid in newest_first]
    assert any("had changed when we checked" in words(r) for r in rows)
    assert not (site.archive / PUBLISH_MARK).exists()  # only a publish build marks


def test_a_publish_marks_what_it_showed_and_the_next_lists_only_what_came_after(watched_site, pages):
    site = watched_site
    with site.settings.open("a", encoding="utf-8") as settings:
        settings.write("SIMARCHIVE_MARK_PUBLISH = True\n")
    assert site.build().returncode == 0
    assert len(soup(site, "changes/index.html").select("table.changes tbody tr")) == 2
    mark = json.loads((site.archive / PUBLISH_MARK).read_text())
    assert site.build().returncode == 0  # the same checks published again: the same page
    assert len(soup(site, "changes/index.html").select("table.changes tbody tr")) == 2
    pages.routes["/island"] = ORIGINAL  # back as it was: nothing new to list
    time.sleep(1.1)  # checks are timed to the second
    assert site.run("watch", "island-news", "--allow-private").returncode == 0
    assert site.build().returncode == 0
    lede = words(soup(site, "changes/index.html").select_one(".lede"))
    assert lede.startswith(f"Since {capture_day(mark['newest'])}") and "found 0 changes" in lede
    assert site.run("verify").returncode == 0


def test_each_source_offers_its_captures_as_a_wacz_that_validates_and_is_sent_as_a_download(watched_site):
    site = watched_site
    wacz = site.output / "sources" / "island-news" / "island-news.wacz"
    done = subprocess.run([str(BIN / "wacz"), "validate", "-f", str(wacz)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout
    link = soup(site, "sources/island-news/index.html").select_one("a[href$='island-news.wacz']")
    assert link.has_attr("download")
    assert not (site.output / "sources" / "agency-page" / "agency-page.wacz").exists()
    with serving(site.settings) as base:
        answer = requests.get(f"{base}/sources/island-news/island-news.wacz", timeout=10)
    assert answer.status_code == 200 and answer.content == wacz.read_bytes()
    assert answer.headers["Content-Type"] == "application/wacz"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="island-news.wacz"'


def test_the_capture_page_says_who_timestamped_it_and_when(watched_site):
    site = watched_site
    (capture,) = list_captures(site.archive, "island-news")
    folder = f"sources/island-news/captures/{capture.timestamp}"
    facts = words(soup(site, f"{folder}/index.html").select_one("dl.facts"))
    assert re.search(r"Timestamped by Loopback Test TSA at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", facts)
    assert (site.output / folder / "manifest-sha256.txt.tsr").read_bytes() == \
        (capture.path / "manifest-sha256.txt.tsr").read_bytes()


def _robust(anchor) -> tuple[str, str, str]:
    return anchor["data-originalurl"], anchor["data-versionurl"], anchor["data-versiondate"]


def test_every_link_to_an_original_is_a_robust_link(watched_site):
    site = watched_site
    (capture,) = list_captures(site.archive, "island-news")
    url = capture.original_url
    ours = f"/sources/island-news/captures/{capture.timestamp}/"
    day = capture.captured_at[:10]
    for path in ("sources/island-news/index.html", f"sources/island-news/captures/{capture.timestamp}/index.html",
                 "events/2012-pilot/index.html"):
        anchors = soup(site, path).select(f"a[data-originalurl='{url}']")
        assert anchors, path
        for anchor in anchors:
            assert anchor["href"] == url and _robust(anchor) == (url, ours, day)
            menu = [a.get_text() for a in anchor.parent.select("a")]
            assert menu[1:] == [f"our copy of {capture_day(capture.captured_at)}", "Wayback"], path
            wayback = anchor.parent.select("a")[-1]["href"]
            assert wayback == f"https://web.archive.org/web/{day.replace('-', '')}/{url}"
    # A source never captured: the Wayback Machine's snapshot nearest its publication is the version.
    agency = soup(site, "sources/agency-page/index.html").select_one("a[data-originalurl]")
    assert agency["data-originalurl"] == "https://example.org/agency/programme"
    assert not agency.has_attr("data-versionurl")  # no date known: nothing to point to
