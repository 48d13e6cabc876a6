"""The timeline as data: /timeline.json, our own schema (documented in README.md)."""

from __future__ import annotations

from typing import Any

from ..content.site import Site

__all__ = ["SCHEMA_VERSION", "archive_status", "facets", "timeline_data"]

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
