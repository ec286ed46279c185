"""`import_feed`: every file of one source parsed, checked and kept as one `ImportRun`; the
refusals that change nothing but the kept run. Applying the diff is `applying.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from homegroup.audit import actions as audit
from homegroup.audit.models import Outcome
from homegroup.audit.vocabulary import AuditAction
from homegroup.directory import version
from homegroup.directory.actions.applying import _Applied, _apply, _Parsed, _problem_dict
from homegroup.directory.actions.meetings import fingerprint, source_key_for
from homegroup.directory.importers import (
    FeedError,
    FeedFormat,
    ImportOptions,
    Problem,
    bmlt,
    csv_legacy,
    load_feed,
)
from homegroup.directory.importers.canonical import CanonicalMeeting
from homegroup.directory.importers.codes import normalise_code_map
from homegroup.directory.models import (
    ImportRun,
    Meeting,
    RunState,
    Source,
)
from homegroup.lib.timezones import resolve_timezone

# Bigger than any real feed (GNYR's 1,555 meetings are 1.6 MB); a bigger file is a mistake.
MAX_FEED_BYTES = 64 * 1024 * 1024


class ImportFailed(FeedError):
    """A file could not be used: nothing changed; ``run`` is the kept record of the attempt.
    ``refusal`` says when a maintainer may accept it deliberately ("removals", "unreadable")."""

    def __init__(self, message: str, run: ImportRun, refusal: str = "") -> None:
        super().__init__(message)
        self.run = run
        self.refusal = refusal


REFUSED_REMOVALS = "removals"


class _RolledBack(Exception):
    """Leaves a dry run's savepoint, taking what it computed along."""

    def __init__(self, applied: _Applied) -> None:
        super().__init__("dry run")
        self.applied = applied


def _read_companion(kind: str, data: bytes | None, reader: Callable[[bytes], Any]) -> Any:
    if data is None:
        return None
    try:
        return reader(data)
    except (FeedError, ValueError, RecursionError) as error:
        raise FeedError(f"{kind}: {error}") from None


def _source_map(source: Source, given: bytes | None) -> csv_legacy.SourceMap | None:
    """The map given for this run, else the one the source kept from an earlier run."""
    if given is not None:
        return _read_companion("--map", given, csv_legacy.load_map)  # type: ignore[no-any-return]
    if not source.import_map:
        return None
    try:
        return csv_legacy.map_from_dict(source.import_map)
    except FeedError as error:
        raise FeedError(f"the source's kept map: {error}") from None


