"""Search as you type in Chromium: the last word is matched as the beginning of a word while it is
typed, and the count never says "0 results" mid-word."""

from __future__ import annotations

from test_browser import browser, open_page  # the fixtures: Chromium, and pages checked for errors


def test_typing_matches_the_last_word_as_a_beginning(open_page):
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
