"""Worker processes that end with the process that started them: capture's and search's."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

__all__ = ["die_with_parent"]

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)  # at once: no cleanup in a worker whose parent is gone


def die_with_parent(parent: int) -> None:
    """End this worker process when the process that started it ends, even by SIGKILL.

    On Linux the kernel sends SIGTERM the moment the parent dies (PR_SET_PDEATHSIG); elsewhere a
    thread notices within half a second. (Linux sends the signal when the *thread* that started
    the worker ends, so a pool must start its workers from a thread that outlives them.)
    """
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True) if sys.platform == "linux" else None
    if libc is None or libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="watch-parent").start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)
