"""The archive on disk: archive/<source-id>/<UTC timestamp>/, written atomically, read by everyone.

The rest of the project reads captures only through this module:

    for capture in list_captures(archive, "wessex-ahsn-sim"):   # oldest first, latest last
        capture.captured_at, capture.sha256, capture.text_path.read_text()

A capture is assembled in a ``.tmp-*`` folder inside archive/<source-id>/, sealed with the
SHA-256 of every file (fixity.py's manifest, written last) and renamed into place in one step, so
a crash or a kill at any instant leaves a whole capture or none visible. Captures are never
overwritten: a name already taken gets a ``-2``, ``-3`` suffix. A capture whose folder or files
are symbolic links is refused: it could point anywhere, /etc/passwd included.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ArchiveError
from .fixity import MANIFEST, write_manifest

logger = logging.getLogger(__name__)

__all__ = [
    "CAPTURE_JSON",
    "FULLTEXT",
    "MANIFEST",
    "TEXT",
    "WARC",
    "Capture",
    "begin_capture",
    "capture_day",
    "capture_dirs",
    "commit_capture",
    "discard_capture",
    "is_capture_name",
    "leftovers",
    "list_captures",
    "load_capture",
    "timestamp_of",
    "write_capture_json",
]

WARC, TEXT, CAPTURE_JSON = "capture.warc.gz", "text.txt", "capture.json"
FULLTEXT = "fulltext.txt"  # an HTML capture's full visible text, beside text.txt (its main text)
TMP_PREFIX = ".tmp-"
_NAME = re.compile(r"^(\d{8}T\d{6}Z)(?:-(\d+))?$")
#: capture.json keys that must be present, with the JSON types they must have.
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "source_id": str,
    "original_url": str,
    "fetched_url": str,
    "final_url": str,
    "redirects": list,
    "status": int,
    "content_type": str,
    "length": int,
    "sha256": str,
    "captured_at": str,
    "via": str,
    "wayback_timestamp": (str, type(None)),
    "tool_version": str,
    "extraction": dict,
    "metadata": dict,
    "warnings": list,
}


@dataclass(frozen=True)
class Capture:
    """One capture of a source, as recorded in its capture.json."""

    source_id: str
    timestamp: str  # the folder name: YYYYMMDDTHHMMSSZ, perhaps with a -N suffix
    path: Path
    sha256: str
    via: str  # "live" or "wayback"
    status: int
    content_type: str
    length: int
    captured_at: str  # ISO 8601, UTC
    original_url: str
    fetched_url: str
    final_url: str
    wayback_timestamp: str | None
    warnings: tuple[str, ...]
    text_path: Path
    warc_path: Path
    redirects: tuple[dict, ...] = ()
    charset: str | None = None
    extraction: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    tool_version: str = ""


def is_capture_name(name: str) -> bool:
    """Whether name is a capture folder's: YYYYMMDDTHHMMSSZ, perhaps with a -N suffix."""
    return bool(_NAME.match(name))


def _refuse_links(folder: Path) -> None:
    """A capture folder, or one of the files readers open, that is a symbolic link is refused."""
    for path in (folder.parent, folder, folder / CAPTURE_JSON, folder / TEXT, folder / WARC):
        if path.is_symlink():
            raise ArchiveError(str(path), "is a symbolic link; a capture holds only regular files "
                                          "in a real folder")


def timestamp_of(moment: dt.datetime) -> str:
    """The folder name for a capture made at moment: YYYYMMDDTHHMMSSZ in UTC."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _read_json(folder: Path) -> dict:
    path = folder / CAPTURE_JSON
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArchiveError(str(path), "missing; the capture folder is incomplete") from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise ArchiveError(str(path), f"not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise ArchiveError(str(path), "expected a JSON object")
    for key, kind in REQUIRED.items():
        if key not in data:
            raise ArchiveError(str(path), f"missing field '{key}'")
        if not isinstance(data[key], kind) or isinstance(data[key], bool):
            raise ArchiveError(
                str(path), f"field '{key}' has the wrong type ({type(data[key]).__name__})"
            )
    if data["via"] not in ("live", "wayback"):
        raise ArchiveError(str(path), f"field 'via' must be live or wayback, not '{data['via']}'")
    if not re.fullmatch(r"[0-9a-f]{64}", data["sha256"]):
        raise ArchiveError(str(path), "field 'sha256' is not a SHA-256 in hex")
    return data


def load_capture(folder: Path) -> Capture:
    """Read and check one capture folder's capture.json; raise ArchiveError saying what is wrong."""
    _refuse_links(folder)
    data = _read_json(folder)
    return Capture(
        source_id=data["source_id"],
        timestamp=folder.name,
        path=folder,
        sha256=data["sha256"],
        via=data["via"],
        status=data["status"],
        content_type=data["content_type"],
        length=data["length"],
        captured_at=data["captured_at"],
        original_url=data["original_url"],
        fetched_url=data["fetched_url"],
        final_url=data["final_url"],
        wayback_timestamp=data["wayback_timestamp"],
        warnings=tuple(data["warnings"]),
        text_path=folder / TEXT,
        warc_path=folder / WARC,
        redirects=tuple(data["redirects"]),
        charset=data.get("charset"),
        extraction=data["extraction"],
        metadata=data["metadata"],
        tool_version=data["tool_version"],
    )


