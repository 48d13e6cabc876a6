"""What the site shows about the archive: each source's readable captures and archive status."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from ..errors import ArchiveError
from .store import Capture, capture_dirs, load_capture

logger = logging.getLogger(__name__)

__all__ = ["capture_day", "list_captures"]


def list_captures(archive: Path, source_id: str) -> list[Capture]:
    """The readable captures of one source, oldest first.

    Unlike store.list_captures, a damaged capture is logged and skipped, so that one bad folder
    does not stop the site from building; `sim-archive verify` reports it in full.
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
