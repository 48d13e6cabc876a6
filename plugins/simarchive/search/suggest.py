""""Did you mean": a query's unknown words replaced by words of the record that find something.

Candidates for a word the index lacks come from the unstemmed words of names, titles and
events (the `spell` field): those within two edits of it, and those that sound the same (double
metaphone, the `sounds` field: "White" and "Wight" are four edits apart); never a stop word (the
analyzer drops them, so "with" would find nothing as typed). The candidate kept is the one with
which the whole query finds the most documents, halved for each edit it is away from the word
typed: "Isle of Wight" (20 hits, four edits) rather than "Isle of While" (one hit, one edit), and
"Wessex" (9 hits, one edit) rather than "Asks" (19, four). A suggestion always finds something.
"""

from __future__ import annotations

import re
import time

from whoosh import query as wq
from whoosh.lang.dmetaphone import double_metaphone
from whoosh.qparser import MultifieldParser
from whoosh.searching import Searcher
from whoosh.support.levenshtein import damerau_levenshtein

from ..errors import QueryError
from .index import ANALYZER, STOPS
from .query import OPERATORS, parse

__all__ = ["suggest"]

# Phrases, field filters, wildcards and fuzzy terms are left as typed; bare words may be fixed.
_SUGGESTABLE = re.compile(r'"[^"]*"|\S+:\S+|\S*[*?~]\S*|(?P<word>\b[^\W\d_]{3,}\b)')
TRIED = 5  # candidates tried in the query, per unknown word, closest first
# Each edit between the word typed and a candidate halves the weight of the hits it finds: the
# context (the rest of the query) can outweigh distance, but a common word cannot outweigh a
# close one on its frequency alone.
PER_EDIT = 2.0


def _known(searcher: Searcher, word: str) -> bool:
    terms = [t.text for t in ANALYZER(word)]
    return not terms or any(searcher.doc_frequency(f, t) for t in terms for f in ("body", "title"))


def _candidates(searcher: Searcher, word: str) -> list[str]:
    """Record words close to `word`, closest first: the same sound, then fewer edits, then the
    more documents."""
    lower = word.lower()
    found: dict[str, tuple] = {}
    codes = {c.lower() for c in double_metaphone(lower) if c}
    for sub, _offset in searcher.leaf_searchers():  # a segment's reader finds near words fastest
        reader = sub.reader()
        near = set(reader.terms_within("spell", lower, 2))
        for code in codes:
            near.update(b.decode("utf-8").split(":", 1)[1] for b in reader.expand_prefix("sounds", f"{code}:"))
        for term in near:
            if len(term) < 3 or term in STOPS or term == lower:
                continue
            sounds = bool(codes & {c.lower() for c in double_metaphone(term) if c})
            count = found.get(term, (0, 0, 0))[2] + reader.doc_frequency("spell", term)
            found[term] = (not sounds, damerau_levenshtein(lower, term), count)
    return sorted(found, key=lambda t: (found[t][0], found[t][1], -found[t][2], t))


def _count(searcher: Searcher, parser: MultifieldParser, text: str, mask: wq.Query | None) -> int:
    try:
        query = parse(parser, text)
    except QueryError:
        return 0
    return len(searcher.search(query, limit=None, scored=False, mask=mask))


def _like(typed: str, word: str) -> str:
    """`word` in the case of the word typed: "White" -> "Wight"."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    return word.capitalize() if typed[:1].isupper() else word


def suggest(searcher: Searcher, parser: MultifieldParser, text: str, mask: wq.Query | None,
            deadline: float) -> str | None:
    """The query with the words the index lacks replaced, or None when no replacement finds
    anything; candidates are tried until `deadline` (a time.monotonic() value)."""
    unknown = [m for m in _SUGGESTABLE.finditer(text)
               if m.group("word") and m.group("word") not in OPERATORS
               and m.group("word").lower() not in STOPS and not _known(searcher, m.group("word"))]
    if not unknown:
        return None
    between = [text[a.end():b.start()] for a, b in zip(unknown, unknown[1:], strict=False)]
    pieces = [text[:unknown[0].start()], *between, text[unknown[-1].end():]]
    options = [[(_like(m.group("word"), c), damerau_levenshtein(m.group("word").lower(), c))
                for c in _candidates(searcher, m.group("word"))[:TRIED]]
               for m in unknown]
    # Each word is tried with the others at their best so far (at first, their closest candidate).
    chosen = [opts[0][0] if opts else m.group("word") for m, opts in zip(unknown, options, strict=True)]

    def query_with(words: list[str]) -> str:
        return pieces[0] + "".join(w + p for w, p in zip(words, pieces[1:], strict=True))

    for i, opts in enumerate(options):
        best, weight = chosen[i], 0.0
        for candidate, edits in opts:
            if time.monotonic() > deadline:
                break
            count = _count(searcher, parser, query_with([*chosen[:i], candidate, *chosen[i + 1:]]), mask)
            if count / PER_EDIT ** edits > weight:  # a tie keeps the closer candidate, tried first
                best, weight = candidate, count / PER_EDIT ** edits
        chosen[i] = best
    corrected = query_with(chosen)
    if corrected == text or not _count(searcher, parser, corrected, mask):
        return None
    return corrected
