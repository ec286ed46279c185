"""When a weekly meeting next happens, computed in the meeting's own time zone.

A meeting is a weekday (0 = Sunday), a local wall-clock start and end, and an IANA zone. The
answers here are aware datetimes in that zone, so "starting in the next 2 hours" is right for a
meeting in Sydney and one in New York in the same search, across midnight, week ends and DST.

Decisions (each pinned by a test in tests/lib/test_schedule.py):

- **A meeting in progress counts as "now".** ``next_start`` returns the start of the first
  occurrence that has not ended yet, so for a meeting in progress it is a moment in the past, and
  ``starts_within`` is true for any window. A person looking for a meeting right now can still
  walk in late; a page can say "in progress". Without an ``end``, only starts at or after
  ``now`` count.
- **A start time that does not exist** (the clock jumps from 02:00 to 03:00 on a spring-forward
  day) is read with the offset in force before the jump, as RFC 5545 §3.3.5 says calendars must:
  a 02:30 meeting in New York on the second Sunday of March starts at 03:30 EDT, the moment a
  clock that was not moved forward would have shown 02:30. Calendar apps reading our iCalendar
  feed put it at the same moment.
- **A start time that happens twice** (01:30 on a fall-back day) is the first of the two (the
  earlier, daylight-time one), also as RFC 5545 says.
- Answers are aware datetimes in the meeting's zone. Subtract or compare them in UTC
  (``.astimezone(UTC)``): Python compares and subtracts two datetimes that share a tzinfo by
  their wall clocks, which is an hour off across a DST change.
- An end before the start means the meeting crosses midnight and ends the next day; an end equal
  to the start means no known duration, never 24 hours.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from homegroup.lib.times import crosses_midnight
from homegroup.lib.weekdays import from_python

ONE_DAY = timedelta(days=1)
ONE_WEEK = timedelta(days=7)
# The widest UTC offsets in use (Baker Island -12:00, Kiribati +14:00): a meeting anywhere on
# Earth has its local clock within these bounds of UTC.
MIN_UTC_OFFSET = timedelta(hours=-12)
MAX_UTC_OFFSET = timedelta(hours=14)


@cache
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name (cached), or ValueError for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"not an IANA time zone: {name!r}") from None


def _zone(tz: str | tzinfo) -> tzinfo:
    return zone(tz) if isinstance(tz, str) else tz


def _check_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime (with a time zone)")


def _check_day(day: int) -> None:
    if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
        raise ValueError(f"day must be an integer 0-6 with 0 = Sunday, not {day!r}")


class Occurrence(NamedTuple):
    """One occurrence of a meeting: start and end instants, aware, in the meeting's zone."""

    start: datetime
    end: datetime


def local_moment(on: date, at: time, tz: tzinfo) -> datetime:
    """The instant a local clock in ``tz`` shows ``at`` on ``on``, in ``tz``.

    A wall time in a DST gap becomes the instant it names with the offset before the gap (02:30
    → 03:30 after a one-hour jump); a repeated wall time is its first occurrence (fold=0).
    """
    naive = datetime.combine(on, at.replace(tzinfo=None, fold=0))
    # Round-tripping through UTC turns a non-existent wall time into a real instant.
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def occurrence(*, on: date, start: time, end: time | None, tz: str | tzinfo) -> Occurrence:
    """The meeting held on local date ``on``: its start and end instants in its zone."""
    zone_info = _zone(tz)
    begins = local_moment(on, start, zone_info)
    if end is None:
        return Occurrence(begins, begins)
    end_date = on + ONE_DAY if crosses_midnight(start=start, end=end) else on
    ends = local_moment(end_date, end, zone_info)
    # A meeting ending inside a DST change can map to an instant before its start; it still
    # lasts no less than nothing. Compared in UTC: Python compares two datetimes that share a
    # tzinfo by their wall clocks, which is wrong across a fall-back hour.
    if ends.astimezone(UTC) < begins.astimezone(UTC):
        ends = begins
    return Occurrence(begins, ends)


def next_occurrence(
    *, day: int, start: time, tz: str | tzinfo, now: datetime, end: time | None = None
) -> Occurrence:
    """The first occurrence of a weekly meeting that has not ended at ``now`` (one in progress
    counts), or, without ``end``, the first that starts at or after ``now``."""
    _check_day(day)
    _check_aware(now)
    zone_info = _zone(tz)
    now_utc = now.astimezone(UTC)
    today = now.astimezone(zone_info).date()
    # Start a day early: a meeting that began yesterday evening may still be going on.
    for offset in range(-1, 8):
        on = today + timedelta(days=offset)
        if from_python(on.weekday()) != day:
            continue
        found = occurrence(on=on, start=start, end=end, tz=zone_info)
        if found.start.astimezone(UTC) >= now_utc or found.end.astimezone(UTC) > now_utc:
            return found
    raise AssertionError("unreachable: every weekday occurs within eight days")  # pragma: no cover


def next_start(
    *, day: int, start: time, tz: str | tzinfo, now: datetime, end: time | None = None
) -> datetime:
    """When the meeting next starts, aware in its own zone (see the module's decisions: with an
    ``end``, a meeting in progress answers its own start, which is before ``now``)."""
    return next_occurrence(day=day, start=start, tz=tz, now=now, end=end).start


