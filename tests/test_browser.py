"""Browser tests: Playwright for Python driving Debian's Chromium, headless, against the built test
site on the real waitress server (with its Content-Security-Policy), as a reader would use it."""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from journalist import EVENT, PERMISSIONS, PHONE, cite_from_timeline
from support import REPO, SiteDir, free_port, serving

CHROMIUM = Path(os.environ.get("SIM_CHROMIUM", "/usr/bin/chromium"))
HOW = "install it with `apt-get install chromium` (Debian), or point SIM_CHROMIUM at a Chromium binary"
EVENTS = ["2012-pilot", "2016-fellowship", "2018-spread", "2021-closure", "2023-letter"]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run: {reason}", pytrace=False)
    print(f"skipping the browser tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing; run .venv/bin/pip install -e '.[test]'")
    if not CHROMIUM.is_file():
        _unavailable(f"Chromium not found at {CHROMIUM}; {HOW}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


@contextmanager
def page_opener(browser, base: str):
    """Open pages of the server at `base` in fresh contexts; afterwards, check that none asked
    another origin for anything and none logged an error (a CSP violation logs one)."""
    contexts, foreign, errors = [], [], []

    def open_(path: str = "/", **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=base, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda r: r.url.startswith((base, "data:")) or foreign.append(r.url))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path)
        if path.split("#", maxsplit=1)[0].split("?", maxsplit=1)[0] == "/" and options.get("java_script_enabled", True):
            page.wait_for_selector("form#filters[data-ready]", state="attached")
        return page

    try:
        yield open_
    finally:
        for context in contexts:
            context.close()
    assert not foreign, f"requests to other origins: {foreign}"
    assert not errors, f"errors in the console: {errors}"


@pytest.fixture
def open_page(browser, web_server):
    """Pages of the test site, checked as page_opener checks them."""
    with page_opener(browser, web_server) as open_:
        yield open_


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    """The real record (content/ of the repository) built with its SITEURL, on the real server."""
    site = SiteDir(tmp_path_factory.mktemp("real"), content=REPO / "content")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    site.settings.write_text(site.settings.read_text() + f"SITEURL = {base!r}\nFEED_DOMAIN = SITEURL\n")
    result = site.build()
    assert result.returncode == 0, result.log
    with serving(site.settings, port=port) as served:
        yield served


@pytest.fixture
def open_real(browser, real_server):
    """Pages of the real record, checked as page_opener checks them."""
    with page_opener(browser, real_server) as open_:
        yield open_


def shown(page) -> list[str]:
    return page.eval_on_selector_all("li.event:not([hidden])", "els => els.map(e => e.id)")


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_filters_narrow_the_list_and_keep_their_state_in_the_url(open_page):
    page = open_page("/")
    assert page.inner_text("#f-count") == "Showing all 5 events."
    page.select_option("#f-phase", "Spread")
    assert shown(page) == ["2016-fellowship", "2018-spread"]
    assert page.inner_text("#f-count") == "Showing 2 of 5 events."
    assert page.url.endswith("/?phase=Spread")
    assert page.locator(".axis .mark.is-out").count() == 3
    page.fill("#f-q", "NATIONAL")
    page.wait_for_url("**/?q=NATIONAL&phase=Spread")
    assert shown(page) == ["2018-spread"]
    page.go_back()
    page.wait_for_url("**/?phase=Spread")
    assert (page.input_value("#f-q"), page.input_value("#f-phase")) == ("", "Spread")
    assert shown(page) == ["2016-fellowship", "2018-spread"]
    page.go_back()
    page.wait_for_url(lambda url: url.endswith("/"))
    assert shown(page) == EVENTS


def test_a_filtered_view_is_restored_from_its_address_and_cleared(open_page):
    page = open_page("/?actor=Test+Agency&from=2017")
    assert (page.input_value("#f-actor"), page.input_value("#f-from")) == ("Test Agency", "2017")
    assert shown(page) == ["2016-fellowship", "2018-spread"]  # "2016 or 2017" may be in 2017
    assert page.locator("section.year:not([hidden]) h2").all_inner_texts() == ["2016", "2018"]
    page.click("#f-clear")
    assert shown(page) == EVENTS
    assert page.url.endswith("/")
    page = open_page("/?kind=official&to=2022")
    assert shown(page) == []
    assert page.inner_text("#f-count") == "Showing 0 of 5 events."
    # Nothing matches: one button per filter, each saying what dropping it would show.
    drop = page.locator("#f-drop button")
    assert drop.all_inner_texts() == ["Drop Kind of source: official (4 events)", "Drop To: 2022 (1 event)"]
    drop.nth(1).click()
    page.wait_for_url("**/?kind=official")
    assert shown(page) == ["2023-letter"]
    assert page.is_hidden("#f-drop")


