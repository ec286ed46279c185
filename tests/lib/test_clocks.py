"""lib.clocks.next_starts gives next_occurrence's answer for every meeting, DST weeks included."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homegroup.lib.clocks import SECOND_US, next_starts, zone_window
from homegroup.lib.schedule import microseconds, next_occurrence
from homegroup.lib.times import crosses_midnight

ZONES = [
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",  # half-hour offset with DST
    "America/Santiago",  # DST changes at midnight
    "America/Havana",  # DST changes at midnight, northern hemisphere
    "Europe/London",
    "Europe/Dublin",  # "negative DST" in the tz database
    "Africa/Casablanca",  # an hour back for Ramadan, each year on other dates
    "Antarctica/Troll",  # a two-hour DST shift
    "Australia/Sydney",  # southern hemisphere
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Pacific/Chatham",  # +12:45 / +13:45
    "Pacific/Kiritimati",  # +14
    "Pacific/Pago_Pago",  # -11
    "Asia/Kolkata",
    "UTC",
]
STARTS = [time(h, m) for h in (0, 1, 2, 3, 22, 23) for m in (0, 15, 30, 45)] + [
    time(12, 0),
    time(19, 0, 30, 250),
]


def _meetings():
    """(day, start, end) for every day and start, lasting an hour, or half an hour to the
    same wall-clock time the next day (crossing midnight), or without a known duration."""
    found = []
    for day in range(7):
        for start in STARTS:
            hour_later = (datetime.combine(datetime(2000, 1, 1), start) + timedelta(hours=1)).time()
            earlier = (datetime.combine(datetime(2000, 1, 1), start) - timedelta(minutes=30)).time()
            found += [(day, start, hour_later), (day, start, earlier), (day, start, start)]
    return found


MEETINGS = _meetings()


def _us(at: time) -> int:
    return ((at.hour * 60 + at.minute) * 60 + at.second) * SECOND_US + at.microsecond


def _vectorised(zone_name: str, now: datetime, meetings) -> list[int]:
    now_us = microseconds(now)
    window = zone_window([zone_name], now_us=now_us)
    found = next_starts(
        window,
        now_us=now_us,
        zones=np.zeros(len(meetings), dtype=np.int64),
        days=np.array([day for day, _start, _end in meetings], dtype=np.int64),
        starts=np.array([_us(start) for _day, start, _end in meetings], dtype=np.int64),
        ends=np.array([_us(end) for _day, _start, end in meetings], dtype=np.int64),
        crosses=np.array([crosses_midnight(start=s, end=e) for _d, s, e in meetings]),
    )
    return [int(value) for value in found]


def _expected(zone_name: str, now: datetime, meetings) -> list[int]:
    return [
        microseconds(next_occurrence(day=day, start=start, end=end, tz=zone_name, now=now).start)
        for day, start, end in meetings
    ]


def _transitions(zone_name: str, year: int) -> list[datetime]:
    """The instants the zone's offset changes during the year (hourly scan, then minutes)."""
    tz = ZoneInfo(zone_name)
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    previous = moment.astimezone(tz).utcoffset()
    while moment.year == year:
        following = moment + timedelta(hours=1)
        offset = following.astimezone(tz).utcoffset()
        if offset != previous:
            minute = moment
            while minute.astimezone(tz).utcoffset() == previous:
                minute += timedelta(minutes=1)
            found.append(minute)
            previous = offset
        moment = following
    return found


AROUND = [
    -timedelta(days=7, hours=1),
    -timedelta(days=3),
    -timedelta(days=1, minutes=30),
    -timedelta(hours=3),
    -timedelta(hours=1),
    -timedelta(seconds=1),
    timedelta(0),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(days=1, hours=5),
    timedelta(days=6, hours=12),
]


@pytest.mark.parametrize("zone_name", ZONES)
def test_next_starts_agree_with_next_occurrence_around_every_transition_of_2026(zone_name):
    transitions = _transitions(zone_name, 2026) or [datetime(2026, 3, 8, 7, 0, tzinfo=UTC)]
    for transition in transitions:
        for shift in AROUND:
            now = transition + shift
            assert _vectorised(zone_name, now, MEETINGS) == _expected(zone_name, now, MEETINGS), (
                zone_name,
                now,
            )


@settings(max_examples=150, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    now=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
    ),
    meetings=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=6),
            st.times(),
            st.times(),
        ),
        min_size=1,
        max_size=20,
    ),
)
def test_next_starts_agree_with_next_occurrence_at_any_moment(zone_name, now, meetings):
    assert _vectorised(zone_name, now, meetings) == _expected(zone_name, now, meetings)


def test_several_zones_are_answered_in_one_call():
    now = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)  # New York springs forward in 30 minutes
    names = ["America/New_York", "Europe/London", "Australia/Sydney"]
    window = zone_window(names, now_us=microseconds(now))
    found = next_starts(
        window,
        now_us=microseconds(now),
        zones=np.array([0, 1, 2], dtype=np.int64),
        days=np.array([0, 0, 0], dtype=np.int64),
        starts=np.array([_us(time(2, 30))] * 3, dtype=np.int64),
        ends=np.array([_us(time(3, 30))] * 3, dtype=np.int64),
        crosses=np.array([False] * 3),
    )
    assert [int(value) for value in found] == [
        microseconds(
            next_occurrence(day=0, start=time(2, 30), end=time(3, 30), tz=tz, now=now).start
        )
        for tz in names
    ]
    # 02:30 does not exist in New York that night: it is 03:30 EDT (RFC 5545).
    assert datetime.fromtimestamp(int(found[0]) / 1e6, UTC) == datetime(
        2026, 3, 8, 7, 30, tzinfo=UTC
    )


def test_a_window_serves_only_its_own_day():
    now = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)
    window = zone_window(["UTC"], now_us=microseconds(now))
    with pytest.raises(ValueError, match="another day"):
        next_starts(
            window,
            now_us=microseconds(now + timedelta(days=1)),
            zones=np.zeros(1, dtype=np.int64),
            days=np.zeros(1, dtype=np.int64),
            starts=np.zeros(1, dtype=np.int64),
            ends=np.zeros(1, dtype=np.int64),
            crosses=np.zeros(1, dtype=bool),
        )
