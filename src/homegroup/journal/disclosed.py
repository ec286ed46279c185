"""What a disclosure lets someone else see of a person's journal, read through the disclosure.

The clinician's view and its exports (`care`), the sponsor's view (`journal.views.shared`) and
the FHIR bundle of a disclosure (`interop.fhir_disclosure`) read another person's journal here
and nowhere else. The journal knows nothing of who is looking: it gets a `Disclosure` from
`privacy.gate.disclose` and returns only the categories it allows.

- Whole rows are reached through `Model.objects.disclosed(disclosure)`.
- A check-in row holds fields of several categories (`CheckIn.FIELD_CATEGORIES`): it is read
  with only the fields whose category is allowed, and every other field is set to its empty
  value on the instance, so no template or builder can lazy-load it afterwards.
- Recovery time is the one derived number: when `recovery_time` is allowed, the days' use
  answers are read to compute the count, and only the count, its start and its milestones
  leave this module (never the use days themselves).
- The network is disclosed as its indices (the snapshots), never the names of the person's
  important people nor their coded answers: they are third parties who consented to nothing.
  Beside "Sponsor listed in network", the clinician sees the person's own answer about their
  sponsor when meetings and 12-step activities are disclosed too.

A constant number of queries, whatever the history (tests/journal/test_disclosed_reads.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Field, Model, Prefetch, QuerySet
from django.utils import timezone

from homegroup.accounts.models import User
from homegroup.journal import recovery, summaries
from homegroup.journal.export import JournalData
from homegroup.journal.models import (
    DEFAULT_TIMEZONE,
    SUBSTANCE_CHOICES,
    CheckIn,
    CheckInDose,
    CheckInMeeting,
    JournalProfile,
    MeasureResponse,
    MedicationPlan,
    NetworkSnapshot,
    ServiceCommitment,
    TwelveStepLife,
    UseStatus,
)
from homegroup.journal.recovery import DoseStatus, Scope, Substance
from homegroup.measures import bam, network, registry
from homegroup.privacy.categories import Category
from homegroup.privacy.gate import Disclosure

RECENT_DAYS = 30
MEASURES_LISTED = 10
# Fields a check-in row always carries when any of its categories is disclosed: the day it is.
_ROW_KEYS = ("id", "person", "date")
_CHECK_IN_CATEGORIES = frozenset({Category.CHECK_INS.value, *CheckIn.FIELD_CATEGORIES.values()})


def check_in_fields(disclosure: Disclosure) -> tuple[list[str], list[str]]:
    """The check-in fields a disclosure lets through, and those it withholds."""
    shown: list[str] = []
    withheld: list[str] = []
    for field in CheckIn._meta.concrete_fields:
        if field.name in _ROW_KEYS:
            continue
        category = CheckIn.FIELD_CATEGORIES.get(field.name, Category.CHECK_INS.value)
        (shown if disclosure.allows(category) else withheld).append(field.name)
    return shown, withheld


def _rows(
    queryset: QuerySet[Any, Any], disclosure: Disclosure, wanted: frozenset[str]
) -> QuerySet[Any, Any]:
    """The person's rows when the disclosure allows any of `wanted` (the categories of the fields
    or the derived number the caller reads from them), else none: deny by default."""
    if not disclosure.allowed or not wanted & disclosure.allowed_categories:
        return queryset.none()
    return queryset.filter(person_id=disclosure.person_id)


def _withhold(instance: Model, names: list[str]) -> None:
    for name in names:
        field = instance._meta.get_field(name)
        assert isinstance(field, Field)
        setattr(instance, name, field.get_default())


def check_ins(disclosure: Disclosure, *, since: date | None = None) -> list[CheckIn]:
    """The disclosed check-ins, oldest first, with their disclosed meetings and doses.

    Three queries (rows, meetings, doses), or none when no check-in category is allowed."""
    shown, withheld = check_in_fields(disclosure)
    rows: QuerySet[CheckIn] = _rows(CheckIn.objects.all(), disclosure, _CHECK_IN_CATEGORIES)
    if since is not None:
        rows = rows.filter(date__gte=since)
    meetings: QuerySet[CheckInMeeting] = CheckInMeeting.objects.disclosed(disclosure)
    doses: QuerySet[CheckInDose] = CheckInDose.objects.disclosed(disclosure)
    found = list(
        rows.only(*_ROW_KEYS, *shown)
        .order_by("date")
        .prefetch_related(
            Prefetch("meetings", queryset=meetings.select_related("meeting")),
            Prefetch("doses", queryset=doses),
        )
    )
    for day in found:
        _withhold(day, withheld)
    return found


def gather(
    disclosure: Disclosure, person: User, *, now: datetime | None = None, since: date | None = None
) -> JournalData:
    """The journal as far as the disclosure goes, in the shape of the person's own export.

    What is withheld is empty: an unsaved profile and 12-step life with their defaults, empty
    lists. The important people's names are never part of it (see the module's docstring).
    """
    if person.pk != disclosure.person_id:
        raise ValueError("the disclosure is about someone else")
    profile = JournalProfile.objects.disclosed(disclosure).first() or JournalProfile(
        person=person, timezone=DEFAULT_TIMEZONE
    )
    life = TwelveStepLife.objects.disclosed(disclosure).select_related(
        "home_group"
    ).first() or TwelveStepLife(person=person)
    return JournalData(
        person=person,
        profile=profile,
        plans=list(MedicationPlan.objects.disclosed(disclosure).order_by("active_from", "id")),
        check_ins=check_ins(disclosure, since=since),
        life=life,
        usual_meetings=list(life.usual_meetings.order_by("name", "id")) if life.pk else [],
        commitments=list(
            ServiceCommitment.objects.disclosed(disclosure)
            .select_related("meeting")
            .order_by("started_on", "id")
        ),
        members=[],
        # Only the indices leave the journal: the coded answers describe third parties.
        snapshots=list(
            NetworkSnapshot.objects.disclosed(disclosure).defer("answers").order_by("taken_on")
        ),
        responses=list(MeasureResponse.objects.disclosed(disclosure).order_by("taken_on", "id")),
        exported_at=now or timezone.now(),
    )


# --- The numbers a shared view shows ------------------------------------------------------------


@dataclass(frozen=True)
class PlanAdherence:
    plan: MedicationPlan
    adherence: recovery.Adherence


@dataclass(frozen=True)
class MeasureRow:
    response: MeasureResponse
    title: str
    is_bam: bool


@dataclass(frozen=True)
class SharedDay:
    """One checked-in day as a shared view shows it: None (or empty) where not disclosed."""

    day: date
    retrospective: bool | None
    craving: int | None
    mood: str | None
    activities: list[str]
    step_worked: int | None
    meetings: list[str]
    use: str | None
    substances: list[str]
    drinks: int | None
    misused_medication: str | None
    doses: list[str]
    note: str | None

    @property
    def has_content(self) -> bool:
        return any(
            (
                self.craving is not None,
                self.mood,
                self.activities,
                self.step_worked,
                self.meetings,
                self.use,
                self.doses,
                self.note,
            )
        )


_ACTIVITY_FIELDS = [
    name
    for name, category in CheckIn.FIELD_CATEGORIES.items()
    if category == Category.MEETINGS_AND_ACTIVITIES.value and name != "step_worked"
]
_ACTIVITY_LABELS = {
    field.name: field.verbose_name
    for field in CheckIn._meta.concrete_fields
    if field.name in _ACTIVITY_FIELDS
}
_SUBSTANCE_LABELS = dict(SUBSTANCE_CHOICES)


def shared_day(disclosure: Disclosure, day: CheckIn, plans: dict[int, MedicationPlan]) -> SharedDay:
    allows = disclosure.allows
    activities = allows(Category.MEETINGS_AND_ACTIVITIES.value)
    use = allows(Category.SUBSTANCE_USE.value)
    check_ins = allows(Category.CHECK_INS.value)
    return SharedDay(
        day=day.date,
        retrospective=day.retrospective if check_ins else None,
        craving=day.craving if check_ins else None,
        mood=str(day.get_mood_display()) if check_ins and day.mood else None,
        activities=[
            str(_ACTIVITY_LABELS[name])
            for name in _ACTIVITY_FIELDS
            if activities and getattr(day, name)
        ],
        step_worked=day.step_worked if activities else None,
        meetings=[
            (attended.meeting.name if attended.meeting else str(attended.name))
            + f" ({attended.get_attendance_display()})"
            for attended in day.meetings.all()
        ],
        use=str(day.get_use_status_display()) if use and day.use_status else None,
        substances=[
            str(_SUBSTANCE_LABELS.get(value, value)) for value in (day.substances or []) if use
        ],
        drinks=day.drinks if use else None,
        misused_medication=(
            str(day.get_misused_medication_display()) if use and day.misused_medication else None
        ),
        doses=[
            f"{plans[dose.plan_id].label}: {dose.get_status_display()}"
            for dose in day.doses.all()
            if dose.plan_id in plans
        ],
        note=str(day.note) if allows(Category.PRIVATE_NOTES.value) and day.note else None,
    )


@dataclass(frozen=True)
class SharedRecord:
    """Everything a shared view may show, each part None (or empty) unless disclosed."""

    disclosure: Disclosure
    data: JournalData
    today: date
    recent: list[SharedDay]  # the checked-in days of the last RECENT_DAYS days, newest first
    recovery_time: recovery.RecoveryTime | None
    meeting_counts: summaries.MeetingCounts | None
    adherence: list[PlanAdherence]
    use_summary: recovery.DaysSummary | None
    network: network.NetworkIndices | None
    network_since: date | None
    measures: list[MeasureRow]

    def allows(self, category: str) -> bool:
        return self.disclosure.allows(category)

    @property
    def shows(self) -> dict[str, bool]:
        """For templates: `record.shows.medication`."""
        return {value: self.disclosure.allows(value) for value in Category.values}


def _known_days(rows: QuerySet[Any]) -> summaries.Days:
    known: dict[date, frozenset[Substance]] = {}
    first: date | None = None
    for day, status, substances, misused in rows.values_list(
        "date", "use_status", "substances", "misused_medication"
    ):
        first = day if first is None or day < first else first
        if status == UseStatus.USED:
            known[day] = recovery.substances_used(
                substances=substances or [], misused_medication=misused or None
            )
        elif status == UseStatus.NONE:
            known[day] = frozenset()
    return summaries.Days(known=known, first_check_in=first)


def _recovery_time(
    disclosure: Disclosure, person: User, profile: JournalProfile, today: date
) -> recovery.RecoveryTime | None:
    if not disclosure.allows(Category.RECOVERY_TIME.value):
        return None
    wanted = frozenset({Category.RECOVERY_TIME.value})
    days = _known_days(_rows(CheckIn.objects.all(), disclosure, wanted))
    return summaries.recovery_time_of(person, profile, today, days)


def shared_record(disclosure: Disclosure, person: User) -> SharedRecord:
    """The shared view's content: about ten queries, whatever the history."""
    data = gather(disclosure, person)
    today = data.profile.today()
    start = today - timedelta(days=RECENT_DAYS - 1)
    plans = {plan.pk: plan for plan in data.plans}
    recent = [
        shared_day(disclosure, day, plans) for day in reversed(data.check_ins) if day.date >= start
    ]

    meeting_counts = None
    if disclosure.allows(Category.MEETINGS_AND_ACTIVITIES.value):
        attended = [day.date for day in data.check_ins for _ in day.meetings.all()]
        meeting_counts = summaries.MeetingCounts(
            last_7_days=recovery.meetings_in_last(attended, today, 7),
            last_30_days=recovery.meetings_in_last(attended, today, 30),
            last_90_days=recovery.meetings_in_last(attended, today, 90),
        )

    reports: dict[int, dict[date, DoseStatus]] = {plan.pk: {} for plan in data.plans}
    for day in data.check_ins:
        for dose in day.doses.all():
            reports.setdefault(dose.plan_id, {})[day.date] = DoseStatus(dose.status)
    adherence = [
        PlanAdherence(
            plan,
            recovery.adherence(
                schedule=summaries.schedule_of(plan),
                reports=reports[plan.pk],
                start=start,
                end=today,
            ),
        )
        for plan in data.plans
        if plan.active_to is None or plan.active_to >= start
    ]

    use_summary = None
    if disclosure.allows(Category.SUBSTANCE_USE.value):
        known = {
            day.date: recovery.substances_used(
                substances=day.substances or [],
                misused_medication=day.misused_medication or None,
            )
            if day.use_status == UseStatus.USED
            else frozenset()
            for day in data.check_ins
            if day.use_status
        }
        use_summary = recovery.days_summary(
            known=known, start=start, end=today, scope=Scope(data.profile.count_scope)
        )

    latest = data.snapshots[-1] if data.snapshots else None
    measures = [
        MeasureRow(response, _instrument_title(response), response.instrument == bam.ID)
        for response in sorted(data.responses, key=lambda r: (r.taken_on, r.pk), reverse=True)[
            :MEASURES_LISTED
        ]
    ]
    return SharedRecord(
        disclosure=disclosure,
        data=data,
        today=today,
        recent=recent,
        recovery_time=_recovery_time(disclosure, person, data.profile, today),
        meeting_counts=meeting_counts,
        adherence=adherence,
        use_summary=use_summary,
        network=network.NetworkIndices.from_json(latest.indices, latest.version)
        if latest
        else None,
        network_since=latest.taken_on if latest else None,
        measures=measures,
    )


def _instrument_title(response: MeasureResponse) -> str:
    try:
        return str(registry.instrument(response.instrument, response.version).title)
    except KeyError:
        return response.instrument
