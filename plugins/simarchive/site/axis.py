"""The timeline's time axis, laid out at build time: years, phase bands and event marks.

Positions are percentages of the axis width, proportional to real time, so the gaps between
events show. An imprecise date is drawn as a bar over every day it may be (a year as a whole
year, "2016 or 2017" over both), never as a dot on an invented day. The theme draws the result
as SVG, whose x and width attributes are not styles, so a strict Content-Security-Policy holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..content.events import Event

__all__ = ["Axis", "Band", "Mark", "Tick", "Year", "build_axis", "event_bounds"]

# A mark narrower than this (a day, a month) still takes this much room when lanes are
# assigned, so that two marks close in time stack instead of drawing over each other.
MIN_ROOM = 1.2
MAX_LANES = 6
OPEN_LEAD = 2.5  # percent of the axis
# Pixel geometry of the SVG, shared with theme/templates/_axis.html through Axis.
MARKS_TOP = 44
LANE = 14


@dataclass(frozen=True)
class Tick:
    """A year boundary on the axis."""

    year: int
    x: float


@dataclass(frozen=True)
class Year:
    """One year of the axis, and how many events fall in it (0 shows a gap)."""

    year: int
    x: float
    width: float
    count: int


@dataclass(frozen=True)
class Band:
    """A phase (an era): from its first event's earliest day to its last event's latest."""

    phase: str
    index: int
    x: float
    width: float
    row: int
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Mark:
    """One event on the axis: a dot for a day, a bar for anything less precise."""

    slug: str
    title: str
    display: str
    precision: str
    x: float
    width: float
    lane: int
    open_start: bool
    open_end: bool

    @property
    def is_point(self) -> bool:
        return self.precision == "day"

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 3)


@dataclass(frozen=True)
class Axis:
    """Everything the template needs to draw the axis and the year navigator."""

    start: dt.date
    end: dt.date
    ticks: list[Tick]
    years: list[Year]
    bands: list[Band]
    marks: list[Mark]
    lanes: int

    @property
    def gaps(self) -> dict[int, int]:
        """Each run of years without events, as {first year: last year}."""
        runs: dict[int, int] = {}
        first = None
        for year in self.years:
            if year.count == 0:
                first = year.year if first is None else first
                runs[first] = year.year
            else:
                first = None
        return runs

    @property
    def height(self) -> int:
        """The SVG's height in pixels: two rows of phase labels, the lanes, the year labels."""
        return MARKS_TOP + self.lanes * LANE + 24

    def lane_y(self, lane: int) -> int:
        return MARKS_TOP + lane * LANE + LANE // 2


def event_bounds(event: Event) -> tuple[dt.date, dt.date]:
    """The first and last day an event may fall on; an open end is drawn at its known end."""
    start = event.when.earliest or event.when.latest
    end = event.when.latest or event.when.earliest
    return start, end  # type: ignore[return-value]


def _lanes(spans: Sequence[tuple[float, float]]) -> list[int]:
    """Greedy interval stacking: each mark takes the first lane free at its start."""
    ends: list[float] = []
    lanes = []
    for x, width in spans:
        room = max(width, MIN_ROOM)
        free = [i for i, end in enumerate(ends) if end <= x]
        if free:
            lane = free[0]
        elif len(ends) < MAX_LANES:
            ends.append(0.0)
            lane = len(ends) - 1
        else:  # crowded: reuse the lane that frees first rather than grow without bound
            lane = min(range(len(ends)), key=ends.__getitem__)
        ends[lane] = x + room
        lanes.append(lane)
    return lanes


def _bands(events: Iterable[Event], phases: Sequence[str], pos) -> list[Band]:
    bounds: dict[str, tuple[dt.date, dt.date]] = {}
    for event in events:
        start, end = event_bounds(event)
        old = bounds.get(event.phase, (start, end))
        bounds[event.phase] = (min(old[0], start), max(old[1], end))
    bands = []
    for phase in (p for p in phases if p in bounds):
        start, end = bounds[phase]
        x = pos(start)
        # Alternate rows, so that the labels of overlapping or short phases stay readable.
        bands.append(Band(phase, phases.index(phase), x, round(pos(end, after=True) - x, 3),
                          len(bands) % 2, start, end))
    return bands


def _span(event: Event, start: dt.date, end: dt.date, pos) -> tuple[float, float]:
    x, x2 = pos(start), pos(end, after=True)
    # An open end ("by April 2018", "from June 2021") is drawn as a short dashed lead-in or
    # lead-out at its known end, so it neither vanishes nor claims a day it does not know.
    if event.when.earliest is None:
        x = max(0.0, x2 - OPEN_LEAD)
    elif event.when.latest is None:
        x2 = min(100.0, x + OPEN_LEAD)
    return x, round(x2 - x, 3)


def build_axis(events: Sequence[Event], phases: Sequence[str]) -> Axis | None:
    """Lay out the axis for events in time order; None when there are no events."""
    if not events:
        return None
    bounds = [event_bounds(e) for e in events]
    first_year = min(s.year for s, _ in bounds)
    last_year = max(e.year for _, e in bounds)
    start, end = dt.date(first_year, 1, 1), dt.date(last_year + 1, 1, 1)
    total = (end - start).days

    def pos(day: dt.date, *, after: bool = False) -> float:
        if after:  # the end of that day
            day += dt.timedelta(days=1)
        return round(100 * (day - start).days / total, 3)

    spans = [_span(e, s, f, pos) for e, (s, f) in zip(events, bounds, strict=True)]
    lanes = _lanes(spans)
    marks = [
        Mark(e.slug, e.title, e.when.display, e.when.precision, x, w, lane,
             e.when.earliest is None, e.when.latest is None)
        for e, (x, w), lane in zip(events, spans, lanes, strict=True)
    ]
    counts = {y: 0 for y in range(first_year, last_year + 1)}
    for event in events:
        counts[event.when.sort_key.year] += 1
    years = [Year(y, pos(dt.date(y, 1, 1)), round(pos(dt.date(y + 1, 1, 1)) - pos(dt.date(y, 1, 1)), 3), n)
             for y, n in counts.items()]
    ticks = [Tick(y, pos(dt.date(y, 1, 1))) for y in range(first_year, last_year + 2)]
    return Axis(start, end - dt.timedelta(days=1), ticks, years, _bands(events, phases, pos), marks,
                max(lanes) + 1)
