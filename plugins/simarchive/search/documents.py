"""What goes into the search index: every event, and every capture of every source.

The latest capture of a source is the document `source:<id>`; older captures are
`capture:<id>/<timestamp>`, found only when a search asks for all captures.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import cache, cached_property

import markdown
from bs4 import BeautifulSoup
from whoosh.analysis import STOP_WORDS
from whoosh.lang.dmetaphone import double_metaphone

from ..archive.store import FULLTEXT, TEXT, Capture, list_captures
from ..config import Config
from ..content.dates import EventDate
from ..content.events import CITATION, Event
from ..content.registry import Source
from ..content.site import Site

logger = logging.getLogger(__name__)

__all__ = ["Doc", "event_text", "site_documents"]

_WORD = re.compile(r"[^\W\d_]{3,}")  # spelling words: letters only, at least three
# A run of citation keys ("[@a] [@b]", "[@a], [@b]"), with the white space before it and, when it
# is inside parentheses, those too: removed, the text reads as if it had never been there.
_KEY = f"(?:{CITATION.pattern})"
_CITATIONS = re.compile(rf"(?P<open>\s*\(\s*)?\s*{_KEY}(?:[\s,;]*{_KEY})*(?P<close>\s*\))?(?P<after>\s*)")


@dataclass(frozen=True)
class Doc:
    """One searchable document, as plain values. `text_path` is read, and an event's Markdown made
    plain text, only when the document is (re)indexed."""

    id: str
    type: str  # event | source | capture
    title: str
    url: str
    text: str = ""  # plain text of its own (an event's summary, a source's note)
    markdown_body: str = ""  # an event's body as written, citation keys included
    text_path: str | None = None  # a capture's text.txt, relative to the archive
    fulltext_path: str | None = None  # and its fulltext.txt, for a web page
    text_key: str = ""  # what identifies text_path's bytes: captures are never changed
    text_url: str = ""  # the page showing that text (a capture's page), for passage links
    publisher: str = ""
    author: str = ""
    source_kind: str = ""
    phase: str = ""
    actors: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    cited_by: tuple[str, ...] = ()  # titles of the events citing a source
    date: str = ""  # as people write it
    day: int | None = None  # earliest possible day, YYYYMMDD
    captured: str = ""  # the capture's ISO time

    @cached_property
    def fingerprint(self) -> str:
        """The content hash: every field, as written; what is made from them is left out.

        A capture is immutable (append-only archive, SHA-256 in capture.json), so its
        timestamp and payload hash identify its text without reading its text.txt. An
        event's plain text is made from its summary and Markdown (with the Markdown package
        of this version), so those stand for it: a rebuild where nothing changed converts no
        Markdown (converting it was most of such a rebuild's time).
        """
        values = [getattr(self, f.name) for f in _HASHED]
        if self.markdown_body:
            values.append(markdown.__version__)
        return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode("utf-8")).hexdigest()

    @cached_property
    def plain(self) -> str:
        """Its own plain text: a source's note, or an event's summary and body as its page shows them."""
        return event_text(self.text, self.markdown_body) if self.markdown_body else self.text

    def index_fields(self, body: str, fulltext: str = "") -> dict:
        """The values Whoosh indexes and stores for this document."""
        kinds = [self.type] if self.type == "event" else ["source", self.source_kind]
        spell = self._spell()
        return {
            "id": self.id, "hash": self.fingerprint, "type": self.type, "kinds": " ".join(kinds),
            "tier": 0 if self.type == "event" or self.text_path else 1,
            "title": self.title, "body": body, "fulltext": fulltext, "actors": "; ".join(self.actors),
            "publisher": self.publisher, "publisher_facet": self.publisher,
            "source_kind": self.source_kind, "phase": self.phase,
            "source": ",".join(self.sources), "event": ",".join(self.events),
            "meta": " ; ".join([*self.actors, self.publisher, *self.cited_by]),
            "spell": " ".join(spell),
            "sounds": " ".join(f"{code}:{word}" for word in spell for code in double_metaphone(word) if code),
            "year": self.day // 10000 if self.day else None, "day": self.day,
            "date": self.date, "captured": self.captured, "url": self.url,
            "text_path": self.text_path, "fulltext_path": self.fulltext_path, "text_url": self.text_url or self.url,
            "plain": "" if self.text_path else self.plain,
        }

    def _spell(self) -> tuple[str, ...]:
        """Unstemmed words for "did you mean": names and titles, where misspellings hurt most,
        and an event's text; never a stop word ("with" for "White")."""
        texts = [self.title, self.publisher, self.author, *self.actors]
        if self.type == "event":
            texts.append(self.plain)
        words = {w.lower() for t in texts for w in _WORD.findall(t)}
        return tuple(sorted(words - STOP_WORDS))


_HASHED = [f for f in fields(Doc) if f.name not in ("text_path", "fulltext_path")]


def event_text(summary: str, body: str) -> str:
    """An event's summary and body as plain text, as the page shows them (citation keys
    become numbered references there); the quoted phrases, shown in the references, follow."""
    html = _markdown().reset().convert(_CITATIONS.sub(_without_citations, body))
    # Markdown puts a line break between blocks, none inside one ("<em>a</em>, b" stays "a, b").
    text = " ".join(BeautifulSoup(html, "lxml").get_text().split())
    quotes = [f"“{m.group(2)}”" for m in CITATION.finditer(body) if m.group(2)]
    return " ".join(filter(None, [summary, text, *dict.fromkeys(quotes)]))


def _without_citations(m: re.Match) -> str:
    """What stands in place of a run of citation keys: "Health [@a]. The" -> "Health. The",
    "said [@a], and" -> "said, and", "(see [@a])" -> "(see)", "( [@a] as" -> "(as",
    "so ([@a], [@b])." -> "so."; white space after the run is kept unless a "(" opened it."""
    opened, closed, after = m.group("open"), m.group("close"), m.group("after")
    if opened and closed:
        return after
    if opened:
        return opened[:opened.index("(") + 1]
    return (")" if closed else "") + after


@cache
def _markdown() -> markdown.Markdown:
    # One converter, reset before each use: making one costs more than converting a short body.
    return markdown.Markdown()


def _day(when: EventDate | None) -> int | None:
    if when is None or when.sort_key is None:
        return None
    d = when.sort_key
    return d.year * 10000 + d.month * 100 + d.day


def _event_doc(event: Event, siteurl: str) -> Doc:
    return Doc(
        id=f"event:{event.slug}", type="event", title=event.title, text=event.summary, markdown_body=event.body,
        url=f"{siteurl}/events/{event.slug}/", phase=event.phase, actors=tuple(event.actors),
        sources=tuple(event.sources), events=(event.slug,), date=event.when.display,
        day=_day(event.when),
    )


def _source_doc(source: Source, capture: Capture | None, citing: list[Event], siteurl: str,
                latest: bool) -> Doc:
    doc_id = f"source:{source.id}" if latest else f"capture:{source.id}/{capture.timestamp}"
    folder = f"{source.id}/{capture.timestamp}" if capture else None
    text_path = f"{folder}/{TEXT}" if capture else None
    fulltext_path = f"{folder}/{FULLTEXT}" if capture and (capture.path / FULLTEXT).is_file() else None
    return Doc(
        id=doc_id, type="source" if latest else "capture", title=source.title,
        url=f"{siteurl}/sources/{source.id}/", text=source.note or "", text_path=text_path,
        fulltext_path=fulltext_path,
        text_key=f"{capture.timestamp} {capture.sha256}" if capture else "",
        text_url=f"{siteurl}/sources/{source.id}/captures/{capture.timestamp}/" if capture else "",
        publisher=source.publisher, author=source.author or "", source_kind=source.kind, sources=(source.id,),
        events=tuple(e.slug for e in citing), cited_by=tuple(e.title for e in citing),
        date=source.published.display if source.published else "", day=_day(source.published),
        captured=capture.captured_at if capture else "",
    )


def site_documents(site: Site, config: Config) -> Iterator[Doc]:
    """Yield a Doc per event, per source (its latest capture) and per older capture."""
    citing_by_source: dict[str, list[Event]] = {}
    for event in site.events:
        yield _event_doc(event, config.siteurl)
        for source_id in dict.fromkeys(event.sources):
            citing_by_source.setdefault(source_id, []).append(event)
    for source in site.sources.values():
        captures = list_captures(config.archive, source.id)
        citing = citing_by_source.get(source.id, [])
        yield _source_doc(source, captures[-1] if captures else None, citing, config.siteurl, True)
        for older in captures[:-1]:
            yield _source_doc(source, older, citing, config.siteurl, False)
