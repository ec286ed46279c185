"""The MAT report: a signed-in person in recovery or a clinician says how a meeting treated
people on medication. Anonymous by construction (the action keeps only an opaque reporter key,
one person counts once, never a link to their journal) and counted only after a directory
maintainer reviews it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from homegroup.accounts.models import Role
from homegroup.accounts.permissions import role_required
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.directory import actions
from homegroup.directory.forms import MatReportForm
from homegroup.directory.models import Meeting
from homegroup.forms import attach_errors


def _meeting_page(meeting: Meeting) -> str:
    return reverse("directory:meeting", kwargs={"slug": meeting.slug})


@role_required(Role.PERSON_IN_RECOVERY, Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def report_mat(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.active().select_related("fellowship"), slug=slug)
    data = request.POST if request.method == "POST" else None
    form = MatReportForm(data, initial={"observed_on": timezone.localdate()})
    if data is not None and form.is_valid():
        try:
            actions.report_mat_experience(
                meeting=meeting,
                reporter=request.user,
                stance=form.cleaned_data["stance"],
                observed_on=form.cleaned_data["observed_on"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. A directory maintainer reviews your report before it counts; "
                    "it never shows who sent it."
                ),
            )
            return redirect(_meeting_page(meeting))
    return render(
        request,
        "directory/report/mat_report.html",
        {"form": form, "meeting": meeting, "meeting_url": _meeting_page(meeting)},
        status=400 if data is not None and form.errors else 200,
    )
