"""The one meeting search, used by the search page, `GET /api/v1/meetings` and `/meetings.ics`.

query parameters → `MeetingQuery` (pydantic: every check and message in one place) →
`search(query, now=...)`:

1. **SQL narrows with indexed columns**: active meetings; attendance; weekday; a wall-clock
   window of (weekday, start time) that holds every meeting in any zone on Earth that could start
   within the hours asked (`lib.schedule.wall_clock_window`); the bounding box of the circle on
   latitude/longitude; fellowship; MAT level; each type as ``type_codes`` containing ``,X,``;
   the keyword. Only the few columns the next step needs are read.
2. **Python decides exactly**: the great-circle distance against the radius, and "starts within
   the next N hours" in each meeting's own zone (`lib.schedule`).
3. **Sort** by next start, then distance (unknown distance last), then id; count; slice the
   page; then load only the page's meetings, with what the page renders (fellowship, counted
   MAT evidence): three queries whatever the directory's size.

Semantics a newcomer could misread:

- Without ``attendance``, meetings one can go to are searched: in person, hybrid and online;
  temporarily closed and inactive ones only when asked for by name.
- With a point, a meeting is near when it has coordinates within ``radius_km``.
  ``include_online`` adds every meeting that can be joined online (online and hybrid) whatever
  its distance. Without a point, there is no distance filter at all.
- ``types`` must all be present (case-insensitive codes). ``mat_friendly`` true keeps confirmed
  and reported welcoming meetings; false or absent does not filter.
- A meeting in progress counts as starting now (`lib.schedule`), so its ``next_start`` can be
  a moment ago.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, NamedTuple, get_args

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from homegroup.directory.models import Attendance, MatEvidence, MatLevel, Meeting
from homegroup.directory.places import Place, resolve_near
from homegroup.lib.geo import bounding_box, haversine_km
from homegroup.lib.schedule import (
    WallClockWindow,
    WeeklyClock,
    microseconds,
    wall_clock_window,
)

AttendanceMode = Literal["in_person", "hybrid", "online", "temporarily_closed", "inactive"]
ATTENDANCE_MODES: tuple[str, ...] = get_args(AttendanceMode)

DEFAULT_RADIUS_KM = 25.0
MAX_RADIUS_KM = 500.0
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_HOURS = 168.0
# What "meetings" means when no attendance mode is asked for: ones a person can attend.
DEFAULT_ATTENDANCE: tuple[str, ...] = (
    Attendance.IN_PERSON,
    Attendance.HYBRID,
    Attendance.ONLINE,
)
JOINABLE_ONLINE: tuple[str, ...] = (Attendance.ONLINE, Attendance.HYBRID)
MAT_FRIENDLY_LEVELS: tuple[str, ...] = (
    MatLevel.CONFIRMED_WELCOMING,
    MatLevel.REPORTED_WELCOMING,
)
_CODE_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _split(value: Any) -> list[Any]:
    """Comma-separated text, repeated parameters, or both ("1,2" / ["1", "2"] / ["1,2", "3"])."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    parts: list[Any] = []
    for item in items:
        if isinstance(item, str):
            parts.extend(part.strip() for part in item.split(",") if part.strip())
        else:
            parts.append(item)
    return parts


def _blank_is_none(value: Any) -> Any:
    # An HTML form sends every field, empty or not: an empty field means "not given".
    if isinstance(value, str) and not value.strip():
        return None
    return value


