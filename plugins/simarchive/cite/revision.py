"""When each event was last revised: its `Modified:` line, else the last commit of its file."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
from collections.abc import Iterable
from pathlib import Path

from ..content.dates import parse_when
from ..content.events import Event

__all__ = ["modified_day", "revision_days"]

logger = logging.getLogger(__name__)

GIT_SECONDS = 10


def modified_day(text: str | None) -> dt.date | None:
    """An event's `Modified:` (a day, e.g. 2024-05-01) as a date; validated in events.py."""
    if not text:
        return None
    date = parse_when(text)
    return date.earliest if date.precision == "day" else None


def _commit_days(folder: Path) -> dict[str, dt.date]:
    """file name -> the UTC day of the last commit that changed it, for the files of one folder
    (one `git log` for the folder); empty outside git, without git, or before the first commit."""
    try:
        done = subprocess.run(["git", "log", "--relative", "--format=%x00%cI", "--name-only", "--", "."],
                              cwd=folder, capture_output=True, text=True, timeout=GIT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):  # no git on this machine, or it hangs
        return {}
    days: dict[str, dt.date] = {}
    if done.returncode != 0:
        return days
    for commit in done.stdout.split("\0")[1:]:  # newest first, so the first day seen is the last
        stamp, *names = commit.strip().splitlines()
        day = dt.datetime.fromisoformat(stamp).astimezone(dt.UTC).date()
        for name in filter(None, names):
            days.setdefault(name, day)
    return days


def revision_days(events: Iterable[Event]) -> dict[str, dt.date | None]:
    """slug -> the day of its last revision, or None when neither `Modified:` nor git says.

    Never the clock: a build on another day of the same content gives the same days. When git
    cannot date some events, the build says so once, naming how many, since their citations
    then carry no date ("n.d.").
    """
    days: dict[str, dt.date | None] = {}
    undated = []
    committed: dict[Path, dict[str, dt.date]] = {}
    for event in events:
        folder = event.path.parent
        if folder not in committed:
            committed[folder] = _commit_days(folder)
        day = modified_day(event.modified) or committed[folder].get(event.path.name)
        days[event.slug] = day
        if day is None:
            undated.append(event.path.name)
    if undated:
        logger.warning("simarchive: %d event(s) have no Modified: line and no git history (%s, ...), so their "
                       "citations carry no date; commit them, or add Modified: YYYY-MM-DD", len(undated), undated[0])
    return days
