"""Word positions stored as arrays of gaps, so that a phrase search can decode every position
of a word across thousands of documents in a few numpy operations.

Whoosh's own Positions format pickles a list of gaps per posting: decoding it is one pickle load
and one Python loop per document, which is what made a phrase of two common words take half a
second at 10,000 sources. A posting's value here is Whoosh's 4-byte count (big-endian, read by
Whoosh's `decode_frequency`) followed by the gaps as little-endian uint16, or uint32 when one
gap does not fit in 16 bits (a word seen again more than 65,535 words later).
"""

from __future__ import annotations

import sys
from array import array
from itertools import accumulate

import numpy as np
from whoosh.formats import _INT_SIZE, Positions
from whoosh.system import pack_uint, unpack_uint

from .search_analysis import ANALYZER, index_positions

__all__ = ["ArrayPositions", "positions_array"]

_SWAP = sys.byteorder == "big"
_NARROW = 1 << 16


def _gaps(data: bytes, count: int) -> array:
    gaps = array("H" if len(data) == 2 * count else "I", data)
    if _SWAP:
        gaps.byteswap()
    return gaps


class ArrayPositions(Positions):
    """Whoosh's Positions format with the gaps stored as an array instead of a pickle, and
    words from ANALYZER read by its fast equivalent."""

    def word_values(self, value, analyzer, **kwargs):
        if analyzer is not ANALYZER:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for term, positions in index_positions(value).items():
            yield term, len(positions), len(positions) * boost, self.encode(positions)

    def encode(self, poslist):
        gaps = [b - a for a, b in zip([0, *poslist[:-1]], poslist)]
        packed = array("H" if max(gaps) < _NARROW else "I", gaps)
        if _SWAP:
            packed.byteswap()
        return pack_uint(len(gaps)) + packed.tobytes()

    def decode_positions(self, valuestring):
        count = unpack_uint(valuestring[:_INT_SIZE])[0]
        return list(accumulate(_gaps(valuestring[_INT_SIZE:], count)))


def positions_array(docs: np.ndarray, values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(document of each position, position) for postings `values` of documents `docs`,
    all decoded at once: the values are joined, their count headers dropped, and the gaps
    summed with a restart at each document."""
    if not values:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    counts = np.frombuffer(b"".join([v[:_INT_SIZE] for v in values]), dtype=">u4").astype(np.int64)
    sizes = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    if np.array_equal(sizes, 2 * counts + _INT_SIZE):  # all narrow: one buffer of uint16
        flat = np.frombuffer(b"".join(values), dtype="<u2")
        header = np.zeros(len(flat), dtype=bool)
        starts = np.cumsum(sizes // 2) - sizes // 2
        header[starts] = header[starts + 1] = True
        gaps = flat[~header].astype(np.int64)
    else:  # a very long document somewhere: one array per value
        gaps = np.concatenate([np.frombuffer(v, dtype="<u2" if len(v) == 2 * n + _INT_SIZE else "<u4",
                                             offset=_INT_SIZE) for v, n in zip(values, counts.tolist())]
                              ).astype(np.int64)
    running = np.cumsum(gaps)
    first = np.cumsum(counts) - counts  # index of each document's first gap
    before = np.where(first > 0, running[first - 1], 0)
    return np.repeat(docs, counts), running - np.repeat(before, counts)
