"""BMLT semantic API responses (NA): ``GetSearchResults`` as a bare list or as the
``{"meetings": [...], "formats": [...]}`` envelope that ``get_used_formats=1`` returns.

Every value is a string. ``weekday_tinyint`` is 1-7 with 1 = Sunday; ``duration_time`` empty
means the server's default (01:30 unless the source says otherwise); ``venue_type`` 1/2/3 is in
person / virtual / hybrid; ``published`` "0" meetings are hidden by real servers, so they are
skipped here with the reason "unpublished".

Formats are server-local: a meeting lists its formats by numeric id
(``format_shared_id_list``) and by key string (``formats``, case-sensitive: "So" is not "SO").
Both resolve through a ``GetFormats`` table to a NA World Services ``world_id`` and from there
to a NA code (``codes.WORLD_ID_TO_NA``); a format without a world id keeps its key string as an
unknown code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import time, timedelta

from homegroup.directory.importers.attendance import (
    BMLT_VENUE_TYPES,
    conference_provider,
    derive_attendance,
)
from homegroup.directory.importers.canonical import (
    FIELD_LIMITS,
    Attendance,
    CanonicalMeeting,
    FeedError,
    ImportOptions,
    ImportResult,
    Problem,
)
from homegroup.directory.importers.codes import WORLD_ID_TO_NA
from homegroup.directory.importers.fields import (
    SHOWN_MAX,
    Fields,
    RecordProblems,
    SkipRecord,
    Unreadable,
    compose_address,
    coordinates_value,
    has_street_address,
    line,
    shown,
    slug_value,
    timezone_value,
)
from homegroup.directory.importers.meeting_guide import (
    Context,
    check_duration,
    check_unreadable,
    claim_ids,
    decode_json,
    decode_lines,
    finish,
    hint,
)
from homegroup.lib.times import end_from_start, parse_duration, parse_time
from homegroup.lib.weekdays import from_bmlt

DEFAULT_FELLOWSHIP = "NA"
_HOUSE_NUMBER = re.compile(r"\d+[A-Za-z]?(-\d+)?\s+\w")
# BMLT's own default when duration_time is empty (servers can change it: pass
# ImportOptions.default_duration then, e.g. from GetServerInfo's defaultDuration).
DEFAULT_DURATION = timedelta(hours=1, minutes=30)


class FormatTable:
    """A server's formats: id → (key string, world id) and key string → (id, world id).

    Rows come per language; ``language`` rows win, and a world id missing in that language is
    taken from another language's row of the same format (GNYR's "ES" has LANG in English
    only).
    """

    def __init__(self, rows: Sequence[Mapping[str, object]], *, language: str = "en") -> None:
        by_id: dict[str, tuple[str, str]] = {}
        by_key: dict[str, tuple[str, str]] = {}
        world_ids: dict[str, str] = {}
        # Other languages first, so the preferred language's rows overwrite them.
        ordered = sorted(rows, key=lambda row: str(row.get("lang", "")) == language)
        for row in ordered:
            format_id = str(row.get("id", "")).strip()
            key = str(row.get("key_string", "")).strip()
            world_id = str(row.get("world_id", "") or "").strip().upper()
            if format_id and world_id:
                world_ids.setdefault(format_id, world_id)
            if format_id:
                by_id[format_id] = (key, world_id)
            if key:
                by_key[key] = (format_id, world_id)
        self.by_id = {
            format_id: (key, world_id or world_ids.get(format_id, ""))
            for format_id, (key, world_id) in by_id.items()
        }
        self.by_key = {
            key: (format_id, world_id or world_ids.get(format_id, ""))
            for key, (format_id, world_id) in by_key.items()
        }

    def __len__(self) -> int:
        return len(self.by_id)


def parse_formats(data: bytes, *, language: str = "en") -> FormatTable:
    """A ``GetFormats`` response (a list of format rows, or the envelope's "formats")."""
    value = decode_json(data)
    if isinstance(value, dict) and isinstance(value.get("formats"), list):
        value = value["formats"]
    if not isinstance(value, list) or not all(
        isinstance(row, dict) and "key_string" in row for row in value
    ):
        raise FeedError("not a BMLT GetFormats response: expected a list of formats")
    return FormatTable(value, language=language)


def parse_service_bodies(data: bytes) -> dict[str, tuple[str, str]]:
    """A ``GetServiceBodies`` response as id → (name, parent id), to turn a meeting's service
    body into regions from general (the region) to specific (its area)."""
    value = decode_json(data)
    if not isinstance(value, list) or not all(
        isinstance(row, dict) and "id" in row and "name" in row for row in value
    ):
        raise FeedError("not a BMLT GetServiceBodies response: expected a list of bodies")
    return {
        str(row["id"]).strip(): (line(row["name"]), str(row.get("parent_id") or "").strip())
        for row in value
    }


def parse(data: bytes) -> tuple[list[object], FormatTable | None]:
    """The meeting records of a response, and the envelope's formats if it has them. One
    meeting object per line (NDJSON, a database export of BMLT meetings) is read too."""
    try:
        value = decode_json(data)
    except FeedError:
        lines = decode_lines(data)
        if lines is None:
            raise
        return lines[0], None
    if isinstance(value, dict):
        meetings = value.get("meetings")
        if not isinstance(meetings, list):
            raise FeedError("not a BMLT response: a JSON object without a 'meetings' list")
        formats = value.get("formats")
        table = None
        if isinstance(formats, list) and formats:
            table = FormatTable([row for row in formats if isinstance(row, dict)])
        return meetings, table
    if not isinstance(value, list):
        raise FeedError("not a BMLT response: expected a list of meetings")
    if value and isinstance(value[0], dict) and "key_string" in value[0]:
        raise FeedError("this is a BMLT GetFormats response, not meetings: pass it as --formats")
    return value, None


class ServiceBodyRegions:
    """Service bodies as regions: a meeting's body and its parents, general to specific."""

    def __init__(self, bodies: Mapping[str, tuple[str, str]]) -> None:
        self.bodies = bodies
        self.cache: dict[str, tuple[str, ...]] = {}

    def chain(self, body_id: str) -> tuple[str, ...]:
        cached = self.cache.get(body_id)
        if cached is not None:
            return cached
        names: list[str] = []
        seen: set[str] = set()
        current = body_id
        while current in self.bodies and current not in seen:
            seen.add(current)
            name, parent = self.bodies[current]
            names.append(name)
            current = parent
        result = tuple(reversed([name for name in names if name]))
        self.cache[body_id] = result
        return result


def _split(value: object) -> list[str]:
    raw = value if isinstance(value, str) else ""
    return [part.strip() for part in raw.split(",") if part.strip()]


def _format_tokens(
    record: Mapping[str, object], table: FormatTable | None, context: Context
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(known NA codes, unknown tokens) for a meeting's formats."""
    code_map = context.resolver.code_map
    ids = _split(record.get("format_shared_id_list"))
    keys = _split(record.get("formats"))
    pairs: list[tuple[str, str]] = []  # (key string, world id)
    if table is not None and ids and all(format_id in table.by_id for format_id in ids):
        pairs = [table.by_id[format_id] for format_id in ids]
    elif table is not None:
        pairs = [(key, table.by_key.get(key, ("", ""))[1]) for key in keys]
    else:
        pairs = [(key, "") for key in keys]
    known: set[str] = set()
    unknown: set[str] = set()
    for key, world_id in pairs:
        if key in code_map:
            mapped: tuple[str, ...] = code_map[key]
        elif world_id in code_map:
            mapped = code_map[world_id]
        elif world_id == "LANG":
            # A language format: its key ("ES", "FIN") says which language; LANG alone doesn't.
            mapped = (key,)
        elif world_id:
            mapped = (WORLD_ID_TO_NA.get(world_id, world_id),)
        else:
            # No world id: the key is all we have. Without a formats table, try it as a code.
            found, missing = context.resolver.resolve_token(key)
            known.update(found)
            unknown.update(missing)
            continue
        for code in mapped:
            found_code = context.resolver.table.lookup(code)
            if found_code is None:
                unknown.add(code)
            else:
                known.add(found_code)
    return tuple(sorted(known)), tuple(sorted(unknown))


def _start(raw: str, rec: RecordProblems) -> time:
    if not raw:
        rec.skip("start_time", "no start time", "missing_time")
    try:
        return parse_time(raw)
    except ValueError as error:
        message = f"the time {shown(raw)} is not a time of day{hint(error)}"
        rec.skip("start_time", message, "invalid_time")


def _duration(raw: str, rec: RecordProblems, context: Context) -> timedelta:
    if not raw:
        return context.default_duration
    try:
        duration = parse_duration(raw)
    except ValueError:
        message = f"the duration {shown(raw)} is not a length of time; using the default"
        rec.warn("duration_time", message, "invalid_duration")
        return context.default_duration
    if not duration:
        rec.warn("duration_time", "duration 00:00; using the default", "invalid_duration")
        return context.default_duration
    return duration


def _venue_type(raw: str, rec: RecordProblems) -> Attendance | None:
    if not raw:
        return None
    mode = BMLT_VENUE_TYPES.get(raw)
    if mode is None:
        rec.warn("venue_type", f"unknown venue type, ignored: {shown(raw)}", "invalid_attendance")
    return mode


def normalise_record(
    record: Mapping[str, object],
    *,
    rec: RecordProblems,
    context: Context,
    table: FormatTable | None,
    regions: ServiceBodyRegions | None,
) -> CanonicalMeeting:
    """One BMLT meeting to a canonical meeting, or SkipRecord."""
    values = Fields(record, rec, context.nulls)
    meeting_id = values.line("id_bigint")
    slug = slug_value(meeting_id, rec, "id_bigint") if meeting_id else ""
    if not slug:
        rec.skip("id_bigint", "no id_bigint: a meeting needs an identifier", "missing_slug")
    rec.slug = slug
    if values.line("published") == "0":
        rec.skip("published", "unpublished on the server", "unpublished", severity="warning")
    name = values.line("meeting_name", limit=FIELD_LIMITS["name"])
    if not name:
        rec.skip("meeting_name", "no name", "missing_name")
    weekday = values.line("weekday_tinyint")
    try:
        day = from_bmlt(weekday)
    except ValueError:
        message = f"the weekday {shown(weekday)} is not 1-7 (1 = Sunday)"
        rec.skip("weekday_tinyint", message, "invalid_day")
    start = _start(values.line("start_time"), rec)
    duration = _duration(values.line("duration_time"), rec, context)
    check_duration(duration, "duration_time", rec)

    location = values.line("location_text", limit=FIELD_LIMITS["location"])
    address = values.line("location_street", limit=FIELD_LIMITS["address"])
    if not address and _HOUSE_NUMBER.match(location):
        # Seen in GNYR: the street typed into the venue-name field and the street left empty.
        message = f"no street; using location_text {shown(location)} as the street"
        rec.warn("location_street", message, "street_in_location")
        address, location = location, ""
    city_limit = FIELD_LIMITS["city"]
    city = (
        values.line("location_municipality", limit=city_limit)
        or values.line("location_city_subsection", limit=city_limit)
        or values.line("location_neighborhood", limit=city_limit)
    )
    state = values.line("location_province", limit=FIELD_LIMITS["state"])
    postal_code = values.line("location_postal_code_1", limit=FIELD_LIMITS["postal_code"])
    country = values.line("location_nation", limit=FIELD_LIMITS["country"])
    formatted_address = compose_address(
        address=address, city=city, state=state, postal_code=postal_code, country=country
    )[: FIELD_LIMITS["formatted_address"]]
    latitude, longitude = coordinates_value(
        values.raw("latitude"), values.raw("longitude"), None, rec
    )
    street = has_street_address(address=address, formatted_address=formatted_address, city=city)
    # BMLT pins are placed by hand, so a named venue with coordinates is a real place too.
    real_address = street or bool(location and latitude is not None)

    conference_url = values.url("virtual_meeting_link")
    if conference_url and conference_provider(conference_url) is None:
        message = f"not a known conference provider (kept): {shown(conference_url)}"
        rec.warn("virtual_meeting_link", message, "unknown_conference_provider")
    conference_phone = values.phone("phone_meeting_number")
    types, unknown = _format_tokens(record, table, context)
    if unknown:
        message = f"unknown type codes (kept): {', '.join(unknown)}"[: SHOWN_MAX * 4]
        rec.warn("formats", message, "unknown_code")
    venue_type = values.line("venue_type")
    attendance, reason = derive_attendance(
        stated=_venue_type(venue_type, rec),
        stated_by=f"venue_type {venue_type!r}",
        types=types,
        conference_url=conference_url,
        conference_phone=conference_phone,
        real_address=real_address,
    )
    location_notes = values.paragraph("location_info")
    transit = [
        f"{label}: {value}"
        for label, value in (
            ("Trains", values.line("train_lines", limit=500)),
            ("Buses", values.line("bus_lines", limit=500)),
        )
        if value
    ]
    if transit:
        location_notes = "\n".join([location_notes, *transit]).strip()
    body = values.line("service_body_bigint")
    if regions is not None and body in regions.bodies:
        meeting_regions = regions.chain(body)
    else:
        body_name = values.line("service_body_name", limit=FIELD_LIMITS["region"])
        meeting_regions = (body_name,) if body_name else ()
    return CanonicalMeeting(
        source_id=meeting_id,
        slug=slug,
        name=name,
        day=day,
        start=start,
        end=end_from_start(start=start, duration=duration),
        duration=duration,
        fellowship=context.fellowship,
        attendance=attendance,
        attendance_reason=reason,
        timezone=timezone_value(values.text("time_zone"), rec),
        location=location,
        address=address,
        city=city,
        state=state,
        postal_code=postal_code,
        country=country,
        formatted_address=formatted_address,
        latitude=latitude,
        longitude=longitude,
        approximate=not real_address,
        conference_url=conference_url,
        conference_url_notes=values.paragraph("virtual_meeting_additional_info"),
        conference_phone=conference_phone,
        types=types,
        unknown_codes=unknown,
        group_code=values.line("worldid_mixed", limit=64),
        regions=meeting_regions,
        notes=values.paragraph("comments"),
        location_notes=location_notes,
        position=rec.position,
    )


def normalise(
    records: Sequence[object],
    *,
    options: ImportOptions,
    formats: FormatTable | None = None,
    service_bodies: Mapping[str, tuple[str, str]] | None = None,
) -> ImportResult:
    """BMLT meeting records to canonical meetings and problems. ``formats`` is the server's
    GetFormats table (needed for a bare list; the envelope carries its own)."""
    check_unreadable(records, None, options)
    context = Context.from_options(
        options, fellowship=DEFAULT_FELLOWSHIP, default_duration=DEFAULT_DURATION
    )
    problems: list[Problem] = []
    if formats is None and any(
        isinstance(record, dict) and record.get("formats") for record in records
    ):
        problems.append(
            Problem(
                "file",
                "no formats table (GetFormats): format keys were matched to NA codes by their "
                "spelling only; pass the server's formats to map them by world id",
                "warning",
                reason="no_formats_table",
            )
        )
    regions = ServiceBodyRegions(service_bodies) if service_bodies else None
    meetings: list[CanonicalMeeting] = []
    seen: dict[str, str] = {}
    for index, record in enumerate(records):
        rec = RecordProblems(f"record {index + 1}", problems)
        try:
            if isinstance(record, Unreadable):
                rec.skip(None, record.reason, "unreadable_row")
            if not isinstance(record, dict):
                kind = type(record).__name__
                rec.skip(None, f"not a meeting object but {kind}", "not_an_object")
            meeting = normalise_record(
                record, rec=rec, context=context, table=formats, regions=regions
            )
            meetings.extend(claim_ids([meeting], seen, rec))
        except SkipRecord as error:
            rec.skipped(error)
    return finish("bmlt", len(records), meetings, problems)


def load(
    data: bytes,
    *,
    options: ImportOptions | None = None,
    formats: FormatTable | None = None,
    service_bodies: Mapping[str, tuple[str, str]] | None = None,
) -> ImportResult:
    """Parse and normalise a BMLT response. The envelope's own formats are used when no
    ``formats`` table is given (a GetFormats file given explicitly wins)."""
    records, envelope_formats = parse(data)
    return normalise(
        records,
        options=options or ImportOptions(),
        formats=formats or envelope_formats,
        service_bodies=service_bodies,
    )
