"""Medication plans: listed with their recent adherence, added, edited and deleted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.forms import attach_errors, form_status
from homegroup.journal import actions, summaries
from homegroup.journal.forms import (
    MedicationPlanForm,
)
from homegroup.journal.models import (
    JournalProfile,
    MedicationPlan,
)
from homegroup.journal.views.common import GET_POST, journal_page, person_required
from homegroup.privacy.access import get_visible_or_404

ADHERENCE_DAYS = 30


@person_required
@require_http_methods(["GET"])
def medication(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    plans = list(MedicationPlan.objects.visible_to(person))
    start = today - timedelta(days=ADHERENCE_DAYS - 1)
    current = [p for p in plans if p.active_to is None or p.active_to >= start]
    context = {
        "plans": plans,
        "adherence": summaries.adherence_of(person, current, start, today),
        "adherence_days": ADHERENCE_DAYS,
        "today": today,
    }
    return journal_page(request, "journal/medication.html", context, object_type="medication_plan")


def _plan_form_page(
    request: AuthenticatedRequest, plan: MedicationPlan | None, initial: dict[str, Any]
) -> HttpResponse:
    person = request.user
    data = request.POST if request.method == "POST" else None
    form = MedicationPlanForm(data, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            actions.save_medication_plan(
                person=person,
                plan=plan,
                medication=values["medication"],
                other_name=values["other_name"],
                prescriber=values["prescriber"],
                dose=values["dose"],
                dose_unit=values["dose_unit"],
                schedule=values["schedule"],
                weekdays=values["weekdays"],
                active_from=values["active_from"],
                active_to=values["active_to"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your medication plan is saved."))
            return redirect("journal:medication")
    return journal_page(
        request,
        "journal/medication_form.html",
        {"form": form, "plan": plan},
        object_type="medication_plan",
        object_id=plan.pk if plan else "",
        status=form_status(request, form),
    )


@person_required
@GET_POST
def medication_new(request: AuthenticatedRequest) -> HttpResponse:
    today = JournalProfile.objects.for_person(request.user).today()
    return _plan_form_page(
        request, None, {"schedule": "daily", "dose_unit": "mg", "active_from": today}
    )


@person_required
@GET_POST
def medication_edit(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_visible_or_404(MedicationPlan.objects.all(), request.user, pk=plan_id)
    return _plan_form_page(request, plan, MedicationPlanForm.initial_from(plan))


@person_required
@require_POST
def medication_delete(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_visible_or_404(MedicationPlan.objects.all(), request.user, pk=plan_id)
    actions.delete_medication_plan(person=request.user, plan=plan)
    messages.success(request, _("The medication was removed from your plan."))
    return redirect("journal:medication")
