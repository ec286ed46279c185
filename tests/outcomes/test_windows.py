"""The SQL behind the report says the journal's rules: a day reports use exactly when
`journal.recovery` says so, checked-in days are the answered ones, meetings a week and the
window pairs come out as the pure functions count them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
import time_machine
from django.utils import timezone

from homegroup.accounts import actions as account_actions
from homegroup.accounts.models import Role
from homegroup.journal import actions as journal
from homegroup.journal import recovery
from homegroup.journal.actions import CheckInValues, MeetingAttended
from homegroup.journal.models import CheckIn
from homegroup.outcomes import analysis, windows
from homegroup.privacy import actions as privacy_actions
from tests.people import PASSWORD

pytestmark = pytest.mark.django_db

USE_ANSWERS = [("", (), ""), ("none", (), "")] + [
    ("used", substances, misused)
    for substances, misused in product(
        [(), ("alcohol",), ("opioids", "cannabis")],
        ["", "methadone", "buprenorphine", "naltrexone", "other"],
    )
    if substances or misused
]


def test_a_day_reports_use_in_sql_exactly_when_the_recovery_rule_says_so(people):
    today = timezone.now().date()
    expected_use, expected_checked = set(), set()
    for offset, (status, substances, misused) in enumerate(USE_ANSWERS):
        day = today - timedelta(days=offset)
        journal.record_check_in(
            person=people.ana,
            day=day,
            values=CheckInValues(
                use_status=status, substances=substances, misused_medication=misused
            ),
        )
        if status:
            expected_checked.add(day)
        if status == "used" and recovery.counts_as_use(
            recovery.substances_used(substances=substances, misused_medication=misused or None),
            recovery.Scope.ALL,
        ):
            expected_use.add(day)
    mine = CheckIn.objects.filter(person=people.ana)
    assert set(mine.filter(windows.use_day_q()).values_list("date", flat=True)) == expected_use
    assert set(mine.filter(windows.checked_in_q()).values_list("date", flat=True)) == (
        expected_checked
    )
    # Naltrexone alone is never use; methadone taken other than prescribed is.
    assert today - timedelta(days=USE_ANSWERS.index(("used", (), "naltrexone"))) not in (
        expected_use
    )
    assert today - timedelta(days=USE_ANSWERS.index(("used", (), "methadone"))) in expected_use


def _joined_days_ago(people, days: int):
    """Eli joins Pat's program `days` days ago (at 15:00 UTC, so the UTC date is what counts)."""
    moment = (timezone.now() - timedelta(days=days)).replace(hour=15, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        eli = account_actions.create_account(
            email="eli@people.test",
            display_name="Eli",
            password=PASSWORD,
            roles={Role.PERSON_IN_RECOVERY},
        )
        code = privacy_actions.issue_enrolment_code(program=people.program, by=people.pat).code
        privacy_actions.join_program(person=eli, code=code)
    return eli, moment.date()


def _day(eli, enrolled, offset: int, *, used: bool = False, meetings: int = 0) -> None:
    journal.record_check_in(
        person=eli,
        day=enrolled + timedelta(days=offset),
        values=CheckInValues(
            use_status="used" if used else "none",
            substances=("alcohol",) if used else (),
            meetings=[MeetingAttended(name=f"Meeting {n}") for n in range(meetings)],
        ),
    )


def test_windows_pair_participation_with_the_next_months_use_and_leave_out_thin_months(people):
    eli, enrolled = _joined_days_ago(people, 95)
    for offset in range(25):  # window 0: 25 days, 5 meetings
        _day(eli, enrolled, offset, meetings=1 if offset % 5 == 0 else 0)
    for offset in range(30, 52):  # window 1: 22 days checked in, use on one of them
        _day(eli, enrolled, offset, used=offset == 40)
    for offset in range(60, 70):  # window 2: 10 days, too few
        _day(eli, enrolled, offset)
    as_of = timezone.now().date()
    reads = windows.read(program=people.program, person_ids=[eli.pk], network_ids=[], as_of=as_of)
    pairs = analysis.window_pairs(reads, as_of)
    # Three complete windows (95 days): 0→1 is kept, 1→2 has fewer than 20 checked-in days.
    assert pairs.n_excluded == 1
    assert list(pairs.frame["window"]) == [0]
    row = pairs.frame.iloc[0]
    assert row["next_checked"] == 22
    assert row["abstinent_next"] == 0
    meeting_days = [enrolled + timedelta(days=d) for d in range(0, 25, 5)]
    per_week = recovery.meetings_per_week(meeting_days, enrolled, enrolled + timedelta(days=29))
    assert round(row["per_week"], 1) == per_week
    assert row["meetings_bin"] == "1-3"
    assert row["attendance_weekly"] == 1
    assert row["group"] == "unknown"
    assert row["medication"] == "none"


def test_a_check_in_before_the_enrolment_is_in_no_window(people):
    eli, enrolled = _joined_days_ago(people, 70)
    _day(eli, enrolled, -1, used=True)
    for offset in range(60):
        _day(eli, enrolled, offset)
    as_of = datetime.now(UTC).date()
    reads = windows.read(program=people.program, person_ids=[eli.pk], network_ids=[], as_of=as_of)
    assert sorted(reads.windows["window"]) == [0, 1]
    assert int(reads.windows["use_days"].sum()) == 0
