"""The pieces every citation style is built from: rich text, names, dates and title case."""

from __future__ import annotations

import calendar
import html
from typing import Any

__all__ = ["Rich", "date_text", "initials", "name_text", "title_case"]

MONTHS = list(calendar.month_name)
# MLA 9 abbreviates months longer than four letters (MLA Handbook 9th ed., 9.15 and appendix 1).
MLA_MONTHS = ["", "Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.",
              "Nov.", "Dec."]
# Words left lowercase in title case unless first or last (the CSL specification's list).
STOP_WORDS = frozenset({"a", "an", "and", "as", "at", "but", "by", "down", "for", "from", "in", "into", "nor", "of",
                        "on", "onto", "or", "over", "so", "the", "till", "to", "up", "via", "with", "yet"})


class Rich:
    """Text with italic runs, written once and rendered as HTML or as plain text."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, bool]] = []

    def add(self, text: str, italic: bool = False) -> Rich:
        if text:
            self.parts.append((text, italic))
        return self

    def it(self, text: str) -> Rich:
        return self.add(text, italic=True)

    def text(self) -> str:
        return "".join(t for t, _ in self.parts)

    def html(self) -> str:
        return "".join(f"<i>{html.escape(t)}</i>" if i else html.escape(t) for t, i in self.parts)


def title_case(title: str) -> str:
    """MLA and Chicago headline style. Only lowercase words are raised, so proper nouns,
    acronyms and words the registry already capitalised stay as written."""
    words = title.split(" ")
    out = []
    for n, word in enumerate(words):
        first = n == 0 or words[n - 1].endswith(":")
        last = n == len(words) - 1
        if word.lower() in STOP_WORDS and not first and not last:
            out.append(word)
        else:
            out.append("-".join(_raise(p) if p.islower() else p for p in word.split("-")))
    return " ".join(out)


def _raise(word: str) -> str:
    """Capitalise the first letter, past any opening quotation mark or bracket."""
    for i, char in enumerate(word):
        if char.isalpha():
            return word[:i] + char.upper() + word[i + 1 :]
    return word


def initials(given: str, *, spaced: bool = True) -> str:
    """"Jane Ann" -> "J. A." (APA) or "J.A." (Cite Them Right); "Mary-Jane" -> "M.-J."."""
    parts = []
    for word in given.split():
        parts.append("-".join(f"{p[0]}." for p in word.split("-") if p))
    return (" " if spaced else "").join(parts)


def name_text(name: dict[str, str], form: str) -> str:
    """One CSL name as a style writes it.

    form: "inverted" (Example, Jane), "natural" (Jane Example), "initials" (Example, J. A.),
    "initials-tight" (Example, J.A.). An organisation (literal) is written as it is.
    """
    if "literal" in name:
        return name["literal"]
    family, given = name.get("family", ""), name.get("given", "")
    if not given:
        return family
    if form == "natural":
        return f"{given} {family}"
    if form == "inverted":
        return f"{family}, {given}"
    return f"{family}, {initials(given, spaced=form == 'initials')}"


def _point(parts: list[int], order: str) -> str:
    year, month, day = (parts + [0, 0])[:3]
    month_name = (MLA_MONTHS if order == "mla" else MONTHS)[month] if month else ""
    if order == "apa":  # 2021, June 15
        return ", ".join(filter(None, [str(year), f"{month_name} {day}" if day else month_name]))
    if order == "us":  # June 15, 2021
        return f"{month_name} {day}, {year}" if day else " ".join(filter(None, [month_name, str(year)]))
    return " ".join(filter(None, [str(day) if day else "", month_name, str(year)]))  # 15 June 2021


CIRCA = {"apa": "ca. ", "us": "ca. ", "mla": "circa ", "uk": "c. "}


def date_text(date: dict[str, Any] | None, order: str) -> str | None:
    """A CSL date as the style writes it, at its own precision; None when there is no date.

    order: "apa", "us" (Chicago), "mla" or "uk" (Cite Them Right). A range is its two ends
    joined by an en dash; a literal (a "one of", an open end, an uncertain date) is kept as
    written, since no style has a form for it and rewriting it would change its meaning.
    """
    if not date:
        return None
    if "literal" in date:
        return date["literal"]
    points = [_point(p, order) for p in date["date-parts"]]
    text = "–".join(points)
    return CIRCA[order] + text if date.get("circa") else text
