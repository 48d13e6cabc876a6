"""Resident memory of a process and its children, read from /proc (for the benchmarks)."""

from __future__ import annotations

from pathlib import Path


def rss_kib(pid: int) -> int:
    """VmRSS of one process in KiB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    """The direct children of a process, started by any of its threads."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return found


def family_rss_kib(pid: int, skip: frozenset[int] = frozenset()) -> int:
    """A process's resident memory plus its children's (those not in skip), summed."""
    return rss_kib(pid) + sum(rss_kib(child) for child in children(pid) if child not in skip)
