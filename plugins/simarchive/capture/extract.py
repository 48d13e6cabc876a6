"""Text and the document's own metadata from a captured payload: HTML, PDF, plain text.

result = extract(body, "text/html", charset="utf-8")
result.method, result.text, result.fulltext, result.main, result.metadata, result.warnings
"""

from __future__ import annotations

import io
import itertools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypdf import PdfReader

    from .htmltext import VisibleText

__all__ = ["EXTRACTORS", "FRAGMENT", "FRAGMENT_SHARE", "MIN_ARTICLE", "Extraction", "Limits", "extract",
           "extractor_for", "pdf_text"]

logger = logging.getLogger(__name__)

#: Called with the text of each PDF page as it is read.
Progress = Callable[[str], None]

#: Words of a wall that stands in front of a page (a paywall, a registration or consent wall),
#: in its main text. Matched case-insensitively; see docs/capture.md.
WALL_WORDS = re.compile(
    r"subscribe (?:now )?to (?:continue|read|keep reading|unlock)|to continue reading|"
    r"already an? (?:subscriber|member)|(?:sign|log) in to (?:continue|read|keep reading)|"
    r"create a free account to|(?:only )?available (?:only )?to (?:subscribers|members)|"
    r"this (?:article|content|story) is for (?:subscribers|members)|"
    r"(?:accept|agree to) (?:all )?cookies to (?:continue|see|view|read)",
    re.IGNORECASE,
)

#: Only a main text shorter than this (in characters) is searched for WALL_WORDS: a wall stands in
#: front of a teaser, and a long article may well quote such words.
WALL_TEXT = 5000

#: An article body shorter than this (in characters) is no article body: the page is a listing,
#: a notice or a script-built shell, and its full visible text is the better record. It is
#: trafilatura's own threshold (MIN_EXTRACTED_SIZE), below which it falls back to a raw dump of
#: the page, without the blocks or the furniture removal of our full text.
MIN_ARTICLE = 250

#: A main text under this share of the page's full text, and under FRAGMENT characters, is one
#: teaser that trafilatura took for the article on a listing page (a front page of headlines):
#: the full text is the record of such a page.
FRAGMENT_SHARE = 0.05
FRAGMENT = 1000


@dataclass
class Extraction:
    """What an extractor found: the main text, the full text, the metadata, and any warnings.

    For HTML, text is the article's main text and fulltext the page's whole visible text; main
    says where text came from ("trafilatura" or "fallback-fulltext"). A PDF or a text file has
    one text, the whole document, and no fulltext.
    """

    method: str
    text: str = ""
    metadata: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    fulltext: str | None = None
    main: str | None = None
    #: Why extraction stopped before the end (time, memory or page limit), else None.
    cut: str | None = None
    #: Why the page looks like a paywall or a consent wall rather than the page itself, else None.
    wall: str | None = None


@dataclass(frozen=True)
class Limits:
    """How much work one extraction may do."""

    #: Pages of a PDF read; the rest are left out, with a warning.
    pdf_pages: int = 5000


def _blocks(text: str) -> list[str]:
    return [block.strip("\n") for block in text.split("\n\n") if block.strip()]


def restore_repeats(main: str, fulltext: str) -> str:
    """The main text with the paragraphs trafilatura dropped as repeats put back where the page has
    them: a block of the full text that repeats a block of the main text, and lies among the main
    text's blocks (or just after them), is evidence too ("Lorem" twice is not "Lorem" once).
    """
    ours, page = _blocks(main), _blocks(fulltext)
    keys = [" ".join(block.split()) for block in page]
    our_keys = [" ".join(block.split()) for block in ours]
    wanted = set(our_keys)
    where: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key in wanted:
            where.setdefault(key, []).append(i)
    out: list[str] = []
    previous: int | None = None
    for block, key in zip(ours, our_keys, strict=True):
        found = [i for i in where.get(key, ()) if previous is None or i > previous]
        if found and previous is not None:
            out += [page[g] for g in range(previous + 1, found[0]) if keys[g] in wanted]
        out.append(block)
        previous = found[0] if found else previous
    if previous is not None:
        last = max(i for i, key in enumerate(keys) if key in wanted)
        out += [page[g] for g in range(previous + 1, last + 1) if keys[g] in wanted]
    return "\n\n".join(out) + "\n" if out else ""


def extract_html(body: bytes, charset: str, limits: Limits, on_page: Progress | None = None) -> Extraction:
    """HTML: the article's main text (trafilatura), the full visible text, the page's metadata.

    BeautifulSoup gives the full text (navigation, header, footer, scripts and banners left
    out); trafilatura finds the article, and repeats it dropped are put back from the full text.
    A page whose text is only in a <noscript> or in its JSON-LD articleBody still gives that text.
    """
    # Imported here, so that a capture process, which hands its payloads to an extraction
    # process (bounded.py), never loads them.
    from .article import article_text, load_html, page_metadata
    from .htmltext import visible_text

    html = body.decode(charset, errors="replace")
    visible = visible_text(html)
    fulltext = visible.text or visible.noscript or "\n\n".join(visible.article_bodies)
    tree = load_html(html) if html.strip() else None
    main = restore_repeats(article_text(tree), fulltext) if tree is not None else ""
    metadata = page_metadata(tree) if tree is not None else {}
    if visible.language:
        metadata["language"] = visible.language
    warnings, source = [], "trafilatura"
    if len(main) < MIN_ARTICLE and fulltext.strip():
        if main.split() != fulltext.split():
            warnings.append(
                f"no article body found (a listing or a short page?): text.txt holds the page's full "
                f"visible text ({len(fulltext)} characters)"
            )
        main, source = fulltext, "fallback-fulltext"
    elif len(main) < FRAGMENT and len(main) < FRAGMENT_SHARE * len(fulltext):
        warnings.append(
            f"the article body found ({len(main)} characters) is under {FRAGMENT_SHARE:.0%} of the page's "
            f"visible text (a listing page?): text.txt holds the full visible text ({len(fulltext)} characters)"
        )
        main, source = fulltext, "fallback-fulltext"
    if not main.strip():
        warnings.append("the HTML page has no readable text")
    return Extraction("html", main, metadata, warnings, fulltext=fulltext, main=source, wall=_wall(visible, main))


