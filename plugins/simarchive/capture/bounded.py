"""Extraction in a child process, under a time limit, a memory limit and a page limit.

A hostile payload (a small PDF whose pages share one costly content stream, a page nested past
reason) must not hold a capture run for hours or take the machine's memory. So the payload is
decoded and its text extracted in worker processes (`--processes`, one per core wanted) that the
capture process starts once (multiprocessing, spawn), whose address space is capped (RLIMIT_AS),
and one is killed when its job overruns its time; the capture then keeps its WARC with what was
extracted and a warning.

with ExtractionPool(config, count=2) as pool:    # or one ExtractionWorker(config)
    extraction, charset, found = pool.extract(fetched.final)
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import queue
import resource
import signal
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config
from ..errors import CaptureError
from .extract import Extraction, Limits, pdf_text

if TYPE_CHECKING:
    from .fetch import Exchange

__all__ = ["ExtractionPool", "ExtractionWorker", "Job"]

logger = logging.getLogger(__name__)

MB = 1024 * 1024


@dataclass(frozen=True)
class Job:
    """One payload to read: where its bytes are, and what its headers say about them."""

    url: str
    body: Path
    content_type: str | None
    content_encoding: str | None
    max_bytes: int
    limits: Limits


def _decode_and_extract(job: Job, conn: Connection) -> tuple[Extraction, str | None, str | None]:
    from .decode import decode_payload, find_charset
    from .extract import extract, extractor_for

    body = decode_payload(job.body, job.content_encoding, job.url, job.max_bytes)
    if body is None:
        warning = f"no text could be extracted: content encoding '{job.content_encoding}' is not supported"
        return Extraction("none", warnings=[warning]), None, None
    mime = (job.content_type or "").split(";")[0].strip().lower()
    charset, found = (
        find_charset(body, job.content_type) if mime.startswith("text/") or "xml" in mime else (None, None)
    )
    conn.send(("start", extractor_for(body, job.content_type), charset, found))
    extraction = extract(body, job.content_type, charset or "utf-8", job.limits,
                         on_page=lambda text: conn.send(("page", text)))
    return extraction, charset, found


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)  # at once: no cleanup in a worker whose parent is gone


def _die_with_parent(parent: int) -> None:
    """End this worker when the capture process that started it ends, even by SIGKILL and even
    in the middle of a job (an idle worker would see its pipe close anyway).

    On Linux the kernel sends SIGTERM the moment the parent dies (PR_SET_PDEATHSIG); elsewhere a
    thread notices within half a second. Linux sends it when the thread that started the worker
    ends, which is why ExtractionPool starts its workers from the thread that runs the capture.
    """
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True) if sys.platform == "linux" else None
    if libc is None or libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="watch-parent").start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _serve(conn: Connection, memory_bytes: int, parent: int) -> None:
    """The worker's loop: one job at a time, until the capture process closes the pipe (or dies)."""
    _die_with_parent(parent)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        out_of_memory = False
        try:
            conn.send(("done", *_decode_and_extract(job, conn)))
        except CaptureError as e:  # sent as plain values: CaptureError(url, message) does not pickle
            conn.send(("error", e.message))
        except MemoryError:
            out_of_memory = True  # said below: here the traceback still holds what filled the memory
        if out_of_memory:
            conn.send(("memory",))
            return  # a process that ran out of memory may be in any state: start afresh