def _parse_files(
    *,
    source: Source,
    files: Sequence[tuple[str, bytes]],
    feed_format: FeedFormat | None,
    source_map: bytes | None,
    formats: bytes | None,
    service_bodies: bytes | None,
    fellowship: str | None,
    skip_unreadable: bool,
) -> _Parsed:
    """Parse, normalise and resolve time zones (pure but for the source's settings);
    FeedError names the file that cannot be used."""
    if not files:
        raise FeedError("no files to import")
    the_map = _source_map(source, source_map)
    table = _read_companion("--formats", formats, bmlt.parse_formats)
    bodies = _read_companion("--service-bodies", service_bodies, bmlt.parse_service_bodies)
    try:
        code_map = normalise_code_map(source.code_map or {})
    except ValueError as error:
        raise FeedError(f"the source's code map: {error}") from None
    if fellowship is None and source.default_fellowship_id:
        fellowship = source.default_fellowship.code  # type: ignore[union-attr]
    options = ImportOptions(
        fellowship=fellowship,
        code_map=code_map,
        contacts_public=source.contacts_public,
        skip_unreadable=skip_unreadable,
    )
    chosen: list[str] = []
    records = 0
    problems: list[dict[str, Any]] = []
    by_key: dict[str, tuple[CanonicalMeeting, str, str]] = {}  # key → (meeting, file, fp)
    for name, data in files:
        if len(data) > MAX_FEED_BYTES:
            raise FeedError(
                f"{name}: {len(data):,} bytes, more than the {MAX_FEED_BYTES:,} a feed may have"
            )
        try:
            result = load_feed(
                data,
                feed_format=feed_format,
                options=options,
                formats=table,
                service_bodies=bodies,
                source_map=the_map,
            )
        except FeedError as error:
            failure = type(error)(f"{name}: {error}")
            raise failure from None
        except RecursionError:
            raise FeedError(f"{name}: nested too deeply to be a meeting feed") from None
        if result.format not in chosen:
            chosen.append(result.format)
        records += result.records
        problems.extend(_problem_dict(problem, file=name) for problem in result.problems)
        for meeting in result.meetings:
            key = source_key_for(meeting)
            seen = by_key.get(key)
            if seen is None:
                by_key[key] = (meeting, name, fingerprint(meeting))
                continue
            # Several files of one source may overlap (a day file and a week file): the same
            # meeting counts once; the same id with other content is the source's mistake.
            same = seen[2] == fingerprint(meeting)
            message = (
                f"also in {seen[1]} ({seen[0].position}); counted once"
                if same
                else f"same id {meeting.source_id[:80]!r} as in {seen[1]} ({seen[0].position}) "
                "with other content; the first is kept"
            )
            problems.append(
                _problem_dict(
                    Problem(
                        meeting.position,
                        message,
                        "warning" if same else "error",
                        "id",
                        meeting.slug,
                        "repeated_in_files" if same else "duplicate_id",
                        skipped=not same,
                    ),
                    file=name,
                )
            )
    meetings, zone_problems, timezones = _resolve_zones(
        [(meeting, file) for meeting, file, _fp in by_key.values()], source=source
    )
    problems.extend(zone_problems)
    unknown = Counter(code for meeting, _how in meetings for code in meeting.unknown_codes)
    return _Parsed(
        formats=tuple(chosen),
        records=records,
        meetings=tuple(meetings),
        files={key: file for key, (_meeting, file, _fp) in by_key.items()},
        problems=tuple(problems),
        timezones=timezones,
        unknown_codes=dict(unknown.most_common()),
        without_coordinates=[
            meeting.slug
            for meeting, _how in meetings
            if meeting.latitude is None and meeting.attendance != "online"
        ],
    )


def _resolve_zones(
    found: Sequence[tuple[CanonicalMeeting, str]], *, source: Source
) -> tuple[list[tuple[CanonicalMeeting, str]], list[dict[str, Any]], dict[str, list[str]]]:
    """Give every meeting its zone: the feed's, else the coordinates', else the source's
    default. A meeting with none is skipped and reported; every other one is listed under how
    it got its zone, so no zone is ever guessed silently."""
    default = source.default_timezone or None
    at_point: dict[tuple[float, float], tuple[str | None, str]] = {}
    meetings: list[tuple[CanonicalMeeting, str]] = []
    problems: list[dict[str, Any]] = []
    timezones: dict[str, list[str]] = {}
    for meeting, file in found:
        if (
            meeting.timezone is None
            and meeting.latitude is not None
            and meeting.longitude is not None
        ):
            # Many meetings share a venue: look each point up once.
            point = (meeting.latitude, meeting.longitude)
            if point not in at_point:
                at_point[point] = resolve_timezone(
                    tz=None, latitude=point[0], longitude=point[1], default=default
                )
            zone, how = at_point[point]
        else:
            try:
                zone, how = resolve_timezone(
                    tz=meeting.timezone,
                    latitude=meeting.latitude,
                    longitude=meeting.longitude,
                    default=default,
                )
            except ValueError as error:
                raise FeedError(f"the source's default time zone: {error}") from None
        if zone is None:
            problems.append(
                _problem_dict(
                    Problem(
                        meeting.position,
                        "no time zone: none in the feed, no coordinates on land, and the "
                        "source has no default (set one with --timezone)",
                        "error",
                        "timezone",
                        meeting.slug,
                        "no_timezone",
                        skipped=True,
                    ),
                    file=file,
                )
            )
            continue
        meetings.append((replace(meeting, timezone=zone), how))
        timezones.setdefault(how, []).append(meeting.slug)
    return meetings, problems, timezones


