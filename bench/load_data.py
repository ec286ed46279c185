"""The load runs' data, in-process against the load database (run by bench/load.py and fault.py).

    python bench/load_data.py people --people 200 --out var/load/people.tsv
    python bench/load_data.py verify --acked 'var/load/acked-*' --out var/load/verify.json

`people` creates people in recovery through the accounts action, signs each one in through
Django's real session machinery (the sign-in signal starts the session policy and audits it),
and writes one line per person: id, session key, CSRF secret — what wrk's Lua script sends.

`verify` reads every check-in the server acknowledged (each a 200 answer's JSON body, one per
line, as wrk's Lua script wrote it) and checks that each is in the database exactly as
acknowledged; that no check-in of a load person is half-written (every load request carries
exactly one meeting, so a check-in without exactly one meeting row is half-written); and counts
the rows stored but never acknowledged (answers lost to a fault after the commit).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegroup.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from homegroup.accounts import actions as account_actions  # noqa: E402
from homegroup.accounts.models import Role, User  # noqa: E402
from homegroup.directory.models import Meeting  # noqa: E402
from homegroup.journal.models import CheckIn  # noqa: E402

EMAIL_DOMAIN = "load.invalid"


def make_people(count: int, out: Path) -> None:
    if User.objects.exclude(email__endswith=f"@{EMAIL_DOMAIN}").exists():
        raise SystemExit("refusing: this database holds real accounts (load runs need their own)")
    start = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()
    password = get_random_string(32)  # never printed: the load signs in through sessions
    lines = []
    # A throwaway database: MD5 here only so that 200 sign-ups take a second, not Argon2's 20.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for number in range(start, start + count):
            person = account_actions.create_account(
                email=f"load{number}@{EMAIL_DOMAIN}",
                display_name=f"Load {number}",
                password=password,
                roles={Role.PERSON_IN_RECOVERY},
            )
            client = Client()
            client.force_login(person)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
            lines.append(f"{person.pk}\t{session}\t{csrf}\n")
    meeting = Meeting.objects.order_by("pk").values_list("slug", flat=True).first()
    if meeting is None:
        raise SystemExit("the load needs a meeting in the directory: run generate-directory first")
    header = (
        f"#session_cookie={settings.SESSION_COOKIE_NAME}\tcsrf_cookie={settings.CSRF_COOKIE_NAME}"
        f"\tmeeting={meeting}\n"
    )
    out.write_text(header + "".join(lines))


def verify(pattern: str) -> dict[str, Any]:
    acked: dict[tuple[int, str], dict[str, Any]] = {}
    duplicates = 0
    for path in sorted(glob.glob(pattern)):
        for line in Path(path).read_text().splitlines():
            if not line.strip():
                continue
            body = json.loads(line)
            person = int(body["note"].split()[0].split("-")[1])  # "load-<person>-<n> …"
            key = (person, body["date"])
            duplicates += key in acked
            acked[key] = body
    people = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").values_list("pk", flat=True)
    stored: dict[tuple[int, str], dict[str, Any]] = {}
    rows = (
        CheckIn.objects.filter(person_id__in=people)
        .annotate(meeting_rows=Count("meetings"))
        .only("person_id", "date", "note", "service", "mood", "use_status", "updated_at")
        .iterator(chunk_size=5000)
    )
    half_written = []
    for row in rows:
        stored[(row.person_id, row.date.isoformat())] = {
            "note": row.note,
            "service": row.service,
            "mood": row.mood,
            "use": row.use_status or None,
        }
        if row.meeting_rows != 1:
            half_written.append(f"{row.person_id} {row.date}: {row.meeting_rows} meeting rows")
    missing, different = [], []
    for key, body in acked.items():
        found = stored.get(key)
        if found is None:
            missing.append(f"{key[0]} {key[1]}")
            continue
        wanted = {
            "note": body["note"],
            "service": body["service"],
            "mood": body["mood"],
            "use": body["use"],
        }
        if found != wanted or len(body["meetings"]) != 1:
            different.append(f"{key[0]} {key[1]}: stored {found}, acknowledged {wanted}")
    return {
        "acknowledged": len(acked),
        "acknowledged_twice": duplicates,
        "stored": len(stored),
        "stored_not_acknowledged": len(set(stored) - set(acked)),
        "lost": len(missing),
        "different": len(different),
        "half_written": len(half_written),
        "examples": (missing + different + half_written)[:10],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    people = sub.add_parser("people")
    people.add_argument("--people", type=int, required=True)
    people.add_argument("--out", type=Path, required=True)
    check = sub.add_parser("verify")
    check.add_argument("--acked", required=True, help="glob of the acknowledged-bodies files")
    check.add_argument("--out", type=Path, required=True)
    options = parser.parse_args()
    if options.what == "people":
        make_people(options.people, options.out)
    else:
        options.out.write_text(json.dumps(verify(options.acked), indent=1))


if __name__ == "__main__":
    main()
