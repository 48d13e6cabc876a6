"""Search requests from URL parameters, and results as the JSON the API and the CLI print.

No Whoosh here: this is the engine-neutral edge shared by web.py and cli.py.
"""

from __future__ import annotations

from urllib.parse import urlencode

from ..errors import QueryError
from .searcher import FACETS, SORTS, Results, SearchRequest

__all__ = ["MAX_PER_PAGE", "request_from_params", "results_json", "search_url"]

MAX_PER_PAGE = 50


def _number(params: dict[str, list[str]], name: str, default: int, high: int) -> int:
    raw = params.get(name, [str(default)])[0].strip() or str(default)
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise QueryError(f"{name}={raw[:20]!r} is not a whole number from 1 to {high}.")
    return int(raw)


def request_from_params(params: dict[str, list[str]]) -> SearchRequest:
    """A SearchRequest from parse_qs() output; bad values raise QueryError with a reason."""
    sort = params.get("sort", ["relevance"])[0] or "relevance"
    if sort not in SORTS:
        raise QueryError(f"sort={sort[:20]!r} is not a way to sort; use one of {', '.join(SORTS)}.")
    filters = tuple((name, value) for name in FACETS for value in params.get(name, []) if value)
    return SearchRequest(
        q=params.get("q", [""])[0],
        page=_number(params, "page", 1, 10_000),
        per_page=_number(params, "per_page", 10, MAX_PER_PAGE),
        sort=sort,
        filters=filters,
        all_captures=params.get("captures", [""])[0] == "all",
    )


def search_url(request: SearchRequest, path: str = "/search", **changes) -> str:
    """The address of the same search with some parameters changed (None removes one)."""
    params: dict[str, object] = {"q": request.q}
    params.update(dict(request.filters))
    if request.sort != "relevance":
        params["sort"] = request.sort
    if request.all_captures:
        params["captures"] = "all"
    if request.per_page != 10:
        params["per_page"] = request.per_page
    params.update(changes)
    return path + "?" + urlencode({k: v for k, v in params.items() if v not in (None, "", 1)
                                   or k == "q"})


def results_json(results: Results) -> dict:
    """The /api/search body; its fields are documented in README.md."""
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
        "suggestion": results.suggestion,
        "facets": {name: [{"value": v, "count": c} for v, c in counts]
                   for name, counts in results.facets.items()},
        "hits": [
            {
                "id": hit.id, "kind": hit.kind, "title": hit.title, "title_html": hit.title_html,
                "url": hit.url, "source_kind": hit.source_kind, "publisher": hit.publisher,
                "date": hit.date, "year": hit.year, "captured": hit.captured,
                "captured_at": hit.captured_at,
                "passages": [{"html": p.html, "link": p.link} for p in hit.passages],
            }
            for hit in results.hits
        ],
    }
