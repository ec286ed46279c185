"""The public meeting pages: the search (`/meetings/`) and one meeting (`/meetings/<slug>/`).

Both are public and work without JavaScript: the filters are a GET form, the map is an extra
drawn over the same results by static/directory/map.js.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pydantic
from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from homegroup.directory.contact_details import PUBLIC_TEXT_FIELDS
from homegroup.directory.finder import MAX_CHOSEN, finder_context
from homegroup.directory.importers.codes import code_table
from homegroup.directory.models import (
    WEEKDAY_CHOICES,
    Attendance,
    EvidenceKind,
    Fellowship,
    MatEvidence,
    MatLevel,
    Meeting,
    Stance,
)
from homegroup.directory.places import Place
from homegroup.directory.results import mat_label
from homegroup.directory.search import (
    DEFAULT_RADIUS_KM,
    Found,
    Listing,
    MeetingQuery,
    errors_by_field,
    meeting_urls,
    parse_query,
    search,
)
from homegroup.directory.statements import statement_for
from homegroup.directory.units import distance_text
from homegroup.lib.schedule import next_occurrence, zone
from homegroup.replica import reads_from_replica

RADIUS_CHOICES = [5, 10, 25, 50, 100, 250, 500]
HOURS_CHOICES = [1, 2, 3, 6, 12, 24, 48]
# Types most fellowships share, offered as checkboxes; any other code can be typed.
COMMON_TYPES = ["O", "C", "W", "M", "Y", "X"]
MAT_EXPLANATIONS = {
    MatLevel.CONFIRMED_WELCOMING: gettext_lazy(
        "The fellowship's charter, the group itself, the publisher of the listing or a "
        "directory maintainer says that people on medication are welcome here."
    ),
    MatLevel.REPORTED_WELCOMING: gettext_lazy(
        "People in recovery, clinicians or the listing's own notes report that people on "
        "medication are welcome here."
    ),
    MatLevel.UNKNOWN: gettext_lazy(
        "We have no information yet about how this meeting treats people on medication."
    ),
    MatLevel.REPORTED_UNWELCOMING: gettext_lazy(
        "Reports say that people on medication have not been fully welcome here (for "
        "example, asked not to share). Your medication is part of your recovery: you may "
        "prefer another meeting, or to go with someone you trust."
    ),
}


@dataclass(frozen=True)
class Row:
    """One result as the page shows it (formatted in the meeting's own zone)."""

    meeting: Listing
    when: str
    in_progress: bool
    distance: str
    zone_name: str
    url: str
    mat_label: str = ""


def _format_distance(km: float | None, point: Place | None = None) -> str:
    if km is None:
        return ""
    return distance_text(km, point)


def _when(moment: datetime, *, now: datetime) -> str:
    """Like "Today 19:00", "Tomorrow 07:30" or "Friday 12 July 19:00", in the meeting's zone."""
    local_now = now.astimezone(moment.tzinfo)
    days_ahead = (moment.date() - local_now.date()).days
    clock = time_format(moment.time())
    if days_ahead == 0:
        return _("Today %(time)s") % {"time": clock}
    if days_ahead == 1:
        return _("Tomorrow %(time)s") % {"time": clock}
    if days_ahead == -1:
        return _("Yesterday %(time)s") % {"time": clock}
    return f"{date_format(moment, 'l j F')} {clock}"


def _row(found: Found, *, now: datetime, url: str, point: Place | None = None) -> Row:
    return Row(
        meeting=found.meeting,
        when=_when(found.next_start, now=now),
        in_progress=found.next_start.astimezone(UTC) < now,
        distance=_format_distance(found.distance_km, point),
        mat_label=mat_label(found.meeting.mat_level),
        zone_name=found.next_start.strftime("%Z"),
        url=url,
    )


def _page_link(request: HttpRequest, offset: int) -> str:
    params: QueryDict = request.GET.copy()
    params["offset"] = str(max(offset, 0))
    return f"{request.path}?{params.urlencode()}"


def _choices_with(value: float | None, choices: list[int]) -> list[float]:
    # A value typed into the URL stays selected even when the form does not offer it.
    values: list[float] = list(choices)
    if value is not None and value not in values:
        values = sorted([*values, value])
    return values


def _form_params(request: HttpRequest) -> QueryDict:
    params = request.GET.copy()
    # The visible town/ZIP box wins over coordinates a "use my location" click left behind.
    if params.get("near", "").strip():
        params.pop("lat", None)
        params.pop("lng", None)
    return params


@require_GET
@reads_from_replica
def search_page(request: HttpRequest) -> HttpResponse:
    params = _form_params(request)
    errors: dict[str, list[str]] = {}
    try:
        query = parse_query(params)
    except pydantic.ValidationError as error:
        errors = errors_by_field(error)
        query = None
    now = timezone.now()
    result = search(query, now=now) if query is not None and query.has_criteria else None
    url = meeting_urls()
    point = result.place if result else None
    rows = (
        [_row(found, now=now, url=url(found.meeting.slug), point=point) for found in result.results]
        if result
        else []
    )
    points = [
        {
            "name": row.meeting.name,
            "lat": row.meeting.latitude,
            "lng": row.meeting.longitude,
            "url": row.url,
            "when": row.when,
            "level": row.meeting.mat_level,
            "level_label": mat_label(row.meeting.mat_level),
        }
        for row in rows
        if row.meeting.latitude is not None
        and row.meeting.longitude is not None
        and not row.meeting.approximate
    ]
    shown = query or MeetingQuery()
    type_names = code_table("AA").names
    # The bar's type menu shows one common type; any other code stays in "Other type codes".
    bar_type = next((code for code in shown.types if code in COMMON_TYPES), "")
    typed_codes = [code for code in shown.types if code != bar_type]
    context: dict[str, Any] = {
        "query": shown,
        "near_text": params.get("near", ""),
        "errors": errors,
        "result": result,
        "rows": rows,
        "map_points": points,
        "map_tiles": settings.HOMEGROUP_MAP_TILES,
        "radius_choices": _choices_with(shown.radius_km, RADIUS_CHOICES),
        "hours_choices": _choices_with(shown.starts_within_hours, HOURS_CHOICES),
        "default_radius": DEFAULT_RADIUS_KM,
        "day_choices": WEEKDAY_CHOICES,
        "attendance_choices": Attendance.choices,
        "type_choices": [(code, type_names.get(code, code)) for code in COMMON_TYPES],
        "typed_codes": ",".join(typed_codes),
        "bar_type": bar_type,
        "days_value": ",".join(str(day) for day in shown.days),
        "time_of_day_value": ",".join(shown.time_of_day),
        "attendance_value": ",".join(shown.attendance),
        "fellowships": Fellowship.objects.order_by("code"),
        "chosen_ics_url": reverse("interop:search-ics"),
        "max_chosen": MAX_CHOSEN,
    }
    context.update(
        finder_context(
            request,
            params,
            shown,
            result,
            now=now,
            errors=errors,
            radius_choices=context["radius_choices"],
        )
    )
    if result is not None and query is not None:
        if query.offset > 0:
            context["previous_url"] = _page_link(request, query.offset - query.limit)
        if query.offset + query.limit < result.count:
            context["next_url"] = _page_link(request, query.offset + query.limit)
        context["first_shown"] = query.offset + 1 if result.results else 0
        context["last_shown"] = query.offset + len(result.results)
    return render(request, "directory/search.html", context, status=400 if errors else 200)


def _same_place(meeting: Meeting) -> list[Meeting]:
    """Other meetings at this venue: same exact coordinates, else same address. Approximate
    points (a city's centre for an online meeting) are no venue."""
    others = Meeting.objects.active().exclude(pk=meeting.pk).select_related("fellowship")
    if meeting.latitude is not None and meeting.longitude is not None and not meeting.approximate:
        others = others.filter(
            latitude=meeting.latitude, longitude=meeting.longitude, approximate=False
        )
    elif meeting.formatted_address:
        others = others.filter(formatted_address=meeting.formatted_address)
    else:
        return []
    return list(others.order_by("day", "start_time", "name")[:30])


def _web_link(url: str) -> str:
    # Feed text becomes a link only when it is a web address (never javascript: or data:).
    return url if url.lower().startswith(("https://", "http://")) else ""


@require_GET
@reads_from_replica
def meeting_page(request: HttpRequest, slug: str) -> HttpResponse:
    counted = Prefetch(
        "mat_evidence",
        queryset=MatEvidence.objects.counted().order_by("-observed_at", "-pk"),
        to_attr="counted_evidence",
    )
    meeting = get_object_or_404(
        Meeting.objects.active().select_related("fellowship", "region").prefetch_related(counted),
        slug=slug,
    )
    now = timezone.now()
    occurrence = next_occurrence(
        day=meeting.day,
        start=meeting.start_time,
        end=meeting.end_time,
        tz=meeting.timezone,
        now=now,
    )
    names = code_table(meeting.fellowship.code).names
    kinds = dict(EvidenceKind.choices)
    stances = dict(Stance.choices)
    evidence = [
        {
            "kind": kinds.get(item.kind, item.kind),
            "stance": item.stance,
            "stance_label": stances.get(item.stance, item.stance),
            "summary": item.summary,
            "observed_on": date_format(
                item.observed_at.astimezone(zone(meeting.timezone)), "DATE_FORMAT"
            ),
        }
        for item in meeting.counted_evidence  # type: ignore[attr-defined]
    ]
    has_point = meeting.latitude is not None and meeting.longitude is not None
    context = {
        "meeting": meeting,
        "schedule_day": dict(WEEKDAY_CHOICES)[meeting.day],
        "start": time_format(meeting.start_time),
        "end": time_format(meeting.end_time),
        "crosses_midnight": meeting.end_time < meeting.start_time,
        "next_when": _when(occurrence.start, now=now),
        "in_progress": occurrence.start.astimezone(UTC) <= now < occurrence.end.astimezone(UTC),
        "zone_abbreviation": occurrence.start.strftime("%Z"),
        "types": [(code, names.get(code, code)) for code in meeting.types],
        "mat_label": MatLevel(meeting.mat_level).label,
        "mat_explanation": MAT_EXPLANATIONS[MatLevel(meeting.mat_level)],
        "mat_welcoming": meeting.mat_level
        in (MatLevel.CONFIRMED_WELCOMING, MatLevel.REPORTED_WELCOMING),
        "evidence": evidence,
        "charter": meeting.fellowship.medication_inclusive_charter,
        "fellowship_statement": statement_for(meeting.fellowship.code),
        "has_point": has_point,
        "osm_url": (
            f"https://www.openstreetmap.org/?mlat={meeting.latitude}&mlon={meeting.longitude}"
            f"#map=17/{meeting.latitude}/{meeting.longitude}"
            if has_point
            else ""
        ),
        "geo_uri": f"geo:{meeting.latitude},{meeting.longitude}" if has_point else "",
        "joinable_online": meeting.attendance in (Attendance.ONLINE, Attendance.HYBRID),
        "in_person": meeting.attendance in (Attendance.IN_PERSON, Attendance.HYBRID),
        "same_place": _same_place(meeting),
        "public_contacts": [c for c in meeting.contacts if c.get("public")],
        # Free text as the public sees it: numbers and addresses held for review hidden.
        "texts": {name: meeting.public_text(name) for name in PUBLIC_TEXT_FIELDS},
        "join_url": _web_link(meeting.conference_url),
        "source_url": _web_link(meeting.url),
    }
    return render(request, "directory/meeting.html", context)
