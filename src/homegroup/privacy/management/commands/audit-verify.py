from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from homegroup.privacy import audit


class Command(BaseCommand):
    help = (
        "Check every audit row's HMAC and every seal. Exits non-zero, naming the first bad row "
        "or seal, when anything was edited, deleted, inserted or reordered."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(f"Audit log FAILED verification at {result.finding}.")
        self.stdout.write(
            f"Audit log OK: {result.events} events, {result.seals} seals, "
            f"{result.unsealed} events awaiting the next seal."
        )
