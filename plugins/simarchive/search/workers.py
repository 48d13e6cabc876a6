"""Searches in a process of their own, so that they never hold the interpreter lock that the
threads serving static pages need.

A search is Python holding the GIL for its whole length; in the server's process, every search
made the pages wait (docs/benchmarks.md, "Serving under load"). The worker runs at a lower
priority than the server, so on a busy machine the pages come first. A worker that dies (killed,
out of memory) is replaced at the next search, which is answered by the new one.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..config import Config
from ..errors import SearchError
from ..processes import die_with_parent
from .api import Results, SearchRequest
from .searcher import Searcher

__all__ = ["SearchWorker"]

logger = logging.getLogger(__name__)

#: How much lower than the server's the worker's priority is (os.nice).
NICENESS = 5

_searcher: Searcher | None = None  # in the worker process only, set once by _start


def _start(config: Config, parent: int) -> None:
    global _searcher  # noqa: PLW0603 - one per worker process, set by the pool's initializer
    die_with_parent(parent)
    os.nice(NICENESS)
    _searcher = Searcher(config.index, config.archive, config.max_query, config.search_seconds)


def _search(request: SearchRequest) -> Results:
    return _searcher.search(request)  # type: ignore[union-attr]


def _ready() -> int:
    return os.getpid()


class SearchWorker:
    """One search process, shared by every thread of the server; searches queue for it."""

    def __init__(self, config: Config):
        self.config = config
        self._replacing = threading.Lock()
        self.pid = 0  # the search process's, once started
        self._pool = self._started()

    def _started(self) -> ProcessPoolExecutor:
        # spawn, not fork: the server has threads, and a forked child would inherit their locks.
        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
                                   initargs=(self.config, os.getpid()))
        # Started now, from the thread that made the app (it lives as long as the server), and
        # waited for, so that the first search does not pay for the worker's imports.
        self.pid = pool.submit(_ready).result()
        logger.info("simarchive: search process %d started", self.pid)
        return pool

    def search(self, request: SearchRequest) -> Results:
        pool = self._pool
        try:
            return pool.submit(_search, request).result()
        except BrokenProcessPool:
            logger.warning("simarchive: the search process ended; starting another")
        with self._replacing:
            if self._pool is pool:  # the first thread to notice replaces it
                self._pool = self._started()
        try:
            return self._pool.submit(_search, request).result()
        except BrokenProcessPool:
            raise SearchError("the search process ended twice in a row") from None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
