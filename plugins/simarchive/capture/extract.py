"""Text and the document's own metadata from a captured payload: HTML, PDF, plain text.

result = extract(body, "text/html", charset="utf-8")
result.method, result.text, result.metadata, result.warnings
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from pypdf import PdfReader

from .htmltext import html_text_and_metadata

__all__ = ["EXTRACTORS", "Extraction", "extract"]

logger = logging.getLogger(__name__)


@dataclass
class Extraction:
    """What an extractor found: the text, the document's metadata, and any warnings."""

    method: str
    text: str = ""
    metadata: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def extract_html(body: bytes, charset: str) -> Extraction:
    """HTML: the main text (boilerplate, scripts and banners removed) and the page's metadata."""
    text, metadata = html_text_and_metadata(body.decode(charset, errors="replace"))
    warnings = [] if text.strip() else ["the HTML page has no readable text"]
    return Extraction("html", text, metadata, warnings)


def extract_pdf(body: bytes, charset: str) -> Extraction:
    """PDF: the text of every page, a form-feed line between pages, and the document's metadata."""
    try:
        reader = PdfReader(io.BytesIO(body))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        info = reader.metadata or {}
    except Exception as e:  # noqa: BLE001 - pypdf raises all kinds on malformed files (PyPdfError,
        # ValueError, KeyError, IndexError, AttributeError, RecursionError...); one hostile PDF
        # must not stop a run, and the capture keeps the file with this warning.
        return Extraction(
            "pdf", warnings=[f"no text could be extracted: the PDF cannot be read ({e})"]
        )
    metadata: dict[str, object] = {"pages": len(pages)}
    for key, name in (("/Title", "title"), ("/Author", "author"), ("/CreationDate", "published")):
        if value := str(info.get(key) or "").strip():
            metadata[name] = [value] if name == "author" else value
    text = "\n\f\n".join(pages) + "\n"
    warnings = (
        [] if any(pages) else ["the PDF has no text layer (scanned images?); no text extracted"]
    )
    return Extraction("pdf", text, metadata, warnings)


def extract_plain(body: bytes, charset: str) -> Extraction:
    """Plain text: kept as it is, line endings normalised."""
    text = body.decode(charset, errors="replace").replace("\r\n", "\n")
    return Extraction("text", text if text.endswith("\n") else text + "\n")


# Tried in order; the first whose content types include the response's wins. PDF comes first
# so that a PDF sent with a wrong HTML or text type is still read as a PDF (sniffed below).
EXTRACTORS: tuple[tuple[str, Callable[[bytes, str], Extraction]], ...] = (
    ("pdf", extract_pdf),
    ("html", extract_html),
    ("text", extract_plain),
)
CONTENT_TYPES = {
    "pdf": ("application/pdf", "application/x-pdf"),
    "html": ("text/html", "application/xhtml+xml"),
    "text": ("text/plain",),
}


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def extract(body: bytes, content_type: str | None, charset: str = "utf-8") -> Extraction:
    """Pick the extractor by content type (or the %PDF- signature) and run it."""
    mime = _mime(content_type)
    for name, function in EXTRACTORS:
        sniffed = name == "pdf" and body.startswith(b"%PDF-")
        if sniffed or mime in CONTENT_TYPES[name]:
            return function(body, charset)
    return Extraction(
        "none",
        warnings=[
            f"no text could be extracted: content type '{mime or 'unknown'}' is not HTML, PDF or text"
        ],
    )
