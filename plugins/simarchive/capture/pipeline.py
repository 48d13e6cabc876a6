"""Capture sources into the archive: fetch (live or Wayback), extract, store; many at once.

report = capture_sources(select_sources(registry, ["wessex-ahsn-sim"]), archive, config)
for outcome in report.outcomes: outcome.source_id, outcome.state, outcome.reason
"""

from __future__ import annotations

import errno
import itertools
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

from ..archive import store
from ..archive.warc import write_warc
from ..config import Config
from ..content.registry import Source
from ..errors import ArchiveError, CaptureError, SelectionError, SourceGoneError
from .decode import decode_payload, find_charset
from .extract import Extraction, extract
from .fetch import Fetched, fetch, make_session
from .politeness import HostGate
from .provenance import compare_with_registry
from .record import capture_record, warcinfo
from .wayback import Snapshot, default_timestamp, find_snapshot, wayback_host

__all__ = [
    "VIAS",
    "CaptureReport",
    "CaptureRun",
    "Outcome",
    "capture_source",
    "capture_sources",
    "select_sources",
]

logger = logging.getLogger(__name__)

VIAS = ("auto", "live", "wayback")


@dataclass
class Outcome:
    """What happened to one source: captured, skipped (already captured) or failed, and why."""

    source_id: str
    url: str
    state: str
    via: str | None = None
    length: int | None = None
    sha256: str | None = None
    path: Path | None = None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class CaptureReport:
    """Every source's outcome, in the order the sources were given."""

    outcomes: list[Outcome]

    def count(self, state: str) -> int:
        return sum(1 for o in self.outcomes if o.state == state)

    @property
    def ok(self) -> bool:
        return not self.count("failed")


@dataclass
class CaptureRun:
    """What every capture in a run shares: settings, politeness, and one Session per thread."""

    archive: Path
    config: Config
    gate: HostGate
    allow_private: bool
    local: threading.local = field(default_factory=threading.local)
    sessions: list[requests.Session] = field(default_factory=list)

    @property
    def session(self) -> requests.Session:
        """This thread's Session (requests does not promise that one is safe across threads)."""
        if not hasattr(self.local, "session"):
            self.local.session = make_session(self.config)
            self.sessions.append(self.local.session)  # list.append is atomic
        return self.local.session

    def close(self) -> None:
        for session in self.sessions:
            session.close()


def select_sources(
    registry: dict[str, Source], ids: Sequence[str] = (), *, everything: bool = False
) -> list[Source]:
    """The sources named by id (in that order), or all of them; unknown ids are an error."""
    if everything:
        return list(registry.values())
    if not ids:
        raise SelectionError("name the sources to capture by id, or pass --all or --missing")
    unknown = [i for i in ids if i not in registry]
    if unknown:
        raise SelectionError(
            f"unknown source id {', '.join(repr(i) for i in unknown)} (not in the registry)"
        )
    return [registry[i] for i in dict.fromkeys(ids)]


def _fetch(ctx: CaptureRun, url: str, tmp: Path, trusted: tuple[str, ...] = ()) -> Fetched:
    return fetch(
        ctx.session,
        url,
        ctx.config,
        tmp,
        allow_private=ctx.allow_private,
        gate=ctx.gate,
        trusted_hosts=trusted,
    )


def _from_wayback(
    source: Source, ctx: CaptureRun, timestamp: str | None, tmp: Path
) -> tuple[Fetched, Snapshot]:
    """The snapshot closest to timestamp, else to the earliest day the source may be from."""
    published = source.published.earliest or source.published.latest if source.published else None
    wanted = timestamp or default_timestamp(published)
    host = wayback_host(ctx.config)
    with ctx.gate(host):  # the availability API is a request to the Wayback host too
        snapshot = find_snapshot(ctx.session, ctx.config, source.url, wanted)
    return _fetch(ctx, snapshot.raw_url, tmp, (host,)), snapshot


def _fetch_via(
    source: Source, ctx: CaptureRun, via: str, timestamp: str | None, tmp: Path
) -> tuple[Fetched, Snapshot | None, list[str]]:
    """Fetch live, from Wayback, or live then Wayback if the live URL is gone; and warnings."""
    if via == "wayback":
        return (*_from_wayback(source, ctx, timestamp, tmp), [])
    try:
        return _fetch(ctx, source.url, tmp), None, []
    except SourceGoneError as gone:
        if via == "live":
            raise
        logger.info("simarchive: %s; trying the Wayback Machine", gone)
        try:
            fetched, snapshot = _from_wayback(source, ctx, timestamp, tmp)
        except CaptureError as e:
            raise CaptureError(source.url, f"live: {gone.message}; Wayback: {e.message}") from None
        warning = f"the live URL failed ({gone.message}); captured from the Wayback Machine"
        return fetched, snapshot, [warning]


