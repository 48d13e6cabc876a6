"""The journalist's path, shared by tests/test_browser.py and bench/journalist.py: from the timeline
on a phone to the 2018 AHSN adoption event, and its APA citation onto the clipboard."""

from __future__ import annotations

EVENT = "2018-ahsn-national-adoption-programme"
PHONE = {"width": 390, "height": 844}
#: What the browser context needs for the Copy button to reach the clipboard.
PERMISSIONS = ["clipboard-read", "clipboard-write"]


def cite_from_timeline(page) -> tuple[str, int]:
    """Follow the path in a page of a context whose base_url is the site; return the text on the
    clipboard and how many actions the reader took (opening the page, each click)."""
    page.goto("/")
    page.get_by_role("link", name="AHSN national adoption programme").click()
    page.wait_for_url(f"**/events/{EVENT}/")
    page.get_by_role("button", name="Copy the APA 7 citation").click()
    page.get_by_role("status").filter(has_text="APA 7 copied.").wait_for()
    return page.evaluate("navigator.clipboard.readText()"), 3
