from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from homegroup.encryption.crypto import new_key
from homegroup.encryption.fields import current_key_ring
from homegroup.privacy import actions


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the first key of HOMEGROUP_FIELD_KEYS. Put the "
        "new key first, keep the old ones after it until this has run, then drop them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="Only print a fresh random key to put at the front of HOMEGROUP_FIELD_KEYS.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(new_key())
            return
        ring = current_key_ring()
        for count in actions.rotate_field_keys():
            line = f"{count.column}: {count.rewritten} values re-encrypted"
            if count.unreadable:
                line += f", {count.unreadable} unreadable left as they are (see the error log)"
            self.stdout.write(line)
        self.stdout.write(f"All encrypted fields now use key {ring.current_id!r}.")
