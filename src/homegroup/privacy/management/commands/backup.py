from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homegroup.privacy import backup


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the database (SQLite online backup or PostgreSQL pg_dump "
        "custom format, AES-256-GCM under HOMEGROUP_BACKUP_KEY) that `homegroup restore` reads."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, help="The backup file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup.backup(output=Path(options["output"]))
        except backup.BackupError as error:
            raise CommandError(f"Backup failed: {error}.") from None
        self.stdout.write(
            f"Backup written to {report.path} ({report.vendor}, {report.tables} tables, "
            f"{report.rows} rows, {report.size} bytes, encrypted)."
        )
