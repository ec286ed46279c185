"""Recovery time: what the count measures and since when."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.journal import recovery as rules
from homegroup.journal import summaries
from homegroup.journal.models import (
    JournalProfile,
)
from homegroup.journal.views.common import journal_page, person_required


@person_required
@require_http_methods(["GET"])
def recovery(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    days = summaries.days_of(person)
    time = summaries.recovery_time_of(person, profile, today, days)
    context = {
        "profile": profile,
        "time": time,
        "day_number": rules.day_number(time),
        "today": today,
        "restarts_tomorrow": time.start is not None and time.start > today,
        "latest_previous": time.latest_previous,
        "earlier": time.previous[1:],
        "reached": list(reversed(time.reached)),
        "has_history": bool(days.known) or profile.recovery_date is not None,
    }
    return journal_page(request, "journal/recovery.html", context, object_type="recovery_time")
