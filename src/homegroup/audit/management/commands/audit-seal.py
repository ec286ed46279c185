from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from homegroup.audit import actions
from homegroup.audit.anchor import AnchorError


class Command(BaseCommand):
    help = (
        "Seal the rows of every sealed ledger (the audit log, the disclosure records) written "
        "since the last seal, and append each new seal head to HOMEGROUP_AUDIT_ANCHOR. Run it "
        "every HOMEGROUP_AUDIT_SEAL_INTERVAL seconds from cron; writers also seal on their own "
        "every few hundred rows."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = actions.seal_and_anchor(anchor_path=settings.HOMEGROUP_AUDIT_ANCHOR)
        except AnchorError as error:
            raise CommandError(f"Sealing FAILED: {error}.") from None
        for seal in run.sealed:
            self.stdout.write(
                f"Sealed {seal.event_count} {seal.ledger} rows, up to row {seal.last_event_id}."
            )
        if not run.sealed:
            self.stdout.write("Nothing to seal yet.")
        for head in run.anchored:
            self.stdout.write(f"Anchored the {head.ledger} head (seal {head.seal_id}).")
        if run.problems:
            raise CommandError("Sealing FAILED: " + "; ".join(run.problems) + ".")
