"""A test site as `sim-archive build` publishes it (compressed, fingerprinted), with one source
captured from a page served on loopback, so that every kind of page and file is there."""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from httpfixtures import TestServer
from simarchive.archive.store import list_captures
from simarchive.site.publish import build_and_publish
from support import SiteDir

FAST = "SIMARCHIVE_DELAY = 0\nSIMARCHIVE_RETRIES = 0\nSIMARCHIVE_READ_TIMEOUT = 5\n"


@contextmanager
def local_pages() -> Iterator[TestServer]:
    """tests/httpfixtures.py's pages on a loopback port, for as long as the block lasts."""
    server = TestServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


#: The 2012 event, quoting what the page captured says.
EVENT = (
    "Title: Street triage pilot starts on the Isle of Wight\nSlug: 2012-pilot\nWhen: 2012\n"
    "Summary: A police officer and a nurse began attending crisis calls together.\nPhase: Origins\n"
    "Sources: island-news\n\n"
    'The report says the pilot "began on the Isle of Wight" [@island-news, "began on the Isle of Wight"].\n'
)


def capture_source(site: SiteDir, source_id: str) -> str:
    """Capture a source of the site from a page served locally (the registry's URL for it is
    pointed there first); the capture's URL path."""
    registry = site.content / "sources.toml"
    text = registry.read_text(encoding="utf-8")
    url = tomllib.loads(text)[source_id]["url"]
    with local_pages() as server:
        registry.write_text(text.replace(f'url = "{url}"', f'url = "{server.url("/article")}"'), encoding="utf-8")
        with site.settings.open("a", encoding="utf-8") as settings:
            settings.write(FAST)
        result = site.run("capture", source_id, "--allow-private")
    assert result.returncode == 0, result.stdout + result.stderr
    (capture,) = list_captures(site.archive, source_id)
    return f"/sources/{source_id}/captures/{capture.timestamp}/"


def capture_island_news(site: SiteDir) -> str:
    """Capture the test site's island-news, with the 2012 event quoting the page captured."""
    (site.content / "events" / "2012-pilot.md").write_text(EVENT, encoding="utf-8")
    return capture_source(site, "island-news")


def publish_site(site: SiteDir) -> Path:
    """Build and publish the site as `sim-archive build` does; the build published."""
    assert build_and_publish(site.settings) == 0
    return site.output.resolve()