def _extract(fetched: Fetched, config: Config) -> tuple[Extraction, str | None, str | None]:
    """Decode the final payload and extract its text; returns (extraction, charset, where found)."""
    final = fetched.final
    body = decode_payload(final.body, final.header("Content-Encoding"), final.url, config.max_bytes)
    if body is None:
        encoding = final.header("Content-Encoding")
        return (
            Extraction(
                "none",
                warnings=[
                    f"no text could be extracted: content encoding '{encoding}' is not supported"
                ],
            ),
            None,
            None,
        )
    content_type = final.header("Content-Type")
    mime = (content_type or "").split(";")[0].strip().lower()
    charset, found = (
        find_charset(body, content_type)
        if mime.startswith("text/") or "xml" in mime
        else (None, None)
    )
    return extract(body, content_type, charset or "utf-8"), charset, found


def _assemble(source: Source, ctx: CaptureRun, via: str, timestamp: str | None, tmp: Path) -> Path:
    fetched, snapshot, warnings = _fetch_via(source, ctx, via, timestamp, tmp)
    extraction, charset, found = _extract(fetched, ctx.config)
    warnings += extraction.warnings + compare_with_registry(extraction.metadata, source)
    write_warc(tmp / store.WARC, fetched.exchanges, warcinfo(source, ctx.config))
    (tmp / store.TEXT).write_text(extraction.text, encoding="utf-8")
    record = capture_record(source, fetched, snapshot, extraction, charset=(charset, found), warnings=warnings)
    store.write_capture_json(tmp, record)
    for exchange in fetched.exchanges:
        exchange.body.unlink(missing_ok=True)
    for part in tmp.glob("body-*"):  # bodies of a live attempt before a Wayback fallback
        part.unlink()
    return store.commit_capture(tmp, fetched.final.started)


def _failed(source: Source, error: Exception) -> Outcome:
    logger.info("simarchive: %s: capture failed: %s", source.id, error)  # the report says it
    return Outcome(source.id, source.url, "failed", reason=str(error))


def capture_source(
    source: Source, ctx: CaptureRun, via: str = "auto", timestamp: str | None = None
) -> Outcome:
    """Capture one source; any failure becomes a failed Outcome and leaves nothing behind."""
    try:
        tmp = store.begin_capture(ctx.archive, source.id)
    except ArchiveError as e:
        return _failed(source, e)
    try:
        folder = _assemble(source, ctx, via, timestamp, tmp)
    except (CaptureError, ArchiveError) as e:
        store.discard_capture(tmp)
        return _failed(source, e)
    except OSError as e:  # a full disk, say: this source fails, and the run goes on
        store.discard_capture(tmp)
        if e.errno == errno.ENOSPC:
            message = f"the disk holding {ctx.archive} is full; nothing was kept. Free some space and capture again"
        else:
            message = f"unexpected I/O error ({e})"
        return _failed(source, CaptureError(source.url, message))
    except BaseException:
        store.discard_capture(tmp)
        raise
    capture = store.load_capture(folder)
    logger.info("simarchive: %s: captured %s (%s bytes)", source.id, folder, capture.length)
    return Outcome(
        source.id,
        source.url,
        "captured",
        via=capture.via,
        length=capture.length,
        sha256=capture.sha256,
        path=folder,
        warnings=list(capture.warnings),
    )


def _interleave(sources: Iterable[Source]) -> list[Source]:
    """Round-robin over hosts, so the workers spread across hosts instead of queueing on one."""
    by_host: dict[str, list[Source]] = {}
    for source in sources:
        by_host.setdefault(urlsplit(source.url).hostname or "", []).append(source)
    rounds = itertools.zip_longest(*by_host.values())
    return [s for batch in rounds for s in batch if s is not None]


def capture_sources(
    sources: Sequence[Source],
    archive: Path,
    config: Config,
    *,
    missing: bool = False,
    via: str = "auto",
    timestamp: str | None = None,
    jobs: int = 4,
    allow_private: bool = False,
    on_done: Callable[[Outcome], None] | None = None,
) -> CaptureReport:
    """Capture sources in parallel (jobs threads, config.per_host per host, config.delay apart).

    With missing=True a source that already has a capture is skipped. on_done is called in the
    caller's thread after each source, for a progress bar.
    """
    if via not in VIAS:
        raise SelectionError(f"unknown --via '{via}'; expected one of {', '.join(VIAS)}")
    ctx = CaptureRun(archive, config, HostGate(config.per_host, config.delay), allow_private)
    results: dict[str, Outcome] = {}
    todo = []
    for source in sources:
        if missing and store.capture_dirs(archive, source.id):
            results[source.id] = Outcome(
                source.id, source.url, "skipped", reason="already captured"
            )
            if on_done:
                on_done(results[source.id])
        else:
            todo.append(source)
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="capture") as pool:
        futures = [pool.submit(capture_source, s, ctx, via, timestamp) for s in _interleave(todo)]
        for future in as_completed(futures):
            outcome = future.result()
            results[outcome.source_id] = outcome
            if on_done:
                on_done(outcome)
    ctx.close()
    return CaptureReport([results[s.id] for s in sources if s.id in results])
