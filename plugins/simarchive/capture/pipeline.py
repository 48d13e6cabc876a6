"""Capture sources into the archive: fetch (live or Wayback), extract, store; many at once.

report = capture_sources(select_sources(registry, ["wessex-ahsn-sim"]), archive, config)
for outcome in report.outcomes: outcome.source_id, outcome.state, outcome.reason
"""

from __future__ import annotations

import errno
import itertools
import logging
import shutil
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
from ..errors import ArchiveError, CaptureError, SelectionError
from .bounded import ExtractionPool
from .fetch import make_session
from .politeness import HostGate
from .provenance import compare_with_registry
from .record import capture_record, warcinfo
from .routes import Attempt, take_route
from .timestamping import timestamp_capture

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

VIAS = ("auto", "live", "wayback", "both")


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
    #: The way the capture went ("live", "wayback", "live, then wayback") and why.
    route: str | None = None
    why: str | None = None
    #: With --via both: the Wayback capture, beside this live one.
    also: Outcome | None = None


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
    extractors: ExtractionPool
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
        self.extractors.close()


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


def _store(source: Source, attempt: Attempt, config: Config, tmp: Path) -> Path:
    """Write the chosen attempt's WARC, texts and capture.json into tmp, then commit it."""
    fetched, extraction = attempt.fetched, attempt.extraction
    warnings = attempt.warnings + extraction.warnings + compare_with_registry(extraction.metadata, source)
    write_warc(tmp / store.WARC, fetched.exchanges, warcinfo(source, config))
    (tmp / store.TEXT).write_text(extraction.text, encoding="utf-8")
    if extraction.fulltext is not None:
        (tmp / store.FULLTEXT).write_text(extraction.fulltext, encoding="utf-8")
    record = capture_record(source, fetched, attempt.snapshot, extraction, charset=attempt.charset,
                            warnings=warnings, route=attempt.route)
    store.write_capture_json(tmp, record)
    for work in ("live", "wayback"):  # the bodies as fetched, now in the WARC
        shutil.rmtree(tmp / work, ignore_errors=True)
    return store.commit_capture(tmp, fetched.final.started)


def _timestamp(folder: Path, ctx: CaptureRun) -> list[str]:
    """Ask the TSA (SIMARCHIVE_TSA_URL) for a token over the sealed capture: a TSA that fails
    leaves the capture as it is, with a warning, for `sim-archive timestamp` to try again."""
    try:
        with ctx.gate(urlsplit(ctx.config.tsa_url or "").hostname or ""):
            timestamp_capture(ctx.session, folder, ctx.config)
    except CaptureError as e:
        return [f"not timestamped ({e}); `sim-archive timestamp {folder.parent.name}` asks again"]
    return []


def _failed(source: Source, error: Exception, trail: Sequence[str] = ()) -> Outcome:
    logger.info("simarchive: %s: capture failed: %s", source.id, error)  # the report says it
    return Outcome(source.id, source.url, "failed", reason=str(error), route=", then ".join(trail) or None)


def _capture_one(source: Source, ctx: CaptureRun, via: str, timestamp: str | None) -> Outcome:
    """One capture folder; any failure becomes a failed Outcome and leaves nothing behind."""
    try:
        tmp = store.begin_capture(ctx.archive, source.id)
    except ArchiveError as e:
        return _failed(source, e)
    trail: list[str] = []
    try:
        attempt = take_route(source, ctx, via, timestamp, tmp, trail=trail)
        folder = _store(source, attempt, ctx.config, tmp)
    except (CaptureError, ArchiveError) as e:
        store.discard_capture(tmp)
        return _failed(source, e, trail)
    except OSError as e:  # a full disk, say: this source fails, and the run goes on
        store.discard_capture(tmp)
        if e.errno == errno.ENOSPC:
            message = f"the disk holding {ctx.archive} is full; nothing was kept. Free some space and capture again"
        else:
            message = f"unexpected I/O error ({e})"
        return _failed(source, CaptureError(source.url, message), trail)
    except BaseException:
        store.discard_capture(tmp)
        raise
    capture = store.load_capture(folder)
    logger.info("simarchive: %s: captured %s (%s bytes)", source.id, folder, capture.length)
    stamped = _timestamp(folder, ctx) if ctx.config.tsa_url else []
    return Outcome(
        source.id,
        source.url,
        "captured",
        via=capture.via,
        length=capture.length,
        sha256=capture.sha256,
        path=folder,
        warnings=[*capture.warnings, *stamped],
        route=attempt.route.path,
        why=attempt.route.why,
    )


def capture_source(
    source: Source, ctx: CaptureRun, via: str = "auto", timestamp: str | None = None
) -> Outcome:
    """Capture one source (with via="both", twice: live, and from Wayback, two witnesses)."""
    if via != "both":
        return _capture_one(source, ctx, via, timestamp)
    live = _capture_one(source, ctx, "live", timestamp)
    archived = _capture_one(source, ctx, "wayback", timestamp)
    if live.state == "failed" and archived.state == "failed":
        return Outcome(source.id, source.url, "failed", reason=f"live: {live.reason}; Wayback: {archived.reason}")
    first, second = (live, archived) if live.state == "captured" else (archived, live)
    first.also = second
    return first


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
    processes: int = 1,
    on_done: Callable[[Outcome], None] | None = None,
) -> CaptureReport:
    """Capture sources in parallel (jobs threads, config.per_host per host, config.delay apart),
    their text read by `processes` extraction processes (one per core the capture may use).

    With missing=True a source that already has a capture is skipped. on_done is called in the
    caller's thread after each source, for a progress bar.
    """
    if via not in VIAS:
        raise SelectionError(f"unknown --via '{via}'; expected one of {', '.join(VIAS)}")
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
    if todo:
        ctx = CaptureRun(archive, config, HostGate(config.per_host, config.delay), allow_private,
                         ExtractionPool(config, processes))
        try:
            with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="capture") as pool:
                futures = [pool.submit(capture_source, s, ctx, via, timestamp) for s in _interleave(todo)]
                for future in as_completed(futures):
                    outcome = future.result()
                    results[outcome.source_id] = outcome
                    if on_done:
                        on_done(outcome)
        finally:
            ctx.close()
    return CaptureReport([results[s.id] for s in sources if s.id in results])