class ExtractionWorker:
    """One worker process, one job at a time (an ExtractionPool holds several). Started by
    start() or on first use; started again after it was killed for overrunning a limit."""

    def __init__(self, config: Config):
        self.seconds = config.extract_seconds
        self.memory_bytes = config.extract_memory * MB
        self.limits = Limits(pdf_pages=config.extract_pages)
        self.max_bytes = config.max_bytes
        self._lock = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> ExtractionWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> Connection:
        """Start the worker process, if it is not running; the pipe to it."""
        if self._conn is None:
            context = multiprocessing.get_context("spawn")  # never fork a process that has threads
            ours, theirs = context.Pipe()
            self._process = context.Process(
                target=_serve, args=(theirs, self.memory_bytes, os.getpid()), name="sim-archive-extract", daemon=True
            )
            self._process.start()
            theirs.close()
            self._conn = ours
        return self._conn

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join()
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def close(self) -> None:
        """End the worker: closing the pipe ends its loop."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            if self._process is not None:
                self._process.join(timeout=5)
                if self._process.is_alive():
                    self._process.kill()
                    self._process.join()
                self._process = None

    def extract(self, final: Exchange) -> tuple[Extraction, str | None, str | None]:
        """Decode and extract the payload of the final response, within the limits.

        Raises CaptureError when the payload itself is bad (a corrupt gzip body, one that
        decodes past SIMARCHIVE_MAX_BYTES), as before; a payload that takes too long or too much
        memory gives what was extracted by then, with a warning, and a fresh worker for the next.
        """
        job = Job(final.url, final.body, final.header("Content-Type"), final.header("Content-Encoding"),
                  self.max_bytes, self.limits)
        with self._lock:
            conn = self.start()
            try:
                conn.send(job)
            except OSError:  # the worker was killed between two jobs: start another
                self._stop()
                conn = self.start()
                conn.send(job)
            return self._collect(conn, job)

    def _collect(self, conn: Connection, job: Job) -> tuple[Extraction, str | None, str | None]:
        deadline = time.monotonic() + self.seconds
        pages: list[str] = []
        method = charset = found = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not conn.poll(left):
                self._stop()
                why = f"it took longer than {self.seconds:g} s (SIMARCHIVE_EXTRACT_SECONDS)"
                return self._cut(job, method, pages, why), charset, found
            try:
                message = conn.recv()
            except (EOFError, OSError):  # the worker died: killed from outside, or crashed
                self._stop()
                return self._cut(job, method, pages, "the extraction process died"), charset, found
            kind = message[0]
            if kind == "page":
                pages.append(message[1])
            elif kind == "start":
                method, charset, found = message[1:]
            elif kind == "done":
                return message[1], message[2], message[3]
            elif kind == "error":
                raise CaptureError(job.url, message[1])
            elif kind == "memory":
                self._stop()
                limit = f"it needed more than {self.memory_bytes // MB} MB (SIMARCHIVE_EXTRACT_MEMORY)"
                return self._cut(job, method, pages, limit), charset, found

    @staticmethod
    def _cut(job: Job, method: str | None, pages: list[str], why: str) -> Extraction:
        logger.info("simarchive: %s: extraction stopped: %s", job.url, why)
        text = pdf_text(pages) if pages else ""
        kept = f"text.txt holds the {len(pages)} page(s) read by then" if pages else "no text was kept"
        return Extraction(
            method or "none",
            text,
            warnings=[f"extraction stopped: {why}; {kept}; the WARC holds the whole payload"],
            cut=why,
        )


class ExtractionPool:
    """`count` extraction workers shared by a capture run's threads: each payload goes to the
    first idle one, so that one capture process reads `count` pages at once, one per core (the
    fetching and the writing wait on the network and the disk, and need no core of their own).

    The workers are started at once, so that their imports overlap the first downloads.
    """

    def __init__(self, config: Config, count: int = 1):
        self._workers = [ExtractionWorker(config) for _ in range(max(1, count))]
        self._idle: queue.SimpleQueue[ExtractionWorker] = queue.SimpleQueue()
        try:
            for worker in self._workers:
                worker.start()
                self._idle.put(worker)
        except BaseException:  # no process left behind by a pool that could not start them all
            self.close()
            raise

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def extract(self, final: Exchange) -> tuple[Extraction, str | None, str | None]:
        """ExtractionWorker.extract, on the first worker to be idle."""
        worker = self._idle.get()
        try:
            return worker.extract(final)
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        for worker in self._workers:
            worker.close()
