"""The month calendar of check-ins."""

from __future__ import annotations

import calendar as calendar_module
from datetime import timedelta
from typing import Any

from django.core.exceptions import BadRequest
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.journal import actions, summaries
from homegroup.journal import recovery as rules
from homegroup.journal.forms import (
    month_of,
)
from homegroup.journal.models import (
    CheckIn,
    JournalProfile,
)
from homegroup.journal.views.common import journal_page, person_required


@person_required
@require_http_methods(["GET"])
def calendar(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    first_missing = None
    if not request.GET.get("month"):
        # Opened from the navigation: the month of the earliest day still missing, so missing
        # days are one tap away (a year back at most).
        since = summaries.tracking_since(profile, summaries.days_of(person))
        if since is not None:
            start = max(since, today - rules.MISSING_DAYS_HORIZON)
            checked = CheckIn.objects.between(start, today).visible_to(person)
            first_missing = rules.earliest_missing_day(
                checked.values_list("date", flat=True), since=since, today=today
            )
    first = month_of(
        request.GET.get("month") or (first_missing.strftime("%Y-%m") if first_missing else None),
        today,
    )
    if first is None or first.year < actions.EARLIEST_DAY.year:
        raise BadRequest("month must look like 2025-03")
    if first > today:
        raise Http404
    days_in_month = calendar_module.monthrange(first.year, first.month)[1]
    last = first.replace(day=days_in_month)
    rows = (
        CheckIn.objects.between(first, last)
        .visible_to(person)
        .annotate(meeting_count=Count("meetings"))
        .values_list("date", "retrospective", "meeting_count")
    )
    known = {day: (retro, count) for day, retro, count in rows}
    weeks: list[list[dict[str, Any] | None]] = []
    week: list[dict[str, Any] | None] = [None] * ((first.weekday() + 1) % 7)  # 0 = Sunday
    for number in range(1, days_in_month + 1):
        day = first.replace(day=number)
        retro, meeting_count = known.get(day, (False, 0))
        week.append(
            {
                "date": day,
                "known": day in known,
                "retrospective": retro,
                "meetings": meeting_count,
                "future": day > today,
                "today": day == today,
                "first_missing": day == first_missing,
            }
        )
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    previous_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    past_days = [d for w in weeks for d in w if d is not None and not d["future"]]
    context = {
        "month": first,
        "weeks": weeks,
        "weekday_names": [_("Sun"), _("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat")],
        "previous_month": previous_month,
        "next_month": next_month if next_month <= today else None,
        "first_missing": first_missing,
        "known_count": sum(1 for d in past_days if d["known"]),
        "unknown_count": sum(1 for d in past_days if not d["known"]),
    }
    return journal_page(
        request, "journal/calendar.html", context, object_type="calendar", object_id=first
    )
