"""The timeline's axis layout, its two JSON exports, and the timeline and event pages as built."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup
from simarchive.content.dates import parse_when
from simarchive.content.events import Event
from simarchive.site.axis import build_axis
from simarchive.site.timelinejs import date_object


def event(slug: str, when: str, phase: str = "Origins") -> Event:
    return Event(path=Path(f"{slug}.md"), title=slug.title(), slug=slug, when=parse_when(when),
                 summary="s", phase=phase, sources=["x"])


def soup(site, path: str) -> BeautifulSoup:
    return BeautifulSoup(site.page(path), "lxml")


def test_axis_is_proportional_to_real_time_and_draws_imprecision_as_bars():
    events = [event("a", "2012"), event("b", "2013-07-02", "Spread"), event("c", "[2014,2015]", "Spread")]
    axis = build_axis(events, ("Origins", "Spread"))
    assert [t.year for t in axis.ticks] == [2012, 2013, 2014, 2015, 2016]
    assert [t.x for t in axis.ticks] == [0.0, 25.051, 50.034, 75.017, 100.0]  # days: 2012 has 366
    a, b, c = axis.marks
    assert (a.precision, a.x, a.width, a.is_point) == ("year", 0.0, 25.051, False)
    assert (b.precision, b.is_point) == ("day", True)
    assert 37.5 < b.center < 37.6  # 2 July, half way through 2013
    assert (c.precision, c.x, c.width) == ("one-of", 50.034, 49.966)
    assert [(band.phase, band.x, band.row) for band in axis.bands] == [("Origins", 0.0, 0), ("Spread", b.x, 1)]


def test_axis_shows_gaps_and_stacks_close_marks():
    events = [event("a", "2012-03-01"), event("b", "2012-03-02"), event("c", "2016-01")]
    axis = build_axis(events, ("Origins",))
    assert [(y.year, y.count) for y in axis.years] == [(2012, 2), (2013, 0), (2014, 0), (2015, 0), (2016, 1)]
    assert axis.gaps == {2013: 2015}
    assert [m.lane for m in axis.marks] == [0, 1, 0]
    assert axis.lanes == 2


def test_axis_draws_an_open_start_as_a_lead_in_to_its_known_end():
    axis = build_axis([event("a", "2012"), event("b", "../2013-12")], ("Origins",))
    mark = axis.marks[1]
    assert mark.open_start and not mark.open_end
    assert (round(mark.x + mark.width, 3), mark.width) == (100.0, 2.5)
    assert build_axis([], ("Origins",)) is None


def test_timelinejs_date_objects_never_invent_a_month_or_day():
    assert date_object("2012") == {"year": 2012}
    assert date_object("2021-06") == {"year": 2021, "month": 6}
    assert date_object("2023-03-10") == {"year": 2023, "month": 3, "day": 10}


def test_timelinejs_export_follows_the_timelinejs3_format(built_site):
    data = json.loads(built_site.page("timeline-timelinejs.json"))
    assert set(data) == {"title", "events", "eras"}
    assert data["title"]["text"]["headline"] == "SIM Timeline and Evidence Archive"
    slides = {s["unique_id"]: s for s in data["events"]}
    assert list(slides) == ["2012-pilot", "2016-fellowship", "2018-spread", "2021-closure", "2023-letter"]
    assert slides["2012-pilot"]["start_date"] == {"year": 2012}
    assert "end_date" not in slides["2012-pilot"]
    assert slides["2016-fellowship"]["start_date"] == {"year": 2016}
    assert slides["2016-fellowship"]["display_date"] == "2016 or 2017"
    assert slides["2018-spread"]["start_date"] == {"year": 2018, "month": 4}
    assert slides["2018-spread"]["display_date"] == "by April 2018"
    assert slides["2023-letter"]["start_date"] == {"year": 2023, "month": 3, "day": 10}
    letter = slides["2023-letter"]
    assert letter["group"] == "Review"
    assert letter["text"] == {
        "headline": "Letter tells trusts to stop",
        "text": '<p>A national body told trusts to end the model.</p>'
                '<p><a href="/events/2023-letter/">The entry and its sources</a></p>',
    }
    assert data["eras"] == [
        {"start_date": {"year": 2012}, "end_date": {"year": 2012}, "text": {"headline": "Origins"}},
        {"start_date": {"year": 2016}, "end_date": {"year": 2018, "month": 4}, "text": {"headline": "Spread"}},
        {"start_date": {"year": 2021, "month": 6}, "end_date": {"year": 2021, "month": 6},
         "text": {"headline": "Concerns"}},
        {"start_date": {"year": 2023, "month": 3, "day": 10}, "end_date": {"year": 2023, "month": 3, "day": 10},
         "text": {"headline": "Review"}},
    ]


def test_timeline_json_has_the_documented_fields(built_site):
    data = json.loads(built_site.page("timeline.json"))
    assert data["version"] == 1
    assert data["phases"] == ["Origins", "Spread", "Concerns", "Review", "Aftermath"]
    first = data["events"][0]
    assert set(first) >= {"slug", "title", "when", "display_date", "earliest", "latest", "phase", "actors",
                          "summary", "url", "sources", "precision", "anchor", "disputed"}
    assert (first["when"], first["precision"], first["anchor"]) == ("2012", "year", "/#2012-pilot")
    assert first["sources"][0]["status"] == "not-captured"


def test_timeline_page_has_axis_year_navigator_filters_and_badges(built_site):
    page = soup(built_site, "index.html")
    assert len(page.find_all("h1")) == 1
    assert [a.get_text() for a in page.select(".yearnav a")] == ["2012", "2016", "2018", "2021", "2023"]
    assert [s.get_text(" ", strip=True) for s in page.select(".yearnav .empty")][:2] == [
        "2013 (no events)", "2014 (no events)",
    ]
    assert [p.get_text() for p in page.select("p.gap")] == [
        "2013 to 2015: no events recorded.", "2017: no events recorded.", "2019 to 2020: no events recorded.",
        "2022: no events recorded.",
    ]
    assert [a["href"] for a in page.select(".axis a.mark")] == [
        "#2012-pilot", "#2016-fellowship", "#2018-spread", "#2021-closure", "#2023-letter",
    ]
    assert page.select_one(".axis")["aria-hidden"] == "true"
    assert all(a["tabindex"] == "-1" for a in page.select(".axis a"))
    card = page.find(id="2016-fellowship")
    assert card.select_one(".disputed").get_text() == "Sources disagree"
    assert card.select_one(".actors").get_text(" ", strip=True) == "Actors: Test Agency"
    assert [b.get_text(" ", strip=True) for b in card.select(".badges a")] == [
        "National programme page: promotional · not yet captured",
        "Pilot pairs police and nurses on the Isle of Wight: news · not yet captured",
    ]
    labels = {label["for"] for label in page.select(".filters label[for]")}
    assert labels == {c["id"] for c in page.select(".filters input[type=search], .filters select")}
    assert [o.get_text() for o in page.select("#f-phase option")] == ["All phases", "Origins", "Spread", "Concerns",
                                                                      "Review"]
    assert [o.get_text() for o in page.select("#f-kind option")][1:] == ["news", "official", "promotional"]


def test_timeline_page_loads_only_same_origin_scripts_and_no_inline_code(built_site):
    page = soup(built_site, "index.html")
    scripts = page.find_all("script")
    assets = json.loads((built_site.output / "theme" / "assets.json").read_text(encoding="utf-8"))  # fingerprinted
    assert [s["src"] for s in scripts] == [f"/theme/{assets['js/early.js']}", f"/theme/{assets['js/timeline.js']}"]
    assert all(not s.string for s in scripts)
    assert not page.select("[style]")
    assert not any(attr.startswith("on") for tag in page.find_all(True) for attr in tag.attrs)


def test_event_page_has_previous_next_sources_and_the_citation_box(built_site):
    page = soup(built_site, "events/2018-spread/index.html")
    assert page.select_one('a[rel="prev"]')["href"] == "/events/2016-fellowship/"
    assert page.select_one('a[rel="next"]')["href"] == "/events/2021-closure/"
    assert page.select_one('a[rel="next"]').get_text(" ", strip=True) == "Next event Network closes (June 2021)"
    assert page.select_one("a.back-to-timeline")["href"] == "/#2018-spread"
    first = soup(built_site, "events/2012-pilot/index.html")
    assert first.select_one(".prevnext .none").get_text() == "This is the first event."
    assert page.select_one("section.cite h2").get_text() == "Cite this event"
    assert page.select_one("section.cite ~ nav.prevnext")  # the box in its place, before the links
