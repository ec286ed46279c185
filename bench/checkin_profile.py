"""Where a check-in PUT's CPU goes, in-process, against the load database (run by make load).

    python bench/checkin_profile.py --people var/load/people.tsv --start N --out FILE [--callgrind]

Sends check-in PUTs (each a new person-day, as in the load run) through Django's whole handler
and middleware stack with the test client, and reports: the SQL statements of one check-in; CPU
time per check-in (process time, the minimum over batches of 25: the least disturbed by other
work on the machine); the share of each part (from cProfile with a CPU-time clock); and, run
under callgrind (`--callgrind`, started by bench/load.py as
`valgrind --tool=callgrind --instr-atstart=no`), the instructions per check-in — a count that
other work on a shared machine does not change.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegroup.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# (label, module path fragment, function name): cumulative CPU of each part of a check-in.
PARTS = [
    ("whole request (handler and middleware)", "django/core/handlers/base.py", "get_response"),
    ("session and user (auth middleware)", "django/contrib/auth/__init__.py", "get_user"),
    ("API view (ninja: parse, validate, serialize)", "ninja/operation.py", "run"),
    ("meeting slugs (api._values)", "homegroup/journal/api.py", "_values"),
    ("record_check_in (the action)", "homegroup/journal/actions.py", "record_check_in"),
    ("  the person's today (profile)", "homegroup/journal/actions.py", "_today"),
    ("  meetings validated", "homegroup/journal/actions.py", "_clean_meetings"),
    ("  audit row", "homegroup/journal/actions.py", "_audit"),
    ("answer (api._out)", "homegroup/journal/api.py", "_out"),
]


class CheckIns:
    def __init__(self, people_file: Path, start: int) -> None:
        lines = people_file.read_text().splitlines()
        self.header = dict(part.split("=", 1) for part in lines[0].lstrip("#").split("\t"))
        self.people = [line.split("\t") for line in lines[1:]]
        self.index = start
        self.client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        self.yesterday = date.today() - timedelta(days=1)

    def put(self) -> None:
        person, session, csrf = self.people[self.index % len(self.people)]
        day = self.yesterday - timedelta(days=self.index // len(self.people))
        self.client.cookies[self.header["session_cookie"]] = session
        self.client.cookies[self.header["csrf_cookie"]] = csrf
        body = {
            "meetings": [{"meeting": self.header["meeting"]}],
            "service": True,
            "use": "none",
            "mood": 4,
            "note": f"load-{person}-{self.index} profile run",
        }
        self.index += 1
        response = self.client.put(
            f"/api/v1/me/checkins/{day}",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_X_CSRFTOKEN=csrf,
        )
        if response.status_code != 200:
            raise SystemExit(f"check-in answered {response.status_code}: {response.content!r}")


def _statement(sql: str) -> str:
    """'SELECT django_session', 'INSERT journal_checkin', 'BEGIN': what a statement touches."""
    verb = sql.split(" ", 1)[0]
    table = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql)
    return f"{verb} {table.group(1)}" if table else verb


def _cumulative(stats: pstats.Stats, fragment: str, name: str) -> float:
    found = [
        row[3]
        for (path, _line, function), row in stats.stats.items()  # type: ignore[attr-defined]
        if function == name and path.endswith(fragment)
    ]
    return max(found, default=0.0)


def profile(check_ins: CheckIns, *, count: int) -> dict[str, Any]:
    for _ in range(10):
        check_ins.put()  # warm: imports, caches, the connection
    with CaptureQueriesContext(connection) as queries:
        check_ins.put()
    # Now: the next request's start empties the query log this reads.
    statements = [_statement(query["sql"]) for query in queries.captured_queries]
    batches = []
    for _ in range(max(count // 25, 1)):
        started = time.process_time()
        for _ in range(25):
            check_ins.put()
        batches.append((time.process_time() - started) * 1000 / 25)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(100):
        check_ins.put()
    profiler.disable()
    stats = pstats.Stats(profiler)
    whole = _cumulative(stats, *PARTS[0][1:])
    return {
        "statements": statements,
        "statement_count": len(statements),
        "cpu_ms_min": min(batches),
        "cpu_ms_median": sorted(batches)[len(batches) // 2],
        "shares": {label: _cumulative(stats, *where) / whole for label, *where in PARTS},
    }


def callgrind(check_ins: CheckIns, *, count: int) -> None:
    for _ in range(10):
        check_ins.put()
    toggle = ["callgrind_control", "-i"]
    subprocess.run([*toggle, "on", str(os.getpid())], capture_output=True, check=True)
    for _ in range(count):
        check_ins.put()
    subprocess.run([*toggle, "off", str(os.getpid())], capture_output=True, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=Path, required=True)
    parser.add_argument("--start", type=int, required=True, help="first request index")
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--callgrind", action="store_true")
    options = parser.parse_args()
    check_ins = CheckIns(options.people, options.start)
    if options.callgrind:
        callgrind(check_ins, count=options.count)
        return
    options.out.write_text(json.dumps(profile(check_ins, count=options.count), indent=1))


if __name__ == "__main__":
    main()
