from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homegroup.journal import actions


class Command(BaseCommand):
    help = (
        "Delete the accounts whose deletion grace period is over, with every row of their "
        "journal. Run it daily (cron). The audit log and disclosure records keep their plain ids."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purged = actions.purge_deleted_accounts()
        self.stdout.write(f"Deleted {len(purged)} account(s) whose grace period was over.")