# What to do when every record of a file was skipped for one reason (the message names it).
_NOTHING_IMPORTED_HINTS = {
    "no_timezone": "give the source a default time zone with --timezone (e.g. America/Chicago)",
    "unpublished": "every meeting is unpublished on the server",
    "unreadable_row": "check the map's delimiter and columns (--map)",
    "duplicate_id": "every meeting repeats an id: check which column the map reads as the id",
}


def _nothing_imported(parsed: _Parsed, *, listed: int) -> str:
    """Why a run that read records imported none, and what would fix it."""
    kept = f"; the source's {listed:,} listed meetings are kept" if listed else ""
    if not parsed.records:
        return f"the feed has no meetings{kept}"
    skipped = [problem for problem in parsed.problems if problem["skipped"]]
    if not skipped:
        return f"none of the {parsed.records:,} records gave a meeting{kept}"
    reason, count = Counter(problem["reason"] for problem in skipped).most_common(1)[0]
    first = next(problem for problem in skipped if problem["reason"] == reason)
    fix = _NOTHING_IMPORTED_HINTS.get(reason, "check the file and its map")
    return (
        f"nothing could be imported: {count:,} of the {parsed.records:,} records were skipped "
        f"for {reason} (first: {first['position']}: {first['message']}); {fix}{kept}"
    )


def _removals_refused(
    parsed: _Parsed, *, source: Source, allow_removals: bool
) -> tuple[str, dict[str, int]] | None:
    """The refusal of an import that would remove more than the source's limit of its listed
    meetings: a feed cut short, or one page of a paged feed, must not pass for the source."""
    listed = list(Meeting.objects.active().of_source(source).values_list("source_key", flat=True))
    if not listed or allow_removals:
        return None
    incoming = {source_key_for(meeting) for meeting, _how in parsed.meetings}
    gone = sum(1 for key in listed if key not in incoming)
    if gone * 100 <= source.removal_limit * len(listed):
        return None
    share = gone * 100 // len(listed)
    message = (
        f"this import would remove {gone:,} of the source's {len(listed):,} listed meetings "
        f"({share}%), more than its limit of {source.removal_limit}%: the file may be cut short "
        "or hold only part of the source. If the source really dropped them, import again "
        "allowing removals (--allow-removals)"
    )
    return message, {"would_remove": gone, "listed": len(listed)}


