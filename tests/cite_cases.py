"""The five citation cases (tests/data/cite/sources.toml), each with an archived copy built in memory."""

from __future__ import annotations

from pathlib import Path

from simarchive.archive_index import CaptureInfo
from simarchive.cite_record import source_item
from simarchive.registry import load_sources

DATA = Path(__file__).resolve().parent / "data" / "cite"
SITENAME = "SIM Timeline and Evidence Archive"
SITEURL = "https://sim.example.org"
SHA = "ab" * 32


def sources():
    found, problems = load_sources(DATA / "sources.toml")
    assert not problems, problems
    return found


def capture(source_id: str, timestamp: str = "20240102T030405Z", at: str = "2024-01-02T03:04:05Z",
            content_type: str = "text/html; charset=utf-8") -> CaptureInfo:
    """A capture's metadata as archive_index reads it; no file is needed to cite it."""
    return CaptureInfo(source_id, timestamp, Path("/nonexistent") / source_id / timestamp, at, "live", 200,
                       content_type, 1234, SHA)


def item(source_id: str, captured: bool = True):
    pdf = "application/pdf" if source_id == "network-review" else "text/html; charset=utf-8"
    cap = capture(source_id, content_type=pdf) if captured else None
    return source_item(sources()[source_id], cap, sitename=SITENAME, siteurl=SITEURL)


def url(source_id: str) -> str:
    return f"{SITEURL}/sources/{source_id}/captures/20240102T030405Z/"
