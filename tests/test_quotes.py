"""Quote checking (content/quotes.py) against captures made from a local server: the main text first,
then the page's full text, and the result says which."""

from __future__ import annotations

from pathlib import Path

from httpfixtures import ROUTES, http_server, no_proxies, settings, source  # noqa: F401
from simarchive.capture.pipeline import capture_sources
from simarchive.content.dates import parse_when
from simarchive.content.events import Citation, Event
from simarchive.content.quotes import check_quotes

BODY = "The board heard the evidence in public and agreed to publish the minutes within a month. " * 5
PAGE = f"""<html><body><main><article><h1>Minutes</h1><p>{BODY}</p></article>
<div class="related"><h3>Related</h3><p>Officers will attend every crisis call, the trust said.</p></div>
</main></body></html>"""


def event(*quotes: str) -> Event:
    return Event(path=Path("content/events/e.md"), title="E", slug="e", when=parse_when("2016"), summary="S",
                 phase="Origins", sources=["src"],
                 citations=[Citation("src", quote, line) for line, quote in enumerate(quotes, start=5)])


def test_a_quote_is_found_in_the_main_text_then_in_the_full_text(http_server, settings, monkeypatch):
    monkeypatch.setitem(ROUTES, "/minutes", lambda h, p: h.send(200, PAGE.encode()))
    outcome = capture_sources([source("src", http_server.url("/minutes"))], settings.archive, settings,
                              via="live", allow_private=True).outcomes[0]
    assert "Officers will attend" not in (outcome.path / "text.txt").read_text()
    report = check_quotes([event("agreed to publish the minutes", "Officers will attend every crisis call",
                                 "Officers will never attend")], settings.archive)
    assert [(r.citation.quote, r.where) for r in report.verified] == [
        ("agreed to publish the minutes", "main"), ("Officers will attend every crisis call", "full")]
    assert [(r.citation.quote, r.where) for r in report.not_found] == [("Officers will never attend", None)]
    assert report.verified[0].capture.path == outcome.path
