"""What the build makes from our own reading of the site rather than from Pelican's articles: the
timeline, the catalogue, a page per source and per capture, the 404 page, the JSON exports, the
citation files and the copies of each capture."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..archive.downloads import publish_capture
from ..archive.published import mark_publish
from ..archive.wacz import write_wacz
from ..cite.book import Citation
from ..content.registry import KINDS
from ..errors import ArchiveError
from .axis import build_axis
from .catalogue import FINDINGS, SORTS, catalogue_pages, page_path
from .timeline import browse_links, facets, periods, timeline_data
from .timelinejs import timelinejs_data
from .view import SiteView

__all__ = ["SitePages", "write_downloads"]

logger = logging.getLogger(__name__)


def write_text(path: Path, text: str) -> Path:
    """Write a file that is not a page (no template) into a folder that exists. newline="" keeps
    the text's own line ends: RIS asks for CRLF."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def write_downloads(citations: list[Citation], output: Path) -> list[Path]:
    """Write each citable page's BibTeX, RIS and CSL-JSON files into its folder, under the names
    the browser saves them as; return the files."""
    written = []
    for citation in citations:
        folder = output / citation.folder
        folder.mkdir(parents=True, exist_ok=True)  # the page's, unless the event is a draft
        written += [write_text(folder / name, text) for name, _, _, text in citation.downloads()]
    return written


def write_json(path: Path, data: dict) -> Path:
    # Compact separators: timeline.json is fetched by the timeline page, so every byte counts.
    return write_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


def _by_year(articles: list) -> dict[int, list]:
    """Pelican's articles (in time order) by the year each is listed under."""
    by_year: dict[int, list] = {}
    for article in articles:
        by_year.setdefault(article.when.sort_key.year, []).append(article)
    return by_year


class SitePages:
    """Writes our pages through Pelican's writer and templates (given by the glue), and the other
    files through write_text."""

    def __init__(self, view: SiteView, context: dict, get_template: Callable[[str], Any],
                 write_page: Callable[..., None], output: Path):
        self.view = view
        self.context = context
        self.get_template = get_template
        self.write_page = write_page
        self.output = output
        self.pages = self.citation_files = self.capture_files = 0  # what write_all wrote

    def write(self, name: str, template: str, **values) -> None:
        self.write_page(name, self.get_template(template), self.context, **values)
        self.pages += 1

    def write_all(self, events: list) -> None:
        """Everything, given Pelican's articles in time order."""
        view, config = self.view, self.view.config
        self.write_timeline(events)
        self.write_catalogue()
        self.write_sources()
        self.write_changes()
        self.write("404.html", "error", page_name="", heading="Page not found",
                   message="There is no page at this address.")
        # The output folder exists: Pelican's writer made it for the timeline.
        write_json(self.output / "timeline.json", timeline_data(view.site, view, config.siteurl))
        write_json(self.output / "timeline-timelinejs.json",
                   timelinejs_data(view.site, config.sitename, config.siteurl, config.phases))
        self.citation_files = len(write_downloads(view.citebook.all(), self.output))

    def write_timeline(self, events: list) -> None:
        """The timeline, and a page per phase and per year with the axis zoomed into its period."""
        view = self.view
        site, phases = view.site, view.config.phases
        turning = [e for e in site.events if e.turning]
        numbers = {e.slug: i for i, e in enumerate(turning, start=1)}
        pages = periods(site, phases)
        common = {"page_name": "timeline", "browse": browse_links(pages)}
        self.write("index.html", "timeline", events=events, events_by_year=_by_year(events), current="",
                   axis=build_axis(site.events, phases, turning=numbers), facets=facets(site, phases), turning=turning,
                   **common)
        for period in pages:
            chosen = [a for a in events if a.slug in period.slugs]
            first, last = period.years
            label = str(first) if first == last else f"{first} to {last}"
            self.write(f"{period.path}/index.html", "period", events=chosen, events_by_year=_by_year(chosen),
                       heading=period.heading, scope=period.scope, filter_query=period.query,
                       current=period.slug, period_label=label,
                       axis=build_axis([e for e in site.events if e.slug in period.slugs], phases,
                                       years=period.years, turning=numbers), **common)

    def write_catalogue(self) -> None:
        sources = self.view.sources
        kinds = [kind for kind in KINDS if any(s.kind == kind for s in sources.values())]
        for catalogue in catalogue_pages(sources, self.view.latest, self.view.watched):
            self.write(catalogue.path, "sources", page_name="sources", catalogue=catalogue, sorts=SORTS,
                       kinds=kinds, page_path=page_path, findings=FINDINGS)

    def write_changes(self) -> None:
        """/changes/: what the watch found since the last publish; a publish build (with
        SIMARCHIVE_MARK_PUBLISH) then marks these checks as published."""
        view = self.view
        self.write("changes/index.html", "changes", page_name="changes", changes=view.changes(),
                   since=view.changes_since)
        if view.config.mark_publish:
            mark_publish(view.config.archive, view.changes_since, view.checks)

    def write_sources(self) -> None:
        """A page per source and per capture, and each capture's files beside its page."""
        view = self.view
        for source in view.sources.values():
            self.write(f"sources/{source.id}/index.html", "source", source=source, page_name="source")
            captures = view.captures(source.id)
            for capture in captures:
                folder = f"sources/{source.id}/captures/{capture.timestamp}"
                self.write(f"{folder}/index.html", "capture", source=source, capture=capture,
                           text=view.text(capture), page_name="source")
                self.capture_files += len(publish_capture(capture, self.output / folder))
            self.write_wacz(source, captures)

    def write_wacz(self, source, captures: list) -> None:
        """Every capture of the source in one file, for ReplayWeb.page and pywb: those whose WARC is
        there (verify reports the others)."""
        whole = [c for c in captures if c.warc_path.is_file()]
        if not whole:
            return
        try:
            write_wacz(self.output / "sources" / source.id / f"{source.id}.wacz", whole,
                       titles={source.id: source.title}, title=source.title,
                       description=f"Captures of {source.url} by {self.view.config.sitename}")
        except ArchiveError as e:
            logger.warning("simarchive: %s; the WACZ of %s is not written", e, source.id)
            return
        self.capture_files += 1
