"""The shapes every importer produces: canonical meetings, problems, and the result of a run.

Pure data: frozen dataclasses with no Django, so parsers and normalisers are tested without a
database and ``directory.actions.import_feed`` only has to diff and store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Literal

from homegroup.lib.times import crosses_midnight

Severity = Literal["error", "warning"]
Attendance = Literal["in_person", "hybrid", "online", "temporarily_closed", "inactive"]
FeedFormat = Literal["meeting-guide", "bmlt", "csv"]

ATTENDANCE_MODES: tuple[Attendance, ...] = (
    "in_person",
    "hybrid",
    "online",
    "temporarily_closed",
    "inactive",
)
FEED_FORMATS: tuple[FeedFormat, ...] = ("meeting-guide", "bmlt", "csv")
# The most a field may hold, as the directory stores it (directory.models.Meeting): an import
# cuts a longer value and reports it, so no feed can make a 2 MB meeting page or calendar file.
# Notes of every kind are capped at NOTES_MAX: longer than any real note (the longest in the
# sample feeds is about 2,000 characters), short enough that a pasted novel is not published.
NOTES_MAX = 5000
FIELD_LIMITS: dict[str, int] = {
    "name": 300,
    "location": 300,
    "address": 300,
    "city": 120,
    "state": 120,
    "postal_code": 32,
    "country": 64,
    "formatted_address": 500,
    "conference_url": 500,
    "conference_phone": 64,
    "group": 300,
    "district": 200,
    "region": 200,
    "venmo": 100,
    "square": 100,
    "paypal": 200,
    "entity": 200,
    "entity_email": 254,
    "entity_phone": 64,
    "entity_location": 200,
    "entity_url": 500,
    "entity_logo": 500,
    "url": 500,
}
# How exports write "no value" (SQL dumps, spreadsheets, Python and MongoDB exports): a field
# holding exactly one of these is empty. A map's "nulls" replaces them for its source.
DEFAULT_NULLS: frozenset[str] = frozenset(
    ["NULL", "null", "Null", "N/A", "n/a", "#N/A", "(null)", "None", "none", "nil", "NaN"]
)


class FeedError(Exception):
    """The file as a whole cannot be used (not JSON, wrong shape, no usable record).

    The message is one line a maintainer can act on; an import that raises it changes nothing.
    ``refusal`` names a refusal the maintainer may override deliberately ("unreadable": rows
    that cannot be read, "removals": too many of the source's meetings would go); "" otherwise.
    """

    refusal = ""


class UnreadableRows(FeedError):
    """Rows of a delimited or line-by-line file could not be read (the file may be cut short):
    the whole file is refused unless the import says to skip them (``--skip-unreadable``)."""

    refusal = "unreadable"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something an import noticed about one record (or the file, position "file").

    ``skipped`` is true when the record was not imported because of this problem; each skipped
    record has exactly one such problem. ``reason`` is a stable key for counting and filtering
    ("unpublished", "invalid_time", "unknown_code", …); ``message`` is for people.
    """

    position: str
    message: str
    severity: Severity = "error"
    field: str | None = None
    slug: str | None = None
    reason: str = ""
    skipped: bool = False

    def __str__(self) -> str:
        where = self.position + (f" ({self.slug})" if self.slug else "")
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {self.severity}: {what}{self.message}"


@dataclass(frozen=True, slots=True)
class Contact:
    """A person to contact about a meeting. Private unless the source marks contacts public:
    exports and pages must check ``public`` before showing any of it."""

    name: str = ""
    email: str = ""
    phone: str = ""
    public: bool = False


@dataclass(frozen=True, slots=True)
class CanonicalMeeting:
    """One meeting on one weekday, as every importer produces it and every exporter reads it.

    ``day`` is 0-6 with 0 = Sunday. ``start``/``end`` are local wall-clock times in
    ``timezone`` (None when the feed gave none: the directory fills it from the coordinates or
    the source default). An ``end`` before ``start`` means the meeting crosses midnight.
    ``types`` holds recognised codes of ``fellowship``'s code list (sorted, so an unchanged feed
    gives an equal meeting); ``unknown_codes`` holds the rest as the source wrote them.
    ``regions`` runs from general to specific.
    """

    source_id: str
    slug: str
    name: str
    day: int
    start: time
    end: time
    duration: timedelta
    fellowship: str
    attendance: Attendance
    attendance_reason: str
    timezone: str | None = None
    location: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    formatted_address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    approximate: bool = False
    conference_url: str = ""
    conference_url_notes: str = ""
    conference_phone: str = ""
    conference_phone_notes: str = ""
    types: tuple[str, ...] = ()
    unknown_codes: tuple[str, ...] = ()
    group: str = ""
    group_notes: str = ""
    group_code: str = ""
    district: str = ""
    regions: tuple[str, ...] = ()
    notes: str = ""
    location_notes: str = ""
    contacts: tuple[Contact, ...] = ()
    venmo: str = ""
    square: str = ""
    paypal: str = ""
    entity: str = ""
    entity_email: str = ""
    entity_phone: str = ""
    entity_location: str = ""
    entity_url: str = ""
    entity_logo: str = ""
    updated: datetime | None = None
    url: str = ""
    position: str = ""

    @property
    def crosses_midnight(self) -> bool:
        return crosses_midnight(start=self.start, end=self.end)


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What a source tells the importer beyond the file itself.

    ``fellowship`` defaults per format (AA for Meeting Guide and CSV, NA for BMLT).
    ``code_map`` maps a source's own codes to canonical ones (several, or none to drop one on
    purpose); ``default_duration`` is used when a record has neither an end nor a duration
    (None = the format's default: 60 minutes for Meeting Guide, 90 for BMLT).
    ``contacts_public`` is the source's explicit statement that its contacts may be shown.
    ``skip_unreadable`` imports the readable rows of a file with unreadable ones (by default
    such a file is refused: a cut-short file must not pass for the whole source).
    ``nulls`` are the values that mean "nothing" in this source's text fields ("NULL", "N/A"):
    a map can name its own (``"nulls"``), replacing ``DEFAULT_NULLS``.
    """

    fellowship: str | None = None
    code_map: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    default_duration: timedelta | None = None
    contacts_public: bool = False
    skip_unreadable: bool = False
    nulls: frozenset[str] = DEFAULT_NULLS


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Meetings and problems from one file. ``records`` counts the records read (a record with
    a day array gives several meetings; a skipped record gives none)."""

    format: FeedFormat
    records: int
    meetings: tuple[CanonicalMeeting, ...]
    problems: tuple[Problem, ...]

    @property
    def skipped(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if problem.skipped)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if not problem.skipped)

    def skipped_by_reason(self) -> Counter[str]:
        return Counter(problem.reason for problem in self.problems if problem.skipped)

    def warnings_by_reason(self) -> Counter[str]:
        return Counter(problem.reason for problem in self.problems if not problem.skipped)
