"""Page metadata for reference managers and link previews, from one CSL-JSON item.

Highwire Press `citation_*` tags are what Zotero's connector reads first ("Embedded
Metadata"); Dublin Core (`DC.*`) is its fallback and the library world's; schema.org JSON-LD
serves search engines; OpenGraph serves link previews. Dates keep their precision in each:
Highwire's `citation_date` takes "2021/06" or "2021", schema.org takes ISO 8601 "2021-06".
"""

from __future__ import annotations

import json
from typing import Any

from .text import date_text, name_text

__all__ = ["json_ld", "meta_tags"]

Item = dict[str, Any]


def _iso(date: dict[str, Any] | None, sep: str = "-") -> str | None:
    """A single exact date at its precision ("2021-06"); None for a range or a literal,
    which these vocabularies cannot hold without inventing a precision."""
    if not date or "date-parts" not in date or len(date["date-parts"]) != 1 or date.get("circa"):
        return None
    return sep.join(f"{v:02d}" if i else str(v) for i, v in enumerate(date["date-parts"][0]))


def _authors(item: Item) -> list[str]:
    return [name_text(n, "inverted") for n in item.get("author") or []]


def meta_tags(item: Item) -> list[tuple[str, str, str]]:
    """(attribute, name, content) for each <meta>: name= for Highwire and DC, property= for OG."""
    tags = [("name", "citation_title", item["title"])]
    tags += [("name", "citation_author", a) for a in _authors(item)]
    if date := _iso(item.get("issued"), "/"):
        tags.append(("name", "citation_date", date))
    elif item.get("issued"):
        tags.append(("name", "citation_date", date_text(item["issued"], "uk") or ""))
    if item.get("type") == "article-newspaper":
        tags.append(("name", "citation_journal_title", item["container-title"]))
    tags.append(("name", "citation_publisher", item.get("publisher", "")))
    tags.append(("name", "citation_public_url", item["URL"]))
    if item.get("medium") == "PDF":
        tags.append(("name", "citation_pdf_url", item["URL"]))
    if item.get("language"):
        tags.append(("name", "citation_language", item["language"]))
    tags.append(("name", "DC.title", item["title"]))
    tags += [("name", "DC.creator", a) for a in _authors(item)]
    if date := _iso(item.get("issued")):
        tags.append(("name", "DC.date", date))
    tags += [("name", "DC.publisher", item.get("publisher", "")), ("name", "DC.identifier", item["URL"])]
    if "custom" in item and "original-url" in item["custom"]:
        tags.append(("name", "DC.source", item["custom"]["original-url"]))
    tags += [("property", "og:title", item["title"]), ("property", "og:url", item["URL"]),
             ("property", "og:type", "article"),
             ("property", "og:site_name", item.get("archive", item.get("publisher", "")))]
    if item.get("abstract"):
        tags.append(("property", "og:description", item["abstract"]))
    return [t for t in tags if t[2]]


def _person(name: dict[str, str]) -> dict[str, str]:
    if "literal" in name:
        return {"@type": "Organization", "name": name["literal"]}
    return {"@type": "Person", "familyName": name["family"], "givenName": name["given"],
            "name": f"{name['given']} {name['family']}"}


def json_ld(item: Item) -> str:
    """schema.org JSON-LD. An archived copy is an ArchiveComponent of our archive whose
    `about` is the original work; an event page is a WebPage."""
    work: dict[str, Any] = {
        "@type": "NewsArticle" if item.get("type") == "article-newspaper" else "CreativeWork",
        "name": item["title"],
        "publisher": {"@type": "Organization", "name": item.get("publisher", "")},
    }
    if item.get("author"):
        work["author"] = [_person(n) for n in item["author"]]
    if date := _iso(item.get("issued")):
        work["datePublished"] = date
    custom = item.get("custom", {})
    if "sha256" in custom:
        data: dict[str, Any] = {
            "@context": "https://schema.org", "@type": "ArchiveComponent", "name": item["title"],
            "url": item["URL"], "dateCreated": custom["captured-at"],
            "holdingArchive": {"@type": "ArchiveOrganization", "name": item["archive"]},
            "about": {**work, "url": custom["original-url"]},
            "identifier": {"@type": "PropertyValue", "propertyID": "SHA-256", "value": custom["sha256"]},
        }
    else:
        data = {"@context": "https://schema.org", **work, "url": item["URL"]}
        if item.get("type") == "webpage":
            data["@type"] = "WebPage"
        if item.get("abstract"):
            data["description"] = item["abstract"]
    # <, > and & are written as JSON escapes, so no title can close the <script> that holds
    # this, and the template can insert it unescaped (HTML entities are not decoded there).
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
