"""A program's outcome report: who may be counted (privacy), the grouped reads (windows), the
numbers (analysis), and the tables, CSV and de-identified export built from them. The page, the
downloads and `homegroup outcomes-report` all come through `build`."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from django.utils import timezone

from homegroup.outcomes import analysis, deidentify, windows
from homegroup.privacy import aggregate, rules
from homegroup.privacy.categories import Category
from homegroup.privacy.models import Program

# What the report reads: the check-in days, meetings and activities, use, medication plans and
# the BAM. The network section also needs the network category, person by person.
CATEGORIES = frozenset(
    {
        Category.CHECK_INS.value,
        Category.MEETINGS_AND_ACTIVITIES.value,
        Category.SUBSTANCE_USE.value,
        Category.MEDICATION.value,
        Category.MEASURES.value,
    }
)
NETWORK_CATEGORIES = CATEGORIES | {Category.NETWORK.value}
TABLES = ("dose_response", "participation", "models", "survival", "network")


@dataclass(frozen=True)
class Built:
    numbers: dict[str, Any]
    pairs: pd.DataFrame


def build(*, program: Program, as_of: date | None = None) -> Built:
    """Every number of one program's report, as of a day (today, UTC, by default)."""
    as_of = as_of or timezone.now().date()
    counted = aggregate.people_counted(
        program=program,
        purpose=rules.OPERATIONS,
        categories_needed=CATEGORIES,
        also=NETWORK_CATEGORIES - CATEGORIES,
    )
    reads = windows.read(
        program=program,
        person_ids=counted.person_ids,
        network_ids=counted.with_also,
        as_of=as_of,
    )
    pairs = analysis.window_pairs(reads, as_of)
    numbers = analysis.report(
        reads,
        as_of=as_of,
        counted=len(counted.person_ids),
        not_counted=counted.not_counted,
        pairs=pairs,
    )
    numbers["program"] = program.name
    numbers["consent"]["network_counted"] = len(counted.with_also)
    return Built(numbers=numbers, pairs=pairs.frame)


def table_rows(numbers: dict[str, Any], table: str) -> list[dict[str, Any]]:
    if table == "models":
        return [{"term": name, **values} for name, values in numbers["models"].items()]
    rows: list[dict[str, Any]] = numbers[table]
    return rows


def to_csv(rows: list[dict[str, Any]], header: tuple[str, ...] | None = None) -> str:
    """Rows as CSV; a suppressed cell (None) is an empty field."""
    out = io.StringIO()
    fields = list(header or (rows[0].keys() if rows else ()))
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def research_export(built: Built) -> str:
    """The de-identified window table (HIPAA Safe Harbor, P2-14) as CSV."""
    # Only the columns that may leave (and the person, to number): the window table has more.
    wanted = ["person", *(source for source, _check in deidentify.COLUMNS.values())]
    records = (
        built.pairs.reindex(columns=wanted).to_dict("records") if not built.pairs.empty else []
    )
    return to_csv(deidentify.deidentify(records), deidentify.HEADER)
