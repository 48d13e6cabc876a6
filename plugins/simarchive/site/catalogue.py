"""The archive's catalogue (/sources/): one static page per sort order, per kind of source and per
finding of the watch (changed, moved, gone, blocked), so that sorting and filtering work without
JavaScript and on any static host."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..archive.store import Capture
from ..archive.watchlog import FINDINGS
from ..content.registry import KINDS, Source

__all__ = ["FINDINGS", "SORTS", "CataloguePage", "catalogue_pages"]

#: key -> label; the first is /sources/ itself.
SORTS = {"title": "title", "publisher": "publisher", "published": "publication date", "captured": "archive status"}


@dataclass(frozen=True)
class CataloguePage:
    path: str  # relative to the site root, ending in index.html
    sort: str
    kind: str | None
    sources: list[Source]
    #: A finding of the watch: the page lists the sources whose original the watch now finds so.
    status: str | None = None


def page_path(sort: str = "title", kind: str | None = None, status: str | None = None) -> str:
    """The folder of the catalogue sorted by sort (kind and status pages are sorted by title)."""
    if status:
        return f"sources/status/{status}/"
    if kind:
        return f"sources/kind/{kind}/"
    return "sources/" if sort == "title" else f"sources/by-{sort}/"


def _sort_key(sort: str, latest: Callable[[str], Capture | None]) -> Callable[[Source], tuple]:
    never = dt.date.max
    keys = {
        "title": lambda s: (s.title.casefold(),),
        "publisher": lambda s: (s.publisher.casefold(), s.title.casefold()),
        # Undated sources last; dated ones by their earliest possible day.
        "published": lambda s: (s.published.sort_key if s.published else never, s.title.casefold()),
        # Never captured first (what a curator must do next), then the oldest captures.
        "captured": lambda s: ((latest(s.id).captured_at if latest(s.id) else ""), s.title.casefold()),
    }
    return keys[sort]


def catalogue_pages(sources: dict[str, Source], latest: Callable[[str], Capture | None],
                    watched: Callable[[str], list[str]] = lambda result: []) -> Iterator[CataloguePage]:
    """Every sorted page, one page per kind of source that has any, and one per finding of the
    watch (always, so that its address stays: a page with none says so)."""
    for sort in SORTS:
        rows = sorted(sources.values(), key=_sort_key(sort, latest))
        yield CataloguePage(page_path(sort) + "index.html", sort, None, rows)
    for kind in KINDS:
        rows = sorted((s for s in sources.values() if s.kind == kind), key=_sort_key("title", latest))
        if rows:
            yield CataloguePage(page_path(kind=kind) + "index.html", "title", kind, rows)
    for result in FINDINGS:
        ids = set(watched(result))
        rows = sorted((s for s in sources.values() if s.id in ids), key=_sort_key("title", latest))
        yield CataloguePage(page_path(status=result) + "index.html", "title", None, rows, result)
