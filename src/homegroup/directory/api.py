"""The directory's JSON API: public reads of the meeting directory.

`GET /api/v1/feeds/meeting-guide.json` publishes the directory as a Meeting Guide feed (a plain
JSON array, what the Meeting Guide app and TSML UI read), filterable by fellowship and region.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import BaseModel, Field

from homegroup.api_schemas import invalid, responses
from homegroup.directory import public_cache, version
from homegroup.directory.feeds import build_feed, feed_queryset
from homegroup.directory.results import mat_label
from homegroup.directory.search import Found, MeetingQuery, meeting_urls, search
from homegroup.directory.suggestions import thin_evidence, unknown_nearby
from homegroup.replica import public_read

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
        "medication the custom code `MOUD` (see docs/formats.md). Public: no sign-in. "
        "Cacheable: `ETag` and `Last-Modified` follow the directory's version (every import "
        "or edit changes it), a matching `If-None-Match` answers 304, and the bytes (gzip when "
        "asked) are rebuilt only after a change."
    ),
)
def meeting_guide_feed(request: HttpRequest, filters: Query[FeedFilters]) -> HttpResponse:
    # From the replica when one is configured and fit (homegroup/replica.py).
    return public_read(lambda: _meeting_guide_feed(request, filters))


def _meeting_guide_feed(request: HttpRequest, filters: FeedFilters) -> HttpResponse:
    fellowship = (filters.fellowship or "").strip().upper()
    region = (filters.region or "").strip()

    def build() -> bytes:
        try:
            queryset = feed_queryset(fellowship=fellowship or None, region=region or None)
        except DjangoValidationError as error:
            raise invalid(error, where="query") from None
        # Served as built: validating thousands of meetings through a response schema would
        # cost more than building them (the budget is 10k meetings in a second).
        return json.dumps(build_feed(queryset), ensure_ascii=False, separators=(",", ":")).encode()

    # Bytes kept until the directory changes; 304 to a caller that has them (public_cache).
    return public_cache.feed_response(
        request, ("meeting-guide", fellowship, region.casefold()), build
    )


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
    label: str = Field(description="The level in words: 'Unknown — no report yet' included.")
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


class SuggestionOut(BaseModel):
    kind: Literal["nearest_welcoming", "online_inclusive", "include_unknown"] = Field(
        description=(
            "nearest_welcoming: welcoming meetings further away; online_inclusive: online "
            "meetings of fellowships whose charter welcomes medication; include_unknown: the "
            "same search without the medication filter."
        )
    )
    label: str = Field(description="What the suggestion offers, in words.")
    query: dict[str, str] = Field(
        description="The search parameters that give it (pass them to this endpoint)."
    )
    count: int = Field(description="How many meetings that search finds.")
    nearest_km: float | None = Field(
        default=None, description="nearest_welcoming: the distance of the nearest one."
    )


class MeetingList(BaseModel):
    count: int
    results: list[MeetingOut]
    mat_unknown_nearby: int | None = Field(
        default=None,
        description=(
            "With mat_friendly=true: how many meetings the same search finds that have no "
            "report yet about people on medication (null without the filter)."
        ),
    )
    suggestions: list[SuggestionOut] = Field(
        default_factory=list,
        description=(
            "With mat_friendly=true and fewer than 5 results: other searches that still help "
            "(empty otherwise)."
        ),
    )


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
    return {"level": meeting.mat_level, "label": mat_label(meeting.mat_level), "evidence": evidence}


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
        "people on medication, and then `mat_unknown_nearby` says how many meetings of the same "
        "search have no report yet; with fewer than 5 results `suggestions` offers other "
        "searches (nearest welcoming meetings, online meetings of medication-inclusive "
        "fellowships, all meetings nearby). `mat_level` and `time_of_day` filter further. "
        "`count` is the number of matches, `results` one page of them. Public: no sign-in."
    ),
)
def list_meetings(
    request: HttpRequest, response: HttpResponse, filters: Query[MeetingQuery]
) -> Any:
    return public_read(lambda: _list_meetings(request, response, filters))


def _list_meetings(request: HttpRequest, response: HttpResponse, filters: MeetingQuery) -> Any:
    now = timezone.now()
    current = version.current()
    etag = public_cache.search_etag(request.META.get("QUERY_STRING", ""), current, now)
    if public_cache.matches(request, etag):
        return public_cache.not_modified(
            etag=etag, max_age=public_cache.SEARCH_MAX_AGE, modified=current.changed_at
        )
    public_cache.mark_public(
        response, etag=etag, max_age=public_cache.SEARCH_MAX_AGE, modified=current.changed_at
    )
    found = search(filters, now=now)
    url = meeting_urls()
    answer: dict[str, Any] = {
        "count": found.count,
        "results": [
            meeting_out(item, now=now, url=url(item.meeting.slug)) for item in found.results
        ],
    }
    thin = thin_evidence(filters, now=now, found=found.count)
    if thin is not None:
        answer["mat_unknown_nearby"] = thin.mat_unknown_nearby
        answer["suggestions"] = [vars(item) for item in thin.suggestions]
    elif filters.mat_friendly:
        answer["mat_unknown_nearby"] = unknown_nearby(filters, now=now)
    return answer
