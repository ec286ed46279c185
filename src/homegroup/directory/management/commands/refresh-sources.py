from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homegroup.directory import refresh
from homegroup.directory.models import ImportRun, RunState
from homegroup.lib.text import printable


class Command(BaseCommand):
    help = (
        "Import every source that has a URL and a schedule and is due (run it from cron, e.g. "
        "every 15 minutes), and every import a maintainer started from a source's page that "
        "is still waiting. Each import is fetched from the source's URL and follows the same "
        "rules as import-feed (nothing changes when it would remove too many meetings). "
        "With --run ID, runs that one queued import (what the source page starts in the "
        "background). Exits 1 when an import it ran failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--run", type=int, metavar="ID", help="Run this queued import only, then stop."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["run"] is not None:
            run = ImportRun.objects.filter(pk=options["run"]).select_related("source").first()
            if run is None:
                raise CommandError(f"no import run {options['run']}")
            runs = [refresh.run_import(run)]
            self._report(runs[0])
        else:
            runs = refresh.refresh_sources(report=self._report)
            if not runs:
                self.stdout.write("No source is due.")
        failed = [run for run in runs if run.state == RunState.FAILED]
        if failed:
            raise CommandError(f"{len(failed)} of {len(runs)} imports failed, nothing changed")

    def _report(self, run: ImportRun) -> None:
        if run.state == RunState.FAILED:
            line = f"{run.source.slug}: run {run.pk} failed, nothing changed: {run.error}"
        else:
            line = (
                f"{run.source.slug}: run {run.pk}: {run.created} created, {run.updated} "
                f"updated, {run.unchanged} unchanged, {run.removed} removed, {run.skipped} "
                "skipped"
            )
        self.stdout.write(printable(line))
