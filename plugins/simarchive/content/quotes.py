"""Quote checking: every quoted phrase must appear in the archived text of its source."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..archive.store import Capture, list_captures
from .events import Citation, Event

logger = logging.getLogger(__name__)

__all__ = ["QuoteCheck", "check_quotes", "normalise"]

# Typographic variants that differ between a page and the way a curator types a quote.
_TRANSLATE = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "\u00ad": None,  # soft hyphen
})


def normalise(text: str) -> str:
    """Fold case, compatibility forms, quotation marks, dashes and white space."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE).casefold()
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class QuoteResult:
    event: Event
    citation: Citation
    capture: Capture | None  # where it was found; or the latest capture, when not found
    found: bool


@dataclass
class QuoteCheck:
    """Every quoted citation, sorted into verified, not found, and not yet verifiable."""

    verified: list[QuoteResult] = field(default_factory=list)
    not_found: list[QuoteResult] = field(default_factory=list)
    unverified: list[QuoteResult] = field(default_factory=list)

    def status(self, slug: str, source: str, quote: str) -> QuoteResult | None:
        for result in self.verified + self.not_found + self.unverified:
            c = result.citation
            if (result.event.slug, c.source, c.quote) == (slug, source, quote):
                return result
        return None


class _Texts:
    """The normalised text of each capture, read once."""

    def __init__(self, archive: Path):
        self.archive = archive
        self._captures: dict[str, list[Capture]] = {}
        self._texts: dict[Path, str] = {}

    def captures(self, source_id: str) -> list[Capture]:
        if source_id not in self._captures:
            self._captures[source_id] = list_captures(self.archive, source_id)
        return self._captures[source_id]

    def text(self, capture: Capture) -> str:
        if capture.path not in self._texts:
            try:
                self._texts[capture.path] = normalise(capture.text_path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as e:
                logger.warning("simarchive: %s: cannot read (%s)", capture.text_path, e)
                self._texts[capture.path] = ""
        return self._texts[capture.path]


def check_quotes(events: list[Event], archive: Path) -> QuoteCheck:
    """Look for each quote in its source's captures, newest first."""
    texts = _Texts(archive)
    report = QuoteCheck()
    for event in events:
        for citation in event.citations:
            if not citation.quote:
                continue
            captures = texts.captures(citation.source)
            if not captures:
                report.unverified.append(QuoteResult(event, citation, None, False))
                continue
            wanted = normalise(citation.quote)
            match = next((c for c in reversed(captures) if wanted in texts.text(c)), None)
            if match:
                report.verified.append(QuoteResult(event, citation, match, True))
            else:
                report.not_found.append(QuoteResult(event, citation, captures[-1], False))
    return report
