"""Facet counts from one pass over the matches, with each document's values read once per index.

Whoosh's own grouping asks a column reader for four keys per matching document, in Python,
on every search. Here every document's facet values are read into lists once, when the
shared searcher opens a generation, and a search only records the matching document numbers;
counting them is then a Counter over list lookups.
"""

from __future__ import annotations

from collections import Counter

from whoosh import query as wq
from whoosh.collectors import WrappingCollector
from whoosh.query.positional import Phrase

__all__ = ["DocsCollector", "FacetValues", "has_positions", "matching_docs"]


class DocsCollector(WrappingCollector):
    """Passes every match to the child (the top-N collector) and keeps its global number."""

    def __init__(self, child):
        super().__init__(child)
        self.docs: list[int] = []

    def collect(self, sub_docnum):
        self.docs.append(sub_docnum + self.child.offset)
        return self.child.collect(sub_docnum)


class FacetValues:
    """Each document's value for each facet field, indexed by global document number."""

    def __init__(self, reader, fields: dict[str, str]):
        self.values = {name: list(reader.column_reader(field)) for name, field in fields.items()}

    def counts(self, docs: list[int]) -> dict[str, list[tuple[str, int]]]:
        """Facet name -> [(value, count)], most frequent first; blanks are left out."""
        result = {}
        for name, values in self.values.items():
            counter = Counter(values[d] for d in docs)
            pairs = [(str(k), v) for k, v in counter.items() if _present(k)]
            result[name] = sorted(pairs, key=lambda kv: (-kv[1], kv[0]))
        return result


def _present(key) -> bool:
    # A document without a value (an event has no publisher, a source may have no date) has a
    # blank key, or for numbers the column's default (0 or 2**31 - 1).
    if isinstance(key, int):
        return 0 < key < 10_000
    return key not in (None, "", b"")


def matching_docs(query: wq.Query, searcher) -> set[int]:
    """The global numbers of every document the query matches, found without scoring.

    Terms read their posting lists per segment into sets; And, Or and Not become set
    operations; anything else (ranges, phrases) asks Whoosh for its documents.
    """
    if isinstance(query, wq.Term):
        return _term_docs(searcher, [(query.fieldname, query.text)])
    if isinstance(query, wq.MultiTerm):  # fuzzy, wildcard, prefix: their expansions
        return _term_docs(searcher, [(query.fieldname, t) for sub, _o in searcher.leaf_searchers()
                                     for t in query._btexts(sub.reader())])
    if isinstance(query, wq.And):
        parts = sorted((matching_docs(q, searcher) for q in query.subqueries), key=len)
        return set.intersection(*parts) if parts else set()
    if isinstance(query, wq.Or):
        return set().union(*(matching_docs(q, searcher) for q in query.subqueries))
    if isinstance(query, wq.AndNot):
        return matching_docs(query.a, searcher) - matching_docs(query.b, searcher)
    if isinstance(query, wq.Not):
        return set(searcher.reader().all_doc_ids()) - matching_docs(query.query, searcher)
    return set(searcher.docs_for_query(query))


def _term_docs(searcher, terms: list[tuple[str, object]]) -> set[int]:
    docs: set[int] = set()
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        for fieldname, text in terms:
            btext = searcher.schema[fieldname].to_bytes(text) if isinstance(text, str) else text
            if (fieldname, btext) in reader:
                docs.update(offset + d for d in reader.postings(fieldname, btext).all_ids())
    return docs


def has_positions(query: wq.Query) -> bool:
    """Whether the query holds a phrase (checked once per document, so counted in one pass)."""
    return any(isinstance(q, Phrase) for q in query.leaves()) or isinstance(query, Phrase)
