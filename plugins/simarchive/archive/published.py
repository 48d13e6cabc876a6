"""What the last publish of the site showed of the watch: a mark in the archive's top folder, so
that /changes/ lists the checks since (docs/watch.md, "On the site").

since = changes_since(archive, checks)     # None: never published with a mark, list every check
mark_publish(archive, since, checks)       # a publish build, once its pages are written
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

__all__ = ["PUBLISH_MARK", "changes_since", "mark_publish", "newest_check"]

logger = logging.getLogger(__name__)

#: In the archive's top folder, beside the sources: what the last publish of the site showed.
PUBLISH_MARK = ".last-publish.json"


def newest_check(checks: dict[str, list[dict]]) -> str | None:
    """The latest checked_at of all the sources' checks (UTC ISO strings sort as times)."""
    times = [c["checked_at"] for source in checks.values() for c in source]
    return max(times, default=None)


def changes_since(archive: Path, checks: dict[str, list[dict]]) -> str | None:
    """Since when /changes/ lists checks: those newer than what the last publish of the site had
    (the mark it left), or every check (None) when the site was never published with the mark.

    A publish of the very same checks again (a publish run twice) shows the same page again: the
    mark keeps the start the last publish showed, and its newest check.
    """
    mark = _read_mark(archive)
    if mark is None:
        return None
    count = sum(len(source) for source in checks.values())
    if newest_check(checks) == mark.get("newest") and count == mark.get("checks"):
        return mark.get("since")
    return mark.get("newest")


def _read_mark(archive: Path) -> dict | None:
    path = archive / PUBLISH_MARK
    if path.is_symlink() or not path.is_file():
        return None
    try:
        mark = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        logger.warning("simarchive: %s: not valid JSON (%s); /changes/ lists every check", path, e)
        return None
    return mark if isinstance(mark, dict) else None


def mark_publish(archive: Path, since: str | None, checks: dict[str, list[dict]]) -> Path:
    """Record what this publish showed (the checks after since, up to the newest), atomically."""
    path = archive / PUBLISH_MARK
    mark = {"since": since, "newest": newest_check(checks), "checks": sum(len(c) for c in checks.values())}
    text = json.dumps(mark, indent=1) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f"{PUBLISH_MARK}.", dir=archive)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
