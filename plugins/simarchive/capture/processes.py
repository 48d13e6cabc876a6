"""Capture across processes. Text extraction (BeautifulSoup) holds the GIL, so threads alone use
one core; N processes, each with its own threads, use N.

Politeness still holds: a host whose requests must be spaced (SIMARCHIVE_DELAY > 0) is captured
by one process only; a host without a delay may be dealt across processes, each allowed its share
of SIMARCHIVE_PER_HOST.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from queue import Empty
from urllib.parse import urlsplit

from ..config import Config
from ..content.registry import Source
from .pipeline import CaptureReport, Outcome, capture_sources

__all__ = ["capture_in_processes", "shards"]

_progress = None  # set in each worker process by _start_worker, never in the parent


def shards(sources: Sequence[Source], processes: int, config: Config) -> list[list[Source]]:
    """Deal the sources into at most `processes` lists without breaking per-host politeness."""
    by_host: dict[str, list[Source]] = {}
    for source in sources:
        by_host.setdefault(urlsplit(source.url).hostname or "", []).append(source)
    out: list[list[Source]] = [[] for _ in range(processes)]
    turn = itertools.cycle(range(processes))
    for host_sources in by_host.values():
        if config.delay > 0:
            out[next(turn)].extend(host_sources)
        else:
            for source in host_sources:
                out[next(turn)].append(source)
    return [shard for shard in out if shard]


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)  # at once: no cleanup in a worker whose parent is gone


def _die_with_parent(parent: int) -> None:
    """End this worker when the capture process that started it ends, even by SIGKILL.

    On Linux the kernel sends SIGTERM the moment the parent dies (PR_SET_PDEATHSIG); elsewhere a
    thread notices within half a second. Either way, a capture in progress leaves only its temp
    folder, which verify reports as a leftover. (Linux sends the signal when the thread that
    started the worker ends: the pool starts its workers in the thread that calls
    capture_in_processes, which waits for them all.)
    """
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True) if sys.platform == "linux" else None
    if libc is None or libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="watch-parent").start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _start_worker(queue, parent: int) -> None:  # noqa: ANN001 - a multiprocessing queue
    global _progress  # noqa: PLW0603 - per worker process, set once by the pool's initializer
    _die_with_parent(parent)
    _progress = queue


def _run_shard(shard: list[Source], archive: Path, config: Config, options: dict) -> list[Outcome]:
    report = capture_sources(shard, archive, config, on_done=_progress.put, **options)
    return report.outcomes


def capture_in_processes(
    sources: Sequence[Source],
    archive: Path,
    config: Config,
    *,
    processes: int,
    on_done: Callable[[Outcome], None] | None = None,
    **options,
) -> CaptureReport:
    """capture_sources over `processes` processes; on_done is called in this process as each
    source finishes. options are capture_sources' own (missing, via, timestamp, jobs, ...)."""
    parts = shards(sources, processes, config)
    if len(parts) <= 1:
        return capture_sources(sources, archive, config, on_done=on_done, **options)
    if config.delay == 0:  # each process gets its share of the per-host limit
        config = dataclasses.replace(config, per_host=max(1, config.per_host // len(parts)))
    context = multiprocessing.get_context("spawn")  # no fork of a process that has threads
    queue = context.Queue()
    outcomes: dict[str, Outcome] = {}
    reported = 0
    with ProcessPoolExecutor(len(parts), mp_context=context, initializer=_start_worker,
                             initargs=(queue, os.getpid())) as pool:
        pending = {pool.submit(_run_shard, part, archive, config, options) for part in parts}
        while pending:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            reported += _drain(queue, on_done)
            for future in done:
                outcomes.update((o.source_id, o) for o in future.result())
    while reported < len(outcomes):  # the last progress messages may still be in the pipe
        reported += _drain(queue, on_done, wait_seconds=5) or len(outcomes)
    return CaptureReport([outcomes[s.id] for s in sources if s.id in outcomes])


def _drain(queue, on_done: Callable[[Outcome], None] | None, wait_seconds: float = 0) -> int:  # noqa: ANN001
    """Pass on the progress messages waiting; return how many there were."""
    count = 0
    while True:
        try:
            outcome = queue.get(timeout=wait_seconds) if wait_seconds and not count else queue.get_nowait()
        except Empty:
            return count
        count += 1
        if on_done:
            on_done(outcome)