def _order(folder: Path) -> tuple[str, int]:
    m = _NAME.match(folder.name)
    return (m.group(1), int(m.group(2) or 1)) if m else (folder.name, 0)


def capture_dirs(archive: Path, source_id: str) -> list[Path]:
    """The capture folders of one source, oldest first; temp folders are not listed."""
    folder = archive / source_id
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if _NAME.match(p.name) and p.is_dir()), key=_order)


def list_captures(archive: Path, source_id: str) -> list[Capture]:
    """Every readable capture of a source, oldest first and latest last.

    A damaged capture is logged and left out, so that one bad folder does not stop the site from
    building; `sim-archive verify` reports it in full.
    """
    captures = []
    for folder in capture_dirs(archive, source_id):
        try:
            captures.append(load_capture(folder))
        except ArchiveError as e:
            logger.warning("simarchive: %s; run sim-archive verify", e)
    return captures


def capture_day(captured_at: str) -> str:
    """"2026-11-26T13:40:55Z" -> "26 Nov 2026", the day a capture was made (UTC)."""
    try:
        day = dt.datetime.fromisoformat(captured_at.replace("Z", "+00:00"))
    except ValueError:
        return captured_at
    return f"{day.day} {day:%b %Y}"


def leftovers(archive: Path) -> list[Path]:
    """Temp folders left by an interrupted capture: harmless, invisible, safe to delete."""
    if not archive.is_dir():
        return []
    return sorted(p for p in archive.glob(f"*/{TMP_PREFIX}*") if p.is_dir())


def begin_capture(archive: Path, source_id: str) -> Path:
    """A new, private temp folder inside archive/<source-id>/ in which to assemble a capture."""
    folder = archive / source_id
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=folder))
    except OSError as e:
        raise ArchiveError(str(folder), f"cannot create a capture folder ({e.strerror})") from None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit_capture(tmp: Path, moment: dt.datetime) -> Path:
    """Make the assembled capture in tmp durable, then rename it into place; return its folder.

    The manifest of every file's SHA-256 is written first, so it is the last file of the capture.
    os.rename onto a folder that exists and is not empty fails, so a capture is never
    overwritten, even by another process finishing at the same second: we take the next suffix.
    """
    write_manifest(tmp)
    for item in tmp.iterdir():
        _fsync(item)
    os.chmod(tmp, 0o755)  # mkdtemp made it private; a finished capture is readable
    _fsync(tmp)
    base = timestamp_of(moment)
    for n in range(1, 1000):
        final = tmp.parent / (base if n == 1 else f"{base}-{n}")
        if final.exists():
            continue
        try:
            os.rename(tmp, final)
        except OSError as e:
            if e.errno in (errno.EEXIST, errno.ENOTEMPTY):
                continue
            raise ArchiveError(
                str(final), f"cannot move the capture into place ({e.strerror})"
            ) from None
        _fsync(final.parent)
        return final
    raise ArchiveError(str(tmp.parent / base), "999 captures in one second; refusing to add more")


def write_capture_json(tmp: Path, record: dict) -> None:
    """Write capture.json into a temp folder; a record missing a required field is refused."""
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        raise ArchiveError(str(tmp / CAPTURE_JSON), f"record lacks {', '.join(missing)}")
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    (tmp / CAPTURE_JSON).write_text(text, encoding="utf-8")


def discard_capture(tmp: Path) -> None:
    """Remove an unfinished temp folder (after a failed capture); never a finished capture."""
    if tmp.name.startswith(TMP_PREFIX):
        shutil.rmtree(tmp, ignore_errors=True)
