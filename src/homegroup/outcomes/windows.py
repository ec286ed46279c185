"""The reads behind a program's outcome report: per-person 30-day windows, aggregated in SQL.

Every read here is grouped in the database (a row per person and window, or per person), over
the people the program may count (`privacy.aggregate.people_counted`) and their current
enrolment in the program, so a year of 10,000 people's check-ins never crosses into Python row
by row. The day rules are the journal's, said in SQL:

- a day is *checked in* when its use question was answered (`CheckInQuerySet.use_answered`,
  the days recovery time treats as known);
- a day *reports use* exactly when `journal.recovery.counts_as_use(substances_used(...),
  Scope.ALL)` says so: a substance, or a prescribed medication taken other than prescribed
  unless it is one without misuse potential (naltrexone). Medication taken as prescribed is
  never use. `tests/outcomes/test_windows.py` checks this SQL against the pure rule;
- meetings are the check-ins' `CheckInMeeting` rows (one per meeting attended, as
  `journal.recovery.meetings_between` counts them);
- the 12-step activities are `journal.recovery.ACTIVITIES`, the progress page's list.

Windows are numbered from the UTC date of the enrolment: window k is days 30k to 30k+29.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from django.db import NotSupportedError
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
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
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce

from homegroup.journal import recovery
from homegroup.journal.models import (
    CheckIn,
    CheckInMeeting,
    MeasureResponse,
    MedicationPlan,
    NetworkSnapshot,
    UseStatus,
)
from homegroup.measures import bam
from homegroup.privacy.models import Enrolment, Program

WINDOW_DAYS = 30
# Ids per query: well under SQLite's 32,766 bound parameters, whatever the program's size.
CHUNK = 5_000


class DaysSinceEnrolment(Func):
    """Whole days from the UTC date of an enrolment (a timestamp) to a date: 0 on the day of
    enrolment. The one piece of date arithmetic that Django has no portable function for."""

    output_field = IntegerField()
    arity = 2

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        (day_sql, day_params), (enrolled_sql, enrolled_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        if connection.vendor == "sqlite":
            sql = f"CAST(julianday({day_sql}) - julianday(date({enrolled_sql})) AS INTEGER)"
        elif connection.vendor == "postgresql":
            sql = f"({day_sql} - ({enrolled_sql} AT TIME ZONE 'UTC')::date)"
        else:  # pragma: no cover - the project runs on these two
            raise NotSupportedError(f"outcome windows on {connection.vendor}")
        return sql, [*day_params, *enrolled_params]


def checked_in_q(prefix: str = "") -> Q:
    """A day whose use question was answered: the only days a window's abstinence is about."""
    return ~Q(**{f"{prefix}use_status": ""})


