"""journal.safety: when a saved day calls for the overdose-risk note. Pure, no database."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from homegroup.journal.recovery import DoseStatus, Schedule, Scope, Substance
from homegroup.journal.safety import (
    MIN_MISSED_IN_A_ROW,
    MIN_OPIOID_FREE_DAYS,
    AgonistDoses,
    missed_run,
    opioid_free_days_before,
    overdose_risk,
)

DAY = date(2025, 6, 15)
OPIOIDS = frozenset({Substance.OPIOIDS})
ALCOHOL = frozenset({Substance.ALCOHOL})
NOTHING: frozenset[Substance] = frozenset()
DAILY = Schedule(weekdays=frozenset(range(7)), active_from=date(2024, 1, 1))


def back(days: int) -> date:
    return DAY - timedelta(days=days)


# --- Return to opioid use ------------------------------------------------------------------------


def test_opioid_use_after_seven_days_without_shows_the_note():
    known = {back(8): OPIOIDS, **{back(n): NOTHING for n in range(1, 8)}, DAY: OPIOIDS}
    risk = overdose_risk(day=DAY, used=OPIOIDS, known=known)
    assert risk is not None
    assert risk.opioid_free_days == 7
    assert risk.return_to_opioids


def test_opioid_use_after_six_days_without_shows_nothing():
    known = {back(7): OPIOIDS, **{back(n): NOTHING for n in range(1, 7)}}
    assert overdose_risk(day=DAY, used=OPIOIDS, known=known) is None


def test_daily_use_is_not_a_return_to_use():
    known = {back(n): OPIOIDS for n in range(0, 30)}
    assert overdose_risk(day=DAY, used=OPIOIDS, known=known) is None


def test_a_recovery_date_is_evidence_of_a_stretch_without_opioids():
    risk = overdose_risk(day=DAY, used=OPIOIDS, known={}, recovery_date=back(40))
    assert risk is not None
    assert risk.opioid_free_days == 40


def test_an_alcohol_only_count_says_nothing_about_opioids():
    assert (
        overdose_risk(day=DAY, used=OPIOIDS, known={}, recovery_date=back(40), scope=Scope.ALCOHOL)
        is None
    )


def test_a_first_check_in_reporting_use_has_no_stretch_to_return_from():
    assert overdose_risk(day=DAY, used=OPIOIDS, known={DAY: OPIOIDS}) is None


def test_unknown_days_do_not_shorten_the_stretch_but_are_not_counted_as_clean_days_either():
    # Ten days ago a day without opioids was recorded; nothing since: the journal shows no use.
    risk = overdose_risk(day=DAY, used=OPIOIDS, known={back(10): NOTHING})
    assert risk is not None
    assert risk.opioid_free_days == 10


def test_drinking_after_a_stretch_is_not_an_opioid_overdose_risk():
    assert overdose_risk(day=DAY, used=ALCOHOL, known={}, recovery_date=back(90)) is None


def test_a_misused_buprenorphine_dose_counts_as_opioid_use():
    used = frozenset({Substance.MEDICATION, Substance.OPIOIDS})
    risk = overdose_risk(day=DAY, used=used, known={}, recovery_date=back(30))
    assert risk is not None
    assert risk.opioid_free_days == 30


def test_later_days_are_ignored():
    known = {back(20): NOTHING, DAY + timedelta(days=1): OPIOIDS}
    assert opioid_free_days_before(day=DAY, known=known) == 20


day_offsets = st.integers(min_value=1, max_value=60)
histories = st.dictionaries(
    day_offsets.map(back), st.sampled_from([OPIOIDS, NOTHING, ALCOHOL]), max_size=40
)


@given(histories, st.one_of(st.none(), day_offsets.map(back)))
def test_the_stretch_matches_a_brute_force_count(known, recovery_date):
    last_use = max((d for d, used in known.items() if Substance.OPIOIDS in used), default=None)
    if last_use is not None:
        expected: int | None = (DAY - last_use).days - 1
    else:
        starts = [d for d, used in known.items()]
        if recovery_date is not None:
            starts.append(recovery_date)
        expected = (DAY - min(starts)).days if starts else None
    assert opioid_free_days_before(day=DAY, known=known, recovery_date=recovery_date) == expected


@given(histories, st.one_of(st.none(), day_offsets.map(back)))
def test_the_return_note_shows_exactly_when_the_stretch_reaches_seven_days(known, recovery_date):
    risk = overdose_risk(day=DAY, used=OPIOIDS, known=known, recovery_date=recovery_date)
    free = opioid_free_days_before(day=DAY, known=known, recovery_date=recovery_date)
    assert (risk is not None) == (free is not None and free >= MIN_OPIOID_FREE_DAYS)


@given(histories, st.one_of(st.none(), day_offsets.map(back)))
def test_no_opioid_use_that_day_never_shows_the_return_note(known, recovery_date):
    for used in (NOTHING, ALCOHOL):
        assert overdose_risk(day=DAY, used=used, known=known, recovery_date=recovery_date) is None


@given(histories, st.integers(min_value=1, max_value=MIN_OPIOID_FREE_DAYS))
def test_opioid_use_in_the_week_before_suppresses_the_return_note(known, days_ago):
    known = dict(known) | {back(days_ago): OPIOIDS}
    assert overdose_risk(day=DAY, used=OPIOIDS, known=known, recovery_date=back(60)) is None


# --- Missed methadone or buprenorphine doses ----------------------------------------------------


def reports(statuses: dict[int, DoseStatus]) -> dict[date, DoseStatus]:
    return {back(n): status for n, status in statuses.items()}


def test_three_missed_buprenorphine_doses_in_a_row_show_the_note():
    doses = AgonistDoses(
        "buprenorphine",
        DAILY,
        reports({0: DoseStatus.MISSED, 1: DoseStatus.MISSED, 2: DoseStatus.MISSED}),
    )
    risk = overdose_risk(day=DAY, used=NOTHING, known={}, doses=[doses])
    assert risk is not None
    assert risk.missed_in_a_row == 3
    assert risk.medication == "buprenorphine"
    assert not risk.return_to_opioids


def test_two_missed_doses_show_nothing():
    doses = AgonistDoses("methadone", DAILY, reports({0: DoseStatus.MISSED, 1: DoseStatus.MISSED}))
    assert overdose_risk(day=DAY, used=NOTHING, known={}, doses=[doses]) is None


def test_an_unanswered_day_ends_the_run():
    doses = AgonistDoses(
        "methadone",
        DAILY,
        reports({0: DoseStatus.MISSED, 1: DoseStatus.MISSED, 3: DoseStatus.MISSED}),
    )
    assert missed_run(day=DAY, schedule=DAILY, reports=doses.reports) == 2


def test_missed_naltrexone_is_not_an_opioid_tolerance_risk():
    doses = AgonistDoses("naltrexone", DAILY, reports(dict.fromkeys(range(5), DoseStatus.MISSED)))
    assert overdose_risk(day=DAY, used=NOTHING, known={}, doses=[doses]) is None


def test_a_run_counts_only_scheduled_days():
    sundays = Schedule(weekdays=frozenset({0}), active_from=date(2024, 1, 1))  # DAY is a Sunday
    statuses = {back(0): DoseStatus.MISSED, back(7): DoseStatus.MISSED, back(14): DoseStatus.MISSED}
    assert missed_run(day=DAY, schedule=sundays, reports=statuses) == 3


def test_filling_a_gap_in_the_middle_of_a_run_counts_the_days_after_it_too():
    statuses = reports({-1: DoseStatus.MISSED, 0: DoseStatus.MISSED, 1: DoseStatus.MISSED})
    assert missed_run(day=DAY, schedule=DAILY, reports=statuses) == 3


status_histories = st.dictionaries(
    st.integers(min_value=-20, max_value=20), st.sampled_from(list(DoseStatus)), max_size=41
)


@given(status_histories)
def test_the_run_matches_a_brute_force_walk(statuses):
    by_day = reports(statuses)
    expected = 0
    if by_day.get(DAY) is DoseStatus.MISSED:
        expected = 1
        for step in (-1, 1):
            n = step
            while by_day.get(DAY + timedelta(days=n)) is DoseStatus.MISSED:
                expected += 1
                n += step
    assert missed_run(day=DAY, schedule=DAILY, reports=by_day) == expected


@given(status_histories)
def test_medication_taken_as_prescribed_never_shows_the_note(statuses):
    taken = {n: DoseStatus.TAKEN for n in statuses}
    doses = AgonistDoses("buprenorphine", DAILY, reports(taken))
    assert overdose_risk(day=DAY, used=NOTHING, known={}, doses=[doses]) is None


@given(status_histories)
def test_the_missed_note_shows_exactly_from_three_in_a_row(statuses):
    doses = AgonistDoses("methadone", DAILY, reports(statuses))
    risk = overdose_risk(day=DAY, used=NOTHING, known={}, doses=[doses])
    run = missed_run(day=DAY, schedule=DAILY, reports=doses.reports)
    assert (risk is not None) == (run >= MIN_MISSED_IN_A_ROW)
