"""Full-text search: the one entry point the site, the server and the CLI use.

Whoosh is imported only by the modules named search*: search_index (schema, incremental
build), search_analysis and search_positions (what is indexed, and how positions are stored),
search_query (parsing and refusals), search_engine (evaluating a query over the postings) and
this one, so another engine could replace them without touching the rest of the code.
search_phrase, search_facets and search_highlight work on arrays and text.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import index
from whoosh import query as wq

from ..archive.store import capture_day
from ..config import Config
from ..errors import QueryError, SearchError
from .engine import IndexArrays
from .facets import FacetValues
from .highlight import Passage, mark, matches, passages
from .index import CURRENT, IndexReport, update_index
from .query import make_parser, parse, prepare, suggest

logger = logging.getLogger(__name__)

__all__ = ["FACETS", "Hit", "Results", "SearchRequest", "Searcher", "index_site", "run_query"]

# Facet name -> (index field, how to filter on one value).
FACETS = {
    "type": ("type", lambda v: wq.Term("type", v)),
    "source_kind": ("source_kind", lambda v: wq.Term("source_kind", v)),
    "publisher": ("publisher_facet", lambda v: wq.Term("publisher_facet", v)),
    "year": ("year", lambda v: wq.NumericRange("year", int(v), int(v))),
}
SORTS = ("relevance", "date", "newest")  # newest: by date, latest first
TEXT_FIELDS = {"title", "body", "actors", "publisher", "meta"}
NUMERIC = ("day", "year")  # read into arrays: date ranges and sorting


@dataclass(frozen=True)
class SearchRequest:
    """What a search asks for; filters narrow by facet values, e.g. (("year", "2012"),)."""

    q: str
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    filters: tuple[tuple[str, str], ...] = ()
    all_captures: bool = False


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


class Searcher:
    """One Whoosh searcher shared by every thread, reopened only when `current` changes.

    A searcher per thread cost about 1 GB each at 10,000 sources, so there is one, with the
    arrays that search_engine evaluates queries on. Searches run under a lock (numpy and
    Whoosh's shared reader caches); reading text.txt and marking passages run outside it.
    """

    def __init__(self, index_dir: Path, archive: Path, max_length: int = 500):
        self.index_dir = index_dir
        self.archive = archive
        self.max_length = max_length
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._searcher = None
        self._arrays: IndexArrays | None = None
        self._facets: FacetValues | None = None
        self._parser = make_parser()

    def _current(self):
        """The searcher, arrays and facet values of the live generation, reopened if it changed."""
        try:
            generation = os.readlink(self.index_dir / CURRENT)
        except OSError:
            raise SearchError(f"{self.index_dir}: no search index; build it with `sim-archive index`"
                              " (or make html)") from None
        if generation != self._generation:
            try:
                fresh = index.open_dir(str(self.index_dir / generation)).searcher()
                arrays = IndexArrays(fresh, NUMERIC)
                facets = FacetValues(arrays, {name: f for name, (f, _m) in FACETS.items()})
            except Exception as e:  # noqa: BLE001 - damaged files fail in many ways (struct, pickle,
                # zlib, Whoosh's own IndexError); each means the same: this index cannot be read.
                raise SearchError(f"{self.index_dir / generation}: cannot open the index ({e}); "
                                  "rebuild it with `sim-archive index --rebuild`") from e
            self._arrays, self._facets = arrays, facets
            old, self._searcher, self._generation = self._searcher, fresh, generation
            if old is not None:
                old.close()  # no other thread can be using it: every use holds the lock
            logger.info("simarchive: search index generation %s opened", generation)
        return self._searcher, self._arrays, self._facets

    def close(self) -> None:
        """Release the index files (the server keeps its searcher for its whole life)."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher, self._generation = None, None

    def search(self, request: SearchRequest) -> Results:
        """Run one search: hits for the page asked, facet counts, and passages."""
        started = time.perf_counter()
        text = prepare(request.q, self.max_length)
        query = parse(self._parser, text)
        filters = _filter(request)
        if request.sort not in SORTS:
            raise QueryError(f'"{request.sort}" is not a way to sort; use one of {", ".join(SORTS)}.')
        with self._lock:
            searcher, arrays, facet_values = self._current()
            found = arrays.evaluate(query)
            allowed = found.mask
            if filters is not None:
                allowed &= arrays.evaluate(filters).mask
            if not request.all_captures:
                allowed &= ~arrays.evaluate(wq.Term("type", "capture")).mask
            docs = _order(np.flatnonzero(allowed), found.score, arrays, request.sort)
            start = (max(1, request.page) - 1) * request.per_page
            stored = [searcher.stored_fields(int(d)) for d in docs[start:start + request.per_page]]
            total = len(docs)
            facets = facet_values.counts(allowed)
            terms = _terms(query, searcher)
            suggestion = suggest(searcher, text) if total < 5 else None
        hits = [self._hit(fields, terms) for fields in stored]
        return Results(request, total, hits, facets, pages=(total + request.per_page - 1) // request.per_page,
                       suggestion=suggestion, seconds=time.perf_counter() - started)

    def _hit(self, fields: dict, terms: frozenset[str]) -> Hit:
        text = fields.get("plain") or ""
        if fields.get("text_path"):
            try:
                text = (self.archive / fields["text_path"]).read_text(encoding="utf-8", errors="replace")
            except OSError as e:
                logger.warning("simarchive: %s: cannot read for highlighting (%s)", fields["text_path"], e)
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
        if name not in FACETS:
            raise QueryError(f'"{name}" is not a facet; use one of {", ".join(FACETS)}.')
        if name == "year" and not value.isdigit():
            raise QueryError(f'year={value!r} is not a year; use four digits, e.g. year=2016.')
        parts.append(FACETS[name][1](value))
    return wq.And(parts) if parts else None


def _order(docs: np.ndarray, score: np.ndarray, arrays: IndexArrays, sort: str) -> np.ndarray:
    """The matching documents in the order asked; ties keep index order, so pages are stable."""
    if sort == "relevance":
        key = -score[docs]
    else:
        day = arrays.columns["day"][docs]
        key = -day if sort == "newest" else day
    return docs[np.lexsort((docs, key))]


def _terms(query: wq.Query, searcher) -> frozenset[str]:
    """The indexed terms the query matched, fuzzy and wildcard words expanded (at most 200).

    Expanded per segment: a segment reader finds fuzzy terms with its automaton in
    milliseconds, where the merged reader compares every term (0.9 s at 1,000 sources).
    Not Query.existing_terms either: in Whoosh 2.7.5 its loop variable shadows its
    `fieldname` argument, so it skips every leaf after the first one's field.
    """
    found: set[str] = set()
    readers = [sub.reader() for sub, _offset in searcher.leaf_searchers()]
    for leaf in query.leaves():
        if leaf.field() not in TEXT_FIELDS:
            continue
        for reader in readers:
            for fieldname, text in leaf.expanded_terms(reader, phrases=True):
                btext = text if isinstance(text, bytes) else text.encode("utf-8")
                if (fieldname, btext) in reader:
                    found.add(btext.decode("utf-8"))
                if len(found) >= 200:
                    return frozenset(found)
    return frozenset(found)


def index_site(config: Config, *, rebuild: bool = False) -> IndexReport:
    """The core of `sim-archive index` and of the build's `finalized` step."""
    from ..content.site import load_site
    from .documents import site_documents

    site = load_site(config)
    return update_index(config.index, site_documents(site, config), config.archive, rebuild=rebuild)


def run_query(config: Config, request: SearchRequest) -> Results:
    """One search without a server (the CLI): opens the index, answers, closes."""
    searcher = Searcher(config.index, config.archive, config.max_query)
    try:
        return searcher.search(request)
    finally:
        searcher.close()
