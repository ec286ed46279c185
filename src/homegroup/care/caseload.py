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

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
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
    MeetingReception,
    NetworkSnapshot,
    Reception,
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
# How far back reported use is read: the sparkline's 12 weeks and two more, for the
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


def _allowed(disclosures: dict[int, gate.Disclosure], category: str) -> list[int]:
    return [pid for pid, d in disclosures.items() if d.allows(category)]


def rule_settings(
    clinician: User, person_ids: Iterable[int]
) -> dict[int, alert_rules.RuleSettings]:
    """Each person's alert rules: those of the program in which the clinician cares for them
    (its admin's choices, `AlertRuleSetting`), the defaults where the admin chose nothing. Two
    queries. (A person seen in two of the clinician's programs gets the first program's.)"""
    from homegroup.care.models import AlertRuleSetting
    from homegroup.privacy.models import CareTeamMember

    program_of: dict[int, int] = {}
    for pid, program_id in (
        CareTeamMember.objects.in_force()
        .filter(clinician=clinician, person_id__in=list(person_ids))
        .order_by("assigned_at", "id")
        .values_list("person_id", "program_id")
    ):
        program_of.setdefault(pid, program_id)
    chosen: dict[int, dict[str, AlertRuleSetting]] = defaultdict(dict)
    for setting in AlertRuleSetting.objects.filter(program_id__in=set(program_of.values())):
        chosen[setting.program_id][setting.rule] = setting
    by_program: dict[int, alert_rules.RuleSettings] = {}
    for program_id, rules in chosen.items():
        enabled = frozenset(r for r in alert_rules.RULES if r not in rules or rules[r].enabled)
        values: dict[str, int] = {}
        for rule, setting in rules.items():
            for name in alert_rules.RULE_THRESHOLDS.get(rule, ()):
                if name in setting.thresholds:
                    values[name] = int(setting.thresholds[name])
        by_program[program_id] = alert_rules.RuleSettings(
            enabled=enabled, thresholds=alert_rules.Thresholds(**values)
        )
    default = alert_rules.RuleSettings()
    return {pid: by_program.get(program_of.get(pid, 0), default) for pid in person_ids}


def build(clinician: User, *, now: datetime | None = None) -> Caseload:
    """The caseload as the clinician may see it now; raises and clears alerts on the way."""
    now = now or timezone.now()
    ids = gate.candidate_person_ids(clinician, now=now)
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
    rows = rows_for(disclosures, now=now, settings=rule_settings(clinician, disclosures))
    ordered = sorted(rows.values(), key=lambda r: (r.person.display_name.lower(), r.person.pk))
    return Caseload(rows=ordered)


def _latest_per_person(person_ids: Iterable[int], check_ins: Any) -> dict[int, date]:
    """The date of each person's first check-in in `check_ins` (filtered and ordered): one
    query, a subquery per person that stops at its first row, so an index on (person, date)
    serves each from its newest (or oldest) end, whatever the length of the history. People
    with no such check-in are left out."""
    first = check_ins.filter(person_id=OuterRef("pk")).values("date")[:1]
    return {
        pid: day
        for pid, day in User.objects.filter(pk__in=list(person_ids))
        .annotate(day=Subquery(first))
        .values_list("pk", "day")
        if day is not None
    }


