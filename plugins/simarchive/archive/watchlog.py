"""The watch log of a source: archive/<source-id>/watch.jsonl, one JSON line per check of the
original against our latest capture, append-only, each line chained to the one before it.

append_check(archive, "wessex-ahsn-sim", {"result": "same", ...})   # one line, one write, fsynced
checks = read_checks(archive, "wessex-ahsn-sim")                      # oldest first
status = watch_status(checks)                                         # what the site says of it
check_watch_log(path, capture_names)                                  # verify: (problems, count)

A log is not a sealed capture: it grows, so no manifest covers it. Instead each line records, in
"previous", the SHA-256 of the line before it (null on the first), so that a line changed,
removed or put in between breaks the chain and `sim-archive verify` says where. Lines removed
from the end leave no trace in the file; git's history of it is the copy that shows them.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ArchiveError

__all__ = [
    "RESULTS",
    "WATCH_LOG",
    "WatchStatus",
    "append_check",
    "check_watch_log",
    "read_checks",
    "watch_status",
]

logger = logging.getLogger(__name__)

WATCH_LOG = "watch.jsonl"
#: What a check can find; "error" says the check itself failed (a timeout, a 500), not the page.
RESULTS = ("same", "changed", "moved", "gone", "blocked", "error")
#: Results that say something happened to the original since our capture.
FINDINGS = ("changed", "moved", "gone", "blocked")
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "source_id": str,
    "url": str,
    "checked_at": str,
    "result": str,
    "capture": (str, type(None)),
    "previous": (str, type(None)),
}
_TAIL = 64 * 1024


def _digest(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def _last_line(fd: int) -> bytes | None:
    """The file's last line, without its newline (None if the file is empty): read from the end."""
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    start, data = size, b""
    while start > 0:
        start = max(0, start - _TAIL)
        data = os.pread(fd, size - start, start)
        body = data[:-1] if data.endswith(b"\n") else data
        if b"\n" in body or start == 0:
            return body.rsplit(b"\n", 1)[-1]
    return data