def starts_within(
    *,
    day: int,
    start: time,
    tz: str | tzinfo,
    now: datetime,
    hours: float,
    end: time | None = None,
) -> bool:
    """Whether the meeting starts in the next ``hours`` hours (or is in progress, with ``end``)."""
    if not hours >= 0:
        raise ValueError(f"hours must be zero or more, not {hours!r}")
    found = next_start(day=day, start=start, tz=tz, now=now, end=end)
    return found.astimezone(UTC) <= now.astimezone(UTC) + timedelta(hours=hours)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
_DAY_US = 86_400_000_000
_WEEK_US = 7 * _DAY_US


def microseconds(moment: datetime) -> int:
    """An aware datetime as whole microseconds since 1970 (exact, unlike a float timestamp)."""
    return (moment - EPOCH) // MICROSECOND


def _clock_us(at: time) -> int:
    return ((at.hour * 60 + at.minute) * 60 + at.second) * 1_000_000 + at.microsecond


class WeeklyClock:
    """``next_occurrence`` for many meetings of one zone at one ``now``, fast.

    A search computes the next start of thousands of meetings. In the days around ``now`` a
    zone's offset almost never changes, and then the answer is integer arithmetic on the local
    clock: exact, and many times cheaper than building datetimes. When the offset changes
    between 30 hours before ``now`` and eight days after (a DST week), every answer comes from
    ``next_occurrence`` itself. Either way it is the same instant, in whole microseconds since
    1970 (``microseconds``), so that sorting thousands of them stays cheap.
    """

    _SPAN_HOURS = range(-30, 8 * 24 + 1, 3)  # every 3 hours from 30 hours before to 8 days after

    def __init__(self, tz: str | tzinfo, now: datetime) -> None:
        _check_aware(now)
        self.zone = _zone(tz)
        self.now = now.astimezone(UTC)
        self.now_us = microseconds(self.now)
        offsets = {
            (self.now + timedelta(hours=hours)).astimezone(self.zone).utcoffset()
            for hours in self._SPAN_HOURS
        }
        self.steady = len(offsets) == 1
        local = self.now.astimezone(self.zone)
        self._midnight_us = self.now_us - _clock_us(local.time())
        self._today = from_python(local.weekday())

    def next_start_us(self, *, day: int, start: time, end: time | None = None) -> int:
        """``next_start(day=day, start=start, end=end, now=now)`` in microseconds since 1970."""
        if not self.steady:
            found = next_occurrence(day=day, start=start, end=end, tz=self.zone, now=self.now)
            return microseconds(found.start)
        _check_day(day)
        start_us = _clock_us(start)
        duration = 0 if end is None else (_clock_us(end) - start_us) % _DAY_US
        this_week = self._midnight_us + ((day - self._today) % 7) * _DAY_US + start_us
        # Last week's occurrence may still be going on; this week's may be over already.
        for candidate in (this_week - _WEEK_US, this_week, this_week + _WEEK_US):
            if candidate >= self.now_us or candidate + duration > self.now_us:
                return candidate
        raise AssertionError("unreachable: next week's occurrence is after now")  # pragma: no cover

    def moment(self, us: int) -> datetime:
        """Microseconds since 1970 as an aware datetime in the zone."""
        return (EPOCH + us * MICROSECOND).astimezone(self.zone)


class WallClockWindow(NamedTuple):
    """Where on the local wall clock of any zone on Earth to look for meetings that start in the
    next hours or are in progress, for narrowing a database query before the exact per-zone
    check (``might_start_within`` is the same test in Python).

    - ``starts``: (day, earliest, latest) of start times, inclusive, for meetings that start
      between now and the end of the window; empty when that spans a week or more (then every
      start time qualifies).
    - ``ongoing_day`` / ``ongoing_after``: the earliest wall clock any zone shows now. A
      meeting that started before it can only be in progress when its end is after it: it
      started that day (and ends after that time, or crosses midnight) or the day before
      (and crosses midnight to end after that time).
    """

    starts: list[tuple[int, time, time]]
    ongoing_day: int
    ongoing_after: time


def wall_clock_window(*, now: datetime, hours: float) -> WallClockWindow:
    """The wall-clock window for "in progress, or starting within ``hours`` of ``now``"."""
    _check_aware(now)
    utc_now = now.astimezone(UTC).replace(tzinfo=None)
    # Any zone's clock shows a time between these two now (wall = instant + offset).
    lower = utc_now + MIN_UTC_OFFSET
    upper = utc_now + timedelta(hours=hours) + MAX_UTC_OFFSET
    starts: list[tuple[int, time, time]] = []
    if upper - lower < ONE_WEEK - timedelta(minutes=1):
        on = lower.date()
        while on <= upper.date():
            earliest = lower.time() if on == lower.date() else time(0, 0)
            latest = upper.time() if on == upper.date() else time(23, 59, 59, 999999)
            starts.append((from_python(on.weekday()), earliest, latest))
            on += ONE_DAY
    return WallClockWindow(starts, from_python(lower.weekday()), lower.time())


def might_start_within(window: WallClockWindow, *, day: int, start: time, end: time) -> bool:
    """Whether a meeting passes the window (a superset of ``starts_within`` with its ``end``)."""
    if not window.starts:
        return True
    if any(d == day and low <= start <= high for d, low, high in window.starts):
        return True
    after = window.ongoing_after
    crosses = end < start
    if day == window.ongoing_day:
        return start < after and (end > after or crosses)
    if day == (window.ongoing_day - 1) % 7:
        return crosses and end > after
    return False
