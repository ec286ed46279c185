"""The reads behind a program's outcome report: per-person 30-day windows, aggregated in SQL.

Every read here is grouped in the database (a row per person and window, or per person), over
the people the program may count (`privacy.aggregate.people_counted`) and their current
enrolment in the program, so a year of 10,000 people's check-ins never crosses into Python row
by row. The day rules are the journal's, said in SQL:

- a day is *checked in* when its use question was answered (`CheckInQuerySet.use_answered`,
  the days recovery time treats as known);
- a day *reports use* exactly when `journal.recovery.counts_as_use(substances_used(...),
  Scope.ALL)` says so: a substance, or a prescribed medication taken other than prescribed
  unless it is one without misuse potential (naltrexone). Medication taken as prescribed is
  never use. `tests/outcomes/test_windows.py` checks this SQL against the pure rule;
- meetings are the check-ins' `CheckInMeeting` rows (one per meeting attended, as
  `journal.recovery.meetings_between` counts them);
- the 12-step activities are `journal.recovery.ACTIVITIES`, the progress page's list.

Windows are numbered from the UTC date of the enrolment: window k is days 30k to 30k+29.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from django.db import NotSupportedError, connections, router, transaction
from django.db.models import Count, FloatField, Max, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from homegroup.journal import recovery
from homegroup.journal.models import (
    CheckIn,
    CheckInMeeting,
    MeasureResponse,
    MedicationPlan,
    NetworkSnapshot,
    UseStatus,
)
from homegroup.measures import bam
from homegroup.privacy.models import Enrolment, Program

WINDOW_DAYS = 30
# Ids per query: well under SQLite's 32,766 bound parameters, whatever the program's size.
CHUNK = 5_000


def checked_in_q(prefix: str = "") -> Q:
    """A day whose use question was answered: the only days a window's abstinence is about."""
    return ~Q(**{f"{prefix}use_status": ""})


