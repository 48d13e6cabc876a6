"""The build's worker process, which does our share of the build while Pelican reads and
writes the events.

Pelican builds on one core. What archive_pages makes needs nothing of Pelican but its template
environment and a few fields of each article, so one spawned process (fork is
unsafe: Pelican runs a status thread) makes it on the other core. Like any use of
multiprocessing, a script that runs Pelican in its own process must guard its entry point with
`if __name__ == "__main__":`.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from types import SimpleNamespace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the main process never loads the pages' modules
    from .pages import ArchivePages

logger = logging.getLogger(__name__)
#: What the timeline's templates read of each Pelican article.
CARD_FIELDS = ("slug", "title", "url", "summary", "when", "phase", "actors", "sources", "disputed")

# In the worker process only, which lives for one build: that build's pages, and its log lines.
_PAGES: ArchivePages | None = None
_LOG: list[tuple[int, str]] = []


class _Collect(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        _LOG.append((record.levelno, record.getMessage()))


def _start(make_pages: Callable[[dict], ArchivePages], settings: dict, level: int) -> None:
    global _PAGES  # noqa: PLW0603 (set once, when the worker process starts)
    ours = logging.getLogger("simarchive")
    ours.setLevel(level)  # what the build's log shows of ours
    ours.addHandler(_Collect())
    _PAGES = make_pages(settings)


def _run(method: str, *args):
    """One task in the worker: a method of its pages, with the log lines it left."""
    return getattr(_PAGES, method)(*args), _drain()


def _drain() -> list[tuple[int, str]]:
    lines = _LOG[:]
    _LOG.clear()
    return lines


def card(article) -> SimpleNamespace:
    """The fields of a Pelican article the timeline shows, in a form that can go to the worker."""
    return SimpleNamespace(**{name: getattr(article, name, None) for name in CARD_FIELDS})


class ArchiveWorker:
    """One build's worker. It starts on the parts of the event pages at once (they write
    nothing), takes the archive's pages once Pelican is past emptying the output (when
    DELETE_OUTPUT_DIRECTORY asks it to) and the timeline once Pelican's articles are final, and
    reports when all is written."""

    def __init__(self, make_pages: Callable[[dict], ArchivePages], settings: dict):
        level = logging.getLogger("simarchive").getEffectiveLevel()
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_start, initargs=(make_pages, settings, level))
        self._parts = self._pool.submit(_run, "event_parts")
        self._archive: Future | None = None
        self._timeline: Future | None = None

    def write_archive(self) -> None:
        """Start on the archive's pages, once (Pelican is past emptying the output by now)."""
        if self._archive is None:
            self._archive = self._pool.submit(_run, "write_archive")

    def event_parts(self) -> dict[str, dict[str, str]]:
        """The parts of each event's page, by slug (see archive_pages); waits for them if need be."""
        return self._result(self._parts)

    def write_timeline(self, articles: list) -> None:
        self.write_archive()
        self._timeline = self._pool.submit(_run, "write_timeline", [card(a) for a in articles])

    def result(self) -> tuple[int, int, list[str]]:
        """Wait for the worker: how many pages and citation downloads it wrote, and every file it
        wrote, inside the output folder."""
        self.write_archive()
        try:
            pages, downloads = self._result(self._archive)
            if self._timeline is not None:
                pages += self._result(self._timeline)
            files = self._result(self._pool.submit(_run, "written"))
        finally:
            self._pool.shutdown(wait=False)  # the results are in; the process ends in its own time
        return pages, downloads, files

    @staticmethod
    def _result(task: Future):
        value, log = task.result()
        for level, message in log:
            logger.log(level, "%s", message)
        return value
