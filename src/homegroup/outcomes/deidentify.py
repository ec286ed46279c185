"""The one de-identification function of analytics exports (P2-14, HIPAA Safe Harbor).

45 CFR 164.514(b)(2) removes 18 kinds of identifiers of the person (and of relatives,
employers and household members). `deidentify` works the other way round, which cannot
forget an identifier: it keeps only the columns below, each with its own check (a number, a
year, or a word from a fixed vocabulary), turns any date into its year, and replaces the
person by a participant number drawn afresh for every export — not derived from any id, never
stored, so it cannot be traced back (164.514(c)). No free text can pass: no column takes it.
`tests/outcomes/test_deidentify.py` feeds it a record with all 18 kinds.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

# The 18 Safe Harbor identifier kinds, in the rule's order (164.514(b)(2)(i)(A)-(R)).
SAFE_HARBOR_IDENTIFIERS = (
    "names",
    "geographic subdivisions smaller than a state (street address, city, county, ZIP code)",
    "dates (except year) directly related to the person, and ages over 89",
    "telephone numbers",
    "fax numbers",
    "email addresses",
    "social security numbers",
    "medical record numbers",
    "health plan beneficiary numbers",
    "account numbers",
    "certificate or license numbers",
    "vehicle identifiers and serial numbers, including license plates",
    "device identifiers and serial numbers",
    "web URLs",
    "IP addresses",
    "biometric identifiers, including finger and voice prints",
    "full-face photographs and comparable images",
    "any other unique identifying number, characteristic or code",
)

GROUPS = frozenset({"alcohol", "drugs", "both", "unknown"})
MEDICATIONS = frozenset({"none", "methadone", "buprenorphine", "naltrexone"})
MEETING_BINS = frozenset({"0", "0-1", "1-3", "3+"})


class NotDeidentifiable(ValueError):
    """A value that does not fit its column's check: the export stops rather than pass it."""


def _year(value: Any) -> int:
    if isinstance(value, datetime | date):
        return value.year
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
        return value
    raise NotDeidentifiable("a year column holds something that is not a date or a year")


def _count(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    number = float(value)
    if not math.isfinite(number) or number < 0 or number != int(number):
        raise NotDeidentifiable("a count column holds something that is not a count")
    return int(number)


def _flag(value: Any) -> int:
    if value in (0, 1, True, False):
        return int(value)
    raise NotDeidentifiable("a yes/no column holds something else")


def _rate(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise NotDeidentifiable("a rate column holds something that is not a rate")
    return round(number, 1)


def _score(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    number = float(value)
    if not 0 <= number <= 24:
        raise NotDeidentifiable("a BAM composite is out of its range")
    return number


def _word(vocabulary: frozenset[str]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value in vocabulary:
            return str(value)
        raise NotDeidentifiable("a column holds a word outside its vocabulary")

    return check


# Output column → (input column, check). Nothing else leaves.
COLUMNS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "enrolment_year": ("enrolled_on", _year),
    "diagnosis_group": ("group", _word(GROUPS)),
    "medication": ("medication", _word(MEDICATIONS)),
    "month_in_program": ("months_in_program", _count),
    "meetings_per_week": ("per_week", _rate),
    "meetings_bin": ("meetings_bin", _word(MEETING_BINS)),
    "activities": ("activities", _count),
    "service": ("did_service", _flag),
    "sponsor_contact": ("sponsor_contact", _flag),
    "checked_in_days_next_30": ("next_checked", _count),
    "abstinent_next_30": ("abstinent_next", _flag),
    "baseline_bam_use": ("bam_use", _score),
    "baseline_bam_risk": ("bam_risk", _score),
    "baseline_bam_protective": ("bam_protective", _score),
}
HEADER = ("participant", *COLUMNS)


def deidentify(
    rows: Iterable[Mapping[str, Any]],
    *,
    person_key: str = "person",
    rng: random.Random | None = None,
) -> list[dict[str, Any]]:
    """Rows of a window table → rows a researcher may have. `person_key` names the column that
    tells rows of one person apart; it becomes a participant number (1..N in a random order)."""
    rng = rng or random.SystemRandom()
    listed = list(rows)
    people = sorted({row[person_key] for row in listed}, key=str)
    rng.shuffle(people)
    numbers = {person: number for number, person in enumerate(people, start=1)}
    out = [
        {
            "participant": numbers[row[person_key]],
            **{name: check(row.get(source)) for name, (source, check) in COLUMNS.items()},
        }
        for row in listed
    ]
    out.sort(key=lambda row: (row["participant"], row["month_in_program"]))
    return out
