"""Field-level cleaning shared by every importer: text, URLs, phones, coordinates, addresses.

Each helper takes what a feed put in a field (any JSON type, or text from a delimited file) and
returns a clean value, reporting what it had to change or drop through the record's
``RecordProblems``. A helper never skips a record; normalisers decide that with ``skip``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, NoReturn
from urllib.parse import urlsplit

from homegroup.directory.importers.canonical import (
    DEFAULT_NULLS,
    FIELD_LIMITS,
    NOTES_MAX,
    Contact,
    Problem,
    Severity,
)
from homegroup.lib.geo import parse_coordinate, parse_coordinates
from homegroup.lib.text import single_line, strip_html
from homegroup.lib.timezones import is_timezone

SLUG_MAX: Final = 64  # the Meeting Guide spec's limit for a slug
_URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Characters no real web address has unencoded, which would break out of an attribute, a
# header or a line of a feed if republished as they are.
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f\"'<>\\^`{|}]")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.IGNORECASE)
_IPV4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
# Bidirectional embeddings, overrides and isolates: they can make a name read differently from
# what it is ("Trojan Source"); no meeting listing needs them. Marks (LRM, RLM) are kept.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# A value shown inside a problem message is cut to this: a 2 MB field must not make a 2 MB report.
SHOWN_MAX: Final = 80
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


def shown(value: object) -> str:
    """A feed value as a problem message quotes it: its repr, cut to ``SHOWN_MAX``."""
    quoted = repr(value)
    return quoted if len(quoted) <= SHOWN_MAX else quoted[: SHOWN_MAX - 1] + "…"


def is_text_like(value: object) -> bool:
    """Whether a value can stand for text: a scalar, or a list of scalars (joined). An object
    (or a list holding one) is structured data put in the wrong field."""
    if isinstance(value, dict):
        return False
    if isinstance(value, list):
        return all(not isinstance(item, dict | list) for item in value)
    return True


def text(value: object) -> str:
    """Any scalar a feed put in a text field, as a string ("" for null, lists joined). An
    object is never turned into its Python repr: it is "" (``Fields`` reports it)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, list) and is_text_like(value):
        return ", ".join(text(item) for item in value if text(item))
    return ""


def line(value: object) -> str:
    """One line of plain text (names, places, address parts)."""
    raw = text(value)
    return single_line(raw) if raw else ""


def paragraph(value: object) -> str:
    """Plain text that keeps its line breaks (notes); HTML stripped, entities unescaped."""
    raw = text(value)
    return strip_html(raw) if raw else ""


def short_slug(value: str) -> str:
    """A URL-safe value cut to the spec's 64 characters; a longer one keeps its start and ends
    with a hash of the whole, so that two long values never share a short one."""
    if len(value) <= SLUG_MAX:
        return value
    digest = hashlib.sha256(value.encode()).hexdigest()[:10]
    return f"{value[: SLUG_MAX - 11].rstrip('-')}-{digest}"


def slug_value(value: object, rec: RecordProblems, field: str = "slug") -> str:
    """The public slug for a source's id: the id itself when it is URL-safe and at most 64
    characters (integer slugs, which real feeds have, become their digits); a longer URL-safe
    id is shortened with a hash (its full value stays the meeting's id at its source); other
    text is slugified, with a warning."""
    raw = text(value).strip()
    if _URL_SAFE.fullmatch(raw):
        slug = short_slug(raw)
        if slug != raw:
            message = (
                f"the id is {len(raw)} characters, longer than a slug's 64; published as {slug!r}"
            )
            rec.warn(field, message, "long_slug")
        return slug
    slug = short_slug(_NOT_SLUG.sub("-", raw.lower()).strip("-"))
    if slug:
        rec.warn(field, f"slug {shown(raw)} is not URL-safe; using {slug!r}", "slug_rewritten")
    return slug


def web_address(raw: str) -> str | None:
    """``raw`` when it is a well-formed http(s) address a page can link to safely: a host name
    with a dot or an IP address, no user name, no whitespace, quotes, angle brackets or control
    characters, at most 500 characters. None otherwise."""
    if len(raw) > FIELD_LIMITS["url"] or _URL_FORBIDDEN.search(raw):
        return None
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not host or "@" in parts.netloc:
        return None
    if host.startswith("[") or ":" in host or _IPV4.fullmatch(host):
        return raw  # an IP literal; urlsplit has checked an IPv6 one
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_host.rstrip(".").split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return None
    return raw


