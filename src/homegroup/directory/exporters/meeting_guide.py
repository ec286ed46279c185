"""Stored meetings → Meeting Guide JSON records (code4recovery/spec), pure: no Django.

A row is a mapping with the `Meeting` fields named in ``ROW_FIELDS`` (what
``Meeting.objects.values(*ROW_FIELDS)`` gives), so the exporter is tested without a database
and the feed of 10,000 meetings is built without instantiating 10,000 models.

What the feed says, beyond copying fields:

- ``types`` are the meeting's known codes, sorted, plus three derived ones: ``ONL`` for online
  and hybrid meetings and ``TC`` for temporarily closed ones (removed from the spec in 2022, but
  TSML and its consumers still read them), and ``MOUD`` — Homegroup's documented custom code,
  "welcomes people on medication for opioid use disorder" — on meetings whose derived
  MAT-friendliness is ``confirmed_welcoming`` and only on those (a source's own ``MOUD`` is
  evidence, not a verdict: see docs/adr/0003). Codes the source used that we could not
  recognise are not published: they mean something only in the source's own vocabulary.
- ``attendance_option`` is TSML's: ``in_person``, ``hybrid``, ``online``, or ``inactive`` (a
  temporarily closed meeting is ``inactive`` with ``TC``, which is how the importer reads it
  back).
- ``contact_N_*`` only for contacts the source marked public.
- ``updated`` is the source's own "last updated" when it gave one, else when the meeting last
  changed here, as "YYYY-MM-DD HH:MM:SS" in UTC.
- Empty optional fields are left out (the feed of a national directory stays smaller); the
  fields a consumer needs to list a meeting (slug, name, day, time, end_time, timezone, types,
  attendance_option, updated) are always there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time
from typing import Any, Final

MOUD: Final = "MOUD"
ONLINE: Final = "ONL"
TEMPORARILY_CLOSED: Final = "TC"
CONFIRMED_WELCOMING: Final = "confirmed_welcoming"

# The columns a row must have (Meeting field names; "fellowship__code" and "region_id" included).
ROW_FIELDS: Final = (
    "slug",
    "name",
    "fellowship__code",
    "day",
    "start_time",
    "end_time",
    "timezone",
    "location",
    "address",
    "city",
    "state",
    "postal_code",
    "country",
    "formatted_address",
    "latitude",
    "longitude",
    "approximate",
    "location_notes",
    "conference_url",
    "conference_url_notes",
    "conference_phone",
    "conference_phone_notes",
    "attendance",
    "type_codes",
    "group",
    "group_notes",
    "district",
    "region_id",
    "notes",
    "contacts",
    "venmo",
    "square",
    "paypal",
    "entity",
    "entity_email",
    "entity_phone",
    "entity_location",
    "entity_url",
    "entity_logo",
    "url",
    "source_updated",
    "last_changed_at",
    "mat_level",
)

# Copied as they are when not empty, in the order the spec lists them.
_TEXT_FIELDS: Final = (
    "notes",
    "location",
    "location_notes",
    "address",
    "city",
    "state",
    "postal_code",
    "country",
    "formatted_address",
    "conference_url",
    "conference_url_notes",
    "conference_phone",
    "conference_phone_notes",
    "group",
    "group_notes",
    "district",
    "url",
    "venmo",
    "square",
    "paypal",
    "entity",
    "entity_email",
    "entity_phone",
    "entity_location",
    "entity_url",
    "entity_logo",
)

_TSML_ATTENDANCE: Final = {
    "in_person": "in_person",
    "hybrid": "hybrid",
    "online": "online",
    "temporarily_closed": "inactive",
    "inactive": "inactive",
}


def clock(value: time) -> str:
    """A wall-clock time as the spec writes it: "HH:MM", 24 hours."""
    return f"{value.hour:02d}:{value.minute:02d}"


def spec_timestamp(value: datetime) -> str:
    """The spec's "YYYY-MM-DD HH:MM:SS", in UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def feed_types(*, type_codes: str, attendance: str, mat_level: str) -> list[str]:
    """The published types: known codes, plus ONL / TC from the attendance mode and MOUD from
    the derived MAT-friendliness (a stored MOUD is dropped unless the level is confirmed)."""
    codes = {code for code in type_codes.split(",") if code and code != MOUD}
    if attendance in ("online", "hybrid"):
        codes.add(ONLINE)
    if attendance == "temporarily_closed":
        codes.add(TEMPORARILY_CLOSED)
    if mat_level == CONFIRMED_WELCOMING:
        codes.add(MOUD)
    return sorted(codes)


def export_meeting(row: Mapping[str, Any], *, regions: Sequence[str] = ()) -> dict[str, Any]:
    """One stored meeting as a Meeting Guide record. ``regions`` runs general → specific."""
    record: dict[str, Any] = {
        "slug": row["slug"],
        "name": row["name"],
        "day": row["day"],
        "time": clock(row["start_time"]),
        "end_time": clock(row["end_time"]),
        "timezone": row["timezone"],
        "types": feed_types(
            type_codes=row["type_codes"], attendance=row["attendance"], mat_level=row["mat_level"]
        ),
        "attendance_option": _TSML_ATTENDANCE[row["attendance"]],
        "fellowship": row["fellowship__code"],
    }
    for name in _TEXT_FIELDS:
        value = row[name]
        if value:
            record[name] = value
    if row["latitude"] is not None and row["longitude"] is not None:
        record["latitude"] = row["latitude"]
        record["longitude"] = row["longitude"]
    if record.get("formatted_address") or "latitude" in record:
        record["approximate"] = "yes" if row["approximate"] else "no"
    if regions:
        record["regions"] = list(regions)
    public = [contact for contact in row["contacts"] or () if contact.get("public")]
    for number, contact in enumerate(public[:3], start=1):
        for part in ("name", "email", "phone"):
            if contact.get(part):
                record[f"contact_{number}_{part}"] = contact[part]
    record["updated"] = spec_timestamp(row["source_updated"] or row["last_changed_at"])
    return record


def export_meetings(
    rows: Sequence[Mapping[str, Any]], *, region_paths: Mapping[int, Sequence[str]]
) -> list[dict[str, Any]]:
    """Rows to records; ``region_paths`` maps a region id to its names, general → specific."""
    return [
        export_meeting(
            row, regions=region_paths.get(row["region_id"], ()) if row["region_id"] else ()
        )
        for row in rows
    ]
