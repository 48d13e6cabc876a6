"""Compare what a page says about itself with what the registry says: mismatches are warnings."""

from __future__ import annotations

import datetime as dt
import re

from ..content.registry import Source

__all__ = ["compare_with_registry", "page_day"]

_DAY = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


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


def compare_with_registry(metadata: dict[str, object], source: Source) -> list[str]:
    """One warning for each of title, author, published date where the page and registry differ."""
    warnings = []
    title = metadata.get("title")
    if isinstance(title, str) and not _similar(title, source.title):
        warnings.append(f"the page's title '{title}' differs from the registry's '{source.title}'")
    authors = [a for a in metadata.get("author") or [] if isinstance(a, str)]
    if source.author and authors and not any(_similar(a, source.author) for a in authors):
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
