"""Facet counts from one pass over the matches, with each document's values read once per index.

Whoosh's own grouping asks a column reader for four keys per matching document, in Python,
on every search. Here every document's facet values are read into lists once, when the
shared searcher opens a generation, and a search only records the matching document numbers;
counting them is then a Counter over list lookups.
"""

from __future__ import annotations

from collections import Counter

from whoosh.collectors import WrappingCollector

__all__ = ["DocsCollector", "FacetValues"]


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

