"""Field-level cleaning shared by every importer: text, URLs, phones, coordinates, addresses.

Each helper takes what a feed put in a field (any JSON type, or text from a delimited file) and
returns a clean value, reporting what it had to change or drop through the record's
``RecordProblems``. A helper never skips a record; normalisers decide that with ``skip``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, NoReturn

from homegroup.directory.importers.canonical import Contact, Problem, Severity
from homegroup.lib.geo import parse_coordinate, parse_coordinates
from homegroup.lib.text import normalise_whitespace, single_line, strip_html
from homegroup.lib.timezones import is_timezone

_SLUG = re.compile(r"[A-Za-z0-9_-]{1,64}")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_PHONE_KEEP = re.compile(r"[^0-9+,*#]")
_DOMAIN_LIKE = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/\S*)?")
_DIGIT = re.compile(r"\d")
# Words that make the first part of an address a street or a building rather than a town.
_STREET_WORD = re.compile(
    r"\b(st|street|rd|road|ave|avenue|ln|lane|dr|drive|blvd|boulevard|hwy|highway|way|pl|place"
    r"|ct|court|pkwy|parkway|cir|circle|trl|trail|sq|square|church|chapel|parish|hall|hospital"
    r"|center|centre|club|school|library|temple|synagogue|mosque)\b\.?",
    re.IGNORECASE,
)
_TRUE: Final = frozenset({"yes", "y", "true", "1", "on"})
_FALSE: Final = frozenset({"no", "n", "false", "0", "off", ""})


class SkipRecord(Exception):
    """Raised by a normaliser to drop the current record with one reason."""

    def __init__(self, *, field: str | None, message: str, reason: str, severity: Severity) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.reason = reason
        self.severity = severity


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A record a parser could not turn into fields (e.g. a row with too few columns); it stays
    in the record list so that positions and counts stay right, and is skipped with
    ``reason``."""

    reason: str


class RecordProblems:
    """Collects the problems of one record, labelled with its position and slug."""

    __slots__ = ("position", "problems", "slug")

    def __init__(self, position: str, problems: list[Problem]) -> None:
        self.position = position
        self.problems = problems
        self.slug: str | None = None

    def warn(self, field: str | None, message: str, reason: str) -> None:
        self.problems.append(
            Problem(self.position, message, "warning", field, self.slug, reason, skipped=False)
        )

    def skip(
        self, field: str | None, message: str, reason: str, *, severity: Severity = "error"
    ) -> NoReturn:
        raise SkipRecord(field=field, message=message, reason=reason, severity=severity)

    def skipped(self, error: SkipRecord) -> None:
        self.problems.append(
            Problem(
                self.position,
                error.message,
                error.severity,
                error.field,
                self.slug,
                error.reason,
                skipped=True,
            )
        )


def text(value: object) -> str:
    """Any scalar a feed put in a text field, as a string ("" for null, lists joined)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, list):
        return ", ".join(text(item) for item in value if text(item))
    return str(value)


def line(value: object) -> str:
    """One line of plain text (names, places, address parts)."""
    raw = text(value)
    return single_line(raw) if raw else ""


def paragraph(value: object) -> str:
    """Plain text that keeps its line breaks (notes); HTML stripped, entities unescaped."""
    raw = text(value)
    return strip_html(raw) if raw else ""


def slug_value(value: object, rec: RecordProblems) -> str:
    """The source's slug as a URL-safe string of at most 64 characters; integer slugs (real
    feeds have them) become their digits. Other text is slugified, with a warning."""
    raw = text(value).strip()
    if _SLUG.fullmatch(raw):
        return raw
    slug = _NOT_SLUG.sub("-", raw.lower()).strip("-")[:64].rstrip("-")
    if slug:
        rec.warn("slug", f"slug {raw!r} is not URL-safe; using {slug!r}", "slug_rewritten")
    return slug


def url_value(value: object, field: str, rec: RecordProblems) -> str:
    """An http(s) URL or "". A bare domain ("example.org/x") gets https:// with a warning;
    anything else (other schemes included: a javascript: link must never become a button)
    is dropped with a warning."""
    raw = text(value).strip()
    if not raw:
        return ""
    lower = raw.lower()
    if lower.startswith(("https://", "http://")) and " " not in raw and len(raw) > 8:
        return raw
    if _DOMAIN_LIKE.fullmatch(raw):
        rec.warn(field, f"{raw!r} has no scheme; assumed https://", "url_scheme_added")
        return "https://" + raw
    rec.warn(field, f"not a web address, dropped: {raw!r}", "invalid_url")
    return ""


def phone_value(value: object, field: str, rec: RecordProblems) -> str:
    """A dialable conference phone: digits and ``+ , * #`` only, as the spec writes it
    ("+13017158592,,84629018704#"). Fewer than 7 digits cannot be dialled: dropped, warned."""
    raw = text(value).strip()
    if not raw:
        return ""
    phone = _PHONE_KEEP.sub("", raw)
    if sum(char.isdigit() for char in phone) < 7:
        rec.warn(field, f"not a phone number, dropped: {raw!r}", "invalid_phone")
        return ""
    return phone


def flag_value(value: object, field: str, rec: RecordProblems) -> bool | None:
    """A yes/no flag written as "yes"/"no", true/false or 1/0; None when absent."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    raw = text(value).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return None if raw == "" else False
    rec.warn(field, f"not yes or no, ignored: {value!r}", "invalid_flag")
    return None


