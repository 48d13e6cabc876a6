"""The search page in Chromium: search as you type (the last word matched as the beginning of a
word while it is typed, never "0 results" mid-word; Enter searches the words as typed), on the
test site and on the real record; on a phone the hits come before the facets, which a link
reaches; every target at least 24 x 24 px, nothing wider than the screen, axe clean."""

from __future__ import annotations

import pytest
from support import REPO, SiteDir, serving
from test_browser import WCAG, browser, open_page, page_opener  # noqa: F401 - fixtures: Chromium, pages checked for errors

PHONE = {"width": 390, "height": 844}
LETTER = "/events/2023-03-10-nhse-position-letter/"
# Everything a reader can press on the search page.
TARGETS = ("main a, main button, main select, #q, .search label.inline, .pages [aria-current]")


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    """The real record (content/, its empty archive) built by Pelican and served."""
    site = SiteDir(tmp_path_factory.mktemp("real-site"), content=REPO / "content")
    result = site.build()
    assert result.returncode == 0, result.log
    with serving(site.settings) as base:
        yield base


@pytest.fixture
def open_real(browser, real_server):  # noqa: F811
    with page_opener(browser, real_server) as open_:
        yield open_


def small_targets(page) -> list[str]:
    return page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
        .filter(e => e.getClientRects().length && !e.closest('.visually-hidden'))
        .map(e => [e.textContent.trim().slice(0, 40) || e.id || e.name, e.getBoundingClientRect()])
        .filter(([, r]) => r.width < 24 || r.height < 24)
        .map(([name, r]) => `${name} ${Math.round(r.width)}x${Math.round(r.height)}`)""", TARGETS)


def test_typing_matches_the_last_word_as_a_beginning(open_page):  # noqa: F811
    from playwright.sync_api import expect  # installed with the browser fixture's playwright

    page = open_page("/search")
    page.locator("#q").press_sequentially("Isle of Wig", delay=30)
    expect(page.locator("#search-output .count")).to_contain_text("Wig…")
    count = page.inner_text("#search-output .count")
    assert count.startswith("2 results for “Isle of Wig…”"), count
    assert page.locator(".hits h2 a").count() == 2
    assert "partial=1" in page.url
    page.locator("#q").press("Enter")  # the form's own submit: the words as typed
    page.wait_for_url("**/search?q=Isle+of+Wig*")
    assert page.inner_text(".count").startswith("0 results for “Isle of Wig”")


def test_a_phrase_still_open_while_typing_asks_nothing_and_keeps_the_results(open_page):  # noqa: F811
    from playwright.sync_api import expect

    page = open_page("/search?q=Isle")
    asked = []
    page.on("request", lambda r: "/search?" in r.url and asked.append(r.url))
    before = page.inner_text("#search-output .count")
    page.locator("#q").press("End")
    page.locator("#q").press_sequentially(' "of Wig', delay=30)
    page.wait_for_timeout(800)  # past the pause after a keystroke that would send a request
    assert (asked, page.inner_text("#search-output .count")) == ([], before)
    page.locator("#q").press_sequentially('ht"', delay=30)  # closed: asked again
    expect(page.locator("#search-output .count")).to_contain_text("“Isle \"of Wight\"”")
    assert len(asked) == 1


def test_typing_kendall_lett_finds_the_letter_on_the_real_record(open_real):
    from playwright.sync_api import expect

    page = open_real("/search")
    page.locator("#q").press_sequentially("Kendall lett", delay=30)
    expect(page.locator("#search-output .count")).to_contain_text("Kendall lett…")
    assert not page.inner_text("#search-output .count").startswith("0 results")
    assert LETTER in page.eval_on_selector_all(".hits h2 a", "links => links.map(a => a.getAttribute('href'))")
    page.locator("#q").press("Enter")
    page.wait_for_url("**/search?q=Kendall+lett*")
    assert "partial" not in page.url
    assert page.inner_text(".count").startswith("0 results for “Kendall lett”")
    assert page.inner_text(".suggestion") == "Did you mean Kendall letter?"


@pytest.mark.parametrize("js", [True, False])
def test_on_a_phone_the_hits_come_first_and_a_link_reaches_the_facets(open_real, js):
    page = open_real("/search?q=police&page=2", viewport=PHONE, has_touch=True, java_script_enabled=js)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    hits = page.locator(".hits").bounding_box()
    facets = page.locator(".facets").bounding_box()
    assert hits["y"] + hits["height"] <= facets["y"]
    assert small_targets(page) == []
    assert page.locator(".pages a").count() >= 3
    page.focus(".to-facets a")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "facets"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.facets') !== null")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Events"


def test_on_a_laptop_the_facets_are_beside_the_hits_and_every_target_is_large_enough(open_real):
    page = open_real("/search?q=police", viewport={"width": 1366, "height": 900})
    hits = page.locator(".hits").bounding_box()
    facets = page.locator(".facets").bounding_box()
    assert facets["x"] >= hits["x"] + hits["width"]
    assert facets["y"] < hits["y"] + hits["height"]
    assert small_targets(page) == []


@pytest.mark.parametrize("js", [True, False])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/search?q=police", "/search?q=police&type=source&page=2", "/search?q=Isle+of+White",
                                  "/search?q=zeppelin+timetable"])
def test_the_search_page_is_axe_clean(open_real, path, scheme, js):
    """With JavaScript, the results as search.js swaps them in while typing; without it (the
    site's scripts answered empty, since axe itself runs as a script), the server's page."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    for viewport in (PHONE, {"width": 1280, "height": 900}):
        page = open_real(path, color_scheme=scheme, viewport=viewport)
        if js:
            typed = page.input_value("#q")
            page.locator("#q").press("End")
            page.locator("#q").press_sequentially("s", delay=30)  # results swapped in for the query and "s"
            expect(page.locator("#search-output .count")).to_contain_text(f"“{typed}s…”")
        else:
            page.route("**/theme/js/**", lambda r: r.fulfill(status=200, content_type="text/javascript", body=""))
            page.reload()
        results = Axe().run(page, options=WCAG)
        assert results.violations_count == 0, results.generate_report()
