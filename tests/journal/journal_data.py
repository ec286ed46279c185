"""Journal test data, built only through actions (directory meetings through directory.actions).

`meeting()` lists a directory meeting; `start_journal()` sets a person's zone and recovery date;
`buprenorphine()` adds a daily buprenorphine plan; `today_of()` is the person's own today.
"""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta
from typing import Any

from homegroup.accounts.models import User
from homegroup.directory import actions as directory_actions
from homegroup.directory.importers.canonical import CanonicalMeeting
from homegroup.directory.models import Meeting
from homegroup.journal import actions
from homegroup.journal.models import JournalProfile, MedicationPlan

ZONE = "America/New_York"
_numbers = itertools.count(1)


def meeting(
    name: str = "", *, slug: str = "", attendance: str = "in_person", **extra: Any
) -> Meeting:
    number = next(_numbers)
    source = directory_actions.ensure_source(
        slug="journal-tests", name="Journal tests", default_timezone=ZONE
    )
    fields: dict[str, Any] = {
        "source_id": f"j{number}",
        "slug": slug or f"journal-meeting-{number}",
        "name": name or f"Journal Meeting {number}",
        "day": 2,
        "start": time(19, 0),
        "end": time(20, 0),
        "duration": timedelta(hours=1),
        "fellowship": "NA",
        "attendance": attendance,
        "attendance_reason": "test data",
        "timezone": ZONE,
    }
    canonical = CanonicalMeeting(**(fields | extra))
    return directory_actions.save_meeting(source=source, canonical=canonical).meeting


def today_of(person: User) -> date:
    return JournalProfile.objects.for_person(person).today()


def start_journal(
    person: User, *, recovery_days: int | None = 100, zone: str = ZONE, scope: str = "all"
) -> JournalProfile:
    today = JournalProfile(timezone=zone).today()
    return actions.update_profile(
        person=person,
        timezone_name=zone,
        recovery_date=today - timedelta(days=recovery_days) if recovery_days is not None else None,
        count_scope=scope,
    )


def buprenorphine(person: User, *, since_days: int = 365, **overrides: Any) -> MedicationPlan:
    values: dict[str, Any] = {
        "medication": "buprenorphine",
        "dose": "16",
        "dose_unit": "mg",
        "schedule": "daily",
        "active_from": today_of(person) - timedelta(days=since_days),
    }
    values.update(overrides)
    return actions.save_medication_plan(person=person, **values)


def check_in(person: User, days_ago: int = 0, **values: Any) -> actions.SavedCheckIn:
    return actions.record_check_in(
        person=person,
        day=today_of(person) - timedelta(days=days_ago),
        values=actions.CheckInValues(**values),
    )


def history(
    person: User, days: int, *, plan: MedicationPlan | None = None, home: Meeting | None = None
) -> None:
    """`days` checked-in days ending yesterday, each with a meeting and a dose when given."""
    for back in range(1, days + 1):
        check_in(
            person,
            back,
            use_status="none",
            meetings=[actions.MeetingAttended(meeting_id=home.pk)] if home else [],
            doses=[actions.DoseReport(plan_id=plan.pk, status="taken")] if plan else [],
            craving=back % 11,
            note=f"day {back}",
        )
