"""Check each source's original against its latest capture, politely, through capture's own
guard, session and HostGate; log one line per check (archive/watchlog.py).

report = watch_sources(sources, archive, config)
for check in report.checks: check.source_id, check.record["result"]   # same, changed, moved, ...

What a check finds, in this order:
- gone: HTTP 404 or 410, or the host name no longer resolves;
- blocked: HTTP 401, 403, 429 or 451, or a 200 that is a wall as capture's heuristic says (a
  paywall or consent wall: extract.py), in front of a main text far shorter than our copy's (as
  capture's routes.py judges it before it turns to the Wayback Machine);
- error: the check itself failed (a timeout, a refused connection, a 5xx after the retries): it
  says nothing of the page;
- moved: the original now ends, after its redirects, at another address than our copy did;
- changed: the main text differs from our copy's once furniture is set aside (furniture.py);
- same: otherwise (and at once when the payload's SHA-256 is our copy's).
Both texts are extracted now, with the same extractor and in capture's bounded extraction process,
so an extractor that improved since the capture does not look like a page that changed, and a
hostile payload cannot hold the watch.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from ..archive import store
from ..archive.watchlog import append_check
from ..capture.bounded import ExtractionPool
from ..capture.fetch import BLOCKED_STATUSES, GONE_STATUSES, Exchange, Fetched, fetch
from ..capture.pipeline import CaptureRun, capture_source
from ..capture.politeness import HostGate
from ..capture.record import tool_version
from ..capture.routes import FAR_SHORTER
from ..config import Config
from ..content.registry import Source
from ..errors import ArchiveError, CaptureError, HostNotFoundError, SourceGoneError
from .furniture import around, compare

__all__ = ["Check", "WatchReport", "check_source", "watch_sources"]

logger = logging.getLogger(__name__)


@dataclass
class Check:
    """One source's check: the line logged (None when it was skipped), or why it was skipped."""

    source_id: str
    record: dict | None = None
    skipped: str | None = None

    @property
    def result(self) -> str:
        return self.record["result"] if self.record else "skipped"


@dataclass
class WatchReport:
    checks: list[Check] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for c in self.checks if c.result == result)


