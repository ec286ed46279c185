"""First-run setup, right after the email link: three short steps, each skippable.

1. What the recovery time counts and since when ("I don't know" allowed), with the time zone
   taken from the browser (journal/setup.js), said in words and changeable with a search box.
2. A medication, if any.
3. A home group or usual meetings from the directory (meetings in the person's own zone first).

Skipping step 1 still saves the time zone: that is what makes "today" right for a Californian
checking in at 10 p.m. Finishing (or skipping) the last step goes to the home page.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.directory.models import Meeting
from homegroup.forms import attach_errors, form_status
from homegroup.journal import actions
from homegroup.journal.context_processors import remember_timezone
from homegroup.journal.forms import (
    SETUP_NO_MEDICATION,
    MeetingSearchForm,
    SetupCountForm,
    SetupMedicationForm,
    timezone_names,
)
from homegroup.journal.models import DEFAULT_TIMEZONE, JournalProfile, TwelveStepLife
from homegroup.journal.views.common import GET_POST, journal_page, person_required
from homegroup.lib.timezones import is_timezone

STEPS = (1, 2, 3)
SEARCH_RESULTS = 8


def _step(request: AuthenticatedRequest) -> int:
    raw = request.POST.get("step") or request.GET.get("step") or "1"
    return int(raw) if raw in ("1", "2", "3") else 1


def _next(step: int) -> HttpResponse:
    if step >= STEPS[-1]:
        return redirect("home")
    return redirect(reverse("journal:setup") + f"?step={step + 1}")


def search_meetings(query: str, zone: str) -> list[Meeting]:
    """Meetings whose name or town matches, those in the person's own time zone first (the
    nearest a zone can say without asking for a location)."""
    text = query.strip()
    if not text:
        return []
    return list(
        Meeting.objects.active()
        .filter(Q(name__icontains=text) | Q(city__icontains=text))
        .annotate(
            elsewhere=Case(
                When(timezone=zone, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("elsewhere", "name", "day", "start_time")[:SEARCH_RESULTS]
    )


@person_required
@GET_POST
def setup(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    profile = JournalProfile.objects.for_person(person)
    step = _step(request)
    posted = request.POST if request.method == "POST" else None
    skipping = posted is not None and "skip" in posted
    context: dict[str, Any] = {"step": step, "steps": STEPS, "profile": profile}
    form: Any = None
    if step == 1:
        form = SetupCountForm(
            posted,
            initial={
                # Empty for a newcomer, so the browser's zone fills it (journal/setup.js).
                "timezone": profile.timezone if profile.pk else "",
                "count_scope": profile.count_scope,
                "recovery_date": profile.recovery_date,
            },
        )
        if posted is not None and skipping:
            zone = posted.get("timezone", "").strip()
            saved = actions.update_profile(
                person=person,
                timezone_name=zone if is_timezone(zone) else profile.timezone or DEFAULT_TIMEZONE,
                recovery_date=profile.recovery_date,
                count_scope=profile.count_scope,
            )
            remember_timezone(request, saved.timezone)
            return _next(step)
        if posted is not None and form.is_valid():
            values = form.cleaned_data
            try:
                actions.update_profile(
                    person=person,
                    timezone_name=values["timezone"],
                    recovery_date=None if values["dont_know"] else values["recovery_date"],
                    count_scope=values["count_scope"],
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                remember_timezone(request, values["timezone"])
                return _next(step)
        context["timezones"] = timezone_names()
    elif step == 2:
        form = SetupMedicationForm(posted)
        if posted is not None and skipping:
            return _next(step)
        if posted is not None and form.is_valid():
            values = form.cleaned_data
            if values["medication"] == SETUP_NO_MEDICATION:
                return _next(step)
            try:
                actions.save_medication_plan(
                    person=person,
                    medication=values["medication"],
                    other_name=values["other_name"],
                    active_from=values["active_from"] or profile.today(),
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return _next(step)
    else:
        if posted is not None:
            return _next(step)
        search = MeetingSearchForm(request.GET if "q" in request.GET else None)
        query = search.cleaned_data["q"] if search.is_valid() else ""
        life = TwelveStepLife.objects.for_person(person)
        usual = list(life.usual_meetings.all()) if life.pk else []
        context.update(
            search=search,
            results=search_meetings(query, profile.timezone),
            searched=bool(query),
            life=life,
            usual=usual,
            usual_ids={m.pk for m in usual},
        )
    context["form"] = form
    return journal_page(
        request,
        "journal/setup.html",
        context,
        object_type="setup",
        object_id=step,
        status=form_status(request, form) if form is not None else 200,
    )
