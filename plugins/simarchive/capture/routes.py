"""Which way one capture goes: live, from the Wayback Machine, or live then Wayback, and why.

attempt = take_route(source, run, "auto", None, tmp, trail=[])
attempt.route.path, attempt.route.why   # "live, then wayback", "the live URL failed (HTTP 403 ...)"
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..content.registry import Source
from ..errors import CaptureError, SourceBlockedError, SourceGoneError
from .extract import Extraction
from .fetch import Fetched, fetch
from .wayback import Snapshot, default_timestamp, find_snapshot, wayback_host

if TYPE_CHECKING:
    from .pipeline import CaptureRun

__all__ = ["FAR_SHORTER", "SHORT_PAGE", "Attempt", "Route", "take_route"]

logger = logging.getLogger(__name__)

#: A live page whose main text is shorter than this (in characters) is checked against its
#: Wayback snapshot: a paywall or a consent wall often answers 200 with a teaser this short.
SHORT_PAGE = 1000
#: The live page's main text is "far shorter" than the snapshot's below this share of it.
FAR_SHORTER = 0.5


@dataclass
class Route:
    """The way a capture went, in words for the report and capture.json."""

    path: str  # "live", "wayback" or "live, then wayback"
    why: str
    figures: dict[str, int] = field(default_factory=dict)  # main text characters, live and Wayback


@dataclass
class Attempt:
    """One fetch and its extraction, in a work folder of the capture being assembled."""

    fetched: Fetched
    snapshot: Snapshot | None
    extraction: Extraction
    charset: tuple[str | None, str | None]
    route: Route
    warnings: list[str] = field(default_factory=list)


def _attempt(run: CaptureRun, url: str, work: Path, snapshot: Snapshot | None, route: Route, *,
             trusted: tuple[str, ...] = ()) -> Attempt:
    work.mkdir(exist_ok=True)
    fetched = fetch(run.session, url, run.config, work, allow_private=run.allow_private, gate=run.gate,
                    trusted_hosts=trusted)
    extraction, charset, found = run.extractors.extract(fetched.final)
    return Attempt(fetched, snapshot, extraction, (charset, found), route)


def _live(source: Source, run: CaptureRun, tmp: Path, route: Route, trail: list[str]) -> Attempt:
    trail.append("live")
    return _attempt(run, source.url, tmp / "live", None, route)


def _wayback(source: Source, run: CaptureRun, timestamp: str | None, tmp: Path, route: Route, *,
             trail: list[str]) -> Attempt:
    """The snapshot closest to timestamp, else to the earliest day the source may be from."""
    trail.append("wayback")
    published = source.published.earliest or source.published.latest if source.published else None
    wanted = timestamp or default_timestamp(published)
    host = wayback_host(run.config)
    with run.gate(host):  # the availability API is a request to the Wayback host too
        snapshot = find_snapshot(run.session, run.config, source.url, wanted)
    return _attempt(run, snapshot.raw_url, tmp / "wayback", snapshot, route, trusted=(host,))


def _suspect(extraction: Extraction) -> tuple[str, bool] | None:
    """Why a live page that answered 200 may not be the page itself, and whether that is a strong
    sign (a wall) or a weak one (a short text, which many real pages have); None if no reason."""
    if extraction.method != "html":
        return None
    if extraction.wall:
        return extraction.wall, True
    if len(extraction.text) < SHORT_PAGE:
        return f"its main text is short ({len(extraction.text)} characters)", False
    return None


def _compare(source: Source, run: CaptureRun, timestamp: str | None, tmp: Path, live: Attempt, *,
             suspicion: str, strong: bool) -> Attempt:
    """A live page that looks like a wall or a teaser, against its Wayback snapshot: the snapshot
    is taken when the live main text is far shorter than the snapshot's; else the live page is
    kept, with a warning if it looked like a wall."""
    ours = len(live.extraction.text)
    try:
        archived = _wayback(source, run, timestamp, tmp, Route("live, then wayback", ""), trail=[])
    except CaptureError as e:
        if strong:
            live.warnings.append(f"the live page may not be the page itself ({suspicion}); "
                                 f"no Wayback snapshot to compare it with ({e.message})")
        return live
    theirs = len(archived.extraction.text)
    figures = {"live_characters": ours, "wayback_characters": theirs}
    if archived.extraction.method == "html" and ours < FAR_SHORTER * theirs:
        why = (f"the live page's main text ({ours} characters) is far shorter than the Wayback "
               f"snapshot's ({theirs} characters); {suspicion}")
        archived.route = Route("live, then wayback", why, figures)
        archived.warnings.append(f"{why}: captured from the Wayback Machine (--via both keeps both)")
        return archived
    live.route.figures = figures
    if strong:
        live.warnings.append(f"the live page may not be the page itself ({suspicion}), but its main text "
                             f"({ours} characters) is not far shorter than the Wayback snapshot's "
                             f"({theirs} characters): the live capture is kept")
    return live


def take_route(source: Source, run: CaptureRun, via: str, timestamp: str | None, tmp: Path, *,
               trail: list[str]) -> Attempt:
    """Fetch and extract one capture: live, from Wayback, or (auto) live and then Wayback when the
    live URL is gone (404, 410, no such host, refused), refuses us (401, 403, 429, 451), or
    answers with what looks like a wall or a teaser of the page. trail gets each way tried."""
    if via == "wayback":
        return _wayback(source, run, timestamp, tmp, Route("wayback", "--via wayback"), trail=trail)
    if via == "live":
        return _live(source, run, tmp, Route("live", "--via live"), trail)
    try:
        live = _live(source, run, tmp, Route("live", "the live page answered"), trail)
    except (SourceGoneError, SourceBlockedError) as failed:
        logger.info("simarchive: %s; trying the Wayback Machine", failed)
        why = f"the live URL failed ({failed.message})"
        try:
            archived = _wayback(source, run, timestamp, tmp, Route("live, then wayback", why), trail=trail)
        except CaptureError as e:
            raise CaptureError(source.url, f"live: {failed.message}; Wayback: {e.message}") from None
        archived.warnings.append(f"{why}; captured from the Wayback Machine")
        return archived
    live.route.why = f"the live page answered HTTP {live.fetched.final.status}"
    if suspect := _suspect(live.extraction):
        return _compare(source, run, timestamp, tmp, live, suspicion=suspect[0], strong=suspect[1])
    return live
