"""The clinician's caseload: one row of numbers per person, and the alerts they raise.

One bulk disclosure per page view (`gate.disclose_many`: one disclosure record per person and
basis, written in bulk), then one query per kind of record for everyone listed, each narrowed to
the people whose disclosure allows that record's category: a category a person did not share is
never read, so it is never shown, counted, charted or alerted on. The query count does not grow
with the caseload (tests/care/test_caseload.py pins it; bench/caseload.py times it).

The numbers come from the journal's pure functions (`journal.recovery`, `journal.safety`) and the
alert rules from `care.alert_rules`, so the caseload, the person's record and the person's own
pages agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from homegroup.accounts.models import User
from homegroup.care import alert_rules
from homegroup.care.models import Alert
from homegroup.journal import recovery, safety
from homegroup.journal.models import (
    CheckIn,
    CheckInDose,
    CheckInMeeting,
    JournalProfile,
    MeasureResponse,
    MedicationPlan,
    NetworkSnapshot,
    SponsorStatus,
    TwelveStepLife,
    UseStatus,
)
from homegroup.journal.recovery import DoseStatus, Scope, Substance
from homegroup.journal.summaries import schedule_of
from homegroup.measures import bam
from homegroup.privacy import gate
from homegroup.privacy.categories import Category
from homegroup.privacy.models import Channel, Purpose

# What the caseload reads: never private or counseling notes.
REQUESTED = frozenset(
    {
        Category.CHECK_INS.value,
        Category.MEETINGS_AND_ACTIVITIES.value,
        Category.RECOVERY_TIME.value,
        Category.MEDICATION.value,
        Category.SUBSTANCE_USE.value,
        Category.NETWORK.value,
        Category.MEASURES.value,
    }
)
SPARKLINE_WEEKS = 12
# How far back the check-ins are read: the sparkline's 12 weeks, and a little more for the
# overdose-safety rule's look at the days before a use.
WINDOW_DAYS = SPARKLINE_WEEKS * 7 + 14
DOSE_WINDOW_DAYS = 45
ADHERENCE_DAYS = 14
ACTIVITY_DAYS = 30
TWELVE_STEP_ACTIVITIES = ("service", "talked_with_sponsor", "step_work")


@dataclass
class Row:
    """One person on the caseload. None: not shared (never "zero")."""

    person: User
    disclosure: gate.Disclosure
    today: date
    meetings_recent: int | None = None  # the last 4 weeks
    meetings_before: int | None = None  # the 4 weeks before
    weekly_meetings: list[int] | None = None  # 12 weeks, oldest first
    activities: dict[str, int] | None = None  # days with each activity in the last 30 days
    sponsor: str | None = None  # the person's own answer (SponsorStatus), not the network's
    home_group: bool | None = None
    adherence: recovery.Adherence | None = None
    days_since_use: int | None = None
    any_use_reported: bool | None = None
    last_check_in: date | None = None
    bam_scores: dict[str, Any] | None = None
    bam_taken_on: date | None = None
    network_change: dict[str, Any] | None = None
    alerts: list[Alert] = field(default_factory=list)
    emergency: bool = False

    def allows(self, category: str) -> bool:
        return self.disclosure.allows(category)

    @property
    def meetings_per_week(self) -> float | None:
        return None if self.meetings_recent is None else round(self.meetings_recent / 4, 1)

    @property
    def meetings_per_week_before(self) -> float | None:
        return None if self.meetings_before is None else round(self.meetings_before / 4, 1)

    @property
    def sparkline_points(self) -> str:
        """The 12 weeks as SVG polyline points in a 60×16 box (tallest week on top)."""
        values = self.weekly_meetings or []
        if not values:
            return ""
        top = max(max(values), 1)
        step = 60 / max(len(values) - 1, 1)
        return " ".join(
            f"{index * step:.1f},{16 - 14 * value / top - 1:.1f}"
            for index, value in enumerate(values)
        )

    @property
    def days_since_check_in(self) -> int | None:
        return None if self.last_check_in is None else (self.today - self.last_check_in).days

    @property
    def bam_flags(self) -> list[str]:
        flags = (self.bam_scores or {}).get("flags", {})
        return [name for name in ("use", "risk", "protective") if flags.get(name)]

    @property
    def open_alerts(self) -> int:
        return len(self.alerts)


@dataclass
class Caseload:
    rows: list[Row]
    thresholds: alert_rules.Thresholds


def _allowed(disclosures: dict[int, gate.Disclosure], category: str) -> list[int]:
    return [pid for pid, d in disclosures.items() if d.allows(category)]


def build(
    clinician: User,
    *,
    now: datetime | None = None,
    thresholds: alert_rules.Thresholds | None = None,
) -> Caseload:
    """The caseload as the clinician may see it now; raises and clears alerts on the way."""
    from homegroup.care import actions  # the actions import this module's Finding users

    now = now or timezone.now()
    thresholds = thresholds or alert_rules.Thresholds()
    ids = gate.visible_person_ids(clinician, now=now)
    disclosures = {
        pid: d
        for pid, d in gate.disclose_many(
            viewer=clinician,
            people=ids,
            categories_requested=REQUESTED,
            channel=Channel.PAGE,
            purpose=Purpose.TREATMENT,
        ).items()
        if d.allowed
    }
    people = {u.pk: u for u in User.objects.filter(pk__in=list(disclosures), is_active=True)}
    disclosures = {pid: d for pid, d in disclosures.items() if pid in people}
    profiles = {
        p.person_id: p
        for p in JournalProfile.objects.filter(person_id__in=list(disclosures)).only(
            "person_id", "timezone", "recovery_date", "count_scope"
        )
    }
    rows: dict[int, Row] = {}
    for pid, disclosure in disclosures.items():
        own = profiles.get(pid) or JournalProfile(person_id=pid)
        rows[pid] = Row(person=people[pid], disclosure=disclosure, today=own.today(now))
        rows[pid].emergency = disclosure.break_glass is not None
    earliest = min((row.today for row in rows.values()), default=now.date())
    window_start = earliest - timedelta(days=WINDOW_DAYS)

    meetings_ids = _allowed(disclosures, Category.MEETINGS_AND_ACTIVITIES.value)
    use_ids = set(_allowed(disclosures, Category.SUBSTANCE_USE.value))
    check_in_ids = _allowed(disclosures, Category.CHECK_INS.value)
    medication_ids = _allowed(disclosures, Category.MEDICATION.value)

    # Meetings by day, for the meetings and activities category.
    meeting_days: dict[int, list[date]] = defaultdict(list)
    for pid, day, count in (
        CheckInMeeting.objects.filter(
            check_in__person_id__in=meetings_ids, check_in__date__gte=window_start
        )
        .values("check_in__person_id", "check_in__date")
        .annotate(n=Count("id"))
        .values_list("check_in__person_id", "check_in__date", "n")
    ):
        meeting_days[pid].extend([day] * count)

    # The check-ins of the window: activities (meetings category) and use (substance use).
    activities: dict[int, dict[str, int]] = {
        pid: dict.fromkeys(TWELVE_STEP_ACTIVITIES, 0) for pid in meetings_ids
    }
    known: dict[int, dict[date, frozenset[Substance]]] = defaultdict(dict)
    wanted = list(set(meetings_ids) | use_ids)
    for pid, day, status, substances, misused, *done in CheckIn.objects.filter(
        person_id__in=wanted, date__gte=window_start
    ).values_list(
        "person_id",
        "date",
        "use_status",
        "substances",
        "misused_medication",
        *TWELVE_STEP_ACTIVITIES,
    ):
        if pid in activities and (rows[pid].today - day).days < ACTIVITY_DAYS:
            for name, flag in zip(TWELVE_STEP_ACTIVITIES, done, strict=True):
                if flag:
                    activities[pid][name] += 1
        if pid in use_ids:
            if status == UseStatus.USED:
                known[pid][day] = recovery.substances_used(
                    substances=substances or [], misused_medication=misused or None
                )
            elif status == UseStatus.NONE:
                known[pid][day] = frozenset()

    # The last check-in ever (check-ins category), and the last reported use (substance use):
    # one aggregate each. Naltrexone taken other than prescribed alone is not use.
    last_check_in = dict(
        CheckIn.objects.filter(person_id__in=check_in_ids)
        .values("person_id")
        .annotate(last=Max("date"))
        .values_list("person_id", "last")
    )
    last_use = dict(
        CheckIn.objects.filter(person_id__in=list(use_ids), use_status=UseStatus.USED)
        .exclude(
            Q(substances=[]) & Q(misused_medication__in=["", *recovery.NOT_MISUSABLE_MEDICATIONS])
        )
        .values("person_id")
        .annotate(last=Max("date"))
        .values_list("person_id", "last")
    )

    # Sponsor and home group: the person's own answers (meetings and activities).
    lives = {
        life.person_id: life
        for life in TwelveStepLife.objects.filter(person_id__in=meetings_ids).only(
            "person_id", "sponsor_status", "home_group_id"
        )
    }

    # Medication plans and the dose reports of the last weeks.
    plans: dict[int, list[MedicationPlan]] = defaultdict(list)
    for plan in MedicationPlan.objects.filter(person_id__in=medication_ids).only(
        "person_id", "medication", "schedule", "weekdays", "active_from", "active_to"
    ):
        plans[plan.person_id].append(plan)
    reports: dict[int, dict[date, DoseStatus]] = defaultdict(dict)
    for plan_id, day, status in CheckInDose.objects.filter(
        check_in__person_id__in=medication_ids,
        check_in__date__gte=earliest - timedelta(days=DOSE_WINDOW_DAYS),
    ).values_list("plan_id", "check_in__date", "status"):
        reports[plan_id][day] = DoseStatus(status)

    # The latest BAM per person, and the network's last two snapshots.
    latest_bam: dict[int, tuple[int, date, dict[str, Any]]] = {}
    for response_id, pid, taken_on, scores in (
        MeasureResponse.objects.filter(
            person_id__in=_allowed(disclosures, Category.MEASURES.value), instrument=bam.ID
        )
        .order_by("person_id", "-taken_on", "-id")
        .values_list("id", "person_id", "taken_on", "scores")
    ):
        latest_bam.setdefault(pid, (response_id, taken_on, scores))
    snapshots: dict[int, list[tuple[date, dict[str, Any]]]] = defaultdict(list)
    for pid, taken_on, indices in (
        NetworkSnapshot.objects.filter(person_id__in=_allowed(disclosures, Category.NETWORK.value))
        .order_by("person_id", "-taken_on")
        .values_list("person_id", "taken_on", "indices")
    ):
        if len(snapshots[pid]) < 2:
            snapshots[pid].append((taken_on, indices))

    findings: dict[int, list[alert_rules.Finding]] = {}
    evaluated: dict[int, frozenset[str]] = {}
    for pid, row in rows.items():
        today = row.today
        profile = profiles.get(pid)
        if pid in activities:
            days = meeting_days.get(pid, [])
            row.meetings_recent = recovery.meetings_between(days, today - timedelta(days=27), today)
            row.meetings_before = recovery.meetings_between(
                days, today - timedelta(days=55), today - timedelta(days=28)
            )
            row.weekly_meetings = [
                count
                for _week, count in recovery.weekly_meetings(
                    days, today - timedelta(weeks=SPARKLINE_WEEKS) + timedelta(days=1), today
                )
            ][-SPARKLINE_WEEKS:]
            row.activities = activities[pid]
            life = lives.get(pid)
            row.sponsor = life.sponsor_status if life else SponsorStatus.NONE
            row.home_group = bool(life and life.home_group_id)
        if pid in use_ids:
            last = last_use.get(pid)
            row.any_use_reported = last is not None
            row.days_since_use = (today - last).days if last else None
        if row.allows(Category.CHECK_INS.value):
            row.last_check_in = last_check_in.get(pid)
        rules_plans = [
            alert_rules.Plan(
                kind=plan.medication, schedule=schedule_of(plan), reports=reports.get(plan.pk, {})
            )
            for plan in plans.get(pid, [])
        ]
        if row.allows(Category.MEDICATION.value):
            total: recovery.Adherence | None = None
            for taken in rules_plans:
                one = recovery.adherence(
                    schedule=taken.schedule,
                    reports=taken.reports,
                    start=today - timedelta(days=ADHERENCE_DAYS - 1),
                    end=today,
                )
                total = (
                    one
                    if total is None
                    else recovery.Adherence(
                        scheduled=total.scheduled + one.scheduled,
                        taken=total.taken + one.taken,
                        missed=total.missed + one.missed,
                        different_dose=total.different_dose + one.different_dose,
                    )
                )
            row.adherence = total
        if pid in latest_bam:
            _id, row.bam_taken_on, row.bam_scores = latest_bam[pid]
        if len(snapshots.get(pid, [])) == 2:
            (after_on, after), (before_on, before) = snapshots[pid]
            row.network_change = {
                "before_on": before_on,
                "after_on": after_on,
                "size": [before.get("size"), after.get("size")],
                "heavy": [alert_rules.heavy_counts(before), alert_rules.heavy_counts(after)],
            }
        findings[pid] = _findings(
            row,
            meeting_days=meeting_days.get(pid, []),
            known=known.get(pid, {}),
            plans=rules_plans,
            latest_bam=latest_bam.get(pid),
            snapshots=snapshots.get(pid, []),
            profile=profile,
            thresholds=thresholds,
        )
        evaluated[pid] = row.disclosure.allowed_categories
    alerts = actions.raise_alerts(findings=findings, evaluated=evaluated, now=now)
    for pid, row in rows.items():
        row.alerts = [
            alert
            for alert in alerts.get(pid, [])
            if alert.shown_through(row.disclosure.allowed_categories)
        ]
    ordered = sorted(rows.values(), key=lambda r: (r.person.display_name.lower(), r.person.pk))
    return Caseload(rows=ordered, thresholds=thresholds)


def _findings(
    row: Row,
    *,
    meeting_days: list[date],
    known: dict[date, frozenset[Substance]],
    plans: list[alert_rules.Plan],
    latest_bam: tuple[int, date, dict[str, Any]] | None,
    snapshots: list[tuple[date, dict[str, Any]]],
    profile: JournalProfile | None,
    thresholds: alert_rules.Thresholds,
) -> list[alert_rules.Finding]:
    today = row.today
    found: list[alert_rules.Finding | None] = []
    if row.allows(Category.MEETINGS_AND_ACTIVITIES.value):
        found.append(
            alert_rules.no_meetings(today=today, meeting_days=meeting_days, thresholds=thresholds)
        )
    if row.allows(Category.CHECK_INS.value):
        found.append(
            alert_rules.no_check_in(
                today=today, last_check_in=row.last_check_in, thresholds=thresholds
            )
        )
    if latest_bam is not None:
        response_id, taken_on, scores = latest_bam
        found.append(
            alert_rules.bam_flags(
                response_id=response_id,
                taken_on=taken_on,
                use=scores.get("use", 0),
                risk=scores.get("risk", 0),
                protective=scores.get("protective", 24),
                thresholds=thresholds,
            )
        )
    if row.allows(Category.MEDICATION.value):
        found.append(alert_rules.missed_doses(today=today, plans=plans, thresholds=thresholds))
    if row.allows(Category.SUBSTANCE_USE.value) or row.allows(Category.MEDICATION.value):
        shares_recovery_time = row.allows(Category.RECOVERY_TIME.value) and profile is not None
        found.append(
            alert_rules.overdose_risk(
                today=today,
                known=known,
                medications=[
                    safety.MedicationDoses(plan.kind, plan.schedule, plan.reports) for plan in plans
                ],
                recovery_date=profile.recovery_date if shares_recovery_time and profile else None,
                scope=Scope(profile.count_scope) if shares_recovery_time and profile else Scope.ALL,
                thresholds=thresholds,
            )
        )
    if len(snapshots) == 2:
        (after_on, after), (before_on, before) = snapshots
        found.append(
            alert_rules.network_heavy_use(
                before_on=before_on, before=before, after_on=after_on, after=after
            )
        )
    return [finding for finding in found if finding is not None]


def filter_rows(
    rows: Iterable[Row], *, query: str = "", rule: str = "", sort: str = "name"
) -> list[Row]:
    """The caseload's search (by name), alert filter and sort, over the built rows."""
    needle = query.strip().casefold()
    chosen = [
        row
        for row in rows
        if (not needle or needle in row.person.display_name.casefold())
        and (
            not rule
            or (rule == "any" and row.alerts)
            or any(alert.rule == rule for alert in row.alerts)
        )
    ]
    far = 10**6
    keys = {
        "name": lambda r: (r.person.display_name.casefold(), r.person.pk),
        "alerts": lambda r: (-r.open_alerts, r.person.display_name.casefold()),
        "check_in": lambda r: (
            -(r.days_since_check_in if r.days_since_check_in is not None else -1),
            r.person.display_name.casefold(),
        ),
        "meetings": lambda r: (
            r.meetings_per_week if r.meetings_per_week is not None else far,
            r.person.display_name.casefold(),
        ),
    }
    return sorted(chosen, key=keys.get(sort, keys["name"]))


SORTS = ("name", "alerts", "check_in", "meetings")