def use_day_q(prefix: str = "") -> Q:
    """The SQL face of `recovery.counts_as_use(recovery.substances_used(...), Scope.ALL)`."""
    misusable = ~Q(
        **{f"{prefix}misused_medication__in": ["", *sorted(recovery.NOT_MISUSABLE_MEDICATIONS)]}
    )
    return Q(**{f"{prefix}use_status": UseStatus.USED}) & (
        ~Q(**{f"{prefix}substances": []}) | misusable
    )


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _frame(rows: list[tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
    return (
        pd.DataFrame.from_records(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    )


@dataclass(frozen=True)
class Reads:
    """What the analysis needs, as data frames (one row per person, window, plan or measure)."""

    enrolments: pd.DataFrame  # person, enrolled_on, diagnosis_group
    # person, window, checked, use_days, service, sponsor, activities, first_use_day,
    # last_checked_day
    windows: pd.DataFrame
    meetings: pd.DataFrame  # person, window, meetings
    plans: pd.DataFrame  # person, medication, active_from, active_to
    bams: pd.DataFrame  # person, taken_on, use, risk, protective
    network: pd.DataFrame  # person, taken_on, abstinent_alcohol, abstinent_drugs, daily


def _enrolment_filter(program: Program, prefix: str) -> dict[str, Any]:
    return {
        f"{prefix}person__enrolments__program": program,
        f"{prefix}person__enrolments__ended_at__isnull": True,
    }


def read(
    *, program: Program, person_ids: Iterable[int], network_ids: Iterable[int], as_of: date
) -> Reads:
    """Every read of one report: five grouped queries per chunk of 5,000 people."""
    ids = sorted(person_ids)
    network_allowed = set(network_ids)
    enrolments, windows, plans, bams, network = ([] for _ in range(5))
    # Activity-days: each activity of `journal.recovery.ACTIVITIES` ticked on a day counts one.
    per_day = [Case(When(Q(**{name: True}), then=1), default=0) for name in recovery.ACTIVITIES]
    activities = Sum(sum(per_day[1:], per_day[0]), output_field=IntegerField())
    # Meetings of a day, counted in the index of CheckInMeeting.check_in (never the rows): the
    # check-ins are read once, for every number of the window.
    meetings_that_day = Subquery(
        CheckInMeeting.objects.filter(check_in=OuterRef("pk"))
        .values("check_in")
        .annotate(count=Count("id"))
        .values("count"),
        output_field=IntegerField(),
    )
    for chunk in _chunks(ids):
        enrolments += list(
            Enrolment.objects.current()
            .filter(program=program, person_id__in=chunk)
            .values_list("person_id", "enrolled_at", "diagnosis_group")
        )
        check_ins = (
            CheckIn.objects.filter(person_id__in=chunk, date__lte=as_of)
            .filter(**_enrolment_filter(program, ""))
            .annotate(day=DaysSinceEnrolment(F("date"), F("person__enrolments__enrolled_at")))
            .filter(day__gte=0)
            .annotate(meetings_that_day=Coalesce(meetings_that_day, 0))
        )
        windows += list(
            check_ins.annotate(window=F("day") / WINDOW_DAYS)
            .values("person_id", "window")
            .annotate(
                checked=Count("id", filter=checked_in_q()),
                use_days=Count("id", filter=use_day_q()),
                # Not named after the fields: an annotation would shadow them.
                service_days=Count("id", filter=Q(service=True)),
                sponsor_days=Count("id", filter=Q(talked_with_sponsor=True)),
                activity_days=activities,
                # For the survival curves: the first day reporting use, the last checked in.
                first_use_day=Min("day", filter=use_day_q()),
                last_checked_day=Max("day", filter=checked_in_q()),
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
        plans += list(
            MedicationPlan.objects.filter(person_id__in=chunk, active_from__lte=as_of).values_list(
                "person_id", "medication", "active_from", "active_to"
            )
        )
        bams += list(
            MeasureResponse.objects.of(bam.ID)
            .filter(person_id__in=chunk, taken_on__lte=as_of)
            .annotate(
                use=Cast(KeyTextTransform("use", "scores"), FloatField()),
                risk=Cast(KeyTextTransform("risk", "scores"), FloatField()),
                protective=Cast(KeyTextTransform("protective", "scores"), FloatField()),
            )
            .values_list("person_id", "taken_on", "use", "risk", "protective")
        )
        allowed = [person for person in chunk if person in network_allowed]
        network += list(
            NetworkSnapshot.objects.filter(person_id__in=allowed, taken_on__lte=as_of)
            .annotate(
                abstinent_alcohol=Cast(
                    KeyTextTransform("percent_abstinent_from_alcohol", "indices"), FloatField()
                ),
                abstinent_drugs=Cast(
                    KeyTextTransform("percent_abstinent_from_drugs", "indices"), FloatField()
                ),
                daily=Cast(KeyTextTransform("daily", "indices"), FloatField()),
            )
            .values_list("person_id", "taken_on", "abstinent_alcohol", "abstinent_drugs", "daily")
        )
    enrolment_frame = _frame(enrolments, ["person", "enrolled_at", "diagnosis_group"])
    # Days as midnight timestamps (UTC, naive), so that the analysis works on whole columns.
    enrolment_frame["enrolled_on"] = (
        pd.to_datetime(enrolment_frame["enrolled_at"], utc=True).dt.tz_convert(None).dt.normalize()
    )
    plan_frame = _frame(plans, ["person", "medication", "active_from", "active_to"])
    bam_frame = _frame(bams, ["person", "taken_on", "use", "risk", "protective"])
    network_frame = _frame(
        network, ["person", "taken_on", "abstinent_alcohol", "abstinent_drugs", "daily"]
    )
    window_frame = _frame(
        windows,
        ["person", "window", "checked", "use_days", "service", "sponsor", "activities",
         "first_use_day", "last_checked_day", "meetings"],
    )  # fmt: skip
    for column in ("first_use_day", "last_checked_day"):
        window_frame[column] = pd.to_numeric(window_frame[column])
    for frame, columns in (
        (plan_frame, ("active_from", "active_to")),
        (bam_frame, ("taken_on",)),
        (network_frame, ("taken_on",)),
    ):
        for column in columns:
            frame[column] = pd.to_datetime(frame[column])
    return Reads(
        enrolments=enrolment_frame.drop(columns=["enrolled_at"]),
        windows=window_frame.drop(columns=["meetings"]),
        meetings=window_frame[["person", "window", "meetings"]],
        plans=plan_frame,
        bams=bam_frame,
        network=network_frame,
    )
