"""Every write to the directory. Meetings are written from `CanonicalMeeting` values, the shape
every importer produces and every maintainer form builds, so an import and a hand edit take the
same path: `save_meeting` (create or update, with history) and `remove_meeting`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from homegroup.accounts.models import Role, User
from homegroup.directory import mat, version
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
from homegroup.directory.importers.codes import MOUD, normalise_code_map
from homegroup.directory.models import (
    EvidenceKind,
    Fellowship,
    ImportRun,
    MatEvidence,
    Meeting,
    MeetingChange,
    Region,
    ReviewStatus,
    Source,
    Stance,
    TimezoneOrigin,
)
from homegroup.lib.timezones import check_timezone, resolve_timezone
from homegroup.privacy import audit
from homegroup.privacy.models import Outcome

# Canonical fields that are provenance or position, not content: they never make a change.
_NOT_CONTENT = {"position", "source_id"}


def fingerprint(meeting: CanonicalMeeting) -> str:
    """A stable hash of a canonical meeting's content: equal content, equal fingerprint."""
    parts = [
        f"{f.name}={getattr(meeting, f.name)!r}"
        for f in fields(meeting)
        if f.name not in _NOT_CONTENT
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@transaction.atomic
def ensure_fellowship(*, code: str, name: str = "") -> Fellowship:
    code = code.strip().upper()
    if not code:
        raise ValidationError({"fellowship": _("A meeting needs a fellowship.")})
    fellowship, _created = Fellowship.objects.get_or_create(
        code=code, defaults={"name": name or code}
    )
    return fellowship


@transaction.atomic
def ensure_source(
    *,
    slug: str,
    name: str = "",
    feed_format: str = "",
    default_fellowship: str | None = None,
    default_timezone: str = "",
    actor_id: int | None = None,
) -> Source:
    slug = slugify(slug)
    if not slug:
        raise ValidationError(
            {"source": _("A source needs a short name made of letters and digits.")}
        )
    source = Source.objects.filter(slug=slug).first()
    if source is None:
        source = Source(
            slug=slug,
            name=name or slug,
            feed_format=feed_format,
            default_fellowship=ensure_fellowship(code=default_fellowship)
            if default_fellowship
            else None,
            default_timezone=default_timezone,
            created_at=timezone.now(),
        )
        source.save(force_insert=True)
        audit.record(
            action="directory.source_created",
            actor_id=actor_id,
            object_type="source",
            object_id=source.pk,
        )
    return source


def ensure_region_path(names: tuple[str, ...]) -> Region | None:
    """The most specific region of a general → specific path, creating what is missing."""
    parent: Region | None = None
    for name in (n.strip() for n in names):
        if not name:
            continue
        parent, _created = Region.objects.get_or_create(parent=parent, name=name[:200])
    return parent


def _unique_slug(*, wanted: str, source: Source, exclude_pk: int | None = None) -> str:
    """The source's own slug when free, else prefixed with the source (e.g. Ontario's '12')."""
    base = slugify(wanted)[:90] or "meeting"
    taken = Meeting.objects.exclude(pk=exclude_pk) if exclude_pk else Meeting.objects.all()
    for candidate in (base, f"{source.slug}-{base}"[:96]):
        if not taken.filter(slug=candidate).exists():
            return candidate
    counter = 2
    while taken.filter(slug=f"{source.slug}-{base}-{counter}"[:100]).exists():
        counter += 1
    return f"{source.slug}-{base}-{counter}"[:100]


# Within one import run, fellowships and regions are looked up once, not once per meeting.
_RUN_CACHE: ContextVar[dict[tuple[str, Any], Any] | None] = ContextVar(
    "directory_run_cache", default=None
)


def _run_cached(key: tuple[str, Any], make: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    cache = _RUN_CACHE.get()
    if cache is None:
        return make(*args, **kwargs)
    if key not in cache:
        cache[key] = make(*args, **kwargs)
    return cache[key]


def source_key_for(canonical: CanonicalMeeting) -> str:
    """How a meeting is known within its source across imports: the source's id and the day."""
    return f"{canonical.source_id or canonical.slug}:{canonical.day}"


@dataclass(frozen=True)
class Saved:
    meeting: Meeting
    change: str  # created | updated | unchanged | restored
    changed_fields: tuple[str, ...]
    timezone_origin: str


def _model_values(canonical: CanonicalMeeting, *, source: Source) -> tuple[dict[str, Any], str]:
    zone, how = resolve_timezone(
        tz=canonical.timezone,
        latitude=canonical.latitude,
        longitude=canonical.longitude,
        default=source.default_timezone or None,
    )
    if zone is None:
        raise ValidationError(
            {
                "timezone": _(
                    "No time zone: the record has none, no coordinates on land, and the source "
                    "has no default time zone."
                )
            }
        )
    values: dict[str, Any] = {
        "name": canonical.name[:300],
        "fellowship": _run_cached(
            ("fellowship", canonical.fellowship), ensure_fellowship, code=canonical.fellowship
        ),
        "day": canonical.day,
        "start_time": canonical.start,
        "end_time": canonical.end,
        "timezone": zone,
        "timezone_origin": how,
        "location": canonical.location[:300],
        "address": canonical.address[:300],
        "city": canonical.city[:120],
        "state": canonical.state[:120],
        "postal_code": canonical.postal_code[:32],
        "country": canonical.country[:64],
        "formatted_address": canonical.formatted_address[:500],
        "latitude": canonical.latitude,
        "longitude": canonical.longitude,
        "approximate": canonical.approximate,
        "location_notes": canonical.location_notes,
        "conference_url": canonical.conference_url[:500],
        "conference_url_notes": canonical.conference_url_notes,
        "conference_phone": canonical.conference_phone[:64],
        "conference_phone_notes": canonical.conference_phone_notes,
        "attendance": canonical.attendance,
        "attendance_reason": canonical.attendance_reason[:200],
        "type_codes": Meeting.join_types(canonical.types),
        "unknown_codes": list(canonical.unknown_codes),
        "group": canonical.group[:300],
        "group_notes": canonical.group_notes,
        "district": canonical.district[:200],
        "region": _run_cached(("region", canonical.regions), ensure_region_path, canonical.regions),
        "notes": canonical.notes,
        "contacts": [
            {"name": c.name, "email": c.email, "phone": c.phone, "public": c.public}
            for c in canonical.contacts
        ],
        "venmo": canonical.venmo[:100],
        "square": canonical.square[:100],
        "paypal": canonical.paypal[:200],
        "entity": canonical.entity[:200],
        "entity_email": canonical.entity_email[:254],
        "entity_phone": canonical.entity_phone[:64],
        "entity_location": canonical.entity_location[:200],
        "entity_url": canonical.entity_url[:500],
        "entity_logo": canonical.entity_logo[:500],
        "url": canonical.url[:500],
        "source_updated": canonical.updated,
        "fingerprint": fingerprint(canonical),
    }
    return values, how


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


@transaction.atomic(savepoint=False)
def save_meeting(
    *,
    source: Source,
    canonical: CanonicalMeeting,
    actor_id: int | None = None,
    import_run: ImportRun | None = None,
    now: datetime | None = None,
    timezone_origin: str | None = None,
) -> Saved:
    """Create the meeting, or update it in place; record which fields changed.

    The caller holds the transaction (an import applies a whole feed in one). An unchanged
    meeting (same fingerprint) is not written at all, not even `last_verified_at`: the import
    run records the verification, so a re-import of an unchanged feed writes no meeting row.
    """
    now = now or timezone.now()
    source_key = source_key_for(canonical)
    existing = Meeting.objects.filter(source=source, source_key=source_key).first()
    unchanged = existing is not None and existing.fingerprint == fingerprint(canonical)
    if existing is not None and unchanged and existing.removed_at is None:
        return Saved(existing, "unchanged", (), existing.timezone_origin)
    version.bump()
    values, how = _model_values(canonical, source=source)
    if timezone_origin:
        values["timezone_origin"] = how = timezone_origin
    if existing is None:
        meeting = Meeting(
            source=source,
            source_key=source_key,
            slug=_unique_slug(wanted=canonical.slug or canonical.name, source=source),
            first_seen_at=now,
            last_changed_at=now,
            last_verified_at=now,
            **values,
        )
        meeting.save(force_insert=True)
        MeetingChange.objects.create(
            meeting=meeting,
            changed_at=now,
            actor_id=actor_id,
            import_run=import_run,
            change="created",
            fields={},
        )
        return Saved(meeting, "created", (), how)
    changed = {
        name: [_jsonable(getattr(existing, name)), _jsonable(value)]
        for name, value in values.items()
        if name != "fingerprint" and getattr(existing, name) != value
    }
    change = "restored" if existing.removed_at else "updated"
    for name, value in values.items():
        setattr(existing, name, value)
    existing.removed_at = None
    existing.last_changed_at = now
    existing.last_verified_at = now
    existing.save()
    MeetingChange.objects.create(
        meeting=existing,
        changed_at=now,
        actor_id=actor_id,
        import_run=import_run,
        change=change,
        fields=changed,
    )
    return Saved(existing, change, tuple(sorted(changed)), how)


@transaction.atomic(savepoint=False)
def remove_meeting(
    *,
    meeting: Meeting,
    actor_id: int | None = None,
    import_run: ImportRun | None = None,
    now: datetime | None = None,
) -> None:
    """Take a meeting off the directory, keeping its row (journals may link to it) and history."""
    if meeting.removed_at is not None:
        return
    version.bump()
    now = now or timezone.now()
    meeting.removed_at = now
    meeting.save(update_fields=["removed_at"])
    MeetingChange.objects.create(
        meeting=meeting,
        changed_at=now,
        actor_id=actor_id,
        import_run=import_run,
        change="removed",
        fields={},
    )


__all__ = [
    "Saved",
    "TimezoneOrigin",
    "ensure_fellowship",
    "ensure_region_path",
    "ensure_source",
    "fingerprint",
    "remove_meeting",
    "save_meeting",
]


# --- Sources ------------------------------------------------------------------------------------


@transaction.atomic
def configure_source(
    *,
    source: Source,
    default_timezone: str | None = None,
    default_fellowship: str | None = None,
    actor_id: int | None = None,
) -> Source:
    """Set a source's defaults (what `import-feed --timezone/--fellowship` says). They persist:
    a re-import without them must not move every meeting to another zone or fellowship."""
    changed: list[str] = []
    if default_timezone is not None and default_timezone != source.default_timezone:
        if default_timezone:
            try:
                default_timezone = check_timezone(default_timezone)
            except ValueError as error:
                raise ValidationError({"default_timezone": str(error)}) from None
        source.default_timezone = default_timezone
        changed.append("default_timezone")
    if default_fellowship:
        fellowship = ensure_fellowship(code=default_fellowship)
        if fellowship.pk != source.default_fellowship_id:
            source.default_fellowship = fellowship
            changed.append("default_fellowship")
    if changed:
        source.save(update_fields=changed)
        audit.record(
            action="directory.source_configured",
            actor_id=actor_id,
            object_type="source",
            object_id=source.pk,
        )
    return source


# --- Import -------------------------------------------------------------------------------------

# Bigger than any real feed (GNYR's 1,555 meetings are 1.6 MB); a bigger file is a mistake.
MAX_FEED_BYTES = 64 * 1024 * 1024
_IMPORTED_EVIDENCE = (EvidenceKind.PUBLISHER_STATEMENT, EvidenceKind.SOURCE_NOTES)


class ImportFailed(FeedError):
    """A file could not be used: nothing changed; ``run`` is the kept record of the attempt."""

    def __init__(self, message: str, run: ImportRun) -> None:
        super().__init__(message)
        self.run = run


class _RolledBack(Exception):
    """Leaves a dry run's savepoint, taking what it computed along."""

    def __init__(self, applied: _Applied) -> None:
        super().__init__("dry run")
        self.applied = applied


@dataclass
class _Applied:
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    evidence_added: int = 0
    evidence_removed: int = 0
    levels: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Parsed:
    """What the files of one run gave, before anything is stored."""

    formats: tuple[str, ...]
    records: int
    meetings: tuple[tuple[CanonicalMeeting, str], ...]  # (meeting with its zone, zone origin)
    problems: tuple[dict[str, Any], ...]
    timezones: dict[str, list[str]]
    unknown_codes: dict[str, int]


def _problem_dict(problem: Problem, *, file: str) -> dict[str, Any]:
    return {"file": file, **asdict(problem)}


def _read_companion(kind: str, data: bytes | None, reader: Callable[[bytes], Any]) -> Any:
    if data is None:
        return None
    try:
        return reader(data)
    except (FeedError, ValueError, RecursionError) as error:
        raise FeedError(f"{kind}: {error}") from None


def _parse_files(
    *,
    source: Source,
    files: Sequence[tuple[str, bytes]],
    feed_format: FeedFormat | None,
    source_map: bytes | None,
    formats: bytes | None,
    service_bodies: bytes | None,
    fellowship: str | None,
) -> _Parsed:
    """Parse, normalise and resolve time zones (pure but for the source's settings);
    FeedError names the file that cannot be used."""
    if not files:
        raise FeedError("no files to import")
    the_map = _read_companion("--map", source_map, csv_legacy.load_map)
    table = _read_companion("--formats", formats, bmlt.parse_formats)
    bodies = _read_companion("--service-bodies", service_bodies, bmlt.parse_service_bodies)
    try:
        code_map = normalise_code_map(source.code_map or {})
    except ValueError as error:
        raise FeedError(f"the source's code map: {error}") from None
    if fellowship is None and source.default_fellowship_id:
        fellowship = source.default_fellowship.code  # type: ignore[union-attr]
    options = ImportOptions(
        fellowship=fellowship, code_map=code_map, contacts_public=source.contacts_public
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
            raise FeedError(f"{name}: {error}") from None
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
                else f"same id {meeting.source_id!r} as in {seen[1]} ({seen[0].position}) "
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
        problems=tuple(problems),
        timezones=timezones,
        unknown_codes=dict(unknown.most_common()),
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
    actor_id: int | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportRun:
    """Import every file of one source in one run, as a diff against what it gave last time.

    Files are parsed first (a file that cannot be used raises ImportFailed and changes nothing
    but the kept run, which says why). Then, in one transaction: created, updated (which
    fields), unchanged (not written at all), removed (the source's meetings missing from the
    feed), the MAT evidence the feed states kept in sync, and levels refreshed. A dry run
    computes all of it and rolls it back. Every run is kept and audited as
    "directory.import". ``progress(done, total)`` is called as meetings are applied.
    """
    now = now or timezone.now()
    run = ImportRun(
        source=source,
        started_at=now,
        actor_id=actor_id,
        dry_run=dry_run,
        feed_format=feed_format or "",
        files=[name for name, _data in files],
    )
    try:
        parsed = _parse_files(
            source=source,
            files=files,
            feed_format=feed_format,
            source_map=source_map,
            formats=formats,
            service_bodies=service_bodies,
            fellowship=fellowship,
        )
        if not parsed.meetings:
            active = Meeting.objects.active().of_source(source).count()
            if active:
                raise FeedError(
                    f"no usable meetings in the feed; the source's {active} meetings are kept "
                    "(remove them by hand if the source really has none)"
                )
    except FeedError as error:
        _fail(run, str(error))
        raise ImportFailed(str(error), run) from None

    run.feed_format = (",".join(parsed.formats) or feed_format or "")[:16]
    with transaction.atomic():
        version.lock()
        run.save(force_insert=True)
        try:
            with transaction.atomic():
                applied = _apply(
                    source=source,
                    meetings=parsed.meetings,
                    run=run,
                    actor_id=actor_id,
                    now=now,
                    progress=progress,
                )
                if dry_run:
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
        run.problems = list(parsed.problems)
        run.timezones = parsed.timezones
        run.unknown_codes = parsed.unknown_codes
        run.diff = {
            "created": applied.created,
            "updated": applied.updated,
            "removed": applied.removed,
            "evidence": {"added": applied.evidence_added, "removed": applied.evidence_removed},
            "mat_levels": applied.levels,
        }
        run.finished_at = timezone.now()
        run.save()
        audit.record(
            action="directory.import", actor_id=actor_id, object_type="import_run", object_id=run.pk
        )
    return run


def _fail(run: ImportRun, message: str) -> None:
    with transaction.atomic():
        run.error = message[:2000]
        run.finished_at = timezone.now()
        run.save(force_insert=True)
        audit.record(
            action="directory.import",
            actor_id=run.actor_id,
            outcome=Outcome.FAILURE,
            object_type="import_run",
            object_id=run.pk,
        )


def _apply(
    *,
    source: Source,
    meetings: Sequence[tuple[CanonicalMeeting, str]],
    run: ImportRun,
    actor_id: int | None,
    now: datetime,
    progress: Callable[[int, int], None] | None,
) -> _Applied:
    applied = _Applied()
    token = _RUN_CACHE.set({})
    try:
        return _apply_meetings(
            source=source,
            meetings=meetings,
            run=run,
            actor_id=actor_id,
            now=now,
            progress=progress,
            applied=applied,
        )
    finally:
        _RUN_CACHE.reset(token)


def _apply_meetings(
    *,
    source: Source,
    meetings: Sequence[tuple[CanonicalMeeting, str]],
    run: ImportRun,
    actor_id: int | None,
    now: datetime,
    progress: Callable[[int, int], None] | None,
    applied: _Applied,
) -> _Applied:
    # One query for what the source gave last time; unchanged meetings are never loaded again.
    existing = {
        meeting.source_key: meeting
        for meeting in Meeting.objects.filter(source=source).only(
            "pk", "source_key", "slug", "fingerprint", "removed_at", "timezone_origin"
        )
    }
    in_feed: dict[int, CanonicalMeeting] = {}
    new_or_restored: set[int] = set()
    to_create: list[tuple[CanonicalMeeting, str]] = []
    total = len(meetings)
    for done, (canonical, how) in enumerate(meetings, start=1):
        known = existing.get(source_key_for(canonical))
        if known is None:
            to_create.append((canonical, how))
        elif known.removed_at is None and known.fingerprint == fingerprint(canonical):
            applied.unchanged += 1
            in_feed[known.pk] = canonical
        else:
            saved = save_meeting(
                source=source,
                canonical=canonical,
                actor_id=actor_id,
                import_run=run,
                now=now,
                timezone_origin=how,
            )
            in_feed[saved.meeting.pk] = canonical
            if saved.change == "restored":
                applied.updated[saved.meeting.slug] = ["removed_at", *saved.changed_fields]
                new_or_restored.add(saved.meeting.pk)
            elif saved.change == "updated":
                applied.updated[saved.meeting.slug] = list(saved.changed_fields)
            else:
                applied.unchanged += 1
        if progress is not None and known is not None and (done % 100 == 0 or done == total):
            progress(done - len(to_create), total)
    for meeting in existing.values():
        if meeting.removed_at is None and meeting.pk not in in_feed:
            remove_meeting(meeting=meeting, actor_id=actor_id, import_run=run, now=now)
            applied.removed.append(meeting.slug)
    done_before = total - len(to_create)
    for created, canonical in _create_meetings(
        source=source,
        meetings=to_create,
        run=run,
        actor_id=actor_id,
        now=now,
        progress=(lambda done, _total: progress(done_before + done, total)) if progress else None,
    ):
        in_feed[created.pk] = canonical
        applied.created.append(created.slug)
        new_or_restored.add(created.pk)
    if progress is not None:
        progress(total, total)
    touched = _sync_feed_evidence(source=source, in_feed=in_feed, run=run, now=now, applied=applied)
    changed_levels = _refresh_levels(touched | new_or_restored, today=now.date())
    applied.levels = changed_levels
    return applied


_BATCH = 500


def _create_meetings(
    *,
    source: Source,
    meetings: Sequence[tuple[CanonicalMeeting, str]],
    run: ImportRun,
    actor_id: int | None,
    now: datetime,
    progress: Callable[[int, int], None] | None,
) -> list[tuple[Meeting, CanonicalMeeting]]:
    """The new meetings of a run, in batches: what `save_meeting` does for one meeting (the
    same values, slugs and "created" history), without four queries per meeting."""
    if meetings:
        version.bump()
    wanted = [
        slugify(canonical.slug or canonical.name)[:90] or "meeting" for canonical, _ in meetings
    ]
    candidates = sorted({slug for base in wanted for slug in (base, f"{source.slug}-{base}"[:96])})
    taken: set[str] = set()
    for start in range(0, len(candidates), _BATCH):
        chunk = candidates[start : start + _BATCH]
        taken.update(Meeting.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    created: list[tuple[Meeting, CanonicalMeeting]] = []
    for start in range(0, len(meetings), _BATCH):
        batch: list[tuple[Meeting, CanonicalMeeting]] = []
        for (canonical, how), base in zip(
            meetings[start : start + _BATCH], wanted[start : start + _BATCH], strict=True
        ):
            values, _how = _model_values(canonical, source=source)
            values["timezone_origin"] = how
            slug = _free_slug(base=base, source=source, taken=taken)
            taken.add(slug)
            meeting = Meeting(
                source=source,
                source_key=source_key_for(canonical),
                slug=slug,
                first_seen_at=now,
                last_changed_at=now,
                last_verified_at=now,
                **values,
            )
            batch.append((meeting, canonical))
        Meeting.objects.bulk_create([meeting for meeting, _canonical in batch])
        MeetingChange.objects.bulk_create(
            MeetingChange(
                meeting=meeting,
                changed_at=now,
                actor_id=actor_id,
                import_run=run,
                change="created",
                fields={},
            )
            for meeting, _canonical in batch
        )
        created.extend(batch)
        if progress is not None:
            progress(len(created), len(meetings))
    return created


def _free_slug(*, base: str, source: Source, taken: set[str]) -> str:
    """`_unique_slug`'s rule against a known set of taken slugs."""
    for candidate in (base, f"{source.slug}-{base}"[:96]):
        if candidate not in taken:
            return candidate
    counter = 2
    # Numbered slugs are rare: look them up as they come rather than all in advance.
    while (candidate := f"{source.slug}-{base}-{counter}"[:100]) in taken or (
        Meeting.objects.filter(slug=candidate).exists()
    ):
        counter += 1
    return candidate


def feed_evidence(canonical: CanonicalMeeting) -> list[tuple[str, str, str]]:
    """What a listing itself says about people on medication, as (kind, stance, summary):
    a MOUD code is the publisher's statement; wording in the notes is weaker evidence."""
    found: list[tuple[str, str, str]] = []
    if MOUD in canonical.types:
        found.append(
            (
                EvidenceKind.PUBLISHER_STATEMENT,
                Stance.WELCOMING,
                "The listing carries the MOUD code: its publisher says people on medication "
                "for opioid use disorder are welcome.",
            )
        )
    text = "\n".join(part for part in (canonical.notes, canonical.group_notes) if part)
    for stance, phrase in mat.notes_stances(text):
        found.append(
            (EvidenceKind.SOURCE_NOTES, stance, f"The listing's notes say: “{phrase}”"[:300])
        )
    return found


def _sync_feed_evidence(
    *,
    source: Source,
    in_feed: dict[int, CanonicalMeeting],
    run: ImportRun,
    now: datetime,
    applied: _Applied,
) -> set[int]:
    """Make the evidence read from this source match what its feed says now: add what is new,
    delete what the source dropped, leave the rest (and its dates) alone. Returns the meetings
    whose evidence changed."""
    current: dict[tuple[int, str, str, str], int] = {
        (meeting_id, kind, stance, summary): pk
        for pk, meeting_id, kind, stance, summary in MatEvidence.objects.filter(
            source=source
        ).values_list("pk", "meeting_id", "kind", "stance", "summary")
    }
    wanted: dict[tuple[int, str, str, str], CanonicalMeeting] = {}
    for meeting_id, canonical in in_feed.items():
        for kind, stance, summary in feed_evidence(canonical):
            wanted[(meeting_id, kind, stance, summary)] = canonical
    added = [
        MatEvidence(
            meeting_id=key[0],
            kind=key[1],
            stance=key[2],
            summary=key[3],
            observed_at=canonical.updated or now,
            recorded_at=now,
            import_run=run,
            source=source,
            review_status=ReviewStatus.ACCEPTED,
        )
        for key, canonical in wanted.items()
        if key not in current
    ]
    dropped = [pk for key, pk in current.items() if key[0] in in_feed and key not in wanted]
    if added or dropped:
        version.bump()  # search results show the counted evidence
    if added:
        MatEvidence.objects.bulk_create(added)
    if dropped:
        MatEvidence.objects.filter(pk__in=dropped).delete()
    applied.evidence_added = len(added)
    applied.evidence_removed = len(dropped)
    gone = set(dropped)
    touched = {evidence.meeting_id for evidence in added}
    touched.update(key[0] for key, pk in current.items() if pk in gone)
    return touched


# --- MAT-friendliness ---------------------------------------------------------------------------

REPORT_KINDS = (EvidenceKind.MEMBER_REPORT, EvidenceKind.CLINICIAN_REPORT)


def reporter_key(*, user_id: int, meeting_id: int) -> str:
    """The opaque key a report keeps instead of its author: the same person and meeting give
    the same key (one person counts once), and nobody can go from the key back to the person
    without the server's secret."""
    return salted_hmac(
        "homegroup.directory.mat_reporter", f"{user_id}:{meeting_id}", algorithm="sha256"
    ).hexdigest()


def _evidence_facts(rows: Iterable[tuple[str, str, datetime, str]]) -> list[mat.EvidenceFact]:
    return [
        mat.EvidenceFact(kind, stance, observed_at.date(), reporter)  # type: ignore[arg-type]
        for kind, stance, observed_at, reporter in rows
    ]


def _refresh_levels(meeting_ids: set[int], *, today: date) -> dict[str, list[str]]:
    """Derive and store the level of many meetings with a constant number of queries; returns
    {slug: [old, new]} for the levels that changed."""
    if not meeting_ids:
        return {}
    meetings = {
        pk: (slug, level, charter)
        for pk, slug, level, charter in Meeting.objects.filter(pk__in=meeting_ids).values_list(
            "pk", "slug", "mat_level", "fellowship__medication_inclusive_charter"
        )
    }
    evidence: dict[int, list[tuple[str, str, datetime, str]]] = {pk: [] for pk in meetings}
    for meeting_id, *row in (
        MatEvidence.objects.counted()
        .filter(meeting_id__in=meeting_ids)
        .values_list("meeting_id", "kind", "stance", "observed_at", "reporter_key")
    ):
        evidence[meeting_id].append(tuple(row))  # type: ignore[arg-type]
    by_level: dict[str, list[int]] = {}
    changed: dict[str, list[str]] = {}
    for pk, (slug, old, charter) in meetings.items():
        decision = mat.derive_level(
            charter=charter, evidence=_evidence_facts(evidence[pk]), today=today
        )
        if decision.level != old:
            by_level.setdefault(decision.level, []).append(pk)
            changed[slug] = [old, decision.level]
    if by_level:
        version.bump()
    for level, pks in by_level.items():
        Meeting.objects.filter(pk__in=pks).update(mat_level=level)
    return changed


@transaction.atomic
def refresh_mat_level(meeting: Meeting, *, today: date | None = None) -> mat.LevelDecision:
    """Derive the meeting's level from its counted evidence and its fellowship's charter, and
    store it (for search) when it changed. Called after every change of evidence."""
    charter = Fellowship.objects.filter(pk=meeting.fellowship_id).values_list(
        "medication_inclusive_charter", flat=True
    )
    rows = (
        MatEvidence.objects.counted()
        .filter(meeting=meeting)
        .values_list("kind", "stance", "observed_at", "reporter_key")
    )
    decision = mat.derive_level(
        charter=bool(charter.first()),
        evidence=_evidence_facts(rows),
        today=today or timezone.localdate(),
    )
    if decision.level != meeting.mat_level:
        version.bump()
        Meeting.objects.filter(pk=meeting.pk).update(mat_level=decision.level)
        meeting.mat_level = decision.level
        audit.record(
            action="directory.mat_level_changed",
            actor_id=None,
            object_type="meeting",
            object_id=meeting.pk,
        )
    return decision


_REPORT_SUMMARIES = {
    (EvidenceKind.MEMBER_REPORT, Stance.WELCOMING): gettext_noop(
        "A person in recovery reported that people on medication were made welcome."
    ),
    (EvidenceKind.MEMBER_REPORT, Stance.UNWELCOMING): gettext_noop(
        "A person in recovery reported that people on medication were not made welcome "
        "(for example, told not to share)."
    ),
    (EvidenceKind.CLINICIAN_REPORT, Stance.WELCOMING): gettext_noop(
        "A clinician reported that people on medication are made welcome."
    ),
    (EvidenceKind.CLINICIAN_REPORT, Stance.UNWELCOMING): gettext_noop(
        "A clinician reported that people on medication were not made welcome."
    ),
}


def _check_stance(stance: str) -> str:
    if stance not in Stance.values:
        raise ValidationError({"stance": _("Choose welcoming or not welcoming.")})
    return stance


def _check_observed_on(observed_on: date, *, today: date) -> date:
    if observed_on > today:
        raise ValidationError({"observed_on": _("That date is in the future.")})
    if (today - observed_on).days > mat.EXPIRES_DAYS:
        raise ValidationError(
            {"observed_on": _("An experience more than five years ago no longer counts.")}
        )
    return observed_on


def _deny(action: str, *, actor: User, meeting_id: int | None = None) -> PermissionDenied:
    # Called before the action's transaction opens, so the refusal stays in the audit log.
    audit.record(
        action=action,
        actor_id=actor.pk,
        outcome=Outcome.DENIED,
        object_type="meeting" if meeting_id else "",
        object_id=meeting_id or "",
    )
    return PermissionDenied(_("Your role does not allow this."))


def report_mat_experience(
    *, meeting: Meeting, reporter: User, stance: str, observed_on: date
) -> MatEvidence:
    """A person in recovery or a clinician reports how people on medication were received.

    Stored pending (a directory maintainer reviews it before it counts) with only an opaque
    reporter key: one person counts once per meeting, and a second report replaces the first.
    """
    is_member = reporter.has_role(Role.PERSON_IN_RECOVERY)
    if not (is_member or reporter.has_role(Role.CLINICIAN)):
        raise _deny("directory.mat_report", actor=reporter, meeting_id=meeting.pk)
    with transaction.atomic():
        version.lock()
        return _store_report(
            meeting=meeting,
            reporter=reporter,
            is_member=is_member,
            stance=stance,
            observed_on=observed_on,
        )


def _store_report(
    *, meeting: Meeting, reporter: User, is_member: bool, stance: str, observed_on: date
) -> MatEvidence:
    if meeting.removed_at is not None:
        raise ValidationError({"meeting": _("This meeting is no longer listed.")})
    _check_stance(stance)
    now = timezone.now()
    _check_observed_on(observed_on, today=timezone.localdate())
    kind = EvidenceKind.MEMBER_REPORT if is_member else EvidenceKind.CLINICIAN_REPORT
    key = reporter_key(user_id=reporter.pk, meeting_id=meeting.pk)
    evidence = MatEvidence.objects.filter(meeting=meeting, reporter_key=key).first()
    if evidence is not None and evidence.review_status == ReviewStatus.ACCEPTED:
        version.bump()  # a counted report becomes a pending one
    if evidence is None:
        evidence = MatEvidence(meeting=meeting, reporter_key=key)
    evidence.kind = kind
    evidence.stance = stance
    evidence.summary = _REPORT_SUMMARIES[(kind, Stance(stance))]
    evidence.observed_at = datetime.combine(observed_on, time(12, 0), tzinfo=UTC)
    evidence.recorded_at = now
    evidence.review_status = ReviewStatus.PENDING
    evidence.reviewed_by_id = None
    evidence.reviewed_at = None
    evidence.save()
    audit.record(
        action="directory.mat_report",
        actor_id=reporter.pk,
        object_type="mat_evidence",
        object_id=evidence.pk,
    )
    refresh_mat_level(meeting)  # a replaced, accepted report no longer counts
    return evidence


def review_mat_report(*, evidence: MatEvidence, reviewer: User, accept: bool) -> MatEvidence:
    """A directory maintainer accepts a pending report (it counts from now on) or rejects it."""
    if not reviewer.has_role(Role.DIRECTORY_MAINTAINER):
        raise _deny("directory.mat_report_reviewed", actor=reviewer, meeting_id=evidence.meeting_id)
    with transaction.atomic():
        version.lock()
        return _review(evidence=evidence, reviewer=reviewer, accept=accept)


def _review(*, evidence: MatEvidence, reviewer: User, accept: bool) -> MatEvidence:
    if evidence.kind not in REPORT_KINDS:
        raise ValidationError({"evidence": _("Only reports from people are reviewed.")})
    if evidence.review_status != ReviewStatus.PENDING:
        raise ValidationError({"evidence": _("That report was already reviewed.")})
    if accept:
        version.bump()  # the report counts from now on, and search results show it
    evidence.review_status = ReviewStatus.ACCEPTED if accept else ReviewStatus.REJECTED
    evidence.reviewed_by_id = reviewer.pk
    evidence.reviewed_at = timezone.now()
    evidence.save(update_fields=["review_status", "reviewed_by_id", "reviewed_at"])
    audit.record(
        action="directory.mat_report_reviewed",
        actor_id=reviewer.pk,
        object_type="mat_evidence",
        object_id=evidence.pk,
    )
    refresh_mat_level(evidence.meeting)
    return evidence


def add_mat_evidence(
    *,
    meeting: Meeting,
    actor: User,
    kind: str,
    stance: str,
    summary: str,
    observed_on: date,
) -> MatEvidence:
    """A directory maintainer records a statement: the group's own (e.g. by email) or their
    own check of the meeting. It counts at once; the summary is shown on the meeting page."""
    if not actor.has_role(Role.DIRECTORY_MAINTAINER):
        raise _deny("directory.mat_evidence_added", actor=actor, meeting_id=meeting.pk)
    with transaction.atomic():
        version.bump()  # it counts at once, and search results show it
        return _add_statement(
            meeting=meeting,
            actor=actor,
            kind=kind,
            stance=stance,
            summary=summary,
            observed_on=observed_on,
        )


def _add_statement(
    *, meeting: Meeting, actor: User, kind: str, stance: str, summary: str, observed_on: date
) -> MatEvidence:
    if kind not in (EvidenceKind.PUBLISHER_STATEMENT, EvidenceKind.MAINTAINER):
        raise ValidationError(
            {"kind": _("A maintainer records a publisher's statement or their own check.")}
        )
    _check_stance(stance)
    summary = " ".join(summary.split())
    if not summary:
        raise ValidationError({"summary": _("Say what was stated, in words safe to show.")})
    if observed_on > timezone.localdate():
        raise ValidationError({"observed_on": _("That date is in the future.")})
    evidence = MatEvidence.objects.create(
        meeting=meeting,
        kind=kind,
        stance=stance,
        summary=summary[:300],
        observed_at=datetime.combine(observed_on, time(12, 0), tzinfo=UTC),
        recorded_at=timezone.now(),
        review_status=ReviewStatus.ACCEPTED,
        reviewed_by_id=actor.pk,
        reviewed_at=timezone.now(),
    )
    audit.record(
        action="directory.mat_evidence_added",
        actor_id=actor.pk,
        object_type="mat_evidence",
        object_id=evidence.pk,
    )
    refresh_mat_level(meeting)
    return evidence


def withdraw_mat_evidence(*, evidence: MatEvidence, actor: User) -> None:
    """A directory maintainer withdraws a statement or a report (e.g. one recorded in error).
    Evidence read from a feed is not withdrawn by hand: the next import re-syncs it."""
    if not actor.has_role(Role.DIRECTORY_MAINTAINER):
        raise _deny("directory.mat_evidence_withdrawn", actor=actor, meeting_id=evidence.meeting_id)
    with transaction.atomic():
        version.lock()
        _withdraw(evidence=evidence, actor=actor)


def _withdraw(*, evidence: MatEvidence, actor: User) -> None:
    if evidence.source_id is not None:
        raise ValidationError(
            {"evidence": _("This comes from the source's feed; change it at the source.")}
        )
    if evidence.review_status == ReviewStatus.ACCEPTED:
        version.bump()  # search results showed it
    meeting = evidence.meeting
    evidence_id = evidence.pk
    evidence.delete()
    audit.record(
        action="directory.mat_evidence_withdrawn",
        actor_id=actor.pk,
        object_type="mat_evidence",
        object_id=evidence_id,
    )
    refresh_mat_level(meeting)


__all__ += [
    "ImportFailed",
    "add_mat_evidence",
    "configure_source",
    "feed_evidence",
    "import_feed",
    "refresh_mat_level",
    "report_mat_experience",
    "reporter_key",
    "review_mat_report",
    "source_key_for",
    "withdraw_mat_evidence",
]


# --- Maintainer edits (the pages under /directory/manage/) --------------------------------------

# Meetings this directory's maintainers list themselves, rather than a feed.
LOCAL_SOURCE = "local"


def _require_maintainer(actor: User, action: str, *, meeting_id: int | None = None) -> None:
    if not actor.has_role(Role.DIRECTORY_MAINTAINER):
        raise _deny(action, actor=actor, meeting_id=meeting_id)


def _check_hand_made(canonical: CanonicalMeeting, *, default_zone: str) -> None:
    """What a form may not get wrong, checked again here so no caller can store it."""
    errors: dict[str, str] = {}
    if not canonical.name.strip():
        errors["name"] = _("A meeting needs a name.")
    if not 0 <= canonical.day <= 6:
        errors["day"] = _("Choose a day of the week.")
    if (canonical.latitude is None) != (canonical.longitude is None):
        errors["latitude"] = _("Give both coordinates, or neither.")
    elif canonical.latitude is not None and canonical.longitude is not None:
        if not -90 <= canonical.latitude <= 90:
            errors["latitude"] = _("A latitude is between -90 and 90.")
        if not -180 <= canonical.longitude <= 180:
            errors["longitude"] = _("A longitude is between -180 and 180.")
    if canonical.timezone:
        try:
            check_timezone(canonical.timezone)
        except ValueError:
            errors["timezone"] = _("That is not a time zone name; use one like America/Chicago.")
    elif canonical.latitude is None and not default_zone:
        errors["timezone"] = _(
            "Choose a time zone, or place the pin on the map so the zone comes from it."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_meeting_by_maintainer(*, canonical: CanonicalMeeting, actor: User) -> Meeting:
    """A directory maintainer lists a meeting by hand, under the source "local".

    A zone the maintainer chose is theirs ("manual"); left empty, it comes from the pin.
    """
    _require_maintainer(actor, "directory.meeting_created")
    version.lock()
    source = ensure_source(
        slug=LOCAL_SOURCE, name="Listed by this directory's maintainers", actor_id=actor.pk
    )
    _check_hand_made(canonical, default_zone=source.default_timezone)
    # A hand-made meeting has no id at a source: a random one keeps it itself across edits.
    from django.utils.crypto import get_random_string

    canonical = replace(
        canonical,
        source_id=f"m{get_random_string(12, '0123456789abcdef')}",
        slug=canonical.slug or canonical.name,
    )
    saved = save_meeting(
        source=source,
        canonical=canonical,
        actor_id=actor.pk,
        timezone_origin=TimezoneOrigin.MANUAL if canonical.timezone else None,
    )
    audit.record(
        action="directory.meeting_created",
        actor_id=actor.pk,
        object_type="meeting",
        object_id=saved.meeting.pk,
    )
    refresh_mat_level(saved.meeting)  # a charter fellowship's meeting is welcoming at once
    return saved.meeting


@transaction.atomic
def update_meeting_by_maintainer(
    *, meeting: Meeting, canonical: CanonicalMeeting, actor: User
) -> Saved:
    """A directory maintainer edits a listed meeting; the history records who changed what.

    A changed time zone becomes "manual"; an unchanged one keeps how it was decided; an emptied
    one is decided again from the pin (or the source's default). A new day moves the meeting
    within its source, so its next import still finds it only on the day the feed says.
    """
    _require_maintainer(actor, "directory.meeting_updated", meeting_id=meeting.pk)
    version.lock()
    meeting = Meeting.objects.select_for_update().select_related("source").get(pk=meeting.pk)
    if meeting.removed_at is not None:
        raise ValidationError({"meeting": _("List this meeting again before editing it.")})
    _check_hand_made(canonical, default_zone=meeting.source.default_timezone)
    canonical = replace(canonical, source_id=meeting.source_key.rsplit(":", 1)[0])
    key = source_key_for(canonical)
    if key != meeting.source_key:
        if Meeting.objects.filter(source_id=meeting.source_id, source_key=key).exists():
            raise ValidationError(
                {"day": _("Its source already lists this meeting on that day: edit that one.")}
            )
        meeting.source_key = key
        meeting.save(update_fields=["source_key"])
    if canonical.timezone is None:
        origin = None
    elif canonical.timezone != meeting.timezone:
        origin = TimezoneOrigin.MANUAL.value
    else:
        origin = meeting.timezone_origin
    saved = save_meeting(
        source=meeting.source, canonical=canonical, actor_id=actor.pk, timezone_origin=origin
    )
    audit.record(
        action="directory.meeting_updated",
        actor_id=actor.pk,
        object_type="meeting",
        object_id=meeting.pk,
    )
    if "fellowship" in saved.changed_fields:
        refresh_mat_level(saved.meeting)  # the charter evidence moves with the fellowship
    return saved


@transaction.atomic
def remove_meeting_by_maintainer(*, meeting: Meeting, actor: User) -> None:
    """A directory maintainer takes a meeting off the directory (history and row kept)."""
    _require_maintainer(actor, "directory.meeting_removed", meeting_id=meeting.pk)
    if meeting.removed_at is not None:
        return
    remove_meeting(meeting=meeting, actor_id=actor.pk)
    audit.record(
        action="directory.meeting_removed",
        actor_id=actor.pk,
        object_type="meeting",
        object_id=meeting.pk,
    )


@transaction.atomic
def restore_meeting_by_maintainer(*, meeting: Meeting, actor: User) -> None:
    """A directory maintainer lists a removed meeting again, as it was. (Its source's next
    import removes it again if the feed no longer has it.)"""
    _require_maintainer(actor, "directory.meeting_restored", meeting_id=meeting.pk)
    if meeting.removed_at is None:
        return
    version.bump()
    now = timezone.now()
    meeting.removed_at = None
    meeting.last_changed_at = now
    meeting.save(update_fields=["removed_at", "last_changed_at"])
    MeetingChange.objects.create(
        meeting=meeting, changed_at=now, actor_id=actor.pk, change="restored", fields={}
    )
    audit.record(
        action="directory.meeting_restored",
        actor_id=actor.pk,
        object_type="meeting",
        object_id=meeting.pk,
    )


__all__ += [
    "LOCAL_SOURCE",
    "create_meeting_by_maintainer",
    "remove_meeting_by_maintainer",
    "restore_meeting_by_maintainer",
    "update_meeting_by_maintainer",
]


# --- A synthetic directory (benchmarks, demos) --------------------------------------------------

SYNTHETIC_FORMAT = "synthetic"


@transaction.atomic
def bulk_create_synthetic(
    *,
    meetings: int,
    seed: int,
    source_slug: str = "synthetic",
    replace_existing: bool = False,
    actor_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportRun:
    """Store `directory.synthetic.generate(meetings, seed)` as one source, in batches: the same
    values, fingerprints, "created" history and feed evidence an import would store, without
    its per-meeting diff (the source is new, or its synthetic meetings are replaced). Only a
    source this action made may be replaced: a real source's meetings are never touched."""
    from itertools import islice

    from homegroup.directory import synthetic

    if meetings < 1:
        raise ValidationError({"meetings": _("Generate at least one meeting.")})
    version.bump()
    name = "Synthetic directory (generated test data, not real meetings)"
    source = ensure_source(
        slug=source_slug, name=name, feed_format=SYNTHETIC_FORMAT, actor_id=actor_id
    )
    existing = Meeting.objects.filter(source=source)
    if source.feed_format != SYNTHETIC_FORMAT:
        raise ValidationError({"source": _("%(slug)s is a real source.") % {"slug": source.slug}})
    if existing.exists():
        if not replace_existing:
            raise ValidationError(
                {"source": _("%(slug)s already has meetings.") % {"slug": source.slug}}
            )
        existing.delete()
    now = timezone.now()
    run = ImportRun.objects.create(
        source=source, started_at=now, actor_id=actor_id, feed_format=SYNTHETIC_FORMAT,
        files=[f"synthetic: seed {seed}, {meetings} meetings (not real meetings)"],
    )  # fmt: skip
    charters = set(
        Fellowship.objects.filter(medication_inclusive_charter=True).values_list("code", flat=True)
    )
    cache: dict[tuple[str, Any], Any] = {}
    token = _RUN_CACHE.set(cache)
    done = 0
    try:
        generated = synthetic.generate(meetings=meetings, seed=seed, source_slug=source.slug)
        while batch := list(islice(generated, 2000)):
            rows: list[dict[str, Any]] = []
            evidence: list[list[tuple[str, str, str]]] = []
            missing = {m.regions for m in batch} - {key for _kind, key in cache}
            for path, region in _bulk_region_paths(missing).items():
                cache["region", path] = region
            taken = set(
                Meeting.objects.filter(slug__in=[m.slug for m in batch]).values_list(
                    "slug", flat=True
                )
            )
            for canonical in batch:
                values, _how = _model_values(canonical, source=source)
                said = feed_evidence(canonical)
                facts = _evidence_facts([(kind, stance, now, "") for kind, stance, _ in said])
                values["mat_level"] = mat.derive_level(
                    charter=canonical.fellowship in charters, evidence=facts, today=now.date()
                ).level
                slug = _free_slug(base=canonical.slug, source=source, taken=taken)
                taken.add(slug)
                rows.append(
                    {**values, "source": source, "source_key": source_key_for(canonical),
                     "slug": slug, "first_seen_at": now, "last_changed_at": now,
                     "last_verified_at": now}
                )  # fmt: skip
                evidence.append(said)
            _insert_rows(Meeting, rows)
            ids = dict(
                Meeting.objects.filter(
                    source=source, source_key__in=[row["source_key"] for row in rows]
                ).values_list("source_key", "pk")
            )
            _insert_rows(
                MeetingChange,
                [{"meeting": ids[row["source_key"]], "changed_at": now, "actor_id": actor_id,
                  "import_run": run, "change": "created", "fields": {}} for row in rows],
            )  # fmt: skip
            _insert_rows(
                MatEvidence,
                [{"meeting": ids[row["source_key"]], "kind": kind, "stance": stance,
                  "summary": summary, "observed_at": now, "recorded_at": now, "import_run": run,
                  "source": source}
                 for row, said in zip(rows, evidence, strict=True)
                 for kind, stance, summary in said],
            )  # fmt: skip
            done += len(rows)
            if progress is not None:
                progress(done, meetings)
    finally:
        _RUN_CACHE.reset(token)
    run.records = run.created = done
    run.finished_at = timezone.now()
    run.diff = {"created": [], "updated": {}, "removed": [], "synthetic": {"seed": seed}}
    run.save()
    audit.record(
        action="directory.synthetic_generated",
        actor_id=actor_id,
        object_type="import_run",
        object_id=run.pk,
    )
    return run


# Stored as Python gives them: no per-value conversion needed on SQLite or PostgreSQL.
_PLAIN_FIELDS = frozenset(
    ["CharField", "TextField", "SlugField", "URLField", "EmailField", "BooleanField",
     "FloatField", "IntegerField", "BigIntegerField", "PositiveIntegerField",
     "PositiveSmallIntegerField", "ForeignKey"]
)  # fmt: skip


def _insert_rows(
    model: type[Meeting] | type[MeetingChange] | type[MatEvidence], rows: Sequence[dict[str, Any]]
) -> None:
    """Insert many rows at once (`executemany` on SQLite, COPY on PostgreSQL), bypassing
    `bulk_create`: at 100,000 meetings of 50 columns its per-value preparation and model
    instances cost several times the database's own work. Rows name fields (a foreign key by
    instance or id); missing ones take the default. Only for rows built in this module: no
    model `save()`, signal or validation runs."""
    from django.db import connections, models, router

    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    columns = [f for f in model._meta.concrete_fields if not f.primary_key]
    plain = [f.get_internal_type() in _PLAIN_FIELDS for f in columns]
    defaults = {f.name: f.get_default() for f in columns}
    # The same few values (the run's time, start times, empty lists) recur in every row.
    prepared: dict[tuple[int, str], Any] = {}
    params = []
    for row in rows:
        values = []
        for index, (f, as_is) in enumerate(zip(columns, plain, strict=True)):
            value = row[f.name] if f.name in row else defaults[f.name]
            if isinstance(value, models.Model):
                value = value.pk
            if not as_is:
                key = (index, repr(value))
                if key not in prepared:
                    prepared[key] = f.get_db_prep_save(value, connection)
                value = prepared[key]
            values.append(value)
        params.append(values)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: a tenth of the server's work of as many INSERTs.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            insert = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - names from the model
            cursor.executemany(insert, params)


def _bulk_region_paths(paths: set[tuple[str, ...]]) -> dict[tuple[str, ...], Region]:
    """(state, city) → region, creating what is missing with a few queries, not two per city."""
    if not paths:
        return {}
    Region.objects.bulk_create(
        [Region(name=state) for state in sorted({state for state, _city in paths})],
        ignore_conflicts=True,
    )
    roots = {r.name: r for r in Region.objects.filter(parent=None, name__in={s for s, _ in paths})}
    Region.objects.bulk_create(
        [Region(name=city[:200], parent=roots[state]) for state, city in sorted(paths)],
        ignore_conflicts=True,
    )
    children = {
        (region.parent.name, region.name): region  # type: ignore[union-attr]
        for region in Region.objects.filter(
            parent__in=roots.values(), name__in={city[:200] for _state, city in paths}
        ).select_related("parent")
    }
    return {path: children[(path[0], path[1][:200])] for path in paths}


__all__ += ["bulk_create_synthetic"]
