"""Full-text search: the Whoosh schema, building the index, and answering queries.

The only module that imports Whoosh, so another engine could replace it.
"""

from __future__ import annotations

import os
import shutil
import time
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import highlight, index
from whoosh.analysis import CharsetFilter, StemmingAnalyzer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.qparser import AndGroup, MultifieldParser
from whoosh.qparser.plugins import FuzzyTermPlugin
from whoosh.support.charset import accent_map

from .errors import QueryError, SearchError

__all__ = ["Doc", "Hit", "Results", "build_index", "run_query"]

CURRENT = "current"
_analyzer = StemmingAnalyzer() | CharsetFilter(accent_map)
SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    kind=ID(stored=True),
    title=TEXT(stored=True, analyzer=_analyzer, field_boost=2.0),
    body=TEXT(stored=True, analyzer=_analyzer),
    publisher=TEXT(stored=True, analyzer=_analyzer),
    source_kind=ID(stored=True),
    year=NUMERIC(stored=True),
    date=STORED(),
    url=STORED(),
)


@dataclass(frozen=True)
class Doc:
    """One searchable document: an event, or the latest capture of a source."""

    id: str
    kind: str
    title: str
    body: str
    url: str
    date: str = ""
    year: int | None = None
    publisher: str = ""
    source_kind: str = ""


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    kind: str
    date: str
    publisher: str
    snippet: str  # HTML: escaped text with <mark> around the matched terms


@dataclass
class Results:
    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    seconds: float = 0.0


def build_index(index_dir: Path, docs: Iterable[Doc]) -> int:
    """Write a fresh index next to the live one, then switch to it atomically.

    A reader holding the old generation keeps answering from it; the next open sees the new.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    generation = index_dir / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    generation.mkdir()
    ix = index.create_in(str(generation), SCHEMA)
    count = 0
    with ix.writer() as writer:
        for doc in docs:
            writer.add_document(
                id=doc.id, kind=doc.kind, title=doc.title, body=doc.body, publisher=doc.publisher,
                source_kind=doc.source_kind, year=doc.year, date=doc.date, url=doc.url,
            )
            count += 1
    link = index_dir / f".{CURRENT}-{uuid.uuid4().hex[:8]}"
    link.symlink_to(generation.name)
    old = os.readlink(index_dir / CURRENT) if (index_dir / CURRENT).is_symlink() else None
    os.replace(link, index_dir / CURRENT)
    for stale in index_dir.glob("gen-*"):
        if stale.name not in (generation.name, old):
            shutil.rmtree(stale, ignore_errors=True)
    return count


def open_index(index_dir: Path) -> index.Index:
    current = index_dir / CURRENT
    try:
        return index.open_dir(str(current.resolve()))
    except (OSError, index.EmptyIndexError) as e:
        raise SearchError(
            f"{index_dir}: no search index; build the site first (make html)"
        ) from e


def _clean(q: str, max_length: int) -> str:
    if len(q) > max_length:
        raise QueryError(f"The query is {len(q)} characters long; the limit is {max_length}.")
    cleaned = "".join(" " if unicodedata.category(c).startswith("C") else c for c in q).strip()
    if not cleaned:
        raise QueryError("Type one or more words to search for.")
    return cleaned


def run_query(index_dir: Path, q: str, limit: int = 20, max_length: int = 500) -> Results:
    """Search events and archived sources; all words must match (AND).

    >>> run_query(Path("var/search-index"), '"Isle of Wight"').total
    """
    started = time.perf_counter()
    text = _clean(q, max_length)
    ix = open_index(index_dir)
    parser = MultifieldParser(["title", "body", "publisher"], ix.schema, group=AndGroup)
    parser.add_plugin(FuzzyTermPlugin())
    query = parser.parse(text)
    with ix.searcher() as searcher:
        found = searcher.search(query, limit=limit, terms=True)
        found.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
        found.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
        hits = [
            Hit(
                title=r["title"], url=r["url"], kind=r["kind"], date=r.get("date", ""),
                publisher=r.get("publisher", ""),
                snippet=r.highlights("body", top=2) or highlight.htmlescape(r["body"][:240]),
            )
            for r in found
        ]
        return Results(query=q, total=len(found), hits=hits, seconds=time.perf_counter() - started)
