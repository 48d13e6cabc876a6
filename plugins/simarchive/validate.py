"""Check the whole content (registry and events) at once, collecting every problem."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .errors import ContentError
from .events import Event, read_event
from .registry import Source, load_sources

__all__ = ["Site", "load_site"]


@dataclass
class Site:
    """The validated content: sources by id, events in time order, and what is wrong."""

    sources: dict[str, Source]
    events: list[Event]
    errors: list[ContentError] = field(default_factory=list)

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
        for sid in event.sources:
            if sid not in sources:
                problems.append(
                    ContentError(where, event.lines["sources"], "Sources", f"unknown id '{sid}' (known ids are in {registry})")
                )
        for cite in event.citations:
            if cite.source not in sources:
                problems.append(
                    ContentError(where, cite.line, "citation", f"unknown id '{cite.source}' in [@{cite.source}] (known ids are in {registry})")
                )
            elif cite.source not in event.sources:
                problems.append(
                    ContentError(where, cite.line, "citation", f"[@{cite.source}] is cited in the text but not listed in Sources")
                )
    return problems


def load_site(config: Config) -> Site:
    """Read and check the registry and every event; never raises for bad content."""
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
    return Site(sources=sources, events=events, errors=problems)
