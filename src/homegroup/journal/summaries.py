"""Reads that feed the pure functions: a constant number of queries, whatever the history.

Pages, the API (and the progress charts, exports and clinicians' views later) call these so
that every place computes recovery time, meeting counts and adherence the same way. Each
function reads through `visible_to(person)`, so it never sees another person's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Min

from homegroup.accounts.models import User
from homegroup.journal import progress, recovery
from homegroup.journal.models import (
    CheckIn,
    CheckInDose,
    CheckInMeeting,
    JournalProfile,
    MeasureResponse,
    MedicationPlan,
    NetworkSnapshot,
    UseStatus,
)
from homegroup.journal.recovery import ACTIVITIES, DoseStatus, Scope, Substance
from homegroup.measures import bam, network


@dataclass(frozen=True)
class Days:
    """Every checked-in day of a person, as the pure functions want them.

    ``known`` holds the days whose use question was answered (with what counted as used);
    ``first_check_in`` is the earliest day with any check-in.
    """

    known: dict[date, frozenset[Substance]]
    first_check_in: date | None


def days_of(person: User) -> Days:
    """One query over the person's check-ins (dates and use only: no note is decrypted)."""
    known: dict[date, frozenset[Substance]] = {}
    first: date | None = None
    rows = CheckIn.objects.visible_to(person).values_list(
        "date", "use_status", "substances", "misused_medication"
    )
    for day, status, substances, misused in rows:
        first = day if first is None or day < first else first
        if status == UseStatus.USED:
            known[day] = recovery.substances_used(
                substances=substances or [], misused_medication=misused or None
            )
        elif status == UseStatus.NONE:
            known[day] = frozenset()
    return Days(known=known, first_check_in=first)


def tracking_since(profile: JournalProfile, days: Days) -> date | None:
    """When the person began keeping their journal: their first check-in, or the day they set
    up their profile, whichever came first. Days before it are not 'unknown'."""
    candidates = [day for day in (days.first_check_in,) if day is not None]
    if profile.pk is not None:
        candidates.append(recovery.today_in(profile.timezone, profile.created_at))
    return min(candidates, default=None)


def recovery_time_of(
    person: User, profile: JournalProfile, today: date, days: Days | None = None
) -> recovery.RecoveryTime:
    days = days if days is not None else days_of(person)
    return recovery.recovery_time(
        today=today,
        recovery_date=profile.recovery_date,
        known=days.known,
        scope=Scope(profile.count_scope),
        tracking_since=tracking_since(profile, days),
    )


def meeting_days(person: User, start: date, end: date) -> list[date]:
    """One date per meeting attended in [start, end] (a day repeats for two meetings)."""
    return list(
        CheckInMeeting.objects.visible_to(person)
        .filter(check_in__date__gte=start, check_in__date__lte=end)
        .values_list("check_in__date", flat=True)
    )


@dataclass(frozen=True)
class MeetingCounts:
    last_7_days: int
    last_30_days: int
    last_90_days: int


def meeting_counts(person: User, today: date) -> MeetingCounts:
    days = meeting_days(person, today - timedelta(days=89), today)
    return MeetingCounts(
        last_7_days=recovery.meetings_in_last(days, today, 7),
        last_30_days=recovery.meetings_in_last(days, today, 30),
        last_90_days=recovery.meetings_in_last(days, today, 90),
    )


def schedule_of(plan: MedicationPlan) -> recovery.Schedule:
    return recovery.Schedule(
        weekdays=plan.due_weekdays, active_from=plan.active_from, active_to=plan.active_to
    )


@dataclass(frozen=True)
class PlanAdherence:
    plan: MedicationPlan
    adherence: recovery.Adherence


def adherence_of(
    person: User, plans: list[MedicationPlan], start: date, end: date
) -> list[PlanAdherence]:
    """Adherence of each plan over [start, end]: one query for every plan's dose reports."""
    reports: dict[int, dict[date, DoseStatus]] = {plan.pk: {} for plan in plans}
    rows = (
        CheckInDose.objects.visible_to(person)
        .filter(plan__in=plans, check_in__date__gte=start, check_in__date__lte=end)
        .values_list("plan_id", "check_in__date", "status")
    )
    for plan_id, day, status in rows:
        reports[plan_id][day] = DoseStatus(status)
    return [
        PlanAdherence(
            plan,
            recovery.adherence(
                schedule=schedule_of(plan), reports=reports[plan.pk], start=start, end=end
            ),
        )
        for plan in plans
    ]


def latest_bam(person: User) -> MeasureResponse | None:
    return MeasureResponse.objects.of(bam.ID).latest_first().visible_to(person).first()


# --- The progress page: one query per kind of record, whatever the history --------------------


def first_check_in(person: User) -> date | None:
    found: date | None = CheckIn.objects.visible_to(person).aggregate(first=Min("date"))["first"]
    return found


def day_facts(person: User, start: date, end: date) -> list[progress.DayFacts]:
    """The checked-in days in [start, end], with their meeting counts, in one query (no note is
    decrypted)."""
    rows = (
        CheckIn.objects.between(start, end)
        .visible_to(person)
        .annotate(meeting_count=Count("meetings"))
        .values_list(
            "date",
            "meeting_count",
            "use_status",
            "substances",
            "misused_medication",
            *ACTIVITIES,
        )
    )
    facts = []
    for day, meetings, status, substances, misused, *done in rows:
        used: frozenset[Substance] | None = None
        if status == UseStatus.USED:
            used = recovery.substances_used(
                substances=substances or [], misused_medication=misused or None
            )
        elif status == UseStatus.NONE:
            used = frozenset()
        activities = frozenset(name for name, flag in zip(ACTIVITIES, done, strict=True) if flag)
        facts.append(
            progress.DayFacts(day=day, meetings=meetings, activities=activities, used=used)
        )
    return facts


def dose_reports(
    person: User, plans: list[MedicationPlan], start: date, end: date
) -> dict[int, dict[date, DoseStatus]]:
    """Each plan's reports by day in [start, end], in one query."""
    reports: dict[int, dict[date, DoseStatus]] = {plan.pk: {} for plan in plans}
    rows = (
        CheckInDose.objects.visible_to(person)
        .filter(plan__in=plans, check_in__date__gte=start, check_in__date__lte=end)
        .values_list("plan_id", "check_in__date", "status")
    )
    for plan_id, day, status in rows:
        reports[plan_id][day] = DoseStatus(status)
    return reports


def bam_history(person: User) -> list[tuple[date, dict[str, Any]]]:
    """Every BAM's date and scores, oldest first."""
    return list(
        MeasureResponse.objects.of(bam.ID)
        .visible_to(person)
        .order_by("taken_on", "id")
        .values_list("taken_on", "scores")
    )


def network_history(person: User) -> list[tuple[date, network.NetworkIndices]]:
    """The network's indices on each day the person changed it, oldest first."""
    return [
        (taken_on, network.NetworkIndices.from_json(indices, version))
        for taken_on, indices, version in NetworkSnapshot.objects.visible_to(person)
        .order_by("taken_on")
        .values_list("taken_on", "indices", "version")
    ]