def url_value(value: object, field: str, rec: RecordProblems) -> str:
    """An http(s) URL or "". A bare domain ("example.org/x") gets https:// with a warning;
    anything else (other schemes: a javascript: link must never become a button; newlines or
    quotes that would break out of a page or a feed) is dropped with a warning."""
    raw = text(value).strip()
    if not raw:
        return ""
    if raw.lower().startswith(("https://", "http://")):
        if web_address(raw) is not None:
            return raw
    elif _DOMAIN_LIKE.fullmatch(raw) and web_address("https://" + raw) is not None:
        rec.warn(field, f"{shown(raw)} has no scheme; assumed https://", "url_scheme_added")
        return "https://" + raw
    rec.warn(field, f"not a web address, dropped: {shown(raw)}", "invalid_url")
    return ""


def phone_value(value: object, field: str, rec: RecordProblems) -> str:
    """A dialable conference phone: digits and ``+ , * #`` only, as the spec writes it
    ("+13017158592,,84629018704#"). Fewer than 7 digits cannot be dialled: dropped, warned."""
    raw = text(value).strip()
    if not raw:
        return ""
    phone = _PHONE_KEEP.sub("", raw)
    if sum(char.isdigit() for char in phone) < 7:
        rec.warn(field, f"not a phone number, dropped: {shown(raw)}", "invalid_phone")
        return ""
    if len(phone) > FIELD_LIMITS["conference_phone"]:
        rec.warn(field, f"longer than a phone number can be, dropped: {shown(raw)}", "too_long")
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
    rec.warn(field, f"not yes or no, ignored: {shown(value)}", "invalid_flag")
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
    rec.warn("timezone", f"not an IANA time zone, ignored: {shown(raw)}", "invalid_timezone")
    return None


# What spreadsheets and Windows exports write ("8/25/2022 11:17:07 AM"): month first, as US
# exports do; a first number above 12 can only be a day.
_SLASHED_FORMATS: Final[tuple[str, ...]] = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
)


def _slashed_date(raw: str) -> datetime | None:
    first = raw.split("/", 1)[0]
    formats: tuple[str, ...] = _SLASHED_FORMATS
    if first.isdigit() and int(first) > 12:
        formats = tuple(f.replace("%m/%d", "%d/%m") for f in _SLASHED_FORMATS)
    for form in formats:
        try:
            return datetime.strptime(raw, form)
        except ValueError:
            continue
    return None


def updated_value(value: object, rec: RecordProblems) -> datetime | None:
    """The spec's "YYYY-MM-DD HH:MM:SS" (UTC), ISO 8601, or a spreadsheet's "8/25/2022
    11:17:07 AM", as an aware UTC datetime."""
    raw = text(value).strip()
    if not raw:
        return None
    try:
        parsed: datetime | None = datetime.fromisoformat(raw)
    except ValueError:
        parsed = _slashed_date(" ".join(raw.split())) if "/" in raw else None
    if parsed is None:
        rec.warn("updated", f"not a date and time, ignored: {shown(raw)}", "invalid_updated")
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def compose_address(*, address: str, city: str, state: str, postal_code: str, country: str) -> str:
    """A one-line address from parts, in the order Meeting Guide feeds write it:
    "55 Victoria St N, Tweed, ON K0K 3J0, CA"."""
    region = " ".join(part for part in (state, postal_code) if part)
    return ", ".join(part for part in (address, city, region, country) if part)


def _names_a_street(part: str) -> bool:
    return bool(_DIGIT.search(part) or _STREET_WORD.search(part))


def has_street_address(*, address: str, formatted_address: str, city: str = "") -> bool:
    """Whether the address names a building or street, not just a town.

    A street part does, unless it is only a town: the city itself, or several comma-separated
    parts of which the first has no house number and no street or building word ("Edmonton,
    Alberta, Canada" typed into the street field next to a video link). Without a street part,
    a formatted address does when it has four or more parts, or its first part has a house
    number or a street or building word. "9231 Rumsey Rd, Columbia, MD 21045, USA", "Care Ln,
    Aztec, NM" and "Mayhill Baptist Church, Mayhill, NM" do; "Baltimore, MD, USA" does not."""
    if address:
        if city and address.casefold() == city.casefold():
            return False
        first, comma, _rest = address.partition(",")
        return not comma or _names_a_street(first)
    if not formatted_address:
        return False
    parts = formatted_address.split(",")
    if len(parts) >= 4:
        return True
    return _names_a_street(parts[0])


