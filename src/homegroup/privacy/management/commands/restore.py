from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homegroup.privacy import backup


class Command(BaseCommand):
    help = (
        "Restore a `homegroup backup` file into an EMPTY database (the configured one, or "
        "--into DATABASE_URL for a drill), then check row counts, sample rows and the sealed "
        "chains of the audit log and the disclosure records. Connects as DATABASE_OWNER_URL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="The backup file to restore.")
        parser.add_argument(
            "--into",
            default=None,
            help="Restore into this database URL instead of the configured one (a drill).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup.restore(input_path=Path(options["input"]), database_url=options["into"])
        except backup.BackupError as error:
            raise CommandError(f"Restore refused: {error}.") from None
        if not report.ok:
            raise CommandError(
                "Restore FAILED its checks: " + "; ".join(report.problems[:20]) + "."
            )
        self.stdout.write(
            f"Restore OK: {report.tables_checked} tables, {report.rows} rows match the backup; "
            f"audit log verified ({report.audit_events} events, {report.audit_seals} seals; "
            f"{report.disclosures} disclosure records)."
        )
