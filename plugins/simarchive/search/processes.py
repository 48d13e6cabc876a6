"""Searches in processes of their own. Searching is mostly Python: a search in the server's
process holds the GIL while the static pages wait, and one process uses one core. The server's
threads send each search over a local connection to an idle search process (one per core by
default) and wait on the socket, which holds nothing."""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import shutil
import tempfile
import threading
import time
from multiprocessing.connection import Client, Listener

from ..config import Config
from ..errors import SearchError, SimArchiveError
from .searcher import Results, Searcher, SearchRequest

__all__ = ["SearchService"]

logger = logging.getLogger(__name__)


def _serve(config: Config, address: str, authkey: bytes, ready) -> None:  # noqa: ANN001 - an Event
    """The search process: one searcher, searching in this (main) thread, one search at a time;
    a thread per connection only receives requests and sends answers. (Searching in the
    connections' threads gave each thread its own malloc arena: 500 MB a process at 10,000
    sources, against 100 MB in one thread.)"""
    threading.Thread(target=_exit_with, args=(os.getppid(), address), daemon=True).start()
    # A search takes milliseconds of CPU, a static page microseconds: under load the static
    # pages go first, and searches use the rest (both cores, with one process per core).
    os.nice(5)
    searcher = Searcher(config.index, config.archive, config.max_query)
    work: queue.SimpleQueue = queue.SimpleQueue()
    listener = Listener(address, authkey=authkey)
    threading.Thread(target=_accept, args=(listener, work), daemon=True).start()
    ready.set()
    while True:
        request, reply = work.get()
        try:
            reply.put(("ok", searcher.search(request)))
        except SimArchiveError as e:  # QueryError and SearchError travel back to be raised there
            reply.put(("error", e))
        except Exception as e:  # noqa: BLE001 - a bug in one search must not stop this process
            logger.exception("simarchive: the search for %r failed", getattr(request, "q", request))
            reply.put(("error", SearchError(f"a search failed ({e.__class__.__name__}); see the server's log")))


def _accept(listener: Listener, work: queue.SimpleQueue) -> None:
    while True:
        connection = listener.accept()
        threading.Thread(target=_answer, args=(connection, work), daemon=True).start()


def _exit_with(parent: int, address: str) -> None:
    """End the search process, and remove its socket, when the server is gone, however it went
    (SIGTERM or SIGKILL included: the server needs no clean-up of its own)."""
    while os.getppid() == parent:
        time.sleep(1)
    shutil.rmtree(os.path.dirname(address), ignore_errors=True)
    os._exit(0)


def _answer(connection, work: queue.SimpleQueue) -> None:  # noqa: ANN001
    reply: queue.SimpleQueue = queue.SimpleQueue()
    with connection:
        while True:
            try:
                request = connection.recv()
            except (EOFError, OSError):
                return
            work.put((request, reply))
            connection.send(reply.get())


class SearchService:
    """Searcher's interface, answered by child processes: each search goes to an idle one, over
    that thread's own connection to it."""

    def __init__(self, config: Config, processes: int = 1):
        self._folder = tempfile.mkdtemp(prefix="sim-search-")
        self._authkey = os.urandom(16)
        context = multiprocessing.get_context("spawn")  # never fork a process that has threads
        self._addresses = [os.path.join(self._folder, f"search-{n}.sock") for n in range(max(1, processes))]
        self._processes = []
        for address in self._addresses:
            ready = context.Event()
            process = context.Process(target=_serve, args=(config, address, self._authkey, ready),
                                      daemon=True, name="sim-archive search")
            process.start()
            self._processes.append(process)
            if not ready.wait(60):
                self.close()
                raise SearchError("a search process did not start within 60 seconds")
        self._idle: queue.SimpleQueue[int] = queue.SimpleQueue()
        for n in range(len(self._addresses)):
            self._idle.put(n)
        self._local = threading.local()

    def search(self, request: SearchRequest) -> Results:
        n = self._idle.get()  # waits while every search process is busy
        try:
            status, value = self._ask(n, request)
        finally:
            self._idle.put(n)
        if status == "error":
            raise value
        return value

    def _ask(self, n: int, request: SearchRequest):
        connections = self._local.__dict__.setdefault("connections", {})
        try:
            if n not in connections:
                connections[n] = Client(self._addresses[n], authkey=self._authkey)
            connections[n].send(request)
            return connections[n].recv()
        except (OSError, EOFError) as e:
            connections.pop(n, None)
            raise SearchError("a search process stopped; restart `sim-archive serve`") from e

    def close(self) -> None:
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            process.join(timeout=5)
        shutil.rmtree(self._folder, ignore_errors=True)
