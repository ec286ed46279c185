"""The report's grouped scan (`windows.read`, hand-written SQL for speed) against the plain ORM
query it replaced: the same numbers for every person and window of a small generated cohort,
with a few hand-made days that the generator never makes (a day before the enrolment, a day
after `as_of`, meetings on a day without a use answer, an enrolment that ended)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import pytest
from django.db import NotSupportedError
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from homegroup.journal import actions as journal
from homegroup.journal import recovery
from homegroup.journal.actions import CheckInValues, MeetingAttended
from homegroup.journal.models import CheckIn, CheckInMeeting
from homegroup.outcomes import actions, reports, windows
from homegroup.privacy import actions as privacy_actions
from homegroup.privacy import aggregate, rules
from homegroup.privacy.models import Enrolment

pytestmark = pytest.mark.django_db

COLUMNS = ["person", "window", "checked", "use_days", "service", "sponsor", "activities",
           "first_use_day", "last_checked_day", "meetings"]  # fmt: skip


class DaysSinceEnrolment(Func):
    """Whole days from the UTC date of an enrolment to a date, as the report counts them."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        (day_sql, day_params), (enrolled_sql, enrolled_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        if connection.vendor == "sqlite":
            sql = f"CAST(julianday({day_sql}) - julianday(date({enrolled_sql})) AS INTEGER)"
        elif connection.vendor == "postgresql":
            sql = f"({day_sql} - ({enrolled_sql} AT TIME ZONE 'UTC')::date)"
        else:  # pragma: no cover
            raise NotSupportedError(connection.vendor)
        return sql, [*day_params, *enrolled_params]


def straightforward_windows(program, person_ids, as_of) -> pd.DataFrame:
    """The windows as the ORM says them, one annotation per number."""
    per_day = [Case(When(Q(**{name: True}), then=1), default=0) for name in recovery.ACTIVITIES]
    meetings_that_day = Subquery(
        CheckInMeeting.objects.filter(check_in=OuterRef("pk"))
        .values("check_in")
        .annotate(count=Count("id"))
        .values("count"),
        output_field=IntegerField(),
    )
    rows = (
        CheckIn.objects.filter(person_id__in=sorted(person_ids), date__lte=as_of)
        .filter(person__enrolments__program=program, person__enrolments__ended_at__isnull=True)
        .annotate(day=DaysSinceEnrolment(F("date"), F("person__enrolments__enrolled_at")))
        .filter(day__gte=0)
        .annotate(meetings_that_day=Coalesce(meetings_that_day, 0))
        .annotate(window=F("day") / windows.WINDOW_DAYS)
        .values("person_id", "window")
        .annotate(
            checked=Count("id", filter=windows.checked_in_q()),
            use_days=Count("id", filter=windows.use_day_q()),
            service_days=Count("id", filter=Q(service=True)),
            sponsor_days=Count("id", filter=Q(talked_with_sponsor=True)),
            activity_days=Sum(sum(per_day[1:], per_day[0]), output_field=IntegerField()),
            first_use_day=Min("day", filter=windows.use_day_q()),
            last_checked_day=Max("day", filter=windows.checked_in_q()),
            meeting_count=Sum("meetings_that_day"),
        )
        .values_list(
            "person_id",
            "window",
            "checked",
            "use_days",
            "service_days",
            "sponsor_days",
            "activity_days",
            "first_use_day",
            "last_checked_day",
            "meeting_count",
        )
    )
    return pd.DataFrame.from_records(list(rows), columns=COLUMNS)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[COLUMNS].copy()
    days = ["first_use_day", "last_checked_day"]
    for column in COLUMNS:
        frame[column] = pd.to_numeric(frame[column]).astype(float if column in days else "int64")
    return frame.sort_values(["person", "window"]).reset_index(drop=True)


def test_the_grouped_scan_gives_the_numbers_of_the_straightforward_query(people):
    program = privacy_actions.create_program(name="Reference", admin=people.pat)
    other = privacy_actions.create_program(name="Elsewhere", admin=people.pat)
    actions.generate_cohort(program=program, people=40, days=120, seed=3)
    actions.generate_cohort(program=other, people=5, days=120, seed=4)
    as_of = timezone.now().date() - timedelta(days=3)
    counted = aggregate.people_counted(
        program=program, purpose=rules.OPERATIONS, categories_needed=reports.CATEGORIES
    )
    first = min(counted.person_ids)
    enrolment = Enrolment.objects.get(person_id=first, program=program)
    start = enrolment.enrolled_at.date()
    # Days the generator never writes: before the enrolment, after as_of, meetings on a day
    # whose use question was not answered.
    person = enrolment.person
    for day in (start - timedelta(days=2), as_of + timedelta(days=1)):
        journal.record_check_in(person=person, day=day, values=CheckInValues(use_status="used",
                                substances=("alcohol",)))  # fmt: skip
    journal.record_check_in(
        person=person,
        day=start + timedelta(days=5),
        values=CheckInValues(meetings=(MeetingAttended(name="Tuesday night"),) * 2),
    )
    # An ended enrolment is not read.
    second = sorted(counted.person_ids)[1]
    Enrolment.objects.filter(person_id=second, program=program).update(ended_at=timezone.now())

    reads = windows.read(
        program=program, person_ids=counted.person_ids, network_ids=(), as_of=as_of
    )
    found = reads.windows.merge(reads.meetings, on=["person", "window"])
    expected = straightforward_windows(program, counted.person_ids, as_of)
    assert len(expected) > 100
    assert second not in set(found["person"])
    assert expected["meetings"].sum() > 0
    assert expected["use_days"].sum() > 0
    pd.testing.assert_frame_equal(_sorted(found), _sorted(expected))


def test_a_report_after_a_day_was_changed_reads_the_change_not_the_kept_scan(people):
    program = privacy_actions.create_program(name="Kept", admin=people.pat)
    actions.generate_cohort(program=program, people=15, days=90, seed=6)
    as_of = timezone.now().date()
    counted = aggregate.people_counted(
        program=program, purpose=rules.OPERATIONS, categories_needed=reports.CATEGORIES
    )

    def read() -> pd.DataFrame:
        reads = windows.read(
            program=program, person_ids=counted.person_ids, network_ids=(), as_of=as_of
        )
        return _sorted(reads.windows.merge(reads.meetings, on=["person", "window"]))

    before = read()
    pd.testing.assert_frame_equal(read(), before)
    day = CheckIn.objects.filter(person_id=min(counted.person_ids), use_status="none").first()
    journal.record_check_in(
        person=day.person,
        day=day.date,
        values=CheckInValues(
            use_status="used",
            substances=("alcohol",),
            meetings=(MeetingAttended(name="Noon"),) * 3,
        ),
    )
    after = read()
    expected = straightforward_windows(program, counted.person_ids, as_of)
    pd.testing.assert_frame_equal(after, _sorted(expected))
    assert after["use_days"].sum() == before["use_days"].sum() + 1
