"""The caseload's alert rules (care.alert_rules): each decides from plain values, and each
finding reads in plain words with its dates (care.alert_wording)."""

from datetime import date, timedelta

from homegroup.care import alert_rules as rules
from homegroup.care import alert_wording
from homegroup.journal import safety
from homegroup.journal.recovery import DoseStatus, Schedule, Substance
from homegroup.privacy import categories

TODAY = date(2026, 3, 20)
DAILY = frozenset(range(7))


def days_ago(*numbers):
    return [TODAY - timedelta(days=n) for n in numbers]


def words(finding):
    return " ".join(alert_wording.evidence(finding.rule, finding.facts))


def test_the_rules_name_the_privacy_apps_categories():
    used = {rules.CHECK_INS, rules.MEETINGS, rules.MEDICATION, rules.SUBSTANCE_USE}
    assert used | {rules.NETWORK, rules.MEASURES} <= categories.ALL


def test_every_rule_has_a_version_a_title_and_a_description():
    for rule in rules.RULES:
        assert rules.VERSIONS[rule]
        assert rule in alert_wording.TITLES
        assert rule in alert_wording.DESCRIPTIONS


# --- No meetings after a weekly pattern -------------------------------------------------------


def test_no_meeting_for_two_weeks_after_four_weekly_weeks_raises_with_its_dates():
    meetings = days_ago(15, 20, 22, 29, 36)
    finding = rules.no_meetings(today=TODAY, meeting_days=meetings)
    assert finding is not None
    assert finding.key == "last:2026-03-05"
    assert finding.categories == {"meetings_and_activities"}
    assert finding.dates == (date(2026, 2, 6), date(2026, 3, 5))
    assert words(finding) == (
        "No meeting logged since March 5, 2026 (15 days). Before that, at least one meeting "
        "every week for 4 weeks: 5 meetings from Feb. 6, 2026 to March 5, 2026."
    )


def test_thirteen_quiet_days_raise_nothing():
    assert rules.no_meetings(today=TODAY, meeting_days=days_ago(13, 20, 27, 34)) is None


def test_someone_who_never_went_weekly_raises_nothing():
    # A gap week in the four before the last meeting: no weekly pattern to drift from.
    assert rules.no_meetings(today=TODAY, meeting_days=days_ago(15, 22, 36)) is None
    assert rules.no_meetings(today=TODAY, meeting_days=[]) is None


def test_a_program_can_ask_for_a_shorter_quiet_stretch():
    tighter = rules.Thresholds(quiet_days=7, pattern_weeks=2)
    assert rules.no_meetings(today=TODAY, meeting_days=days_ago(8, 15), thresholds=tighter)


# --- No check-in ------------------------------------------------------------------------------


def test_no_check_in_for_seven_days_raises_with_the_last_date():
    finding = rules.no_check_in(today=TODAY, last_check_in=TODAY - timedelta(days=7))
    assert finding is not None
    assert finding.categories == {"check_ins"}
    assert words(finding) == "No check-in for 7 days: the last was on March 13, 2026."


def test_six_days_or_never_raise_no_check_in_alert():
    assert rules.no_check_in(today=TODAY, last_check_in=TODAY - timedelta(days=6)) is None
    assert rules.no_check_in(today=TODAY, last_check_in=None) is None


# --- BAM flags ----------------------------------------------------------------------------------


def test_each_bam_flag_at_its_threshold_is_named_with_its_score():
    finding = rules.bam_flags(response_id=7, taken_on=TODAY, use=1, risk=12, protective=12)
    assert finding is not None
    assert finding.key == "bam:7"
    assert words(finding) == (
        "Brief Addiction Monitor of March 20, 2026: Use 1 (flagged at 1 or more). "
        "Risk 12 (flagged at 12 or more). Protective 12 (flagged at 12 or less). "
        "The flags are prompts to review the items together, not a score."
    )


