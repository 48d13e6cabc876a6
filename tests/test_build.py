"""A full Pelican run into a temporary folder: the pages, their dates, and timeline.json."""

from __future__ import annotations

import datetime as dt
import json
import re

from bs4 import BeautifulSoup


def soup(site, path: str) -> BeautifulSoup:
    return BeautifulSoup(site.page(path), "lxml")


def test_timeline_lists_events_in_time_order_with_their_real_dates(built_site):
    page = soup(built_site, "index.html")
    events = page.select("li.event")
    assert [e["id"] for e in events] == [
        "2012-pilot", "2016-fellowship", "2018-spread", "2021-closure", "2023-letter",
    ]
    assert [e.select_one(".when").get_text(" ", strip=True).split(" · ")[0] for e in events] == [
        "2012", "2016 or 2017", "by April 2018", "June 2021", "10 March 2023",
    ]
    assert [h.get_text() for h in page.select("section.year > h2")] == ["2012", "2016", "2018", "2021", "2023"]


def test_no_day_is_invented_for_imprecise_dates(built_site):
    today = dt.date.today()
    html = built_site.page("events/2012-pilot/index.html")
    assert "January 2012" not in html
    assert f"{today.day} {today:%B} 2012" not in html
    assert not re.search(r"\b\d{1,2} \w+ 2012\b", BeautifulSoup(html, "lxml").select_one(".facts").get_text())


def test_event_page_numbers_references_and_shows_disagreement(built_site):
    page = soup(built_site, "events/2016-fellowship/index.html")
    assert page.h1.get_text() == "Fellowship awarded"
    assert page.select_one(".disputed-note").get_text(" ", strip=True) == (
        "Where sources disagree One source gives 2016 [1] ; another implies 2017 [2] ."
    )
    assert page.select_one(".body").get_text() == "The fellowship is dated differently by different sources[1]."
    refs = [li.get_text(" ", strip=True) for li in page.select("ol.references > li")]
    assert refs == [
        "National programme page , Test Agency.",
        "Pilot pairs police and nurses on the Isle of Wight , Island Test News (2 November 2012).",
    ]
    assert "[@" not in page.get_text()


def test_quoted_citation_links_to_the_passage_and_says_it_is_unverified(built_site):
    page = soup(built_site, "events/2012-pilot/index.html")
    assert page.select_one(".body").get_text().endswith("in the paper's words \"police and nurses\"[1].")
    quote = page.select_one("#ref-1 .quotes li")
    assert quote.a["href"] == "/sources/island-news/#:~:text=police%20and%20nurses"
    assert quote.get_text(" ", strip=True) == "“police and nurses” not yet verified against an archived copy"


def test_source_page_shows_metadata_status_and_citing_events(built_site):
    page = soup(built_site, "sources/island-news/index.html")
    facts = page.select_one(".facts").get_text(" ", strip=True)
    assert "Published 2 November 2012" in facts
    assert "Author A. Reporter" in facts
    assert "Not yet captured" in page.get_text()
    assert [a["href"] for a in page.select("#cited ~ ul a")] == [
        "/events/2012-pilot/", "/events/2016-fellowship/", "/events/2021-closure/",
    ]


def test_catalogue_lists_every_source_with_counts(built_site):
    page = soup(built_site, "sources/index.html")
    assert page.select_one(".lede").get_text().startswith("0 of 3 sources captured.")
    rows = page.select("table.catalogue tbody tr")
    assert [r.th.get_text(strip=True) for r in rows] == [
        "National programme page", "Pilot pairs police and nurses on the Isle of Wight", "Position on the programme",
    ]
    assert rows[0].find_all("td")[2].get_text() == "not shown"


def test_timeline_json(built_site):
    data = json.loads(built_site.page("timeline.json"))
    first = data["events"][1]
    assert {k: first[k] for k in ("slug", "when", "display_date", "earliest", "latest", "phase", "url")} == {
        "slug": "2016-fellowship", "when": "[2016,2017]", "display_date": "2016 or 2017",
        "earliest": "2016-01-01", "latest": "2017-12-31", "phase": "Spread", "url": "/events/2016-fellowship/",
    }
    assert data["events"][2]["earliest"] is None
    assert first["sources"][0] == {
        "id": "agency-page", "title": "National programme page", "publisher": "Test Agency", "kind": "promotional",
        "url": "https://example.org/agency/programme", "page": "/sources/agency-page/", "archived": None, "via": None,
        "status": "not-captured", "captures": 0,
    }


def test_pelican_blog_pages_are_not_written(built_site):
    for name in ("archives.html", "tags.html", "categories.html", "authors.html", "feeds"):
        assert not (built_site.output / name).exists()


def test_search_index_is_built_outside_the_output(built_site):
    assert (built_site.index / "current").is_symlink()
    assert not any(p.name.startswith("gen-") for p in built_site.output.rglob("*"))


def test_catalogue_sorts_and_filters_without_javascript(built_site):
    by_date = soup(built_site, "sources/by-published/index.html")
    assert [r.find_all("td")[2].get_text() for r in by_date.select("table.catalogue tbody tr")] == [
        "2 November 2012", "10 March 2023", "not shown",
    ]
    by_publisher = soup(built_site, "sources/by-publisher/index.html")
    assert [r.find_all("td")[0].get_text() for r in by_publisher.select("tbody tr")] == [
        "Island Test News", "Test Agency", "Test Health Body",
    ]
    news = soup(built_site, "sources/kind/news/index.html")
    assert [r.th.get_text(strip=True) for r in news.select("tbody tr")] == [
        "Pilot pairs police and nurses on the Isle of Wight",
    ]
    assert news.select_one('.catalogue-nav a[aria-current="page"]').get_text() == "news"
    assert not (built_site.output / "sources" / "kind" / "foi").exists()
