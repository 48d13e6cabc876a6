"""Citations of events and archived copies: one object per citable page, for templates and the CLI.

    >>> book = CiteBook(config, site, captures)
    >>> book.source("island-news").style("apa").text()
    >>> book.event("2021-closure").export("ris")

What each URL is (documented in README.md, "Cite"):
- an event: /events/<slug>/ (its permalink);
- a source: /sources/<id>/ (the page cites its latest capture, or the original if none);
- an archived copy: /sources/<id>/captures/<UTC timestamp>/, a page about that capture with
  its text, never changed once written, since captures are append-only.
Each of these folders also holds the page's citation files, named for what they are:
sim-timeline-<slug or id>.bib, .ris and .json (a capture's id ends with its timestamp).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..archive.store import Capture
from ..config import Config
from ..content.site import Site
from ..errors import CiteError
from .export import DOWNLOAD_PREFIX, EXPORTS
from .meta import json_ld, meta_tags
from .record import event_item, organisations, source_item
from .revision import revision_days
from .styles import STYLES, Renderings, Rich

__all__ = ["DOWNLOAD_PREFIX", "CiteBook", "CiteError", "Citation"]

STYLE_KEYS = tuple(style.key for style in STYLES)
EXPORT_KEYS = {"bibtex": "bib", "ris": "ris", "csl-json": "json"}


@dataclass(frozen=True)
class Citation:
    """One citable thing: its CSL-JSON item, the folder its page lives in, and what it offers."""

    item: dict[str, Any]
    folder: str  # the page's folder in the output, e.g. "events/2021-closure/"
    kind: str  # "event", "capture" or "source" (a source not yet captured)
    capture: Capture | None = None
    others: list[Capture] = field(default_factory=list)  # a source's other captures
    renderings: Renderings = field(default_factory=Renderings, compare=False, repr=False)

    @property
    def permalink(self) -> str:
        return self.item["URL"] if self.kind != "source" else ""

    def style(self, key: str) -> Rich:
        return self.renderings.render(self.item, key)

    def styles(self) -> list[tuple[str, str, Rich]]:
        """(key, label, text) for every style, in the Cite box's order."""
        return [(style.key, style.label, self.style(style.key)) for style in STYLES]

    def export(self, ext: str) -> str:
        return {e: writer for e, _, writer, _ in EXPORTS}[ext](self.item)

    def downloads(self) -> list[tuple[str, str, str, str]]:
        """(file name, label, media type, text) for each file: the name is both the file's in the
        page's folder and the one the browser saves it as."""
        return [(f"{DOWNLOAD_PREFIX}{self.item['id']}.{ext}", label, media, writer(self.item))
                for ext, label, writer, media in EXPORTS]

    def meta_tags(self, page_url: str) -> list[tuple[str, str, str]]:
        """The page's metadata; page_url is its canonical address, which og:url and
        citation_public_url repeat (a source's page cites its latest capture, at the capture's own
        address, or the original while it has none)."""
        return meta_tags(self.item, page_url)

    def json_ld(self) -> str:
        return json_ld(self.item)


class CiteBook:
    """Every citation the site offers, built on demand from the site and its captures."""

    def __init__(self, config: Config, site: Site, captures: Callable[[str], list[Capture]],
                 renderings: Renderings | None = None):
        self.config = config
        self.renderings = renderings or Renderings()
        self.site = site
        self.captures = captures
        self.events = {e.slug: e for e in site.events}
        self.revised = revision_days(site.events)
        self.organisations = organisations(site.sources)

    def _names(self) -> str:
        return (f"events: {', '.join(sorted(self.events)) or '(none)'}; "
                f"sources: {', '.join(sorted(self.site.sources)) or '(none)'}")

    def event(self, slug: str) -> Citation:
        item = event_item(self.events[slug], self.revised[slug], sitename=self.config.sitename,
                          siteurl=self.config.siteurl)
        return Citation(item, f"events/{slug}/", "event", renderings=self.renderings)

    def source(self, source_id: str, timestamp: str | None = None) -> Citation:
        """The latest capture (or the one named), or the original when none was captured."""
        source = self.site.sources[source_id]
        captures = self.captures(source_id)
        args = {"sitename": self.config.sitename, "siteurl": self.config.siteurl,
                "known_organisations": self.organisations}
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
            return Citation(source_item(source, None, **args), f"sources/{source_id}/", "source",
                            renderings=self.renderings)
        others = [c for c in reversed(captures) if c is not capture]
        return Citation(source_item(source, capture, **args), folder, "capture", capture, others, self.renderings)

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
