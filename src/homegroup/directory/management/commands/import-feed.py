from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from homegroup.directory import actions
from homegroup.directory.feed_files import is_url, read_location
from homegroup.directory.importers import FEED_FORMATS, FeedError, csv_legacy
from homegroup.directory.models import ImportRun
from homegroup.directory.problem_kinds import describe, kind_label
from homegroup.lib.text import printable

PROBLEMS_SHOWN = 20  # problems listed after the summary; -v 2 lists every one

ORIGINS = {
    "feed": "given by the feed",
    "coordinates": "from the coordinates",
    "source_default": "the source's default",
}


def _name(location: str) -> str:
    """How a file is named in problems: the path as given, or a URL's last part."""
    if is_url(location):
        return PurePosixPath(urlsplit(location).path).name or location
    return location


class Command(BaseCommand):
    help = (
        "Import a source's meeting feed (Meeting Guide JSON, a BMLT response, or a delimited "
        "file with --map) as a diff against what the source gave last time: created, updated, "
        "unchanged, removed. Several files of one source make one run. A file that cannot be "
        "read, has unreadable rows, imports nothing, or would remove more of the source's "
        "meetings than its limit changes nothing and exits non-zero with one line saying why."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source", help="The source's short name, e.g. gnyr-na (created on first import)."
        )
        parser.add_argument(
            "locations",
            nargs="+",
            metavar="PATH_OR_URL",
            help="Feed files or http(s) addresses, all of this one source.",
        )
        parser.add_argument(
            "--format",
            dest="feed_format",
            choices=FEED_FORMATS,
            help="The files' format (default: detected from each file).",
        )
        parser.add_argument(
            "--map",
            help="A JSON column and code map (needed for delimited files without headers; kept "
            "on the source for next time: docs/formats.md lists its keys).",
        )
        parser.add_argument("--formats", help="A BMLT GetFormats response: the server's formats.")
        parser.add_argument(
            "--service-bodies", help="A BMLT GetServiceBodies response, to name regions."
        )
        parser.add_argument(
            "--fellowship",
            help="The fellowship of the source's meetings, e.g. AA or NA (kept for next time).",
        )
        parser.add_argument(
            "--timezone",
            help="The source's default IANA time zone, for meetings whose feed and coordinates "
            "give none (kept for next time).",
        )
        parser.add_argument("--name", default="", help="The source's name, when creating it.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Compute and show the diff; change nothing."
        )
        parser.add_argument(
            "--allow-removals",
            action="store_true",
            help="Accept that this import removes more of the source's listed meetings than "
            "its limit (10%% unless set on the source's page): the source really dropped them.",
        )
        parser.add_argument(
            "--skip-unreadable",
            action="store_true",
            help="Import the readable rows of a file that has unreadable ones (by default such "
            "a file is refused: it may be cut short).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            files = [(_name(loc), read_location(loc)) for loc in options["locations"]]
            companions = {
                key: read_location(options[key]) if options[key] else None
                for key in ("map", "formats", "service_bodies")
            }
            the_map = _map_to_keep(companions["map"])
        except FeedError as error:
            raise _failed(str(error)) from None
        dry_run: bool = options["dry_run"]
        try:
            source = actions.ensure_source(
                slug=options["source"],
                name=options["name"],
                feed_format=options["feed_format"] or "",
                default_fellowship=options["fellowship"],
                default_timezone="",
            )
            if dry_run:
                # Nothing is kept: the defaults apply to this run only.
                if options["timezone"] is not None:
                    source.default_timezone = _checked_zone(options["timezone"])
            else:
                actions.configure_source(
                    source=source,
                    default_timezone=options["timezone"],
                    default_fellowship=options["fellowship"],
                    import_map=the_map,
                )
        except ValidationError as error:
            raise CommandError(printable(" ".join(error.messages))) from None

        with self._progress() as progress:
            task = progress.add_task("Applying", total=None) if progress else None

            def report(done: int, total: int) -> None:
                if progress is not None and task is not None:
                    progress.update(task, completed=done, total=total)

            try:
                run = actions.import_feed(
                    source=source,
                    files=files,
                    feed_format=options["feed_format"],
                    source_map=companions["map"],
                    formats=companions["formats"],
                    service_bodies=companions["service_bodies"],
                    fellowship=options["fellowship"],
                    dry_run=dry_run,
                    allow_removals=options["allow_removals"],
                    skip_unreadable=options["skip_unreadable"],
                    progress=report,
                )
            except actions.ImportFailed as error:
                raise _failed(str(error)) from None
        every = int(options["verbosity"]) >= 2
        self.stdout.write(
            render_summary(run, color=self.stdout.isatty(), every_problem=every), ending=""
        )

    def _progress(self) -> Progress | _NoProgress:
        if not self.stdout.isatty():
            return _NoProgress()
        return Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            transient=True,
        )


