"""Adherence from check-ins, percent days abstinent, meetings per week and 90-in-90."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from homegroup.journal.recovery import (
    DoseStatus,
    Schedule,
    Scope,
    Substance,
    adherence,
    days_summary,
    meetings_in_last,
    meetings_per_week,
    ninety_in_ninety,
    scheduled_days,
    week_start,
    weekly_meetings,
)

MONDAY = date(2025, 6, 2)
DAILY = frozenset(range(7))
MON_WED_FRI = frozenset({1, 3, 5})  # 0 = Sunday


def test_a_daily_plan_is_due_every_day_it_is_active():
    plan = Schedule(
        DAILY, active_from=MONDAY + timedelta(days=2), active_to=MONDAY + timedelta(days=5)
    )
    assert scheduled_days(plan, MONDAY, MONDAY + timedelta(days=9)) == [
        MONDAY + timedelta(days=n) for n in range(2, 6)
    ]


def test_a_weekday_plan_is_due_on_its_days_with_sunday_as_zero():
    plan = Schedule(MON_WED_FRI, active_from=MONDAY)
    due = scheduled_days(plan, MONDAY, MONDAY + timedelta(days=6))
    assert [d.strftime("%a") for d in due] == ["Mon", "Wed", "Fri"]


def test_adherence_counts_taken_missed_different_and_unknown_scheduled_days():
    plan = Schedule(DAILY, active_from=MONDAY)
    reports = {
        MONDAY: DoseStatus.TAKEN,
        MONDAY + timedelta(days=1): DoseStatus.TAKEN,
        MONDAY + timedelta(days=2): DoseStatus.MISSED,
        MONDAY + timedelta(days=3): DoseStatus.DIFFERENT_DOSE,
    }
    result = adherence(schedule=plan, reports=reports, start=MONDAY, end=MONDAY + timedelta(days=4))
    counts = (result.scheduled, result.taken, result.missed, result.different_dose, result.unknown)
    assert counts == (5, 2, 1, 1, 1)
    assert result.percent_taken == 40.0
    assert result.percent_taken_of_known == 50.0


def test_a_dose_reported_on_a_day_it_was_not_due_is_not_counted():
    plan = Schedule(MON_WED_FRI, active_from=MONDAY)
    result = adherence(
        schedule=plan,
        reports={MONDAY + timedelta(days=1): DoseStatus.TAKEN},
        start=MONDAY,
        end=MONDAY + timedelta(days=1),
    )
    assert (result.scheduled, result.taken, result.unknown) == (1, 0, 1)


def test_no_scheduled_day_means_no_percentage():
    plan = Schedule(DAILY, active_from=MONDAY + timedelta(days=30))
    assert adherence(schedule=plan, reports={}, start=MONDAY, end=MONDAY).percent_taken is None


def test_percent_days_abstinent_is_of_the_known_days_only():
    known = {
        MONDAY: frozenset(),
        MONDAY + timedelta(days=1): frozenset({Substance.ALCOHOL}),
        MONDAY + timedelta(days=2): frozenset(),
        MONDAY + timedelta(days=3): frozenset(),
    }
    summary = days_summary(known=known, start=MONDAY, end=MONDAY + timedelta(days=9))
    assert (summary.days, summary.abstinent, summary.used, summary.unknown) == (10, 3, 1, 6)
    assert summary.percent_abstinent == 75.0
    # ...and it says how much of the window that is: 4 of 10 days checked in.
    assert (summary.checked_in, summary.percent_checked_in) == (4, 40.0)
    opioids_only = days_summary(
        known=known, start=MONDAY, end=MONDAY + timedelta(days=9), scope=Scope.OPIOIDS
    )
    assert opioids_only.percent_abstinent == 100.0


def test_with_no_known_day_there_is_no_percent_days_abstinent():
    summary = days_summary(known={}, start=MONDAY, end=MONDAY)
    assert summary.percent_abstinent is None
    assert summary.percent_checked_in == 0.0


def test_meetings_in_the_last_days_include_today():
    days = [MONDAY, MONDAY, MONDAY - timedelta(days=6), MONDAY - timedelta(days=7)]
    assert meetings_in_last(days, MONDAY, 7) == 3
    assert meetings_in_last(days, MONDAY, 30) == 4


def test_meetings_per_week():
    days = [MONDAY + timedelta(days=n) for n in range(0, 14, 2)]  # 7 meetings in 14 days
    assert meetings_per_week(days, MONDAY, MONDAY + timedelta(days=13)) == 3.5


def test_weeks_start_on_sunday_and_empty_weeks_are_listed():
    assert week_start(MONDAY) == MONDAY - timedelta(days=1)
    weeks = weekly_meetings(
        [MONDAY, MONDAY + timedelta(days=15)], MONDAY, MONDAY + timedelta(days=20)
    )
    # 1 June (Sunday) to 22 June (a Sunday too): four weeks touch the window
    assert [count for _week, count in weeks] == [1, 0, 1, 0]


def test_ninety_in_ninety_over_the_last_90_days():
    today = MONDAY
    days = [today - timedelta(days=n) for n in range(45)] + [today]  # 46 meetings
    progress = ninety_in_ninety(days, today=today)
    assert progress.day == 90
    assert progress.meetings == 46
    assert progress.days_with_a_meeting == 45
    assert not progress.complete
    assert not progress.on_track


def test_ninety_in_ninety_from_a_chosen_start_is_on_track_with_a_meeting_a_day():
    start = MONDAY
    days = [start + timedelta(days=n) for n in range(10)]
    progress = ninety_in_ninety(days, today=start + timedelta(days=9), started_on=start)
    assert (progress.day, progress.meetings, progress.on_track) == (10, 10, True)


@given(
    st.lists(st.integers(0, 120).map(lambda n: MONDAY - timedelta(days=n)), max_size=200),
    st.integers(1, 120),
)
def test_meetings_in_a_longer_window_are_never_fewer(days, window):
    assert meetings_in_last(days, MONDAY, window + 1) >= meetings_in_last(days, MONDAY, window)


@given(
    st.dictionaries(
        st.integers(0, 60).map(lambda n: MONDAY + timedelta(days=n)),
        st.sampled_from(list(DoseStatus)),
    ),
    st.frozensets(st.integers(0, 6), min_size=1),
)
def test_adherence_parts_always_add_up_to_the_scheduled_days(reports, weekdays):
    result = adherence(
        schedule=Schedule(weekdays, active_from=MONDAY),
        reports=reports,
        start=MONDAY,
        end=MONDAY + timedelta(days=60),
    )
    assert result.unknown >= 0
    assert result.taken + result.missed + result.different_dose + result.unknown == result.scheduled
