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
    FIELD_LIMITS,
    Attendance,
    CanonicalMeeting,
    FeedError,
    FeedFormat,
    ImportOptions,
    ImportResult,
    Problem,
    UnreadableRows,
)
from homegroup.directory.importers.codes import CodeResolver, code_table, fellowship_code
from homegroup.directory.importers.fields import (
    SHOWN_MAX,
    Fields,
    RecordProblems,
    SkipRecord,
    Unreadable,
    compose_address,
    contacts_value,
    coordinates_value,
    flag_value,
    has_street_address,
    is_text_like,
    short_slug,
    shown,
    slug_value,
    text,
    timezone_value,
    updated_value,
    url_value,
)
from homegroup.lib.text import single_line
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
    nulls: frozenset[str]
    code_map: Mapping[str, tuple[str, ...]]
    resolvers: dict[str, CodeResolver]

    @classmethod
    def from_options(
        cls, options: ImportOptions, *, fellowship: str, default_duration: timedelta
    ) -> Context:
        chosen = (options.fellowship or fellowship).upper()
        resolver = CodeResolver(code_table(chosen), options.code_map)
        return cls(
            fellowship=chosen,
            resolver=resolver,
            default_duration=options.default_duration or default_duration,
            contacts_public=options.contacts_public,
            nulls=options.nulls,
            code_map=options.code_map,
            resolvers={chosen: resolver},
        )

    def resolver_for(self, fellowship: str) -> CodeResolver:
        """The code resolver of a fellowship named by a record (each has its own code list)."""
        resolver = self.resolvers.get(fellowship)
        if resolver is None:
            resolver = CodeResolver(code_table(fellowship), self.code_map)
            self.resolvers[fellowship] = resolver
        return resolver


