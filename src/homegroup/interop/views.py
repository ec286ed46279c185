"""iCalendar files: `/meetings/<slug>.ics` (add one meeting to a calendar) and
`/meetings.ics?slugs=a,b,c` (the meetings a person chose on the search page, at most 50),
public like the directory; and the FHIR downloads: a person's own journal, and a clinician's
copy of a disclosed record."""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from homegroup.accounts import throttle
from homegroup.accounts.permissions import reauth_required
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.care import session_views
from homegroup.care import views as care_views
from homegroup.care.session_models import TSFSession
from homegroup.directory.finder import MAX_CHOSEN
from homegroup.directory.models import Meeting
from homegroup.interop import fhir, fhir_disclosure, fhir_sessions, ical
from homegroup.journal import disclosed
from homegroup.journal.tasks import RecoveryTask
from homegroup.journal.views import data as data_views
from homegroup.journal.views.common import person_required
from homegroup.privacy import gate
from homegroup.privacy.models import Channel
from homegroup.replica import reads_from_replica

SLUG_LENGTH = 100
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _calendar_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _page_url(request: HttpRequest, meeting: Meeting) -> str:
    return request.build_absolute_uri(reverse("directory:meeting", args=[meeting.slug]))


def _active() -> QuerySet[Meeting]:
    return Meeting.objects.active().select_related("fellowship")


@require_GET
@reads_from_replica
def meeting_ics(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(_active(), slug=slug)
    body = ical.calendar(
        [meeting], name=meeting.name, page_url=lambda found: _page_url(request, found)
    )
    return _calendar_response(body, filename=f"{meeting.slug}.ics")


def _chosen_slugs(request: HttpRequest) -> list[str]:
    """``slugs`` comma-separated, repeated, or both; each once, in the order given."""
    slugs: list[str] = []
    for value in request.GET.getlist("slugs"):
        for slug in value.split(","):
            slug = slug.strip()
            if slug and slug not in slugs:
                slugs.append(slug)
    return slugs


def _bad_request(message: str) -> JsonResponse:
    # The API's one error shape (homegroup.api_schemas.Error), for a link a page made.
    return JsonResponse(
        {"error": message, "details": [{"loc": ["query", "slugs"], "message": message}]},
        status=400,
    )


@require_GET
@reads_from_replica
def search_ics(request: HttpRequest) -> HttpResponse:
    """The meetings a person chose, as one calendar: ``slugs=a,b,c`` (at most `MAX_CHOSEN`).

    A chosen set, never a whole search: a search's calendar held up to 500 weekly events that
    nobody picked. A slug no longer listed is left out; none found at all is a 404."""
    slugs = _chosen_slugs(request)
    if not slugs:
        return _bad_request(_("Choose the meetings for the calendar: slugs=a,b,c."))
    if len(slugs) > MAX_CHOSEN:
        return _bad_request(
            _("At most %(most)s meetings in one calendar; %(count)s were chosen.")
            % {"most": MAX_CHOSEN, "count": len(slugs)}
        )
    if any(len(slug) > SLUG_LENGTH or not _SLUG.fullmatch(slug) for slug in slugs):
        return _bad_request(_("A slug has letters, digits, hyphens and underscores only."))
    meetings = list(_active().filter(slug__in=slugs).order_by("slug"))
    if not meetings:
        raise Http404
    name = (
        meetings[0].name
        if len(meetings) == 1
        else _("My chosen meetings (%(count)s)") % {"count": len(meetings)}
    )
    body = ical.calendar(meetings, name=name, page_url=lambda meeting: _page_url(request, meeting))
    return _calendar_response(body, filename="meetings.ics")


# --- FHIR downloads ------------------------------------------------------------------------------
# Routed here (under the pages they belong to, before those apps' own URLs) so that care and
# journal never import interop: interop reads them, not the other way round.


@care_views.clinician_required
@require_GET
@gate.gated
def person_fhir(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """The disclosed categories as a FHIR R4B bundle, labelled (P2-15) with its notice."""
    if (refused := _export_throttled(request)) is not None:
        return refused
    disclosure = care_views.disclose_record(request, person_id, Channel.FHIR)
    person = care_views.disclosed_person(person_id)
    body = fhir_disclosure.disclosure_json(
        disclosed.gather(disclosure, person),
        disclosure,
        counseling_notes=care_views.disclosed_counseling_notes(disclosure),
    )
    response = HttpResponse(body, content_type=fhir.CONTENT_TYPE)
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="record-{person_id}-{stamp}.json"'
    return response


def _export_throttled(request: AuthenticatedRequest) -> HttpResponse | None:
    wait = throttle.attempt(
        throttle.per_account(throttle.EXPORT_PER_ACCOUNT, request.user),
        throttle.per_client(throttle.EXPORT_PER_CLIENT, request),
    )
    return None if wait is None else throttle.too_many(request, wait)


@care_views.clinician_required
@require_GET
@gate.gated
def sessions_fhir(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """A person's TSF sessions as a FHIR R4B bundle: Encounter, Task and CareTeam, labelled
    (P2-15), through the gate (`/care/people/<id>/sessions/fhir/`)."""
    if (refused := _export_throttled(request)) is not None:
        return refused
    disclosure = session_views.disclose_sessions(request, person_id, Channel.FHIR)
    person = care_views.disclosed_person(person_id)
    body = fhir_sessions.sessions_json(
        person=person,
        disclosure=disclosure,
        sessions=list(
            TSFSession.objects.disclosed(disclosure)
            .select_related("counselor")
            .order_by("held_on", "number", "id")
        ),
        tasks=list(
            RecoveryTask.objects.disclosed(disclosure).select_related("set_by").order_by("id")
        ),
        care_team=session_views.care_team(person_id),
    )
    response = HttpResponse(body, content_type=fhir.CONTENT_TYPE)
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="sessions-{person_id}-{stamp}.json"'
    return response


@person_required
@reauth_required
@require_GET
def journal_fhir(request: AuthenticatedRequest) -> HttpResponse:
    """The person's own journal as a FHIR R4B bundle (`/journal/data/download/fhir/`)."""
    return data_views.export_download(
        request, "fhir", fhir.CONTENT_TYPE, "homegroup-journal-fhir.json", fhir.bundle_json
    )
