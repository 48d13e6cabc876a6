"""Politeness while capturing: at most N requests in flight per host, and a pause between starts."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

__all__ = ["HostGate"]


class HostGate:
    """Shared by the capture threads: ``with gate(host):`` around each request to host.

    Each host has its own semaphore (per_host slots) and its own clock: a request may start no
    sooner than delay seconds after the previous start to the same host.
    """

    def __init__(self, per_host: int, delay: float):
        self.per_host = per_host
        self.delay = delay
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, host: str) -> Iterator[None]:
        with self._lock:
            slots = self._slots.setdefault(host, threading.Semaphore(self.per_host))
        with slots:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self.delay
            if start > now:
                time.sleep(start - now)
            yield