def test_actors_are_found_by_a_few_letters(open_page):
    page = open_page("/")
    page.fill("#f-actor", "constab")
    page.wait_for_url("**/?actor=constab")
    assert shown(page) == ["2012-pilot"]
    assert page.eval_on_selector_all("#f-actors option", "os => os.length") == 4


def test_a_deep_link_scrolls_to_its_event_highlights_and_focuses_it(open_page):
    page = open_page("/#2021-closure", viewport={"width": 390, "height": 700})
    page.wait_for_function("document.activeElement.id === '2021-closure'")
    card = page.locator("li.event#\\32 021-closure")
    assert "is-target" in card.get_attribute("class")
    box = card.bounding_box()
    assert box["y"] >= 0 and box["y"] + min(box["height"], 300) <= 700


def test_keyboard_moves_through_events_opens_one_and_comes_back(open_page):
    page = open_page("/")
    page.keyboard.press("j")
    assert focused(page) == "2012-pilot"
    page.keyboard.press("j")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("k")
    assert focused(page) == "2016-fellowship"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    page.wait_for_url("**/events/2016-fellowship/")
    page.keyboard.press("j")
    page.wait_for_url("**/events/2018-spread/")
    page.keyboard.press("k")
    page.wait_for_url("**/events/2016-fellowship/")
    page.keyboard.press("Escape")
    page.wait_for_url("**/#2016-fellowship")
    page.wait_for_selector("form#filters[data-ready]", state="attached")
    page.wait_for_function("document.activeElement.id === '2016-fellowship'")


def test_single_key_shortcuts_stay_out_of_text_fields_and_can_be_turned_off(open_page):
    page = open_page("/")
    page.focus("#f-q")
    page.keyboard.type("jk")
    assert page.input_value("#f-q") == "jk"
    page.click("#f-clear")
    page.click(".keys summary")
    page.uncheck("#keys-on")
    page.click("h1")
    page.keyboard.press("j")
    assert focused(page) != "2012-pilot"
    page.reload()
    page.wait_for_selector("form#filters[data-ready]", state="attached")
    assert not page.is_checked("#keys-on")


def test_without_javascript_every_event_source_and_link_is_there(open_page, built_site):
    page = open_page("/", java_script_enabled=False)
    titles = page.locator("li.event h3 a")
    assert titles.count() == len(EVENTS)
    assert all(titles.nth(i).is_visible() for i in range(len(EVENTS)))
    assert page.locator("li.event .sources-list a").count() == 6
    assert page.locator("li.event .sources-list summary").first.inner_text() == "1 source · 0 archived"
    assert page.locator("li.event .when").all_inner_texts() == [
        "2012", "2016 or 2017", "by April 2018", "June 2021", "10 March 2023",
    ]
    assert not page.is_visible("#filters")
    assert len(json.loads(built_site.page("timeline.json"))["events"]) == len(EVENTS)
    page.click("nav.browse >> text=Spread")  # the filter without JavaScript: a page per phase
    page.wait_for_url("**/phases/spread/")
    assert page.locator("li.event h3 a").all_inner_texts() == ["Fellowship awarded", "Chosen for national spread"]
    page.goto("/#2018-spread")  # :target highlights a deep-linked event without any script
    page.wait_for_timeout(600)  # the highlight fades in; wait_for_function needs scripts
    background = "id => getComputedStyle(document.getElementById(id)).backgroundColor"
    assert page.evaluate(background, "2018-spread") != page.evaluate(background, "2012-pilot")


def test_nothing_jumps_while_the_scripts_start(open_page):
    page = open_page("/")
    page.wait_for_timeout(300)
    shift = page.evaluate("""() => new Promise(resolve => {
        let total = 0;
        new PerformanceObserver(list => {
            for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
        }).observe({type: "layout-shift", buffered: true});
        setTimeout(() => resolve(total), 300);
    })""")
    assert shift < 0.01


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", "/events/2016-fellowship/", "/sources/island-news/", "/search?q=Isle",
                                  "/changes/", "/sources/status/changed/", "/years/2021/", "/phases/spread/"])
def test_axe_finds_no_wcag_violations(open_page, path, scheme):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(path, color_scheme=scheme)
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


