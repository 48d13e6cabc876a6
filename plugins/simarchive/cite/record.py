"""CSL-JSON records for what can be cited: an event page, and a source as archived by us.

CSL-JSON is the single source of truth: every style (styles.py), every download (export.py) and
the page metadata (meta.py) are written from the dict these functions return, never from the
registry.

    >>> item = source_item(source, capture, sitename="SIM Timeline", siteurl="https://x.example")
    >>> item["URL"]   # our permanent URL of that capture
    'https://x.example/sources/gazette/captures/20240102T030405Z/'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any

from ..archive.store import Capture
from ..content.dates import EventDate
from ..content.events import Event
from ..content.registry import Source

__all__ = [
    "capture_url", "csl_date", "event_item", "event_url", "organisations", "parse_names", "source_item",
    "source_url", "utc_day",
]

# Registry kinds -> CSL types. News is an article in a periodical (quoted title, italic paper);
# reports and official papers are stand-alone documents (italic title); the rest are web pages.
# A work inside a container (a paper, a website) names it in `container-title` and has no
# `publisher`; a stand-alone one names its `publisher`: never both, or styles print "HSJ, HSJ".
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

IN_CONTAINER = ("article-newspaper", "webpage", "entry-encyclopedia")
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


def organisations(sources: Mapping[str, Source]) -> frozenset[str]:
    """The names the registry knows as organisations: every publisher in it."""
    return frozenset(s.publisher for s in sources.values())


def parse_names(author: str | None, known_organisations: Collection[str] = ()) -> list[dict[str, str]]:
    """Registry authors ("Jane Example; Sam Q. Writer") as CSL names.

    Names are separated by ";". An organisation is a CSL literal name, written whole, never split
    into given and family ("StopSIM Coalition" is never "Coalition, S."): a name the registry knows
    as an organisation (the publisher of a source) or a single word. Otherwise a name with a comma
    is "Family, Given" (for particles: "van Dijk, Anna"), and in one without, the last word is the
    family name.
    """
    names = []
    for raw in (author or "").split(";"):
        name = " ".join(raw.split())
        if not name:
            continue
        if name in known_organisations or " " not in name and "," not in name:
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


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _day_text(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def source_item(source: Source, capture: Capture | None, *, sitename: str, siteurl: str,
                known_organisations: Collection[str] = ()) -> dict[str, Any]:
    """A source as archived by us (capture given), or as published (no capture yet).

    A source not yet captured has no `accessed`: nobody recorded when it was read, and the
    build's date is not a reading. Its citation says "n.d." where it has no date, which is true.
    """
    csl_type = CSL_TYPES.get(source.kind, "webpage")
    item: dict[str, Any] = {
        "id": f"{source.id}-{capture.timestamp}" if capture else source.id,
        "type": csl_type,
        "title": source.title,
        "language": source.language,
    }
    item["container-title" if csl_type in IN_CONTAINER else "publisher"] = source.publisher
    if names := parse_names(source.author, {source.publisher, *known_organisations}):
        item["author"] = names
    if source.published:
        item["issued"] = csl_date(source.published)
    if capture is None:
        item["URL"] = source.url
        return item
    # The capture date is the date of the version cited, which CSL calls `accessed`. Most styles
    # print `accessed` only for an undated work, so the archive's location within it is the
    # capture's day as words, which every style prints beside the archive's name.
    day = utc_day(capture.captured_at)
    item["URL"] = capture_url(siteurl, source.id, capture.timestamp)
    item["accessed"] = _day_parts(day)
    item["archive"] = sitename
    item["archive_location"] = f"captured {_day_text(day)}"
    item["note"] = _note(source, capture, sitename)
    if capture.content_type.split(";")[0].strip() == "application/pdf":
        item["medium"] = "PDF"
    item["custom"] = {
        "original-url": source.url, "captured-at": capture.captured_at, "sha256": capture.sha256,
        "via": capture.via,
    }
    return item


def event_item(event: Event, revised: dt.date | None, *, sitename: str, siteurl: str) -> dict[str, Any]:
    """An event page of ours, a web page of the site, dated by its last revision.

    No style has a place for the date of what the page is about, so the title carries it, as
    the entry shows it ("Network closes (June 2021)"); the note says it again with its EDTF.
    The site is the page's container, and not its publisher too.
    """
    item: dict[str, Any] = {
        "id": event.slug,
        "type": "webpage",
        "title": f"{event.title} ({event.when.display})",
        "container-title": sitename,
        "URL": event_url(siteurl, event.slug),
        "abstract": event.summary,
        "language": "en-GB",
        "note": f"Event date: {event.when.display} (EDTF {event.when.edtf}).",
        "custom": {"event-date": event.when.edtf, "event-date-display": event.when.display},
    }
    if revised:
        item["issued"] = _day_parts(revised)
    return item