def test_a_bam_below_every_flag_raises_nothing():
    assert rules.bam_flags(response_id=7, taken_on=TODAY, use=0, risk=11, protective=13) is None


def test_a_program_may_move_a_bam_threshold():
    finding = rules.bam_flags(
        response_id=1,
        taken_on=TODAY,
        use=0,
        risk=10,
        protective=20,
        thresholds=rules.Thresholds(bam_risk_at_least=10),
    )
    assert finding is not None
    assert list(finding.facts["flags"]) == ["risk"]


# --- Missed doses -------------------------------------------------------------------------------


def plan(kind="buprenorphine", reports=None, weekdays=DAILY):
    return rules.Plan(
        kind=kind,
        schedule=Schedule(weekdays=weekdays, active_from=TODAY - timedelta(days=90)),
        reports=reports or {},
    )


def test_two_missed_doses_in_seven_days_raise_with_the_days():
    reports = {d: DoseStatus.MISSED for d in days_ago(1, 4)} | {
        d: DoseStatus.TAKEN for d in days_ago(0, 2, 3, 5, 6)
    }
    finding = rules.missed_doses(today=TODAY, plans=[plan(reports=reports)])
    assert finding is not None
    assert finding.categories == {"medication"}
    assert words(finding) == (
        "2 of 7 scheduled doses (Buprenorphine) reported missed in the last 7 days: "
        "March 16, 2026, March 19, 2026. Doses not reported are unknown and not counted as missed."
    )


def test_one_missed_dose_or_unreported_doses_raise_nothing():
    assert rules.missed_doses(today=TODAY, plans=[plan(reports={TODAY: DoseStatus.MISSED})]) is None
    assert rules.missed_doses(today=TODAY, plans=[plan()]) is None


def test_a_missed_day_outside_the_schedule_is_not_a_missed_dose():
    monday_only = frozenset({1})
    reports = {d: DoseStatus.MISSED for d in days_ago(1, 2, 3)}
    finding = rules.missed_doses(today=TODAY, plans=[plan(reports=reports, weekdays=monday_only)])
    assert finding is None


# --- Overdose risk: the person's own safety note ------------------------------------------------


def test_opioid_use_after_three_weeks_without_raises_the_persons_own_note():
    known = {d: frozenset() for d in days_ago(*range(3, 25))} | {
        TODAY - timedelta(days=2): frozenset({Substance.OPIOIDS})
    }
    finding = rules.overdose_risk(today=TODAY, known=known)
    assert finding is not None
    assert finding.key == "day:2026-03-18"
    assert finding.categories == {"substance_use"}
    text = alert_wording.evidence(finding.rule, finding.facts)
    note = safety.OverdoseNote.from_json(finding.facts["note"])
    assert note.wording is safety.Wording.TOLERANCE_AFTER_TIME_WITHOUT
    assert text[0] == "The check-in of March 18, 2026 showed the person this overdose-safety note:"
    assert "Your journal shows no opioid use in the 22 days before this." in text
    assert text[-1].startswith("Talk about naloxone")


def test_three_missed_buprenorphine_doses_raise_the_days_without_a_dose_note():
    reports = {d: DoseStatus.MISSED for d in days_ago(0, 1, 2)}
    medications = [
        safety.MedicationDoses(
            "buprenorphine", Schedule(DAILY, TODAY - timedelta(days=60)), reports
        )
    ]
    finding = rules.overdose_risk(today=TODAY, known={}, medications=medications)
    assert finding is not None
    assert finding.categories == {"medication"}
    assert "3 days in a row without a dose of Buprenorphine" in words(finding)


def test_use_without_opioids_or_older_than_two_weeks_raises_nothing():
    assert rules.overdose_risk(today=TODAY, known={TODAY: frozenset({Substance.ALCOHOL})}) is None
    old = {TODAY - timedelta(days=20): frozenset({Substance.OPIOIDS})}
    assert rules.overdose_risk(today=TODAY, known=old) is None


