"""The page's full visible text, with BeautifulSoup (lxml), in one walk over its tree."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, CData, NavigableString, Tag

__all__ = ["VisibleText", "visible_text"]

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


@dataclass
class _Walk:
    """What one pass over the tree found: text pieces, <noscript> pieces, JSON-LD scripts."""

    parts: list[str] = field(default_factory=list)
    noscript: list[str] = field(default_factory=list)
    json_ld: list[str] = field(default_factory=list)


@dataclass
class VisibleText:
    """The page's visible text, and where else a page may keep its words."""

    text: str
    #: The text inside <noscript>, for a page that shows nothing without JavaScript.
    noscript: str = ""
    #: The articleBody of its JSON-LD (schema.org) objects, for a page rendered by a script.
    article_bodies: list[str] = field(default_factory=list)
    #: <html lang>
    language: str | None = None
    #: The page's structured data says it is not free to read (isAccessibleForFree: false).
    paywalled: bool = False


def _unwanted(tag: Tag, in_article: bool) -> bool:
    name = tag.name
    if name in DROP or "hidden" in tag.attrs:
        return True
    if name in FURNITURE and not in_article:
        return True
    names = f"{tag.get('id', '')} {tag.get('class', '')}"
    return name not in KEEP_EVEN_IF_BANNER and bool(BANNER.search(names))


def _walk(tag: Tag, walk: _Walk, parts: list[str], in_article: bool = False) -> None:
    """Depth-first, in document order: text pieces, a mark around each block, and line breaks.

    Unwanted elements are skipped rather than removed from the tree, which is much cheaper.
    (Recursion is safe: lxml stops nesting at 256 levels.)
    """
    for child in tag.children:
        if not isinstance(child, Tag):
            if type(child) in _TEXT_TYPES:  # not comments, doctypes or processing instructions
                parts.append(child)
            continue
        name = child.name
        if name == "script" and child.get("type") == "application/ld+json":
            walk.json_ld.append(child.string or "")
        elif name == "noscript" and parts is walk.parts:
            walk.noscript.append(_BLOCK_MARK)
            _walk(child, walk, walk.noscript, in_article)
        if _unwanted(child, in_article):
            continue
        if name == "br":
            parts.append(_BREAK_MARK)
            continue
        block = name in BLOCKS
        if block:
            parts.append(_BLOCK_MARK)
        _walk(child, walk, parts, in_article or name in ("article", "main"))
        if block:
            parts.append(_BLOCK_MARK)


def _json_ld_items(scripts: list[str]) -> list[dict]:
    """Every JSON-LD object of the page (top level, in a list or in an @graph)."""
    found = []
    for script in scripts:
        try:
            data = json.loads(script)
        except ValueError:
            continue
        items = data.get("@graph", [data]) if isinstance(data, dict) else data
        found += [item for item in (items if isinstance(items, list) else []) if isinstance(item, dict)]
    return found


def _paywalled(items: list[dict]) -> bool:
    """schema.org's own paywall markup: isAccessibleForFree false (as Google asks publishers)."""
    return any(str(item.get("isAccessibleForFree", "")).strip().lower() == "false" for item in items)


def _text(parts: list[str]) -> str:
    """The text in reading order: one block per heading, paragraph or item, blank lines between."""
    blocks = []
    for chunk in "".join(parts).split(_BLOCK_MARK):
        lines = (" ".join(line.split()) for line in chunk.split(_BREAK_MARK))  # collapse spaces
        if block := "\n".join(line for line in lines if line):
            blocks.append(block)
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def visible_text(html: str) -> VisibleText:
    """The text a reader sees on the page, in reading order, one block per paragraph.

    Scripts, styles, navigation, page header and footer, asides, forms and cookie or consent
    banners are left out; an <article>'s own header and footer are kept.
    """
    # multi_valued_attributes=None: class stays one string; splitting every tag's costs time.
    soup = BeautifulSoup(html, "lxml", multi_valued_attributes=None)
    walk = _Walk()
    _walk(soup, walk, walk.parts)
    lang = soup.html.get("lang") if soup.html else None
    items = _json_ld_items(walk.json_ld)
    bodies = [body for item in items if isinstance(body := item.get("articleBody"), str) and body.strip()]
    return VisibleText(
        text=_text(walk.parts),
        noscript=_text(walk.noscript),
        article_bodies=bodies,
        language=lang.strip() if isinstance(lang, str) and lang.strip() else None,
        paywalled=_paywalled(items),
    )
