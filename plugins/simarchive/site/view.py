"""What the templates see of the content and the archive: `sim`, `citebook` and one filter."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property

from markupsafe import Markup

from ..archive.downloads import capture_files
from ..archive.published import changes_since
from ..archive.store import Capture, capture_day, list_captures
from ..archive.timestamps import Stamp, read_token
from ..archive.watchlog import FINDINGS, WatchStatus, read_checks, watch_status
from ..cite.book import CiteBook
from ..cite.styles import Renderings
from ..config import Config
from ..content.site import Site
from .timeline import archive_status

logger = logging.getLogger(__name__)

#: The Wayback Machine's page for a URL at a day (it redirects to the nearest snapshot), as the
#: Robust Links convention and web.archive.org itself write it.
WAYBACK = "https://web.archive.org/web/{day}/{url}"


@dataclass(frozen=True)
class RobustLink:
    """A link to a source's original that offers its archived versions too (Robust Links:
    robustlinks.mementoweb.org/spec): data-originalurl, data-versionurl, data-versiondate."""

    original: str
    version_url: str | None  # our capture's page, else the Wayback Machine's page for the day
    version_date: str | None  # YYYY-MM-DD, the day of the version linked (YYYY or YYYY-MM when only that is known)
    ours: str | None  # "our copy of 2 Dec 2026", when version_url is our capture
    wayback: str  # the Wayback Machine's page for the day (or its list of snapshots)


@dataclass(frozen=True)
class Change:
    """One check of /changes/: the source, and what the check found."""

    source_id: str
    check: dict


def install(env, view: SiteView) -> None:
    """Give a Jinja environment the globals and the filter our templates use."""
    env.globals["sim"] = view
    env.globals["citebook"] = view.citebook
    env.filters["capture_day"] = capture_day


class SiteView:
    """What templates may ask of the content and the archive."""

    def __init__(self, config: Config, site: Site, renderings: Renderings | None = None):
        self.config = config
        self.site = site
        self.renderings = renderings or Renderings()
        self.sources = self.site.sources
        self._captures = {sid: list_captures(config.archive, sid) for sid in self.sources}
        self.checks = {sid: read_checks(config.archive, sid) for sid in self.sources}
        self._positions: dict[str, int] | None = None

    @cached_property
    def citebook(self) -> CiteBook:
        return CiteBook(self.config, self.site, self.captures, self.renderings)

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

    def watch(self, source_id: str) -> WatchStatus | None:
        """What the latest check of the original that said something of the page found."""
        return watch_status(self.checks.get(source_id, []))

    def watched(self, result: str) -> list[str]:
        """The ids of the sources whose original the watch now finds so (changed, gone, ...)."""
        return [sid for sid in self.sources if (status := self.watch(sid)) and status.result == result]

    @cached_property
    def changes_since(self) -> str | None:
        """Since when /changes/ lists checks (None: every check), by the mark the last publish left."""
        return changes_since(self.config.archive, self.checks)

    def changes(self) -> list[Change]:
        """The findings (changed, moved, gone, blocked) of the checks since the last publish, newest first."""
        since = self.changes_since
        found = [Change(sid, c) for sid, checks in self.checks.items() for c in checks
                 if c["result"] in FINDINGS and (since is None or c["checked_at"] > since)]
        return sorted(found, key=lambda c: (c.check["checked_at"], c.source_id), reverse=True)

    def stamp(self, capture: Capture) -> Stamp | None:
        """Who timestamped the capture's manifest and when (its RFC 3161 token), if anyone did."""
        return read_token(capture.path)

    def robust(self, source_id: str, capture: Capture | None = None) -> RobustLink:
        """The Robust Link to a source's original: the version is the capture given, else our latest,
        else the Wayback Machine's snapshot nearest the day the source was published."""
        source = self.sources[source_id]
        capture = capture or self.latest(source_id)
        if capture is not None:
            day = capture.captured_at[:10]
            ours = f"{self.config.siteurl}/sources/{source_id}/captures/{capture.timestamp}/"
            wayback = WAYBACK.format(day=day.replace("-", ""), url=source.url)
            return RobustLink(source.url, ours, day, f"our copy of {capture_day(capture.captured_at)}", wayback)
        if source.published is None:
            return RobustLink(source.url, None, None, None, WAYBACK.format(day="*", url=source.url))
        # As precise as the registry knows it: "2012" links the Wayback Machine's 2012 (web/2012/...).
        day = source.published.html_datetime or source.published.sort_key.isoformat()
        wayback = WAYBACK.format(day=day.replace("-", ""), url=source.url)
        return RobustLink(source.url, wayback, day, None, wayback)
