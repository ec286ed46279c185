"""The person's record as a clinician's one-minute summary: the caseload's numbers for this one
person, 12 weeks of charts (the person's own progress charts: `journal.progress.weeks` and
static/journal/progress.js), the latest BAM with the items worth a look, the network's indices
and how they changed, and medication adherence by week.

Everything comes from what the page's one disclosure let through (`journal.disclosed`'s shared
record and `care.caseload.rows_for`): a section whose category is not shared is left out, never
drawn as zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homegroup.accounts.models import User
from homegroup.care import caseload
from homegroup.journal import progress, recovery
from homegroup.journal.disclosed import SharedRecord
from homegroup.journal.models import UseStatus
from homegroup.journal.recovery import DoseStatus
from homegroup.journal.summaries import schedule_of
from homegroup.measures import bam, network
from homegroup.privacy import gate
from homegroup.privacy.categories import Category

CHART_WEEKS = 12
PRINT_WEEKS = 5  # a month, whole weeks, on paper

INDEX_LABELS = {
    "size": gettext_lazy("Important people"),
    "daily": gettext_lazy("In daily contact"),
    "supporters_of_recovery": gettext_lazy("Support their recovery and treatment"),
    "supporters_of_medication": gettext_lazy("Support their medication"),
    "in_fellowship": gettext_lazy("In a fellowship"),
    "percent_heavy_drinkers": gettext_lazy("People who drink heavily (%)"),
    "percent_heavy_drug_users": gettext_lazy("People who use drugs heavily (%)"),
    "percent_abstinent_from_alcohol": gettext_lazy("Don't drink, or in recovery (%)"),
    "percent_abstinent_from_drugs": gettext_lazy("Don't use drugs, or in recovery (%)"),
}


@dataclass
class Summary:
    row: caseload.Row | None
    cells: list[tuple[str, str, Any]]
    weekly: list[progress.Week]
    chart_data: dict[str, Any]
    bam_response: Any
    bam_notes: list[bam.ItemNote]
    network_changes: list[dict[str, Any]]
    network_since: date | None
    shows: dict[str, bool]

    @property
    def print_weeks(self) -> list[progress.Week]:
        return self.weekly[-PRINT_WEEKS:]


def _short(day: date) -> str:
    return formats.date_format(day, "M j")


def _facts(record: SharedRecord) -> list[progress.DayFacts]:
    allows = record.disclosure.allows
    facts = []
    for day in record.data.check_ins:
        used: frozenset[recovery.Substance] | None = None
        if allows(Category.SUBSTANCE_USE.value) and day.use_status:
            used = (
                recovery.substances_used(
                    substances=day.substances or [],
                    misused_medication=day.misused_medication or None,
                )
                if day.use_status == UseStatus.USED
                else frozenset()
            )
        facts.append(
            progress.DayFacts(
                day=day.date,
                meetings=len(day.meetings.all())
                if allows(Category.MEETINGS_AND_ACTIVITIES.value)
                else 0,
                activities=frozenset(
                    name
                    for name in recovery.ACTIVITIES
                    if allows(Category.MEETINGS_AND_ACTIVITIES.value) and getattr(day, name)
                ),
                used=used,
            )
        )
    return facts


def _medications(record: SharedRecord) -> list[progress.MedicationDoses]:
    if not record.disclosure.allows(Category.MEDICATION.value):
        return []
    reports: dict[int, dict[date, DoseStatus]] = {plan.pk: {} for plan in record.data.plans}
    for day in record.data.check_ins:
        for dose in day.doses.all():
            reports.setdefault(dose.plan_id, {})[day.date] = DoseStatus(dose.status)
    return [
        progress.MedicationDoses(schedule_of(plan), reports[plan.pk]) for plan in record.data.plans
    ]


def _chart_data(weekly: list[progress.Week], shows: dict[str, bool]) -> dict[str, Any]:
    """What static/journal/progress.js draws, for the shared categories only."""
    data: dict[str, Any] = {"weeks": [_short(w.start) for w in weekly]}
    if shows[Category.MEETINGS_AND_ACTIVITIES.value]:
        data["meetings"] = {
            "values": [w.meetings for w in weekly],
            "label": _("Meetings"),
            "ninety": progress.NINETY_IN_NINETY_PER_WEEK,
            "ninety_label": _("90 in 90 pace (7 a week)"),
            "weekly": progress.WEEKLY_OR_MORE,
            "weekly_label": _("Weekly or more (1 a week)"),
        }
    if shows[Category.SUBSTANCE_USE.value]:
        data["days"] = [
            {"label": _("Days without use"), "values": [w.abstinent for w in weekly], "key": "ok"},
            {"label": _("Days with use"), "values": [w.used for w in weekly], "key": "used"},
            {
                "label": _("Not checked in (unknown)"),
                "values": [w.unknown for w in weekly],
                "key": "unknown",
            },
        ]
    if shows[Category.MEDICATION.value]:
        data["doses"] = [
            {"label": _("Taken as prescribed"), "values": [w.doses_taken for w in weekly]},
            {"label": _("A different dose"), "values": [w.doses_different for w in weekly]},
            {"label": _("Missed"), "values": [w.doses_missed for w in weekly]},
            {"label": _("Not recorded"), "values": [w.doses_unknown for w in weekly]},
        ]
    return data


def summary(
    record: SharedRecord,
    disclosure: gate.Disclosure,
    *,
    viewer: User,
    now: datetime | None = None,
) -> Summary:
    """The summary of one shared record. The caseload row comes from the same disclosure (no
    second one is written) and keeps the person's alerts in step, as the caseload does."""
    from django.utils import timezone

    from homegroup.care import caseload_table

    now = now or timezone.now()
    settings = caseload.rule_settings(viewer, [disclosure.person_id])
    rows = caseload.rows_for({disclosure.person_id: disclosure}, now=now, settings=settings)
    row = rows.get(disclosure.person_id)
    shows = record.shows
    today = record.today
    start = recovery.week_start(today) - timedelta(weeks=CHART_WEEKS - 1)
    weekly = progress.weeks(
        start=start,
        end=today,
        facts=_facts(record),
        scope=recovery.Scope(record.data.profile.count_scope),
        medications=_medications(record),
    )
    bam_response = next(
        (
            response
            for response in sorted(
                record.data.responses, key=lambda r: (r.taken_on, r.pk), reverse=True
            )
            if response.instrument == bam.ID
        ),
        None,
    )
    notes = bam.item_notes(bam_response.answers, bam_response.version) if bam_response else []
    snapshots = record.data.snapshots
    changes: list[dict[str, Any]] = []
    since = None
    if len(snapshots) >= 2:
        before, after = snapshots[-2], snapshots[-1]
        since = before.taken_on
        for change in network.compare(
            network.NetworkIndices.from_json(before.indices, before.version),
            network.NetworkIndices.from_json(after.indices, after.version),
        ):
            if change.delta and change.name in INDEX_LABELS:
                changes.append({"label": str(INDEX_LABELS[change.name]), "change": change})
    return Summary(
        row=row,
        # The alerts head the page on their own; the glance has the numbers.
        cells=caseload_table.cells(row)[:-1] if row else [],
        weekly=weekly,
        chart_data=_chart_data(weekly, shows),
        bam_response=bam_response,
        bam_notes=[note for note in notes if note.worth_a_look],
        network_changes=changes,
        network_since=since,
        shows=shows,
    )