def use_day_q(prefix: str = "") -> Q:
    """The SQL face of `recovery.counts_as_use(recovery.substances_used(...), Scope.ALL)`."""
    misusable = ~Q(
        **{f"{prefix}misused_medication__in": ["", *sorted(recovery.NOT_MISUSABLE_MEDICATIONS)]}
    )
    return Q(**{f"{prefix}use_status": UseStatus.USED}) & (
        ~Q(**{f"{prefix}substances": []}) | misusable
    )


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _frame(rows: list[tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
    return (
        pd.DataFrame.from_records(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    )


@dataclass(frozen=True)
class Reads:
    """What the analysis needs, as data frames (one row per person, window, plan or measure)."""

    enrolments: pd.DataFrame  # person, enrolled_on, diagnosis_group
    # person, window, checked, use_days, service, sponsor, activities, first_use_day,
    # last_checked_day
    windows: pd.DataFrame
    meetings: pd.DataFrame  # person, window, meetings
    plans: pd.DataFrame  # person, medication, active_from, active_to
    bams: pd.DataFrame  # person, taken_on, use, risk, protective
    network: pd.DataFrame  # person, taken_on, abstinent_alcohol, abstinent_drugs, daily


def _where(q: Q, connection: Any) -> tuple[str, list[Any]]:
    """A check-in condition of the ORM as SQL over the unaliased `journal_checkin` table, so
    that the grouped scan below says exactly what `checked_in_q` and `use_day_q` say."""
    query = CheckIn.objects.filter(q).query
    sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    return sql, list(params)


def _windows_sql(
    connection: Any, program_id: int, ids: list[int], as_of: date
) -> tuple[str, list[Any]]:
    """One row per person and window with every count of the window, in one pass over the
    check-ins of `ids` (enrolled in the program, from the UTC date of the enrolment to as_of).

    The enrolments drive the scan (the unique (person, date) index hands each person's days
    over in order, the enrolment's date computed once per person), each day's numbers are
    computed once in the inner query, and the grouping adds up small integers. A day's
    meetings are counted in the index of `CheckInMeeting.check_in`: by a probe per day on
    SQLite; on PostgreSQL, where a probe per day costs more than the rest of the scan, by a
    second grouped join of the meetings to their days, joined to the windows."""
    table = CheckIn._meta.db_table
    meetings = CheckInMeeting._meta.db_table
    checked, checked_params = _where(checked_in_q(), connection)
    used, used_params = _where(use_day_q(), connection)
    flags = {
        name: _where(Q(**{name: True}), connection)
        for name in ("service", "talked_with_sponsor", *recovery.ACTIVITIES)
    }
    activity_sql = " + ".join(f"(CASE WHEN {flags[name][0]} THEN 1 ELSE 0 END)"
                              for name in recovery.ACTIVITIES)  # fmt: skip
    activity_params = [p for name in recovery.ACTIVITIES for p in flags[name][1]]
    if connection.vendor == "sqlite":
        start = "date(enrolled_at)"
        start_day = "julianday(date(enrolled_at))"
        day = f'CAST(julianday("{table}"."date") - e.start_day AS INTEGER)'
        # LIMIT keeps a subquery from being flattened into its outer query: the enrolment's
        # day is then computed once per person, not once per check-in, and the sort behind
        # GROUP BY carries each day's numbers rather than the check-in's columns.
        unflattened = "LIMIT -1"
        probe = True
    elif connection.vendor == "postgresql":
        start = "(enrolled_at AT TIME ZONE 'UTC')::date"
        start_day = start
        day = f'("{table}"."date" - e.start_day)'
        unflattened = ""
        probe = False
    else:  # pragma: no cover - the project runs on these two
        raise NotSupportedError(f"outcome windows on {connection.vendor}")
    placeholders = ", ".join(["%s"] * len(ids))
    enrolled = f"""
        (SELECT person_id, {start} AS start, {start_day} AS start_day
         FROM "{Enrolment._meta.db_table}"
         WHERE program_id = %s AND ended_at IS NULL AND person_id IN ({placeholders})
         {unflattened}) e
        CROSS JOIN "{table}"
    """  # noqa: S608 - table names from the models, values as parameters
    enrolled_where = f"""
        "{table}".person_id = e.person_id
        AND "{table}"."date" >= e.start AND "{table}"."date" <= %s
    """
    enrolled_params = [program_id, *ids, as_of]
    per_day = (
        f'(SELECT COUNT(*) FROM "{meetings}" m WHERE m.check_in_id = "{table}".id)'  # noqa: S608
        if probe
        else "0"
    )
    sql = f"""
        SELECT person, day / {WINDOW_DAYS} AS window, SUM(checked) AS checked,
               SUM(used) AS used, SUM(service) AS service, SUM(sponsor) AS sponsor,
               SUM(activities) AS activities, MIN(CASE WHEN used = 1 THEN day END) AS first_use,
               MAX(CASE WHEN checked = 1 THEN day END) AS last_checked,
               SUM(meetings) AS meetings
        FROM (
            SELECT e.person_id AS person, {day} AS day,
                   CASE WHEN {checked} THEN 1 ELSE 0 END AS checked,
                   CASE WHEN {used} THEN 1 ELSE 0 END AS used,
                   CASE WHEN {flags["service"][0]} THEN 1 ELSE 0 END AS service,
                   CASE WHEN {flags["talked_with_sponsor"][0]} THEN 1 ELSE 0 END AS sponsor,
                   {activity_sql} AS activities,
                   {per_day} AS meetings
            FROM {enrolled}
            WHERE {enrolled_where}
            {unflattened}
        ) days
        GROUP BY person, day / {WINDOW_DAYS}
    """  # noqa: S608 - table names from the models, values as parameters
    params = [*checked_params, *used_params, *flags["service"][1],
              *flags["talked_with_sponsor"][1], *activity_params, *enrolled_params]  # fmt: skip
    if probe:
        return sql, params
    sql = f"""
        WITH days AS ({sql}),
        attended AS (
            SELECT e.person_id AS person, {day} / {WINDOW_DAYS} AS window, COUNT(*) AS meetings
            FROM {enrolled}
            JOIN "{meetings}" m ON m.check_in_id = "{table}".id
            WHERE {enrolled_where}
            GROUP BY 1, 2
        )
        SELECT days.person, days.window, checked, used, service, sponsor, activities,
               first_use, last_checked, COALESCE(attended.meetings, 0)
        FROM days
        LEFT JOIN attended ON attended.person = days.person AND attended.window = days.window
    """  # noqa: S608 - table names from the models, values as parameters
    return sql, [*params, *enrolled_params]


# The grouped scans of the last few reports, by what they read (see `_scanned`).
_SCANS: OrderedDict[tuple[Any, ...], list[tuple[Any, ...]]] = OrderedDict()
_SCANS_LOCK = threading.Lock()
KEPT_SCANS = 4


def _scanned(
    connection: Any,
    program: Program,
    chunk: list[int],
    current: list[tuple[Any, ...]],
    as_of: date,
) -> list[tuple[Any, ...]]:
    """The windows of one chunk of people: the grouped scan, or its rows from an earlier report
    that read the same data (the page and its downloads each build the whole report).

    Kept per process, for the same database, program, day, people and their enrolments, and
    the same check-ins: their number, highest id and latest `updated_at` (every write of a
    day, its meetings included, goes through `journal.actions.record_check_in`, which stamps
    it; a deleted day lowers the number). That costs one pass over the check-ins' rows without
    any arithmetic; a change anywhere in them means a new scan."""
    version = CheckIn.objects.filter(person_id__in=chunk, date__lte=as_of).aggregate(
        count=Count("id"), last=Max("id"), updated=Max("updated_at")
    )
    key = (
        connection.alias,
        connection.settings_dict["NAME"],
        program.pk,
        as_of,
        hashlib.sha256(repr((chunk, sorted(current))).encode()).hexdigest(),
        version["count"],
        version["last"],
        version["updated"],
    )
    with _SCANS_LOCK:
        if key in _SCANS:
            _SCANS.move_to_end(key)
            return _SCANS[key]
    sql, params = _windows_sql(connection, program.pk, chunk, as_of)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner's estimate of this scan is far above its cost: compiling it (JIT)
            # took longer than running it.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    with _SCANS_LOCK:
        _SCANS[key] = rows
        while len(_SCANS) > KEPT_SCANS:
            _SCANS.popitem(last=False)
    return rows


def read(
    *, program: Program, person_ids: Iterable[int], network_ids: Iterable[int], as_of: date
) -> Reads:
    """Every read of one report: five grouped queries per chunk of 5,000 people."""
    ids = sorted(person_ids)
    network_allowed = set(network_ids)
    enrolments, windows, plans, bams, network = ([] for _ in range(5))
    connection = connections[router.db_for_read(CheckIn)]
    for chunk in _chunks(ids):
        current = list(
            Enrolment.objects.current()
            .filter(program=program, person_id__in=chunk)
            .values_list("person_id", "enrolled_at", "diagnosis_group")
        )
        enrolments += current
        windows += _scanned(connection, program, chunk, current, as_of)
        plans += list(
            MedicationPlan.objects.filter(person_id__in=chunk, active_from__lte=as_of).values_list(
                "person_id", "medication", "active_from", "active_to"
            )
        )
        bams += list(
            MeasureResponse.objects.of(bam.ID)
            .filter(person_id__in=chunk, taken_on__lte=as_of)
            .annotate(
                use=Cast(KeyTextTransform("use", "scores"), FloatField()),
                risk=Cast(KeyTextTransform("risk", "scores"), FloatField()),
                protective=Cast(KeyTextTransform("protective", "scores"), FloatField()),
            )
            .values_list("person_id", "taken_on", "use", "risk", "protective")
        )
        allowed = [person for person in chunk if person in network_allowed]
        network += list(
            NetworkSnapshot.objects.filter(person_id__in=allowed, taken_on__lte=as_of)
            .annotate(
                abstinent_alcohol=Cast(
                    KeyTextTransform("percent_abstinent_from_alcohol", "indices"), FloatField()
                ),
                abstinent_drugs=Cast(
                    KeyTextTransform("percent_abstinent_from_drugs", "indices"), FloatField()
                ),
                daily=Cast(KeyTextTransform("daily", "indices"), FloatField()),
            )
            .values_list("person_id", "taken_on", "abstinent_alcohol", "abstinent_drugs", "daily")
        )
    enrolment_frame = _frame(enrolments, ["person", "enrolled_at", "diagnosis_group"])
    # Days as midnight timestamps (UTC, naive), so that the analysis works on whole columns.
    enrolment_frame["enrolled_on"] = (
        pd.to_datetime(enrolment_frame["enrolled_at"], utc=True).dt.tz_convert(None).dt.normalize()
    )
    plan_frame = _frame(plans, ["person", "medication", "active_from", "active_to"])
    bam_frame = _frame(bams, ["person", "taken_on", "use", "risk", "protective"])
    network_frame = _frame(
        network, ["person", "taken_on", "abstinent_alcohol", "abstinent_drugs", "daily"]
    )
    window_frame = _frame(
        windows,
        ["person", "window", "checked", "use_days", "service", "sponsor", "activities",
         "first_use_day", "last_checked_day", "meetings"],
    )  # fmt: skip
    for column in ("first_use_day", "last_checked_day"):
        window_frame[column] = pd.to_numeric(window_frame[column])
    for frame, columns in (
        (plan_frame, ("active_from", "active_to")),
        (bam_frame, ("taken_on",)),
        (network_frame, ("taken_on",)),
    ):
        for column in columns:
            frame[column] = pd.to_datetime(frame[column])
    return Reads(
        enrolments=enrolment_frame.drop(columns=["enrolled_at"]),
        windows=window_frame.drop(columns=["meetings"]),
        meetings=window_frame[["person", "window", "meetings"]],
        plans=plan_frame,
        bams=bam_frame,
        network=network_frame,
    )