class MeetingQuery(BaseModel):
    """What a search asks. Built from query parameters (API, page, iCalendar) or in code."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    lat: float | None = Field(
        default=None, ge=-90, le=90, description="Latitude of the point to search around."
    )
    lng: float | None = Field(
        default=None,
        ge=-180,
        le=180,
        description="Longitude of the point (required with lat).",
        validate_default=True,
    )
    near: str | None = Field(
        default=None,
        max_length=120,
        description=(
            "A US ZIP code or a town ('14850', 'Ithaca, NY', 'Belleville, Canada') instead of "
            "lat/lng, resolved offline."
        ),
    )
    radius_km: float = Field(
        default=DEFAULT_RADIUS_KM,
        gt=0,
        le=MAX_RADIUS_KM,
        description="Kilometres around the point (default 25, at most 500).",
    )
    days: list[int] = Field(
        default_factory=list,
        description="Weekdays, 0 = Sunday … 6 = Saturday, comma-separated; any of them.",
    )
    types: list[str] = Field(
        default_factory=list,
        description="Type codes, comma-separated (e.g. O,W); a meeting must have all of them.",
    )
    starts_within_hours: float | None = Field(
        default=None,
        ge=0,
        le=MAX_HOURS,
        description=(
            "Only meetings starting in the next N hours (0-168) in their own time zone; a "
            "meeting in progress counts."
        ),
    )
    fellowship: list[str] = Field(
        default_factory=list, description="Fellowship codes (AA, NA, …), comma-separated."
    )
    attendance: list[AttendanceMode] = Field(
        default_factory=list,
        description=("Attendance modes, comma-separated (default: in_person, hybrid and online)."),
    )
    include_online: bool = Field(
        default=False,
        description="With a point: also online and hybrid meetings at any distance.",
    )
    mat_friendly: bool = Field(
        default=False,
        description="Only meetings confirmed or reported welcoming to people on medication.",
    )
    q: str | None = Field(
        default=None,
        max_length=120,
        description="Words in the name, location, notes or group (case-insensitive).",
    )
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size.")
    offset: int = Field(default=0, ge=0, description="Results to skip.")

    @field_validator(
        "lat", "lng", "near", "radius_km", "starts_within_hours", "q", "limit", "offset",
        mode="before",
    )  # fmt: skip
    @classmethod
    def _empty_means_absent(cls, value: Any, info: ValidationInfo) -> Any:
        value = _blank_is_none(value)
        if value is None and info.field_name in ("radius_km", "limit", "offset"):
            return cls.model_fields[info.field_name].default
        return value

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, value: Any) -> list[int]:
        days: list[int] = []
        for part in _split(value):
            text = str(part)
            if isinstance(part, bool) or not text.isdigit() or not 0 <= int(text) <= 6:
                raise PydanticCustomError(
                    "day",
                    _("Days are numbers 0-6 with 0 = Sunday, not {value}."),
                    {"value": repr(part)},
                )
            days.append(int(text))
        return sorted(set(days))

    @field_validator("types", "fellowship", mode="before")
    @classmethod
    def _codes(cls, value: Any, info: ValidationInfo) -> list[str]:
        codes: list[str] = []
        for part in _split(value):
            text = str(part)
            if len(text) > 16 or not set(text) <= _CODE_CHARACTERS:
                raise PydanticCustomError(
                    "code",
                    _("{value} is not a code: letters, digits and hyphens, at most 16."),
                    {"value": repr(text)},
                )
            codes.append(text.upper() if info.field_name == "fellowship" else text)
        return sorted(set(codes))

    @field_validator("attendance", mode="before")
    @classmethod
    def _attendance(cls, value: Any) -> list[Any]:
        modes = _split(value)
        for mode in modes:
            if mode not in ATTENDANCE_MODES:
                raise PydanticCustomError(
                    "attendance",
                    _(
                        "{value} is not an attendance mode: in_person, hybrid, online, "
                        "temporarily_closed or inactive."
                    ),
                    {"value": repr(mode)},
                )
        return sorted(set(modes))

    @field_validator("include_online", "mat_friendly", mode="before")
    @classmethod
    def _checkbox(cls, value: Any) -> Any:
        value = _blank_is_none(value)
        return False if value is None else value

    @field_validator("lng", mode="after")
    @classmethod
    def _point_needs_both(cls, lng: float | None, info: ValidationInfo) -> float | None:
        if "lat" not in info.data:  # lat itself was invalid: that error is enough
            return lng
        if (info.data["lat"] is None) != (lng is None):
            raise PydanticCustomError(
                "point", _("lat and lng go together: give both, or neither (or use near).")
            )
        return lng

    @field_validator("near", mode="after")
    @classmethod
    def _place_is_known(cls, near: str | None, info: ValidationInfo) -> str | None:
        if near is None:
            return None
        if info.data.get("lat") is not None or info.data.get("lng") is not None:
            raise PydanticCustomError("point", _("Give either near or lat and lng, not both."))
        try:
            resolve_near(near)
        except ValueError as error:
            raise PydanticCustomError("place", "{message}", {"message": str(error)}) from None
        return near

    @property
    def point(self) -> Place | None:
        """Where to search around: the coordinates given, or the place ``near`` names."""
        if self.lat is not None and self.lng is not None:
            return Place(self.lat, self.lng, f"{self.lat:.4f}, {self.lng:.4f}")
        if self.near:
            return resolve_near(self.near)  # cached: validation already resolved it
        return None

    @property
    def has_criteria(self) -> bool:
        """Whether anything narrows the search (the page shows no results before that)."""
        return bool(
            self.point
            or self.days
            or self.types
            or self.starts_within_hours is not None
            or self.fellowship
            or self.attendance
            or self.mat_friendly
            or self.q
        )


class Found(NamedTuple):
    meeting: Meeting
    next_start: datetime  # aware, in the meeting's zone; before `now` when in progress
    distance_km: float | None  # None without a point, or for a meeting without coordinates


@dataclass(frozen=True)
class SearchResult:
    count: int
    results: list[Found]
    place: Place | None
    now: datetime


class _Candidate(NamedTuple):
    starts_us: int  # microseconds since 1970: cheap to sort, exact
    distance_key: float  # the distance, or infinity when unknown (sorted last)
    pk: int
    distance_km: float | None
    zone_name: str


_CANDIDATE_COLUMNS = (
    "pk",
    "day",
    "start_time",
    "end_time",
    "timezone",
    "latitude",
    "longitude",
    "attendance",
)


def narrowed(query: MeetingQuery, *, now: datetime, point: Place | None) -> QuerySet[Meeting]:
    """Step 1: the meetings that may match, by indexed columns (a superset of the answer)."""
    meetings = Meeting.objects.active().filter(
        attendance__in=query.attendance or DEFAULT_ATTENDANCE
    )
    if query.days:
        meetings = meetings.filter(day__in=query.days)
    if query.starts_within_hours is not None:
        window = wall_clock_window(now=now, hours=query.starts_within_hours)
        if window.starts:
            meetings = meetings.filter(_within(window))
    if point is not None:
        # A metre of slack: a meeting exactly on the circle must not be lost to rounding in
        # the box; the exact distance check below decides.
        box = bounding_box(
            lat=point.latitude, lng=point.longitude, radius_km=query.radius_km + 0.001
        )
        near = Q(latitude__gte=box.min_lat, latitude__lte=box.max_lat)
        if box.crosses_antimeridian:
            near &= Q(longitude__gte=box.min_lng) | Q(longitude__lte=box.max_lng)
        else:
            near &= Q(longitude__gte=box.min_lng, longitude__lte=box.max_lng)
        if query.include_online:
            near |= Q(attendance__in=JOINABLE_ONLINE)
        meetings = meetings.filter(near)
    if query.fellowship:
        meetings = meetings.filter(fellowship__code__in=query.fellowship)
    if query.mat_friendly:
        meetings = meetings.filter(mat_level__in=MAT_FRIENDLY_LEVELS)
    for code in query.types:
        # icontains: case-insensitive on SQLite and PostgreSQL alike ("12x12" and "12X12").
        meetings = meetings.filter(type_codes__icontains=f",{code},")
    if query.q:
        words = query.q
        meetings = meetings.filter(
            Q(name__icontains=words)
            | Q(location__icontains=words)
            | Q(notes__icontains=words)
            | Q(group__icontains=words)
        )
    return meetings.order_by()


def _within(window: WallClockWindow) -> Q:
    """`lib.schedule.might_start_within` as SQL: starts in the window, or possibly ongoing."""
    condition = Q()
    for day, earliest, latest in window.starts:
        condition |= Q(day=day, start_time__gte=earliest, start_time__lte=latest)
    after = window.ongoing_after
    crosses_midnight = Q(end_time__lt=F("start_time"))
    condition |= Q(day=window.ongoing_day, start_time__lt=after) & (
        Q(end_time__gt=after) | crosses_midnight
    )
    condition |= Q(day=(window.ongoing_day - 1) % 7, end_time__gt=after) & crosses_midnight
    return condition


def _candidates(
    query: MeetingQuery, *, now: datetime, point: Place | None
) -> tuple[list[_Candidate], dict[str, WeeklyClock]]:
    """Steps 1 and 2: every match, as sortable light tuples (no model instances yet), and the
    clock of each zone met (to turn a page's start times into datetimes)."""
    now_utc = now.astimezone(UTC)
    horizon = (
        microseconds(now_utc + timedelta(hours=query.starts_within_hours))
        if query.starts_within_hours is not None
        else None
    )
    clocks: dict[str, WeeklyClock] = {}
    found: list[_Candidate] = []
    rows = narrowed(query, now=now, point=point).values_list(*_CANDIDATE_COLUMNS)
    for pk, day, start, end, zone_name, latitude, longitude, attendance in rows:
        distance: float | None = None
        if point is not None:
            if latitude is not None and longitude is not None:
                distance = haversine_km(
                    lat1=point.latitude, lng1=point.longitude, lat2=latitude, lng2=longitude
                )
            near = distance is not None and distance <= query.radius_km
            if not near and not (query.include_online and attendance in JOINABLE_ONLINE):
                continue
        clock = clocks.get(zone_name)
        if clock is None:
            clock = clocks[zone_name] = WeeklyClock(zone_name, now_utc)
        starts = clock.next_start_us(day=day, start=start, end=end)
        if horizon is not None and starts > horizon:
            continue
        found.append(
            _Candidate(starts, math.inf if distance is None else distance, pk, distance, zone_name)
        )
    found.sort()
    return found, clocks


def page_meetings(pks: list[int]) -> dict[int, Meeting]:
    """The page's meetings with what every page of results renders, in two queries."""
    counted = Prefetch(
        "mat_evidence",
        queryset=MatEvidence.objects.counted().order_by("-observed_at", "-pk"),
        to_attr="counted_evidence",
    )
    meetings = (
        Meeting.objects.filter(pk__in=pks).select_related("fellowship").prefetch_related(counted)
    )
    return {meeting.pk: meeting for meeting in meetings}


def search(query: MeetingQuery, *, now: datetime) -> SearchResult:
    """The meetings matching ``query``, soonest first, then nearest; one page of them."""
    point = query.point
    candidates, clocks = _candidates(query, now=now, point=point)
    chosen = candidates[query.offset : query.offset + query.limit]
    meetings = page_meetings([candidate.pk for candidate in chosen]) if chosen else {}
    return SearchResult(
        count=len(candidates),
        results=[
            Found(
                meetings[candidate.pk],
                clocks[candidate.zone_name].moment(candidate.starts_us),
                candidate.distance_km,
            )
            for candidate in chosen
        ],
        place=point,
        now=now,
    )


def parse_query(params: Any) -> MeetingQuery:
    """A MeetingQuery from a QueryDict (repeated keys and comma lists both read) or a dict.

    Raises pydantic.ValidationError; `errors_by_field` turns it into messages for a form.
    """
    if hasattr(params, "getlist"):
        data: dict[str, Any] = {}
        for name in params:
            values = params.getlist(name)
            data[name] = values if name in _LIST_FIELDS else values[-1]
        return MeetingQuery.model_validate(data)
    return MeetingQuery.model_validate(dict(params))


_LIST_FIELDS = frozenset({"days", "types", "fellowship", "attendance"})


def errors_by_field(error: Any) -> dict[str, list[str]]:
    """pydantic's errors as {field: [message]} for a form ("" for the whole query)."""
    messages: dict[str, list[str]] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item.get("loc") else ""
        messages.setdefault(field, []).append(str(item["msg"]))
    return messages
