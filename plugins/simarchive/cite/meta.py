"""Page metadata for reference managers and link previews, from one CSL-JSON item.

Highwire Press `citation_*` tags are what Zotero's connector reads first ("Embedded
Metadata"); Dublin Core (`DC.*`) is its fallback and the library world's; schema.org JSON-LD
serves search engines; OpenGraph serves link previews. No `DC.source`: Zotero takes it for the
publication's title. Dates keep their precision in each:
Highwire's `citation_date` takes "2021/06" or "2021", schema.org takes ISO 8601 "2021-06".
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["json_ld", "meta_tags"]

Item = dict[str, Any]


def _iso(date: dict[str, Any] | None, sep: str = "-") -> str | None:
    """A single exact date at its precision ("2021-06"); None for a range or a literal,
    which these vocabularies cannot hold without inventing a precision."""
    if not date or "date-parts" not in date or len(date["date-parts"]) != 1 or date.get("circa"):
        return None
    return sep.join(f"{v:02d}" if i else str(v) for i, v in enumerate(date["date-parts"][0]))


def name_text(name: dict[str, str]) -> str:
    """"Family, Given" for a person; an organisation as it is."""
    if "literal" in name:
        return name["literal"]
    return f"{name['family']}, {name['given']}" if name.get("given") else name["family"]


def _highwire_author(name: dict[str, str]) -> str:
    """citation_author: "Family, Given". An organisation is its whole name and a comma with no
    given name after it: Zotero's Embedded Metadata reads a name with a comma as "family, given",
    so this keeps the organisation one field, where a bare "StopSIM Coalition" becomes the person
    "Coalition, StopSIM"."""
    return f"{name['literal']}," if "literal" in name else name_text(name)


# What Zotero's Embedded Metadata makes of a page: og:type website is a Web Page, a
# citation_technical_report_institution makes a Report, DC.type NewsItem (the eprints vocabulary
# Zotero reads) a Newspaper Article, and DC.type document a Document.
DC_TYPES = {"article-newspaper": "NewsItem", "document": "document"}


def meta_tags(item: Item, page_url: str | None = None) -> list[tuple[str, str, str]]:
    """(attribute, name, content) for each <meta>: name= for Highwire and DC, property= for OG.
    page_url (the page's canonical address, by default the record's URL) is og:url and
    citation_public_url; DC.identifier is the record's URL."""
    page_url = page_url or item["URL"]
    kind = item.get("type")
    container = item.get("container-title", "")
    tags = [("name", "citation_title", item["title"])]
    tags += [("name", "citation_author", _highwire_author(n)) for n in item.get("author") or []]
    if date := _iso(item.get("issued"), "/"):
        tags.append(("name", "citation_date", date))
    if kind == "report":
        tags.append(("name", "citation_technical_report_institution", item.get("publisher", "")))
    else:
        tags.append(("name", "citation_publisher", item.get("publisher", "")))
    tags.append(("name", "citation_public_url", page_url))
    if item.get("medium") == "PDF":
        tags.append(("name", "citation_pdf_url", item["URL"]))
    if item.get("language"):
        tags.append(("name", "citation_language", item["language"]))
    if item.get("abstract"):
        tags.append(("name", "citation_abstract", item["abstract"]))
    tags.append(("name", "DC.title", item["title"]))
    tags += [("name", "DC.creator", name_text(n)) for n in item.get("author") or []]
    if date := _iso(item.get("issued")):
        tags.append(("name", "DC.date", date))
    tags += [("name", "DC.publisher", item.get("publisher", "")), ("name", "DC.identifier", item["URL"]),
             ("name", "DC.type", DC_TYPES.get(kind, "")), ("name", "DC.description", item.get("abstract", ""))]
    tags += [("property", "og:title", item["title"]), ("property", "og:url", page_url),
             ("property", "og:type", "article" if kind in DC_TYPES or kind == "report" else "website"),
             ("property", "og:site_name", container or item.get("publisher", "")),
             ("property", "og:description", item.get("abstract", ""))]
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
        "@type": {"article-newspaper": "NewsArticle", "report": "Report", "webpage": "WebPage"}.get(
            item.get("type", ""), "CreativeWork"),
        "name": item["title"],
    }
    if publisher := item.get("publisher") or item.get("container-title"):
        work["publisher"] = {"@type": "Organization", "name": publisher}
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
        if item.get("abstract"):
            data["description"] = item["abstract"]
    # <, > and & are written as JSON escapes, so no title can close the <script> that holds
    # this, and the template can insert it unescaped (HTML entities are not decoded there).
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
