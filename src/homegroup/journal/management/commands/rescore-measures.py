from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homegroup.journal import actions


class Command(BaseCommand):
    help = (
        "Rescore every stored answer of an instrument (bam, aai-core, important-people) under "
        "another version. Stored answers keep their version until this command moves them; an "
        "answer the new version refuses, or an old network snapshot without its answers, keeps "
        "its version and is listed. Each change is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instrument", required=True, help="bam, aai-core or important-people")
        parser.add_argument(
            "--to-version", required=True, help="the version to score under, e.g. 2"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = actions.rescore_measures(
                instrument_id=options["instrument"],
                to_version=options["to_version"],
                dry_run=options["dry_run"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        verb = "would be rescored" if report.dry_run else "rescored"
        self.stdout.write(
            f"{report.instrument} → version {report.to_version}: {report.rescored} {verb}, "
            f"{report.already} already at it, {len(report.kept)} kept at their version."
        )
        for kept in report.kept:
            self.stdout.write(
                f"  kept {kept.object_type} {kept.object_id} at version {kept.version}: "
                f"{kept.reason}"
            )
