"""/timeline-timelinejs.json: the record in Knight Lab's TimelineJS3 JSON format.

The format (timeline.knightlab.com/docs/json-format.html): {"title": slide, "events": [slide],
"eras": [era]}; a slide has start_date (required except for the title), optional end_date,
text {headline, text} (HTML allowed), group, display_date and unique_id; a date object has a
numeric year and optional month and day; an era has start_date, end_date and text. We give
a date object only the parts the evidence gives: "2012" becomes {"year": 2012}, never a day.
"""

from __future__ import annotations

import html
from typing import Any

from ..content.dates import EventDate
from ..content.events import Event
from ..content.site import Site
from .axis import event_bounds

__all__ = ["date_object", "timelinejs_data"]


def date_object(simple: str) -> dict[str, int]:
    """"2021-06" -> {"year": 2021, "month": 6}: only the parts that are known."""
    parts = [int(p) for p in simple.split("-")]
    return dict(zip(("year", "month", "day"), parts, strict=False))


def _points(when: EventDate) -> tuple[str | None, str | None]:
    """The EDTF's first and last written points, without qualifiers; None for an open end."""
    text = when.edtf.rstrip("~?%")
    if text.startswith("["):
        if text.startswith("[.."):  # "April 2018 or earlier": only the last bound is known
            return None, text.strip("[].")
        items = sorted(i for i in text.strip("[]").replace("..", ",").split(",") if i)
        return items[0], None  # "one of" (or "between"): start at the first; not a span, so no end
    start, _, end = text.partition("/")
    return (None if start == ".." else start), (end if end and end != ".." else None)


def _dates(when: EventDate) -> dict[str, Any]:
    start, end = _points(when)
    if start is None:  # "by April 2018": the only bound known is the last one
        start, end = end, None
    dates: dict[str, Any] = {"start_date": date_object(start)}  # type: ignore[arg-type]
    if end:
        dates["end_date"] = date_object(end)
    return dates


def _slide(event: Event, siteurl: str) -> dict[str, Any]:
    url = f"{siteurl}/events/{event.slug}/"
    text = f"<p>{html.escape(event.summary)}</p>"
    if event.disputed:
        text += "<p><em>Sources disagree on this event; see the event page.</em></p>"
    text += f'<p><a href="{html.escape(url)}">The entry and its sources</a></p>'
    return {
        **_dates(event.when),
        "display_date": event.when.display,
        "text": {"headline": html.escape(event.title), "text": text},
        "group": event.phase,
        "unique_id": event.slug,
    }


def _eras(site: Site, phases: tuple[str, ...]) -> list[dict[str, Any]]:
    eras = []
    for phase in phases:
        members = [e for e in site.events if e.phase == phase]
        if not members:
            continue
        first = min(members, key=lambda e: event_bounds(e)[0])
        last = max(members, key=lambda e: event_bounds(e)[1])
        start = _dates(first.when)["start_date"]
        last_dates = _dates(last.when)
        eras.append({"start_date": start, "end_date": last_dates.get("end_date", last_dates["start_date"]),
                     "text": {"headline": html.escape(phase)}})
    return eras


def timelinejs_data(site: Site, sitename: str, siteurl: str, phases: tuple[str, ...]) -> dict[str, Any]:
    """The whole record as one TimelineJS3 JSON object: a title slide, events and eras."""
    home = f"{siteurl}/"
    return {
        "title": {
            "text": {
                "headline": html.escape(sitename),
                "text": "<p>A dated, citable record of Serenity Integrated Mentoring (SIM) "
                        f'and of its sources. <a href="{html.escape(home)}">'
                        "The full timeline and evidence</a>.</p>",
            },
            "unique_id": "title",
        },
        "events": [_slide(event, siteurl) for event in site.events],
        "eras": _eras(site, phases),
    }
