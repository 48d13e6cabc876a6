"""Compare two main texts of a page as a reader would: furniture set aside, then a similarity and
a readable diff.

comparison = compare(ours, theirs, days={date(2026, 12, 2), date(2026, 12, 3)})
comparison.same, comparison.similarity, comparison.diff

The rule (docs/watch.md says it to readers). Each line of text is compared after:
- a date that falls on one of `days` (the day of our capture and of the check, a day either side
  for time zones) becomes <date>: a page that prints the day it was served ("Wednesday 2 December
  2026") is the same page the next day. Any other date is the page's content (a publication date
  changed from 2023 to 2024 is a change);
- a time of day (13:40, 13:40:55 GMT, 1.40pm, 3pm; not 3.50, which may be a price) becomes
  <time>, a relative time ("3 hours ago", "updated 5 minutes ago", "updated today") <ago>: so
  a time in the text itself that changes is not seen;
- a token (a UUID, a run of 16 or more hex digits, or of 20 or more letters and digits mixing
  both: session ids, cache busters, nonces) becomes <token>;
- a count of views, shares, comments or readers becomes <count>;
- a line that is then only furniture (ad slots: "Advertisement", "Sponsored content"; or nothing
  but <date>, <time>, <ago>, <token> and <count>) is dropped, and so are blank lines;
- runs of white space become one space.
Two texts whose lines are then equal are the same; otherwise they changed, by as much as
difflib's ratio over their words says.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Comparison", "around", "compare", "normalise"]

#: A diff longer than this many characters is cut (the log keeps one line per check).
MAX_DIFF = 20_000

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?"
_DATES = (
    # 2026-12-02, 2026/12/02, 2026-12-02T13:40:55Z (the time part is taken by _TIME after)
    (re.compile(r"\b(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?=\b|T)"), "ymd"),
    # 02/12/2026, 2.12.2026 (day first, as in the UK)
    (re.compile(r"\b(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>\d{4})\b"), "dmy"),
    # Wednesday 2 December 2026, 2nd Dec 2026
    (re.compile(rf"\b(?:{_WEEKDAY}\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH})\s*,?\s+(?P<y>\d{{4}})\b",
                re.IGNORECASE), "d mon y"),
    # Wednesday, December 2, 2026
    (re.compile(rf"\b(?:{_WEEKDAY}\s+)?(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b",
                re.IGNORECASE), "mon d y"),
)
_TIME = re.compile(
    r"(?:(?<=<date>)T|\b)(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:\s*[ap]\.?m\.?)?"
    r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT|BST)\b)?"
    # 1.40pm, 3pm: a dot or nothing only with am or pm, so that 3.50 (a price, a figure) stays text
    r"|\b(?:1[0-2]|0?[1-9])(?:\.[0-5]\d)?\s*[ap]\.?m\.?(?=\W|$)",
    re.IGNORECASE,
)
_AGO = re.compile(
    r"\b(?:(?:updated|posted|published)\s+)?(?:\d+|an?|one)\s+(?:second|minute|min|hour|hr|day|week)s?\s+ago\b"
    r"|\bjust now\b|\b(?:updated|posted|published)\s+(?:today|yesterday)\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{16,}\b|"
                    r"\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}\b", re.IGNORECASE)
_COUNT = re.compile(r"\b\d[\d,.]*\s*[kKmM]?\s+(?:views?|shares?|comments?|readers?|likes?|reads?)\b", re.IGNORECASE)
_AD_LINE = re.compile(r"^(?:advertisement|advert|ad|sponsored(?: content)?|promoted(?: content)?|"
                      r"story continues below(?: this)? advert(?:isement)?|skip advert(?:isement)?)$", re.IGNORECASE)
_ONLY_FURNITURE = re.compile(r"^(?:[\s|·•,.:;()\[\]/-]|<date>|<time>|<ago>|<token>|<count>|last updated|updated|"
                             r"published|posted|on|at)*$", re.IGNORECASE)


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    return next(i for i, full in enumerate(_MONTHS, start=1) if full.startswith(name[:3]))


def _day(match: re.Match, form: str) -> dt.date | None:
    try:
        month = _month(match["mon"]) if "mon" in form else int(match["m"])
        return dt.date(int(match["y"]), month, int(match["d"]))
    except (ValueError, StopIteration):
        return None


def _dates(line: str, days: frozenset[dt.date]) -> str:
    for pattern, form in _DATES:
        line = pattern.sub(lambda m, form=form: "<date>" if _day(m, form) in days else m.group(0), line)
    return line


def normalise(text: str, days: Iterable[dt.date] = ()) -> list[str]:
    """The text's lines with furniture set aside, by the rule in this module's docstring."""
    return [key for _, key in _keyed(text, frozenset(days))]


def _keyed(text: str, days: frozenset[dt.date]) -> list[tuple[str, str]]:
    """(line as written, its comparison key) for each line that is not furniture."""
    lines = []
    for raw in text.splitlines():
        key = " ".join(raw.split())
        if not key or _AD_LINE.match(key):
            continue
        key = _dates(key, days)
        key = _AGO.sub("<ago>", key)
        key = _COUNT.sub("<count>", key)
        key = _TIME.sub("<time>", key)
        key = _TOKEN.sub("<token>", key)
        if _ONLY_FURNITURE.match(key):
            continue
        lines.append((raw.rstrip(), key))
    return lines


@dataclass(frozen=True)
class Comparison:
    """Two texts compared: the same after furniture, or changed by this much, with a diff."""

    same: bool
    similarity: float  # 0 to 1, difflib's ratio over the words of the normalised texts
    diff: str  # a unified diff of the texts as written, of the lines that differ; "" when the same
    added: int  # lines of theirs not in ours
    removed: int  # lines of ours not in theirs


Keyed = list[tuple[str, str]]


def _unified(ours: Keyed, theirs: Keyed, labels: tuple[str, str]) -> tuple[str, int, int]:
    """A unified diff whose hunks are found on the keys and printed with the lines as written."""
    matcher = difflib.SequenceMatcher(None, [k for _, k in ours], [k for _, k in theirs], autojunk=False)
    out = [f"--- {labels[0]}", f"+++ {labels[1]}"]
    added = removed = 0
    for group in matcher.get_grouped_opcodes(2):
        first, last = group[0], group[-1]
        out.append(f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [f" {line}" for line, _ in ours[i1:i2]]
                continue
            out += [f"-{line}" for line, _ in ours[i1:i2]]
            out += [f"+{line}" for line, _ in theirs[j1:j2]]
            removed += i2 - i1
            added += j2 - j1
    text = "\n".join(out) + "\n"
    if len(text) > MAX_DIFF:
        text = text[:MAX_DIFF].rsplit("\n", 1)[0] + f"\n[the diff is cut here: {len(text)} characters in all]\n"
    return text, added, removed


def compare(ours: str, theirs: str, days: Iterable[dt.date] = (),
            labels: tuple[str, str] = ("ours", "now")) -> Comparison:
    """Compare our capture's main text with the original's now, furniture set aside."""
    days = frozenset(days)
    a, b = _keyed(ours, days), _keyed(theirs, days)
    if [k for _, k in a] == [k for _, k in b]:
        return Comparison(True, 1.0, "", 0, 0)
    words_a = " ".join(k for _, k in a).split()
    words_b = " ".join(k for _, k in b).split()
    similarity = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()
    diff, added, removed = _unified(a, b, labels)
    return Comparison(False, round(similarity, 4), diff, added, removed)


def around(*moments: dt.datetime) -> frozenset[dt.date]:
    """The days a page served at these moments may print as "today", a day either side."""
    return frozenset(m.astimezone(dt.UTC).date() + dt.timedelta(days=d) for m in moments for d in (-1, 0, 1))
