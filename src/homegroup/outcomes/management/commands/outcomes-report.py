from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string

from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.outcomes import charts, reports
from homegroup.privacy.models import Program


class Command(BaseCommand):
    help = (
        "Print a program's outcome report (the numbers of /programs/outcomes/): only people "
        "whose consent to the program covers health care operations are counted, cells under "
        "11 people are suppressed (null in JSON, empty in CSV). Associations in observational "
        "data, not proof of an effect."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="The program's name.")
        parser.add_argument(
            "--format", choices=("json", "csv", "html"), default="json", help="json (default)."
        )
        parser.add_argument(
            "--table",
            choices=reports.TABLES,
            default="dose_response",
            help="For --format csv: which table (dose_response).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(name=options["program"]).first()
        if program is None:
            raise CommandError(f"No program named {options['program']!r}.")
        built = reports.build(program=program)
        audit.record(
            action=AuditAction.OUTCOMES_REPORT,
            actor_id=None,
            object_type="program",
            object_id=f"{program.pk}:{options['format']}",
        )
        numbers = built.numbers
        if options["format"] == "json":
            self.stdout.write(json.dumps(numbers, indent=2))
        elif options["format"] == "csv":
            self.stdout.write(
                reports.to_csv(reports.table_rows(numbers, options["table"])), ending=""
            )
        else:
            self.stdout.write(
                render_to_string(
                    "outcomes/standalone.html",
                    {"report": numbers, "figures": charts.figures(numbers)},
                )
            )
