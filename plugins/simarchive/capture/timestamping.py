"""Ask the Time-Stamp Authority (SIMARCHIVE_TSA_URL) for an RFC 3161 token over a sealed
capture's manifest, and keep it beside the manifest.

timestamp_capture(session, folder, config)          # the token's path; CaptureError if the TSA fails
report = timestamp_archive(archive, ["id"], config)  # every sealed capture without a token
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests

from ..archive import store
from ..archive.fixity import MANIFEST, TOKEN, check_manifest
from ..archive.timestamps import keep_token, token_request
from ..config import Config
from ..errors import ArchiveError, CaptureError, ConfigError
from .session import make_session

__all__ = ["TimestampReport", "timestamp_archive", "timestamp_capture"]

logger = logging.getLogger(__name__)

#: A time-stamp reply is a few kilobytes; a longer answer is not one.
MAX_REPLY = 1024 * 1024


def _reply(session: requests.Session, url: str, query: bytes, config: Config) -> bytes:
    """POST the query (RFC 3161, section 3.4: application/timestamp-query) and read the reply."""
    try:
        with session.post(url, data=query, stream=True, timeout=(config.connect_timeout, config.read_timeout),
                          headers={"Content-Type": "application/timestamp-query",
                                   "Accept": "application/timestamp-reply"}) as response:
            if response.status_code != 200:
                raise CaptureError(url, f"the Time-Stamp Authority answered HTTP {response.status_code} "
                                        f"{response.reason or ''}".rstrip(), status=response.status_code)
            data = response.raw.read(MAX_REPLY + 1, decode_content=True)
    except requests.RequestException as e:
        raise CaptureError(url, f"the Time-Stamp Authority did not answer ({e})") from None
    if len(data) > MAX_REPLY:
        raise CaptureError(url, f"the Time-Stamp Authority's reply is longer than {MAX_REPLY} bytes; not a token")
    return data


def timestamp_capture(session: requests.Session, folder: Path, config: Config) -> Path:
    """Send the SHA-256 of the capture's manifest to the TSA and keep its token beside it.

    Only the hash leaves the machine. The TSA is a host the curator chose (a setting), like the
    Wayback host, so its address is not put through the private-address guard.
    """
    if not config.tsa_url:
        raise ConfigError("SIMARCHIVE_TSA_URL is not set: name an RFC 3161 Time-Stamp Authority to timestamp captures")
    request = token_request(folder)
    reply = _reply(session, config.tsa_url, request.as_bytes(), config)
    try:
        return keep_token(folder, request, reply, config.tsa_url)
    except ArchiveError as e:
        raise CaptureError(config.tsa_url, e.message) from None


@dataclass
class TimestampReport:
    """What `sim-archive timestamp` did to each capture: stamped, skipped (and why), or failed."""

    stamped: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def _source_ids(archive: Path, ids: Sequence[str]) -> list[str]:
    if ids:
        return list(dict.fromkeys(ids))
    if not archive.is_dir():
        return []
    return sorted(p.name for p in archive.iterdir() if p.is_dir() and not p.name.startswith("."))


def timestamp_archive(archive: Path, ids: Sequence[str], config: Config) -> TimestampReport:
    """Timestamp every sealed capture of the chosen sources (all, when none are named) that has
    no token yet and whose files still match its manifest."""
    report = TimestampReport()
    session = make_session(config)
    try:
        for source_id in _source_ids(archive, ids):
            for folder in store.capture_dirs(archive, source_id):
                if (folder / TOKEN).exists():
                    report.skipped.append((folder, "already timestamped"))
                elif not (folder / MANIFEST).is_file():
                    report.skipped.append((folder, "not sealed (no manifest); run sim-archive verify --seal first"))
                elif problems := check_manifest(folder):
                    path, message = problems[0]
                    report.failed.append((folder, f"not timestamped: {path}: {message}; run sim-archive verify"))
                else:
                    try:
                        report.stamped.append(timestamp_capture(session, folder, config))
                    except CaptureError as e:
                        report.failed.append((folder, str(e)))
    finally:
        session.close()
    return report
