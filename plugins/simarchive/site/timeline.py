"""The timeline as data: /timeline.json (our own schema, documented in docs/timeline.md), the
filters' values, and the pages per phase and per year."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ..content.site import Site
from .axis import event_bounds, overlaps, phase_slug

__all__ = ["SCHEMA_VERSION", "Period", "archive_status", "browse_links", "facets", "periods", "timeline_data"]

SCHEMA_VERSION = 1


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def archive_status(latest) -> str:
    """"archived" (captured live by us), "wayback" (from the Wayback Machine) or "not-captured"."""
    if latest is None:
        return "not-captured"
    return "wayback" if latest.via.startswith("wayback") else "archived"


def _source(site: Site, view: Any, sid: str, siteurl: str) -> dict[str, Any]:
    source = site.sources[sid]
    captures = view.captures(sid)
    latest = captures[-1] if captures else None
    return {
        "id": sid, "title": source.title, "publisher": source.publisher, "kind": source.kind,
        "url": source.url, "page": f"{siteurl}/sources/{sid}/",
        "status": archive_status(latest), "captures": len(captures),
        "archived": latest.captured_at if latest else None,
        "via": latest.via if latest else None,
    }


def timeline_data(site: Site, view: Any, siteurl: str) -> dict[str, Any]:
    """Every event in time order with its date at its real precision and its sources."""
    events = []
    for event in site.events:
        events.append({
            "slug": event.slug, "title": event.title, "when": event.when.edtf,
            "display_date": event.when.display, "precision": event.when.precision,
            "earliest": _iso(event.when.earliest), "latest": _iso(event.when.latest),
            "phase": event.phase, "actors": event.actors,
            "summary": event.summary, "disputed": event.disputed,
            "url": f"{siteurl}/events/{event.slug}/", "anchor": f"{siteurl}/#{event.slug}",
            "sources": [_source(site, view, sid, siteurl) for sid in event.sources],
        })
    return {"version": SCHEMA_VERSION, "phases": list(view.config.phases), "events": events}


def facets(site: Site, phases: tuple[str, ...]) -> dict[str, list]:
    """The values the timeline's filters offer: only those some event has, in a useful order."""
    used_phases = {e.phase for e in site.events}
    actors = sorted({a for e in site.events for a in e.actors}, key=str.casefold)
    kinds = sorted({site.sources[sid].kind for e in site.events for sid in e.sources if sid in site.sources})
    years = sorted({e.when.sort_key.year for e in site.events})
    return {
        "phases": [p for p in phases if p in used_phases],
        "actors": actors,
        "kinds": kinds,
        "years": list(range(years[0], years[-1] + 1)) if years else [],
    }


@dataclass(frozen=True)
class Period:
    """A page of the timeline narrowed to one phase or one year, made at build time so that it
    needs neither JavaScript nor a server: /phases/<slug>/ or /years/<year>/."""

    path: str  # the page's folder, e.g. "years/2021"
    slug: str  # what the browse links mark as the current page
    heading: str
    scope: str  # the events it lists, e.g. "that may fall in 2021"
    query: str  # the same view on the timeline, with the filters
    years: tuple[int, int]  # the axis's zoom
    slugs: frozenset[str]  # its events


def periods(site: Site, phases: tuple[str, ...]) -> list[Period]:
    """A page per phase some event has, and per year some event may fall in (as the filters count
    an event in a year range: if any day it may fall on is inside it)."""
    pages = []
    for phase in (p for p in phases if any(e.phase == p for e in site.events)):
        events = [e for e in site.events if e.phase == phase]
        bounds = [event_bounds(e) for e in events]
        years = (min(s.year for s, _ in bounds), max(e.year for _, e in bounds))
        pages.append(Period(f"phases/{phase_slug(phase)}", phase_slug(phase), f"Phase: {phase}",
                            f"in the {phase} phase", urlencode({"phase": phase}), years,
                            frozenset(e.slug for e in events)))
    span = facets(site, phases)["years"]
    for year in span:
        events = [e for e in site.events if overlaps(e, year, year)]
        if events:
            pages.append(Period(f"years/{year}", str(year), str(year), f"that may fall in {year}",
                                urlencode({"from": year, "to": year}), (year, year),
                                frozenset(e.slug for e in events)))
    return pages


def browse_links(pages: list[Period]) -> dict[str, list]:
    """What "Browse by phase or year" links to."""
    return {
        "phases": [{"slug": p.slug, "name": p.heading.removeprefix("Phase: ")} for p in pages
                   if p.path.startswith("phases/")],
        "years": [int(p.slug) for p in pages if p.path.startswith("years/")],
    }
