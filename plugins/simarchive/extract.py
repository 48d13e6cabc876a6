"""Text and the document's own metadata from a captured payload: HTML, PDF, plain text.

    result = extract(body, "text/html", charset="utf-8")
    result.method, result.text, result.metadata, result.warnings
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag
from pypdf import PdfReader
from pypdf.errors import PyPdfError

__all__ = ["EXTRACTORS", "Extraction", "extract", "html_metadata"]

logger = logging.getLogger(__name__)


@dataclass
class Extraction:
    """What an extractor found: the text, the document's metadata, and any warnings."""

    method: str
    text: str = ""
    metadata: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# Removed before the text is taken: code, navigation, page furniture and forms.
DROP = ("script", "style", "noscript", "template", "nav", "aside", "form", "iframe", "svg",
        "canvas", "button", "select", "dialog")
# Page furniture, unless it sits inside the article itself (an article's <header> holds its title).
FURNITURE = ("header", "footer")
BANNER = re.compile(r"cookie|consent|banner|gdpr", re.IGNORECASE)
BLOCKS = ("address", "article", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
          "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section",
          "table", "td", "th", "tr", "ul", "caption", "summary", "details")
_BLOCK_MARK, _BREAK_MARK = "\x00", "\x01"

META_FIELDS = {
    "title": ("citation_title", "dc.title", "og:title", "twitter:title"),
    "author": ("citation_author", "author", "article:author", "dc.creator", "parsely-author"),
    "published": ("citation_publication_date", "citation_date", "article:published_time",
                  "dc.date", "dc.date.issued", "date", "parsely-pub-date", "og:published_time"),
    "publisher": ("citation_publisher", "og:site_name", "dc.publisher"),
    "description": ("description", "og:description", "dc.description"),
}


def _is_banner(tag: Tag) -> bool:
    attrs = tag.attrs or {}
    names = " ".join([str(attrs.get("id", "")), *(attrs.get("class") or [])])
    return bool(names.strip()) and bool(BANNER.search(names))


def _strip_boilerplate(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(DROP):
        tag.decompose()
    for tag in soup.find_all(FURNITURE):
        if not tag.find_parent(["article", "main"]):
            tag.decompose()
    for tag in soup.find_all(_is_banner):
        if tag.name not in ("html", "body", "main", "article"):
            tag.decompose()
    for tag in soup.find_all(hidden=True):
        tag.decompose()


def _main_part(soup: BeautifulSoup) -> Tag:
    """<main>, else the only <article>, else the body: the part that holds the reading text."""
    if main := soup.find("main"):
        return main
    articles = soup.find_all("article")
    if len(articles) == 1:
        return articles[0]
    return soup.body or soup


def _blocks_to_text(root: Tag) -> str:
    """The text in reading order: one block per heading, paragraph or item, blank lines between."""
    for br in root.find_all("br"):
        br.replace_with(_BREAK_MARK)
    for tag in root.find_all(BLOCKS):
        tag.insert_before(_BLOCK_MARK)
        tag.append(_BLOCK_MARK)
    blocks = []
    for chunk in root.get_text().split(_BLOCK_MARK):
        lines = [re.sub(r"\s+", " ", line).strip() for line in chunk.split(_BREAK_MARK)]
        block = "\n".join(line for line in lines if line)
        if block:
            blocks.append(block)
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _json_ld(soup: BeautifulSoup) -> dict[str, object]:
    """title, author and published from the first JSON-LD object that has any of them."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in items:
            if not isinstance(item, dict):
                continue
            author = item.get("author")
            authors = author if isinstance(author, list) else [author] if author else []
            found = {
                "title": item.get("headline") or item.get("name"),
                "author": [a.get("name") if isinstance(a, dict) else a for a in authors] or None,
                "published": item.get("datePublished"),
            }
            if any(found.values()):
                return {k: v for k, v in found.items() if v}
    return {}


def html_metadata(soup: BeautifulSoup) -> dict[str, object]:
    """The page's own title, authors, published date, publisher, description and language."""
    metas: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("name") or tag.get("property") or "").strip().lower()
        if key and (content := (tag.get("content") or "").strip()):
            metas.setdefault(key, []).append(content)
    found: dict[str, object] = {}
    for name, keys in META_FIELDS.items():
        values = next((metas[k] for k in keys if k in metas), None)
        if values:
            found[name] = values if name == "author" else values[0]
    for key, value in _json_ld(soup).items():
        found.setdefault(key, value)
    if "title" not in found and soup.title and soup.title.string:
        found["title"] = soup.title.string.strip()
    if isinstance(found.get("author"), str):
        found["author"] = [found["author"]]
    if soup.html and soup.html.get("lang"):
        found["language"] = soup.html["lang"]
    return found


def extract_html(body: bytes, charset: str) -> Extraction:
    """HTML: the main text (boilerplate, scripts and banners removed) and the page's metadata."""
    soup = BeautifulSoup(body.decode(charset, errors="replace"), "lxml")
    metadata = html_metadata(soup)
    _strip_boilerplate(soup)
    text = _blocks_to_text(_main_part(soup))
    warnings = [] if text.strip() else ["the HTML page has no readable text"]
    return Extraction("html", text, metadata, warnings)


def extract_pdf(body: bytes, charset: str) -> Extraction:
    """PDF: the text of every page, a form-feed line between pages, and the document's metadata."""
    try:
        reader = PdfReader(io.BytesIO(body))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        info = reader.metadata or {}
    except (PyPdfError, ValueError, KeyError, TypeError) as e:
        return Extraction("pdf", warnings=[f"no text could be extracted: the PDF cannot be read ({e})"])
    metadata: dict[str, object] = {"pages": len(pages)}
    for key, name in (("/Title", "title"), ("/Author", "author"), ("/CreationDate", "published")):
        if value := str(info.get(key) or "").strip():
            metadata[name] = [value] if name == "author" else value
    text = "\n\f\n".join(pages) + "\n"
    warnings = [] if any(pages) else ["the PDF has no text layer (scanned images?); no text extracted"]
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
        "none", warnings=[f"no text could be extracted: content type '{mime or 'unknown'}' is not HTML, PDF or text"]
    )