def _wall(visible: VisibleText, main: str) -> str | None:
    if visible.paywalled:
        return "the page marks itself as not free to read (schema.org isAccessibleForFree: false)"
    if len(main) < WALL_TEXT and (m := WALL_WORDS.search(main)):
        return f"its text reads like a paywall or a consent wall ('{m.group(0)}')"
    return None


def _pdf_metadata(reader: PdfReader, pages: int) -> dict[str, object]:
    """The PDF's own title, author, creation and modification dates, language, page count."""
    metadata: dict[str, object] = {"pages": pages}
    info = reader.metadata
    if info is not None:
        if title := str(info.title or "").strip():
            metadata["title"] = title
        if author := str(info.author or "").strip():
            metadata["author"] = [author]
        for name, read in (("published", "creation_date"), ("modified", "modification_date")):
            try:
                moment = getattr(info, read)
            except ValueError:  # a date pypdf cannot parse: keep it as written
                moment = str(info.get("/CreationDate" if name == "published" else "/ModDate") or "") or None
            if moment:
                metadata[name] = moment if isinstance(moment, str) else moment.isoformat()
    language = reader.root_object.get("/Lang")
    if language and str(language).strip():
        metadata["language"] = str(language).strip()
    return metadata


def extract_pdf(body: bytes, charset: str, limits: Limits, on_page: Progress | None = None) -> Extraction:
    """PDF: the text of each page (up to limits.pdf_pages), a form-feed line between pages, and
    the document's metadata. on_page(text) is called after each page, so that a caller that has
    to stop a long extraction keeps what was read."""
    from pypdf import PdfReader  # imported here, as above

    try:
        reader = PdfReader(io.BytesIO(body))
        total = len(reader.pages)
        pages = []
        for page in itertools.islice(reader.pages, limits.pdf_pages):
            pages.append((page.extract_text() or "").strip())
            if on_page:
                on_page(pages[-1])
        metadata = _pdf_metadata(reader, total)
    except MemoryError:
        raise  # the extraction worker reports it, and the limit that was hit
    except Exception as e:  # noqa: BLE001 - pypdf raises all kinds on malformed files (PyPdfError,
        # ValueError, KeyError, IndexError, AttributeError, RecursionError...); one hostile PDF
        # must not stop a run, and the capture keeps the file with this warning.
        return Extraction(
            "pdf", warnings=[f"no text could be extracted: the PDF cannot be read ({e})"]
        )
    warnings, cut = [], None
    if total > len(pages):
        cut = f"only the first {len(pages)} of its {total} pages were read (SIMARCHIVE_EXTRACT_PAGES)"
        warnings.append(f"extraction cut short: {cut}")
    if not any(pages):
        warnings.append("the PDF has no text layer (scanned images?); no text extracted")
    return Extraction("pdf", pdf_text(pages), metadata, warnings, cut=cut)


def pdf_text(pages: list[str]) -> str:
    """Pages of text as one text: a form-feed line between pages."""
    return "\n\f\n".join(pages) + "\n"


def extract_plain(body: bytes, charset: str, limits: Limits, on_page: Progress | None = None) -> Extraction:
    """Plain text: kept as it is, line endings normalised."""
    text = body.decode(charset, errors="replace").replace("\r\n", "\n")
    return Extraction("text", text if text.endswith("\n") else text + "\n")


# Each is called as function(body, charset, limits, on_page); on_page matters to PDFs only.
# Tried in order; the first whose content types include the response's wins. PDF comes first
# so that a PDF sent with a wrong HTML or text type is still read as a PDF (sniffed below).
EXTRACTORS: tuple[tuple[str, Callable[..., Extraction]], ...] = (
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


def extractor_for(body: bytes, content_type: str | None) -> str | None:
    """The name of the extractor for this payload: by content type, or the %PDF- signature."""
    mime = _mime(content_type)
    for name, _ in EXTRACTORS:
        if (name == "pdf" and body.startswith(b"%PDF-")) or mime in CONTENT_TYPES[name]:
            return name
    return None


def extract(
    body: bytes,
    content_type: str | None,
    charset: str = "utf-8",
    limits: Limits = Limits(),  # noqa: B008 - frozen, so one shared default is safe
    on_page: Progress | None = None,
) -> Extraction:
    """Pick the extractor by content type (or the %PDF- signature) and run it."""
    name = extractor_for(body, content_type)
    if name is None:
        mime = _mime(content_type) or "unknown"
        return Extraction(
            "none", warnings=[f"no text could be extracted: content type '{mime}' is not HTML, PDF or text"]
        )
    return dict(EXTRACTORS)[name](body, charset, limits, on_page)
