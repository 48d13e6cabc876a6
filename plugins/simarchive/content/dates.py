"""EDTF dates with their real precision: parse, bound, and write them as people do."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ..errors import DateError

__all__ = ["DateError", "EventDate", "parse_when"]

MONTHS = calendar.month_name

# The forms we accept, checked before edtf parses them: a day, a month or a year, optionally
# approximate (~), uncertain (?) or both (%); "one of" a set of those; a span between two of
# them, either end possibly open (".."). Anything else (seasons, masked digits, sets of ranges)
# is refused rather than shown imprecisely.
_SIMPLE = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
_QUALIFIED = re.compile(rf"^({_SIMPLE})([~?%]?)$")
_SET = re.compile(rf"^\[({_SIMPLE}(?:,{_SIMPLE})+)\]$")
# "One of the days between": a single moment known only to lie within a range.
# [2023-04..2023-12] between two dates; [2023-03-10..] on or after one; [..2018-04] on or before.
_BETWEEN = re.compile(rf"^\[({_SIMPLE})?\.\.({_SIMPLE})?\]$")
_SPAN = re.compile(rf"^({_SIMPLE}|\.\.)/({_SIMPLE}|\.\.)$")

EXPECTED = (
    "expected an EDTF date such as 2023-03-10, 2021-06, 2012, [2016,2017], [2023-04..2023-12], "
    "2018/2020, ../2018-04, 2012-11~ or 2022?"
)


@dataclass(frozen=True)
class Point:
    """One date at day, month or year precision."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def display(self, *, with_year: bool = True) -> str:
        parts = []
        if self.day:
            parts.append(str(self.day))
        if self.month:
            parts.append(MONTHS[self.month])
        if with_year or not self.month:
            parts.append(str(self.year))
        return " ".join(parts)


@dataclass(frozen=True)
class EventDate:
    """A date as the evidence gives it: the EDTF string, its bounds, and how to write it."""

    edtf: str
    display: str
    earliest: dt.date | None
    latest: dt.date | None

    @property
    def sort_key(self) -> dt.date:
        """The earliest possible day; for "by <date>" (no known start), the latest one."""
        return self.earliest or self.latest  # type: ignore[return-value]

    @property
    def html_datetime(self) -> str | None:
        """The value for <time datetime>, which only takes a plain day, month or year."""
        return self.edtf if re.fullmatch(_SIMPLE, self.edtf) else None

    @property
    def precision(self) -> str:
        """day, month or year for a single date; otherwise the kind of range."""
        if _SET.match(self.edtf) or _BETWEEN.match(self.edtf):
            return "one-of"
        if "/" in self.edtf:
            return "span"
        digits = _QUALIFIED.match(self.edtf).group(1)  # type: ignore[union-attr]
        return {4: "year", 7: "month", 10: "day"}[len(digits)]


def _point(text: str) -> Point:
    year, _, rest = text.partition("-")
    month, _, day = rest.partition("-")
    point = Point(int(year), int(month) if month else None, int(day) if day else None)
    try:
        point.latest  # noqa: B018 - raises on a month or day that does not exist
        point.earliest  # noqa: B018
    except ValueError:
        raise DateError(f"'{text}' names a month or day that does not exist") from None
    return point


def _join_or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _span_display(start: Point, end: Point) -> str:
    same_year = start.year == end.year and start.month and end.month
    return f"{start.display(with_year=not same_year)} to {end.display()}"


def _between(text: str, start_text: str | None, end_text: str | None) -> EventDate:
    """One moment known only to lie within a range, or on one side of a date."""
    if not start_text and not end_text:
        raise DateError(f"'{text}' is open at both ends; {EXPECTED}")
    if not end_text:
        start = _point(start_text)  # type: ignore[arg-type]
        return EventDate(text, f"{start.display()} or later", start.earliest, None)
    end = _point(end_text)
    if not start_text:
        return EventDate(text, f"{end.display()} or earlier", None, end.latest)
    start = _point(start_text)
    if end.latest < start.earliest:
        raise DateError(f"'{text}' ends before it starts")
    return EventDate(text, f"between {_span_display(start, end).replace(' to ', ' and ')}",
                     start.earliest, end.latest)


def _qualified(text: str, m: re.Match) -> EventDate:
    point, qualifier = _point(m.group(1)), m.group(2)
    display = point.display()
    if qualifier in ("~", "%"):
        display = f"about {display}"
    if qualifier in ("?", "%"):
        display = f"{display} (uncertain)"
    return EventDate(text, display, point.earliest, point.latest)


def _one_of(text: str, m: re.Match) -> EventDate:
    points = sorted((_point(p) for p in m.group(1).split(",")), key=lambda p: p.earliest)
    display = _join_or([p.display() for p in points])
    return EventDate(text, display, points[0].earliest, max(p.latest for p in points))


def _span(text: str, m: re.Match) -> EventDate:
    start_text, end_text = m.groups()
    if start_text == ".." and end_text == "..":
        raise DateError(f"'{text}' is open at both ends; {EXPECTED}")
    if start_text == "..":
        end = _point(end_text)
        return EventDate(text, f"by {end.display()}", None, end.latest)
    start = _point(start_text)
    if end_text == "..":
        return EventDate(text, f"from {start.display()}", start.earliest, None)
    end = _point(end_text)
    if end.latest < start.earliest:
        raise DateError(f"'{text}' ends before it starts")
    return EventDate(text, _span_display(start, end), start.earliest, end.latest)


# Each accepted form and how to read it, tried in order.
_FORMS = (
    (_QUALIFIED, _qualified),
    (_SET, _one_of),
    (_BETWEEN, lambda text, m: _between(text, m.group(1), m.group(2))),
    (_SPAN, _span),
)


def parse_when(text: str) -> EventDate:
    """Parse an EDTF string into an EventDate; raise DateError with what was expected.

    >>> parse_when("[2016,2017]").display
    '2016 or 2017'
    """
    text = text.strip()
    for form, read in _FORMS:
        if m := form.match(text):
            return read(text, m)
    # edtf builds its whole grammar when imported, which every build would pay for; it is needed
    # only to word the error for a date we refuse, so it is imported here.
    from edtf import parse_edtf
    from edtf.parser.edtf_exceptions import EDTFParseException

    try:
        parse_edtf(text)
    except (EDTFParseException, ValueError, TypeError):
        raise DateError(f"'{text}' is not valid EDTF; {EXPECTED}") from None
    raise DateError(f"'{text}' is an EDTF form this site does not show; {EXPECTED}")
