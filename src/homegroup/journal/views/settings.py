"""The journal's settings: time zone, recovery date, discreet mode."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.forms import attach_errors, form_status
from homegroup.journal import actions
from homegroup.journal.context_processors import remember_discreet_mode, remember_timezone
from homegroup.journal.forms import (
    DiscreetModeForm,
    PinForm,
    ProfileForm,
    ReminderForm,
    timezone_names,
)
from homegroup.journal.models import (
    JournalProfile,
)
from homegroup.journal.views.common import GET_POST, journal_page, person_required


@person_required
@GET_POST
def settings_page(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    profile = JournalProfile.objects.for_person(person)
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(
        data,
        initial={
            "timezone": profile.timezone,
            "recovery_date": profile.recovery_date,
            "count_scope": profile.count_scope,
        },
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            actions.update_profile(
                person=person,
                timezone_name=values["timezone"],
                recovery_date=values["recovery_date"],
                count_scope=values["count_scope"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            remember_timezone(request, values["timezone"])
            messages.success(request, _("Your settings are saved."))
            return redirect("journal:recovery")
    discreet_form = DiscreetModeForm(initial={"discreet": profile.discreet_mode})
    return journal_page(
        request,
        "journal/settings.html",
        {
            "form": form,
            "profile": profile,
            "discreet_form": discreet_form,
            "timezones": timezone_names(),
            "pin_form": PinForm(initial={"idle_minutes": profile.pin_idle_minutes}),
            "reminder_form": ReminderForm(initial={"reminder_time": profile.reminder_time}),
        },
        object_type="journal_profile",
        object_id=profile.pk or "",
        status=form_status(request, form),
    )


@person_required
@require_POST
def discreet_mode(request: AuthenticatedRequest) -> HttpResponse:
    form = DiscreetModeForm(request.POST)
    on = bool(form.is_valid() and form.cleaned_data["discreet"])
    actions.set_discreet_mode(person=request.user, on=on)
    remember_discreet_mode(request, on)
    if on:
        messages.success(request, _("Discreet mode is on."))
    else:
        messages.success(request, _("Discreet mode is off."))
    return redirect("journal:settings")
