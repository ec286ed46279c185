"""journal.progress: the week-by-week numbers of the progress charts. Pure, no database."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from homegroup.journal.progress import DayFacts, MedicationDoses, totals, weeks
from homegroup.journal.recovery import DoseStatus, Schedule, Scope, Substance

START = date(2025, 3, 5)  # a Wednesday
END = date(2025, 3, 25)  # a Tuesday


def test_weeks_start_on_sunday_and_edge_weeks_count_only_their_days_inside():
    result = weeks(start=START, end=END, facts=[])
    assert [w.start for w in result] == [
        date(2025, 3, 2),
        date(2025, 3, 9),
        date(2025, 3, 16),
        date(2025, 3, 23),
    ]
    assert [w.days for w in result] == [4, 7, 7, 3]


def test_a_day_without_a_check_in_is_unknown_never_without_use():
    facts = [DayFacts(day=date(2025, 3, 10), used=frozenset())]
    second = weeks(start=START, end=END, facts=facts)[1]
    assert (second.abstinent, second.used, second.unknown) == (1, 0, 6)


def test_a_check_in_without_a_use_answer_is_unknown_for_use_but_counts_its_meetings():
    facts = [DayFacts(day=date(2025, 3, 10), meetings=2, used=None)]
    second = weeks(start=START, end=END, facts=facts)[1]
    assert second.meetings == 2
    assert second.unknown == 7


def test_use_follows_the_persons_scope():
    facts = [DayFacts(day=date(2025, 3, 10), used=frozenset({Substance.ALCOHOL}))]
    assert weeks(start=START, end=END, facts=facts, scope=Scope.OPIOIDS)[1].abstinent == 1
    assert weeks(start=START, end=END, facts=facts, scope=Scope.ALL)[1].used == 1


def test_doses_are_counted_on_scheduled_days_and_unanswered_ones_are_not_recorded():
    schedule = Schedule(weekdays=frozenset({1, 3, 5}), active_from=date(2025, 1, 1))  # M W F
    reports = {date(2025, 3, 10): DoseStatus.TAKEN, date(2025, 3, 12): DoseStatus.MISSED}
    second = weeks(
        start=START, end=END, facts=[], medications=[MedicationDoses(schedule, reports)]
    )[1]
    assert (second.doses_scheduled, second.doses_taken, second.doses_missed) == (3, 1, 1)
    assert second.doses_unknown == 1


def test_totals_sum_the_weeks_and_name_the_most_frequent_activity():
    facts = [
        DayFacts(day=date(2025, 3, 10), meetings=1, activities=frozenset({"service"})),
        DayFacts(
            day=date(2025, 3, 11), meetings=1, activities=frozenset({"service", "literature"})
        ),
    ]
    result = totals(weeks(start=START, end=END, facts=facts))
    assert result.meetings == 2
    assert result.weeks_with_a_meeting == 1
    assert result.most_frequent_activity == "service"
    assert result.meetings_per_week == round(2 / (21 / 7), 1)


offsets = st.integers(min_value=0, max_value=(END - START).days)
facts_strategy = st.lists(
    st.builds(
        DayFacts,
        day=offsets.map(lambda n: START + timedelta(days=n)),
        meetings=st.integers(min_value=0, max_value=3),
        used=st.sampled_from([None, frozenset(), frozenset({Substance.OPIOIDS})]),
    ),
    unique_by=lambda fact: fact.day,
)


@given(facts_strategy)
def test_every_day_of_the_window_is_counted_once_as_without_use_with_use_or_unknown(facts):
    result = weeks(start=START, end=END, facts=facts)
    assert sum(w.days for w in result) == (END - START).days + 1
    assert sum(w.abstinent + w.used + w.unknown for w in result) == (END - START).days + 1
    assert sum(w.unknown for w in result) == (END - START).days + 1 - sum(
        1 for fact in facts if fact.used is not None
    )
    assert sum(w.meetings for w in result) == sum(fact.meetings for fact in facts)
