"""12-step life: home group, usual meetings, sponsor, steps and service commitments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.directory.models import Meeting
from homegroup.forms import attach_errors, form_status
from homegroup.journal import actions
from homegroup.journal.forms import (
    MeetingSearchForm,
    ServiceCommitmentForm,
    SponsorStepsForm,
)
from homegroup.journal.models import (
    JournalProfile,
    ServiceCommitment,
    TwelveStepLife,
)
from homegroup.journal.views.common import (
    GET_POST,
    directory_search_url,
    journal_page,
    person_required,
)
from homegroup.privacy.access import get_visible_or_404

SEARCH_RESULTS = 10


def _search_meetings(query: str) -> list[Meeting]:
    text = query.strip()
    if not text:
        return []
    slug = text.rstrip("/").rsplit("/", 1)[-1]  # a pasted directory link ends with the slug
    return list(
        Meeting.objects.active()
        .filter(Q(slug=slug) | Q(name__icontains=text))
        .order_by("name", "day", "start_time")[:SEARCH_RESULTS]
    )


@person_required
@GET_POST
def twelve_step(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    life = TwelveStepLife.objects.for_person(person)
    data = request.POST if request.method == "POST" else None
    form = SponsorStepsForm(
        data,
        initial={
            "sponsor_status": life.sponsor_status,
            "sponsor_name": life.sponsor_name,
            "sponsor_supports_medication": life.sponsor_supports_medication,
            "steps_worked": life.steps_worked,
        },
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            actions.update_sponsor_and_steps(
                person=person,
                sponsor_status=values["sponsor_status"],
                sponsor_name=values["sponsor_name"],
                sponsor_supports_medication=values["sponsor_supports_medication"],
                steps_worked=values["steps_worked"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("journal:twelve-step")
    search = MeetingSearchForm(request.GET or None)
    results = _search_meetings(search.cleaned_data["q"]) if search.is_valid() else []
    usual = list(life.usual_meetings.all()) if life.pk else []
    context = {
        "life": life,
        "form": form,
        "search": search,
        "results": results,
        "searched": bool(request.GET.get("q")),
        "usual": usual,
        "usual_ids": {m.pk for m in usual},
        "commitments": list(ServiceCommitment.objects.visible_to(person).select_related("meeting")),
        "directory_search_url": directory_search_url(),
    }
    return journal_page(
        request,
        "journal/twelve_step.html",
        context,
        object_type="twelve_step_life",
        object_id=life.pk or "",
        status=form_status(request, form),
    )


@person_required
@require_POST
def twelve_step_meetings(request: AuthenticatedRequest) -> HttpResponse:
    """Home group and usual meetings, by a directory meeting's slug."""
    person = request.user
    what = request.POST.get("what", "")
    slug = request.POST.get("slug", "")[:100]
    if what == "clear_home_group":
        actions.set_home_group(person=person, meeting=None)
        messages.success(request, _("You have no home group set now."))
        return redirect("journal:twelve-step")
    if what not in ("home_group", "add", "remove") or not slug:
        raise BadRequest("what and slug are required")
    meeting = Meeting.objects.filter(slug=slug).first()
    if meeting is None:
        raise Http404
    if what == "home_group":
        actions.set_home_group(person=person, meeting=meeting)
        messages.success(request, _("%(name)s is your home group.") % {"name": meeting.name})
    elif what == "add":
        actions.add_usual_meeting(person=person, meeting=meeting)
        messages.success(
            request,
            _("%(name)s is now listed on your check-in.") % {"name": meeting.name},
        )
    else:
        actions.remove_usual_meeting(person=person, meeting=meeting)
        messages.success(request, _("%(name)s was taken off your list.") % {"name": meeting.name})
    if request.POST.get("from") == "setup":  # the first-run setup's meeting step
        return redirect(reverse("journal:setup") + "?step=3")
    return redirect("journal:twelve-step")


def _service_form_page(
    request: AuthenticatedRequest, commitment: ServiceCommitment | None
) -> HttpResponse:
    person = request.user
    life = TwelveStepLife.objects.for_person(person)
    meetings = list(life.usual_meetings.all()) if life.pk else []
    if commitment is not None and commitment.meeting and commitment.meeting not in meetings:
        meetings.append(commitment.meeting)
    initial: dict[str, Any] = {}
    if commitment is not None:
        initial = {
            "role": commitment.role,
            "meeting": commitment.meeting_id,
            "meeting_name": commitment.meeting_name,
            "started_on": commitment.started_on,
            "ended_on": commitment.ended_on,
        }
    else:
        initial = {
            "started_on": JournalProfile.objects.for_person(person).today(),
            "meeting": life.home_group_id,
        }
    data = request.POST if request.method == "POST" else None
    form = ServiceCommitmentForm(data, meetings=meetings, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        chosen = next((m for m in meetings if m.pk == values["meeting"]), None)
        try:
            actions.save_service_commitment(
                person=person,
                commitment=commitment,
                role=values["role"],
                meeting=chosen,
                meeting_name=values["meeting_name"],
                started_on=values["started_on"],
                ended_on=values["ended_on"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your service commitment is saved."))
            return redirect("journal:twelve-step")
    return journal_page(
        request,
        "journal/service_form.html",
        {"form": form, "commitment": commitment},
        object_type="service_commitment",
        object_id=commitment.pk if commitment else "",
        status=form_status(request, form),
    )


@person_required
@GET_POST
def service_new(request: AuthenticatedRequest) -> HttpResponse:
    return _service_form_page(request, None)


@person_required
@GET_POST
def service_edit(request: AuthenticatedRequest, commitment_id: int) -> HttpResponse:
    commitment = get_visible_or_404(
        ServiceCommitment.objects.select_related("meeting"), request.user, pk=commitment_id
    )
    return _service_form_page(request, commitment)


@person_required
@require_POST
def service_delete(request: AuthenticatedRequest, commitment_id: int) -> HttpResponse:
    commitment = get_visible_or_404(ServiceCommitment.objects.all(), request.user, pk=commitment_id)
    actions.delete_service_commitment(person=request.user, commitment=commitment)
    messages.success(request, _("The service commitment was removed."))
    return redirect("journal:twelve-step")
