"""The settings page's PIN lock and reminder forms, and unlocking (journal.pin_lock)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.forms import attach_errors, form_status
from homegroup.journal import actions, pin_lock
from homegroup.journal.forms import PinForm, ReminderForm, UnlockForm
from homegroup.journal.views.common import GET_POST, person_required


@person_required
@require_POST
def set_pin(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    if request.POST.get("remove"):
        actions.remove_pin(person=person)
        pin_lock.remember_pin(request, None)
        messages.success(request, _("The PIN is removed."))
        return redirect("journal:settings")
    form = PinForm(request.POST)
    if form.is_valid():
        try:
            profile = actions.set_pin(
                person=person,
                pin=form.cleaned_data["pin"],
                idle_minutes=form.cleaned_data["idle_minutes"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            pin_lock.remember_pin(request, profile.pin_idle_minutes)
            messages.success(request, _("Your PIN is set."))
            return redirect("journal:settings")
    messages.error(request, _("A PIN is 4 to 8 digits. Nothing was changed."))
    return redirect("journal:settings")


@person_required
@require_POST
def set_reminder(request: AuthenticatedRequest) -> HttpResponse:
    form = ReminderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type a time such as 20:30. Nothing was changed."))
        return redirect("journal:settings")
    at = form.cleaned_data["reminder_time"]
    actions.set_reminder(person=request.user, at=at)
    if at:
        messages.success(request, _("You will get a reminder on days without a check-in."))
    else:
        messages.success(request, _("No more reminders."))
    return redirect("journal:settings")


@person_required
@GET_POST
def unlock(request: AuthenticatedRequest) -> HttpResponse:
    """Shows nothing of the journal: only the PIN box, quick exit and signing out."""
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    form = UnlockForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        right = actions.check_pin(person=request.user, pin=form.cleaned_data["pin"])
        if right is None:
            request.homegroup_sign_out_reason = "pin_locked_out"  # type: ignore[attr-defined]
            logout(request)
            messages.info(request, _("Too many wrong PINs. Please sign in with your password."))
            return redirect("accounts:sign-in")
        if right:
            pin_lock.unlock(request)
            return redirect(target)
        form.add_error("pin", _("That PIN is not right. Try again."))
    return render(
        request,
        "journal/unlock.html",
        {"form": form, "next": target},
        status=form_status(request, form),
    )
