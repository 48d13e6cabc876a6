"""The timeline's time axis, laid out at build time: years, phase bands and event marks.

Positions are percentages of the axis width, proportional to real time, so the gaps between
events show. An imprecise date is drawn as a bar over every day it may be (a year as a whole
year, "2016 or 2017" over both), never as a dot on an invented day. The theme draws the result
as SVG, whose x and width attributes are not styles, so a strict Content-Security-Policy holds.

Every mark is a link, and its target (the area that takes a tap or a click) is at least 24 px
wide and tall (WCAG 2.2, 2.5.8) on the narrowest axis the theme draws, a phone's. Targets never
overlap: marks too close to tell apart there are drawn as one cluster with a count, which zooms
into the period (its year's page) or leads to its first event in the list; the rest are stacked
in lanes, as many as they need.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..content.events import Event

__all__ = ["ROOM", "Axis", "Band", "Mark", "Tick", "Year", "build_axis", "event_bounds", "overlaps",
           "phase_slug"]

# The axis is narrowest on a 360 px phone (the page keeps 16 px each side); a target there must be
# 24 px, so this much of the axis. Wider screens only give the marks more room.
REF_WIDTH = 328
TARGET = 24
ROOM = math.ceil(100_000 * TARGET / REF_WIDTH) / 1000  # rounded up: never a hair under 24 px
OPEN_LEAD = ROOM  # an open end is drawn as a lead-in (or lead-out) one target long
# Pixel geometry of the SVG, shared with theme/templates/_axis.html through Axis: two rows of
# phase labels, then the lanes (a target and a gap each), then the years.
MARKS_TOP = 40
LANE = 28
YEARS_H = 28
MONTHS_H = 14
EPSILON = 1e-6


@dataclass(frozen=True)
class Tick:
    """A year boundary on the axis."""

    year: int
    x: float


@dataclass(frozen=True)
class Year:
    """One year of the axis, and how many events are listed under it (0 shows a gap)."""

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
    """One event on the axis (a dot for a day, a bar for anything less precise), or a cluster of
    events too close together to tell apart (precision "cluster", with their count)."""

    slug: str  # the event's; a cluster's first event's
    title: str
    display: str
    precision: str
    x: float  # what is drawn, in percent of the axis
    width: float
    hit_x: float  # the target, in percent of the axis
    hit_width: float
    year: int  # the year the (first) event is listed under
    lane: int = 0
    open_start: bool = False
    open_end: bool = False
    number: int | None = None  # a turning point's number in the story
    members: tuple[str, ...] = ()  # the slugs of the events it stands for

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def is_point(self) -> bool:
        return self.precision == "day"

    @property
    def is_cluster(self) -> bool:
        return self.precision == "cluster"

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 3)

    @property
    def hit_end(self) -> float:
        return self.hit_x + self.hit_width


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
    whole: bool  # the whole record (the timeline), or one period (a year's or a phase's page)
    months: list[Tick] = field(default_factory=list)  # a single year's months, where it is zoomed into one

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
    def marks_bottom(self) -> int:
        return MARKS_TOP + self.lanes * LANE

    @property
    def height(self) -> int:
        """The SVG's height in pixels: a row of month initials too when zoomed into one year."""
        return self.marks_bottom + YEARS_H + (MONTHS_H if self.months else 0)

    def lane_y(self, lane: int) -> int:
        """The middle of a lane, in pixels from the top."""
        return MARKS_TOP + lane * LANE + LANE // 2


def event_bounds(event: Event) -> tuple[dt.date, dt.date]:
    """The first and last day an event may fall on; an open end is drawn at its known end."""
    start = event.when.earliest or event.when.latest
    end = event.when.latest or event.when.earliest
    return start, end  # type: ignore[return-value]


def overlaps(event: Event, first_year: int, last_year: int) -> bool:
    """Whether any day the event may fall on is in these years (as the filters count it)."""
    start, end = event_bounds(event)
    return start.year <= last_year and end.year >= first_year


def phase_slug(phase: str) -> str:
    """The phase's name in an address: /phases/<slug>/."""
    return re.sub(r"[^a-z0-9]+", "-", phase.casefold()).strip("-")


def _target(x: float, width: float) -> tuple[float, float]:
    """A mark's target: the mark itself, or a target's width around its middle."""
    if width >= ROOM:
        return x, width
    left = min(max(x + width / 2 - ROOM / 2, 0.0), 100.0 - ROOM)
    return round(left, 3), ROOM


