"""Check the whole content (registry and events) at once, collecting every problem."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..archive.store import list_captures
from ..config import Config
from ..errors import ContentError
from .events import Event, read_event
from .quotes import QuoteCheck, check_quotes
from .registry import Source, load_sources

__all__ = ["Site", "load_site"]


@dataclass
class Site:
    """The validated content: sources by id, events in time order, and what is wrong."""

    sources: dict[str, Source]
    events: list[Event]
    errors: list[ContentError] = field(default_factory=list)
    #: Worth a curator's attention but not wrong: uncited or uncaptured sources, unverified quotes.
    notes: list[ContentError] = field(default_factory=list)
    quotes: QuoteCheck = field(default_factory=QuoteCheck)

    def events_citing(self, source_id: str) -> list[Event]:
        return [e for e in self.events if source_id in e.sources]


def shown(path: Path) -> str:
    """A path as a person types it: relative to the current folder when it is inside it."""
    try:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def _cross_check(events: list[Event], sources: dict[str, Source], registry: str) -> list[ContentError]:
    problems = []
    slugs: dict[str, Event] = {}
    for event in events:
        where = shown(event.path)
        if event.slug in slugs:
            other = shown(slugs[event.slug].path)
            problems.append(
                ContentError(where, event.lines["slug"], "Slug", f"'{event.slug}' is already used by {other}")
            )
        slugs.setdefault(event.slug, event)
        known = f"(known ids are in {registry})"
        problems += [
            ContentError(where, event.lines["sources"], "Sources", f"unknown id '{sid}' {known}")
            for sid in event.sources
            if sid not in sources
        ]
        for cite in event.citations:
            if cite.source not in sources:
                message = f"unknown id '{cite.source}' in [@{cite.source}] {known}"
            elif cite.source not in event.sources:
                message = f"[@{cite.source}] is cited in the text but not listed in Sources"
            else:
                continue
            problems.append(ContentError(where, cite.line, "citation", message))
    return problems


def _quote_problems(quotes: QuoteCheck) -> tuple[list[ContentError], list[ContentError]]:
    errors = [
        ContentError(shown(r.event.path), r.citation.line, "citation",
                     f"quote \"{r.citation.quote}\" is not in {shown(r.capture.text_path)}, "
                     f"the archived text of '{r.citation.source}'; quote it exactly or remove the quotation")
        for r in quotes.not_found
    ]
    notes = [
        ContentError(shown(r.event.path), r.citation.line, "citation",
                     f"quote \"{r.citation.quote}\" not yet verified: '{r.citation.source}' has no capture")
        for r in quotes.unverified
    ]
    return errors, notes


def _source_notes(site: Site, config: Config, registry: str) -> tuple[list[ContentError], list[ContentError]]:
    cited = {sid for event in site.events for sid in event.sources}
    uncited = [ContentError(registry, s.line, s.id, "no event cites this source")
               for s in site.sources.values() if s.id not in cited]
    uncaptured = [ContentError(registry, s.line, s.id, f"never captured (sim-archive capture {s.id})")
                  for s in site.sources.values() if not list_captures(config.archive, s.id)]
    return uncited, uncaptured


def load_site(config: Config, strict: bool = False) -> Site:
    """Read and check the registry, every event and every quote; never raises for bad content.

    strict (for a curator about to publish) makes uncaptured sources and unverified quotes errors.
    """
    registry = shown(config.sources)
    sources, problems = load_sources(config.sources, registry)
    events: list[Event] = []
    folder = config.content / "events"
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        event, event_problems = read_event(path, shown(path), config.phases)
        problems += event_problems
        if event:
            events.append(event)
    # Only check ids against a registry that loaded: otherwise every id would be "unknown".
    if sources or not problems:
        problems += _cross_check(events, sources, registry)
    events.sort(key=lambda e: (e.when.sort_key, e.when.latest or e.when.sort_key, e.slug))
    site = Site(sources=sources, events=events, errors=problems, quotes=check_quotes(events, config.archive))
    quote_errors, unverified = _quote_problems(site.quotes)
    uncited, uncaptured = _source_notes(site, config, registry)
    site.errors += quote_errors
    site.notes = uncited + (uncaptured + unverified if not strict else [])
    if strict:
        site.errors += uncaptured + unverified
    return site
