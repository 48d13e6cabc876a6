"""Citations of events and archived copies: one object per citable page, for templates and the CLI.

    >>> book = CiteBook(config, site, captures)
    >>> book.source("island-news").style("apa").text()
    >>> book.event("2021-closure").export("ris")

What each URL is (documented in README.md, "Cite"):
- an event: /events/<slug>/ (its permalink);
- a source: /sources/<id>/ (the page cites its latest capture, or the original if none);
- an archived copy: /sources/<id>/captures/<UTC timestamp>/, a page about that capture with
  its text, never changed once written, since captures are append-only.
Each of these folders also holds cite.bib, cite.ris and cite.json.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..archive.store import Capture
from ..config import Config
from ..content.site import Site
from ..errors import CiteError
from .export import EXPORTS
from .meta import json_ld, meta_tags
from .record import event_item, modified_day, source_item, utc_day
from .styles import STYLES, render
from .text import Rich

__all__ = ["CiteBook", "CiteError", "Citation", "content_date"]

STYLE_KEYS = tuple(key for key, _, _ in STYLES)
EXPORT_KEYS = {"bibtex": "bib", "ris": "ris", "csl-json": "json"}


@dataclass(frozen=True)
class Citation:
    """One citable thing: its CSL-JSON item, the folder its page lives in, and what it offers."""

    item: dict[str, Any]
    folder: str  # the page's folder in the output, e.g. "events/2021-closure/"
    kind: str  # "event", "capture" or "source" (a source not yet captured)
    capture: Capture | None = None
    others: list[Capture] = field(default_factory=list)  # a source's other captures

    @property
    def permalink(self) -> str:
        return self.item["URL"] if self.kind != "source" else ""

    def style(self, key: str) -> Rich:
        return render(self.item, key)

    def styles(self) -> list[tuple[str, str, Rich]]:
        """(key, label, text) for every style, in the Cite box's order."""
        return [(key, label, fn(self.item)) for key, label, fn in STYLES]

    def export(self, ext: str) -> str:
        return {e: writer for e, _, writer, _ in EXPORTS}[ext](self.item)

    def downloads(self) -> list[tuple[str, str, str, str]]:
        """(file name in the folder, label, media type, suggested download name)."""
        return [(f"cite.{ext}", label, media, f"{self.item['id']}.{ext}") for ext, label, _, media in EXPORTS]

    def meta_tags(self) -> list[tuple[str, str, str]]:
        return meta_tags(self.item)

    def json_ld(self) -> str:
        return json_ld(self.item)


def content_date(site: Site, captures: Mapping[str, list[Capture]],
                 environ: Mapping[str, str] = os.environ) -> dt.date | None:
    """The build's content date: the newest day recorded in the content itself.

    SOURCE_DATE_EPOCH (the reproducible-builds convention) wins when it is set; otherwise the
    newest of the events' `Modified:` days and the capture days in the archive. Never the
    clock, and never file times (a fresh clone has new ones), so two builds of the same
    content write the same bytes. None when the content records no day at all.
    """
    if epoch := environ.get("SOURCE_DATE_EPOCH", "").strip():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    days = [d for e in site.events if (d := modified_day(e.modified))]
    days += [utc_day(c.captured_at) for caps in captures.values() for c in caps]
    return max(days, default=None)


class CiteBook:
    """Every citation the site offers, built on demand from the site and its captures."""

    def __init__(self, config: Config, site: Site, captures: Callable[[str], list[Capture]],
                 environ: Mapping[str, str] = os.environ):
        self.config = config
        self.site = site
        self.captures = captures
        self.events = {e.slug: e for e in site.events}
        self.revised = content_date(site, {sid: captures(sid) for sid in site.sources}, environ)

    def _names(self) -> str:
        return (f"events: {', '.join(sorted(self.events)) or '(none)'}; "
                f"sources: {', '.join(sorted(self.site.sources)) or '(none)'}")

    def event(self, slug: str) -> Citation:
        event = self.events[slug]
        revised = modified_day(event.modified) or self.revised
        item = event_item(event, revised, sitename=self.config.sitename, siteurl=self.config.siteurl)
        return Citation(item, f"events/{slug}/", "event")

    def source(self, source_id: str, timestamp: str | None = None) -> Citation:
        """The latest capture (or the one named), or the original when none was captured."""
        source = self.site.sources[source_id]
        captures = self.captures(source_id)
        args = {"sitename": self.config.sitename, "siteurl": self.config.siteurl}
        if timestamp is not None:
            chosen = [c for c in captures if c.timestamp == timestamp]
            if not chosen:
                known = ", ".join(c.timestamp for c in captures) or "none yet"
                raise CiteError(f"no capture {timestamp!r} of {source_id!r}; its captures: {known}")
            capture = chosen[0]
            folder = f"sources/{source_id}/captures/{timestamp}/"
        elif captures:
            capture, folder = captures[-1], f"sources/{source_id}/"
        else:
            return Citation(source_item(source, None, **args), f"sources/{source_id}/", "source")
        others = [c for c in reversed(captures) if c is not capture]
        return Citation(source_item(source, capture, **args), folder, "capture", capture, others)

    def lookup(self, id_: str, timestamp: str | None = None) -> Citation:
        """An event slug or a source id, as the CLI takes it; CiteError lists what exists."""
        if id_ in self.events and timestamp is None:
            return self.event(id_)
        if id_ in self.site.sources:
            return self.source(id_, timestamp)
        if id_ in self.events:
            raise CiteError(f"--capture is for sources; {id_!r} is an event")
        raise CiteError(f"unknown id {id_!r}; known {self._names()}")

    def for_page(self, article: Any = None, source: Any = None, capture: Any = None) -> Citation | None:
        """The citation a template's page is about, or None for pages that cite nothing."""
        if capture is not None:
            return self.source(capture.source_id, capture.timestamp)
        # An article page first: its template may have a loop variable called `source`.
        if article is not None and getattr(article, "slug", None) in self.events:
            return self.event(article.slug)
        if source is not None:
            return self.source(source.id)
        return None

    def all(self) -> list[Citation]:
        """Every citable page: each event, each source, and each capture of each source."""
        found = [self.event(slug) for slug in self.events]
        for sid in self.site.sources:
            found.append(self.source(sid))
            found += [self.source(sid, c.timestamp) for c in self.captures(sid)]
        return found
