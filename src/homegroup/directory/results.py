"""What a meeting search answers with: one `Listing` per result (what the page and the API
show of a meeting), made by the search index from memory or by `directory.search` from one
query by primary key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import time as clock_time

from django.utils.translation import gettext_lazy

from homegroup.directory.models import Attendance, MatLevel


@dataclass(frozen=True, slots=True)
class ListedFellowship:
    code: str
    name: str
    medication_inclusive_charter: bool
    charter_reference: str


@dataclass(frozen=True, slots=True)
class ListedEvidence:
    """One piece of counted MAT evidence, as results show it (by kind, never by person)."""

    kind: str
    stance: str
    summary: str
    observed_at: datetime


# What a result says of every meeting's level, unknown included (a missing level would read as
# "not welcoming"); the meeting page explains each one.
MAT_RESULT_LABELS = {
    MatLevel.CONFIRMED_WELCOMING: gettext_lazy("Welcoming to people on medication (confirmed)"),
    MatLevel.REPORTED_WELCOMING: gettext_lazy("Welcoming to people on medication (reported)"),
    MatLevel.UNKNOWN: gettext_lazy("Medication: unknown — no report yet"),
    MatLevel.REPORTED_UNWELCOMING: gettext_lazy(
        "Reported not fully welcoming to people on medication"
    ),
}


def mat_label(level: str) -> str:
    return str(MAT_RESULT_LABELS.get(level, level))  # type: ignore[call-overload]


_ATTENDANCE_LABELS = dict(Attendance.choices)
_MAT_LABELS = dict(MatLevel.choices)


@dataclass(frozen=True, slots=True)
class Listing:
    """A meeting as a search result shows it: the columns the page and the API render, its
    fellowship and its counted MAT evidence (newest first). Read-only; built without model
    instances, whose construction would cost more than the whole search."""

    pk: int
    slug: str
    name: str
    day: int
    start_time: clock_time
    end_time: clock_time
    timezone: str
    type_codes: str
    attendance: str
    location: str
    address: str
    formatted_address: str
    latitude: float | None
    longitude: float | None
    approximate: bool
    conference_url: str
    conference_phone: str
    mat_level: str
    fellowship: ListedFellowship
    counted_evidence: tuple[ListedEvidence, ...]

    @property
    def types(self) -> list[str]:
        return [code for code in self.type_codes.split(",") if code]

    def get_attendance_display(self) -> str:
        return str(_ATTENDANCE_LABELS.get(self.attendance, self.attendance))

    def get_mat_level_display(self) -> str:
        return str(_MAT_LABELS.get(self.mat_level, self.mat_level))
