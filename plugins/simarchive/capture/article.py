"""The article's main text and the page's own metadata, with trafilatura and htmldate.

tree = load_html(html)
text = article_text(tree)          # "" when trafilatura finds no article body
metadata = page_metadata(tree)     # title, author, published, modified, site_name, ...
"""

from __future__ import annotations

import copy
import logging
from typing import Any

import htmldate
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

__all__ = ["article_text", "load_html", "page_metadata"]

# trafilatura logs a warning for every page it finds no body in; the capture says so itself.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

#: Inline elements of trafilatura's output: formatting, links, deletions.
_INLINE = frozenset({"hi", "ref", "del"})


def _running_text_kept(tree: HtmlElement) -> HtmlElement:
    """The tree with the text of <time> and <math> elements made plain text. trafilatura removes
    both with their text, so "wrote on <time>10 March 2023</time> to" would read "wrote on to":
    a date lost from the evidence. A formula keeps its symbols, not its TeX annotation. The tree
    is copied first, since htmldate reads the <time> elements after."""
    if next(tree.iter("time", "math"), None) is None:
        return tree
    tree = copy.deepcopy(tree)
    for math in list(tree.iter("math")):
        for annotation in list(math.iter("annotation", "annotation-xml")):
            annotation.drop_tree()
        plain = math.makeelement("span", {})
        plain.text, plain.tail = "".join(math.itertext()), math.tail
        math.getparent().replace(math, plain)
    etree.strip_tags(tree, "time")
    return tree


def load_html(html: str) -> HtmlElement | None:
    """The page as an lxml tree (trafilatura's parser), or None if it is not HTML at all."""
    return trafilatura.load_html(html)


def _inline(element: Any) -> str:
    """An element's running text, with \x01 where a line break (<lb/>) was."""
    pieces = [element.text or ""]
    for child in element:
        pieces.append("\x01" if child.tag == "lb" else _inline(child))
        pieces.append(child.tail or "")
    return "".join(pieces)


def _is_data_table(table: Any) -> bool:
    """A table of figures, not a page laid out with a table (paragraphs in its cells)."""
    return all(c.tag in _INLINE or c.tag == "lb" for cell in table.iter("cell") for c in cell)


def _render(element: Any, blocks: list[str]) -> None:
    """trafilatura's XML body (an lxml tree) to blocks of text: headings, paragraphs, list items,
    quoted passages, tables. A row of a data table becomes one line, its cells separated by " | ",
    so that a figure stays beside its label; a table laid out with paragraphs in its cells gives
    those paragraphs as blocks. Running text beside a block (an item's words before its nested
    list) is a block of its own."""
    running = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            running.append("\x01")
        elif child.tag in _INLINE:
            running.append(_inline(child))
        else:
            blocks.append("".join(running))
            running = []
            if child.tag == "table" and _is_data_table(child):
                rows = (" | ".join(" ".join(_inline(cell).split()) for cell in row.iter("cell"))
                        for row in child.iter("row"))
                blocks.append("\x01".join(row for row in rows if row.strip(" |")))
            elif any(c.tag not in _INLINE and c.tag != "lb" for c in child):
                _render(child, blocks)
            else:
                blocks.append(_inline(child))
        running.append(child.tail or "")
    blocks.append("".join(running))


def article_text(tree: HtmlElement, *, favor_recall: bool = True) -> str:
    """The article body as text, blocks separated by blank lines; "" if there is none.

    Configured for evidence: tables kept, comments left out, dates and formulas in the text kept,
    and when trafilatura hesitates it keeps the text (favor_recall) rather than dropping it.
    """
    document = trafilatura.bare_extraction(
        _running_text_kept(tree),
        output_format="xml",  # the body as a tree, not a string to parse again
        include_comments=False,
        include_tables=True,
        favor_recall=favor_recall,
    )
    if document is None or document.body is None:
        return ""
    blocks: list[str] = []
    _render(document.body, blocks)
    lines = ("\n".join(" ".join(line.split()) for line in block.split("\x01")) for block in blocks)
    text = "\n\n".join(block.strip("\n") for block in lines if block.strip())
    return text + "\n" if text else ""


def _authors(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(";") if name.strip()]


def page_metadata(tree: HtmlElement) -> dict[str, object]:
    """What the page says about itself: title, author(s), published and modified dates, site name,
    description, canonical URL. Dates come from the page's markup, structured data and URL only
    (no guess from dates in the running text), so a difference from the registry is a real one.
    """
    # htmldate first: it works on a copy, while extract_metadata may prune the tree it is given.
    modified = htmldate.find_date(tree, extensive_search=False, original_date=False)
    found = trafilatura.extract_metadata(tree, extensive=False)
    metadata: dict[str, object] = {
        "title": found.title,
        "author": _authors(found.author),
        "published": found.date,
        "modified": modified,
        "site_name": found.sitename,
        "description": found.description,
        "canonical_url": found.url,
    }
    if metadata["modified"] == metadata["published"]:
        metadata["modified"] = None
    return {key: value for key, value in metadata.items() if value}
