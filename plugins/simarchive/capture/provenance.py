"""Compare what a page says about itself with what the registry says: mismatches are warnings."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ..content.registry import Source

__all__ = ["compare_with_registry", "name_words", "page_day", "same_person"]

_DAY = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
#: What separates two people in one author field ("Jack Barton; Mark Townsend", "A and B").
_PEOPLE = re.compile(r";|\s+(?:and|&)\s+|\s*&\s*", re.IGNORECASE)
#: Words around a name that are no part of it.
_NOT_NAMES = frozenset({"by", "dr", "prof", "professor", "mr", "mrs", "ms", "mx", "sir", "dame", "rev"})


def _norm(text: str) -> str:
    """Case, accents, punctuation and spacing folded: "Café-Society" -> "cafe society"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def name_words(name: str) -> frozenset[str]:
    """The words of a person's name, whatever their order, without initials and titles:
    "House, Allan", "Allan J. House" and "Dr Allan House" all give {"allan", "house"}."""
    return frozenset(w for w in _norm(name).split() if len(w) > 1 and w not in _NOT_NAMES)


def same_person(a: frozenset[str], b: frozenset[str]) -> bool:
    """One name's words are all in the other's ("Allan House", "Allan House, Political Editor")."""
    return bool(a and b) and (a <= b or b <= a)


def _similar(a: str, b: str) -> bool:
    """Equal once case, punctuation and spacing are ignored, or one contains the other."""
    a, b = _norm(a), _norm(b)
    return bool(a and b) and (a in b or b in a)


def page_day(value: str) -> dt.date | None:
    """The day in a page's date (2023-03-10T09:00:00Z, D:20230310120000, 20230310), if any."""
    m = _DAY.search(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _authors_agree(page: list[str], registry: str) -> bool:
    """Some registry author is one of the page's, names compared by their words. The page's
    one-word authors are also taken together: trafilatura reads "House, Allan" as two authors."""
    ours = [name_words(p) for p in _PEOPLE.split(registry)]
    theirs = [name_words(p) for field in page for p in _PEOPLE.split(field)]
    theirs.append(frozenset().union(*(words for words in theirs if len(words) == 1)))
    return any(same_person(a, b) for a in ours for b in theirs)


def compare_with_registry(metadata: dict[str, object], source: Source) -> list[str]:
    """One warning for each of title, author, published date where the page and registry differ."""
    warnings = []
    title = metadata.get("title")
    if isinstance(title, str) and not _similar(title, source.title):
        warnings.append(f"the page's title '{title}' differs from the registry's '{source.title}'")
    authors = [a for a in metadata.get("author") or [] if isinstance(a, str)]
    if source.author and authors and not _authors_agree(authors, source.author):
        warnings.append(
            f"the page's author '{'; '.join(authors)}' differs from the registry's '{source.author}'"
        )
    published = metadata.get("published")
    day = page_day(published) if isinstance(published, str) else None
    if source.published and day:
        low, high = source.published.earliest, source.published.latest
        if (low and day < low) or (high and day > high):
            warnings.append(
                f"the page's date {day.isoformat()} is outside the registry's published "
                f"'{source.published.edtf}'"
            )
    return warnings
