"""The person's own journal, for apps: check-ins by date and a summary.

Session cookie + CSRF (the API's default auth); a person in recovery role is required (403
otherwise). Every answer is audited as a `journal.read`, every change by the action it calls. A
date in the future (in the person's zone), a malformed value, a wrong type or an out-of-range
number answers 400 with the API's error shape, and nothing is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import ConfigDict, StrictBool, StrictInt, StrictStr

from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import require_role_api
from homegroup.api_schemas import invalid, responses
from homegroup.directory.models import Meeting
from homegroup.journal import actions, summaries
from homegroup.journal.models import (
    CheckIn,
    CheckInDose,
    CheckInMeeting,
    JournalProfile,
    MedicationPlan,
)
from homegroup.journal.recovery import ACTIVITIES, Milestone

router = Router(tags=["journal"])

MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30
ADHERENCE_DAYS = 30
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

SubstanceCode = Literal[
    "alcohol", "opioids", "cannabis", "sedatives", "cocaine", "stimulants", "inhalants", "other"
]
MedicationCode = Literal["methadone", "buprenorphine", "naltrexone", "other"]


class MeetingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    meeting: Annotated[StrictStr, Field(max_length=100)] | None = Field(
        None, description="A directory meeting's slug."
    )
    name: Annotated[StrictStr, Field(max_length=actions.MAX_MEETING_NAME)] = Field(
        "", description="A meeting typed in by the person, when it is not in the directory."
    )
    attendance: Literal["in_person", "online"] = "in_person"


class DoseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    plan_id: StrictInt = Field(description="One of the person's medication plans.")
    status: Literal["taken", "missed", "different_dose"] = Field(
        description="'taken' means taken as prescribed."
    )
    dose_taken: Annotated[float, Field(ge=0, le=99999)] | None = Field(
        None, description="Only with 'different_dose'."
    )


class CheckInIn(Schema):
    """The whole day: what is left out is recorded as not done / not answered."""

    model_config = ConfigDict(extra="forbid")

    meetings: list[MeetingIn] = Field(default_factory=list, max_length=actions.MAX_MEETINGS_A_DAY)
    service: StrictBool = False
    talked_with_sponsor: StrictBool = False
    sponsored_someone: StrictBool = False
    step_work: StrictBool = False
    step_worked: Annotated[StrictInt, Field(ge=1, le=12)] | None = None
    literature: StrictBool = False
    shared: StrictBool = False
    helped_member: StrictBool = False
    fellowship_time: StrictBool = False
    doses: list[DoseIn] = Field(default_factory=list, max_length=20)
    use: Literal["none", "used"] | None = Field(
        None, description="Not given: the day stays unknown for recovery time."
    )
    substances: list[SubstanceCode] = Field(default_factory=list, max_length=8)
    drinks: Annotated[StrictInt, Field(ge=0, le=actions.MAX_DRINKS)] | None = None
    misused_medication: MedicationCode | None = Field(
        None, description="A prescribed medication taken other than prescribed (counts as use)."
    )
    craving: Annotated[StrictInt, Field(ge=0, le=10)] | None = None
    mood: Annotated[StrictInt, Field(ge=1, le=5)] | None = None
    note: Annotated[StrictStr, Field(max_length=actions.MAX_NOTE)] = ""


class MeetingOut(Schema):
    meeting: str | None
    name: str
    attendance: str


class DoseOut(Schema):
    plan_id: int
    medication: str
    status: str
    dose_taken: float | None


class CheckInOut(Schema):
    date: date
    retrospective: bool
    meetings: list[MeetingOut]
    service: bool
    talked_with_sponsor: bool
    sponsored_someone: bool
    step_work: bool
    step_worked: int | None
    literature: bool
    shared: bool
    helped_member: bool
    fellowship_time: bool
    doses: list[DoseOut]
    use: str | None
    substances: list[str]
    drinks: int | None
    misused_medication: str | None
    craving: int | None
    mood: int | None
    note: str
    recorded_at: datetime
    updated_at: datetime


class MilestoneOut(Schema):
    amount: int
    unit: str
    on: date


class StreakOut(Schema):
    start: date
    ended_by: date
    days: int


class RecoveryOut(Schema):
    scope: str
    days: int
    start: date | None
    last_use: date | None
    unknown_days: int
    next_milestone: MilestoneOut | None
    previous: list[StreakOut]


class MeetingsOut(Schema):
    last_7_days: int
    last_30_days: int
    last_90_days: int


class AdherenceOut(Schema):
    plan_id: int
    medication: str
    scheduled: int
    taken: int
    missed: int
    different_dose: int
    unknown: int
    percent_taken: float | None


class BamOut(Schema):
    taken_on: date
    use: int
    risk: int
    protective: int
    use_flag: bool
    risk_flag: bool
    protective_flag: bool


class SummaryOut(Schema):
    today: date
    recovery: RecoveryOut
    meetings: MeetingsOut
    adherence_days: int
    adherence: list[AdherenceOut]
    latest_bam: BamOut | None


class DateRange(Schema):
    start: Annotated[StrictStr, Field(max_length=10)] | None = Field(
        None, alias="from", description="First day, YYYY-MM-DD (default: 29 days before 'to')."
    )
    end: Annotated[StrictStr, Field(max_length=10)] | None = Field(
        None, alias="to", description="Last day, YYYY-MM-DD (default: today)."
    )


def _person(request: HttpRequest) -> User:
    require_role_api(request, Role.PERSON_IN_RECOVERY)
    return request.user  # type: ignore[return-value]


def _bad(loc: list[str | int], message: str) -> ValidationError:
    return ValidationError([{"loc": loc, "msg": message}])


def _parse_day(value: str, loc: list[str | int]) -> date:
    if not _ISO_DAY.match(value):
        raise _bad(loc, _("A date looks like 2025-03-31."))
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _bad(loc, _("That date does not exist.")) from None
    if day < actions.EARLIEST_DAY:
        # No journal reaches back that far, and a default range before it would overflow.
        raise _bad(loc, _("Check the year."))
    return day


def _out(
    check_in: CheckIn,
    meetings: Iterable[CheckInMeeting] | None = None,
    doses: Iterable[CheckInDose] | None = None,
) -> CheckInOut:
    """The check-in as stored; its meetings and doses prefetched (`_with_details`) or given."""
    meetings = check_in.meetings.all() if meetings is None else meetings
    doses = check_in.doses.all() if doses is None else doses
    return CheckInOut(
        date=check_in.date,
        retrospective=check_in.retrospective,
        meetings=[
            MeetingOut(
                meeting=m.meeting.slug if m.meeting else None,
                name=m.meeting.name if m.meeting else m.name,
                attendance=m.attendance,
            )
            for m in meetings
        ],
        **{name: getattr(check_in, name) for name in ACTIVITIES},
        step_worked=check_in.step_worked,
        doses=[
            DoseOut(
                plan_id=d.plan_id,
                medication=d.plan.medication,
                status=d.status,
                dose_taken=float(d.dose_taken) if d.dose_taken is not None else None,
            )
            for d in doses
        ],
        use=check_in.use_status or None,
        substances=list(check_in.substances),
        drinks=check_in.drinks,
        misused_medication=check_in.misused_medication or None,
        craving=check_in.craving,
        mood=check_in.mood,
        note=check_in.note,
        recorded_at=check_in.recorded_at,
        updated_at=check_in.updated_at,
    )


# Only the columns `_out` shows: a directory meeting has some forty, and building them was a
# good part of a check-in's CPU under load (docs/benchmarks.md, "Check-ins under load").
def _meetings() -> QuerySet[CheckInMeeting]:
    return CheckInMeeting.objects.select_related("meeting").only(
        "check_in", "name", "attendance", "meeting__slug", "meeting__name"
    )


def _doses() -> QuerySet[CheckInDose]:
    return CheckInDose.objects.select_related("plan").only(
        "check_in", "plan", "status", "dose_taken", "plan__medication"
    )


def _with_details(person: User) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.visible_to(person)
        .prefetch_related(Prefetch("meetings", queryset=_meetings()))
        .prefetch_related(Prefetch("doses", queryset=_doses()))
    )


@router.get(
    "/me/checkins",
    response=responses(list[CheckInOut]),
    summary="My check-ins between two dates (at most 366 days; default the last 30)",
)
def list_check_ins(request: HttpRequest, dates: Query[DateRange]) -> list[CheckInOut]:
    person = _person(request)
    start, end = dates.start, dates.end
    today = JournalProfile.objects.for_person(person).today()
    last = _parse_day(end, ["query", "to"]) if end else today
    first = (
        _parse_day(start, ["query", "from"])
        if start
        else last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    )
    if first > last:
        raise _bad(["query", "from"], _("'from' must not be after 'to'."))
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise _bad(["query", "to"], _("Ask for at most 366 days at a time."))
    check_ins = list(_with_details(person).filter(date__gte=first, date__lte=last).order_by("date"))
    actions.note_read(viewer=person, person=person, object_type="check_in", object_id="list")
    return [_out(check_in) for check_in in check_ins]


@router.get(
    "/me/checkins/{day}",
    response=responses(CheckInOut),
    summary="My check-in of one day (404 when the day was not checked in)",
)
def get_check_in(request: HttpRequest, day: str) -> CheckInOut:
    person = _person(request)
    found = _with_details(person).filter(date=_parse_day(day, ["path", "day"])).first()
    if found is None:
        raise Http404
    actions.note_read(viewer=person, person=person, object_type="check_in", object_id=found.pk)
    return _out(found)


def _values(person: User, body: CheckInIn) -> actions.CheckInValues:
    slugs = {m.meeting for m in body.meetings if m.meeting}
    by_slug = (
        dict(Meeting.objects.filter(slug__in=slugs).values_list("slug", "pk")) if slugs else {}
    )
    meetings = []
    for index, attended in enumerate(body.meetings):
        if attended.meeting and attended.meeting not in by_slug:
            raise _bad(["body", "meetings", index, "meeting"], _("No meeting has that slug."))
        meetings.append(
            actions.MeetingAttended(
                meeting_id=by_slug.get(attended.meeting or ""),
                name=attended.name,
                attendance=attended.attendance,
            )
        )
    return actions.CheckInValues(
        meetings=meetings,
        **{name: getattr(body, name) for name in ACTIVITIES},
        step_worked=body.step_worked,
        doses=[
            actions.DoseReport(
                plan_id=d.plan_id,
                status=d.status,
                dose_taken=Decimal(str(d.dose_taken)) if d.dose_taken is not None else None,
            )
            for d in body.doses
        ],
        use_status=body.use or "",
        substances=list(body.substances),
        drinks=body.drinks,
        misused_medication=body.misused_medication or "",
        craving=body.craving,
        mood=body.mood,
        note=body.note,
    )


@router.put(
    "/me/checkins/{day}",
    response=responses(CheckInOut),
    summary="Record or replace my check-in of one day (idempotent; not a future day)",
)
def put_check_in(request: HttpRequest, day: str, body: CheckInIn) -> CheckInOut:
    person = _person(request)
    when = _parse_day(day, ["path", "day"])
    try:
        saved = actions.record_check_in(person=person, day=when, values=_values(person, body))
    except DjangoValidationError as error:
        raise invalid(error, where="body", places={"date": ["path", "day"]}) from None
    if saved.created:
        # A new day holds exactly what this request sent and the action wrote: the row is in
        # memory as saved, and only the meetings and doses it has are read back (with their
        # directory names), one query each instead of three for every check-in.
        check_in = saved.check_in
        return _out(
            check_in,
            list(_meetings().filter(check_in=check_in)) if body.meetings else [],
            list(_doses().filter(check_in=check_in)) if body.doses else [],
        )
    # A corrected day is read back whole. An unchanged one writes nothing and audits nothing.
    return _out(_with_details(person).get(pk=saved.check_in.pk))


def _milestone(milestone: Milestone | None) -> MilestoneOut | None:
    if milestone is None:
        return None
    return MilestoneOut(amount=milestone.amount, unit=milestone.unit, on=milestone.on)


@router.get(
    "/me/summary",
    response=responses(SummaryOut),
    summary="My recovery time, meetings in the last 7/30/90 days, adherence and latest BAM",
)
def summary(request: HttpRequest) -> SummaryOut:
    person = _person(request)
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    time = summaries.recovery_time_of(person, profile, today)
    counts = summaries.meeting_counts(person, today)
    start = today - timedelta(days=ADHERENCE_DAYS - 1)
    plans = list(MedicationPlan.objects.active_on(today).visible_to(person))
    bam = summaries.latest_bam(person)
    actions.note_read(viewer=person, person=person, object_type="summary")
    return SummaryOut(
        today=today,
        recovery=RecoveryOut(
            scope=time.scope.value,
            days=time.days,
            start=time.start,
            last_use=time.last_use,
            unknown_days=time.unknown_days,
            next_milestone=_milestone(time.next_milestone),
            previous=[
                StreakOut(start=s.start, ended_by=s.ended_by, days=s.days) for s in time.previous
            ],
        ),
        meetings=MeetingsOut(
            last_7_days=counts.last_7_days,
            last_30_days=counts.last_30_days,
            last_90_days=counts.last_90_days,
        ),
        adherence_days=ADHERENCE_DAYS,
        adherence=[
            AdherenceOut(
                plan_id=row.plan.pk,
                medication=row.plan.medication,
                scheduled=row.adherence.scheduled,
                taken=row.adherence.taken,
                missed=row.adherence.missed,
                different_dose=row.adherence.different_dose,
                unknown=row.adherence.unknown,
                percent_taken=row.adherence.percent_taken,
            )
            for row in summaries.adherence_of(person, plans, start, today)
        ],
        latest_bam=BamOut(
            taken_on=bam.taken_on,
            use=bam.scores["use"],
            risk=bam.scores["risk"],
            protective=bam.scores["protective"],
            use_flag=bam.scores["flags"]["use"],
            risk_flag=bam.scores["flags"]["risk"],
            protective_flag=bam.scores["flags"]["protective"],
        )
        if bam
        else None,
    )