def _moment(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _capture_text(capture: store.Capture, extractors: ExtractionPool, work: Path) -> str:
    """Our copy's main text, extracted again from its WARC as the page's is now; its text.txt if
    the WARC cannot give it (verify reports why)."""
    final = None
    try:
        with capture.warc_path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    with (work / "ours").open("wb") as out:
                        shutil.copyfileobj(record.raw_stream, out)
                    headers = record.http_headers.headers if record.http_headers else []
                    final = Exchange(capture.final_url, "", [], capture.status, "", "", headers, work / "ours")
        if final is not None:
            return extractors.extract(final)[0].text
    except (OSError, ValueError, CaptureError) as e:
        logger.warning("simarchive: %s: cannot read its payload again (%s); comparing with text.txt",
                       capture.warc_path, e)
    return capture.text_path.read_text(encoding="utf-8", errors="replace")


def _place(url: str) -> tuple[str, str, str]:
    """Where a URL points, for "moved": its host (no www.), path (no trailing slash) and query;
    http and https are one place."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host, parts.path.rstrip("/") or "/", parts.query


def _failed(error: CaptureError) -> tuple[str, str]:
    """The result a failed fetch stands for, and why."""
    if isinstance(error, HostNotFoundError) or (isinstance(error, SourceGoneError) and
                                                 error.status in GONE_STATUSES):
        return "gone", error.message
    if error.status in BLOCKED_STATUSES:
        return "blocked", error.message
    return "error", error.message


def _compared(source: Source, capture: store.Capture, fetched: Fetched, extractors: ExtractionPool,
              work: Path) -> dict:
    """The result of a fetch that answered: blocked (a wall), moved, changed or same."""
    final = fetched.final
    found: dict = {"status": final.status, "final_url": final.url, "sha256": final.sha256,
                   "redirects": [e.url for e in fetched.exchanges[:-1]]}
    ours_at = capture.final_url if capture.via == "live" else source.url
    moved = _place(final.url) != _place(ours_at)
    if final.sha256 == capture.sha256 and not moved:
        return {**found, "result": "same", "similarity": 1.0}
    extraction = extractors.extract(final)[0]
    now, ours = extraction.text, _capture_text(capture, extractors, work)
    if extraction.wall and len(now) < FAR_SHORTER * len(ours):
        reason = (f"a wall: {extraction.wall}; its main text ({len(now)} characters) is far shorter than "
                  f"our copy's ({len(ours)} characters)")
        return {**found, "result": "blocked", "reason": reason}
    days = around(final.started, dt.datetime.fromisoformat(capture.captured_at.replace("Z", "+00:00")))
    labels = (f"our copy of {capture.captured_at}", f"the original at {_moment(final.started)}")
    comparison = compare(ours, now, days, labels)
    found["similarity"] = comparison.similarity
    if not comparison.same:
        found.update(diff=comparison.diff, added=comparison.added, removed=comparison.removed)
    if moved:
        return {**found, "result": "moved", "reason": f"now at {final.url} (our copy was of {ours_at})"}
    return {**found, "result": "same" if comparison.same else "changed"}


def check_source(source: Source, ctx: CaptureRun) -> Check:
    """Fetch the original once and compare it with the latest capture; nothing is written."""
    captures = store.list_captures(ctx.archive, source.id)
    if not captures:
        return Check(source.id, skipped="never captured: nothing to compare with (capture it first)")
    capture = captures[-1]
    base = {"source_id": source.id, "url": source.url, "capture": capture.timestamp, "tool_version": tool_version()}
    started = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory(prefix="simarchive-watch-") as work:
        try:
            fetched = fetch(ctx.session, source.url, ctx.config, Path(work), allow_private=ctx.allow_private,
                            gate=ctx.gate)
        except CaptureError as e:
            result, reason = _failed(e)
            return Check(source.id, {**base, "checked_at": _moment(started), "result": result, "reason": reason,
                                     "status": e.status})
        try:
            found = _compared(source, capture, fetched, ctx.extractors, Path(work))
        except CaptureError as e:  # a body that cannot be decoded, say
            found = {"result": "error", "reason": e.message, "status": fetched.final.status}
    return Check(source.id, {**base, "checked_at": _moment(fetched.final.started), **found})


def _recapture(check: Check, source: Source, ctx: CaptureRun) -> None:
    """A new capture of a page found changed or moved, through capture's own pipeline."""
    outcome = capture_source(source, ctx, via="live")
    if outcome.state == "captured" and outcome.path:
        check.record["captured"] = outcome.path.name
    else:
        check.record["capture_failed"] = outcome.reason


def watch_sources(
    sources: Sequence[Source],
    archive: Path,
    config: Config,
    *,
    jobs: int = 4,
    allow_private: bool = False,
    capture_changed: bool = False,
    on_done: Callable[[Check], None] | None = None,
) -> WatchReport:
    """Check every source (jobs threads, config.per_host per host, config.delay apart) and append
    each check to its source's log; with capture_changed, capture again each page found changed
    or moved before logging it, so that its line names the new capture."""
    ctx = CaptureRun(archive, config, HostGate(config.per_host, config.delay), allow_private,
                     ExtractionPool(config))
    by_id = {s.id: s for s in sources}
    done: dict[str, Check] = {}
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="watch") as pool:
            futures = [pool.submit(check_source, s, ctx) for s in sources]
            for future in as_completed(futures):
                check = future.result()
                if check.record and capture_changed and check.result in ("changed", "moved"):
                    _recapture(check, by_id[check.source_id], ctx)
                if check.record:
                    try:
                        check.record = append_check(archive, check.source_id, check.record)
                    except ArchiveError as e:
                        check.record = {**check.record, "result": "error", "reason": f"not logged: {e}"}
                done[check.source_id] = check
                if on_done:
                    on_done(check)
    finally:
        ctx.close()
    return WatchReport([done[s.id] for s in sources if s.id in done])
