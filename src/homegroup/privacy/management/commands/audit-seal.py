from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homegroup.privacy import audit


class Command(BaseCommand):
    help = (
        "Seal the audit rows written since the last seal (run every minute from cron; writers "
        "also seal on their own every few hundred events)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        seal = audit.seal_pending(wait=True)
        if seal is None:
            self.stdout.write("Nothing to seal yet.")
        else:
            self.stdout.write(
                f"Sealed {seal.event_count} events, up to event {seal.last_event_id}."
            )
