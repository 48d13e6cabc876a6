"""The timeline's axis layout, its two JSON exports, and the timeline and event pages as built."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from simarchive.config import load_config
from simarchive.content.dates import parse_when
from simarchive.content.events import Event, read_event
from simarchive.content.site import load_site
from simarchive.site.axis import ROOM, build_axis
from simarchive.site.timeline import periods
from simarchive.site.timelinejs import date_object
from support import REPO


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


def test_axis_shows_gaps_and_clusters_marks_too_close_to_tell_apart():
    events = [event("a", "2012-03-01"), event("b", "2012-03-02"), event("c", "2016-01")]
    axis = build_axis(events, ("Origins",))
    assert [(y.year, y.count) for y in axis.years] == [(2012, 2), (2013, 0), (2014, 0), (2015, 0), (2016, 1)]
    assert axis.gaps == {2013: 2015}
    cluster, c = axis.marks
    assert (cluster.precision, cluster.members, cluster.display) == (
        "cluster", ("a", "b"), "2 events, 1 March 2012 to 2 March 2012")
    assert (c.precision, c.members, c.hit_width) == ("month", ("c",), ROOM)  # a target, though a month is narrower
    assert axis.lanes == 1
    # Zoomed into 2012, the two days are still a day apart: one cluster, which leads to the list.
    assert [m.members for m in build_axis(events, ("Origins",), years=(2012, 2012)).marks] == [("a", "b")]


def test_turning_points_are_never_clustered_and_take_the_first_lane():
    events = [event("a", "2021-05-01"), event("b", "2021-05-02"), event("c", "2021-05-03"), event("d", "2021-08")]
    axis = build_axis(events, ("Origins",), turning={"b": 1})
    marks = {m.members: m for m in axis.marks}
    assert set(marks) == {("a", "c"), ("b",), ("d",)}
    assert (marks["b",].number, marks["b",].lane) == (1, 0)
    assert marks["a", "c"].lane == 1  # it overlaps the turning point, so it takes the next lane


def test_axis_draws_an_open_start_as_a_lead_in_to_its_known_end():
    axis = build_axis([event("a", "2012"), event("b", "../2013-12")], ("Origins",))
    mark = axis.marks[1]
    assert mark.open_start and not mark.open_end
    assert (round(mark.x + mark.width, 3), mark.width) == (100.0, ROOM)
    assert build_axis([], ("Origins",)) is None


def _overlapping(marks) -> list[tuple[str, str]]:
    return [(a.display, b.display) for a, b in itertools.combinations(marks, 2)
            if a.lane == b.lane and a.hit_x < b.hit_end - 1e-6 and b.hit_x < a.hit_end - 1e-6]


@pytest.fixture(scope="module")
def real_content():
    config = load_config(REPO / "pelicanconf.py")
    return load_site(config), config.phases


def test_on_the_real_record_no_two_targets_overlap_and_each_is_a_phone_target_wide(real_content):
    site, phases = real_content
    turning = {e.slug: i for i, e in enumerate((e for e in site.events if e.turning), start=1)}
    assert len(turning) == 5
    views = [None] + [p.years for p in periods(site, phases)]
    for years in views:
        axis = build_axis(site.events, phases, years=years, turning=turning)
        assert _overlapping(axis.marks) == [], years
        assert all(m.hit_width >= ROOM - 1e-6 and m.hit_x >= 0 and m.hit_end <= 100 + 1e-6 for m in axis.marks)
        # Every event of the view is behind exactly one mark: its own, or a cluster's.
        shown = sorted(s for m in axis.marks for s in m.members)
        assert len(shown) == len(set(shown))
    axis = build_axis(site.events, phases, turning=turning)
    assert sorted(s for m in axis.marks for s in m.members) == sorted(e.slug for e in site.events)
    assert sorted(m.number for m in axis.marks if m.number) == [1, 2, 3, 4, 5]
    assert 3 <= axis.lanes <= 6  # clusters keep the overview short enough to read at a glance


def test_a_turning_point_label_is_short(tmp_path):
    path = tmp_path / "long.md"
    path.write_text("Title: T\nSlug: t\nWhen: 2012\nSummary: S.\nPhase: Origins\nTurning: " + "x" * 41
                    + "\nSources: a\n\nBody.\n")
    event, problems = read_event(path, "content/events/long.md", ("Origins",))
    assert event is None
    assert [str(p) for p in problems] == [
        "content/events/long.md:6: Turning: a turning point's label is at most 40 characters, not 41; "
        "say it in a few words"]


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


def test_timeline_page_opens_on_the_story_and_its_turning_points(built_site):
    page = soup(built_site, "index.html")
    assert len(page.find_all("h1")) == 1
    story = page.select_one(".story")
    assert story.find_next("figure", class_="axis")  # before the axis and the list
    assert "Serenity Integrated Mentoring (SIM)" in story.p.get_text()
    assert [(a["href"], a.get_text(" ", strip=True)) for a in story.select(".turning a")] == [
        ("/events/2018-spread/", "by April 2018 National adoption"),
        ("/events/2021-closure/", "June 2021 Network closes"),
        ("/events/2023-letter/", "10 March 2023 Letter to trusts"),
    ]
    numbered = {a["data-slug"]: a.title.get_text() for a in page.select(".axis a.mark.is-turning")}
    assert numbered == {"2018-spread": "Turning point 1: by April 2018: Chosen for national spread",
                        "2021-closure": "Turning point 2: June 2021: Network closes",
                        "2023-letter": "Turning point 3: 10 March 2023: Letter tells trusts to stop"}


def test_timeline_page_has_axis_year_navigator_filters_and_compact_sources(built_site):
    page = soup(built_site, "index.html")
    assert [a.get_text() for a in page.select(".yearnav a[data-year]")] == ["2012", "2016", "2018", "2021", "2023"]
    assert [s.get_text(" ", strip=True) for s in page.select(".yearnav .empty")][:2] == [
        "2013 (no events)", "2014 (no events)",
    ]
    assert [p.get_text() for p in page.select("p.gap")] == [
        "2013 to 2015: no events recorded.", "2017: no events recorded.", "2019 to 2020: no events recorded.",
        "2022: no events recorded.",
    ]
    # The marks are links in time order, each named by its date and title, none hidden from
    # assistive technology or taken out of the tab order.
    assert [a["href"] for a in page.select(".axis a.mark")] == [
        "#2012-pilot", "#2016-fellowship", "#2018-spread", "#2021-closure", "#2023-letter",
    ]
    assert page.select_one(".axis a.mark title").get_text() == "2012: Street triage pilot starts on the Isle of Wight"
    assert not page.select(".axis [aria-hidden] a, .axis [tabindex]")
    assert [li.get_text(" ", strip=True) for li in page.select(".axis-key li")] == [
        "a day", "a month, a year or a range", "an open end or “one of”", "events close together: zoom in",
        "a turning point"]
    card = page.find(id="2016-fellowship")
    assert card.select_one(".disputed").get_text() == "Sources disagree"
    assert card.select_one(".actors").get_text(" ", strip=True) == "Actors: Test Agency"
    assert (card["data-phase"], card["data-kinds"], card["data-years"]) == ("Spread", "promotional news", "2016 2017")
    assert card.select_one(".sources-list summary").get_text() == "2 sources · 0 archived"
    assert [li.get_text(" ", strip=True) for li in card.select(".sources-list li")] == [
        "National programme page , Test Agency · promotional · not yet archived",
        "Pilot pairs police and nurses on the Isle of Wight , Island Test News · news · not yet archived",
    ]
    assert not page.select(".badge, .badges")
    labels = {label["for"] for label in page.select(".filters label[for]")}
    assert labels == {c["id"] for c in page.select(".filters input[type=search], .filters select")}
    assert [o.get_text() for o in page.select("#f-phase option")] == ["All phases", "Origins", "Spread", "Concerns",
                                                                      "Review"]
    assert [o["value"] for o in page.select("#f-actors option")] == [
        "Test Agency", "Test Constabulary", "Test Health Body", "Test NHS Trust"]
    assert page.select_one("#f-actor")["list"] == "f-actors"
    assert [o.get_text() for o in page.select("#f-kind option")][1:] == ["news", "official", "promotional"]
    assert "data-source" not in page.select_one("#filters").attrs  # nothing to fetch


def test_a_page_per_phase_and_per_year_lists_its_events_with_the_axis_zoomed_in(built_site):
    page = soup(built_site, "index.html")
    browse = page.select_one("nav.browse")
    assert not browse.find_parent(class_="js-only")  # there without JavaScript
    assert [a["href"] for a in browse.select("a")] == [
        "/phases/origins/", "/phases/spread/", "/phases/concerns/", "/phases/review/",
        "/years/2012/", "/years/2016/", "/years/2017/", "/years/2018/", "/years/2021/", "/years/2023/"]
    spread = soup(built_site, "phases/spread/index.html")
    assert spread.h1.get_text() == "Phase: Spread"
    assert [li["id"] for li in spread.select("li.event")] == ["2016-fellowship", "2018-spread"]
    assert spread.select_one(".overview a")["href"] == "/?phase=Spread"
    assert spread.select_one('nav.browse a[aria-current="page"]')["href"] == "/phases/spread/"
    assert [a["href"] for a in spread.select(".axis a.mark")] == ["#2016-fellowship", "#2018-spread"]
    year = soup(built_site, "years/2017/index.html")  # "2016 or 2017" may fall in 2017
    assert [li["id"] for li in year.select("li.event")] == ["2016-fellowship"]
    assert year.select_one(".overview").get_text(" ", strip=True).startswith("1 event that may fall in 2017.")
    assert year.select_one(".overview a")["href"] == "/?from=2017&to=2017"
    assert [t.get_text() for t in year.select(".axis .month-label")] == list("JFMAMJJASOND")
    assert not (built_site.output / "years" / "2015").exists()


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
