"""The Cite box, the downloads and the page metadata in a full build, and `sim-archive cite`."""

from __future__ import annotations

import bibtexparser
import extruct
import pytest
import rispy
from bs4 import BeautifulSoup
from simarchive.cli import main


def _soup(site, path):
    return BeautifulSoup(site.page(path), "lxml")


def test_event_page_has_the_cite_box_with_every_style(built_site):
    box = _soup(built_site, "events/2021-closure/index.html").select_one("section.cite")
    assert [dt.get_text() for dt in box.select(".cite-styles dt")] == [
        "APA 7", "MLA 9", "Chicago 17 (bibliography)", "Chicago 17 (note)", "Harvard (Cite Them Right)",
    ]
    assert box.select_one("#cite-apa").get_text() == (
        "Network closes. (n.d.). SIM Timeline and Evidence Archive. /events/2021-closure/"
    )
    assert [a["href"] for a in box.select(".cite-downloads a")] == [
        "/events/2021-closure/cite.bib", "/events/2021-closure/cite.ris", "/events/2021-closure/cite.json",
    ]
    assert box.select_one(".cite-permalink a")["href"] == "/events/2021-closure/"
    # No inline script: the copy buttons come from one external file.
    scripts = _soup(built_site, "events/2021-closure/index.html").select("script")
    assert all(s.get("src") or s.get("type") == "application/ld+json" for s in scripts)
    assert (built_site.output / "theme" / "js" / "cite.js").is_file()


def test_source_page_not_yet_captured_cites_the_original(built_site):
    box = _soup(built_site, "sources/island-news/index.html").select_one("section.cite")
    assert box.select_one(".cite-proof").get_text() == "Not yet archived: this cites the original address."
    assert box.select_one("#cite-mla").get_text() == (
        "Reporter, A. “Pilot Pairs Police and Nurses on the Isle of Wight.” Island Test News, 2 Nov. 2012, "
        "example.org/island/pilot."
    )


def test_downloads_are_read_back_by_independent_parsers(built_site):
    (entry,) = bibtexparser.parse_string(built_site.page("sources/island-news/cite.bib")).entries
    assert (entry["author"], entry["year"], entry["month"], entry["date"]) == (
        "Reporter, A.", "2012", "nov", "2012-11-02",
    )
    (record,) = rispy.loads(built_site.page("sources/island-news/cite.ris"))
    assert (record["title"], record["date"], record["urls"]) == (
        "Pilot pairs police and nurses on the Isle of Wight", "2012/11/02/", ["https://example.org/island/pilot"],
    )


def test_metadata_is_read_by_extruct(built_site):
    html = built_site.page("sources/island-news/index.html")
    data = extruct.extract(html, syntaxes=["json-ld", "opengraph", "dublincore"], uniform=True)
    (ld,) = data["json-ld"]
    assert (ld["@type"], ld["name"], ld["datePublished"]) == (
        "NewsArticle", "Pilot pairs police and nurses on the Isle of Wight", "2012-11-02",
    )
    assert ld["author"] == [{"@type": "Person", "familyName": "Reporter", "givenName": "A.", "name": "A. Reporter"}]
    assert data["opengraph"][0]["og:url"] == "https://example.org/island/pilot"
    dc = {e["name"]: e["content"] for e in data["dublincore"][0]["elements"]}
    assert (dc["DC.creator"], dc["DC.date"]) == ("Reporter, A.", "2012-11-02")
    page = BeautifulSoup(html, "lxml")
    highwire = {m["name"]: m["content"] for m in page.select('meta[name^="citation_"]')}
    assert highwire["citation_date"] == "2012/11/02"
    assert highwire["citation_journal_title"] == "Island Test News"
    assert page.select_one('link[rel="canonical"]')["href"] == "/sources/island-news/"


def test_month_only_event_metadata_keeps_no_invented_day(built_site):
    page = _soup(built_site, "events/2012-pilot/index.html")
    assert page.select_one('meta[name="citation_title"]')["content"] == (
        "Street triage pilot starts on the Isle of Wight"
    )
    assert "2012-01-01" not in str(page) and "2012/01/01" not in str(page)


def test_two_builds_of_the_same_content_write_the_same_citations(built_site, site):
    assert site.build().returncode == 0
    for path in ("events/2021-closure/cite.bib", "sources/island-news/cite.ris", "events/2012-pilot/cite.json",
                 "events/2021-closure/index.html"):
        assert site.page(path) == built_site.page(path), path


def test_cli_cites_an_event_and_a_source(built_site, capsys):
    settings = str(built_site.settings)
    assert main(["--settings", settings, "cite", "island-news", "--style", "harvard"]) == 0
    captured = capsys.readouterr()
    assert captured.out == (
        "Reporter, A. (2012) ‘Pilot pairs police and nurses on the Isle of Wight’, Island Test News, 2 November. "
        "Available at: https://example.org/island/pilot.\n"
    )
    assert "SITEURL is empty" in captured.err
    assert main(["--settings", settings, "cite", "2021-closure", "--style", "ris"]) == 0
    assert capsys.readouterr().out.startswith("TY  - ELEC\r\nTI  - Network closes\r\n")


def test_cli_unknown_id_lists_what_exists(built_site, capsys):
    assert main(["--settings", str(built_site.settings), "cite", "nope"]) == 1
    assert capsys.readouterr().err.strip() == (
        "sim-archive: unknown id 'nope'; known events: 2012-pilot, 2016-fellowship, 2018-spread, "
        "2021-closure, 2023-letter; sources: agency-page, island-news, letter"
    )
    assert main(["--settings", str(built_site.settings), "cite", "letter", "--capture", "20200101T000000Z"]) == 1
    assert capsys.readouterr().err.strip() == (
        "sim-archive: no capture '20200101T000000Z' of 'letter'; its captures: none yet"
    )


def test_cli_unknown_style_lists_the_styles(built_site, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--settings", str(built_site.settings), "cite", "letter", "--style", "vancouver"])
    assert stop.value.code == 2
    assert ("invalid choice: 'vancouver' (choose from 'apa', 'mla', 'chicago', 'chicago-note', 'harvard', "
            "'bibtex', 'ris', 'csl-json')") in capsys.readouterr().err
