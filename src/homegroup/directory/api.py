"""The directory's JSON API: public reads of the meeting directory.

`GET /api/v1/feeds/meeting-guide.json` publishes the directory as a Meeting Guide feed (a plain
JSON array, what the Meeting Guide app and TSML UI read), filterable by fellowship and region.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import BaseModel

from homegroup.api_schemas import invalid, responses
from homegroup.directory.feeds import build_feed, feed_queryset
from homegroup.directory.search import Found, MeetingQuery, meeting_urls, search

router = Router(tags=["directory"])


class FeedFilters(Schema):
    fellowship: str | None = None
    region: str | None = None


@router.get(
    "/feeds/meeting-guide.json",
    auth=None,
    response=responses(list[dict[str, Any]], public=True),
    summary="The directory as a Meeting Guide feed",
    description=(
        "A spec-conformant Meeting Guide JSON feed (a plain array) of the directory's active "
        "meetings. `fellowship` (a code such as AA or NA) and `region` (a region's name or id; "
        "its sub-regions are included) narrow it. Online and hybrid meetings carry `ONL`, "
        "temporarily closed ones `TC`, and meetings confirmed welcoming to people on "
        "medication the custom code `MOUD` (see docs/formats.md). Public: no sign-in."
    ),
)
def meeting_guide_feed(request: HttpRequest, filters: Query[FeedFilters]) -> HttpResponse:
    try:
        queryset = feed_queryset(fellowship=filters.fellowship, region=filters.region)
    except DjangoValidationError as error:
        raise invalid(error, where="query") from None
    # Served as built: validating thousands of meetings through a response schema would cost
    # more than building them (the budget is 10k meetings in a second).
    body = json.dumps(build_feed(queryset), ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    # Public listings that browser-side finders (TSML UI) fetch from other sites.
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- Search: GET /api/v1/meetings (the same search as the page and /meetings.ics) -------------


# The search's answer is built as plain values: plain pydantic models validate them several
# times faster than ninja's Schema, whose getter exists to read Django models.
class MatEvidenceOut(BaseModel):
    kind: str  # "charter" for the fellowship's own charter, else an EvidenceKind value
    stance: str
    summary: str
    observed_at: datetime | None


class MatFriendlyOut(BaseModel):
    level: str
    evidence: list[MatEvidenceOut]


class MeetingOut(BaseModel):
    slug: str
    name: str
    fellowship: str
    day: int
    time: str
    end_time: str
    timezone: str
    next_start: datetime
    in_progress: bool
    distance_km: float | None
    types: list[str]
    attendance: str
    location: str
    address: str
    latitude: float | None
    longitude: float | None
    conference_url: str
    conference_phone: str
    url: str
    mat_friendly: MatFriendlyOut


class MeetingList(BaseModel):
    count: int
    results: list[MeetingOut]


def mat_friendly_out(meeting: Any) -> dict[str, Any]:
    """The level and the counted evidence behind it, by kind (never by person)."""
    evidence = []
    if meeting.fellowship.medication_inclusive_charter:
        evidence.append(
            {
                "kind": "charter",
                "stance": "welcoming",
                "summary": meeting.fellowship.charter_reference
                or _("The charter of %(name)s welcomes people on medication.")
                % {"name": meeting.fellowship.name},
                "observed_at": None,
            }
        )
    evidence += [
        {
            "kind": item.kind,
            "stance": item.stance,
            "summary": item.summary,
            "observed_at": item.observed_at,
        }
        for item in meeting.counted_evidence
    ]
    return {"level": meeting.mat_level, "evidence": evidence}


def meeting_out(found: Found, *, now: datetime, url: str = "") -> dict[str, Any]:
    meeting = found.meeting
    return {
        "slug": meeting.slug,
        "name": meeting.name,
        "fellowship": meeting.fellowship.code,
        "day": meeting.day,
        "time": meeting.start_time.strftime("%H:%M"),
        "end_time": meeting.end_time.strftime("%H:%M"),
        "timezone": meeting.timezone,
        "next_start": found.next_start,
        "in_progress": found.next_start < now,
        "distance_km": None if found.distance_km is None else round(found.distance_km, 2),
        "types": meeting.types,
        "attendance": meeting.attendance,
        "location": meeting.location,
        "address": meeting.formatted_address or meeting.address,
        "latitude": meeting.latitude,
        "longitude": meeting.longitude,
        "conference_url": meeting.conference_url,
        "conference_phone": meeting.conference_phone,
        "url": url or reverse("directory:meeting", args=[meeting.slug]),
        "mat_friendly": mat_friendly_out(meeting),
    }


@router.get(
    "/meetings",
    auth=None,
    response=responses(MeetingList, public=True),
    summary="Search the meeting directory",
    description=(
        "Meetings soonest first, then nearest. Near a point (`lat` and `lng`, or `near`: a US "
        "ZIP code or a town) within `radius_km`; `days` and `types` comma-separated (a meeting "
        "needs every type); `starts_within_hours` is computed in each meeting's own time zone "
        "(a meeting in progress counts); `include_online` adds online and hybrid meetings at "
        "any distance; `mat_friendly=true` keeps meetings confirmed or reported welcoming to "
        "people on medication. `count` is the number of matches, `results` one page of them. "
        "Public: no sign-in."
    ),
)
def list_meetings(request: HttpRequest, filters: Query[MeetingQuery]) -> dict[str, Any]:
    now = timezone.now()
    found = search(filters, now=now)
    url = meeting_urls()
    return {
        "count": found.count,
        "results": [
            meeting_out(item, now=now, url=url(item.meeting.slug)) for item in found.results
        ],
    }
