"""Captures made by `sim-archive capture` from pages the test serves, shown on the built site."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup
from httpfixtures import http_server  # noqa: F401 - a fixture
from httppages import PDF
from simarchive.archive.store import capture_day, list_captures
from support import serving

FAST = "SIMARCHIVE_DELAY = 0\nSIMARCHIVE_RETRIES = 0\nSIMARCHIVE_READ_TIMEOUT = 5\n"


def page(site, path: str) -> BeautifulSoup:
    return BeautifulSoup(site.page(path), "lxml")


@pytest.fixture
def archived_site(site, http_server):  # noqa: F811
    """The test site with island-news and letter served locally and captured."""
    registry = site.content / "sources.toml"
    text = registry.read_text(encoding="utf-8")
    text = text.replace("https://example.org/island/pilot", http_server.url("/article"))
    text = text.replace("https://example.org/letter", http_server.url("/doc.pdf"))
    registry.write_text(text, encoding="utf-8")
    (site.content / "events" / "2012-pilot.md").write_text(
        "Title: Street triage pilot starts on the Isle of Wight\nSlug: 2012-pilot\nWhen: 2012\n"
        "Summary: A police officer and a nurse began attending crisis calls together.\nPhase: Origins\n"
        "Sources: island-news\n\n"
        'The report says the pilot "began on the Isle of Wight" [@island-news, "began on the Isle of Wight"].\n',
        encoding="utf-8",
    )
    with site.settings.open("a", encoding="utf-8") as settings:
        settings.write(FAST)
    result = site.run("capture", "island-news", "letter", "--allow-private")
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def test_captured_sources_are_shown_with_history_text_and_downloads(archived_site):
    site = archived_site
    assert site.run("verify").returncode == 0
    assert site.build().returncode == 0
    (capture,) = list_captures(site.archive, "island-news")
    source = page(site, "sources/island-news/index.html")
    row = source.select_one("table.captures tbody tr")
    assert row.select_one("code.hash").get_text() == capture.sha256
    assert [a.get_text() for a in row.select("a[download]")] == ["WARC"]
    text = source.select_one("pre.archived-text").get_text()
    assert "The pilot began on the Isle of Wight in 2012." in text
    assert "SECRET-TRACKER" not in text
    folder = site.output / "sources" / "island-news" / "captures" / capture.timestamp
    assert (folder / "capture.warc.gz").read_bytes() == capture.warc_path.read_bytes()
    assert "The pilot began" in page(site, f"sources/island-news/captures/{capture.timestamp}/index.html").get_text()


def test_an_archived_pdf_offers_the_original_file(archived_site):
    site = archived_site
    assert site.build().returncode == 0
    (capture,) = list_captures(site.archive, "letter")
    original = site.output / "sources" / "letter" / "captures" / capture.timestamp / "original.pdf"
    assert original.read_bytes() == PDF
    assert hashlib.sha256(PDF).hexdigest() == capture.sha256
    links = page(site, "sources/letter/index.html").select("table.captures a[download]")
    assert [a.get_text() for a in links] == ["WARC", "original PDF"]


def test_archive_status_and_counts(archived_site):
    site = archived_site
    assert site.build().returncode == 0
    day = capture_day(list_captures(site.archive, "island-news")[0].captured_at)
    catalogue = page(site, "sources/index.html")
    assert catalogue.select_one(".lede").get_text().startswith("2 of 3 sources captured.")
    timeline = json.loads(site.page("timeline.json"))
    first = next(e for e in timeline["events"] if e["slug"] == "2012-pilot")
    assert first["sources"][0]["status"] == "archived"
    event = page(site, "events/2012-pilot/index.html")
    assert f"archived {day}" in event.select_one("section[aria-labelledby=srcs]").get_text(" ", strip=True)
    letter = page(site, "events/2023-letter/index.html").select_one("section[aria-labelledby=srcs]")
    assert f"archived {day}" in letter.get_text(" ", strip=True)
    agency = page(site, "events/2018-spread/index.html").select_one("section[aria-labelledby=srcs]")
    assert "not yet captured" in agency.get_text(" ", strip=True)


def test_quote_found_in_the_capture_is_verified(archived_site):
    site = archived_site
    result = site.run("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "OK: 5 events, 3 sources; 1 quotes verified, 0 not yet verifiable."
    assert site.build().returncode == 0
    day = capture_day(list_captures(site.archive, "island-news")[0].captured_at)
    quote = page(site, "events/2012-pilot/index.html").select_one("#ref-1 .quotes li")
    assert quote.get_text(" ", strip=True) == f"“began on the Isle of Wight” verified in the capture of {day}"


def test_quote_not_in_the_capture_fails_check_and_build(archived_site):
    site = archived_site
    event = site.content / "events" / "2012-pilot.md"
    event.write_text(event.read_text(encoding="utf-8").replace(
        '[@island-news, "began on the Isle of Wight"]', '[@island-news, "began on the mainland"]'))
    (capture,) = list_captures(site.archive, "island-news")
    expected = (
        'content/events/2012-pilot.md:8: citation: quote "began on the mainland" is not in '
        f"archive/island-news/{capture.timestamp}/text.txt, the archived text of 'island-news'; "
        "quote it exactly or remove the quotation"
    )
    result = site.run("check")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [expected, "1 problem(s) found."]
    build = site.build()
    assert build.returncode == 1
    assert f"simarchive: {expected}" in build.log.splitlines()


def test_quote_matching_ignores_case_space_quotes_and_dashes(archived_site):
    site = archived_site
    event = site.content / "events" / "2012-pilot.md"
    event.write_text(event.read_text(encoding="utf-8").replace(
        '[@island-news, "began on the Isle of Wight"]', "[@island-news, “BEGAN  on the isle of   wight”]"))
    result = site.run("check")
    assert result.returncode == 0, result.stderr


def test_downloads_are_sent_as_attachments(archived_site):
    site = archived_site
    assert site.build().returncode == 0
    (capture,) = list_captures(site.archive, "letter")
    with serving(site.settings) as server:
        base = f"{server}/sources/letter/captures/{capture.timestamp}/"
        for name in ("capture.warc.gz", "original.pdf"):
            response = requests.get(base + name, timeout=10)
            assert response.status_code == 200
            assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert requests.get(base + "original.pdf", timeout=10).content == PDF


def test_captured_text_is_searchable_and_links_to_the_passage(archived_site):
    from simarchive.config import load_config
    from simarchive.search.searcher import Searcher, SearchRequest

    site = archived_site
    assert site.build().returncode == 0
    config = load_config(site.settings)
    results = Searcher(config.index, config.archive, config.max_query).search(SearchRequest('"fewer detentions"'))
    assert [hit.id for hit in results.hits] == ["source:island-news"]
    (capture,) = list_captures(site.archive, "island-news")
    assert results.hits[0].passages[0].link.startswith(
        f"/sources/island-news/captures/{capture.timestamp}/#:~:text=")


def test_captures_are_cached_as_immutable_and_pages_are_not(archived_site):
    site = archived_site
    assert site.build().returncode == 0
    (capture,) = list_captures(site.archive, "island-news")
    with serving(site.settings) as server:
        folder = f"{server}/sources/island-news/captures/{capture.timestamp}/"
        warc = requests.get(folder + "capture.warc.gz", timeout=10)
        assert warc.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        # The capture's page revalidates: its text never changes, but the site around it does.
        assert requests.get(folder, timeout=10).headers["Cache-Control"] == "no-cache"
        assert "immutable" not in requests.get(f"{server}/sources/island-news/", timeout=10).headers["Cache-Control"]


def test_source_page_cites_its_latest_archived_copy(archived_site):
    site = archived_site
    assert site.build().returncode == 0
    (capture,) = list_captures(site.archive, "island-news")
    box = page(site, "sources/island-news/index.html").select_one("section.cite")
    assert box.h2.get_text() == "Cite this archived copy"
    assert capture.sha256 in box.select_one(".cite-proof").get_text()
    apa = box.select_one("#cite-apa").get_text()
    assert apa.startswith("Reporter, A. (2012, November 2). Pilot pairs police and nurses on the Isle of Wight.")
    assert f"/sources/island-news/captures/{capture.timestamp}/" in apa
    bib = (site.output / "sources" / "island-news" / f"sim-timeline-island-news-{capture.timestamp}.bib").read_text(
        encoding="utf-8")
    assert capture.sha256 in bib


def test_a_capture_missing_its_warc_is_reported_and_its_page_still_written(archived_site):
    site = archived_site
    (capture,) = list_captures(site.archive, "island-news")
    capture.warc_path.unlink()
    result = site.build()
    assert result.returncode == 0, result.log
    assert f"simarchive: {capture.warc_path}: missing; run sim-archive verify" in result.log.splitlines()
    assert (site.output / "sources" / "island-news" / "captures" / capture.timestamp / "index.html").is_file()


def test_a_text_replaced_by_a_symlink_is_never_published(archived_site):
    """The build reads captures through store.list_captures, which refuses a symlinked text.txt."""
    site = archived_site
    (capture,) = list_captures(site.archive, "island-news")
    capture.text_path.unlink()
    capture.text_path.symlink_to("/etc/passwd")
    secret = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
    verify = site.run("verify")
    assert verify.returncode == 1
    assert f"{capture.text_path}: is a symbolic link (to /etc/passwd)" in verify.stderr
    build = site.build()
    assert build.returncode == 0 and (site.output / "sources" / "island-news" / "index.html").is_file()
    assert (f"simarchive: {capture.text_path}: is a symbolic link; a capture holds only regular files in "
            "a real folder; run sim-archive verify") in build.log.splitlines()
    published = [p for p in site.output.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
    assert published == []
    assert list_captures(site.archive, "island-news") == []
