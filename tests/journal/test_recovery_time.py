"""Recovery time: days since the last reported use that counts, from the person's recovery date.

Medication taken as prescribed never resets it; a prescribed medication taken other than
prescribed does; unknown days never reset it but are reported; a lapse keeps the history.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homegroup.journal.recovery import (
    Milestone,
    Scope,
    Substance,
    add_months,
    counts_as_use,
    milestones,
    recovery_time,
    substances_used,
    today_in,
)

TODAY = date(2025, 6, 30)
CLEAN = frozenset()
ALCOHOL = frozenset({Substance.ALCOHOL})
OPIOIDS = frozenset({Substance.OPIOIDS})


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def test_a_recovery_date_100_days_ago_is_100_days():
    time = recovery_time(today=TODAY, recovery_date=days_ago(100), known={})
    assert time.days == 100
    assert time.start == days_ago(100)
    assert time.previous == ()


def test_the_recovery_date_itself_is_day_zero_and_tomorrow_is_one():
    assert recovery_time(today=TODAY, recovery_date=TODAY, known={}).days == 0
    assert recovery_time(today=TODAY, recovery_date=days_ago(1), known={}).days == 1


def test_buprenorphine_taken_as_prescribed_every_day_never_resets_the_count():
    # Medication taken as prescribed is not use: a checked-in day with it has no substances.
    known = {days_ago(n): substances_used(substances=[]) for n in range(100)}
    assert recovery_time(today=TODAY, recovery_date=days_ago(100), known=known).days == 100


def test_buprenorphine_taken_other_than_prescribed_counts_as_use():
    used = substances_used(substances=[], misused_medication="buprenorphine")
    assert used == {Substance.MEDICATION, Substance.OPIOIDS}
    time = recovery_time(today=TODAY, recovery_date=days_ago(100), known={days_ago(10): used})
    assert time.days == 9
    assert time.last_use == days_ago(10)


def test_naltrexone_taken_other_than_prescribed_is_not_use():
    # Naltrexone has no misuse potential: a question for the prescriber, never a lapse.
    used = substances_used(substances=[], misused_medication="naltrexone")
    assert used == frozenset()
    for scope in Scope:
        assert not counts_as_use(used, scope)
    time = recovery_time(today=TODAY, recovery_date=days_ago(100), known={days_ago(10): used})
    assert (time.days, time.last_use) == (100, None)


def test_other_medication_taken_other_than_prescribed_is_still_use():
    used = substances_used(substances=[], misused_medication="other")
    assert used == {Substance.MEDICATION}
    assert counts_as_use(used, Scope.ALL)
    assert not counts_as_use(used, Scope.OPIOIDS)


def test_unknown_days_never_reset_the_count_but_are_reported():
    known = {days_ago(n): CLEAN for n in (1, 2, 5)}
    time = recovery_time(
        today=TODAY, recovery_date=days_ago(100), known=known, tracking_since=days_ago(10)
    )
    assert time.days == 100
    # days 10..1 ago are tracked (10 days); 3 of them checked in; today is still under way
    assert time.unknown_days == 7


def test_days_before_the_journal_began_are_not_unknown():
    time = recovery_time(today=TODAY, recovery_date=days_ago(1000), known={days_ago(1): CLEAN})
    assert time.unknown_days == 0


def test_a_lapse_starts_a_new_count_and_keeps_the_earlier_one():
    time = recovery_time(today=TODAY, recovery_date=days_ago(200), known={days_ago(57): ALCOHOL})
    assert time.days == 56
    assert time.start == days_ago(56)
    [earlier] = time.previous
    assert earlier.start == days_ago(200)
    assert earlier.days == 143
    assert earlier.restarted_on == days_ago(56)


def test_several_lapses_are_kept_most_recent_first_and_back_to_back_use_days_make_no_streak():
    known = {days_ago(150): ALCOHOL, days_ago(60): ALCOHOL, days_ago(59): ALCOHOL}
    time = recovery_time(today=TODAY, recovery_date=days_ago(200), known=known)
    assert [s.days for s in time.previous] == [90 - 1, 50]
    assert time.longest_previous.days == 89
    assert time.days == 58


def test_use_reported_today_means_the_count_restarts_tomorrow():
    time = recovery_time(today=TODAY, recovery_date=days_ago(30), known={TODAY: ALCOHOL})
    assert time.days == 0
    assert time.start == TODAY + timedelta(days=1)
    assert time.next_milestone is None
    assert time.previous[0].days == 30


def test_use_before_the_recovery_date_is_ignored():
    time = recovery_time(today=TODAY, recovery_date=days_ago(10), known={days_ago(20): ALCOHOL})
    assert time.days == 10
    assert time.previous == ()


@pytest.mark.parametrize(
    ("scope", "used", "resets"),
    [
        (Scope.ALL, ALCOHOL, True),
        (Scope.ALL, OPIOIDS, True),
        (Scope.OPIOIDS, ALCOHOL, False),
        (Scope.OPIOIDS, OPIOIDS, True),
        (Scope.ALCOHOL, OPIOIDS, False),
        (Scope.ALCOHOL, ALCOHOL, True),
        (Scope.OPIOIDS, frozenset({Substance.CANNABIS}), False),
    ],
)
def test_the_person_chooses_what_their_count_measures(scope, used, resets):
    time = recovery_time(
        today=TODAY, recovery_date=days_ago(100), known={days_ago(5): used}, scope=scope
    )
    assert (time.days == 4) is resets
    assert (time.days == 100) is not resets


def test_without_a_recovery_date_the_count_starts_at_the_first_check_in():
    time = recovery_time(today=TODAY, recovery_date=None, known={days_ago(12): CLEAN})
    assert time.days == 12


def test_with_nothing_known_there_is_no_count():
    time = recovery_time(today=TODAY, recovery_date=None, known={})
    assert (time.start, time.days, time.next_milestone) == (None, 0, None)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2025, 3, 31), date(2025, 9, 30)),
        (date(2024, 8, 31), date(2025, 2, 28)),
        (date(2024, 1, 15), date(2024, 7, 15)),
    ],
)
def test_six_months_lands_on_the_same_day_or_the_months_last(start, expected):
    assert add_months(start, 6) == expected


def test_a_leap_day_anniversary_is_the_28th_of_february():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_milestones_are_1_7_30_60_90_days_6_and_9_months_1_year_18_months_then_yearly():
    start = date(2020, 1, 1)
    reached, upcoming = milestones(start, date(2023, 6, 1))
    assert [(m.amount, m.unit) for m in reached] == [
        (1, "days"), (7, "days"), (30, "days"), (60, "days"), (90, "days"),
        (6, "months"), (9, "months"), (1, "years"), (18, "months"), (2, "years"), (3, "years"),
    ]  # fmt: skip
    assert upcoming == Milestone(4, "years", date(2024, 1, 1))


def test_the_nine_and_eighteen_month_marks_fall_on_calendar_months():
    start = date(2024, 5, 31)
    marks = {(m.amount, m.unit): m.on for m in milestones(start, date(2026, 1, 1))[0]}
    assert marks[(9, "months")] == date(2025, 2, 28)
    assert marks[(18, "months")] == date(2025, 11, 30)


def test_the_next_milestone_of_a_new_count_is_one_day():
    time = recovery_time(today=TODAY, recovery_date=TODAY, known={})
    assert time.reached == ()
    assert time.next_milestone == Milestone(1, "days", TODAY + timedelta(days=1))


def test_a_milestone_is_reached_on_its_day():
    time = recovery_time(today=TODAY, recovery_date=days_ago(30), known={})
    assert time.reached[-1] == Milestone(30, "days", TODAY)


def test_today_follows_the_persons_time_zone():
    late_evening_in_new_york = datetime(2025, 7, 1, 2, 30, tzinfo=UTC)
    assert today_in("America/New_York", late_evening_in_new_york) == date(2025, 6, 30)
    assert today_in("Europe/Paris", late_evening_in_new_york) == date(2025, 7, 1)


substance_sets = st.frozensets(st.sampled_from(list(Substance)), max_size=3)
histories = st.dictionaries(
    st.integers(min_value=0, max_value=400).map(days_ago), substance_sets, max_size=60
)


@given(histories, st.integers(0, 500), st.integers(0, 400), st.sampled_from(list(Scope)))
def test_adding_a_day_of_medication_taken_as_prescribed_never_lowers_recovery_time(
    known, recovery_days, day, scope
):
    before = recovery_time(
        today=TODAY, recovery_date=days_ago(recovery_days), known=known, scope=scope
    )
    medicated = dict(known)
    medicated.setdefault(days_ago(day), substances_used(substances=[]))
    after = recovery_time(
        today=TODAY, recovery_date=days_ago(recovery_days), known=medicated, scope=scope
    )
    assert after.days >= before.days


@given(histories, st.integers(0, 500), st.sampled_from(list(Scope)))
def test_forgetting_a_clean_day_never_changes_the_count(known, recovery_days, scope):
    clean_days = [day for day, used in known.items() if not counts_as_use(used, scope)]
    time = recovery_time(
        today=TODAY, recovery_date=days_ago(recovery_days), known=known, scope=scope
    )
    for day in clean_days:
        fewer = {d: u for d, u in known.items() if d != day}
        assert (
            recovery_time(
                today=TODAY, recovery_date=days_ago(recovery_days), known=fewer, scope=scope
            ).days
            == time.days
        )


@given(histories, st.integers(0, 500), st.sampled_from(list(Scope)))
def test_the_count_never_exceeds_the_days_since_the_recovery_date(known, recovery_days, scope):
    time = recovery_time(
        today=TODAY, recovery_date=days_ago(recovery_days), known=known, scope=scope
    )
    assert 0 <= time.days <= recovery_days
    assert time.unknown_days >= 0
    # the kept counts and the current one never overlap and add up to at most the whole span
    assert sum(s.days for s in time.previous) + time.days <= recovery_days


@given(histories, st.integers(0, 500))
def test_an_opioids_only_count_is_never_shorter_than_an_all_substances_count(known, recovery_days):
    start = days_ago(recovery_days)
    everything = recovery_time(today=TODAY, recovery_date=start, known=known, scope=Scope.ALL)
    opioids = recovery_time(today=TODAY, recovery_date=start, known=known, scope=Scope.OPIOIDS)
    assert opioids.days >= everything.days


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 40))
def test_milestones_come_in_order_and_the_next_one_is_after_today(start, years):
    today = add_months(start, 12 * years)
    reached, upcoming = milestones(start, today)
    dates = [m.on for m in reached]
    assert dates == sorted(dates)
    assert all(day <= today for day in dates)
    assert upcoming.on > today
