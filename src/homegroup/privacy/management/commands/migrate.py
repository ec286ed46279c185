"""`homegroup migrate`: Django's migrate, one at a time on PostgreSQL.

Two servers started together (an upgrade rolled onto two machines, `compose up` racing a
systemd restart) would otherwise apply the same migration twice at once. This takes a
PostgreSQL advisory lock for the whole run: the second waits, says so, then finds nothing left
to do. Readers are not blocked by it (docs/operations.md, "Upgrades").
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

# An application-wide number for pg_advisory_lock: "homegroup migrate" as 8 bytes.
MIGRATION_LOCK = int.from_bytes(b"hg-migr8", "big") & 0x7FFF_FFFF_FFFF_FFFF


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " On PostgreSQL, one run at a time (an advisory lock)."

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":  # SQLite: one writer at a time anyway
            super().handle(*args, **options)
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK])
            (locked,) = cursor.fetchone()
            if not locked:
                self.stdout.write("Another `homegroup migrate` is running: waiting for it to end.")
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
        try:
            super().handle(*args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])
