from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from homegroup.outcomes import actions, synthetic
from homegroup.privacy.models import Program


class Command(BaseCommand):
    help = (
        "Add a synthetic cohort (NOT real people: every account is labelled synthetic and cannot "
        "sign in) to an existing program: accounts, enrolments with a diagnosis group, consents "
        "to the program, daily check-ins with meetings and 12-step activities, medication plans, "
        "BAMs and network snapshots, with planted effects on next-month abstinence for testing "
        "the outcome report. The same --seed gives the same cohort."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="The program's name.")
        parser.add_argument("--people", type=int, default=500, help="How many people (500).")
        parser.add_argument(
            "--days", type=int, default=365, help="Days of journal up to yesterday (365)."
        )
        parser.add_argument("--seed", type=int, default=1, help="The random seed (1).")
        parser.add_argument(
            "--effect",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help=(
                "A planted odds ratio, repeatable; keys: "
                + ", ".join(f"{k} (default {v:g})" for k, v in synthetic.DEFAULT_EFFECTS.items())
                + ". attendance_or=1 plants no effect of attendance."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(name=options["program"]).first()
        if program is None:
            raise CommandError(f"No program named {options['program']!r}.")
        try:
            effects = synthetic.parse_effects(options["effect"])
        except synthetic.EffectError as error:
            raise CommandError(str(error)) from None
        progress = (
            Progress(TextColumn("Generating"), BarColumn(), MofNCompleteColumn(), transient=True)
            if self.stdout.isatty()
            else None
        )
        task = progress.add_task("", total=options["people"]) if progress else None

        def report(done: int, total: int) -> None:
            if progress is not None and task is not None:
                progress.update(task, completed=done, total=total)

        try:
            if progress is not None:
                progress.start()
            cohort = actions.generate_cohort(
                program=program,
                people=options["people"],
                days=options["days"],
                seed=options["seed"],
                effects=effects,
                progress=report,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        finally:
            if progress is not None:
                progress.stop()
        self.stdout.write(
            f"{cohort.people} synthetic people (not real people) added to {program.name!r}: "
            f"{cohort.check_ins} check-ins, {cohort.meetings} meetings, seed {options['seed']}, "
            f"planted {actions.effects_summary(effects)}; {cohort.seconds:.1f} s."
        )
