from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homegroup.accounts import actions as account_actions
from homegroup.journal import actions


class Command(BaseCommand):
    help = (
        "Delete the accounts whose deletion grace period is over, with every row of their "
        "journal, and the sign-ups never confirmed long after their link expired. Run it daily "
        "(cron). The audit log and disclosure records keep their plain ids."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purged = actions.purge_deleted_accounts()
        self.stdout.write(f"Deleted {len(purged)} account(s) whose grace period was over.")
        unconfirmed = account_actions.purge_unconfirmed_sign_ups()
        self.stdout.write(f"Deleted {len(unconfirmed)} sign-up(s) never confirmed.")
