"""Break-glass: a clinician's emergency access to a person's record, with its reason."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import role_required
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.audit import actions as audit
from homegroup.audit.models import Outcome
from homegroup.audit.vocabulary import AuditAction
from homegroup.forms import attach_errors, form_status
from homegroup.privacy import actions
from homegroup.privacy.forms import (
    BreakGlassForm,
)
from homegroup.privacy.models import (
    BreakGlassGrant,
)
from homegroup.privacy.views.common import ELEMENT_FIELDS


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def break_glass(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """Emergency access for a clinician of the person's program outside their care team (H-02)."""
    clinician = request.user
    if not actions.shared_programs(clinician, person_id):
        audit.refuse(
            action=AuditAction.PRIVACY_BREAK_GLASS_VIEWED,
            actor_id=clinician.pk,
            subject_id=person_id,
            object_type="person",
            object_id=person_id,
        )
    person = audit.get_or_refuse(
        User.objects.filter(is_active=True),
        person_id,
        actor_id=clinician.pk,
        owner_field="pk",
        object_type="person",
    )
    form = BreakGlassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = actions.open_break_glass(
                clinician=clinician, person_id=person.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            attach_errors(form, error, rename=ELEMENT_FIELDS)
        else:
            messages.warning(
                request,
                _("Emergency access is open until %(time)s UTC. It is logged and will be reviewed.")
                % {"time": grant.expires_at.strftime("%H:%M")},
            )
            return redirect("privacy:break-glass", person_id=person.pk)
    open_grant = (
        BreakGlassGrant.objects.open_at(timezone.now())
        .filter(clinician=clinician, person=person)
        .first()
    )
    # The page names the person: audited, though no record is shown. Denied unless a grant is
    # open (the record itself opens only through the gate).
    audit.record(
        action=AuditAction.PRIVACY_BREAK_GLASS_VIEWED,
        actor_id=clinician.pk,
        outcome=Outcome.SUCCESS if open_grant else Outcome.DENIED,
        subject_id=person.pk,
        object_type="person",
        object_id=person.pk,
    )
    return render(
        request,
        "privacy/break_glass.html",
        {
            "form": form,
            "person": person,
            "open_grant": open_grant,
            "minutes": settings.HOMEGROUP_BREAK_GLASS_MINUTES,
        },
        status=form_status(request, form),
    )
