"""Wall-clock times and durations as feeds write them."""

import contextlib
from datetime import time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homegroup.lib.times import (
    crosses_midnight,
    duration_between,
    end_from_start,
    format_time,
    parse_duration,
    parse_time,
)

minute_times = st.builds(
    time, st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=59)
)
durations = st.integers(min_value=0, max_value=24 * 60).map(lambda m: timedelta(minutes=m))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19:30", time(19, 30)),
        ("19:30:00", time(19, 30)),
        ("07:05:09", time(7, 5, 9)),
        ("7:30 PM", time(19, 30)),
        ("7:30pm", time(19, 30)),
        ("7 p.m.", time(19, 0)),
        ("12:00 AM", time(0, 0)),
        ("12:15 pm", time(12, 15)),
        ("1730", time(17, 30)),
        ("600", time(6, 0)),
        ("730pm", time(19, 30)),
        ("noon", time(12, 0)),
        ("Midnight", time(0, 0)),
        ("24:00", time(0, 0)),
        ("  8:00 am ", time(8, 0)),
    ],
)
def test_parse_time_reads_the_ways_feeds_write_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25:00", "not a time of day: '25:00'"),
        ("7:60", "not a time of day"),
        ("13:00 PM", "12-hour clock hours are 1-12"),
        ("0:30 am", "12-hour clock hours are 1-12"),
        ("7", "an hour alone needs AM or PM"),
        ("soon", "not a time of day"),
        ("", "no time given"),
        ("12345", "not a time of day"),
    ],
)
def test_parse_time_refuses_what_is_not_a_time_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_time(text)


def test_parse_time_refuses_non_text():
    with pytest.raises(ValueError, match="expected text"):
        parse_time(1930)  # type: ignore[arg-type]


@given(minute_times)
def test_24_hour_text_round_trips(value):
    assert parse_time(format_time(value)) == value
    assert parse_time(value.strftime("%H:%M:%S")) == value
    assert parse_time(value.strftime("%H%M")) == value


@given(minute_times, st.sampled_from(["%I:%M %p", "%I:%M%p", "%-I:%M %p", "%-I:%M%p"]))
def test_12_hour_text_round_trips(value, pattern):
    assert parse_time(value.strftime(pattern)) == value
    assert parse_time(value.strftime(pattern).lower()) == value


@given(st.text(max_size=10))
def test_parse_time_only_ever_raises_value_error(text):
    with contextlib.suppress(ValueError):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01:30:00", timedelta(hours=1, minutes=30)),
        ("1:30", timedelta(hours=1, minutes=30)),
        ("90", timedelta(minutes=90)),
        ("1hr 30mins", timedelta(hours=1, minutes=30)),
        ("1.5 hours", timedelta(hours=1, minutes=30)),
        ("1h30", timedelta(hours=1, minutes=30)),
        ("45 min", timedelta(minutes=45)),
        ("24:00:00", timedelta(hours=24)),
    ],
)
def test_parse_duration_reads_clock_minutes_and_words(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("25:00:00", "longer than a day"),
        ("1:75", "not a duration"),
        ("soon", "not a duration"),
        ("", "no duration given"),
        (-5, "cannot be negative"),
        (True, "not a duration"),
    ],
)
def test_parse_duration_refuses_what_is_not_a_duration(value, message):
    with pytest.raises(ValueError, match=message):
        parse_duration(value)


def test_an_end_before_the_start_crosses_midnight():
    assert crosses_midnight(start=time(23, 0), end=time(0, 30))
    assert duration_between(start=time(23, 0), end=time(0, 30)) == timedelta(minutes=90)
    assert not crosses_midnight(start=time(19, 0), end=time(20, 0))


def test_an_end_equal_to_the_start_is_no_duration_not_a_whole_day():
    assert duration_between(start=time(19, 0), end=time(19, 0)) == timedelta(0)
    assert not crosses_midnight(start=time(19, 0), end=time(19, 0))


def test_the_end_wraps_past_midnight():
    assert end_from_start(start=time(23, 59), duration=timedelta(minutes=90)) == time(1, 29)


@given(minute_times, durations)
def test_end_and_duration_are_inverse(start, duration):
    end = end_from_start(start=start, duration=duration)
    if duration < timedelta(days=1):
        assert duration_between(start=start, end=end) == duration
    expected_cross = (start.hour * 60 + start.minute) + duration.total_seconds() / 60 >= 24 * 60
    if duration not in (timedelta(0), timedelta(days=1)):
        assert crosses_midnight(start=start, end=end) == expected_cross


@given(st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=59))
def test_clock_durations_round_trip(hours, minutes):
    expected = timedelta(hours=hours, minutes=minutes)
    assert parse_duration(f"{hours:02d}:{minutes:02d}:00") == expected
    assert parse_duration(f"{hours}:{minutes:02d}") == expected
    assert parse_duration(str(hours * 60 + minutes)) == expected
