"""CSL-JSON records for what can be cited: an event page, and a source as archived by us.

CSL-JSON is the single source of truth: every style (cite_styles.py) and every download
(cite_export.py) is written from the dict these functions return, never from the registry.

    >>> item = source_item(source, capture, sitename="SIM Timeline", siteurl="https://x.example")
    >>> item["URL"]   # our permanent URL of that capture
    'https://x.example/sources/gazette/captures/20240102T030405Z/'
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..archive.store import Capture
from ..content.dates import EventDate, parse_when
from ..content.events import Event
from ..content.registry import Source

__all__ = [
    "capture_url", "csl_date", "event_item", "event_url", "modified_day", "parse_names", "source_item",
    "source_url", "utc_day",
]

# Registry kinds -> CSL types. News is an article in a periodical (quoted title, italic paper);
# reports and official papers are stand-alone documents (italic title); the rest are web pages.
CSL_TYPES = {
    "news": "article-newspaper",
    "report": "report",
    "official": "document",
    "foi": "document",
    "parliament": "document",
    "campaign": "webpage",
    "promotional": "webpage",
    "encyclopedia": "entry-encyclopedia",
}

_EXACT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def source_url(siteurl: str, source_id: str) -> str:
    return f"{siteurl}/sources/{source_id}/"


def capture_url(siteurl: str, source_id: str, timestamp: str) -> str:
    """The permanent URL of one archived copy: a page about it, with its text."""
    return f"{siteurl}/sources/{source_id}/captures/{timestamp}/"


def event_url(siteurl: str, slug: str) -> str:
    return f"{siteurl}/events/{slug}/"


def _parts(text: str) -> list[int] | None:
    m = _EXACT.match(text)
    return [int(g) for g in m.groups() if g] if m else None


def csl_date(date: EventDate) -> dict[str, Any]:
    """An EDTF date as a CSL date, keeping its precision.

    A day, month or year is `date-parts` with 3, 2 or 1 parts (never an invented day). A closed
    span of such dates is `date-parts` with two parts, which CSL defines as a range. An
    approximate date (2012-11~) is `date-parts` plus `circa`. CSL cannot say "one of" (a set),
    an open end ("by April 2018") or "uncertain" (2022?): two date-parts would claim a range, and
    one would claim a certainty the evidence lacks, so those are a `literal`, written as people
    write them, with the EDTF kept in `raw` for tools that read it.
    """
    edtf = date.edtf
    if parts := _parts(edtf):
        return {"date-parts": [parts]}
    if edtf.endswith("~") and (parts := _parts(edtf[:-1])):
        return {"date-parts": [parts], "circa": True}
    start, sep, end = edtf.partition("/")
    if sep and (first := _parts(start)) and (last := _parts(end)):
        return {"date-parts": [first, last]}
    return {"literal": date.display, "raw": edtf}


def utc_day(iso: str) -> dt.date:
    """"2024-01-02T03:04:05Z" -> date(2024, 1, 2): the UTC day of a capture."""
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(dt.UTC).date()


def _day_parts(day: dt.date) -> dict[str, Any]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def parse_names(author: str | None, publisher: str = "") -> list[dict[str, str]]:
    """Registry authors ("Jane Example; Sam Q. Writer") as CSL names.

    Names are separated by ";". A name with a comma is "Family, Given" (for particles: "van
    Dijk, Anna"); otherwise the last word is the family name. An author equal to the publisher,
    or a single word, is an organisation (a CSL literal name), never split into given/family.
    """
    names = []
    for raw in (author or "").split(";"):
        name = " ".join(raw.split())
        if not name:
            continue
        if name == publisher or " " not in name and "," not in name:
            names.append({"literal": name})
        elif "," in name:
            family, _, given = name.partition(",")
            names.append({"family": family.strip(), "given": given.strip()})
        else:
            given, _, family = name.rpartition(" ")
            names.append({"family": family, "given": given})
    return names


def _note(source: Source, capture: Capture, sitename: str) -> str:
    return (
        f"Archived by {sitename} on {capture.captured_at} from {source.url}"
        f"{' via the Wayback Machine' if capture.via.startswith('wayback') else ''}. "
        f"SHA-256: {capture.sha256}"
    )


def source_item(source: Source, capture: Capture | None, *, sitename: str, siteurl: str) -> dict[str, Any]:
    """A source as archived by us (capture given), or as published (no capture yet)."""
    csl_type = CSL_TYPES.get(source.kind, "webpage")
    item: dict[str, Any] = {
        "id": f"{source.id}-{capture.timestamp}" if capture else source.id,
        "type": csl_type,
        "title": source.title,
        "publisher": source.publisher,
        "language": source.language,
    }
    if csl_type in ("article-newspaper", "webpage", "entry-encyclopedia"):
        item["container-title"] = source.publisher
    if names := parse_names(source.author, source.publisher):
        item["author"] = names
    if source.published:
        item["issued"] = csl_date(source.published)
    if capture is None:
        item["URL"] = source.url
        return item
    # The capture date is the date of the version cited, which CSL calls `accessed`; the
    # archive, the capture's timestamp and its hash say where that version is and prove it.
    item["URL"] = capture_url(siteurl, source.id, capture.timestamp)
    item["accessed"] = _day_parts(utc_day(capture.captured_at))
    item["archive"] = sitename
    item["archive_location"] = capture.timestamp
    item["note"] = _note(source, capture, sitename)
    if capture.content_type.split(";")[0].strip() == "application/pdf":
        item["medium"] = "PDF"
    item["custom"] = {
        "original-url": source.url, "captured-at": capture.captured_at, "sha256": capture.sha256,
        "via": capture.via,
    }
    return item


def event_item(event: Event, revised: dt.date | None, *, sitename: str, siteurl: str) -> dict[str, Any]:
    """An event page of ours: its title, the site as publisher, its date of last revision."""
    item: dict[str, Any] = {
        "id": event.slug,
        "type": "webpage",
        "title": event.title,
        "container-title": sitename,
        "publisher": sitename,
        "URL": event_url(siteurl, event.slug),
        "abstract": event.summary,
        "language": "en-GB",
        "custom": {"event-date": event.when.edtf, "event-date-display": event.when.display},
    }
    if revised:
        item["issued"] = _day_parts(revised)
    return item


def modified_day(text: str | None) -> dt.date | None:
    """An event's `Modified:` (a day, e.g. 2024-05-01) as a date; validated in events.py."""
    if not text:
        return None
    date = parse_when(text)
    return date.earliest if date.precision == "day" else None
