"""Facet counts from the boolean array of matches, with each document's values read once per index.

Whoosh's own grouping asks a column reader for four keys per matching document, in Python,
on every search. Here every document's facet value is read once, when the shared searcher
opens a generation, and stored as a small integer code; counting the matches of a search is
then one numpy bincount per facet.
"""

from __future__ import annotations

import numpy as np

from .engine import IndexArrays

__all__ = ["FacetValues"]


class FacetValues:
    """Each facet field's values, as codes indexed by global document number, and their labels."""

    def __init__(self, arrays: IndexArrays, fields: dict[str, str]):
        self.codes: dict[str, np.ndarray] = {}
        self.labels: dict[str, list] = {}
        for name, field in fields.items():
            seen: dict = {}
            values = arrays.column_values(field)
            self.codes[name] = np.fromiter((seen.setdefault(v, len(seen)) for v in values),
                                           dtype=np.int64, count=len(values))
            self.labels[name] = list(seen)

    def counts(self, mask: np.ndarray) -> dict[str, list[tuple[str, int]]]:
        """Facet name -> [(value, count)] over the documents in `mask`, most frequent first;
        blanks are left out."""
        result = {}
        for name, codes in self.codes.items():
            labels = self.labels[name]
            counted = np.bincount(codes[mask], minlength=len(labels))
            pairs = [(str(labels[i]), int(counted[i])) for i in np.flatnonzero(counted)
                     if _present(labels[i])]
            result[name] = sorted(pairs, key=lambda kv: (-kv[1], kv[0]))
        return result


def _present(key) -> bool:
    # A document without a value (an event has no publisher, a source may have no date) has a
    # blank key, or for numbers the column's default (0 or 2**31 - 1).
    if isinstance(key, int):
        return 0 < key < 10_000
    return key not in (None, "", b"")
