from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homegroup.directory.feeds import build_feed, feed_queryset


class Command(BaseCommand):
    help = (
        "Write the directory's active meetings as a Meeting Guide JSON feed (the same as "
        "GET /api/v1/feeds/meeting-guide.json), to a file or to standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format",
            dest="feed_format",
            choices=["meeting-guide"],
            default="meeting-guide",
            help="The feed format (Meeting Guide JSON, the only one for now).",
        )
        parser.add_argument("--output", help="The file to write (default: standard output).")
        parser.add_argument("--fellowship", help="Only this fellowship's meetings, e.g. AA.")
        parser.add_argument(
            "--region", help="Only meetings in this region (a name or an id) and its sub-regions."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            queryset = feed_queryset(fellowship=options["fellowship"], region=options["region"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        feed = build_feed(queryset)
        text = json.dumps(feed, ensure_ascii=False, indent=1) + "\n"
        if options["output"]:
            try:
                Path(options["output"]).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"cannot write {options['output']}: {error}") from None
            self.stderr.write(f"{len(feed)} meetings written to {options['output']}")
        else:
            self.stdout.write(text, ending="")
