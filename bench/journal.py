"""The journal's leg: check-in save and the progress page for a person with 3 years of data, and
the cost of one audit row (its id taken first, then its insert: docs/adr/0002-audit-log.md).

    python bench/journal.py --out var/bench/journal-sqlite.json   (DATABASE_URL set by run.py)

Builds one person with a buprenorphine plan and 3 years of daily check-ins through the journal's
actions (the way the product writes them), then times saving a check-in (each save changes the
day, so each one writes and audits) and the progress page over the whole 3 years.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegroup.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from homegroup.accounts import actions as account_actions  # noqa: E402
from homegroup.accounts.models import Role  # noqa: E402
from homegroup.audit import actions as audit  # noqa: E402
from homegroup.journal import actions  # noqa: E402
from homegroup.journal.models import MedicationPlan  # noqa: E402
from stats import median, percentile  # noqa: E402

DAYS = 3 * 365
NOW = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)


def build_person() -> tuple[Any, Any]:
    person = account_actions.create_account(
        email="bench-person@bench.invalid",
        display_name="Bench",
        password="a long bench password 1",
        roles={Role.PERSON_IN_RECOVERY},
    )
    start = NOW.date() - timedelta(days=DAYS)
    actions.update_profile(
        person=person, timezone_name="UTC", recovery_date=start, count_scope="all", now=NOW
    )
    plan = actions.save_medication_plan(
        person=person, medication="buprenorphine", dose="16", active_from=start
    )
    for offset in range(DAYS):
        day = start + timedelta(days=offset)
        values = actions.CheckInValues(
            meetings=(actions.MeetingAttended(name="Home group", attendance="in_person"),)
            if offset % 2 == 0
            else (),
            service=offset % 7 == 0,
            talked_with_sponsor=offset % 3 == 0,
            doses=(actions.DoseReport(plan_id=plan.pk, status="taken"),),
            use_status="none",
            craving=offset % 5,
            mood=3,
        )
        moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=21)
        actions.record_check_in(person=person, day=day, values=values, now=moment)
    return person, plan


def check_in_saves(person: Any, plan: MedicationPlan, *, runs: int) -> dict[str, Any]:
    samples = []
    for run in range(runs):
        values = actions.CheckInValues(
            doses=(actions.DoseReport(plan_id=plan.pk, status="taken"),),
            use_status="none",
            craving=run % 11,  # a real change every time: each save writes and audits
            mood=3,
        )
        started = time.perf_counter()
        actions.record_check_in(person=person, day=NOW.date(), values=values, now=NOW)
        samples.append((time.perf_counter() - started) * 1000)
    return {"runs": runs, "p50_ms": median(samples), "p95_ms": percentile(samples, 0.95)}


def audit_rows(*, runs: int) -> dict[str, Any]:
    """One audit row inside a transaction (the commit is the action's, not the row's)."""

    def one(number: int) -> None:
        audit.record(
            action="journal.read",
            actor_id=1,
            subject_id=2,
            object_type="check_in",
            object_id=number,
        )

    samples = []
    with transaction.atomic():
        for number in range(runs):
            started = time.perf_counter()
            one(number)
            samples.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            one(runs)
    return {
        "runs": runs,
        "p50_ms": median(samples),
        "p95_ms": percentile(samples, 0.95),
        "queries": len(queries),
    }


def progress_page(person: Any, *, runs: int) -> dict[str, Any]:
    client = Client()
    client.force_login(person)
    url = "/journal/progress/?weeks=156"
    assert client.get(url).status_code == 200  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {
        "runs": runs,
        "p50_ms": median(samples),
        "p95_ms": percentile(samples, 0.95),
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    person, plan = build_person()
    built = time.perf_counter() - started
    result = {
        "vendor": connection.vendor,
        "days": DAYS,
        "build_seconds": built,
        "check_in_save": check_in_saves(person, plan, runs=20 if options.quick else 200),
        "progress": progress_page(person, runs=3 if options.quick else 15),
        "audit_row": audit_rows(runs=200 if options.quick else 2000),
    }
    options.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
