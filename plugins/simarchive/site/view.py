"""What the templates see of the content and the archive: `sim`, `citebook` and one filter."""

from __future__ import annotations

import logging
from functools import cached_property

from markupsafe import Markup

from ..archive.downloads import capture_files
from ..archive.store import capture_day, list_captures
from ..cite.book import CiteBook
from ..config import Config
from ..content.site import Site
from .timeline import archive_status

logger = logging.getLogger(__name__)


def install(env, view: SiteView) -> None:
    """Give a Jinja environment the globals and the filter our templates use."""
    env.globals["sim"] = view
    env.globals["citebook"] = view.citebook
    env.filters["capture_day"] = capture_day


class SiteView:
    """What templates may ask of the content and the archive."""

    def __init__(self, config: Config, site: Site):
        self.config = config
        self.site = site
        self.sources = self.site.sources
        self._captures = {sid: list_captures(config.archive, sid) for sid in self.sources}
        self._positions: dict[str, int] | None = None

    @cached_property
    def citebook(self) -> CiteBook:
        return CiteBook(self.config, self.site, self.captures)

    def captures(self, source_id: str):
        return self._captures.get(source_id, [])

    def latest(self, source_id: str):
        captures = self.captures(source_id)
        return captures[-1] if captures else None

    def text(self, capture) -> str:
        """The extracted text of a capture, as stored (templates escape it)."""
        try:
            return capture.text_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            logger.warning("simarchive: %s: cannot read (%s); run sim-archive verify", capture.text_path, e)
            return ""

    def files(self, capture) -> dict[str, str]:
        return capture_files(capture)

    def captured_ids(self) -> list[str]:
        return [sid for sid, captures in self._captures.items() if captures]

    def archive_sentence(self) -> Markup:
        """What the archive holds, as it is: the one sentence every page may say about our copies."""
        archived, total = len(self.captured_ids()), len(self.sources)
        if total and archived == total:
            return Markup(f"All {total} sources are archived here, each with its capture date and SHA-256.")
        return Markup(f"{archived} of {total} sources archived so far; captures are made with "
                      "<code>make capture</code> by a curator with internet access.")

    def quote_status(self, slug: str, source_id: str, quote: str):
        """The QuoteResult of one quoted citation: .found, and .capture where it was found."""
        return self.site.quotes.status(slug, source_id, quote)

    def events_citing(self, source_id: str):
        return self.site.events_citing(source_id)

    def status(self, source_id: str) -> str:
        """archived, wayback or not-captured: what a source's badge says."""
        return archive_status(self.latest(source_id))

    def neighbours(self, slug: str):
        """The events before and after this one in time order (None at either end)."""
        if self._positions is None:
            self._positions = {e.slug: i for i, e in enumerate(self.site.events)}
        i = self._positions.get(slug)
        if i is None:
            return None, None
        events = self.site.events
        return (events[i - 1] if i > 0 else None), (events[i + 1] if i + 1 < len(events) else None)
