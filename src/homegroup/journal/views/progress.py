"""Progress over weeks: the charts' words and labels (the numbers are `journal.progress`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.journal import progress, summaries
from homegroup.journal import recovery as rules
from homegroup.journal.models import (
    JournalProfile,
    MedicationPlan,
)
from homegroup.journal.recovery import ACTIVITIES
from homegroup.journal.views.common import journal_page, person_required
from homegroup.journal.views.network import INDEX_LABELS
from homegroup.measures import bam, network

PROGRESS_WINDOWS = {"12": 12, "26": 26, "52": 52, "156": 156}
DEFAULT_WINDOW = "26"
RECENT_WEEKS = 4
# The counts of people (one scale for one chart); the percentages are in the changes above it.
NETWORK_CHART_INDICES = (
    "size",
    "daily",
    "supporters_of_recovery",
    "supporters_of_medication",
    "in_fellowship",
    "important_supporting_not_drinking",
    "important_supporting_not_using_drugs",
)


def _short(day: date) -> str:
    return formats.date_format(day, "M j")


def _progress_chart_data(
    weekly: list[progress.Week],
    bam_rows: list[tuple[date, dict[str, Any]]],
    network_rows: list[tuple[date, network.NetworkIndices]],
    has_plans: bool,
) -> dict[str, Any]:
    """What static/journal/progress.js draws; every label is translated here."""
    return {
        "weeks": [_short(w.start) for w in weekly],
        "meetings": {
            "values": [w.meetings for w in weekly],
            "label": _("Meetings"),
            "ninety": progress.NINETY_IN_NINETY_PER_WEEK,
            "ninety_label": _("90 in 90 pace (7 a week)"),
            "weekly": progress.WEEKLY_OR_MORE,
            "weekly_label": _("Weekly or more (1 a week)"),
        },
        "activities": [
            {"label": str(ACTIVITY_LABELS[name]), "values": [w.activities[name] for w in weekly]}
            for name in ACTIVITIES
        ],
        "days": [
            {"label": _("Days without use"), "values": [w.abstinent for w in weekly], "key": "ok"},
            {"label": _("Days with use"), "values": [w.used for w in weekly], "key": "used"},
            {
                "label": _("Not checked in (unknown)"),
                "values": [w.unknown for w in weekly],
                "key": "unknown",
            },
        ],
        "doses": (
            [
                {"label": _("Taken as prescribed"), "values": [w.doses_taken for w in weekly]},
                {"label": _("A different dose"), "values": [w.doses_different for w in weekly]},
                {"label": _("Missed"), "values": [w.doses_missed for w in weekly]},
                {"label": _("Not recorded"), "values": [w.doses_unknown for w in weekly]},
            ]
            if has_plans
            else None
        ),
        "bam": (
            {
                "dates": [_short(day) for day, _scores in bam_rows],
                "series": [
                    {"label": _("Use (0-12)"), "values": [s.get("use") for _d, s in bam_rows]},
                    {"label": _("Risk (0-24)"), "values": [s.get("risk") for _d, s in bam_rows]},
                    {
                        "label": _("Protective (0-24)"),
                        "values": [s.get("protective") for _d, s in bam_rows],
                    },
                ],
                "marks": [
                    {
                        "label": _("12: risk flag at or above, protective flag at or below"),
                        "value": bam.RISK_FLAG_AT_LEAST,
                    },
                    {"label": _("1: any use is flagged"), "value": bam.USE_FLAG_AT_LEAST},
                ],
            }
            if bam_rows
            else None
        ),
        "network": (
            {
                "dates": [_short(day) for day, _indices in network_rows],
                "series": [
                    {
                        "label": str(INDEX_LABELS[name]),
                        "values": [getattr(indices, name) for _d, indices in network_rows],
                    }
                    for name in NETWORK_CHART_INDICES
                ],
            }
            if network_rows
            else None
        ),
    }


ACTIVITY_LABELS = {
    "service": _lazy("Service"),
    "talked_with_sponsor": _lazy("Talked with my sponsor"),
    "sponsored_someone": _lazy("Sponsored someone"),
    "step_work": _lazy("Step work"),
    "literature": _lazy("Read literature"),
    "shared": _lazy("Shared or spoke at a meeting"),
    "helped_member": _lazy("Helped another member"),
    "fellowship_time": _lazy("Fellowship time"),
}


@person_required
@require_http_methods(["GET"])
def progress_page(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    window = request.GET.get("weeks", DEFAULT_WINDOW)
    if window not in PROGRESS_WINDOWS:
        raise BadRequest("weeks must be one of 12, 26, 52, 156")
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    start = rules.week_start(today) - timedelta(weeks=PROGRESS_WINDOWS[window] - 1)
    first = summaries.first_check_in(person)
    began = [day for day in (first,) if day is not None]
    if profile.pk is not None:
        began.append(rules.today_in(profile.timezone, profile.created_at))
    # Weeks before the person began their journal are not "unknown": they are not shown.
    start = max(start, min(began, default=today))
    facts = summaries.day_facts(person, start, today)
    plans = [
        plan
        for plan in MedicationPlan.objects.visible_to(person)
        if plan.active_from <= today and (plan.active_to is None or plan.active_to >= start)
    ]
    reports = summaries.dose_reports(person, plans, start, today)
    weekly = progress.weeks(
        start=start,
        end=today,
        facts=facts,
        scope=rules.Scope(profile.count_scope),
        medications=[
            progress.MedicationDoses(summaries.schedule_of(plan), reports[plan.pk])
            for plan in plans
        ],
    )
    bam_rows = summaries.bam_history(person)
    network_rows = summaries.network_history(person)
    recent = progress.totals(weekly[-RECENT_WEEKS:])
    whole = progress.totals(weekly)
    latest_bam = bam_rows[-1] if bam_rows else None
    first_bam = bam_rows[0] if len(bam_rows) > 1 else None
    network_changes: list[dict[str, Any]] = []
    network_since = network_rows[-2][0] if len(network_rows) > 1 else None
    if len(network_rows) > 1:
        before, after = network_rows[-2][1], network_rows[-1][1]
        network_changes = [
            {"change": change, "label": INDEX_LABELS[change.name]}
            for change in network.compare(before, after)
            if change.delta
        ]
    context = {
        "window": window,
        "windows": [
            ("12", _("12 weeks")),
            ("26", _("6 months")),
            ("52", _("1 year")),
            ("156", _("3 years")),
        ],
        "weekly": weekly,
        "recent": recent,
        "whole": whole,
        "recent_weeks": min(RECENT_WEEKS, len(weekly)),
        "has_checkins": bool(facts),
        "plans": plans,
        "profile": profile,
        "most_frequent_label": (
            ACTIVITY_LABELS[recent.most_frequent_activity] if recent.most_frequent_activity else ""
        ),
        "activity_labels": [ACTIVITY_LABELS[name] for name in ACTIVITIES],
        "activity_rows": [
            (week, [week.activities[name] for name in ACTIVITIES]) for week in weekly
        ],
        "bam_rows": bam_rows,
        "latest_bam": latest_bam,
        "first_bam": first_bam,
        "network_labels": [INDEX_LABELS[name] for name in NETWORK_CHART_INDICES],
        "network_table": [
            (day, [getattr(indices, name) for name in NETWORK_CHART_INDICES])
            for day, indices in network_rows
        ],
        "network_changes": network_changes,
        "network_since": network_since,
        "ninety_pace": progress.NINETY_IN_NINETY_PER_WEEK,
        "chart_data": _progress_chart_data(weekly, bam_rows, network_rows, bool(plans)),
    }
    return journal_page(request, "journal/progress.html", context, object_type="progress")
