"""Searches in a process of their own. Whoosh is pure Python: a search in the server's process
holds the GIL while the static pages wait. The server's threads send each search over a local
connection and wait on the socket, which holds nothing."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from multiprocessing.connection import Client, Listener

from .config import Config
from .errors import SearchError, SimArchiveError
from .search import Results, Searcher, SearchRequest

__all__ = ["SearchService"]


def _serve(config: Config, address: str, authkey: bytes, ready) -> None:  # noqa: ANN001 - an Event
    """The search process: one shared searcher, one search at a time, a thread per connection."""
    threading.Thread(target=_exit_with, args=(os.getppid(), address), daemon=True).start()
    searcher = Searcher(config.index, config.archive, config.max_query)
    one_at_a_time = threading.Lock()
    with Listener(address, authkey=authkey) as listener:
        ready.set()
        while True:
            connection = listener.accept()
            threading.Thread(target=_answer, args=(connection, searcher, one_at_a_time), daemon=True).start()


def _exit_with(parent: int, address: str) -> None:
    """End the search process, and remove its socket, when the server is gone, however it went
    (SIGTERM or SIGKILL included: the server needs no clean-up of its own)."""
    while os.getppid() == parent:
        time.sleep(1)
    shutil.rmtree(os.path.dirname(address), ignore_errors=True)
    os._exit(0)


def _answer(connection, searcher: Searcher, lock: threading.Lock) -> None:  # noqa: ANN001
    with connection:
        while True:
            try:
                request = connection.recv()
            except (EOFError, OSError):
                return
            try:
                with lock:
                    answer = ("ok", searcher.search(request))
            except SimArchiveError as e:  # QueryError and SearchError travel back to be raised there
                answer = ("error", e)
            connection.send(answer)


class SearchService:
    """Searcher's interface, answered by a child process; one connection per server thread."""

    def __init__(self, config: Config):
        self._folder = tempfile.mkdtemp(prefix="sim-search-")
        self._address = os.path.join(self._folder, "search.sock")
        self._authkey = os.urandom(16)
        context = multiprocessing.get_context("spawn")  # never fork a process that has threads
        ready = context.Event()
        self._process = context.Process(target=_serve, args=(config, self._address, self._authkey, ready),
                                        daemon=True, name="sim-archive search")
        self._process.start()
        if not ready.wait(60):
            self.close()
            raise SearchError("the search process did not start within 60 seconds")
        self._local = threading.local()

    def search(self, request: SearchRequest) -> Results:
        connection = getattr(self._local, "connection", None)
        try:
            if connection is None:
                connection = self._local.connection = Client(self._address, authkey=self._authkey)
            connection.send(request)
            status, value = connection.recv()
        except (OSError, EOFError) as e:
            self._local.connection = None
            raise SearchError("the search process stopped; restart `sim-archive serve`") from e
        if status == "error":
            raise value
        return value

    def close(self) -> None:
        self._process.terminate()
        self._process.join(timeout=5)
        shutil.rmtree(self._folder, ignore_errors=True)
