"""Word positions stored as plain arrays, so that a phrase search can decode every position of
a word across thousands of documents in a few numpy operations.

Whoosh's own Positions format pickles a list of gaps per posting: decoding it is one pickle load
and one Python loop per document, which is what made a phrase of two common words take half a
second at 10,000 sources. A posting's value here is the word's positions in the document as
little-endian uint16, or, when the document is longer than 65,534 words, a marker (four 0xFF
bytes, which no uint16 position can start with) and uint32 positions.
"""

from __future__ import annotations

import sys
from array import array
from itertools import chain

import numpy as np
from whoosh.formats import Positions

from .analysis import ANALYZER, index_positions

__all__ = ["ArrayPositions", "positions_array"]

_SWAP = sys.byteorder == "big"
_NARROW = 0xFFFF  # positions below it fit in uint16 and cannot look like the marker
_WIDE = b"\xff\xff\xff\xff"


def _array(code: str, items) -> bytes:
    packed = array(code, items)
    if _SWAP:
        packed.byteswap()
    return packed.tobytes()


class ArrayPositions(Positions):
    """Whoosh's Positions format with the positions stored as an array instead of a pickle,
    and words from ANALYZER read by its fast equivalent."""

    def word_values(self, value, analyzer, **kwargs):
        if analyzer is not ANALYZER:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for term, positions in index_positions(value).items():
            yield term, len(positions), len(positions) * boost, self.encode(positions)

    def encode(self, poslist):
        if poslist[-1] < _NARROW:
            return _array("H", poslist)
        return _WIDE + _array("I", poslist)

    def decode_positions(self, valuestring):
        wide = valuestring[:4] == _WIDE
        positions = array("I" if wide else "H", valuestring[4:] if wide else valuestring)
        if _SWAP:
            positions.byteswap()
        return positions.tolist()

    def decode_frequency(self, valuestring):
        return (len(valuestring) - 4) // 4 if valuestring[:4] == _WIDE else len(valuestring) // 2


def positions_array(counts: np.ndarray, values: list[bytes]) -> np.ndarray:
    """The positions in the postings `values`, holding `counts` positions each, one after the
    other: all decoded at once when every value is narrow."""
    if not values:
        return np.zeros(0, dtype=np.int64)
    sizes = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    if np.array_equal(sizes, 2 * counts):
        return np.frombuffer(b"".join(values), dtype="<u2")
    # a very long document among them
    return np.fromiter(chain.from_iterable(ArrayPositions().decode_positions(v) for v in values), dtype=np.int64)
