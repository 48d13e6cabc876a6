"""Downloads for reference managers: BibTeX, RIS and CSL-JSON, written from one CSL-JSON item.

Hand-written, because each is a few lines of a stable format and the libraries that write
them (bibtexparser, rispy) are readers first; the tests read every export back with them.
The output depends only on the item, so two builds of the same content give the same bytes.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["DOWNLOAD_PREFIX", "EXPORTS", "biblatex_date", "to_bibtex", "to_csl_json", "to_ris"]

Item = dict[str, Any]
#: Citation files are named for what they are, on disk and in the browser's downloads alike:
#: sim-timeline-<slug or id>.bib.
DOWNLOAD_PREFIX = "sim-timeline-"

# LaTeX's special characters, escaped so a title with "&" or "%" does not break a document.
_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
          "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _tex(text: str) -> str:
    return "".join(_LATEX.get(ch, ch) for ch in text)


def to_csl_json(item: Item) -> str:
    """The item as a CSL-JSON array (what Zotero and citeproc read), keys sorted."""
    return json.dumps([item], ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _bib_key(item: Item) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "", item["id"]) or "item"


def _bib_names(item: Item) -> str | None:
    names = []
    for n in item.get("author") or []:
        # Braces keep an organisation whole: BibTeX would otherwise split "StopSIM Coalition".
        names.append(f"{{{_tex(n['literal'])}}}" if "literal" in n else _tex(f"{n['family']}, {n['given']}"))
    return " and ".join(names) or None


def _iso(parts: list[int]) -> str:
    return "-".join(f"{v:02d}" if i else str(v) for i, v in enumerate(parts))


def biblatex_date(date: dict[str, Any] | None) -> str:
    """biblatex's `date` (ISO 8601-2, as biber reads it) at the date's own precision: "2021-06",
    "2018/2020", "2012-11~", "2022?". biblatex has no "one of", so [2016,2017] is the span that
    holds every day it may be ("2016/2017"); "by April 2018" is "/2018-04"; an undated work is
    "XXXX", EDTF's unspecified year, since biber requires a date and none may be invented."""
    if not date:
        return "XXXX"
    if "date-parts" in date:
        text = "/".join(_iso(p) for p in date["date-parts"])
        return text + "~" if date.get("circa") else text
    raw = date.get("raw", "")
    if raw.startswith("[") and raw.endswith("]"):
        items = [i for i in re.split(r",|\.\.", raw.strip("[]")) if i]
        return f"{items[0]}/{items[-1]}" if len(items) > 1 else items[0]
    return raw.replace("..", "") if raw else "XXXX"


def _iso_day(date: dict[str, Any]) -> str:
    y, m, d = date["date-parts"][0]
    return f"{y}-{m:02d}-{d:02d}"


def to_bibtex(item: Item) -> str:
    """A biblatex @online entry with only the fields biblatex defines for it (biber validates it
    without a warning). The container or publisher is its `organization`; the capture's day is
    `urldate`, the capture's hash is in `note`."""
    fields: list[tuple[str, str]] = []
    if authors := _bib_names(item):
        fields.append(("author", authors))
    fields.append(("title", f"{{{_tex(item['title'])}}}"))  # braces keep its capitalisation
    if organization := item.get("container-title") or item.get("publisher"):
        fields.append(("organization", _tex(organization)))
    fields.append(("date", biblatex_date(item.get("issued"))))
    fields.append(("url", item["URL"]))
    if "accessed" in item:
        fields.append(("urldate", _iso_day(item["accessed"])))
    if "note" in item:
        fields.append(("note", _tex(item["note"])))
    if "abstract" in item:
        fields.append(("abstract", _tex(item["abstract"])))
    lines = [f"@online{{{_bib_key(item)},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields]
    return "\n".join(lines) + "\n}\n"


RIS_TYPES = {"article-newspaper": "NEWS", "report": "RPRT", "document": "GEN", "webpage": "ELEC",
             "entry-encyclopedia": "ENCYC"}


def _ris_date(date: dict[str, Any] | None) -> list[tuple[str, str]]:
    """PY is the year alone ("2021///"); DA keeps the precision ("2021/06//"), never a day
    that is not known. RIS has no range or "one of": DA then holds only the text, in the
    "other" slot after the last slash, and PY is left out rather than picking one year."""
    if not date:
        return []
    if "literal" in date or len(date["date-parts"]) > 1 or date.get("circa"):
        return [("DA", f"///{date.get('literal') or biblatex_date(date)}")]
    y, m, d = (date["date-parts"][0] + [0, 0])[:3]
    da = f"{y}/{m:02d}/{d:02d}/" if d else f"{y}/{m:02d}//" if m else f"{y}///"
    return [("PY", f"{y}///"), ("DA", da)]


def to_ris(item: Item) -> str:
    """A RIS record (Research Information Systems), as EndNote, Zotero and Mendeley read it."""
    tags: list[tuple[str, str]] = [("TY", RIS_TYPES.get(item.get("type", ""), "ELEC"))]
    for n in item.get("author") or []:
        tags.append(("AU", n["literal"] if "literal" in n else f"{n['family']}, {n['given']}"))
    tags.append(("TI", item["title"]))
    if item.get("container-title"):
        tags.append(("T2", item["container-title"]))
    if item.get("publisher"):
        tags.append(("PB", item["publisher"]))
    tags += _ris_date(item.get("issued"))
    tags.append(("UR", item["URL"]))
    if "accessed" in item:
        y, m, d = item["accessed"]["date-parts"][0]
        tags.append(("Y2", f"{y}/{m:02d}/{d:02d}/"))
    if "archive" in item:
        tags += [("DP", item["archive"]), ("AN", item["archive_location"])]
    if "medium" in item:
        tags.append(("M3", item["medium"]))
    if "note" in item:
        tags.append(("N1", item["note"]))
    if "abstract" in item:
        tags.append(("AB", item["abstract"]))
    if item.get("language"):
        tags.append(("LA", item["language"]))
    tags.append(("ER", ""))
    # RIS wants "TAG  - value" lines ending in CRLF.
    return "".join(f"{tag}  - {value}\r\n" if value else f"{tag}  - \r\n" for tag, value in tags)


# The downloads, in the order the Cite box lists them: (extension, label, writer, media type).
EXPORTS = (
    ("bib", "BibTeX", to_bibtex, "application/x-bibtex"),
    ("ris", "RIS", to_ris, "application/x-research-info-systems"),
    ("json", "CSL-JSON", to_csl_json, "application/vnd.citationstyles.csl+json"),
)