def append_check(archive: Path, source_id: str, check: dict) -> dict:
    """Append one check to the source's log, chained to the line before; return it as written.

    The line goes out in one write to a file opened for appending, under an exclusive lock, and
    is fsynced, so two watches at once cannot interleave or break the chain.
    """
    folder = archive / source_id
    path = folder / WATCH_LOG
    if folder.is_symlink() or path.is_symlink():
        raise ArchiveError(str(path), "is a symbolic link; the watch log must be a regular file in the archive")
    missing = [key for key in REQUIRED if key not in check and key != "previous"]
    if missing:
        raise ArchiveError(str(path), f"a check lacks {', '.join(missing)}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as e:
        raise ArchiveError(str(path), f"cannot open the watch log ({e.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        reader = os.open(path, os.O_RDONLY)
        try:
            last = _last_line(reader)
            ends_whole = last is None or os.pread(reader, 1, os.fstat(reader).st_size - 1) == b"\n"
        finally:
            os.close(reader)
        record = {**check, "previous": None if last is None else _digest(last)}
        line = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        # After a write that was cut short, the next line still starts on a line of its own.
        os.write(fd, (b"" if ends_whole else b"\n") + line + b"\n")
        os.fsync(fd)
    except OSError as e:
        raise ArchiveError(str(path), f"cannot append to the watch log ({e.strerror})") from None
    finally:
        os.close(fd)
    return record


def _field_problem(record: dict) -> str | None:
    for key, kind in REQUIRED.items():
        if key not in record:
            return f"missing field '{key}'"
        if not isinstance(record[key], kind):
            return f"field '{key}' has the wrong type ({type(record[key]).__name__})"
    return None


def _line_problem(record: object, source_id: str) -> str | None:
    """What is wrong with one line of a source's log, or None."""
    if not isinstance(record, dict):
        return "not a JSON object"
    checks = (
        lambda: _field_problem(record),
        lambda: None if record["source_id"] == source_id else
        f"source_id '{record['source_id']}' does not match its folder '{source_id}'",
        lambda: None if record["result"] in RESULTS else
        f"result '{record['result']}' is not one of {', '.join(RESULTS)}",
        lambda: None if _moment(record["checked_at"]) else
        f"checked_at '{record['checked_at']}' is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)",
    )
    return next((problem for check in checks if (problem := check())), None)


def _moment(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return data[:-1].split(b"\n") if data.endswith(b"\n") else data.split(b"\n") if data else []


def read_checks(archive: Path, source_id: str) -> list[dict]:
    """Every readable check of a source, oldest first; a damaged line is logged and left out
    (`sim-archive verify` reports it in full)."""
    path = archive / source_id / WATCH_LOG
    if path.is_symlink() or not path.is_file():
        return []
    checks = []
    for number, line in enumerate(_lines(path), start=1):
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        problem = _line_problem(record, source_id) if record is not None else "not valid JSON"
        if problem:
            logger.warning("simarchive: %s:%d: %s; run sim-archive verify", path, number, problem)
            continue
        checks.append(record)
    return checks


def _chain_problems(record: dict, before: bytes | None, last_time: dt.datetime | None,
                    captures: set[str]) -> list[str]:
    problems = []
    expected = None if before is None else _digest(before)
    if record["previous"] != expected:
        problems.append("the chain is broken: 'previous' is not the SHA-256 of the line before "
                        "(a line was changed, removed or added in between)")
    moment = _moment(record["checked_at"])
    if last_time and moment and moment < last_time:
        problems.append(f"checked_at {record['checked_at']} is earlier than the line before's: "
                        "the log is appended to in time order")
    for key in ("capture", "captured"):
        name = record.get(key)
        if isinstance(name, str) and name not in captures:
            problems.append(f"{key} '{name}' names no capture of this source")
    return problems


def check_watch_log(path: Path, captures: set[str]) -> tuple[list[tuple[Path, str]], int]:
    """verify's reading of a watch log: every line whole and valid, the chain unbroken, times in
    order, captures named that exist. Returns the problems (each with its line) and the checks."""
    if path.is_symlink():
        return [(path, f"is a symbolic link (to {os.readlink(path)}); the watch log must be a regular file")], 0
    if not path.is_file():
        return [(path, "is not a regular file; the watch log is one JSON line per check")], 0
    problems: list[tuple[Path, str]] = []
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        problems.append((path, "the last line is unfinished (a write was interrupted)"))
    before: bytes | None = None
    last_time: dt.datetime | None = None
    count = 0
    for number, line in enumerate(_lines(path), start=1):
        where = Path(f"{path}:{number}")
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        problem = "not valid JSON" if record is None else _line_problem(record, path.parent.name)
        if problem:
            problems.append((where, problem))
        else:
            count += 1
            problems += [(where, p) for p in _chain_problems(record, before, last_time, captures)]
            last_time = _moment(record["checked_at"]) or last_time
        before = line
    return problems, count


@dataclass(frozen=True)
class WatchStatus:
    """What the watch log says of the original now, for the source page and the catalogue."""

    result: str  # the latest check's that said something of the page: same, changed, moved, ...
    since: str  # checked_at of the first check of the latest run of this result
    seen: str  # checked_at of the latest check of this result
    last_checked: str  # checked_at of the latest check of any result
    last_same: str | None  # the latest check before `since` that found the page the same
    compared: str | None  # the capture (folder name) the latest such check compared with
    final_url: str | None  # where the original now answers from (moved)
    similarity: float | None  # of the main text, 0 to 1 (changed)
    diff: str | None  # a unified diff of the main text (changed)
    reason: str | None  # what was seen (gone, blocked)
    recaptured: str | None  # a capture made of the page as found (--capture-changed)

    @property
    def is_finding(self) -> bool:
        return self.result in FINDINGS


def watch_status(checks: list[dict]) -> WatchStatus | None:
    """The state of the original by its checks (oldest first): the latest check that said
    something of the page (an "error" check says nothing of it), and since when it has said so."""
    told = [c for c in checks if c["result"] != "error"]
    if not told:
        return None
    latest = told[-1]
    first = len(told) - 1
    while first > 0 and told[first - 1]["result"] == latest["result"]:
        first -= 1
    same = next((c for c in reversed(told[:first]) if c["result"] == "same"), None)
    recaptured = next((c.get("captured") for c in reversed(told[first:]) if c.get("captured")), None)
    return WatchStatus(
        result=latest["result"],
        since=told[first]["checked_at"],
        seen=latest["checked_at"],
        last_checked=checks[-1]["checked_at"],
        last_same=same["checked_at"] if same else None,
        compared=latest.get("capture"),
        final_url=latest.get("final_url"),
        similarity=latest.get("similarity"),
        diff=latest.get("diff"),
        reason=latest.get("reason"),
        recaptured=recaptured,
    )

