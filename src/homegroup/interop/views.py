"""iCalendar files: `/meetings/<slug>.ics` (add one meeting to a calendar) and
`/meetings.ics?<the search's parameters>` (subscribe to a search). Public, like the directory."""

from __future__ import annotations

import pydantic
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from homegroup.directory.models import Meeting
from homegroup.directory.search import MAX_LIMIT, errors_by_field, parse_query, search
from homegroup.interop import ical
from homegroup.replica import reads_from_replica


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


@require_GET
@reads_from_replica
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