def decode_json(data: bytes) -> object:
    """JSON from bytes (UTF-8/16/32, with or without a BOM) or FeedError in one line."""
    if not data.strip():
        raise FeedError("the file is empty")
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        raise FeedError("the file is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise FeedError(json_error(error)) from None


def json_error(error: json.JSONDecodeError) -> str:
    """ "not valid JSON: Unterminated string starting at line 1 column 14" (Python's message
    ends some reasons with "at", which must not read "starting at at line 1")."""
    reason = error.msg.removesuffix(" at")
    return f"not valid JSON: {reason} at line {error.lineno} column {error.colno}"


def decode_lines(data: bytes) -> tuple[list[object], list[str]] | None:
    """One JSON object per line (NDJSON, as MongoDB and many tools export): the records and
    their positions, or None when the data is not that. A line that is not JSON stays in the
    list as ``Unreadable`` so it is reported (and refused, unless unreadable rows are skipped)."""
    try:
        text_data = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    lines = [(number, line) for number, line in enumerate(text_data.splitlines(), 1)]
    filled = [(number, line.strip()) for number, line in lines if line.strip()]
    if len(filled) < 2 or not filled[0][1].startswith("{") or not filled[1][1].startswith("{"):
        return None
    try:
        if not isinstance(json.loads(filled[0][1]), dict):
            return None
    except json.JSONDecodeError:
        return None
    records: list[object] = []
    positions: list[str] = []
    for number, line in filled:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as error:
            records.append(Unreadable(f"cannot read the line: {json_error(error)}"))
        positions.append(f"line {number}")
    return records, positions


def parse(data: bytes) -> tuple[list[object], list[str] | None]:
    """The records of a Meeting Guide feed: the top-level array, or one object per line
    (NDJSON, with each record's line as its position). FeedError if it is neither."""
    try:
        value = decode_json(data)
    except FeedError:
        lines = decode_lines(data)
        if lines is None:
            raise
        return lines
    if isinstance(value, dict):
        if "meetings" in value:
            raise FeedError(
                "a JSON object with 'meetings': this looks like a BMLT response, not a Meeting "
                "Guide feed (try --format bmlt)"
            )
        raise FeedError("a JSON object, not a Meeting Guide feed (which is an array of meetings)")
    if not isinstance(value, list):
        raise FeedError("not a Meeting Guide feed: expected a JSON array of meetings")
    return value, None


def check_unreadable(
    records: Sequence[object], positions: Sequence[str] | None, options: ImportOptions
) -> None:
    """Refuse a file with unreadable rows or lines (a cut-short file must not pass for the
    whole source) unless the import skips them on purpose."""
    if options.skip_unreadable:
        return
    unreadable = [index for index, record in enumerate(records) if isinstance(record, Unreadable)]
    if not unreadable:
        return
    first = unreadable[0]
    where = positions[first] if positions is not None else f"record {first + 1}"
    record = records[first]
    reason = record.reason if isinstance(record, Unreadable) else ""
    cut = (
        "; the last row is incomplete: the file may be cut short"
        if unreadable[-1] == len(records) - 1
        else ""
    )
    count = len(unreadable)
    rows = "row" if count == 1 else "rows"
    raise UnreadableRows(
        f"{count} unreadable {rows} (first: {where}: {reason}){cut}; "
        "import the rest with --skip-unreadable"
    )


def _days(value: object, rec: RecordProblems, *, timeless: bool) -> list[int]:
    if value is None or value == "" or value == []:
        if timeless:
            # The spec reads a meeting with neither day nor time as "by appointment".
            message = "no day and no time (by appointment): the directory lists weekly meetings"
        else:
            message = "no day of the week"
        rec.skip("day", message, "missing_day")
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
        except ValueError:
            rec.skip("day", f"the day {shown(item)} is not a day of the week", "invalid_day")
        if day not in days:
            days.append(day)
    return days


def hint(error: ValueError) -> str:
    """The explanation in parentheses at the end of a parser's error, if it has one."""
    message = str(error)
    return " " + message[message.index("(") :] if message.endswith(")") and "(" in message else ""


def _start(value: object, rec: RecordProblems) -> time:
    raw = text(value).strip()
    if not raw:
        rec.skip("time", "no start time", "missing_time")
    try:
        return parse_time(raw)
    except ValueError as error:
        message = f"the time {shown(raw)} is not a time of day{hint(error)}"
        rec.skip("time", message, "invalid_time")


def _end(
    values: Fields, start: time, rec: RecordProblems, context: Context
) -> tuple[time, timedelta]:
    raw_end = values.text("end_time").strip()
    if raw_end:
        try:
            end = parse_time(raw_end)
        except ValueError as error:
            message = (
                f"the end time {shown(raw_end)} is not a time of day{hint(error)}; "
                "using the default duration"
            )
            rec.warn("end_time", message, "invalid_end_time")
        else:
            if end != start:
                return end, duration_between(start=start, end=end)
            message = "end time equals start time; using the default duration"
            rec.warn("end_time", message, "invalid_end_time")
    raw_duration = values.raw("duration")
    if raw_duration not in (None, "") and is_text_like(raw_duration):
        try:
            duration = parse_duration(text(raw_duration))
        except ValueError:
            message = (
                f"the duration {shown(raw_duration)} is not a length of time; using the default"
            )
            rec.warn("duration", message, "invalid_duration")
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


def _regions(values: Fields) -> tuple[str, ...]:
    regions = values.raw("regions")
    if isinstance(regions, list) and is_text_like(regions):
        limit = FIELD_LIMITS["region"]
        names = [single_line(text(item))[:limit] for item in regions]
    else:
        names = [values.line("region"), values.line("sub_region", limit=FIELD_LIMITS["region"])]
    return tuple(name for name in names if name)


def _fellowship(values: Fields, context: Context) -> str:
    """The record's own fellowship when it names one (a mixed feed: AA, NA and CA meetings in
    one file), else the source's."""
    raw = values.line("fellowship", limit=120)
    if not raw:
        return context.fellowship
    code = fellowship_code(raw)
    if code is None:
        message = f"not a fellowship code or name, the source's is used: {shown(raw)}"
        values.rec.warn("fellowship", message, "invalid_fellowship")
        return context.fellowship
    return code


def _stated_attendance(value: str, rec: RecordProblems) -> Attendance | None:
    raw = value.strip().lower()
    if not raw:
        return None
    mode = TSML_ATTENDANCE.get(raw)
    if mode is None:
        message = f"unknown attendance option, ignored: {shown(raw)}"
        rec.warn("attendance_option", message, "invalid_attendance")
    return mode


def normalise_record(
    record: Mapping[str, object], *, rec: RecordProblems, context: Context
) -> list[CanonicalMeeting]:
    """One Meeting Guide record to one meeting per day, or SkipRecord."""
    values = Fields(record, rec, context.nulls)
    raw_slug = values.text("slug").strip()
    if not raw_slug:
        raw_slug = values.text("id").strip()
    slug = slug_value(raw_slug, rec)
    if not slug:
        rec.skip("slug", "no slug: a meeting needs an identifier", "missing_slug")
    rec.slug = slug
    name = values.line("name")
    if not name:
        rec.skip("name", "no name", "missing_name")
    raw_time = values.raw("time")
    days = _days(values.raw("day"), rec, timeless=raw_time in (None, ""))
    start = _start(raw_time, rec)
    end, duration = _end(values, start, rec, context)
    check_duration(duration, "end_time", rec)

    address = values.line("address")
    city = values.line("city")
    state = values.line("state")
    postal_code = values.line("postal_code")
    country = values.line("country")
    formatted_address = (
        values.line("formatted_address")
        or compose_address(
            address=address, city=city, state=state, postal_code=postal_code, country=country
        )[: FIELD_LIMITS["formatted_address"]]
    )
    latitude, longitude = coordinates_value(
        values.raw("latitude"), values.raw("longitude"), values.raw("coordinates"), rec
    )
    street = has_street_address(address=address, formatted_address=formatted_address, city=city)
    approximate_flag = flag_value(values.raw("approximate"), "approximate", rec)
    if approximate_flag is None:
        approximate = not street
        real_address = street
    else:
        approximate = approximate_flag
        real_address = not approximate_flag and bool(formatted_address)

    conference_url = values.url("conference_url")
    if conference_url and conference_provider(conference_url) is None:
        message = f"not a known conference provider (kept): {shown(conference_url)}"
        rec.warn("conference_url", message, "unknown_conference_provider")
    conference_phone = values.phone("conference_phone")

    fellowship = _fellowship(values, context)
    resolver = context.resolver_for(fellowship)
    types, unknown = resolver.resolve(_types(values.raw("types")))
    if unknown:
        message = f"unknown type codes (kept): {', '.join(unknown)}"[: SHOWN_MAX * 4]
        rec.warn("types", message, "unknown_code")
    stated_option = values.text("attendance_option").strip()
    attendance, reason = derive_attendance(
        stated=_stated_attendance(stated_option, rec),
        stated_by=f"attendance_option {stated_option!r}",
        types=types,
        conference_url=conference_url,
        conference_phone=conference_phone,
        real_address=real_address,
    )
    entity_url = "entity_url" if values.raw("entity_url") else "entity_website_url"
    source_id = values.text("id").strip() or raw_slug
    first = CanonicalMeeting(
        source_id=source_id,
        slug=slug,
        name=name,
        day=days[0],
        start=start,
        end=end,
        duration=duration,
        fellowship=fellowship,
        attendance=attendance,
        attendance_reason=reason,
        timezone=timezone_value(values.text("timezone"), rec),
        location=values.line("location"),
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
        conference_url_notes=values.paragraph("conference_url_notes"),
        conference_phone=conference_phone,
        conference_phone_notes=values.paragraph("conference_phone_notes"),
        types=types,
        unknown_codes=unknown,
        group=values.line("group"),
        group_notes=values.paragraph("group_notes"),
        district=values.line("district"),
        regions=_regions(values),
        notes=values.paragraph("notes"),
        location_notes=values.paragraph("location_notes"),
        contacts=contacts_value(values, public=context.contacts_public),
        venmo=values.line("venmo"),
        square=values.line("square"),
        paypal=values.line("paypal"),
        entity=values.line("entity"),
        entity_email=values.line("entity_email"),
        entity_phone=values.line("entity_phone"),
        entity_location=values.line("entity_location"),
        entity_url=url_value_of(values, entity_url, "entity_url"),
        entity_logo=values.url("entity_logo"),
        updated=updated_value(values.text("updated"), rec),
        url=values.url("url"),
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
                slug=short_slug(slug + suffix),
                source_id=source_id + suffix,
            )
        )
    return meetings


def url_value_of(values: Fields, name: str, field: str) -> str:
    """A URL read from ``name`` and reported as ``field`` (the spec's two names of one field)."""
    return url_value(values.text(name), field, values.rec)


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
    else that is wrong is a warning and the field is dropped or defaulted. Unreadable rows
    refuse the whole file (UnreadableRows) unless ``options.skip_unreadable``.
    """
    check_unreadable(records, positions, options)
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
            message = f"same id {shown(meeting.source_id)} as {seen[meeting.source_id]}"
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
    """Parse and normalise a Meeting Guide feed (a JSON array, or one object per line)."""
    records, positions = parse(data)
    return normalise(records, options=options or ImportOptions(), positions=positions)
