"""HTML to reading text and the page's own metadata, with BeautifulSoup (lxml), in one walk."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, CData, NavigableString, Tag

__all__ = ["html_text_and_metadata"]

# Removed before the text is taken: code, navigation, page furniture and forms.
DROP = frozenset(
    {
        "title",
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "aside",
        "form",
        "iframe",
        "svg",
        "canvas",
        "button",
        "select",
        "dialog",
    }
)
# Page furniture, unless it sits inside the article itself (an article's <header> holds its title).
FURNITURE = frozenset({"header", "footer"})
BANNER = re.compile(r"cookie|consent|banner|gdpr", re.IGNORECASE)
KEEP_EVEN_IF_BANNER = frozenset({"html", "body", "main", "article"})
BLOCKS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "caption",
        "summary",
        "details",
    }
)
_BLOCK_MARK, _BREAK_MARK = "\x00", "\x01"
_TEXT_TYPES = (NavigableString, CData)

META_FIELDS = {
    "title": ("citation_title", "dc.title", "og:title", "twitter:title"),
    "author": ("citation_author", "author", "article:author", "dc.creator", "parsely-author"),
    "published": (
        "citation_publication_date",
        "citation_date",
        "article:published_time",
        "dc.date",
        "dc.date.issued",
        "date",
        "parsely-pub-date",
        "og:published_time",
    ),
    "publisher": ("citation_publisher", "og:site_name", "dc.publisher"),
    "description": ("description", "og:description", "dc.description"),
}


@dataclass
class _Walk:
    """What one pass over the tree found: text pieces, metadata, where <main> and <article>s are."""

    parts: list[str] = field(default_factory=list)
    metas: dict[str, list[str]] = field(default_factory=dict)
    json_ld: list[str] = field(default_factory=list)
    main: tuple[int, int] | None = None
    articles: list[tuple[int, int]] = field(default_factory=list)


def _unwanted(tag: Tag, in_article: bool) -> bool:
    name = tag.name
    if name in DROP or "hidden" in tag.attrs:
        return True
    if name in FURNITURE and not in_article:
        return True
    names = f"{tag.get('id', '')} {tag.get('class', '')}"
    return name not in KEEP_EVEN_IF_BANNER and bool(BANNER.search(names))


def _note(tag: Tag, walk: _Walk) -> None:
    """Keep a <meta> or a JSON-LD <script> for the metadata (scripts are dropped from the text)."""
    if tag.name == "meta":
        key = (tag.get("name") or tag.get("property") or "").strip().lower()
        if key and (content := (tag.get("content") or "").strip()):
            walk.metas.setdefault(key, []).append(content)
    elif tag.name == "script" and tag.get("type") == "application/ld+json":
        walk.json_ld.append(tag.string or "")


def _walk(tag: Tag, walk: _Walk, in_article: bool = False) -> None:
    """Depth-first, in document order: text pieces, a mark around each block, and line breaks.

    Unwanted elements are skipped rather than removed from the tree, which is much cheaper.
    (Recursion is safe: lxml stops nesting at 256 levels.)
    """
    parts = walk.parts
    for child in tag.children:
        if not isinstance(child, Tag):
            if type(child) in _TEXT_TYPES:  # not comments, doctypes or processing instructions
                parts.append(child)
            continue
        name = child.name
        if name in ("meta", "script"):
            _note(child, walk)
        if _unwanted(child, in_article):
            continue
        if name == "br":
            parts.append(_BREAK_MARK)
            continue
        block = name in BLOCKS
        if block:
            parts.append(_BLOCK_MARK)
        start = len(parts)
        _walk(child, walk, in_article or name in ("article", "main"))
        if name == "main" and walk.main is None:
            walk.main = (start, len(parts))
        elif name == "article":
            walk.articles.append((start, len(parts)))
        if block:
            parts.append(_BLOCK_MARK)


def _json_ld(scripts: list[str]) -> dict[str, object]:
    """title, author and published from the first JSON-LD object that has any of them."""
    for script in scripts:
        try:
            data = json.loads(script)
        except ValueError:
            continue
        graph = data.get("@graph", [data]) if isinstance(data, dict) else data
        for item in graph if isinstance(graph, list) else []:
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


def _metadata(soup: BeautifulSoup, walk: _Walk) -> dict[str, object]:
    """The page's own title, authors, published date, publisher, description and language."""
    found: dict[str, object] = {}
    for name, keys in META_FIELDS.items():
        values = next((walk.metas[k] for k in keys if k in walk.metas), None)
        if values:
            found[name] = values if name == "author" else values[0]
    for key, value in _json_ld(walk.json_ld).items():
        found.setdefault(key, value)
    if "title" not in found and soup.title and soup.title.string:
        found["title"] = soup.title.string.strip()
    if isinstance(found.get("author"), str):
        found["author"] = [found["author"]]
    if soup.html and soup.html.get("lang"):
        found["language"] = soup.html["lang"]
    return found


def _text(parts: list[str]) -> str:
    """The text in reading order: one block per heading, paragraph or item, blank lines between."""
    blocks = []
    for chunk in "".join(parts).split(_BLOCK_MARK):
        lines = (" ".join(line.split()) for line in chunk.split(_BREAK_MARK))  # collapse spaces
        if block := "\n".join(line for line in lines if line):
            blocks.append(block)
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def html_text_and_metadata(html: str) -> tuple[str, dict[str, object]]:
    """The main text (<main>, else the only <article>, else the body) and the page's metadata.

    Scripts, styles, navigation, page header and footer, asides, forms and cookie or consent
    banners are left out; an <article>'s own header and footer are kept.
    """
    # multi_valued_attributes=None: class stays one string; splitting every tag's costs time.
    soup = BeautifulSoup(html, "lxml", multi_valued_attributes=None)
    walk = _Walk()
    _walk(soup, walk)
    span = walk.main or (walk.articles[0] if len(walk.articles) == 1 else None)
    parts = walk.parts[span[0] : span[1]] if span else walk.parts
    return _text(parts), _metadata(soup, walk)
