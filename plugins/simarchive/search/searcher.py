"""Full-text search with Whoosh: the one entry point the site build, the server and the CLI use.

`index_site(config)` builds or updates the index; `Searcher.search(request)` answers a
SearchRequest with Results (search/api.py). Only this package imports Whoosh, so another
engine could take its place behind these two calls.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from whoosh import index, sorting
from whoosh import query as wq
from whoosh.collectors import TimeLimitCollector
from whoosh.searching import TimeLimit

from ..archive.store import capture_day
from ..config import Config
from ..errors import QueryError, SearchError
from .api import FACETS, SORTS, Hit, Results, SearchRequest
from .highlight import mark, matches, passages
from .index import CURRENT, IndexReport, update_index
from .query import complete_last_word, expand, make_parser, parse, prepare
from .suggest import suggest

logger = logging.getLogger(__name__)

__all__ = ["Hit", "Results", "SearchRequest", "Searcher", "index_site", "run_query"]

# Facet name -> the sortable index field its values are counted from.
FACET_FIELDS = {"type": "type", "source_kind": "source_kind", "publisher": "publisher_facet", "year": "year"}
assert tuple(FACET_FIELDS) == FACETS
# Relevance puts the record first: events and archived text (tier 0) before sources known only
# by their registry entry (tier 1), each by BM25F score. Ties keep index order, so pages are stable.
ORDERS = {
    "relevance": [sorting.FieldFacet("tier"), sorting.ScoreFacet()],
    "date": sorting.FieldFacet("day"),
    "newest": sorting.FieldFacet("day", reverse=True),
}
assert tuple(ORDERS) == tuple(SORTS)
TEXT_FIELDS = {"title", "body", "fulltext", "actors", "publisher", "meta"}
SUGGEST_BELOW = 5  # "did you mean" only for searches with fewer hits than this


class Searcher:
    """Searches the live generation of the index; safe to share between threads.

    The index is opened once per generation, and again when a build switches `current`; each
    search opens a Whoosh searcher of its own on it (a reader keeps file positions, so it is never
    shared between threads; opening one reads only the segment list).
    """

    def __init__(self, index_dir: Path, archive: Path, max_length: int = Config.max_query,
                 seconds: float = Config.search_seconds):
        self.index_dir = index_dir
        self.archive = archive
        self.max_length = max_length
        self.seconds = seconds
        self._lock = threading.Lock()
        self._live: tuple[str, index.Index] | None = None  # the generation's name, and its index
        self._parser = make_parser()

    def _index(self) -> index.Index:
        """The index of the live generation, opened anew if a build switched it."""
        try:
            generation = os.readlink(self.index_dir / CURRENT)
        except OSError:
            raise SearchError(f"{self.index_dir}: no search index; build it with `sim-archive index`"
                              " (or make html)") from None
        with self._lock:
            if self._live is None or self._live[0] != generation:
                try:
                    self._live = (generation, index.open_dir(str(self.index_dir / generation)))
                except Exception as e:  # damaged files fail in many ways (struct, pickle, zlib,
                    # Whoosh's own errors); each means the same: this index cannot be read.
                    raise SearchError(f"{self.index_dir / generation}: cannot open the index ({e}); "
                                      "rebuild it with `sim-archive index --rebuild`") from e
                logger.info("simarchive: search index generation %s opened", generation)
            return self._live[1]

    def close(self) -> None:
        """Forget the open index (its files are held only while a search runs)."""
        with self._lock:
            self._live = None

    def search(self, request: SearchRequest) -> Results:
        """Run one search: the hits of the page asked, facet counts, a suggestion and passages.
        A query that would take longer than `seconds` is refused with a QueryError."""
        started = time.perf_counter()
        deadline = time.monotonic() + self.seconds
        text = prepare(request.q, self.max_length)
        completed = None
        if request.partial and request.q == request.q.rstrip():  # a space after it: the word is whole
            text, completed = complete_last_word(text)
        try:
            results = self._search(request, text, completed, deadline)
        except QueryError:
            if completed is None:
                raise
            results = self._search(request, prepare(request.q, self.max_length), None, deadline)  # as typed
        results.seconds = time.perf_counter() - started
        return results

    def _search(self, request: SearchRequest, text: str, completed: str | None, deadline: float) -> Results:
        query = parse(self._parser, text)
        if request.sort not in SORTS:
            raise QueryError(f'"{request.sort}" is not a way to sort; use one of {", ".join(SORTS)}.')
        narrow = _filter(request)
        if narrow is not None:
            query = wq.And([query, narrow])
        mask = None if request.all_captures else wq.Term("type", "capture")
        if mask is not None:
            query = wq.AndNot(query, mask)
        with self._index().searcher() as searcher:
            try:
                query = expand(searcher, query, deadline)
                # Filters are part of the query, not the collector's filter=: Whoosh's FilterCollector
                # and TimeLimitCollector each run the collecting loop, and only the outer one would.
                collector = TimeLimitCollector(
                    searcher.collector(limit=request.page * request.per_page, sortedby=ORDERS[request.sort],
                                       groupedby={name: sorting.FieldFacet(f) for name, f in FACET_FIELDS.items()},
                                       maptype=sorting.Count),
                    timelimit=max(0.001, deadline - time.monotonic()),
                    use_alarm=False)  # an alarm signal works in the main thread only
                searcher.search_with_collector(query, collector)
            except TimeLimit:
                raise QueryError(f"The search took longer than {self.seconds:g} s, the limit; narrow it "
                                 "with more words, a phrase or a filter (kind:, year:, publisher:).") from None
            found = collector.results()
            total = len(found)
            start = (request.page - 1) * request.per_page
            page = [hit.fields() for hit in found[start:start + request.per_page]]
            terms = _terms(query)
            facets = {name: _counts(found.groups(name)) for name in FACET_FIELDS}
            suggestion = None
            if total < SUGGEST_BELOW and completed is None:
                suggestion = suggest(searcher, self._parser, text, mask, deadline)
        hits = [self._hit(fields, terms) for fields in page]
        return Results(request, total, hits, facets, pages=(total + request.per_page - 1) // request.per_page,
                       suggestion=suggestion, completed=completed)

    def _text(self, relative: str) -> str:
        try:
            return (self.archive / relative).read_text(encoding="utf-8", errors="replace")
        except OSError as e:
            logger.warning("simarchive: %s: cannot read for highlighting (%s)", relative, e)
            return ""

    def _hit(self, fields: dict, terms: frozenset[str]) -> Hit:
        text = self._text(fields["text_path"]) if fields.get("text_path") else fields.get("plain") or ""
        if fields.get("fulltext_path") and not matches(text, terms):
            # the words are in the page's full text only (its lists, captions, sidebars): show them there
            text = self._text(fields["fulltext_path"]) or text
        title = fields["title"]
        return Hit(
            id=fields["id"], kind=fields["type"], title=title,
            title_html=mark(title, matches(title, terms)), url=fields["url"],
            source_kind=fields.get("source_kind", ""), publisher=fields.get("publisher", ""),
            date=fields.get("date", ""), year=fields.get("year"),
            captured=capture_day(fields["captured"]) if fields.get("captured") else "",
            captured_at=fields.get("captured", ""),
            passages=passages(text, terms, fields.get("text_url") or fields["url"]),
        )


def _filter(request: SearchRequest) -> wq.Query | None:
    parts = []
    for name, value in request.filters:
        if name not in FACET_FIELDS:
            raise QueryError(f'"{name}" is not a facet; use one of {", ".join(FACET_FIELDS)}.')
        if name == "year":
            if not (value.isascii() and value.isdigit() and len(value) == 4):
                raise QueryError(f"year={value[:20]!r} is not a year; use four digits, e.g. year=2016.")
            parts.append(wq.NumericRange("year", int(value), int(value)))
        else:
            parts.append(wq.Term(FACET_FIELDS[name], value))
    return wq.And(parts) if parts else None


def _terms(query: wq.Query) -> frozenset[str]:
    """The words of the text fields an expanded query searches for, to mark in passages (each
    hit's text is read and its words checked, so a word a hit lacks is simply not marked)."""
    return frozenset(text.decode("utf-8") if isinstance(text, bytes) else text
                     for field, text in query.iter_all_terms() if field in TEXT_FIELDS)


def _counts(groups: dict) -> list[tuple[str, int]]:
    """Facet values with their counts, most frequent first; blanks are left out (an event has no
    publisher; a source without a date has the column's default year)."""
    pairs = [(str(value), count) for value, count in groups.items()
             if value not in (None, "", b"") and not (isinstance(value, int) and not 0 < value < 10_000)]
    return sorted(pairs, key=lambda kv: (-kv[1], kv[0]))


def index_site(config: Config, *, rebuild: bool = False) -> IndexReport:
    """The core of `sim-archive index` and of the build's `finalized` step."""
    from ..content.site import load_site
    from .documents import site_documents

    site = load_site(config)
    return update_index(config.index, site_documents(site, config), config.archive, rebuild=rebuild)


def run_query(config: Config, request: SearchRequest) -> Results:
    """One search without a server (the CLI): opens the index, answers, closes."""
    searcher = Searcher(config.index, config.archive, config.max_query, config.search_seconds)
    try:
        return searcher.search(request)
    finally:
        searcher.close()
