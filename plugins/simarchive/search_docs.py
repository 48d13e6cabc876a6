"""What goes into the search index: every event, and the latest capture of every source."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import markdown
from bs4 import BeautifulSoup

from .archive_index import list_captures
from .config import Config
from .events import CITATION, Event
from .search import Doc
from .validate import Site

logger = logging.getLogger(__name__)

__all__ = ["site_documents"]


def event_text(event: Event) -> str:
    """The event's body as plain text, citation keys removed but quoted phrases kept."""
    body = CITATION.sub(lambda m: f"“{m.group(2)}”" if m.group(2) else "", event.body)
    html = markdown.markdown(body)
    text = BeautifulSoup(html, "lxml").get_text(" ", strip=True)
    return " ".join([event.summary, text, "; ".join(event.actors), event.phase])


def site_documents(site: Site, config: Config) -> Iterator[Doc]:
    """Yield a Doc per event and per source (with the text of its latest capture, if any)."""
    for event in site.events:
        yield Doc(
            id=f"event:{event.slug}", kind="event", title=event.title, body=event_text(event),
            url=f"{config.siteurl}/events/{event.slug}/", date=event.when.display,
            year=event.when.sort_key.year,
        )
    for source in site.sources.values():
        captures = list_captures(config.archive, source.id)
        text = ""
        if captures:
            try:
                text = captures[-1].text_path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                logger.warning("simarchive: %s: cannot read (%s)", captures[-1].text_path, e)
        yield Doc(
            id=f"source:{source.id}", kind="source", title=source.title,
            body=" ".join(filter(None, [source.note or "", text])),
            url=f"{config.siteurl}/sources/{source.id}/",
            date=source.published.display if source.published else "",
            year=source.published.sort_key.year if source.published else None,
            publisher=source.publisher, source_kind=source.kind,
        )
