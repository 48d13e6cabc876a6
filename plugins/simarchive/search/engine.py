"""Every match of a query at once: numpy arrays over Whoosh's postings.

Whoosh scores one document at a time, in Python: about 10 µs a match, so a word found in all
10,000 sources costs 100 ms before anything is shown, and the total and the facet counts
need every match. Here a query is evaluated the way column stores do it: each term's postings
are read a block at a time into arrays, BM25F (Whoosh's formula, statistics and boosts) is
computed for all of them in one numpy expression, and And, Or and Not become operations on one
boolean slot per document. The total, the facet counts, the order and the page all come from
those arrays. Whoosh still parses the query, stores the index and reads its blocks; a query
type not handled here runs through Whoosh's own matcher, document by document, with the same
result.

The block reader uses attributes of Whoosh's W3 posting reader (whoosh-reloaded 2.7): they are
private, so tests/test_search_engine.py compares every kind of query with Whoosh's own results.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.query.positional import Phrase

from .phrase import phrase_counts

__all__ = ["IndexArrays", "Matches"]

K1, B = 1.2, 0.75  # Whoosh's BM25F defaults


@dataclass
class Matches:
    """Which documents match (one slot per document number) and their scores."""

    mask: np.ndarray
    score: np.ndarray


class IndexArrays:
    """One index generation as arrays: which documents are live, field lengths, numeric
    columns; built when the shared searcher opens a generation, reused by every search."""

    def __init__(self, searcher, numeric_fields: tuple[str, ...] = ()):
        self.searcher = searcher
        self.schema = searcher.schema
        self.n = searcher.doc_count_all()
        self.leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        self.live = np.zeros(self.n, dtype=bool)
        for reader, offset in self.leaves:
            self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64) + offset] = True
        self.columns = {name: np.array(self.column_values(name), dtype=np.int64) for name in numeric_fields}
        self._lengths: dict[str, np.ndarray] = {}

    def column_values(self, fieldname: str) -> list:
        """Every document's value in a sortable field, by global document number. (Read segment
        by segment: Whoosh's merged column reader loses documents when there are several.)"""
        values: list = []
        for reader, _offset in self.leaves:
            values.extend(reader.column_reader(fieldname))
        return values

    # -- building blocks

    def none(self) -> Matches:
        return Matches(np.zeros(self.n, dtype=bool), np.zeros(self.n))

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length in the field, as Whoosh's scorer sees it (one byte, decoded)."""
        if fieldname not in self._lengths:
            out = np.zeros(self.n)
            for reader, offset in self.leaves:
                count = reader.doc_count_all()
                out[offset:offset + count] = [reader.doc_field_length(d, fieldname, 0) or 0 for d in range(count)]
            self._lengths[fieldname] = out
        return self._lengths[fieldname]

    def postings(self, reader, fieldname: str, btext: bytes, values: bool = False):
        """(document numbers, weights[, values]) of one term in one segment, deleted ones included."""
        matcher = reader.postings(fieldname, btext)
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child  # deletions: masked by `live` instead
        ids, weights, vals = array("q"), array("f"), []
        if type(matcher) is W3LeafMatcher:
            while matcher.is_active():  # a block (up to 128 postings) at a time
                matcher._read_ids()
                matcher._read_weights()
                ids.extend(matcher._ids)
                weights.extend(matcher._weights)
                if values:
                    matcher._read_values()
                    vals.extend(matcher._values)
                matcher._next_block()
        else:  # short lists are inlined in the term dictionary: read them one by one
            while matcher.is_active():
                ids.append(matcher.id())
                weights.append(matcher.weight())
                if values:
                    vals.append(matcher.value())
                matcher.next()
        return np.frombuffer(ids, dtype=np.int64), np.frombuffer(weights, dtype=np.float32).astype(float), vals

    def bm25(self, fieldname: str, btext: bytes, docs: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Whoosh's BM25F score of a term for the given documents (global numbers)."""
        if not self.schema[fieldname].scorable:
            return weights
        idf = self.searcher.idf(fieldname, btext)
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        lengths = self.lengths(fieldname)[docs]
        return idf * (weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl))

    # -- queries

    def evaluate(self, q: wq.Query) -> Matches:
        """Every live document the query matches, with its score."""
        found = self._eval(q)
        found.mask &= self.live
        found.score[~found.mask] = 0.0
        return found

    def _eval(self, q: wq.Query) -> Matches:
        handler = _HANDLERS.get(type(q))
        if handler is None:
            for kind, candidate in _HANDLERS.items():
                if isinstance(q, kind) and kind not in _EXACT_ONLY:
                    handler = candidate
                    break
        return handler(self, q) if handler else self._whoosh(q)

    def term(self, fieldname: str, btext: bytes, boost: float = 1.0) -> Matches:
        found = self.none()
        for reader, offset in self.leaves:
            if (fieldname, btext) not in reader:
                continue
            ids, weights, _ = self.postings(reader, fieldname, btext)
            docs = ids + offset
            found.mask[docs] = True
            found.score[docs] += self.bm25(fieldname, btext, docs, weights) * boost
        return found

    def _term(self, q: wq.Term) -> Matches:
        fieldname = q.fieldname
        if fieldname not in self.schema:
            return self.none()
        try:
            btext = self.schema[fieldname].to_bytes(q.text)
        except ValueError:
            return self.none()
        return self.term(fieldname, btext, q.boost)

    def _multi(self, q: wq.MultiTerm) -> Matches:
        """Prefix, wildcard and fuzzy terms: the union of the words they expand to, segment by
        segment (a segment reader finds fuzzy words with an automaton; the merged reader would
        compare every word)."""
        found = self.none()
        fieldname = q.field()
        for reader, offset in self.leaves:
            for _f, btext in q.expanded_terms(reader):
                ids, weights, _ = self.postings(reader, fieldname, btext)
                docs = ids + offset
                found.mask[docs] = True
                # Whoosh scores every expanded word, `constantscore` notwithstanding (its Term
                # matchers fall back to the searcher's weighting).
                found.score[docs] += self.bm25(fieldname, btext, docs, weights) * q.boost
        return found

    def _and(self, q: wq.And) -> Matches:
        found = Matches(np.ones(self.n, dtype=bool), np.zeros(self.n))
        for sub in q.subqueries:
            part = self._eval(sub)
            found.mask &= part.mask
            found.score += part.score
        return found

    def _or(self, q: wq.Or) -> Matches:
        found = self.none()
        for sub in q.subqueries:
            part = self._eval(sub)
            found.mask |= part.mask
            found.score += part.score
        return found

    def _not(self, q: wq.Not) -> Matches:
        outside = ~self._eval(q.query).mask
        return Matches(outside, outside * float(q.boost))  # Whoosh's inverse matcher scores its boost

    def _binary(self, q: wq.BinaryQuery) -> Matches:
        a, b = self._eval(q.a), self._eval(q.b)
        if isinstance(q, wq.AndNot):
            return Matches(a.mask & ~b.mask, a.score)
        if isinstance(q, wq.AndMaybe):
            return Matches(a.mask, a.score + b.score * a.mask)
        if isinstance(q, wq.Require):
            return Matches(a.mask & b.mask, a.score)
        if isinstance(q, wq.Otherwise):
            return a if a.mask[self.live].any() else b
        return self._whoosh(q)

    def _range(self, q: wq.NumericRange) -> Matches:
        column = self.columns.get(q.fieldname)
        if column is None:
            return self._whoosh(q)
        mask = np.ones(self.n, dtype=bool)
        if q.start is not None:
            mask &= column > q.start if q.startexcl else column >= q.start
        if q.end is not None:
            mask &= column < q.end if q.endexcl else column <= q.end
        return Matches(mask, mask * float(q.boost))

    def _every(self, q: wq.Every) -> Matches:
        return Matches(self.live.copy(), self.live * float(q.boost))

    def _null(self, _q) -> Matches:
        return self.none()

    def _phrase(self, q: Phrase) -> Matches:
        """An exact phrase (slop 1): documents where word k sits at position p + k for every k
        (search_phrase); scored like its words, counting only the phrase's occurrences."""
        if q.slop != 1:
            return self._whoosh(q)
        fieldname = q.fieldname
        if fieldname not in self.schema:
            return self.none()
        field = self.schema[fieldname]
        try:
            btexts = [field.to_bytes(w) for w in q.words]
        except ValueError:
            return self.none()
        if not btexts:
            return self.none()
        found = self.none()
        fb = field.format.field_boost  # a posting's weight is its number of positions times this
        for reader, offset in self.leaves:
            if not all((fieldname, b) in reader for b in btexts):
                continue
            postings = [self.postings(reader, fieldname, b, values=True) for b in btexts]
            counts = phrase_counts([(ids, np.rint(weights / fb).astype(np.int64), values)
                                    for ids, weights, values in postings])
            if counts is None:
                continue
            docs, tf = counts
            docs = docs + offset
            found.mask[docs] = True
            for btext in btexts:
                found.score[docs] += self.bm25(fieldname, btext, docs, tf * fb) * q.boost
        return found

    def _whoosh(self, q: wq.Query) -> Matches:
        """Anything else: Whoosh's own matcher, one document at a time."""
        found = self.none()
        for sub, offset in self.searcher.leaf_searchers():
            matcher = q.matcher(sub)
            while matcher.is_active():
                doc = matcher.id() + offset
                found.mask[doc] = True
                found.score[doc] += matcher.score()
                matcher.next()
        return found


_HANDLERS = {
    wq.Term: IndexArrays._term,
    wq.And: IndexArrays._and,
    wq.Or: IndexArrays._or,
    wq.Not: IndexArrays._not,
    wq.AndNot: IndexArrays._binary,
    wq.AndMaybe: IndexArrays._binary,
    wq.Require: IndexArrays._binary,
    wq.Otherwise: IndexArrays._binary,
    wq.NumericRange: IndexArrays._range,
    wq.Every: IndexArrays._every,
    type(wq.NullQuery): IndexArrays._null,
    Phrase: IndexArrays._phrase,
    wq.MultiTerm: IndexArrays._multi,
}
# Matched by exact type only: their subclasses score differently (DisjunctionMax is an Or that
# takes the maximum, for example), so those go to Whoosh's matcher.
_EXACT_ONLY = {wq.Term, wq.And, wq.Or, wq.Not, wq.NumericRange, wq.Every}
