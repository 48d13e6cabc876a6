"""A full Pelican run into a temporary folder: the pages, their dates, timeline.json, the citation
files, and what a rebuild leaves."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from simarchive.config import Config
from simarchive.errors import ConfigError
from simarchive.site.plugin import check_output
from support import build, write_settings


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
    # One list of sources, in the order the text cites them, each linking back to its markers.
    refs = page.select("section[aria-labelledby=srcs] ol.references > li")
    assert [(li["id"], li.a.get_text()) for li in refs] == [
        ("ref-1", "National programme page"), ("ref-2", "Pilot pairs police and nurses on the Isle of Wight"),
    ]
    assert [a["href"] for a in refs[0].select(".backrefs a")] == ["#cite-1-1", "#cite-1-2"]
    assert [a["href"] for a in refs[1].select(".backrefs a")] == ["#cite-2-1"]
    assert [sup["id"] for sup in page.select("sup.ref")] == ["cite-1-1", "cite-2-1", "cite-1-2"]
    assert refs[1].select_one(".robust-link a")["data-originalurl"] == "https://example.org/island/pilot"
    assert refs[1].select_one(".status").get_text() == "not yet captured"
    assert page.get_text().count("Pilot pairs police and nurses on the Isle of Wight") == 1
    assert [h2.get_text() for h2 in page.select("h2")].count("References") == 0
    assert "[@" not in page.get_text()


def test_a_source_listed_but_not_cited_follows_the_cited_ones_in_the_one_list(site):
    event = site.content / "events" / "2018-spread.md"
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("Sources: agency-page", "Sources: island-news, agency-page"), encoding="utf-8")
    assert site.build().returncode == 0
    items = soup(site, "events/2018-spread/index.html").select("section[aria-labelledby=srcs] ol > li")
    assert [(li.get("id"), li.a["href"]) for li in items] == [
        ("ref-1", "/sources/agency-page/"), (None, "/sources/island-news/")]
    assert items[1].select_one(".backrefs").get_text() == "Listed for this event; not cited in the text."


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


def test_pelican_blog_pages_are_not_written_and_the_one_feed_is(built_site):
    for name in ("archives.html", "tags.html", "categories.html", "authors.html"):
        assert not (built_site.output / name).exists()
    assert [p.name for p in (built_site.output / "feeds").iterdir()] == ["events.atom.xml"]


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


def test_every_event_and_source_gets_its_page_and_citation_files_and_the_log_counts_them(site, caplog):
    caplog.set_level(logging.INFO, logger="simarchive")
    result = site.build()
    assert result.returncode == 0, result.log
    events = sorted(p.parent.name for p in site.output.glob("events/*/index.html"))
    registry = tomllib.loads((site.content / "sources.toml").read_text(encoding="utf-8"))
    assert all((site.output / "sources" / sid / "index.html").is_file() for sid in registry)
    assert sorted(p.parent.name for p in site.output.glob("events/*/sim-timeline-*.bib")) == events
    assert sorted(p.parent.name for p in site.output.glob("sources/*/sim-timeline-*.ris")) == sorted(registry)
    downloads = [p for p in site.output.rglob("sim-timeline-*") if p.suffix in {".bib", ".ris", ".json"}]
    assert len(downloads) == 3 * (len(events) + len(registry))
    pages = [site.output / "index.html", site.output / "404.html", site.output / "changes" / "index.html",
             *site.output.glob("sources/**/index.html"), *site.output.glob("phases/*/index.html"),
             *site.output.glob("years/*/index.html")]
    assert len(pages) == 27  # with a page for each of the 4 phases and 6 years that have events
    assert (f"simarchive: wrote {len(pages)} pages, timeline.json, timeline-timelinejs.json, "
            f"{len(downloads)} citation files and 0 capture files") in result.log.splitlines()


def test_a_site_with_no_events_still_gets_its_timeline_and_archive(site):
    shutil.rmtree(site.content / "events")
    (site.content / "events").mkdir()
    result = site.build()
    assert result.returncode == 0, result.log
    timeline = BeautifulSoup(site.page("index.html"), "lxml")
    assert timeline.select_one("main").get_text(" ", strip=True).endswith("No events yet.")
    assert (site.output / "sources" / "island-news" / "index.html").is_file()
    assert (site.output / "sources" / "island-news" / "sim-timeline-island-news.bib").is_file()
    assert not list(site.output.glob("events/*"))


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_rebuild_holds_exactly_what_a_build_into_an_empty_folder_does(site, tmp_path):
    with site.settings.open("a", encoding="utf-8") as settings:
        settings.write('OUTPUT_RETENTION = ["CNAME"]\n')
    assert site.build().returncode == 0
    (site.output / "CNAME").write_text("sim.example.org\n", encoding="utf-8")
    (site.output / "stray.html").write_text("left from long ago", encoding="utf-8")
    (site.content / "events" / "2018-spread.md").unlink()
    assert site.build().returncode == 0
    fresh = write_settings(tmp_path / "fresh.py", content=site.content, output=tmp_path / "fresh-output",
                           archive=site.archive, index=tmp_path / "fresh-index")
    assert build(fresh).returncode == 0

    rebuilt = files_in(site.output)
    assert rebuilt.pop("CNAME") == b"sim.example.org\n"  # kept, as OUTPUT_RETENTION asks
    assert rebuilt == files_in(tmp_path / "fresh-output")
    assert "stray.html" not in rebuilt
    assert not (site.output / "events" / "2018-spread").exists()


def test_an_output_folder_holding_the_archive_is_refused_and_left_as_it_is(site):
    with site.settings.open("a", encoding="utf-8") as settings:
        settings.write(f"OUTPUT_PATH = {str(site.root)!r}\n")
    before = files_in(site.root)
    result = site.build()
    assert result.returncode == 1
    assert result.log.splitlines() == [
        f"simarchive: OUTPUT_PATH {site.root} holds PATH {site.content}, SIMARCHIVE_ARCHIVE {site.archive}, "
        f"SIMARCHIVE_INDEX {site.index}, and DELETE_OUTPUT_DIRECTORY empties it before each build; "
        "set OUTPUT_PATH to a folder of its own",
    ]
    assert files_in(site.root) == before


def test_the_pelican_command_builds_what_an_in_process_build_does(site, tmp_path):
    """Once through Pelican's own command, as `make html` runs it (the other tests build in-process)."""
    result = site.run(tool="pelican")
    assert result.returncode == 0, result.stderr + result.stdout
    here = write_settings(tmp_path / "here.py", content=site.content, output=tmp_path / "here-output",
                          archive=site.archive, index=tmp_path / "here-index")
    assert build(here).returncode == 0
    assert files_in(site.output) == files_in(tmp_path / "here-output")
    assert len(files_in(site.output)) > 40


