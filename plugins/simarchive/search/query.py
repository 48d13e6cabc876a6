"""Turning what a researcher typed into a Whoosh query, or into one helpful sentence.

Whoosh's parser is lenient (an unbalanced quote silently becomes a word, `foo:bar` two words)
and can also raise; so the query is checked first, here, and every refusal is a QueryError
whose message says what is wrong and what to type instead.
"""

from __future__ import annotations

import re
import time
import unicodedata

from whoosh import query as wq
from whoosh.qparser import AndGroup, FieldAliasPlugin, FuzzyTermPlugin, MultifieldParser
from whoosh.qparser.common import QueryParserError
from whoosh.searching import Searcher, TimeLimit

from ..errors import QueryError
from .index import SCHEMA

__all__ = ["FIELDS", "MAX_EXPANSIONS", "complete_last_word", "expand", "make_parser", "parse", "prepare"]

# The fields a researcher may name, and the index field each stands for.
FIELDS = {
    "title": "title", "publisher": "publisher", "kind": "kinds", "year": "year", "date": "day",
    "source": "source", "event": "event", "actor": "actors", "actors": "actors", "phase": "phase",
}
# meta: actors, publisher, titles of citing events; fulltext: a page's whole visible text, weighted
# below its main text, so that a word found only in a page's menus or sidebars ranks last.
SEARCHED = ("title", "body", "meta", "fulltext")
BOOSTS = {"title": 3.0, "meta": 1.0, "body": 1.0, "fulltext": 0.3}
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
# The most index words the wildcards, prefixes and fuzzy terms of one query may stand for: each
# becomes a posting list that Whoosh merges document by document.
MAX_EXPANSIONS = 1000
FIELD_LIST = ", ".join(f"{name}:" for name in FIELDS if name != "actors")

_QUOTED = re.compile(r'"[^"]*"')
_FIELD = re.compile(r'(?<![\w:/.])([A-Za-z_][\w-]*):')
_DATE = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
_RANGE_VALUE = re.compile(rf"^(?:({_DATE})|({_DATE})?\.\.({_DATE})?|\[({_DATE}) TO ({_DATE})\])$")
_DATED = re.compile(r"\b(year|date):(\[[^\]]*\]|\S*)")
_WILDCARD = re.compile(r"(?<![\w*?])([\w]{0,1})[*?]")
_FUZZY = re.compile(r"~(\d+)")
# A bare word of two letters or more at the end: not a field's value, a wildcard, fuzzy or part
# of a hyphenated word (a phrase is closed: prepare() refuses an open one).
_LAST_WORD = re.compile(r"""(?<![\w:*?~"'-])([^\W\d_]{2,})$""")


def prepare(q: str, max_length: int) -> str:
    """Check a query's length, characters and syntax; rewrite dates. Raises QueryError."""
    if len(q) > max_length:
        raise QueryError(f"The query is {len(q)} characters long; the limit is {max_length}.")
    for char in q:
        if unicodedata.category(char) == "Cc" and char not in "\t\n\r":
            raise QueryError(
                f"The query contains a control character (U+{ord(char):04X}); remove it and try again."
            )
    text = " ".join(q.split())
    if not text:
        raise QueryError("Type one or more words to search for.")
    _check_quotes_and_parentheses(text)
    outside = _QUOTED.sub(" ", text)
    _check_operators(outside)
    _check_fields(outside)
    _check_wildcards_and_fuzzy(outside)
    return _DATED.sub(_rewrite_date, text)


def complete_last_word(text: str) -> tuple[str, str | None]:
    """A prepared query with its last word also taken as the beginning of a word, for searching
    while it is typed ("kendall lett" finds "letter"); the word itself is kept, because a whole
    word is indexed as its stem ("police" as "polic", which "police*" would not find).
    Returns the query and the word completed, or the query as it was and None."""
    m = _LAST_WORD.search(text)
    if not m or m.group(1) in OPERATORS:
        return text, None
    word = m.group(1)
    return f"{text[:m.start()]}({word} OR {word}*)", word