def coordinates_value(
    latitude: object, longitude: object, pair: object, rec: RecordProblems
) -> tuple[float | None, float | None]:
    """Latitude and longitude from two fields (numbers or text) or one "lat,lon" text.
    Missing halves, values out of range and the 0,0 placeholder are dropped with a warning."""
    lat_missing = latitude is None or text(latitude).strip() == ""
    lng_missing = longitude is None or text(longitude).strip() == ""
    try:
        if not lat_missing and not lng_missing:
            lat = parse_coordinate(latitude, axis="latitude")
            lng = parse_coordinate(longitude, axis="longitude")
        elif lat_missing and lng_missing:
            raw_pair = text(pair).strip()
            if not raw_pair:
                return None, None
            lat, lng = parse_coordinates(raw_pair)
        else:
            message = "only one of latitude and longitude given; both dropped"
            rec.warn("latitude", message, "partial_coordinates")
            return None, None
    except ValueError as error:
        rec.warn("latitude", f"{error}; coordinates dropped", "invalid_coordinates")
        return None, None
    if lat == 0.0 and lng == 0.0:
        rec.warn("latitude", "coordinates 0,0 are a placeholder; dropped", "invalid_coordinates")
        return None, None
    return lat, lng


def timezone_value(value: object, rec: RecordProblems) -> str | None:
    """An IANA zone from the feed, or None (absent, or not a zone: warned)."""
    raw = text(value).strip()
    if not raw:
        return None
    if is_timezone(raw):
        return raw
    rec.warn("timezone", f"not an IANA time zone, ignored: {raw!r}", "invalid_timezone")
    return None


def updated_value(value: object, rec: RecordProblems) -> datetime | None:
    """The spec's "YYYY-MM-DD HH:MM:SS" (UTC) or ISO 8601, as an aware UTC datetime."""
    raw = text(value).strip()
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        rec.warn("updated", f"not a date and time, ignored: {raw!r}", "invalid_updated")
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def compose_address(*, address: str, city: str, state: str, postal_code: str, country: str) -> str:
    """A one-line address from parts, in the order Meeting Guide feeds write it:
    "55 Victoria St N, Tweed, ON K0K 3J0, CA"."""
    region = " ".join(part for part in (state, postal_code) if part)
    return ", ".join(part for part in (address, city, region, country) if part)


def has_street_address(*, address: str, formatted_address: str) -> bool:
    """Whether the address names a building or street, not just a town: a street part, or a
    formatted address with four or more parts, or whose first part has a house number or a
    street or building word. "9231 Rumsey Rd, Columbia, MD 21045, USA", "Care Ln, Aztec, NM"
    and "Mayhill Baptist Church, Mayhill, NM" do; "Baltimore, MD, USA" does not."""
    if address:
        return True
    if not formatted_address:
        return False
    parts = formatted_address.split(",")
    if len(parts) >= 4:
        return True
    first = parts[0]
    return bool(_DIGIT.search(first) or _STREET_WORD.search(first))


def contacts_value(record: Mapping[str, object], *, public: bool) -> tuple[Contact, ...]:
    """The spec's contact_1..3 name/email/phone; private unless the source says otherwise."""
    contacts = []
    for number in (1, 2, 3):
        name = line(record.get(f"contact_{number}_name"))
        email = line(record.get(f"contact_{number}_email"))
        phone = normalise_whitespace(text(record.get(f"contact_{number}_phone")))
        if name or email or phone:
            contacts.append(Contact(name=name, email=email, phone=phone, public=public))
    return tuple(contacts)