def rows_for(
    disclosures: dict[int, gate.Disclosure],
    *,
    now: datetime,
    settings: dict[int, alert_rules.RuleSettings],
) -> dict[int, Row]:
    """The rows of the people these disclosures (already made, and recorded) let through: the
    caseload's, or one person's record page. Raises and clears their alerts on the way, by each
    person's rule settings (`rule_settings`)."""
    from homegroup.care import actions  # the actions import the models this module reads

    disclosures = {pid: d for pid, d in disclosures.items() if d.allowed}
    default = alert_rules.RuleSettings()
    chosen = [settings.get(pid, default).thresholds for pid in disclosures] or [default.thresholds]
    # What the reads must cover for everyone's thresholds (each rule then applies its own).
    thresholds = alert_rules.Thresholds(
        quiet_days=min(t.quiet_days for t in chosen),
        pattern_weeks=max(t.pattern_weeks for t in chosen),
        overdose_lookback_days=max(t.overdose_lookback_days for t in chosen),
        reception_lookback_days=max(t.reception_lookback_days for t in chosen),
    )
    people = {
        u.pk: u
        for u in User.objects.filter(pk__in=list(disclosures), is_active=True).only(
            "id", "display_name", "is_active"
        )
    }
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
    meetings_set = set(meetings_ids)
    use_ids = set(_allowed(disclosures, Category.SUBSTANCE_USE.value))
    check_in_ids = _allowed(disclosures, Category.CHECK_INS.value)
    medication_ids = _allowed(disclosures, Category.MEDICATION.value)
    medication_set = set(medication_ids)

    # Counts come from the database, grouped by person: the rows read do not grow with a year
    # of history. The windows end on each person's own "today"; people whose today is the same
    # date share one query of each kind (at most three dates are in force around the world).
    by_today: dict[date, list[int]] = defaultdict(list)
    for pid, row in rows.items():
        by_today[row.today].append(pid)
    blocks: dict[int, list[int]] = {}
    activities: dict[int, dict[str, int]] = {}
    dose_counts: dict[int, dict[str, int]] = {}
    for today, group in by_today.items():
        meeting_group = [pid for pid in group if pid in meetings_set]
        for found in (
            CheckInMeeting.objects.filter(
                check_in__person_id__in=meeting_group,
                check_in__date__gte=today - timedelta(days=7 * SPARKLINE_WEEKS - 1),
                check_in__date__lte=today,
            )
            .values("check_in__person_id")
            .annotate(
                **{
                    f"w{i}": Count(
                        "id",
                        filter=Q(
                            check_in__date__gte=today - timedelta(days=7 * i + 6),
                            check_in__date__lte=today - timedelta(days=7 * i),
                        ),
                    )
                    for i in range(SPARKLINE_WEEKS)
                }
            )
        ):
            blocks[found["check_in__person_id"]] = [found[f"w{i}"] for i in range(SPARKLINE_WEEKS)]
        for found in (
            CheckIn.objects.filter(
                person_id__in=meeting_group,
                date__gte=today - timedelta(days=ACTIVITY_DAYS - 1),
                date__lte=today,
            )
            .values("person_id")
            .annotate(
                **{name: Count("id", filter=Q(**{name: True})) for name in TWELVE_STEP_ACTIVITIES}
            )
        ):
            activities[found["person_id"]] = {name: found[name] for name in TWELVE_STEP_ACTIVITIES}
        for found in (
            CheckInDose.objects.filter(
                check_in__person_id__in=[pid for pid in group if pid in medication_set],
                check_in__date__gte=today - timedelta(days=ADHERENCE_DAYS - 1),
                check_in__date__lte=today,
            )
            .values("plan_id")
            .annotate(
                **{
                    status.value: Count("id", filter=Q(status=status.value))
                    for status in DoseStatus
                }
            )
        ):
            dose_counts[found["plan_id"]] = {
                status.value: found[status.value] for status in DoseStatus
            }

    # The last meeting; the meeting days of the weeks before it only for people quiet long
    # enough for the no-meetings rule to look. (Each person's newest check-in with a meeting:
    # their check-ins read newest first through the (person, date) index, the first with a
    # meeting ends the read, however long ago it was.)
    last_meeting = _latest_per_person(
        meetings_ids,
        CheckIn.objects.filter(
            Exists(CheckInMeeting.objects.filter(check_in=OuterRef("pk")))
        ).order_by("-date"),
    )
    quiet = [
        pid
        for pid, last in last_meeting.items()
        if (rows[pid].today - last).days >= thresholds.quiet_days
    ]
    meeting_days: dict[int, list[date]] = {pid: [last] for pid, last in last_meeting.items()}
    if quiet:
        oldest = min(last_meeting[pid] for pid in quiet) - timedelta(
            days=7 * thresholds.pattern_weeks
        )
        for pid in quiet:
            meeting_days[pid] = []
        for pid, day in CheckInMeeting.objects.filter(
            check_in__person_id__in=quiet, check_in__date__gte=oldest
        ).values_list("check_in__person_id", "check_in__date"):
            meeting_days[pid].append(day)

    # Use: the days with reported use in the window, and the first answered day in it (all the
    # overdose-safety rule needs of the days without use: where the stretch without use starts).
    known: dict[int, dict[date, frozenset[Substance]]] = defaultdict(dict)
    for pid, day, substances, misused in CheckIn.objects.filter(
        person_id__in=list(use_ids), date__gte=window_start, use_status=UseStatus.USED
    ).values_list("person_id", "date", "substances", "misused_medication"):
        known[pid][day] = recovery.substances_used(
            substances=substances or [], misused_medication=misused or None
        )
    for pid, first in _latest_per_person(
        use_ids,
        CheckIn.objects.filter(date__gte=window_start).exclude(use_status="").order_by("date"),
    ).items():
        known[pid].setdefault(first, frozenset())
    # The last check-in ever (check-ins category): one index seek per person. The last reported
    # use (substance use): one aggregate over the use days' partial index. Naltrexone taken
    # other than prescribed, alone, is not use.
    last_check_in = _latest_per_person(check_in_ids, CheckIn.objects.order_by("-date"))
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
    # Dose reports: the missed ones of the window (the missed-doses rule, and runs without a
    # dose), and every report on the days the overdose-safety rule will look at.
    reports: dict[int, dict[date, DoseStatus]] = defaultdict(dict)
    dose_window = earliest - timedelta(days=DOSE_WINDOW_DAYS)
    for plan_id, day in CheckInDose.objects.filter(
        check_in__person_id__in=medication_ids,
        check_in__date__gte=dose_window,
        status=DoseStatus.MISSED,
    ).values_list("plan_id", "check_in__date"):
        reports[plan_id][day] = DoseStatus.MISSED
    lookback = earliest - timedelta(days=thresholds.overdose_lookback_days)
    candidate_days = {day for pid in use_ids for day, used in known[pid].items() if used}
    candidate_days |= {day for plan in reports.values() for day in plan}
    candidate_days = {day for day in candidate_days if day >= lookback}
    if candidate_days:
        for plan_id, day, status in CheckInDose.objects.filter(
            check_in__person_id__in=medication_ids, check_in__date__in=sorted(candidate_days)
        ).values_list("plan_id", "check_in__date", "status"):
            reports[plan_id][day] = DoseStatus(status)

    # The latest BAM per person, and the network's last two snapshots.
    latest_bam: dict[int, tuple[int, date, dict[str, Any]]] = {}
    newest = (
        MeasureResponse.objects.filter(person_id=OuterRef("person_id"), instrument=bam.ID)
        .order_by("-taken_on", "-id")
        .values("pk")[:1]
    )
    for response_id, pid, taken_on, scores in (
        MeasureResponse.objects.filter(
            person_id__in=_allowed(disclosures, Category.MEASURES.value), instrument=bam.ID
        )
        .filter(pk=Subquery(newest))
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

    # The meetings people said were unwelcoming to them on medication, lately (their own answers,
    # shared as medication is).
    unwelcoming: dict[int, list[alert_rules.Reception]] = defaultdict(list)
    for pid, meeting_id, name, attended_on in MeetingReception.objects.filter(
        person_id__in=medication_ids,
        answer=Reception.UNWELCOMING,
        attended_on__gte=earliest - timedelta(days=thresholds.reception_lookback_days),
    ).values_list("person_id", "meeting_id", "meeting__name", "attended_on"):
        unwelcoming[pid].append(alert_rules.Reception(meeting_id, name, attended_on))

    findings: dict[int, list[alert_rules.Finding]] = {}
    evaluated: dict[int, frozenset[str]] = {}
    for pid, row in rows.items():
        today = row.today
        profile = profiles.get(pid)
        if row.allows(Category.MEETINGS_AND_ACTIVITIES.value):
            weeks = blocks.get(pid, [0] * SPARKLINE_WEEKS)  # newest first
            row.meetings_recent = sum(weeks[:4])
            row.meetings_before = sum(weeks[4:8])
            row.weekly_meetings = list(reversed(weeks))
            row.activities = activities.get(pid, dict.fromkeys(TWELVE_STEP_ACTIVITIES, 0))
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
            for plan in plans.get(pid, []):
                counts = dose_counts.get(plan.pk, {})
                due = recovery.scheduled_days(
                    schedule_of(plan), today - timedelta(days=ADHERENCE_DAYS - 1), today
                )
                one = recovery.Adherence(
                    scheduled=len(due),
                    taken=counts.get(DoseStatus.TAKEN.value, 0),
                    missed=counts.get(DoseStatus.MISSED.value, 0),
                    different_dose=counts.get(DoseStatus.DIFFERENT_DOSE.value, 0),
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
            unwelcoming=unwelcoming.get(pid, []),
            profile=profile,
            settings=settings.get(pid, default),
        )
        evaluated[pid] = row.disclosure.allowed_categories
    alerts = actions.raise_alerts(findings=findings, evaluated=evaluated, now=now)
    for pid, row in rows.items():
        row.alerts = [
            alert
            for alert in alerts.get(pid, [])
            if alert.shown_through(row.disclosure.allowed_categories)
        ]
    return rows


def _findings(
    row: Row,
    *,
    meeting_days: list[date],
    known: dict[date, frozenset[Substance]],
    plans: list[alert_rules.Plan],
    latest_bam: tuple[int, date, dict[str, Any]] | None,
    snapshots: list[tuple[date, dict[str, Any]]],
    unwelcoming: list[alert_rules.Reception],
    profile: JournalProfile | None,
    settings: alert_rules.RuleSettings,
) -> list[alert_rules.Finding]:
    today = row.today
    thresholds = settings.thresholds
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
        found.append(
            alert_rules.unwelcoming_meeting(
                today=today, unwelcoming=unwelcoming, thresholds=thresholds
            )
        )
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
    return [
        finding for finding in found if finding is not None and finding.rule in settings.enabled
    ]


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