def import_feed(
    *,
    source: Source,
    files: Sequence[tuple[str, bytes]],
    feed_format: FeedFormat | None = None,
    source_map: bytes | None = None,
    formats: bytes | None = None,
    service_bodies: bytes | None = None,
    fellowship: str | None = None,
    dry_run: bool = False,
    allow_removals: bool = False,
    skip_unreadable: bool = False,
    actor_id: int | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    run: ImportRun | None = None,
) -> ImportRun:
    """Import every file of one source in one run, as a diff against what it gave last time.

    Files are parsed first; a file that cannot be used, a run that would import nothing, a
    file with unreadable rows (unless ``skip_unreadable``) or a run that would remove more than
    the source's ``removal_limit`` of its listed meetings (unless ``allow_removals``) raises
    ImportFailed and changes nothing but the kept run, which says why. Then, in one
    transaction: created, updated (which fields), unchanged (not written at all), removed (the
    source's meetings missing from the feed), the MAT evidence the feed states kept in sync,
    and levels refreshed. A maintainer's local edits are kept over the feed until the feed
    changes that field (the diff lists the conflicts). A dry run computes all of it and rolls
    it back. Every run is kept and audited as "directory.import". ``progress(done, total)`` is
    called as meetings are applied. ``run`` is a queued run to fill in (an import started from
    the source's page); by default a new one is made.
    """
    now = now or timezone.now()
    if run is None:
        run = ImportRun(source=source, started_at=now, actor_id=actor_id, dry_run=dry_run)
    run.feed_format = feed_format or ""
    run.files = [name for name, _data in files]
    run.allow_removals = allow_removals
    run.skip_unreadable = skip_unreadable
    try:
        parsed = _parse_files(
            source=source,
            files=files,
            feed_format=feed_format,
            source_map=source_map,
            formats=formats,
            service_bodies=service_bodies,
            fellowship=fellowship,
            skip_unreadable=skip_unreadable,
        )
        if not parsed.meetings:
            listed = Meeting.objects.active().of_source(source).count()
            raise FeedError(_nothing_imported(parsed, listed=listed))
    except FeedError as error:
        fail_run(run, str(error), refusal=error.refusal)
        raise ImportFailed(str(error), run, error.refusal) from None

    run.feed_format = (",".join(parsed.formats) or feed_format or "")[:16]
    refused: tuple[str, dict[str, int]] | None = None
    with transaction.atomic():
        version.lock()
        # One import of a source at a time: the removal check and the diff see the same rows.
        Source.objects.select_for_update().filter(pk=source.pk).first()
        refused = _removals_refused(parsed, source=source, allow_removals=allow_removals)
        if refused is None:
            _store_run(run, parsed, source=source, actor_id=actor_id, now=now, progress=progress)
    if refused is not None:
        message, counts = refused
        # What the file held, so that the run's page shows it beside the refusal.
        run.diff = counts
        run.records = parsed.records
        run.skipped = sum(1 for problem in parsed.problems if problem["skipped"])
        run.problems = list(parsed.problems)
        fail_run(run, message, refusal=REFUSED_REMOVALS)
        raise ImportFailed(message, run, REFUSED_REMOVALS)
    return run


def _store_run(
    run: ImportRun,
    parsed: _Parsed,
    *,
    source: Source,
    actor_id: int | None,
    now: datetime,
    progress: Callable[[int, int], None] | None,
) -> None:
    run.state = RunState.RUNNING
    run.save()
    try:
        with transaction.atomic():
            applied = _apply(
                source=source,
                parsed=parsed,
                run=run,
                actor_id=actor_id,
                now=now,
                progress=progress,
            )
            if run.dry_run:
                raise _RolledBack(applied)
    except _RolledBack as rolled_back:
        applied = rolled_back.applied
    skipped = sum(1 for problem in parsed.problems if problem["skipped"])
    run.records = parsed.records
    run.created = len(applied.created)
    run.updated = len(applied.updated)
    run.unchanged = applied.unchanged
    run.removed = len(applied.removed)
    run.skipped = skipped
    run.problems = [*parsed.problems, *applied.contact_problems]
    run.timezones = parsed.timezones
    run.unknown_codes = parsed.unknown_codes
    run.without_coordinates = parsed.without_coordinates
    run.diff = {
        "created": applied.created,
        "updated": applied.updated,
        "removed": applied.removed,
        "evidence": {"added": applied.evidence_added, "removed": applied.evidence_removed},
        "mat_levels": applied.levels,
        "local_edits_kept": applied.kept_edits,
        "conflicts": applied.conflicts,
    }
    run.refusal = ""
    run.error = ""
    run.state = RunState.FINISHED
    run.finished_at = timezone.now()
    run.save()
    audit.record(
        action=AuditAction.DIRECTORY_IMPORT,
        actor_id=actor_id,
        object_type="import_run",
        object_id=run.pk,
    )


def fail_run(run: ImportRun, message: str, *, refusal: str = "") -> None:
    """End a run that changed nothing: kept with why it failed, audited as a failure."""
    with transaction.atomic():
        run.error = message[:2000]
        run.refusal = refusal
        run.state = RunState.FAILED
        run.finished_at = timezone.now()
        run.save()
        audit.record(
            action=AuditAction.DIRECTORY_IMPORT,
            actor_id=run.actor_id,
            outcome=Outcome.FAILURE,
            object_type="import_run",
            object_id=run.pk,
        )