def _cluster(group: list[Mark]) -> Mark:
    first, last = group[0], group[-1]
    left = min(m.hit_x for m in group)
    right = max(m.hit_end for m in group)
    display = f"{len(group)} events, {first.display} to {last.display}"
    return Mark(first.slug, f"{len(group)} events close together", display, "cluster", left,
                round(right - left, 3), left, round(right - left, 3), first.year,
                members=tuple(m.slug for m in group))


def _clustered(marks: list[Mark]) -> list[Mark]:
    """Merge runs of small marks whose targets would overlap, within a year (so that a cluster
    zooms into one year). Turning points and marks wider than a target are never merged."""
    kept = [m for m in marks if m.number is not None or m.width >= ROOM]
    small = sorted((m for m in marks if m not in kept), key=lambda m: m.center)
    groups: list[list[Mark]] = []
    for mark in small:
        last = groups[-1][-1] if groups else None
        if last and last.year == mark.year and mark.center - last.center < ROOM:
            groups[-1].append(mark)
        else:
            groups.append([mark])
    return kept + [g[0] if len(g) == 1 else _cluster(g) for g in groups]


def _stacked(marks: list[Mark]) -> list[Mark]:
    """Each mark in the first lane where its target overlaps no other: turning points first, so
    that they lead the axis. No lane is ever shared by overlapping targets."""
    order = sorted(marks, key=lambda m: (m.number is None, m.hit_x))
    lanes: list[list[tuple[float, float]]] = []
    placed = []
    for mark in order:
        lane = next((i for i, taken in enumerate(lanes)
                     if all(mark.hit_end <= a + EPSILON or mark.hit_x >= b - EPSILON for a, b in taken)), None)
        if lane is None:
            lanes.append([])
            lane = len(lanes) - 1
        lanes[lane].append((mark.hit_x, mark.hit_end))
        placed.append(replace(mark, lane=lane))
    return sorted(placed, key=lambda m: (m.hit_x, m.lane))


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


def _mark(event: Event, pos, number: int | None) -> Mark:
    start, end = event_bounds(event)
    x, x2 = pos(start), pos(end, after=True)
    # An open end ("by April 2018", "from June 2021") is drawn as a short dashed lead-in or
    # lead-out at its known end, so it neither vanishes nor claims a day it does not know.
    if event.when.earliest is None:
        x = max(0.0, x2 - OPEN_LEAD)
    elif event.when.latest is None:
        x2 = min(100.0, x + OPEN_LEAD)
    width = round(x2 - x, 3)
    hit_x, hit_width = _target(x, width)
    return Mark(event.slug, event.title, event.when.display, event.when.precision, x, width, hit_x, hit_width,
                event.when.sort_key.year, open_start=event.when.earliest is None,
                open_end=event.when.latest is None, number=number, members=(event.slug,))


def build_axis(events: Sequence[Event], phases: Sequence[str], *, years: tuple[int, int] | None = None,
               turning: Mapping[str, int] | None = None) -> Axis | None:
    """Lay out the axis for events in time order, over whole years: all of them (the default),
    or those that may fall in `years` (first, last), zoomed in. `turning` numbers the turning
    points by slug. None when there are no events."""
    if years is not None:
        events = [e for e in events if overlaps(e, *years)]
    if not events:
        return None
    bounds = [event_bounds(e) for e in events]
    first_year, last_year = years or (min(s.year for s, _ in bounds), max(e.year for _, e in bounds))
    start, end = dt.date(first_year, 1, 1), dt.date(last_year + 1, 1, 1)
    total = (end - start).days

    def pos(day: dt.date, *, after: bool = False) -> float:
        if after:  # the end of that day
            day += dt.timedelta(days=1)
        return round(min(max(100 * (day - start).days / total, 0.0), 100.0), 3)

    turning = turning or {}
    marks = _stacked(_clustered([_mark(e, pos, turning.get(e.slug)) for e in events]))
    counts = {y: 0 for y in range(first_year, last_year + 1)}
    for event in events:
        if event.when.sort_key.year in counts:
            counts[event.when.sort_key.year] += 1
    axis_years = [Year(y, pos(dt.date(y, 1, 1)), round(pos(dt.date(y + 1, 1, 1)) - pos(dt.date(y, 1, 1)), 3), n)
                  for y, n in counts.items()]
    ticks = [Tick(y, pos(dt.date(y, 1, 1))) for y in range(first_year, last_year + 2)]
    months = [Tick(m, pos(dt.date(first_year, m, 1))) for m in range(1, 13)] if first_year == last_year else []
    return Axis(start, end - dt.timedelta(days=1), ticks, axis_years, _bands(events, phases, pos), marks,
                max(m.lane for m in marks) + 1, years is None, months)
