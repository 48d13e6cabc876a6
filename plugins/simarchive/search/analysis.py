"""The analyzer, and the same analysis done fast for indexing.

ANALYZER is Whoosh's English stemming analyzer (stop words, stems) followed by accent folding
("Café" finds "cafe"); queries go through it as they are. Indexing calls it for every word of
every archived text, and its chain of five generators costs about 3 µs a word, most of the
time of a full index. `index_positions` gives the same terms and positions from one regex
scan and a cache of finished words (tests/test_search_analysis.py compares the two).
"""

from __future__ import annotations

import re

from whoosh.analysis import CharsetFilter, StemmingAnalyzer
from whoosh.support.charset import accent_map

__all__ = ["ANALYZER", "index_positions"]

ANALYZER = StemmingAnalyzer() | CharsetFilter(accent_map)

_tokenizer, _lower, _stop, _stem, _charset = ANALYZER.items
# The tokenizer's own pattern with its groups made non-capturing, so findall returns whole words.
_WORDS = re.compile(re.sub(r"(?<!\\)\((?!\?)", "(?:", _tokenizer.expression.pattern), _tokenizer.expression.flags)
_CACHE_LIMIT = 500_000
_cache: dict[str, str | None] = {}
_MISSING = object()


def _finish(word: str) -> str | None:
    """What the chain makes of one word: None for a stop word or one too short or too long."""
    text = word.lower()
    if len(text) < _stop.min or (_stop.max is not None and len(text) > _stop.max) or text in _stop.stops:
        return None
    if text not in _stem.ignore:
        text = _stem.stemfn(text)
    return text.translate(_charset.charmap)


def index_positions(value: str) -> dict[str, list[int]]:
    """Term -> positions, exactly as ANALYZER numbers them at index time (stop words dropped
    and the positions after them renumbered, as Whoosh's StopFilter does)."""
    if len(_cache) > _CACHE_LIMIT:
        _cache.clear()
    cache = _cache
    found: dict[str, list[int]] = {}
    pos = -1
    first = True
    for i, word in enumerate(_WORDS.findall(value)):
        term = cache.get(word, _MISSING)
        if term is _MISSING:
            term = cache[word] = _finish(word)
        if term is None:
            continue
        if first:
            pos, first = i, False
        else:
            pos += 1
        positions = found.get(term)
        if positions is None:
            found[term] = [pos]
        else:
            positions.append(pos)
    return found