def contacts_value(values: Fields, *, public: bool) -> tuple[Contact, ...]:
    """The spec's contact_1..3 name/email/phone; private unless the source says otherwise."""
    contacts = []
    for number in (1, 2, 3):
        name = values.line(f"contact_{number}_name", limit=CONTACT_MAX)
        email = values.line(f"contact_{number}_email", limit=CONTACT_MAX)
        phone = values.line(f"contact_{number}_phone", limit=CONTACT_MAX)
        if name or email or phone:
            contacts.append(Contact(name=name, email=email, phone=phone, public=public))
    return tuple(contacts)


CONTACT_MAX: Final = 200
_NULL_MAX: Final = max(len(token) for token in DEFAULT_NULLS)


class Fields:
    """One record's fields as clean values, reporting through ``rec`` what had to change.

    Every importer reads text through here, so every feed gets the same rules: a source's null
    tokens ("NULL", "N/A") are empty; an object where text belongs is reported, never
    turned into its Python repr; bidirectional override characters are removed; each field is
    cut to what the directory stores (``FIELD_LIMITS``; notes to ``NOTES_MAX``), and what was
    cut is reported.
    """

    __slots__ = ("null_max", "nulls", "rec", "record")

    def __init__(
        self,
        record: Mapping[str, object],
        rec: RecordProblems,
        nulls: frozenset[str] = DEFAULT_NULLS,
    ) -> None:
        self.record = record
        self.rec = rec
        self.nulls = nulls
        self.null_max = (
            _NULL_MAX if nulls is DEFAULT_NULLS else max((len(n) for n in nulls), default=0)
        )

    def raw(self, name: str) -> object:
        """The value as the feed wrote it; None for a missing field or a null token."""
        value = self.record.get(name)
        if isinstance(value, str) and len(value) <= self.null_max and value.strip() in self.nulls:
            return None
        return value

    def text(self, name: str) -> str:
        """The field as text, unprocessed ("" for an object, reported)."""
        value = self.record.get(name)
        # The common case first, cheaply: a feed's text is text (this runs ~30 times a record).
        if type(value) is str:
            if len(value) <= self.null_max and value.strip() in self.nulls:
                return ""
            return value
        if value is None:
            return ""
        if not is_text_like(value):
            kind = "an object" if isinstance(value, dict) else "a list of objects"
            self.rec.warn(name, f"{kind} where text belongs, ignored: {shown(value)}", "not_text")
            return ""
        return text(value)

    def line(self, name: str, *, limit: int | None = None) -> str:
        """One line of plain text (names, places, address parts)."""
        raw = self.text(name)
        if not raw:
            return ""
        cap = limit or FIELD_LIMITS.get(name, NOTES_MAX)
        # Bound the cleaning work on a huge value before it is cut for good below.
        value = single_line(raw if len(raw) <= cap else raw[: cap * 8])
        if len(raw) > cap or not value.isascii():
            return self._finish(name, value, cap, len(raw))
        return value

    def paragraph(self, name: str, *, limit: int = NOTES_MAX) -> str:
        """Plain text that keeps its line breaks (notes); HTML stripped, entities unescaped."""
        raw = self.text(name)
        if not raw:
            return ""
        value = strip_html(raw if len(raw) <= limit else raw[: limit * 8])
        if len(raw) > limit or not value.isascii():
            return self._finish(name, value, limit, len(raw))
        return value

    def _finish(self, name: str, value: str, cap: int, raw_length: int) -> str:
        if _BIDI_CONTROLS.search(value):
            value = _BIDI_CONTROLS.sub("", value)
            message = "text-direction override characters removed"
            self.rec.warn(name, message, "bidi_controls")
        if len(value) > cap or raw_length > cap * 8:
            message = f"cut to {cap:,} characters (it had {raw_length:,})"
            self.rec.warn(name, message, "too_long")
            value = value[:cap].rstrip()
        return value

    def url(self, name: str) -> str:
        return url_value(self.text(name), name, self.rec)

    def phone(self, name: str) -> str:
        return phone_value(self.text(name), name, self.rec)