def _check_quotes_and_parentheses(text: str) -> None:
    if text.count('"') % 2:
        raise QueryError('The query has an opening " without a closing one: close the phrase '
                         'with another " or remove it.')
    depth = 0
    for char in _QUOTED.sub(" ", text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise QueryError("The query closes a parenthesis that was never opened: "
                             "remove the extra ) or add a ( before it.")
    if depth:
        raise QueryError("The query opens a parenthesis without closing it: add the missing ) "
                         "or remove the extra (.")


def _check_operators(outside: str) -> None:
    words = outside.replace("(", " ( ").replace(")", " ) ").split()
    ops = [w for w in words if w in OPERATORS]
    if not words:
        return
    if ops and len(ops) == len([w for w in words if w not in "()"]):
        raise QueryError(f"{ops[0]} needs words to work on, for example: police OR nurses, "
                         "police NOT nurses.")
    for before, word, after in zip(["(", *words[:-1]], words, [*words[1:], ")"], strict=True):
        if word in OPERATORS - {"NOT"} and (before in ("(", *OPERATORS) or after == ")"):
            raise QueryError(f"{word} needs a word on each side, for example: police {word} nurses.")
        if word == "NOT" and after in (")", *OPERATORS):
            raise QueryError("NOT needs a word after it, for example: police NOT nurses.")


def _check_fields(outside: str) -> None:
    for m in _FIELD.finditer(outside):
        if m.group(1).lower() not in FIELDS:
            raise QueryError(f'"{m.group(1)}:" is not a field you can search. Use one of '
                             f'{FIELD_LIST} or put the words in quotes to search for them as text.')


def _check_wildcards_and_fuzzy(outside: str) -> None:
    if _WILDCARD.search(outside):
        raise QueryError("Put at least two letters before * or ? (a wildcard at the start of a "
                         "word would match too many words), for example: mentor*.")
    for m in _FUZZY.finditer(outside):
        if int(m.group(1)) > 2:
            raise QueryError(f"~{m.group(1)} allows too many differences; use ~ (one) or ~2 (two).")


def _bound(value: str, end: bool) -> int:
    year, month, day = (value.split("-") + [None, None])[:3]
    if end:
        return int(year) * 10000 + int(month or 12) * 100 + int(day or 31)
    return int(year) * 10000 + int(month or 1) * 100 + int(day or 1)


def _rewrite_date(m: re.Match) -> str:
    """year:2016, year:2012..2016, date:2012-11, date:..2018-04, date:[2012 TO 2016-06]."""
    name, value = m.group(1), m.group(2)
    r = _RANGE_VALUE.match(value)
    if not r or (name == "year" and "-" in value):
        example = "year:2016 or year:2012..2016" if name == "year" else "date:2012-11 or date:2012..2016-06"
        raise QueryError(f'"{name}:{value}" is not a {name} or a range; write it as {example}.')
    single, start, stop, lo, hi = r.groups()
    if single:
        start, stop = single, single
    elif lo:
        start, stop = lo, hi
    if not start and not stop:
        raise QueryError(f'"{name}:{value}" needs a start or an end, for example {name}:2012..2016.')
    low = _bound(start, end=False) if start else 0
    high = _bound(stop, end=True) if stop else 99991231
    if low > high:
        raise QueryError(f'"{name}:{value}" ends before it starts; put the earlier date first.')
    return f"day:[{low} TO {high}]"


def make_parser() -> MultifieldParser:
    """The parser: AND by default, titles weighted above bodies, fuzzy terms, field aliases."""
    parser = MultifieldParser(list(SEARCHED), SCHEMA, fieldboosts=BOOSTS, group=AndGroup)
    parser.add_plugin(FuzzyTermPlugin())
    aliases: dict[str, list[str]] = {}
    for name, target in FIELDS.items():
        if name != target:
            aliases.setdefault(target, []).append(name)
    parser.add_plugin(FieldAliasPlugin(aliases))
    return parser


def parse(parser: MultifieldParser, text: str) -> wq.Query:
    """Parse a prepared query; what Whoosh cannot make sense of becomes a QueryError."""
    try:
        query = parser.parse(text)
    except (QueryParserError, ValueError, TypeError) as e:
        raise QueryError(f"The query could not be understood ({e}); try fewer operators or "
                         "put the words in quotes.") from None
    if query is wq.NullQuery:
        raise QueryError("Nothing to search for: the query has only very common words "
                         "(such as \"the\" or \"of\") or operators. Add a more specific word.")
    return query


def expand(searcher: Searcher, query: wq.Query, deadline: float, limit: int = MAX_EXPANSIONS) -> wq.Query:
    """The query with each wildcard, prefix and fuzzy term replaced by the index words it stands
    for (an Or of Terms, scored like any word), found once, segment by segment (a segment's
    reader finds fuzzy words with an automaton). Refused with a QueryError when they stand for
    more than `limit` words, counted each time a term appears; Whoosh's TimeLimit when finding
    them runs past `deadline` (a time.monotonic() value)."""
    expansions: dict[tuple, set[str]] = {}
    total = 0
    readers = [sub.reader() for sub, _offset in searcher.leaf_searchers()]

    def words_of(leaf: wq.MultiTerm) -> set[str]:
        nonlocal total
        # A typed term becomes a leaf per field searched: its words are counted once over those.
        # A range ("[a TO b]", or "[year:2012" read as one) has two ends where the others have a text.
        typed = getattr(leaf, "text", None) or (getattr(leaf, "start", None), getattr(leaf, "end", None))
        counted = expansions.setdefault(
            (type(leaf), typed, getattr(leaf, "maxdist", 0), getattr(leaf, "startchar", None)), set())
        words = set()
        if isinstance(leaf, wq.FuzzyTerm) and leaf.prefixlength > len(leaf.text):
            # "police~/2012": a prefix longer than the word is the whole word (Whoosh would index past it).
            leaf.prefixlength = len(leaf.text)
        for reader in readers:
            for _field, found in leaf.expanded_terms(reader):
                if time.monotonic() > deadline:
                    raise TimeLimit
                word = found.decode("utf-8") if isinstance(found, bytes) else found  # fuzzy words are str
                words.add(word)
                if word not in counted:
                    counted.add(word)
                    total += 1
                if total > limit:
                    raise QueryError(f"The query expands to more than {limit:,} words (its wildcards and "
                                     "fuzzy terms); use fewer of them, or longer beginnings, for example "
                                     "mentor* rather than me*.")
        return words

    def replace(leaf: wq.Query) -> wq.Query:
        if not isinstance(leaf, wq.MultiTerm):
            return leaf
        terms = [wq.Term(leaf.field(), word, boost=leaf.boost) for word in sorted(words_of(leaf))]
        return wq.Or(terms) if terms else wq.NullQuery

    return query.accept(replace)