def test_controls_are_large_enough_to_touch_and_nothing_overflows_a_phone(open_page):
    page = open_page("/", viewport={"width": 360, "height": 740}, has_touch=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click(".keys summary")
    small = page.evaluate("""() => [...document.querySelectorAll(
        '.yearnav a, .sources-list summary, .filters select, .filters input, .filters button, .keys summary, .skip, '
        + '.axis a, .browse a, .turning a')]
        .map(e => [e.textContent.trim() || e.id, e.getBoundingClientRect()])
        .filter(([, r]) => r.width < 24 || r.height < 24).map(([name]) => name)""")
    assert small == []


def test_reduced_motion_and_print(open_page):
    page = open_page("/", reduced_motion="reduce")
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    page.emulate_media(media="print")
    assert not page.is_visible("#filters")
    assert not page.is_visible(".yearnav")
    assert page.locator("li.event h3").count() == len(EVENTS)


def test_screenshots_at_phone_and_desktop_widths(open_page, tmp_path, capsys):
    folder = Path(os.environ.get("SIM_TEST_ARTIFACTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        for path, name in (("/", "timeline"), ("/events/2016-fellowship/", "event")):
            page = open_page(path, viewport={"width": width, "height": 900})
            target = folder / f"{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with capsys.disabled():
        print(f"\nscreenshots written to {folder}")


def test_the_year_bar_follows_the_reader_on_a_phone(open_page):
    page = open_page("/", viewport={"width": 390, "height": 700})
    bar = page.locator(".yearnav")
    assert page.evaluate("() => { const ol = document.querySelector('.yearnav ol'); "
                         "return ol.scrollWidth > ol.clientWidth; }")  # the years do not all fit
    page.locator("#y2023").scroll_into_view_if_needed()
    page.evaluate("scrollBy(0, 50)")
    page.wait_for_function("() => document.querySelector('.yearnav a[aria-current]')?.dataset.year === '2023'")
    assert bar.bounding_box()["y"] == 0  # it stays at the top of the window
    page.wait_for_function("""() => {
        const ol = document.querySelector('.yearnav ol'), a = ol.querySelector('a[aria-current]');
        const o = ol.getBoundingClientRect(), r = a.getBoundingClientRect();
        return r.left >= o.left - 1 && r.right <= o.right + 1; }""")


def test_axis_marks_are_links_a_keyboard_reaches_and_follows(open_page):
    page = open_page("/")
    page.focus(".axis a.mark[data-slug='2018-spread']")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#2018-spread"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#2016-fellowship"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === '2016-fellowship'")
    assert page.url.endswith("/#2016-fellowship")


def _boxes(page) -> list[tuple[str, dict]]:
    return page.evaluate("""() => [...document.querySelectorAll('.axis a')].map(a => {
        const r = a.getBoundingClientRect();
        return [a.querySelector('title').textContent, {x: r.x, y: r.y, w: r.width, h: r.height}];
    })""")


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 900}])
@pytest.mark.parametrize("path", ["/", "/years/2021/", "/years/2023/", "/phases/concerns/"])
def test_on_the_real_record_axis_targets_are_touch_sized_and_never_overlap(open_real, path, viewport):
    page = open_real(path, viewport=viewport)
    boxes = _boxes(page)
    assert len(boxes) >= 5
    small = [name for name, b in boxes if b["w"] < 23.5 or b["h"] < 23.5]
    assert small == []
    overlapping = [(m, n) for i, (m, a) in enumerate(boxes) for n, b in boxes[i + 1:]
                   if min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > 0.5
                   and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > 0.5]
    assert overlapping == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 900}])
def test_on_the_real_record_the_story_and_turning_points_need_no_scrolling(open_real, viewport):
    page = open_real("/", viewport=viewport)
    turning = page.locator(".story .turning a")
    assert turning.count() == 5
    assert page.locator(".story p").first.bounding_box()["y"] >= 0
    last = turning.nth(4).bounding_box()
    assert last["y"] + last["height"] <= viewport["height"]


def test_a_journalist_cites_the_2018_adoption_from_the_timeline_on_a_phone(open_real, real_server):
    page = open_real("/", viewport=PHONE, has_touch=True, permissions=PERMISSIONS)
    text, actions = cite_from_timeline(page)
    assert actions <= 3
    assert "(April 2018)" in text
    assert f"{real_server}/events/{EVENT}/" in text


def _documented_filters() -> list[str]:
    text = "".join((REPO / name).read_text(encoding="utf-8") for name in ("README.md", "docs/timeline.md"))
    return sorted(set(re.findall(r"`(/\?[^`\s]+)`", text)))


def test_the_filter_addresses_in_the_readme_and_the_docs_find_events_in_the_real_record(open_real):
    examples = _documented_filters()
    assert "/?phase=Review&kind=official&q=letter" in examples
    page = open_real("/")
    for example in examples:
        page.goto(example)
        page.wait_for_selector("form#filters[data-ready]", state="attached")
        assert shown(page), f"{example} shows no event"
    page.goto("/?phase=Review&kind=official&q=letter")
    page.wait_for_selector("form#filters[data-ready]", state="attached")
    assert shown(page) == ["2023-03-10-nhse-position-letter"]
