"""What the site shows about the archive: each source's captures and archive status."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from .store import capture_dirs

logger = logging.getLogger(__name__)

__all__ = ["CaptureInfo", "capture_day", "list_captures"]


@dataclass(frozen=True)
class CaptureInfo:
    """The parts of a capture.json the pages show."""

    source_id: str
    timestamp: str
    path: Path
    captured_at: str
    via: str
    status: int | None
    content_type: str
    length: int | None
    sha256: str

    @property
    def text_path(self) -> Path:
        return self.path / "text.txt"


def list_captures(archive: Path, source_id: str) -> list[CaptureInfo]:
    """The whole captures of one source, oldest first; unreadable ones are logged and skipped."""
    captures = []
    for path in capture_dirs(archive, source_id):  # store's order: "-10" after "-9", no .tmp-*
        if not (path / "capture.json").is_file():
            continue
        try:
            meta = json.loads((path / "capture.json").read_text(encoding="utf-8"))
            captures.append(
                CaptureInfo(
                    source_id=source_id,
                    timestamp=path.name,
                    path=path,
                    captured_at=meta["captured_at"],
                    via=meta.get("via", "live"),
                    status=meta.get("status"),
                    content_type=meta.get("content_type", ""),
                    length=meta.get("length"),
                    sha256=meta["sha256"],
                )
            )
        except (OSError, ValueError, KeyError) as e:
            logger.warning("simarchive: %s: unreadable capture.json (%s); run sim-archive verify", path, e)
    return captures


def capture_day(captured_at: str) -> str:
    """"2026-11-26T13:40:55Z" -> "26 Nov 2026", the day a capture was made (UTC)."""
    try:
        day = dt.datetime.fromisoformat(captured_at.replace("Z", "+00:00"))
    except ValueError:
        return captured_at
    return f"{day.day} {day:%b %Y}"
