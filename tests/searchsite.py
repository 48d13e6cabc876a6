"""A test site for search: the small site plus captured sources written in the archive layout.

The captures are written directly (capture.json + text.txt, no WARC), as the store reads them:
search needs archived text at fixed capture times, not the capture tool. tests/test_archive_site.py
searches text that `sim-archive capture` really captured.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from support import SiteDir

HOSTILE = '<script>alert("x")</script> then "><img src=x onerror=alert(1)> in the page'

TEXTS = {
    "island-news": [
        ("20240101T000000Z", "An early version mentioned a zeppelin over the island.\n"),
        ("20250101T000000Z",
         "Pilot pairs police and nurses on the Isle of Wight.\n"
         "The scheme was led by Paul Jennings, who signed two contracts with the trust.\n"
         "Mental health nurses joined officers on patrol.\n"),
    ],
    "agency-page": [
        ("20250102T000000Z",
         "The national programme page. The health of the programme was said to be good; "
         "staff had mental checklists.\n"),
    ],
    "letter": [("20250103T000000Z", "A position on the programme. " + HOSTILE + "\n")],
}

EXTRA_SOURCES = 24  # enough for three pages of ten


def _capture(archive: Path, source_id: str, timestamp: str, text: str) -> None:
    folder = archive / source_id / timestamp
    folder.mkdir(parents=True)
    (folder / "text.txt").write_text(text, encoding="utf-8")
    captured = f"{timestamp[:4]}-{timestamp[4:6]}-{timestamp[6:8]}T00:00:00Z"
    url = f"https://example.org/{source_id}"
    meta = {"source_id": source_id, "original_url": url, "fetched_url": url, "final_url": url,
            "redirects": [], "status": 200, "content_type": "text/html", "length": len(text),
            "sha256": hashlib.sha256(text.encode()).hexdigest(), "captured_at": captured, "via": "live",
            "wayback_timestamp": None, "tool_version": "test", "extraction": {"method": "html"},
            "metadata": {}, "warnings": []}
    (folder / "capture.json").write_text(json.dumps(meta), encoding="utf-8")


def extra_source(number: int) -> str:
    publisher = "Alpha Press" if number % 2 else "Beta Gazette"
    return (f'\n[report-{number:02d}]\nurl = "https://example.org/report/{number}"\n'
            f'title = "Report number {number}"\npublisher = "{publisher}"\nkind = "report"\n'
            f'published = "{2014 + number % 4}-0{1 + number % 9}"\n')


def make_search_site(root: Path) -> SiteDir:
    """The test site with captured text for its three sources and 24 short reports."""
    site = SiteDir(root)
    registry = site.content / "sources.toml"
    hostile = ('\n[hostile-page]\nurl = "https://example.org/hostile"\n'
               'title = "Hostile <b onmouseover=alert(1)>title</b>"\npublisher = "Test Agency"\n'
               'kind = "campaign"\n')
    registry.write_text(registry.read_text() + hostile
                        + "".join(extra_source(n) for n in range(1, EXTRA_SOURCES + 1)))
    _capture(site.archive, "hostile-page", "20250104T000000Z", "Hostile capture: " + HOSTILE + "\n")
    for source_id, captures in TEXTS.items():
        for timestamp, text in captures:
            _capture(site.archive, source_id, timestamp, text)
    for n in range(1, EXTRA_SOURCES + 1):
        _capture(site.archive, f"report-{n:02d}", "20250201T000000Z",
                 f"Report {n} reviews the programme in detail.\n")
    return site


def add_capture(site: SiteDir, source_id: str, timestamp: str, text: str) -> None:
    _capture(site.archive, source_id, timestamp, text)


SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da", "gri", "ston", "mar", "bel",
             "fen", "hol", "quin", "tor", "ul", "wex", "yar", "zem", "cor", "dil")
VOCABULARY = sorted({a + b + c for a in SYLLABLES for b in SYLLABLES for c in ("", *SYLLABLES)})


def make_large_search_site(root: Path, sources: int = 300, words: int = 300) -> SiteDir:
    """The search site with `sources` more captured sources, each `words` made-up words drawn from
    VOCABULARY (about 14,000 words), the same on every run: enough terms for wildcards and fuzzy
    terms to expand to thousands of them."""
    site = make_search_site(root)
    registry = site.content / "sources.toml"
    entries = []
    for n in range(sources):
        rng = random.Random(n)
        source_id = f"synthetic-{n:04d}"
        entries.append(f'\n[{source_id}]\nurl = "https://example.org/synthetic/{n}"\n'
                       f'title = "Synthetic source {n}"\npublisher = "Gamma Review"\nkind = "report"\n')
        _capture(site.archive, source_id, "20250301T000000Z", " ".join(rng.choices(VOCABULARY, k=words)) + "\n")
    registry.write_text(registry.read_text() + "".join(entries))
    return site
