"""iCalendar files: `/meetings/<slug>.ics` (add one meeting to a calendar) and
`/meetings.ics?<the search's parameters>` (subscribe to a search), public like the directory;
and the FHIR downloads: a person's own journal, and a clinician's copy of a disclosed record."""

from __future__ import annotations

import pydantic
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from homegroup.accounts import throttle
from homegroup.accounts.permissions import reauth_required
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.care import views as care_views
from homegroup.directory.models import Meeting
from homegroup.directory.search import MAX_LIMIT, errors_by_field, parse_query, search
from homegroup.interop import fhir, fhir_disclosure, ical
from homegroup.journal import disclosed
from homegroup.journal.views import data as data_views
from homegroup.journal.views.common import person_required
from homegroup.privacy import gate
from homegroup.privacy.models import Channel


def _calendar_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _page_url(request: HttpRequest, meeting: Meeting) -> str:
    return request.build_absolute_uri(reverse("directory:meeting", args=[meeting.slug]))


def _active() -> QuerySet[Meeting]:
    return Meeting.objects.active().select_related("fellowship")


@require_GET
def meeting_ics(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(_active(), slug=slug)
    body = ical.calendar(
        [meeting], name=meeting.name, page_url=lambda found: _page_url(request, found)
    )
    return _calendar_response(body, filename=f"{meeting.slug}.ics")


@require_GET
def search_ics(request: HttpRequest) -> HttpResponse:
    """A search as a calendar. Without `limit`, up to 500 meetings: a subscription should hold
    every match, not the first page (the page size of the API and the search page is 50)."""
    params = request.GET.copy()
    if not params.get("limit"):
        params["limit"] = str(MAX_LIMIT)
    try:
        query = parse_query(params)
    except pydantic.ValidationError as error:
        lines = [
            f"{field or 'query'}: {message}"
            for field, messages in errors_by_field(error).items()
            for message in messages
        ]
        text = _("The request has invalid values.") + "\n" + "\n".join(lines) + "\n"
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    found = search(query, now=timezone.now())
    name = (
        _("Meetings near %(place)s") % {"place": found.place.label}
        if found.place
        else _("Meetings")
    )
    # A calendar event needs more of each meeting than a search result shows.
    meetings = _active().filter(pk__in=[item.meeting.pk for item in found.results])
    body = ical.calendar(
        meetings.order_by("slug"),
        name=name,
        page_url=lambda meeting: _page_url(request, meeting),
    )
    return _calendar_response(body, filename="meetings.ics")


# --- FHIR downloads ------------------------------------------------------------------------------
# Routed here (under the pages they belong to, before those apps' own URLs) so that care and
# journal never import interop: interop reads them, not the other way round.


@care_views.clinician_required
@require_GET
@gate.gated
def person_fhir(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """The disclosed categories as a FHIR R4B bundle, labelled (P2-15) with its notice."""
    wait = throttle.attempt(
        throttle.per_account(throttle.EXPORT_PER_ACCOUNT, request.user),
        throttle.per_client(throttle.EXPORT_PER_CLIENT, request),
    )
    if wait is not None:
        return throttle.too_many(request, wait)
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


@person_required
@reauth_required
@require_GET
def journal_fhir(request: AuthenticatedRequest) -> HttpResponse:
    """The person's own journal as a FHIR R4B bundle (`/journal/data/download/fhir/`)."""
    return data_views.export_download(
        request, "fhir", fhir.CONTENT_TYPE, "homegroup-journal-fhir.json", fhir.bundle_json
    )
