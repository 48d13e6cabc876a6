"""The timeline as data: /timeline.json, our own documented schema."""

from __future__ import annotations

from typing import Any

from .validate import Site

__all__ = ["timeline_data"]


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def timeline_data(site: Site, view: Any, siteurl: str) -> dict[str, Any]:
    """Every event in time order with its date at its real precision and its sources."""
    events = []
    for event in site.events:
        sources = []
        for sid in event.sources:
            source = site.sources[sid]
            latest = view.latest(sid)
            sources.append({
                "id": sid, "title": source.title, "publisher": source.publisher, "kind": source.kind,
                "url": source.url, "page": f"{siteurl}/sources/{sid}/",
                "archived": latest.captured_at if latest else None,
                "via": latest.via if latest else None,
            })
        events.append({
            "slug": event.slug, "title": event.title, "when": event.when.edtf,
            "display_date": event.when.display, "earliest": _iso(event.when.earliest),
            "latest": _iso(event.when.latest), "phase": event.phase, "actors": event.actors,
            "summary": event.summary, "disputed": event.disputed,
            "url": f"{siteurl}/events/{event.slug}/", "sources": sources,
        })
    return {"events": events}