def test_only_a_folder_inside_the_output_is_held_by_it(tmp_path):
    def settings(archive: str, delete: bool = True) -> dict:
        return {"PATH": str(tmp_path / "content"), "OUTPUT_PATH": str(tmp_path / "output"),
                "THEME": str(tmp_path / "theme"), "SIMARCHIVE_ARCHIVE": str(tmp_path / archive),
                "SIMARCHIVE_INDEX": str(tmp_path / "var"), "DELETE_OUTPUT_DIRECTORY": delete}

    for beside in ("output-old", "archive"):
        check_output(settings(beside), Config.from_settings(settings(beside), tmp_path))
    with pytest.raises(ConfigError, match=f"holds SIMARCHIVE_ARCHIVE {tmp_path / 'output' / 'archive'}, and"):
        check_output(settings("output/archive"), Config.from_settings(settings("output/archive"), tmp_path))
    # Nothing is deleted when Pelican is not asked to empty the folder.
    check_output(settings("output/archive", delete=False), Config.from_settings(settings("output/archive"), tmp_path))


def test_a_build_stopped_by_a_content_problem_leaves_the_previous_output_in_place(site):
    assert site.build().returncode == 0
    before = files_in(site.output)
    event = site.content / "events" / "2021-closure.md"
    event.write_text(event.read_text(encoding="utf-8").replace("Sources: ", "Sources: no-such-source, "),
                     encoding="utf-8")
    result = site.build()
    assert result.returncode == 1
    assert "simarchive: 1 problem(s) in the content; nothing was built" in result.log.splitlines()
    assert files_in(site.output) == before
