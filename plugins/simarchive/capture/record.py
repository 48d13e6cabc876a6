"""What a capture records about itself: capture.json's fields and the WARC's warcinfo."""

from __future__ import annotations

import functools
from importlib.metadata import PackageNotFoundError, version

from ..archive import store
from ..config import Config
from ..content.registry import Source
from .extract import Extraction
from .fetch import Fetched
from .routes import Route
from .wayback import Snapshot

__all__ = ["capture_record", "tool_version", "warcinfo"]

WARC_1_1 = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"


@functools.cache
def tool_version() -> str:
    """ "sim-archive 0.1.0": the version installed, read once (it costs a scan of site-packages)."""
    try:
        return f"sim-archive {version('sim-archive')}"
    except PackageNotFoundError:
        return "sim-archive (not installed)"


def warcinfo(source: Source, config: Config) -> dict[str, str]:
    """The warcinfo record: the software, the format, the User-Agent we sent, the source."""
    return {
        "software": tool_version(),
        "format": "WARC File Format 1.1",
        "conformsTo": WARC_1_1,
        "http-header-user-agent": config.user_agent,
        "isPartOf": source.id,
    }


def capture_record(
    source: Source,
    fetched: Fetched,
    snapshot: Snapshot | None,
    extraction: Extraction,
    *,
    charset: tuple[str | None, str | None],
    warnings: list[str],
    route: Route,
) -> dict:
    """capture.json: what happened, and only that (the schema is in store.REQUIRED and
    docs/capture.md)."""
    final = fetched.final
    files = {"warc": store.WARC, "text": store.TEXT}
    if extraction.fulltext is not None:
        files["fulltext"] = store.FULLTEXT
    return {
        "source_id": source.id,
        "original_url": source.url,
        "fetched_url": fetched.exchanges[0].url,
        "final_url": final.url,
        "redirects": fetched.redirects,
        "status": final.status,
        "reason": final.reason,
        "content_type": final.header("Content-Type") or "",
        "content_encoding": final.header("Content-Encoding"),
        "charset": charset[0],
        "charset_source": charset[1],
        "length": final.length,
        "sha256": final.sha256,
        "captured_at": final.started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "via": "wayback" if snapshot else "live",
        "wayback_timestamp": snapshot.timestamp if snapshot else None,
        "tool_version": tool_version(),
        "route": {"path": route.path, "why": route.why, **route.figures},
        "extraction": _extraction(extraction),
        "metadata": extraction.metadata,
        "warnings": warnings,
        "files": files,
    }


def _extraction(extraction: Extraction) -> dict[str, object]:
    """How the text was had: the extractor, where the main text came from, its size, any cut."""
    found: dict[str, object] = {"method": extraction.method}
    if extraction.main:
        found["main"] = extraction.main
    found["characters"] = len(extraction.text)
    if extraction.fulltext is not None:
        found["fulltext_characters"] = len(extraction.fulltext)
    if extraction.cut:
        found["cut"] = extraction.cut
    return found
