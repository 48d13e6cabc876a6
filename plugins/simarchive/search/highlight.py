"""Highlighted passages: read the text of the hits shown, mark the query's words, link to them.

The index stores no full text, so passages come from the capture's text.txt (or an event's own
text). Running the analyzer over a whole capture per hit is too slow, so a regex built from the
matched terms' prefixes finds candidate words at C speed, and only those are stemmed and checked.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import quote

from .api import Passage
from .index import ANALYZER

__all__ = ["mark", "matches", "passages"]

WINDOW = 220  # characters per passage
BEFORE = 60  # of them, before the first matched word
MAX_MATCHES = 300  # a very common word: choosing among its first 300 places is enough
_WORD_CHAR = re.compile(r"\w")
_NEAR = 300  # characters either side of a match where its text fragment's words are looked for
_SEPARATE = 8  # up to this many prefixes, one regex each: a literal prefix is found at C speed


@lru_cache(maxsize=200_000)
def _term(word: str) -> str | None:
    terms = [t.text for t in ANALYZER(word)]
    return terms[0] if len(terms) == 1 else None


@lru_cache(maxsize=1000)
def _candidates(terms: frozenset[str]) -> tuple[re.Pattern, list[re.Pattern]] | None:
    """Regexes for words that may analyse to one of terms (stems are nearly always prefixes,
    once a final "i" from "y" is dropped: policy -> polici): one for any text, ignoring case,
    and for lower-cased text, one per prefix (or one for all when there are many)."""
    prefixes = sorted({t[:-1] if len(t) > 3 else t for t in terms if t}, key=len, reverse=True)
    if not prefixes:
        return None
    alternation = "(?:" + "|".join(map(re.escape, prefixes)) + r")\w*"
    lowered = ([re.compile(re.escape(p) + r"\w*") for p in prefixes] if len(prefixes) <= _SEPARATE
               else [re.compile(alternation)])
    return re.compile(r"(?<!\w)" + alternation, re.IGNORECASE), lowered


def _words(text: str, patterns: tuple[re.Pattern, list[re.Pattern]]) -> list[re.Match]:
    """The candidate words, in text order. Lower-casing ASCII text keeps every offset, and a
    regex without a look-behind finds a literal prefix many times faster, so there the start of
    a word is checked afterwards; other text may change length when lower-cased, so it is
    searched as it is."""
    if not text.isascii():
        return list(patterns[0].finditer(text))
    lowered = text.lower()
    starts: dict[int, re.Match] = {}
    for pattern in patterns[1]:
        for m in pattern.finditer(lowered):
            if m.start() == 0 or not _WORD_CHAR.match(lowered, m.start() - 1):
                starts.setdefault(m.start(), m)
    return [starts[k] for k in sorted(starts)]


def matches(text: str, terms: frozenset[str]) -> list[tuple[int, int, str]]:
    patterns = _candidates(terms)
    found = []
    for m in _words(text, patterns) if patterns else ():
        term = _term(m.group(0).lower())
        if term in terms:
            found.append((m.start(), m.end(), term))
            if len(found) >= MAX_MATCHES:
                break
    return found


def _best_windows(found: list[tuple[int, int, str]], count: int) -> list[int]:
    """Start offsets of the windows holding the most distinct terms (then the most matches)."""
    scored = []
    right = 0
    for left, (start, _end, _matched) in enumerate(found):
        right = max(right, left)
        while right + 1 < len(found) and found[right + 1][1] <= start + WINDOW - BEFORE:
            right += 1
        inside = found[left:right + 1]
        scored.append((len({t for _s, _e, t in inside}), len(inside), -start, left))
    chosen: list[int] = []
    for *_score, left in sorted(scored, reverse=True):
        start = max(0, found[left][0] - BEFORE)
        if all(abs(start - other) >= WINDOW for other in chosen):
            chosen.append(start)
            if len(chosen) == count:
                break
    return sorted(chosen)


def _snap(text: str, start: int, stop: int) -> tuple[int, int]:
    """Move a window's ends to word boundaries."""
    if start > 0:
        space = text.find(" ", start, start + 20)
        start = space + 1 if space != -1 else start
    if stop < len(text):
        space = text.rfind(" ", stop - 20, stop)
        stop = space if space > start else stop
    return start, stop


def mark(text: str, found: list[tuple[int, int, str]], start: int = 0, stop: int | None = None) -> str:
    """Escape text[start:stop] and wrap every match inside it in <mark>."""
    stop = len(text) if stop is None else stop
    out, pos = [], start
    for s, e, _t in found:
        if s >= start and e <= stop:
            out += [html.escape(text[pos:s]), "<mark>", html.escape(text[s:e]), "</mark>"]
            pos = e
    out.append(html.escape(text[pos:stop]))
    return "".join(out)


def _fragment(text: str, s: int, e: int) -> str:
    """A text fragment (#:~:text=...) for up to three words either side of one match, taken
    from its own line so that the browser finds it within one block of the page."""
    # Three words are within a few hundred characters: a regex anchored at the end of a whole
    # long line would try every start in it.
    line_start = max(text.rfind("\n", 0, s) + 1, s - _NEAR)
    line_end = text.find("\n", e, e + _NEAR)
    line_end = min(len(text), e + _NEAR) if line_end == -1 else line_end
    before = re.search(r"(?:\S+\s+){0,3}\S*$", text[line_start:s]).group(0)
    after = re.match(r"(?:\s*\S+){0,3}", text[e:line_end]).group(0)
    words = " ".join((before + text[s:e] + after).split()).strip(" .,;:!?\"'()[]")
    return "#:~:text=" + quote(words, safe="").replace("-", "%2D")


def passages(text: str, terms: frozenset[str], url: str, count: int = 3) -> list[Passage]:
    """Up to `count` passages of text around the query's terms, best first by position."""
    found = matches(text, terms)
    if not found:
        start, stop = _snap(text, 0, min(len(text), WINDOW))
        lead = html.escape(" ".join(text[start:stop].split()))
        return [Passage(lead + (" …" if stop < len(text) else ""), url)] if lead else []
    result = []
    for begin in _best_windows(found, count):
        start, stop = _snap(text, begin, min(len(text), begin + WINDOW))
        inside = [f for f in found if f[0] >= start and f[1] <= stop]
        body = " ".join(mark(text, inside, start, stop).split())
        body = ("… " if start > 0 else "") + body + (" …" if stop < len(text) else "")
        first = inside[0] if inside else found[0]
        result.append(Passage(body, url + _fragment(text, first[0], first[1])))
    return result
