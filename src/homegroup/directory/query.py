"""What a meeting search asks: `MeetingQuery` (pydantic: every check and its message in one
place), built from query parameters (the page, `GET /api/v1/meetings`, `/meetings.ics`) or in
code. `directory.search` answers it, from the search index or from SQL.

Semantics a newcomer could misread:

- Without ``attendance``, meetings one can go to are searched: in person, hybrid and online;
  temporarily closed and inactive ones only when asked for by name.
- With a point, a meeting is near when it has coordinates within ``radius_km``.
  ``include_online`` adds every meeting that can be joined online (online and hybrid) whatever
  its distance. Without a point, there is no distance filter at all.
- ``types`` must all be present (case-insensitive codes). ``mat_friendly`` true keeps confirmed
  and reported welcoming meetings; false or absent does not filter.
- ``mat_level`` keeps meetings at any of the levels named (``unknown`` counts the meetings
  nobody has reported on yet: what the thin-evidence answer says).
- ``time_of_day`` keeps meetings whose local start time falls in any of the parts of the day
  named (`TIMES_OF_DAY`: morning 04:00-11:59, midday 12:00-16:59, evening 17:00-20:59, night
  21:00-03:59), in the meeting's own wall-clock time.
- ``q`` is a piece of text in the name, location, notes or group, case-insensitive.
"""

from __future__ import annotations

from datetime import time as clock_time
from typing import Any, Literal, get_args

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from homegroup.directory.models import Attendance, MatLevel
from homegroup.directory.places import Place, resolve_near

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
MatLevelName = Literal[
    "confirmed_welcoming", "reported_welcoming", "unknown", "reported_unwelcoming"
]
MAT_LEVEL_NAMES: tuple[str, ...] = get_args(MatLevelName)
TimeOfDay = Literal["morning", "midday", "evening", "night"]
# Start times (inclusive, exclusive) of each part of the day, local wall-clock time; night wraps
# past midnight, so it is two ranges. TSML UI's parts overlap; these do not, so a meeting is in
# exactly one.
TIMES_OF_DAY: dict[str, tuple[tuple[clock_time, clock_time | None], ...]] = {
    "morning": ((clock_time(4), clock_time(12)),),
    "midday": ((clock_time(12), clock_time(17)),),
    "evening": ((clock_time(17), clock_time(21)),),
    "night": ((clock_time(21), None), (clock_time(0), clock_time(4))),
}
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
    mat_level: list[MatLevelName] = Field(
        default_factory=list,
        description=(
            "MAT levels, comma-separated (confirmed_welcoming, reported_welcoming, unknown, "
            "reported_unwelcoming); any of them."
        ),
    )
    time_of_day: list[TimeOfDay] = Field(
        default_factory=list,
        description=(
            "Parts of the day the meeting starts in, in its own time zone, comma-separated: "
            "morning (04:00-11:59), midday (12:00-16:59), evening (17:00-20:59), night "
            "(21:00-03:59); any of them."
        ),
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

    @field_validator("mat_level", "time_of_day", mode="before")
    @classmethod
    def _names(cls, value: Any, info: ValidationInfo) -> list[Any]:
        allowed = MAT_LEVEL_NAMES if info.field_name == "mat_level" else tuple(TIMES_OF_DAY)
        names = _split(value)
        for name in names:
            if name not in allowed:
                raise PydanticCustomError(
                    info.field_name or "name",
                    _("{value} is not one of: {allowed}."),
                    {"value": repr(name), "allowed": ", ".join(allowed)},
                )
        return sorted(set(names))

    @field_validator("include_online", "mat_friendly", mode="before")
    @classmethod
    def _checkbox(cls, value: Any) -> Any:
        # A checkbox sends "true" or nothing: an empty value is no boolean (as the API's
        # document says), so it is refused rather than read as false.
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
            or self.mat_level
            or self.time_of_day
            or self.q
        )


def parse_query(params: Any) -> MeetingQuery:
    """A MeetingQuery from a QueryDict (repeated keys and comma lists both read) or a dict.

    Raises pydantic.ValidationError; `errors_by_field` turns it into messages for a form.
    """
    if hasattr(params, "getlist"):
        data: dict[str, Any] = {}
        for name in params:
            values = params.getlist(name)
            if name in _CHECKBOXES and not "".join(values).strip():
                continue  # an HTML form's empty field: not given (the API refuses it)
            data[name] = values if name in _LIST_FIELDS else values[-1]
        return MeetingQuery.model_validate(data)
    return MeetingQuery.model_validate(dict(params))


_LIST_FIELDS = frozenset({"days", "types", "fellowship", "attendance", "mat_level", "time_of_day"})
_CHECKBOXES = frozenset({"include_online", "mat_friendly"})


def errors_by_field(error: Any) -> dict[str, list[str]]:
    """pydantic's errors as {field: [message]} for a form ("" for the whole query)."""
    messages: dict[str, list[str]] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item.get("loc") else ""
        messages.setdefault(field, []).append(str(item["msg"]))
    return messages
