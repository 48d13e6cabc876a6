"""Find and fetch a Wayback Machine snapshot: the availability API, then the raw (id_) copy.

snapshot = find_snapshot(session, config, "http://example.org/", "20130101")
snapshot.raw_url  # {wayback_url}/web/20130102030405id_/http://example.org/
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import requests

from ..config import Config
from ..errors import CaptureError

__all__ = ["Snapshot", "default_timestamp", "find_snapshot", "wayback_host"]

logger = logging.getLogger(__name__)

_TIMESTAMP = re.compile(r"^\d{4}(\d{2}){0,5}$")


@dataclass(frozen=True)
class Snapshot:
    """One Wayback snapshot: its 14-digit timestamp and the URL of its raw, banner-free copy."""

    url: str
    timestamp: str
    raw_url: str


def default_timestamp(published: dt.date | None) -> str:
    """YYYYMMDD: the source's earliest possible publication day, or today (UTC) if unknown."""
    day = published or dt.datetime.now(dt.UTC).date()
    return day.strftime("%Y%m%d")


def wayback_host(config: Config) -> str:
    """The Wayback server's host name; it is a setting, so it is trusted like one."""
    return urlsplit(config.wayback_url).hostname or ""


def _ask(session: requests.Session, api: str, url: str, config: Config) -> dict:
    try:
        response = session.get(api, timeout=(config.connect_timeout, config.read_timeout))
    except requests.exceptions.RequestException as e:
        raise CaptureError(
            url, f"the Wayback availability API could not be reached ({api}): {e}"
        ) from None
    with response:
        if response.status_code != 200:
            raise CaptureError(
                url, f"the Wayback availability API answered HTTP {response.status_code} ({api})"
            )
        try:
            return response.json()
        except ValueError:
            raise CaptureError(url, f"the Wayback availability API sent no JSON ({api})") from None


def find_snapshot(session: requests.Session, config: Config, url: str, timestamp: str) -> Snapshot:
    """The snapshot of url closest to timestamp (YYYYMMDD[hhmmss]), from the availability API."""
    if not _TIMESTAMP.match(timestamp):
        raise CaptureError(url, f"'{timestamp}' is not a Wayback timestamp (expected YYYYMMDD)")
    api = f"{config.wayback_url}/wayback/available?" + urlencode(
        {"url": url, "timestamp": timestamp}
    )
    data = _ask(session, api, url, config)
    closest = (data.get("archived_snapshots") or {}).get("closest") or {}
    found = str(closest.get("timestamp", ""))
    if not closest.get("available") or not re.match(r"^\d{14}$", found):
        raise CaptureError(url, f"the Wayback Machine has no snapshot of this URL (asked {api})")
    logger.info("simarchive: Wayback snapshot %s of %s", found, url)
    # "id_" asks for the page exactly as archived: no banner, no rewritten links.
    raw_url = f"{config.wayback_url}/web/{found}id_/{url}"
    return Snapshot(url=url, timestamp=found, raw_url=raw_url)
