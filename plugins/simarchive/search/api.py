"""The search interface: what a search asks (from URL parameters) and answers (as the API's JSON).

No Whoosh here: this is the engine-neutral edge shared by web.py, cli.py and the searcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from ..errors import QueryError

__all__ = ["FACETS", "MAX_PAGE", "MAX_PER_PAGE", "PER_PAGE", "SORTS", "Hit", "Passage", "Results",
           "SearchRequest", "request_from_params", "results_json", "search_url"]

#: The ways to sort, with the label the search form shows for each.
SORTS = {"relevance": "relevance", "date": "date, oldest first", "newest": "date, newest first"}
#: The facets a search can be narrowed by, as URL parameters and in the API's `facets`.
FACETS = ("type", "source_kind", "publisher", "year")
PER_PAGE = 10
MAX_PER_PAGE = 50
MAX_PAGE = 10_000
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII only: str.isdigit() also takes "²" and "٣"


@dataclass(frozen=True)
class SearchRequest:
    """What a search asks for; filters narrow by facet values, e.g. (("year", "2012"),)."""

    q: str
    page: int = 1
    per_page: int = PER_PAGE
    sort: str = "relevance"
    filters: tuple[tuple[str, str], ...] = ()
    all_captures: bool = False
    partial: bool = False  # the last word is still being typed: take it as the beginning of a word


@dataclass(frozen=True)
class Passage:
    html: str  # escaped text with <mark> around matched words
    link: str  # the passage in the archived text, as a text fragment link


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str  # event, source, or capture (an older capture of a source)
    title: str
    title_html: str  # escaped, with <mark>
    url: str
    source_kind: str
    publisher: str
    date: str  # as people write it
    year: int | None
    captured: str  # the capture day, e.g. "26 Nov 2026"
    captured_at: str  # ISO time of the capture
    passages: list[Passage]


@dataclass
class Results:
    request: SearchRequest
    total: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    pages: int = 0
    suggestion: str | None = None
    seconds: float = 0.0
    completed: str | None = None  # the word taken as a beginning, for a partial request


def whole_number(name: str, raw: str, high: int) -> int:
    """`raw` as a whole number from 1 to `high`, or a QueryError naming the parameter."""
    if not _WHOLE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= high:
        raise QueryError(f"{name}={raw[:20]!r} is not a whole number from 1 to {high}.")
    return int(raw)


def _number(params: dict[str, list[str]], name: str, default: int, high: int) -> int:
    raw = params.get(name, [""])[0].strip()
    return whole_number(name, raw, high) if raw else default


def request_from_params(params: dict[str, list[str]]) -> SearchRequest:
    """A SearchRequest from parse_qs() output; bad values raise QueryError with a reason."""
    sort = params.get("sort", ["relevance"])[0] or "relevance"
    if sort not in SORTS:
        raise QueryError(f"sort={sort[:20]!r} is not a way to sort; use one of {', '.join(SORTS)}.")
    filters = tuple((name, value) for name in FACETS for value in params.get(name, []) if value)
    return SearchRequest(
        q=params.get("q", [""])[0],
        page=_number(params, "page", 1, MAX_PAGE),
        per_page=_number(params, "per_page", PER_PAGE, MAX_PER_PAGE),
        sort=sort,
        filters=filters,
        all_captures=params.get("captures", [""])[0] == "all",
        partial=params.get("partial", [""])[0] == "1",
    )


def search_url(request: SearchRequest, path: str = "/search", **changes) -> str:
    """The address of the same search with some parameters changed (None removes one); the
    defaults (page 1, PER_PAGE hits, relevance) are left out."""
    params: dict[str, object] = {"q": request.q, **dict(request.filters), "sort": request.sort,
                                 "captures": "all" if request.all_captures else None,
                                 "partial": 1 if request.partial else None,
                                 "page": request.page, "per_page": request.per_page}
    params.update(changes)
    defaults = {"sort": "relevance", "page": 1, "per_page": PER_PAGE}
    kept = {k: v for k, v in params.items()
            if k == "q" or (v not in (None, "") and defaults.get(k, object()) != v)}
    return path + "?" + urlencode(kept)


def results_json(results: Results) -> dict:
    """The /api/search body; its fields are documented in docs/search.md."""
    request = results.request
    return {
        "query": request.q,
        "page": request.page,
        "per_page": request.per_page,
        "pages": results.pages,
        "total": results.total,
        "took_ms": round(results.seconds * 1000, 1),
        "sort": request.sort,
        "filters": dict(request.filters),
        "all_captures": request.all_captures,
        "partial": request.partial,
        "completed": results.completed,
        "suggestion": results.suggestion,
        "facets": {name: [{"value": v, "count": c} for v, c in counts]
                   for name, counts in results.facets.items()},
        "hits": [
            {
                "id": hit.id, "kind": hit.kind, "title": hit.title, "title_html": hit.title_html,
                "url": hit.url, "source_kind": hit.source_kind, "publisher": hit.publisher,
                "date": hit.date, "year": hit.year,
                "archived": None if hit.kind == "event" else bool(hit.captured_at),
                "captured": hit.captured, "captured_at": hit.captured_at,
                "passages": [{"html": p.html, "link": p.link} for p in hit.passages],
            }
            for hit in results.hits
        ],
    }
