"""Check the archive: every WARC reads with valid digests and matches its capture.json.

result = verify_archive(archive)
result.problems   # [(path, message), ...]: each is an error
result.leftovers  # temp folders of interrupted captures: reported, not errors
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ArchiveError
from . import store
from .warc import check_warc

__all__ = ["VerifyResult", "verify_archive", "verify_capture"]

logger = logging.getLogger(__name__)


@dataclass
class VerifyResult:
    """What verify found: captures checked, problems (errors), and leftovers (not errors)."""

    checked: int = 0
    problems: list[tuple[Path, str]] = field(default_factory=list)
    leftovers: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_capture(folder: Path) -> list[tuple[Path, str]]:
    """The problems of one capture folder, each with the file it is in."""
    try:
        capture = store.load_capture(folder)
    except ArchiveError as e:
        return [(Path(e.path), e.message)]
    problems: list[tuple[Path, str]] = []
    if capture.source_id != folder.parent.name:
        problems.append(
            (
                folder / store.CAPTURE_JSON,
                f"source_id '{capture.source_id}' does not match its folder '{folder.parent.name}'",
            )
        )
    if not capture.text_path.is_file():
        problems.append((capture.text_path, "missing"))
    if not capture.warc_path.is_file():
        return [*problems, (capture.warc_path, "missing")]
    warc_problems, sha256 = check_warc(capture.warc_path)
    problems += [(capture.warc_path, p) for p in warc_problems]
    if sha256 is None and not warc_problems:
        problems.append((capture.warc_path, "has no response record"))
    elif sha256 is not None and sha256 != capture.sha256:
        problems.append(
            (
                capture.warc_path,
                f"payload SHA-256 is {sha256}, but capture.json records {capture.sha256}: "
                "the stored copy has changed",
            )
        )
    return problems


def verify_archive(archive: Path) -> VerifyResult:
    """Re-read and re-hash every capture of every source in the archive."""
    result = VerifyResult(leftovers=store.leftovers(archive))
    sources = sorted(p.name for p in archive.iterdir() if p.is_dir()) if archive.is_dir() else []
    for source_id in sources:
        for folder in store.capture_dirs(archive, source_id):
            result.checked += 1
            result.problems += verify_capture(folder)
    logger.info(
        "simarchive: verified %d capture(s): %d problem(s), %d leftover(s)",
        result.checked,
        len(result.problems),
        len(result.leftovers),
    )
    return result
