from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from homegroup.directory import actions


class Command(BaseCommand):
    help = (
        "Fill the directory with a synthetic national-size set of meetings (NOT real meetings: "
        "labelled synthetic on the source, the import run and every meeting) whose weekdays, "
        "start times, durations, type codes and venues follow the real feeds, clustered around "
        "US cities. The same --seed gives the same meetings. For benchmarks and demos."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--meetings", type=int, default=100_000, help="How many meetings (default 100000)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="The random seed: same seed, same meetings."
        )
        parser.add_argument(
            "--source",
            default="synthetic",
            help="The short name of the synthetic source to fill (default: synthetic).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the synthetic source's meetings first (never a real source's).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        progress = (
            Progress(TextColumn("Generating"), BarColumn(), MofNCompleteColumn(), transient=True)
            if self.stdout.isatty()
            else None
        )
        task = progress.add_task("", total=options["meetings"]) if progress else None

        def report(done: int, total: int) -> None:
            if progress is not None and task is not None:
                progress.update(task, completed=done, total=total)

        try:
            if progress is not None:
                progress.start()
            run = actions.bulk_create_synthetic(
                meetings=options["meetings"],
                seed=options["seed"],
                source_slug=options["source"],
                replace_existing=options["replace"],
                progress=report,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        finally:
            if progress is not None:
                progress.stop()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{run.created} synthetic meetings (not real meetings) in source "
            f"{run.source.slug!r}, seed {options['seed']}, in {seconds:.1f} s "
            f"({run.created / seconds:,.0f} meetings/s); import run {run.pk}."
        )
