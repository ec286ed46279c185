from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homegroup.audit import anchor, verification


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


class Command(BaseCommand):
    help = (
        "Walk every sealed ledger (the audit log, the disclosure records) from its genesis seal: "
        "check every row's HMAC and every seal, and with an anchor that the chain still holds "
        "every anchored head unchanged. Exits non-zero, naming the first bad row or seal, when "
        "anything was edited, deleted, inserted, copied or reordered, or a row is overdue for "
        "its seal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            default=None,
            help="An anchor file of seal heads (default: HOMEGROUP_AUDIT_ANCHOR when it is a "
            "readable file).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["anchor"]
        if path is None and anchor.readable(settings.HOMEGROUP_AUDIT_ANCHOR):
            path = settings.HOMEGROUP_AUDIT_ANCHOR
        try:
            heads = anchor.read(path) if path else None
        except anchor.AnchorError as error:
            raise CommandError(f"Audit log not verified: {error}.") from None
        result = verification.verify(anchor=heads)
        if not result.ok:
            raise CommandError(f"Audit log FAILED verification at {result.finding}.")
        parts = [
            f"{r.ledger}: {_count(r.rows, 'row')}, {_count(r.seals, 'seal')}, "
            f"{r.unsealed} awaiting the next seal"
            for r in result.ledgers
        ]
        summary = "; ".join(parts)
        if heads is not None:
            matched = sum(r.anchored for r in result.ledgers)
            summary += f"; {matched} anchored heads found unchanged"
        self.stdout.write(f"Audit log OK: {summary}.")
        for ledger in result.ledgers:
            for note in ledger.late:
                self.stdout.write(f"Note: {note} (sealing had stopped, or seals were removed).")
