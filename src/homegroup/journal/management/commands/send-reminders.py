from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from homegroup.journal import actions


class Command(BaseCommand):
    help = (
        "Email the check-in reminders people asked for: to each person whose chosen time has "
        "come in their own time zone and whose day has no check-in yet, at most once a day, with "
        "nothing in the email but a link to the site. Run it every few minutes (cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            required=True,
            help="The site's address the email links to, e.g. https://homegroup.example.org",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = actions.send_reminders(base_url=options["base_url"])
        self.stdout.write(f"Sent {sent} reminder(s).")
