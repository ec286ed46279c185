"""journal.safety: which overdose-risk note a saved day calls for, if any. Pure, no database.

The four cases of the rule (recovery-care.md §7), then the building blocks: the opioid-free
stretch and the calendar days without a dose.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from homegroup.journal.recovery import DoseStatus, Schedule, Scope, Substance
from homegroup.journal.safety import (
    MIN_DAYS_WITHOUT_DOSE,
    MIN_OPIOID_FREE_DAYS,
    Case,
    MedicationDoses,
    OverdoseNote,
    Wording,
    continued_use,
    days_without_dose,
    opioid_free_days_before,
    overdose_note,
)

DAY = date(2025, 6, 15)  # a Sunday
OPIOIDS = frozenset({Substance.OPIOIDS})
ALCOHOL = frozenset({Substance.ALCOHOL})
NOTHING: frozenset[Substance] = frozenset()
DAILY = Schedule(weekdays=frozenset(range(7)), active_from=date(2024, 1, 1))
MISSED, TAKEN = DoseStatus.MISSED, DoseStatus.TAKEN


def back(days: int) -> date:
    return DAY - timedelta(days=days)


def reports(statuses: dict[int, DoseStatus]) -> dict[date, DoseStatus]:
    """Dose reports by days before DAY (negative: after it)."""
    return {back(n): status for n, status in statuses.items()}


def taken_every_day(days: int = 30) -> dict[date, DoseStatus]:
    return reports(dict.fromkeys(range(days), TAKEN))


def plan(kind: str, statuses: dict[date, DoseStatus], schedule: Schedule = DAILY):
    return MedicationDoses(kind, schedule, statuses)


# --- The four cases -----------------------------------------------------------------------------


def test_opioid_use_on_buprenorphine_taken_as_prescribed_is_about_fentanyl_and_mixing():
    # Ana takes her buprenorphine every day; a week without opioids, then fentanyl.
    known = {back(n): NOTHING for n in range(1, 10)}
    note = overdose_note(
        day=DAY,
        used=OPIOIDS,
        known=known,
        medications=[plan("buprenorphine", taken_every_day())],
    )
    assert note == OverdoseNote(
        case=Case.AGONIST_AS_PRESCRIBED,
        wording=Wording.FENTANYL_AND_MIXING_ON_MEDICATION,
        medication="buprenorphine",
    )
    assert note.opioid_free_days is None  # never "your tolerance drops" for her


def test_three_calendar_days_without_a_methadone_dose_say_wait_for_the_clinic():
    doses = plan("methadone", reports({0: MISSED, 1: MISSED, 2: MISSED, 3: TAKEN}))
    note = overdose_note(day=DAY, used=NOTHING, known={}, medications=[doses])
    assert note is not None
    assert (note.case, note.wording) == (Case.AGONIST_DAYS_WITHOUT_DOSE, Wording.DAYS_WITHOUT_DOSE)
    assert (note.medication, note.days_without_dose, note.missed_dose) == ("methadone", 3, True)


def test_opioid_use_after_three_days_without_a_dose_is_the_days_without_a_dose_case():
    doses = plan("buprenorphine", reports({1: MISSED, 2: MISSED, 3: MISSED, 4: TAKEN}))
    note = overdose_note(day=DAY, used=OPIOIDS, known={}, medications=[doses])
    assert note is not None
    assert note.case is Case.AGONIST_DAYS_WITHOUT_DOSE
    # The saved day's own dose is not answered: it may still be taken, so it does not count.
    assert note.days_without_dose == 3
    assert not note.missed_dose


def test_a_missed_naltrexone_dose_says_tolerance_is_low():
    doses = plan("naltrexone", reports({0: MISSED, 1: TAKEN}))
    note = overdose_note(day=DAY, used=NOTHING, known={}, medications=[doses])
    assert note == OverdoseNote(
        case=Case.NALTREXONE,
        wording=Wording.NALTREXONE_LOW_TOLERANCE,
        medication="naltrexone",
        missed_dose=True,
    )


def test_opioid_use_after_a_week_without_and_no_medication_says_tolerance_drops():
    known = {back(8): OPIOIDS, **{back(n): NOTHING for n in range(1, 8)}, DAY: OPIOIDS}
    note = overdose_note(day=DAY, used=OPIOIDS, known=known)
    assert note == OverdoseNote(
        case=Case.NO_MEDICATION, wording=Wording.TOLERANCE_AFTER_TIME_WITHOUT, opioid_free_days=7
    )


# --- Agonist taken as prescribed ----------------------------------------------------------------


def test_one_or_two_missed_doses_keep_the_agonist_as_prescribed_case():
    doses = plan("methadone", reports({1: MISSED, 2: MISSED, 3: TAKEN}))
    note = overdose_note(day=DAY, used=OPIOIDS, known={}, medications=[doses])
    assert note is not None
    assert note.case is Case.AGONIST_AS_PRESCRIBED


def test_two_missed_doses_without_use_show_nothing():
    doses = plan("methadone", reports({0: MISSED, 1: MISSED, 2: TAKEN}))
    assert overdose_note(day=DAY, used=NOTHING, known={}, medications=[doses]) is None


def test_medication_taken_as_prescribed_without_use_shows_nothing():
    doses = plan("buprenorphine", taken_every_day())
    assert overdose_note(day=DAY, used=NOTHING, known={}, medications=[doses]) is None


def test_continued_opioid_use_on_medication_shows_no_note_again():
    known = {back(2): OPIOIDS}
    doses = plan("buprenorphine", taken_every_day())
    assert overdose_note(day=DAY, used=OPIOIDS, known=known, medications=[doses]) is None


def test_a_misused_buprenorphine_dose_is_opioid_use_on_top_of_the_medication():
    used = frozenset({Substance.MEDICATION, Substance.OPIOIDS})
    doses = plan("buprenorphine", taken_every_day())
    note = overdose_note(day=DAY, used=used, known={}, medications=[doses])
    assert note is not None
    assert note.case is Case.AGONIST_AS_PRESCRIBED


# --- Days without a dose: calendar days, not scheduled doses -------------------------------------


def test_days_without_a_dose_count_calendar_days_on_a_schedule_with_gaps():
    # Monday, Wednesday and Friday; DAY is a Sunday. Friday taken, Monday and Wednesday missed.
    mwf = Schedule(weekdays=frozenset({1, 3, 5}), active_from=date(2024, 1, 1))
    monday, wednesday, friday = back(6), back(4), back(9)
    statuses = {friday: TAKEN, monday: MISSED, wednesday: MISSED}
    # From the first missed dose (Monday) to the saved Wednesday: 3 calendar days.
    assert days_without_dose(day=wednesday, schedule=mwf, reports=statuses) == 3
    # The days before the first missed dose are covered by Friday's: never counted.
    assert days_without_dose(day=monday, schedule=mwf, reports={friday: TAKEN, monday: MISSED}) == 1
    # Only two scheduled doses missed, yet 3 days: the note shows (the rule is calendar days).
    note = overdose_note(
        day=wednesday, used=NOTHING, known={}, medications=[plan("methadone", statuses, mwf)]
    )
    assert note is not None
    assert note.case is Case.AGONIST_DAYS_WITHOUT_DOSE


def test_a_weekly_dose_missed_twice_is_eight_days_without_a_dose():
    sundays = Schedule(weekdays=frozenset({0}), active_from=date(2024, 1, 1))
    statuses = {back(0): MISSED, back(7): MISSED, back(14): TAKEN}
    assert days_without_dose(day=DAY, schedule=sundays, reports=statuses) == 8


def test_an_unanswered_earlier_day_ends_the_run():
    statuses = reports({0: MISSED, 1: MISSED, 3: MISSED})
    assert days_without_dose(day=DAY, schedule=DAILY, reports=statuses) == 2


def test_a_dose_taken_that_day_means_no_run():
    statuses = reports({0: TAKEN, 1: MISSED, 2: MISSED})
    assert days_without_dose(day=DAY, schedule=DAILY, reports=statuses) == 0


def test_a_different_dose_is_a_dose_taken():
    statuses = reports({0: MISSED, 1: DoseStatus.DIFFERENT_DOSE, 2: MISSED})
    assert days_without_dose(day=DAY, schedule=DAILY, reports=statuses) == 1


def test_filling_a_gap_in_the_middle_of_a_run_counts_the_days_after_it_too():
    statuses = reports({-1: MISSED, 0: MISSED, 1: MISSED})
    assert days_without_dose(day=DAY, schedule=DAILY, reports=statuses) == 3


def test_every_day_after_a_plan_ended_is_a_day_without_a_dose():
    ended = Schedule(weekdays=frozenset(range(7)), active_from=date(2024, 1, 1), active_to=back(5))
    statuses = {back(5): TAKEN}
    assert days_without_dose(day=DAY, schedule=ended, reports=statuses) == 5
    note = overdose_note(
        day=DAY, used=OPIOIDS, known={}, medications=[plan("methadone", statuses, ended)]
    )
    assert note is not None
    assert (note.case, note.stopped_on, note.days_without_dose) == (
        Case.AGONIST_DAYS_WITHOUT_DOSE,
        back(5),
        5,
    )


def test_a_plan_that_ended_long_ago_is_no_medication():
    ended = Schedule(weekdays=frozenset(range(7)), active_from=date(2023, 1, 1), active_to=back(90))
    note = overdose_note(
        day=DAY,
        used=OPIOIDS,
        known={},
        recovery_date=back(90),
        medications=[plan("methadone", {}, ended)],
    )
    assert note is not None
    assert (note.case, note.opioid_free_days) == (Case.NO_MEDICATION, 90)


status_histories = st.dictionaries(
    st.integers(min_value=-20, max_value=20), st.sampled_from(list(DoseStatus)), max_size=41
)


@given(status_histories, st.sampled_from(list(DoseStatus)))
def test_on_a_daily_schedule_the_days_are_the_missed_doses_in_a_row(statuses, today):
    # The saved day answered (its unanswered case has its own test above).
    by_day = reports(statuses) | {DAY: today}
    expected = 0
    if by_day.get(DAY) is MISSED:
        expected = 1
        for step in (-1, 1):
            n = step
            while by_day.get(DAY + timedelta(days=n)) is MISSED:
                expected += 1
                n += step
    assert days_without_dose(day=DAY, schedule=DAILY, reports=by_day) == expected


@given(status_histories)
def test_doses_taken_as_prescribed_never_show_a_note_without_use(statuses):
    doses = plan("buprenorphine", reports({n: TAKEN for n in statuses}))
    assert overdose_note(day=DAY, used=NOTHING, known={}, medications=[doses]) is None


@given(status_histories)
def test_the_missed_dose_note_shows_exactly_from_three_days_in_a_row(statuses):
    doses = plan("methadone", reports(statuses))
    note = overdose_note(day=DAY, used=NOTHING, known={}, medications=[doses])
    run = days_without_dose(day=DAY, schedule=DAILY, reports=doses.reports)
    missed_today = doses.reports.get(DAY) is MISSED
    assert (note is not None) == (missed_today and run >= MIN_DAYS_WITHOUT_DOSE)


# --- Naltrexone ---------------------------------------------------------------------------------


def test_opioid_use_while_on_naltrexone_is_the_naltrexone_case():
    doses = plan("naltrexone", taken_every_day())
    note = overdose_note(day=DAY, used=OPIOIDS, known={}, medications=[doses])
    assert note is not None
    assert (note.case, note.missed_dose, note.stopped_on) == (Case.NALTREXONE, False, None)


def test_opioid_use_soon_after_stopping_naltrexone_names_the_stop():
    stopped = Schedule(
        weekdays=frozenset(range(7)), active_from=date(2025, 1, 1), active_to=back(10)
    )
    note = overdose_note(
        day=DAY, used=OPIOIDS, known={}, medications=[plan("naltrexone", {}, stopped)]
    )
    assert note is not None
    assert (note.case, note.stopped_on) == (Case.NALTREXONE, back(10))


def test_naltrexone_is_never_a_days_without_a_dose_case():
    doses = plan("naltrexone", reports(dict.fromkeys(range(5), MISSED)))
    note = overdose_note(day=DAY, used=NOTHING, known={}, medications=[doses])
    assert note is not None
    assert note.case is Case.NALTREXONE


def test_other_medication_never_shapes_the_note():
    doses = plan("other", reports(dict.fromkeys(range(5), MISSED)))
    assert overdose_note(day=DAY, used=NOTHING, known={}, medications=[doses]) is None


# --- No medication: the return to opioids after time without -------------------------------------


def test_opioid_use_seven_days_after_the_last_shows_no_new_note():
    known = {back(7): OPIOIDS, **{back(n): NOTHING for n in range(1, 7)}}
    # Use 7 days before: the same stretch of use continues, the note was shown then.
    assert overdose_note(day=DAY, used=OPIOIDS, known=known) is None


def test_daily_use_is_not_a_return_to_use():
    known = {back(n): OPIOIDS for n in range(0, 30)}
    assert overdose_note(day=DAY, used=OPIOIDS, known=known) is None


def test_a_first_check_in_reporting_use_gets_the_note_without_a_tolerance_claim():
    note = overdose_note(day=DAY, used=OPIOIDS, known={DAY: OPIOIDS})
    assert note == OverdoseNote(case=Case.NO_MEDICATION, wording=Wording.ANY_OPIOID_USE)


def test_a_short_history_without_use_gets_the_note_without_a_tolerance_claim():
    known = {back(n): NOTHING for n in range(1, 4)}
    note = overdose_note(day=DAY, used=OPIOIDS, known=known)
    assert note is not None
    assert note.wording is Wording.ANY_OPIOID_USE


def test_a_recovery_date_is_evidence_of_a_stretch_without_opioids():
    note = overdose_note(day=DAY, used=OPIOIDS, known={}, recovery_date=back(40))
    assert note is not None
    assert note.opioid_free_days == 40


def test_an_alcohol_only_count_says_nothing_about_opioids():
    note = overdose_note(
        day=DAY, used=OPIOIDS, known={}, recovery_date=back(40), scope=Scope.ALCOHOL
    )
    assert note is not None
    assert note.wording is Wording.ANY_OPIOID_USE


def test_drinking_after_a_stretch_is_not_an_opioid_overdose_note():
    assert overdose_note(day=DAY, used=ALCOHOL, known={}, recovery_date=back(90)) is None


def test_unknown_days_do_not_shorten_the_stretch():
    # Ten days ago a day without opioids was recorded; nothing since: the journal shows no use.
    note = overdose_note(day=DAY, used=OPIOIDS, known={back(10): NOTHING})
    assert note is not None
    assert note.opioid_free_days == 10


def test_later_days_are_ignored():
    known = {back(20): NOTHING, DAY + timedelta(days=1): OPIOIDS}
    assert opioid_free_days_before(day=DAY, known=known) == 20


def test_the_note_travels_as_json_and_back():
    note = OverdoseNote(
        case=Case.AGONIST_DAYS_WITHOUT_DOSE,
        wording=Wording.DAYS_WITHOUT_DOSE,
        medication="methadone",
        days_without_dose=4,
        stopped_on=back(4),
    )
    assert OverdoseNote.from_json(note.as_json()) == note


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
        starts = list(known)
        if recovery_date is not None:
            starts.append(recovery_date)
        expected = (DAY - min(starts)).days if starts else None
    assert opioid_free_days_before(day=DAY, known=known, recovery_date=recovery_date) == expected


@given(histories, st.one_of(st.none(), day_offsets.map(back)))
def test_without_medication_the_note_shows_unless_use_continues(known, recovery_date):
    note = overdose_note(day=DAY, used=OPIOIDS, known=known, recovery_date=recovery_date)
    free = opioid_free_days_before(day=DAY, known=known, recovery_date=recovery_date)
    assert (note is None) == continued_use(day=DAY, known=known)
    if note is not None:
        says_tolerance = note.wording is Wording.TOLERANCE_AFTER_TIME_WITHOUT
        assert says_tolerance == (free is not None and free >= MIN_OPIOID_FREE_DAYS)


@given(histories, st.one_of(st.none(), day_offsets.map(back)))
def test_no_opioid_use_that_day_never_shows_a_note_without_a_missed_dose(known, recovery_date):
    for used in (NOTHING, ALCOHOL):
        assert overdose_note(day=DAY, used=used, known=known, recovery_date=recovery_date) is None
