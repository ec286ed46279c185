"""The outcome report's leg: a program of 10,000 people × 365 days, every report ≤ 10 s, ≤ 1 GB.

    python bench/outcomes.py --phase generate --people 10000 --days 365 --out var/bench/x.json
    python bench/outcomes.py --phase measure --out var/bench/y.json      (DATABASE_URL set)

`generate` migrates the fresh database and adds `homegroup generate-cohort`'s synthetic cohort
to a new program. `measure` runs in a new process (nothing cached, its own memory peak): Pat's
page, the JSON, a CSV table and the de-identified export through the whole middleware stack,
each timed (wall and CPU) with its query count, then `homegroup outcomes-report --format json`
as a child process. The memory figures are the processes' peak resident sizes
(`ru_maxrss`): the measuring process after all four downloads (an upper bound for each), and the
command's own process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
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

from homegroup.accounts import actions as account_actions  # noqa: E402
from homegroup.accounts.models import Role, User  # noqa: E402
from homegroup.outcomes import actions  # noqa: E402
from homegroup.privacy import actions as privacy_actions  # noqa: E402

PROGRAM = "Bench Outcomes Program"
ADMIN = "bench-admin@bench.invalid"
URLS = {
    "page": "/programs/outcomes/",
    "json": "/programs/outcomes/report.json",
    "csv_models": "/programs/outcomes/tables/models.csv",
    "export": "/programs/outcomes/export.csv",
}
BUDGET_SECONDS = 10.0
BUDGET_BYTES = 1024**3


def _peak_bytes(who: int = resource.RUSAGE_SELF) -> int:
    return resource.getrusage(who).ru_maxrss * 1024  # Linux reports KiB


def generate(people: int, days: int, seed: int) -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    # DEBUG is off: pages name content-hashed static files, so the manifest must exist.
    call_command("collectstatic", interactive=False, verbosity=0)
    admin = account_actions.create_account(
        email=ADMIN,
        display_name="Bench admin",
        password="a long bench password 1",
        roles={Role.PROGRAM_ADMIN},
    )
    program = privacy_actions.create_program(name=PROGRAM, admin=admin)
    cohort = actions.generate_cohort(program=program, people=people, days=days, seed=seed)
    if connection.vendor == "postgresql":
        # As autovacuum leaves a table that has settled: statistics, and the visibility map
        # that lets the report count a day's meetings in the index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        "people": cohort.people,
        "days": days,
        "check_ins": cohort.check_ins,
        "meetings": cohort.meetings,
        "generate_seconds": round(cohort.seconds, 1),
        "server_version": connection.vendor + " " + str(connection.Database.sqlite_version)
        if connection.vendor == "sqlite"
        else f"PostgreSQL {connection.pg_version // 10000}",
    }


def _client() -> Client:
    from django_otp import DEVICE_ID_SESSION_KEY

    admin = User.objects.get(email=ADMIN)
    device = account_actions.confirmed_totp_device(admin) or account_actions.add_totp_device(
        user=admin
    )
    client = Client()
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure() -> dict[str, Any]:
    started = time.perf_counter()
    import lifelines  # noqa: F401
    import statsmodels.api  # noqa: F401

    import homegroup.outcomes.views  # noqa: F401

    found: dict[str, Any] = {"imports_seconds": round(time.perf_counter() - started, 2)}
    client = _client()
    for name, url in URLS.items():
        wall, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        found[name] = {
            "status": response.status_code,
            "seconds": round(time.perf_counter() - wall, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),
            "queries": len(captured.captured_queries),
            "bytes": len(response.content),
        }
    found["process_peak_bytes"] = _peak_bytes()
    numbers = json.loads(client.get(URLS["json"]).content)
    found["report"] = {
        key: numbers[key] for key in ("n_people", "n_windows", "n_excluded_windows", "consent")
    }
    found["report"]["attendance_weekly"] = numbers["models"]["attendance_weekly"]
    wall = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "homegroup", "outcomes-report", "--program", PROGRAM],
        capture_output=True,
        check=True,
        env=os.environ,
    )
    found["command"] = {
        "seconds": round(time.perf_counter() - wall, 2),
        "peak_bytes": _peak_bytes(resource.RUSAGE_CHILDREN),
        "bytes": len(completed.stdout),
    }
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phase", choices=("generate", "measure"), required=True)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    options = parser.parse_args()
    if options.phase == "generate":
        result = generate(options.people, options.days, options.seed)
    else:
        result = measure()
    options.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
