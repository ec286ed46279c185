from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homegroup.accounts.models import User
from homegroup.audit.models import touched_subjects


def _moment(raw: str, *, end: bool) -> datetime:
    """A date (whole day, UTC) or an ISO date-time (UTC unless it says otherwise)."""
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return datetime.combine(day + timedelta(days=1) if end else day, time.min, tzinfo=UTC)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"{raw!r} is not a date (YYYY-MM-DD) or date-time.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "Breach scoping (P2-12): list whose records one user touched between two moments, "
        "from the audit log, with the number of events and the first and last time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--actor", type=int, required=True, help="The user id to report on.")
        parser.add_argument(
            "--from", dest="start", required=True, help="Start: YYYY-MM-DD or an ISO date-time."
        )
        parser.add_argument(
            "--to", dest="end", required=True, help="End: YYYY-MM-DD (inclusive) or a date-time."
        )
        parser.add_argument(
            "--contacts",
            action="store_true",
            help="Also print each person's email address, to notify them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = _moment(options["start"], end=False)
        end = _moment(options["end"], end=True)
        if start >= end:
            raise CommandError("--from must come before --to.")
        rows = touched_subjects(actor_id=options["actor"], start=start, end=end)
        emails = (
            dict(
                User.objects.filter(pk__in=[r["subject_id"] for r in rows]).values_list(
                    "pk", "email"
                )
            )
            if options["contacts"]
            else {}
        )
        self.stdout.write(
            f"User {options['actor']} touched {len(rows)} people's records between "
            f"{start.isoformat()} and {end.isoformat()}."
        )
        for row in rows:
            contact = f"  {emails.get(row['subject_id'], '(account deleted)')}" if emails else ""
            self.stdout.write(
                f"  person {row['subject_id']}: {row['events']} events, "
                f"{row['first'].isoformat()} to {row['last'].isoformat()}{contact}"
            )
