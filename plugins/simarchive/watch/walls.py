"""Whether a page that answered 200 is a wall (a paywall, a consent or sign-in wall, a bot check)
standing where the page was: the heuristic by which `watch` says "blocked".

reason = wall_reason(html, main_text_now, main_text_ours)   # None, or what gave the wall away

A page is a wall when its main text is less than half of our copy's and either its structured data
says it is not free to read (schema.org isAccessibleForFree false, as paywalled news sites mark
their articles for search engines) or its text says what walls say ("subscribe to continue
reading", "accept cookies to continue", "checking your browser"). A page whose text is all there
is never a wall, whatever its footer says about subscribing.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

__all__ = ["wall_reason"]

#: How much shorter than our copy's a main text must be for the page to be a wall.
SHORTER = 0.5

_PHRASES = re.compile(
    r"subscribe (?:now |today )?to (?:continue|read|keep reading|unlock)|for subscribers only|subscriber[- ]only|"
    r"(?:sign|log) ?in to (?:continue|read|keep reading)|create a free account to (?:continue|read)|"
    r"you(?:'ve| have) reached (?:your|the) (?:limit|maximum) of free|free articles? (?:left|remaining)|"
    r"(?:accept|agree to) (?:all )?cookies to (?:continue|view|see|read)|before you continue to|"
    r"checking (?:if the site connection is secure|your browser)|verify (?:that )?you are (?:a )?human|"
    r"are you a robot|enable javascript and cookies to continue|access to this page has been denied|"
    r"attention required!? \| cloudflare|just a moment\.\.\.",
    re.IGNORECASE,
)
_NOT_FREE = re.compile(r"""["']isAccessibleForFree["']\s*:\s*(?:false|["']false["'])""", re.IGNORECASE)


def wall_reason(html: str | None, main_now: str, main_ours: str) -> str | None:
    """Why the page now looks like a wall in front of our copy's text, or None."""
    ours, now = len(" ".join(main_ours.split())), len(" ".join(main_now.split()))
    if ours == 0 or now >= ours * SHORTER:
        return None
    share = f"its main text is {now * 100 // ours}% of our copy's"
    if html and _NOT_FREE.search(html):
        return f"a paywall: the page marks itself not free to read (isAccessibleForFree false); {share}"
    page = BeautifulSoup(html, "lxml").get_text(" ") if html else main_now
    if found := _PHRASES.search(" ".join(page.split())):
        return f"a wall: the page says \"{found.group(0)}\"; {share}"
    return None