# --- The network --------------------------------------------------------------------------------


def indices(size, heavy_drinkers=0, heavy_drug_users=0):
    return {
        "size": size,
        "percent_heavy_drinkers": round(100 * heavy_drinkers / size, 1),
        "percent_heavy_drug_users": round(100 * heavy_drug_users / size, 1),
    }


def test_more_people_who_drink_heavily_raise_with_both_dates():
    finding = rules.network_heavy_use(
        before_on=TODAY - timedelta(days=30),
        before=indices(6, heavy_drinkers=1),
        after_on=TODAY,
        after=indices(7, heavy_drinkers=2),
    )
    assert finding is not None
    assert finding.categories == {"network"}
    assert words(finding) == (
        "People in the network who drink heavily: 2 on March 20, 2026, 1 on Feb. 18, 2026."
    )


def test_drinking_and_drug_use_are_counted_apart():
    # One fewer heavy drinker and one more heavy drug user: the drug use counts on its own.
    finding = rules.network_heavy_use(
        before_on=TODAY - timedelta(days=3),
        before=indices(5, heavy_drinkers=2),
        after_on=TODAY,
        after=indices(5, heavy_drinkers=1, heavy_drug_users=1),
    )
    assert finding is not None
    assert words(finding).startswith("People in the network who use drugs heavily: 1")


def test_a_first_network_or_no_more_heavy_use_raises_nothing():
    first = rules.network_heavy_use(before_on=None, before=None, after_on=TODAY, after=indices(3))
    assert first is None
    same = indices(4, heavy_drinkers=1)
    assert (
        rules.network_heavy_use(before_on=TODAY, before=same, after_on=TODAY, after=indices(8, 1))
        is None
    )


def test_the_rules_module_imports_no_django():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(rules))
    imported = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not any(name.startswith("django") for name in imported)
    # What it takes from the journal is pure too (the safety rule and recovery's values).
    assert imported & {"homegroup.journal", "homegroup.journal.recovery"}


# --- A meeting that was unwelcoming to the person on medication -------------------------------


def reception(meeting_id, name, days):
    return rules.Reception(meeting_id=meeting_id, meeting_name=name, attended_on=days_ago(days)[0])


def test_an_unwelcoming_meeting_raises_once_per_meeting_with_its_day_and_kind_words():
    finding = rules.unwelcoming_meeting(
        today=TODAY,
        unwelcoming=[reception(7, "Tuesday Hope", 3), reception(9, "Friday Light", 10)],
    )
    assert finding is not None
    assert finding.key == "meeting:7"  # the latest; the meeting names the episode
    assert finding.categories == {"medication"}
    assert finding.dates == (date(2026, 3, 10), date(2026, 3, 17))
    assert words(finding) == (
        "Tuesday Hope, on March 17, 2026: the person said the meeting was unwelcoming to them as "
        "someone on medication. Also said of: Friday Light (March 10, 2026). Talk it over: how it "
        "felt, and whether to try other groups. The directory shows the meetings that welcome "
        "people on medication; taking prescribed medication is part of their recovery."
    )
    assert alert_wording.title(finding.rule) == "A meeting was unwelcoming to them on medication"


def test_an_old_or_future_answer_raises_nothing_and_the_lookback_is_the_programs():
    old = [reception(7, "Tuesday Hope", 30)]
    assert rules.unwelcoming_meeting(today=TODAY, unwelcoming=old) is None
    assert rules.unwelcoming_meeting(today=TODAY, unwelcoming=[reception(7, "T", -1)]) is None
    longer = rules.Thresholds(reception_lookback_days=31)
    assert rules.unwelcoming_meeting(today=TODAY, unwelcoming=old, thresholds=longer) is not None
    assert rules.unwelcoming_meeting(today=TODAY, unwelcoming=[]) is None
