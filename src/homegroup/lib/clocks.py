"""``lib.schedule.next_occurrence`` for many meetings at once: numpy arrays in, every meeting's
next start out, in whole microseconds since 1970 (``schedule.microseconds``).

The search index (``directory/index.py``) keeps each meeting's weekday, local start and end
(microseconds after local midnight) and zone as arrays, and a search needs the next start of
thousands of them. The answer is the same instant ``next_occurrence`` gives, DST weeks included
(``tests/lib/test_clocks.py`` compares the two around real transitions of many zones):

- a wall-clock time becomes an instant with the offset zoneinfo gives it with ``fold=0``: the
  offset before a transition for a time in the skipped hour and for the first of a repeated
  hour (RFC 5545; ``schedule.local_moment``). For a transition at instant T from offset a to
  offset b, that is ``a`` for a wall time before ``T + max(a, b)`` and ``b`` from then on;
- one in progress counts as now; an end before the start is the next day; an end that maps
  before its start (inside a DST change) is the start.

How: ``zone_window`` finds, once per UTC day, each zone's offset and its transitions between
four days before and twelve days after that day (sampling zoneinfo every 6 hours and bisecting
to the second where the offset changed: transitions are months apart, never two within 6
hours). Then ``next_starts`` is integer arithmetic on arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from homegroup.lib.schedule import zone

Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

SECOND_US = 1_000_000
DAY_US = 86_400 * SECOND_US
_NEVER = np.iinfo(np.int64).max
_SAMPLE_S = 6 * 3600
# A window holds every instant `next_starts` reads for any `now` within its UTC day: local
# midnight is at most 36 hours before now, the latest occurrence looked at ends 9 days after
# it, and a wall-clock time is within 14 hours of its instant.
_BEFORE_DAYS = 4
_AFTER_DAYS = 12
# 1970-01-01 was a Thursday: weekday 4 with 0 = Sunday.
_EPOCH_WEEKDAY = 4


@dataclass(frozen=True)
class ZoneWindow:
    """The UTC offsets of some zones over a stretch of time, as arrays (one row per zone)."""

    day: int  # the UTC day (days since 1970) whose searches this window serves
    base: Int64s  # (zones,) offset in microseconds at the window's start
    at: Int64s  # (zones, k) instants of the transitions in the window, padded with "never"
    after: Int64s  # (zones, k) offset from each transition on
    wall: Int64s  # (zones, k) the wall-clock time from which a local time reads `after`

    def covers(self, now_us: int) -> bool:
        return now_us // DAY_US == self.day


def _offset_us(tz_name: str, second: int) -> int:
    offset = datetime.fromtimestamp(second, UTC).astimezone(zone(tz_name)).utcoffset()
    assert offset is not None  # an aware datetime from a ZoneInfo always has one
    return offset // timedelta(microseconds=1)


def _transitions(tz_name: str, start_s: int, end_s: int) -> tuple[int, list[tuple[int, int]]]:
    """The offset at ``start_s`` and each (instant, new offset) until ``end_s``, in seconds and
    microseconds respectively."""
    previous = base = _offset_us(tz_name, start_s)
    found: list[tuple[int, int]] = []
    second = start_s
    while second < end_s:
        following = min(second + _SAMPLE_S, end_s)
        offset = _offset_us(tz_name, following)
        if offset != previous:
            low, high = second, following  # previous offset at low, the new one at high
            while high - low > 1:
                middle = (low + high) // 2
                if _offset_us(tz_name, middle) == previous:
                    low = middle
                else:
                    high = middle
            found.append((high, offset))
            previous = offset
        second = following
    return base, found


def zone_window(zones: Sequence[str], *, now_us: int) -> ZoneWindow:
    """The offsets of ``zones`` (IANA names) around the UTC day of ``now_us``."""
    day = now_us // DAY_US
    start_s = (day - _BEFORE_DAYS) * 86_400
    end_s = (day + 1 + _AFTER_DAYS) * 86_400
    bases: list[int] = []
    changes: list[list[tuple[int, int]]] = []
    for name in zones:
        base, found = _transitions(name, start_s, end_s)
        bases.append(base)
        changes.append(found)
    width = max((len(found) for found in changes), default=0)
    at = np.full((len(zones), width), _NEVER, dtype=np.int64)
    after = np.zeros((len(zones), width), dtype=np.int64)
    wall = np.full((len(zones), width), _NEVER, dtype=np.int64)
    for row, (base, found) in enumerate(zip(bases, changes, strict=True)):
        before = base
        for column, (second, offset) in enumerate(found):
            at[row, column] = second * SECOND_US
            after[row, column] = offset
            wall[row, column] = second * SECOND_US + max(before, offset)
            before = offset
        for column in range(len(found), width):
            after[row, column] = before
    return ZoneWindow(day, np.asarray(bases, dtype=np.int64), at, after, wall)


def _offset_at_wall(window: ZoneWindow, zones: Int64s, wall: Int64s) -> Int64s:
    offset = window.base[zones]
    for column in range(window.at.shape[1]):
        offset = np.where(wall >= window.wall[zones, column], window.after[zones, column], offset)
    return offset


def _instant(window: ZoneWindow, zones: Int64s, wall: Int64s) -> Int64s:
    return wall - _offset_at_wall(window, zones, wall)


def next_starts(
    window: ZoneWindow,
    *,
    now_us: int,
    zones: Int64s,
    days: Int64s,
    starts: Int64s,
    ends: Int64s,
    crosses: Bools,
) -> Int64s:
    """Each meeting's ``next_start`` (one in progress: its start, before now) in microseconds
    since 1970. Meeting i is held on weekday ``days[i]`` (0 = Sunday) from ``starts[i]`` to
    ``ends[i]`` (microseconds after local midnight; ``crosses[i]`` when it ends the next day,
    ``lib.times.crosses_midnight``) in zone ``zones[i]`` (a row of ``window``)."""
    if not window.covers(now_us):
        raise ValueError("the zone window was made for another day")
    offset_now = window.base.copy()
    for column in range(window.at.shape[1]):
        offset_now = np.where(now_us >= window.at[:, column], window.after[:, column], offset_now)
    local_now = now_us + offset_now
    midnight = local_now - local_now % DAY_US  # naive local midnight, per zone
    today = (midnight // DAY_US + _EPOCH_WEEKDAY) % 7
    midnight_of = midnight[zones]
    ahead = (days - today[zones]) % 7
    # next_occurrence looks at the matching days from yesterday to a week from today: this
    # week's occurrence, or yesterday's when it may still be going on (ahead == 6); when that
    # one is over, the next one (a week after today's, or the one six days ahead).
    first = np.where(ahead == 6, -1, ahead)
    begins = _instant(window, zones, midnight_of + first * DAY_US + starts)
    ends_wall = midnight_of + (first + crosses) * DAY_US + ends
    finishes = np.maximum(_instant(window, zones, ends_wall), begins)
    current = (begins >= now_us) | (finishes > now_us)
    if current.all():
        return begins
    second = np.where(ahead == 0, 7, np.where(ahead == 6, 6, ahead))
    later = _instant(window, zones, midnight_of + second * DAY_US + starts)
    return np.where(current, begins, later)
