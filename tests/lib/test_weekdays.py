"""One weekday convention (0 = Sunday) and the converters at the edges."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homegroup.lib.weekdays import (
    DAY_NAMES,
    SATURDAY,
    SUNDAY,
    TUESDAY,
    day_name,
    from_bmlt,
    from_python,
    parse_day,
    to_bmlt,
    to_django_week_day,
    to_python,
)

days = st.integers(min_value=0, max_value=6)


def test_sunday_is_zero_and_saturday_is_six():
    assert (SUNDAY, SATURDAY) == (0, 6)
    assert day_name(0) == "Sunday"
    assert day_name(6) == "Saturday"


def test_bmlt_one_is_sunday_and_seven_is_saturday():
    assert from_bmlt("1") == SUNDAY
    assert from_bmlt(7) == SATURDAY
    assert to_bmlt(SUNDAY) == 1


@pytest.mark.parametrize("value", ["0", "8", "", "Sunday", 0, 8, True, None])
def test_a_bmlt_weekday_outside_one_to_seven_is_refused(value):
    with pytest.raises(ValueError, match="1-7 with 1 = Sunday"):
        from_bmlt(value)


def test_python_monday_zero_becomes_one():
    assert from_python(0) == 1
    assert from_python(6) == SUNDAY
    assert to_python(SUNDAY) == 6


def test_django_week_day_lookup_counts_sunday_as_one():
    assert to_django_week_day(SUNDAY) == 1
    assert to_django_week_day(SATURDAY) == 7


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, 3),
        ("3", 3),
        (" 0 ", 0),
        ("Tuesday", TUESDAY),
        ("tue", TUESDAY),
        ("TUES", TUESDAY),
        ("tu", TUESDAY),
        ("Thurs", 4),
        ("thu.", 4),
        ("weds", 3),
        ("Saturdays", SATURDAY),
        ("su", SUNDAY),
    ],
)
def test_parse_day_reads_numbers_and_names_in_any_case(value, expected):
    assert parse_day(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (7, "0-6"),
        (-1, "0-6"),
        ("7", "0-6"),
        ("t", "not a day"),
        ("s", "not a day"),
        ("Funday", "not a day"),
        ("", "no day given"),
        (True, "not a day"),
        (None, "not a day"),
        (2.0, "not a day"),
    ],
)
def test_parse_day_refuses_what_is_not_a_day_with_a_clear_message(value, message):
    with pytest.raises(ValueError, match=message):
        parse_day(value)


@given(days)
def test_bmlt_conversion_round_trips(day):
    assert from_bmlt(to_bmlt(day)) == day
    assert from_bmlt(str(to_bmlt(day))) == day


@given(days)
def test_python_conversion_round_trips(day):
    assert from_python(to_python(day)) == day


@given(st.dates())
def test_python_conversion_agrees_with_the_calendar(a_date: date):
    # strftime("%w") is the C library's own 0 = Sunday numbering.
    assert from_python(a_date.weekday()) == int(a_date.strftime("%w"))
    assert to_python(int(a_date.strftime("%w"))) == a_date.weekday()


@given(days, st.integers(min_value=3, max_value=9), st.sampled_from([str.lower, str.upper, str]))
def test_any_case_and_any_prefix_of_three_letters_or_more_reads_the_same_day(day, length, case):
    assert parse_day(case(DAY_NAMES[day][:length])) == day


@given(st.text(max_size=12))
def test_parse_day_only_ever_raises_value_error(text):
    try:
        result = parse_day(text)
    except ValueError:
        return
    assert 0 <= result <= 6


def test_a_week_of_dates_maps_to_seven_distinct_days():
    monday = date(2024, 1, 1)
    assert monday.weekday() == 0
    seen = [from_python((monday + timedelta(days=n)).weekday()) for n in range(7)]
    assert seen == [1, 2, 3, 4, 5, 6, 0]
