"""Quote checking: every quoted phrase must appear in the archived text of its source."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..archive.store import FULLTEXT, Capture, list_captures
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
    #: Where in the capture: "main" (text.txt, the article's main text) or "full" (fulltext.txt,
    #: the page's whole visible text); None when not found.
    where: str | None = None


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
    """The normalised main and full text of each capture, read once."""

    def __init__(self, archive: Path):
        self.archive = archive
        self._captures: dict[str, list[Capture]] = {}
        self._texts: dict[Path, str] = {}

    def captures(self, source_id: str) -> list[Capture]:
        if source_id not in self._captures:
            self._captures[source_id] = list_captures(self.archive, source_id)
        return self._captures[source_id]

    def read(self, path: Path) -> str:
        if path not in self._texts:
            try:
                self._texts[path] = normalise(path.read_text(encoding="utf-8"))
            except FileNotFoundError:  # fulltext.txt: HTML captures only, and not older ones
                self._texts[path] = ""
            except (OSError, UnicodeDecodeError) as e:
                logger.warning("simarchive: %s: cannot read (%s)", path, e)
                self._texts[path] = ""
        return self._texts[path]

    def find(self, captures: list[Capture], wanted: str) -> tuple[Capture, str] | None:
        """The newest capture whose main text holds wanted, else the newest whose full text does."""
        for where, path_of in (("main", lambda c: c.text_path), ("full", lambda c: c.path / FULLTEXT)):
            for capture in reversed(captures):
                if wanted in self.read(path_of(capture)):
                    return capture, where
        return None


def check_quotes(events: list[Event], archive: Path) -> QuoteCheck:
    """Look for each quote in its source's captures, newest first: in their main text, then in
    their full text (a quote from a passage the article extractor left out is still verified,
    and the result says so)."""
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
            match = texts.find(captures, normalise(citation.quote))
            if match:
                report.verified.append(QuoteResult(event, citation, match[0], True, match[1]))
            else:
                report.not_found.append(QuoteResult(event, citation, captures[-1], False))
    return report
