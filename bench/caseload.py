"""The caseload's leg: `/care/` for a clinician with 200 people, each with a year of daily
check-ins (DESIGN.md: ≤ 150 ms server time, a constant number of queries).

    python bench/caseload.py --out var/bench/caseload-sqlite.json   (DATABASE_URL set by run.py)

The people, their program, care-team places, consents, medication plans, BAMs and networks are
made through the actions (the way the product writes them). The year of check-ins is inserted in
bulk (73,000 days through `record_check_in` would take most of the run and is not what is
measured here): one check-in a day with a meeting every other day, service, sponsor contact and
step work on some days, a buprenorphine dose reported every day (a few missed), and some people
with a reported use, so every column and several alert rules have data. The page is then asked
through the whole middleware stack, first with 20 people and then with 200: the query counts
must be equal.
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402

from homegroup.accounts import actions as account_actions  # noqa: E402
from homegroup.accounts.models import Role  # noqa: E402
from homegroup.audit import actions as audit  # noqa: E402
from homegroup.journal import actions  # noqa: E402
from homegroup.journal.models import CheckIn, CheckInDose, CheckInMeeting  # noqa: E402
from homegroup.measures import bam  # noqa: E402
from homegroup.privacy import actions as privacy_actions  # noqa: E402
from homegroup.privacy import categories  # noqa: E402
from stats import median, percentile  # noqa: E402

PEOPLE = 200
FIRST = 20
DAYS = 365
PASSWORD = "a long bench password 1"


def staff(email: str, roles: set[str]) -> Any:
    return account_actions.create_account(
        email=email, display_name=email.split("@")[0], password=PASSWORD, roles=roles
    )


def build_program() -> tuple[Any, Any, Any]:
    admin = staff("bench-admin@bench.invalid", {Role.PROGRAM_ADMIN})
    clinician = staff("bench-clinician@bench.invalid", {Role.CLINICIAN})
    program = privacy_actions.create_program(name="Bench Program", admin=admin)
    privacy_actions.add_program_member(
        program=program, user=clinician, role="clinician", actor_id=admin.pk
    )
    return program, admin, clinician


def year_of_check_ins(person: Any, plan: Any, number: int, today: Any) -> None:
    start = today - timedelta(days=DAYS - 1)
    now = timezone.now()
    days = []
    for offset in range(DAYS):
        day = start + timedelta(days=offset)
        used = number % 10 == 0 and offset == DAYS - 3
        days.append(
            CheckIn(
                person=person,
                date=day,
                service=offset % 7 == 0,
                talked_with_sponsor=offset % 3 == 0,
                step_work=offset % 5 == 0,
                use_status="used" if used else "none",
                substances=["opioids"] if used else [],
                craving=offset % 5,
                mood=3,
                recorded_at=now,
                updated_at=now,
            )
        )
    CheckIn.objects.bulk_create(days)
    saved = list(CheckIn.objects.filter(person=person).order_by("date"))
    quiet = number % 7 == 0  # some people stopped going to meetings three weeks ago
    CheckInMeeting.objects.bulk_create(
        [
            CheckInMeeting(check_in=day, name="Home group")
            for offset, day in enumerate(saved)
            if offset % 2 == 0 and not (quiet and offset > DAYS - 21)
        ]
    )
    CheckInDose.objects.bulk_create(
        [
            CheckInDose(
                check_in=day,
                plan=plan,
                status="missed" if number % 5 == 0 and offset in (DAYS - 2, DAYS - 4) else "taken",
            )
            for offset, day in enumerate(saved)
        ]
    )


def add_people(program: Any, admin: Any, clinician: Any, first: int, last: int) -> None:
    today = timezone.now().date()
    for number in range(first, last):
        person = account_actions.create_account(
            email=f"bench-person-{number}@bench.invalid",
            display_name=f"Person {number:03d}",
            password=PASSWORD,
            roles={Role.PERSON_IN_RECOVERY},
        )
        actions.update_profile(
            person=person,
            timezone_name="UTC",
            recovery_date=today - timedelta(days=DAYS),
            count_scope="all",
        )
        code = privacy_actions.issue_enrolment_code(program=program, by=admin).code
        privacy_actions.join_program(person=person, code=code)
        place = privacy_actions.assign_clinician(
            program=program, person_id=person.pk, clinician_id=clinician.pk, by=admin
        )
        privacy_actions.confirm_care_team_place(member=place, by=clinician)
        privacy_actions.sign_consent(
            person=person,
            kind="tpo",
            categories_chosen=categories.DEFAULT_FOR_PROGRAM,
            purposes={"treatment"},
            expiry_kind="end_of_treatment",
            expires_on=None,
            password=PASSWORD,
            recipient_program=program,
        )
        plan = actions.save_medication_plan(
            person=person,
            medication="buprenorphine",
            dose="16",
            active_from=today - timedelta(days=DAYS),
        )
        year_of_check_ins(person, plan, number, today)
        answers = {key: 0 for key in bam.INSTRUMENT.keys} | {"14": 4, "2": 20, "3": number % 20}
        for weeks_ago in (8, 1):
            actions.record_measure(
                person=person,
                instrument_id="bam",
                answers=answers,
                taken_on=today - timedelta(weeks=weeks_ago),
            )
        for name, drinking in (("Kim", 0), ("Lee", 5 if number % 4 == 0 else 0)):
            actions.save_network_member(
                person=person,
                name=name,
                relationship="friend",
                contact=5,
                importance=4,
                drinking_status=drinking,
            )


def signed_in(clinician: Any) -> Client:
    client = Client()
    client.force_login(clinician)
    device = account_actions.confirmed_totp_device(clinician) or account_actions.add_totp_device(
        user=clinician
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def caseload_page(client: Client, *, runs: int, people: int) -> dict[str, Any]:
    first = client.get("/care/")  # warm-up: raises the alerts once
    assert first.status_code == 200, first.status_code
    assert first.content.decode().count('class="person"') == people
    samples = []
    cpu = []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get("/care/")
        samples.append((time.perf_counter() - started) * 1000)
        # CPU time of this process (SQLite's work included, PostgreSQL's not): on a shared
        # machine the wall time also holds the time spent waiting for a core.
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    # The audit log seals every 256 rows, whichever request writes the 256th (and a caseload of
    # 200 writes 400 rows a view): the count is of the page's own queries, the seal left out.
    every = audit.SEAL_EVERY
    audit.SEAL_EVERY = 10**12
    try:
        with CaptureQueriesContext(connection) as queries:
            client.get("/care/")
    finally:
        audit.SEAL_EVERY = every
    return {
        "people": people,
        "runs": runs,
        "p50_ms": median(samples),
        "p95_ms": percentile(samples, 0.95),
        "cpu_p50_ms": median(cpu),
        "queries": len(queries),
        "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    # DEBUG=0 serves pages with the hashed static names: the manifest must exist.
    call_command("collectstatic", interactive=False, verbosity=0)
    runs = 5 if options.quick else 20
    started = time.perf_counter()
    program, admin, clinician = build_program()
    add_people(program, admin, clinician, 0, FIRST)
    client = signed_in(clinician)
    few = caseload_page(client, runs=runs, people=FIRST)
    add_people(program, admin, clinician, FIRST, PEOPLE)
    built = time.perf_counter() - started
    many = caseload_page(client, runs=runs, people=PEOPLE)
    result = {
        "vendor": connection.vendor,
        "days": DAYS,
        "build_seconds": built,
        "few": few,
        "many": many,
        "at": datetime.now(UTC).isoformat(),
    }
    options.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
