"""When a weekly meeting next happens, in its own zone: midnight, week ends, DST, mixed zones."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from homegroup.lib.schedule import (
    WeeklyClock,
    local_moment,
    microseconds,
    might_start_within,
    next_occurrence,
    next_start,
    starts_within,
    wall_clock_window,
)
from homegroup.lib.weekdays import FRIDAY, SATURDAY, SUNDAY, TUESDAY, WEDNESDAY, from_python

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")

ZONES = [
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",  # half-hour offset with DST
    "America/Santiago",  # DST changes at midnight
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tehran",
    "Australia/Sydney",  # southern hemisphere: DST in January
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Pacific/Chatham",  # +12:45 / +13:45
    "Pacific/Kiritimati",  # +14, the earliest clock on Earth
    "Pacific/Pago_Pago",  # -11
    "UTC",
]

quarter_times = st.builds(
    time, st.integers(min_value=0, max_value=23), st.sampled_from([0, 15, 30, 45])
)
days = st.integers(min_value=0, max_value=6)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
)
quarter_instants = instants.map(
    lambda d: d.replace(minute=d.minute // 15 * 15, second=0, microsecond=0)
)


def _wall_time_exists(on_local: datetime, tz: ZoneInfo) -> bool:
    naive = on_local.replace(tzinfo=None)
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


def _brute_force_next_start(*, day, start, tz, now):
    """The first quarter hour at or after `now` when a clock in `tz` shows `start` on `day`."""
    moment = now
    for _ in range(8 * 24 * 4):
        local = moment.astimezone(tz)
        if from_python(local.weekday()) == day and local.time() == start:
            return moment
        moment += timedelta(minutes=15)
    return None


# --- Explicit cases -------------------------------------------------------------------------


def test_a_meeting_later_today_starts_today():
    now = datetime(2024, 6, 4, 17, 0, tzinfo=NEW_YORK)  # Tuesday
    assert next_start(day=TUESDAY, start=time(19, 0), tz="America/New_York", now=now) == (
        datetime(2024, 6, 4, 19, 0, tzinfo=NEW_YORK)
    )


def test_a_meeting_earlier_today_without_an_end_is_next_week():
    now = datetime(2024, 6, 4, 21, 0, tzinfo=NEW_YORK)
    assert next_start(day=TUESDAY, start=time(19, 0), tz="America/New_York", now=now) == (
        datetime(2024, 6, 11, 19, 0, tzinfo=NEW_YORK)
    )


def test_a_meeting_in_progress_counts_as_now():
    now = datetime(2024, 6, 4, 19, 30, tzinfo=NEW_YORK)
    found = next_start(
        day=TUESDAY, start=time(19, 0), end=time(20, 0), tz="America/New_York", now=now
    )
    assert found == datetime(2024, 6, 4, 19, 0, tzinfo=NEW_YORK)
    assert starts_within(
        day=TUESDAY, start=time(19, 0), end=time(20, 0), tz="America/New_York", now=now, hours=0
    )


def test_a_meeting_that_just_ended_is_next_week():
    now = datetime(2024, 6, 4, 20, 0, tzinfo=NEW_YORK)
    found = next_start(
        day=TUESDAY, start=time(19, 0), end=time(20, 0), tz="America/New_York", now=now
    )
    assert found == datetime(2024, 6, 11, 19, 0, tzinfo=NEW_YORK)


def test_a_meeting_crossing_midnight_is_in_progress_after_midnight():
    now = datetime(2024, 6, 9, 0, 30, tzinfo=NEW_YORK)  # Sunday 00:30
    found = next_occurrence(
        day=SATURDAY, start=time(23, 0), end=time(1, 0), tz="America/New_York", now=now
    )
    assert found.start == datetime(2024, 6, 8, 23, 0, tzinfo=NEW_YORK)
    assert found.end == datetime(2024, 6, 9, 1, 0, tzinfo=NEW_YORK)


def test_the_week_wraps_from_saturday_night_to_sunday_morning():
    now = datetime(2024, 6, 8, 23, 30, tzinfo=NEW_YORK)  # Saturday 23:30
    assert starts_within(day=SUNDAY, start=time(0, 30), tz="America/New_York", now=now, hours=2)
    assert next_start(day=SUNDAY, start=time(0, 30), tz="America/New_York", now=now) == (
        datetime(2024, 6, 9, 0, 30, tzinfo=NEW_YORK)
    )
    assert not starts_within(day=SUNDAY, start=time(2, 0), tz="America/New_York", now=now, hours=2)


def test_a_0230_meeting_on_the_new_york_spring_forward_day_starts_at_0330_daylight_time():
    # 2024-03-10: clocks jump from 02:00 EST to 03:00 EDT; 02:30 does not exist that day.
    now = datetime(2024, 3, 9, 12, 0, tzinfo=NEW_YORK)
    found = next_start(day=SUNDAY, start=time(2, 30), tz="America/New_York", now=now)
    assert found.astimezone(UTC) == datetime(2024, 3, 10, 7, 30, tzinfo=UTC)
    assert (found.hour, found.minute, found.utcoffset()) == (3, 30, timedelta(hours=-4))
    # The week after, the meeting is back at 02:30.
    later = next_start(day=SUNDAY, start=time(2, 30), tz="America/New_York", now=found)
    assert later == found  # idempotent at its own start
    following = next_start(
        day=SUNDAY, start=time(2, 30), tz="America/New_York", now=found + timedelta(minutes=1)
    )
    assert (following.date().isoformat(), following.hour, following.minute) == (
        "2024-03-17",
        2,
        30,
    )


def test_the_night_clocks_spring_forward_is_23_hours_long():
    now = datetime(2024, 3, 9, 20, 0, tzinfo=NEW_YORK)  # Saturday 20:00 EST
    found = next_start(day=SUNDAY, start=time(20, 0), tz="America/New_York", now=now)
    assert found.astimezone(UTC) - now.astimezone(UTC) == timedelta(hours=23)
    assert starts_within(day=SUNDAY, start=time(20, 0), tz="America/New_York", now=now, hours=23)
    assert not starts_within(
        day=SUNDAY, start=time(20, 0), tz="America/New_York", now=now, hours=22.9
    )


def test_the_new_york_fall_back_day_takes_the_first_0130_and_is_25_hours_long():
    # 2024-11-03: 01:00-02:00 happens twice (EDT, then EST).
    now = datetime(2024, 11, 2, 20, 0, tzinfo=NEW_YORK)
    found = next_start(day=SUNDAY, start=time(1, 30), tz="America/New_York", now=now)
    assert found.astimezone(UTC) == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)  # 01:30 EDT
    evening = next_start(day=SUNDAY, start=time(20, 0), tz="America/New_York", now=now)
    assert evening.astimezone(UTC) - now.astimezone(UTC) == timedelta(hours=25)


def test_a_meeting_across_the_fall_back_hour_lasts_its_real_length():
    now = datetime(2024, 11, 2, 20, 0, tzinfo=NEW_YORK)
    found = next_occurrence(
        day=SUNDAY, start=time(1, 0), end=time(2, 0), tz="America/New_York", now=now
    )
    assert found.end.astimezone(UTC) - found.start.astimezone(UTC) == timedelta(hours=2)


def test_london_spring_forward_and_fall_back():
    # 2024-03-31: 01:00 GMT → 02:00 BST. 2024-10-27: 02:00 BST → 01:00 GMT.
    spring = next_start(
        day=SUNDAY, start=time(1, 30), tz="Europe/London", now=datetime(2024, 3, 30, tzinfo=UTC)
    )
    assert spring.astimezone(UTC) == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    assert (spring.hour, spring.minute) == (2, 30)
    autumn = next_start(
        day=SUNDAY, start=time(1, 30), tz="Europe/London", now=datetime(2024, 10, 26, tzinfo=UTC)
    )
    assert autumn.astimezone(UTC) == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)


def test_sydney_changes_clocks_in_april_and_october():
    # 2024-04-07: 03:00 AEDT → 02:00 AEST (02:30 twice). 2024-10-06: 02:00 AEST → 03:00 AEDT.
    april = next_start(
        day=SUNDAY, start=time(2, 30), tz="Australia/Sydney", now=datetime(2024, 4, 6, tzinfo=UTC)
    )
    assert april.astimezone(UTC) == datetime(2024, 4, 6, 15, 30, tzinfo=UTC)  # the AEDT one
    october = next_start(
        day=SUNDAY, start=time(2, 30), tz="Australia/Sydney", now=datetime(2024, 10, 5, tzinfo=UTC)
    )
    assert (october.hour, october.minute, october.utcoffset()) == (3, 30, timedelta(hours=11))


def test_meetings_in_different_zones_are_compared_by_the_instant_they_start():
    now = datetime(2024, 6, 4, 21, 0, tzinfo=UTC)  # Tuesday 17:00 in New York
    new_york = next_start(day=TUESDAY, start=time(19, 0), tz="America/New_York", now=now)
    sydney = next_start(day=WEDNESDAY, start=time(9, 0), tz="Australia/Sydney", now=now)
    london = next_start(day=TUESDAY, start=time(23, 30), tz="Europe/London", now=now)
    assert new_york == sydney == datetime(2024, 6, 4, 23, 0, tzinfo=UTC)
    assert london == datetime(2024, 6, 4, 22, 30, tzinfo=UTC)
    assert sorted([new_york, london]) == [london, new_york]
    assert starts_within(day=TUESDAY, start=time(23, 30), tz=LONDON, now=now, hours=1.5)
    assert not starts_within(day=TUESDAY, start=time(19, 0), tz=NEW_YORK, now=now, hours=1.5)
    assert starts_within(day=WEDNESDAY, start=time(9, 0), tz=SYDNEY, now=now, hours=2)


def test_the_answer_is_in_the_meetings_own_zone():
    found = next_start(
        day=FRIDAY, start=time(7, 0), tz="Australia/Sydney", now=datetime(2024, 6, 4, tzinfo=UTC)
    )
    assert found.tzinfo == SYDNEY
    assert (found.hour, found.minute) == (7, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"day": 7}, "day must be an integer 0-6"),
        ({"now": datetime(2024, 6, 4, 12, 0)}, "now must be an aware datetime"),
        ({"hours": -1}, "hours must be zero or more"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    arguments = {
        "day": 1,
        "start": time(19, 0),
        "tz": "UTC",
        "now": datetime(2024, 6, 4, tzinfo=UTC),
        "hours": 2,
    } | kwargs
    with pytest.raises(ValueError, match=message):
        starts_within(**arguments)


def test_an_unknown_zone_is_refused():
    with pytest.raises(ValueError, match="not an IANA time zone: 'Mars/Olympus'"):
        next_start(day=1, start=time(19, 0), tz="Mars/Olympus", now=datetime.now(UTC))


# --- Properties -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(day=days, start=quarter_times, tz_name=st.sampled_from(ZONES), now=quarter_instants)
# Midnight on the night St. John's fell back at 00:01 (2000-10-29) is shown twice: an ambiguous
# local time never compares equal to one in another zone (PEP 495), so the check compares instants.
@example(
    day=0,
    start=time(0, 0),
    tz_name="America/St_Johns",
    now=datetime(2000, 10, 29, 2, 30, tzinfo=UTC),
)
def test_next_start_is_the_first_moment_the_local_clock_shows_the_start(day, start, tz_name, now):
    tz = ZoneInfo(tz_name)
    found = next_start(day=day, start=start, tz=tz_name, now=now)
    assert found >= now
    assert found - now < timedelta(days=7, hours=2)
    assert found.tzinfo == tz
    expected = _brute_force_next_start(day=day, start=start, tz=tz, now=now)
    local = found.astimezone(tz)
    if (local.time(), from_python(local.weekday())) == (start, day):
        assert expected is not None
        assert found.astimezone(UTC) == expected.astimezone(UTC)
    else:
        # The start did not exist that day (a spring-forward gap): it moved later, never earlier.
        assert not _wall_time_exists(local.replace(hour=start.hour, minute=start.minute), tz)
        assert expected is None or expected > found


@settings(max_examples=200, deadline=None)
@given(day=days, start=quarter_times, tz_name=st.sampled_from(ZONES), now=instants)
def test_next_start_is_stable_at_its_own_start_and_moves_on_a_week_later(day, start, tz_name, now):
    found = next_start(day=day, start=start, tz=tz_name, now=now)
    assert next_start(day=day, start=start, tz=tz_name, now=found) == found
    after = next_start(day=day, start=start, tz=tz_name, now=found + timedelta(microseconds=1))
    gap = after.astimezone(UTC) - found.astimezone(UTC)
    assert timedelta(days=6, hours=21) < gap < timedelta(days=7, hours=3)


@settings(max_examples=200, deadline=None)
@given(
    day=days,
    start=quarter_times,
    end=quarter_times,
    tz_name=st.sampled_from(ZONES),
    now=instants,
    hours=st.floats(min_value=0, max_value=168, allow_nan=False),
)
def test_starts_within_agrees_with_next_start_and_in_progress_meetings_count(
    day, start, end, tz_name, now, hours
):
    found = next_occurrence(day=day, start=start, end=end, tz=tz_name, now=now)
    assert found.end > now or found.start >= now
    within = starts_within(day=day, start=start, end=end, tz=tz_name, now=now, hours=hours)
    assert within == (found.start <= now + timedelta(hours=hours))
    if found.start <= now < found.end:
        assert within


@settings(max_examples=300, deadline=None)
@given(
    day=days,
    start=quarter_times,
    end=quarter_times,
    tz_name=st.sampled_from(ZONES),
    now=instants,
    hours=st.floats(min_value=0, max_value=48, allow_nan=False),
)
def test_the_wall_clock_window_holds_every_meeting_that_starts_within_the_hours(
    day, start, end, tz_name, now, hours
):
    if not starts_within(day=day, start=start, end=end, tz=tz_name, now=now, hours=hours):
        return
    window = wall_clock_window(now=now, hours=hours)
    assert window.starts, "a window under a week always narrows"
    assert might_start_within(window, day=day, start=start, end=end)


def test_the_window_keeps_only_meetings_that_may_still_be_going_on():
    now = datetime(2024, 6, 4, 12, 0, tzinfo=UTC)  # Tuesday; earliest clock: Tuesday 00:00
    window = wall_clock_window(now=now, hours=1)
    assert (window.ongoing_day, window.ongoing_after) == (TUESDAY, time(0, 0))
    monday = TUESDAY - 1
    assert might_start_within(window, day=monday, start=time(23, 0), end=time(0, 30))
    assert not might_start_within(window, day=monday, start=time(20, 0), end=time(21, 0))
    assert not might_start_within(window, day=WEDNESDAY, start=time(20, 0), end=time(21, 0))
    assert might_start_within(window, day=WEDNESDAY, start=time(1, 0), end=time(2, 0))


def test_a_window_of_a_week_or_more_does_not_narrow():
    window = wall_clock_window(now=datetime(2024, 6, 4, tzinfo=UTC), hours=168)
    assert window.starts == []
    assert might_start_within(window, day=1, start=time(3, 0), end=time(4, 0))


def test_local_moment_of_a_time_that_does_not_exist_moves_forward_by_the_gap():
    moment = local_moment(datetime(2024, 3, 10).date(), time(2, 30), NEW_YORK)
    assert (moment.hour, moment.minute) == (3, 30)


@settings(max_examples=300, deadline=None)
@given(
    day=days,
    start=quarter_times,
    end=st.one_of(st.none(), quarter_times),
    tz_name=st.sampled_from(ZONES),
    now=st.one_of(
        instants,
        # The weeks around the New York, London and Sydney changes of 2024.
        st.datetimes(
            min_value=datetime(2024, 3, 1), max_value=datetime(2024, 4, 14), timezones=st.just(UTC)
        ),
        st.datetimes(
            min_value=datetime(2024, 9, 28),
            max_value=datetime(2024, 11, 10),
            timezones=st.just(UTC),
        ),
    ),
)
def test_the_weekly_clock_gives_the_same_instant_as_next_occurrence(day, start, end, tz_name, now):
    clock = WeeklyClock(tz_name, now)
    expected = next_occurrence(day=day, start=start, end=end, tz=tz_name, now=now).start
    found = clock.next_start_us(day=day, start=start, end=end)
    assert found == microseconds(expected)
    assert clock.moment(found) == expected
    assert clock.moment(found).tzinfo == ZoneInfo(tz_name)


def test_the_weekly_clock_uses_arithmetic_except_in_a_dst_week():
    assert WeeklyClock("America/New_York", datetime(2024, 6, 4, tzinfo=UTC)).steady
    assert not WeeklyClock("America/New_York", datetime(2024, 3, 5, tzinfo=UTC)).steady
    assert not WeeklyClock("America/New_York", datetime(2024, 3, 11, tzinfo=UTC)).steady
    assert WeeklyClock("America/New_York", datetime(2024, 3, 12, tzinfo=UTC)).steady
