"""Meeting Guide JSON feeds (a plain array of meetings), including the 12 Step Meeting List
plugin's output and the Google Sheet variant once its columns are renamed (see csv_legacy).

Lenient the way the best consumers are: a day as an integer, a name or an array (one meeting
per day), "19:30" or "7:30 PM", integer slugs, type codes or names in any case, HTML in notes,
a ``coordinates`` string or string latitude/longitude, ``entity_url`` or the spec text's
``entity_website_url``, an end before the start meaning the meeting crosses midnight.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import time, timedelta

from homegroup.directory.importers.attendance import (
    TSML_ATTENDANCE,
    conference_provider,
    derive_attendance,
)
from homegroup.directory.importers.canonical import (
    Attendance,
    CanonicalMeeting,
    FeedError,
    FeedFormat,
    ImportOptions,
    ImportResult,
    Problem,
)
from homegroup.directory.importers.codes import CodeResolver, code_table
from homegroup.directory.importers.fields import (
    RecordProblems,
    SkipRecord,
    Unreadable,
    compose_address,
    contacts_value,
    coordinates_value,
    flag_value,
    has_street_address,
    line,
    paragraph,
    phone_value,
    slug_value,
    text,
    timezone_value,
    updated_value,
    url_value,
)
from homegroup.lib.text import normalise_whitespace
from homegroup.lib.times import duration_between, end_from_start, parse_duration, parse_time
from homegroup.lib.weekdays import day_name, parse_day

DEFAULT_FELLOWSHIP = "AA"
# The spec: "end_time defaults to start + 60 minutes".
DEFAULT_DURATION = timedelta(minutes=60)
# Longer than any meeting format we know of: most likely a typo in an end time or duration.
LONG_DURATION = timedelta(hours=4)


@dataclass(frozen=True, slots=True)
class Context:
    """What every record of one import shares."""

    fellowship: str
    resolver: CodeResolver
    default_duration: timedelta
    contacts_public: bool

    @classmethod
    def from_options(
        cls, options: ImportOptions, *, fellowship: str, default_duration: timedelta
    ) -> Context:
        chosen = (options.fellowship or fellowship).upper()
        return cls(
            fellowship=chosen,
            resolver=CodeResolver(code_table(chosen), options.code_map),
            default_duration=options.default_duration or default_duration,
            contacts_public=options.contacts_public,
        )


def decode_json(data: bytes) -> object:
    """JSON from bytes (UTF-8/16/32, with or without a BOM) or FeedError in one line."""
    if not data.strip():
        raise FeedError("the file is empty")
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        raise FeedError("the file is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise FeedError(
            f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None


def parse(data: bytes) -> list[object]:
    """The records of a Meeting Guide feed: the top-level array. FeedError if it is not one."""
    value = decode_json(data)
    if isinstance(value, dict):
        if "meetings" in value:
            raise FeedError(
                "a JSON object with 'meetings': this looks like a BMLT response, not a Meeting "
                "Guide feed (try --format bmlt)"
            )
        raise FeedError("a JSON object, not a Meeting Guide feed (which is an array of meetings)")
    if not isinstance(value, list):
        raise FeedError("not a Meeting Guide feed: expected a JSON array of meetings")
    return value


def _days(value: object, rec: RecordProblems) -> list[int]:
    if value is None or value == "" or value == []:
        rec.skip("day", "no day: meetings by appointment are not imported", "missing_day")
    if isinstance(value, str) and "," in value:
        values: list[object] = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, list):
        values = value
    else:
        values = [value]
    days: list[int] = []
    for item in values:
        if isinstance(item, float) and item.is_integer():
            item = int(item)
        try:
            day = parse_day(item)  # type: ignore[arg-type]
        except ValueError as error:
            rec.skip("day", str(error), "invalid_day")
        if day not in days:
            days.append(day)
    return days


def _start(value: object, rec: RecordProblems) -> time:
    raw = text(value).strip()
    if not raw:
        rec.skip("time", "no start time: meetings by appointment are not imported", "missing_time")
    try:
        return parse_time(raw)
    except ValueError as error:
        rec.skip("time", str(error), "invalid_time")


def _end(
    record: Mapping[str, object], start: time, rec: RecordProblems, context: Context
) -> tuple[time, timedelta]:
    raw_end = text(record.get("end_time")).strip()
    if raw_end:
        try:
            end = parse_time(raw_end)
        except ValueError as error:
            rec.warn("end_time", f"{error}; using the default duration", "invalid_end_time")
        else:
            if end != start:
                return end, duration_between(start=start, end=end)
            message = "end time equals start time; using the default duration"
            rec.warn("end_time", message, "invalid_end_time")
    raw_duration = record.get("duration")
    if raw_duration not in (None, ""):
        try:
            duration = parse_duration(text(raw_duration))
        except ValueError as error:
            rec.warn("duration", f"{error}; using the default duration", "invalid_duration")
        else:
            if duration:
                return end_from_start(start=start, duration=duration), duration
    duration = context.default_duration
    return end_from_start(start=start, duration=duration), duration


def check_duration(duration: timedelta, field: str, rec: RecordProblems) -> None:
    """Warn about durations no real meeting has (kept: the maintainer decides)."""
    if duration > LONG_DURATION:
        hours = duration.total_seconds() / 3600
        rec.warn(field, f"unusually long meeting: {hours:g} hours (kept)", "long_duration")


def _types(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [text(item) for item in value if text(item).strip()]
    return [part for part in text(value).split(",") if part.strip()]


def _regions(record: Mapping[str, object]) -> tuple[str, ...]:
    regions = record.get("regions")
    if isinstance(regions, list):
        names = [line(item) for item in regions]
    else:
        names = [line(record.get("region")), line(record.get("sub_region"))]
    return tuple(name for name in names if name)


def _stated_attendance(value: object, rec: RecordProblems) -> Attendance | None:
    raw = text(value).strip().lower()
    if not raw:
        return None
    mode = TSML_ATTENDANCE.get(raw)
    if mode is None:
        message = f"unknown attendance option, ignored: {raw!r}"
        rec.warn("attendance_option", message, "invalid_attendance")
    return mode


def normalise_record(
    record: Mapping[str, object], *, rec: RecordProblems, context: Context
) -> list[CanonicalMeeting]:
    """One Meeting Guide record to one meeting per day, or SkipRecord."""
    raw_slug = record.get("slug")
    if raw_slug is None or text(raw_slug).strip() == "":
        raw_slug = record.get("id")
    slug = slug_value(raw_slug, rec)
    if not slug:
        rec.skip("slug", "no slug: a meeting needs an identifier", "missing_slug")
    rec.slug = slug
    name = line(record.get("name"))
    if not name:
        rec.skip("name", "no name", "missing_name")
    days = _days(record.get("day"), rec)
    start = _start(record.get("time"), rec)
    end, duration = _end(record, start, rec, context)
    check_duration(duration, "end_time", rec)

    address = line(record.get("address"))
    city = line(record.get("city"))
    state = line(record.get("state"))
    postal_code = line(record.get("postal_code"))
    country = line(record.get("country"))
    formatted_address = line(record.get("formatted_address")) or compose_address(
        address=address, city=city, state=state, postal_code=postal_code, country=country
    )
    latitude, longitude = coordinates_value(
        record.get("latitude"), record.get("longitude"), record.get("coordinates"), rec
    )
    street = has_street_address(address=address, formatted_address=formatted_address)
    approximate_flag = flag_value(record.get("approximate"), "approximate", rec)
    if approximate_flag is None:
        approximate = not street
        real_address = street
    else:
        approximate = approximate_flag
        real_address = not approximate_flag and bool(formatted_address)

    conference_url = url_value(record.get("conference_url"), "conference_url", rec)
    if conference_url and conference_provider(conference_url) is None:
        message = f"not a known conference provider (kept): {conference_url}"
        rec.warn("conference_url", message, "unknown_conference_provider")
    conference_phone = phone_value(record.get("conference_phone"), "conference_phone", rec)

    types, unknown = context.resolver.resolve(_types(record.get("types")))
    if unknown:
        rec.warn("types", f"unknown type codes (kept): {', '.join(unknown)}", "unknown_code")
    attendance, reason = derive_attendance(
        stated=_stated_attendance(record.get("attendance_option"), rec),
        stated_by=f"attendance_option {text(record.get('attendance_option')).strip()!r}",
        types=types,
        conference_url=conference_url,
        conference_phone=conference_phone,
        real_address=real_address,
    )
    entity_url = record.get("entity_url") or record.get("entity_website_url")
    source_id = text(record.get("id")).strip() or slug
    first = CanonicalMeeting(
        source_id=source_id,
        slug=slug,
        name=name,
        day=days[0],
        start=start,
        end=end,
        duration=duration,
        fellowship=context.fellowship,
        attendance=attendance,
        attendance_reason=reason,
        timezone=timezone_value(record.get("timezone"), rec),
        location=line(record.get("location")),
        address=address,
        city=city,
        state=state,
        postal_code=postal_code,
        country=country,
        formatted_address=formatted_address,
        latitude=latitude,
        longitude=longitude,
        approximate=approximate,
        conference_url=conference_url,
        conference_url_notes=paragraph(record.get("conference_url_notes")),
        conference_phone=conference_phone,
        conference_phone_notes=paragraph(record.get("conference_phone_notes")),
        types=types,
        unknown_codes=unknown,
        group=line(record.get("group")),
        group_notes=paragraph(record.get("group_notes")),
        district=line(record.get("district")),
        regions=_regions(record),
        notes=paragraph(record.get("notes")),
        location_notes=paragraph(record.get("location_notes")),
        contacts=contacts_value(record, public=context.contacts_public),
        venmo=line(record.get("venmo")),
        square=line(record.get("square")),
        paypal=line(record.get("paypal")),
        entity=line(record.get("entity")),
        entity_email=line(record.get("entity_email")),
        entity_phone=normalise_whitespace(text(record.get("entity_phone"))),
        entity_location=line(record.get("entity_location")),
        entity_url=url_value(entity_url, "entity_url", rec),
        entity_logo=url_value(record.get("entity_logo"), "entity_logo", rec),
        updated=updated_value(record.get("updated"), rec),
        url=url_value(record.get("url"), "url", rec),
        position=rec.position,
    )
    if len(days) == 1:
        return [first]
    # One record, several days: one meeting per day, each with its own identity, so that the
    # directory can diff, link and export them one by one.
    meetings = []
    for day in days:
        suffix = "-" + day_name(day).lower()
        meetings.append(
            replace(
                first,
                day=day,
                slug=slug[: 64 - len(suffix)] + suffix,
                source_id=source_id + suffix,
            )
        )
    return meetings


def normalise(
    records: Sequence[object],
    *,
    options: ImportOptions,
    positions: Sequence[str] | None = None,
    feed_format: FeedFormat = "meeting-guide",
) -> ImportResult:
    """Meeting Guide records (dicts) to canonical meetings and problems.

    ``positions`` labels each record for problems ("line 40"); by default "record N" (1-based).
    A record that is not an object, or lacks a slug, name, day or time, is skipped; everything
    else that is wrong is a warning and the field is dropped or defaulted.
    """
    context = Context.from_options(
        options, fellowship=DEFAULT_FELLOWSHIP, default_duration=DEFAULT_DURATION
    )
    problems: list[Problem] = []
    meetings: list[CanonicalMeeting] = []
    seen: dict[str, str] = {}
    for index, record in enumerate(records):
        position = positions[index] if positions is not None else f"record {index + 1}"
        rec = RecordProblems(position, problems)
        try:
            if isinstance(record, Unreadable):
                rec.skip(None, record.reason, "unreadable_row")
            if not isinstance(record, dict):
                kind = type(record).__name__
                rec.skip(None, f"not a meeting object but {kind}", "not_an_object")
            meetings.extend(
                claim_ids(normalise_record(record, rec=rec, context=context), seen, rec)
            )
        except SkipRecord as error:
            rec.skipped(error)
    return finish(feed_format, len(records), meetings, problems)


def claim_ids(
    meetings: list[CanonicalMeeting], seen: dict[str, str], rec: RecordProblems
) -> list[CanonicalMeeting]:
    """The meetings, or SkipRecord if one reuses an id seen earlier in the file: the directory
    diffs a source by id, so two meetings with one id would overwrite each other."""
    for meeting in meetings:
        if meeting.source_id in seen:
            message = f"same id {meeting.source_id!r} as {seen[meeting.source_id]}"
            rec.skip("id", message, "duplicate_id")
    for meeting in meetings:
        seen[meeting.source_id] = rec.position
    return meetings


def finish(
    feed_format: FeedFormat,
    records: int,
    meetings: list[CanonicalMeeting],
    problems: list[Problem],
) -> ImportResult:
    """The result of a run, or FeedError when records were read but every one was rejected:
    then the file is the wrong kind, and importing "no meetings" would empty the source."""
    rejected = [problem for problem in problems if problem.skipped and problem.severity == "error"]
    if records and not meetings and len(rejected) == records:
        first = rejected[0]
        raise FeedError(
            f"none of the {records} records could be used as {feed_format} meetings "
            f"(first: {first.position}: {first.message})"
        )
    if not records:
        problems.append(Problem("file", "the feed has no meetings", "warning", reason="empty_feed"))
    return ImportResult(
        format=feed_format, records=records, meetings=tuple(meetings), problems=tuple(problems)
    )


def load(data: bytes, *, options: ImportOptions | None = None) -> ImportResult:
    """Parse and normalise a Meeting Guide feed."""
    return normalise(parse(data), options=options or ImportOptions())