class _NoProgress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _failed(message: str) -> CommandError:
    # Feed text is in the message: shown, never obeyed by the terminal.
    return CommandError(f"import failed, nothing changed: {printable(message)}")


def _map_to_keep(data: bytes | None) -> dict[str, Any] | None:
    """The map given on the command line, checked, to keep on the source for next time."""
    if data is None:
        return None
    csv_legacy.load_map(data)  # FeedError, in one line, when it is not a usable map
    kept: dict[str, Any] = json.loads(data)
    return kept


def _checked_zone(zone: str) -> str:
    from homegroup.lib.timezones import check_timezone

    try:
        return check_timezone(zone)
    except ValueError as error:
        raise ValidationError({"timezone": str(error)}) from None


def _cell(value: object) -> Text:
    # Rich would read "[link=...]" in feed text as markup: a Text is shown as it is.
    return Text(printable(str(value)))


def render_summary(run: ImportRun, *, color: bool = False, every_problem: bool = False) -> str:
    """The end-of-run table (what changed, what was skipped and why, zones, unknown codes),
    then the problems one per line: the first 20, or all of them with ``every_problem``.
    Everything that comes from the feed is escaped: a feed cannot write to the terminal."""
    title = Text(printable(f"{run.source.slug}: import run {run.pk}"))
    if run.dry_run:
        title.append(" (dry run: nothing saved)")
    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column("What")
    table.add_column("Count", justify="right")
    table.add_column("Details")
    names = ", ".join(PurePosixPath(name).name or name for name in run.files)
    table.add_row("records read", str(run.records), _cell(names))
    for label in ("created", "updated", "unchanged", "removed"):
        table.add_row(label, str(getattr(run, label)), "")
    skipped = Counter(p["reason"] for p in run.problems if p["skipped"])
    table.add_row("skipped", str(run.skipped), "")
    for reason, count in sorted(skipped.items()):
        table.add_row(f"  skipped: {reason}", str(count), _cell(kind_label(reason)))
    warnings = Counter(p["reason"] for p in run.problems if not p["skipped"])
    for reason, count in sorted(warnings.items()):
        table.add_row(f"  warning: {reason}", str(count), _cell(kind_label(reason)))
    for origin, slugs in sorted(run.timezones.items()):
        table.add_row(f"time zone {ORIGINS.get(origin, origin)}", str(len(slugs)), "")
    if run.without_coordinates:
        table.add_row(
            "no coordinates",
            str(len(run.without_coordinates)),
            "to attend in person, but no search near a place finds them: place their pins",
        )
    if run.unknown_codes:
        codes = ", ".join(f"{code} ×{count}" for code, count in run.unknown_codes.items())
        table.add_row("unknown codes (kept)", str(sum(run.unknown_codes.values())), _cell(codes))
    evidence = run.diff.get("evidence", {})
    if evidence.get("added") or evidence.get("removed"):
        table.add_row(
            "MAT evidence from the feed",
            str(evidence.get("added", 0)),
            f"added; {evidence.get('removed', 0)} removed",
        )
    if run.diff.get("mat_levels"):
        table.add_row("MAT levels changed", str(len(run.diff["mat_levels"])), "")
    if run.diff.get("local_edits_kept"):
        table.add_row(
            "local edits kept", str(len(run.diff["local_edits_kept"])), "the feed left them alone"
        )
    if run.diff.get("conflicts"):
        table.add_row(
            "local edits replaced",
            str(len(run.diff["conflicts"])),
            "the feed changed a field a maintainer had edited: see the run's page",
        )
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=110, color_system="standard" if color else None, force_terminal=color
    )
    console.print(table)
    problems = list(run.problems)
    if problems:
        shown = problems if every_problem else problems[:PROBLEMS_SHOWN]
        several = len(run.files) > 1
        heading = (
            "Problems"
            if len(shown) == len(problems)
            else (f"Problems (the first {len(shown)} of {len(problems)}; -v 2 lists every one)")
        )
        console.print(Text(heading, style="bold"))
        for problem in shown:
            console.print(_cell(describe(problem, several_files=several)), soft_wrap=True)
    return buffer.getvalue()
