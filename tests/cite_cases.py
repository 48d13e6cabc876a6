"""The five citation cases (tests/data/cite/sources.toml), each with an archived copy built in memory."""

from __future__ import annotations

from pathlib import Path

from simarchive.archive.store import Capture
from simarchive.cite.record import source_item
from simarchive.content.registry import load_sources

DATA = Path(__file__).resolve().parent / "data" / "cite"
SITENAME = "SIM Timeline and Evidence Archive"
SITEURL = "https://sim.example.org"
SHA = "ab" * 32


def sources():
    found, problems = load_sources(DATA / "sources.toml")
    assert not problems, problems
    return found


def capture(source_id: str, timestamp: str = "20240102T030405Z", at: str = "2024-01-02T03:04:05Z",
            content_type: str = "text/html; charset=utf-8") -> Capture:
    """A capture's metadata as the store reads it; no file is needed to cite it."""
    folder = Path("/nonexistent") / source_id / timestamp
    url = f"https://example.org/{source_id}"
    return Capture(source_id=source_id, timestamp=timestamp, path=folder, sha256=SHA, via="live", status=200,
                   content_type=content_type, length=1234, captured_at=at, original_url=url, fetched_url=url,
                   final_url=url, wayback_timestamp=None, warnings=(), text_path=folder / "text.txt",
                   warc_path=folder / "capture.warc.gz")


def item(source_id: str, captured: bool = True):
    pdf = "application/pdf" if source_id == "network-review" else "text/html; charset=utf-8"
    cap = capture(source_id, content_type=pdf) if captured else None
    return source_item(sources()[source_id], cap, sitename=SITENAME, siteurl=SITEURL)


def url(source_id: str) -> str:
    return f"{SITEURL}/sources/{source_id}/captures/20240102T030405Z/"
