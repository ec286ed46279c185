"""A sponsor's or supporter's side: what people share with them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from homegroup.accounts import throttle
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.forms import attach_errors, form_status
from homegroup.privacy import actions, categories
from homegroup.privacy.forms import (
    CodeForm,
)
from homegroup.privacy.models import (
    Consent,
    ConsentStatus,
)
from homegroup.privacy.views.common import ELEMENT_FIELDS, too_many_tries


@login_required
@require_http_methods(["GET", "POST"])
def shared_with_me(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        initial={"code": request.GET.get("code", "")},
    )
    if request.method == "POST":
        if throttle.code_redemption_blocked(user):
            return too_many_tries(request)
        if form.is_valid():
            try:
                consent = actions.accept_share(recipient=user, code=form.cleaned_data["code"])
            except ValidationError as error:
                attach_errors(form, error, rename=ELEMENT_FIELDS)
            else:
                messages.success(
                    request,
                    _("%(name)s now shares part of their recovery journal with you.")
                    % {"name": consent.person.display_name},
                )
                return redirect("privacy:shared-with-me")
    now = timezone.now()
    received = [
        {
            "consent": consent,
            "what": [categories.label(c) for c in consent.categories],
        }
        for consent in Consent.objects.received_by(user)
        .possibly_active(now)
        .with_treatment()
        .filter(person__is_active=True)
        .select_related("person")
        if consent.status(now=now) == ConsentStatus.ACTIVE
    ]
    return render(
        request,
        "privacy/shared_with_me.html",
        {"form": form, "received": received},
        status=form_status(request, form),
    )
