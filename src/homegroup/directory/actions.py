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
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from homegroup.accounts.models import Role, User
from homegroup.audit import actions as audit
from homegroup.audit.models import Outcome
from homegroup.directory import mat, version
from homegroup.directory.contact_details import (
    PUBLIC_TEXT_FIELDS,
    Found,
    find_in_listing,
    held_values,
)
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
from homegroup.directory.importers.fields import web_address
from homegroup.directory.local_edits import apply_edits, edits_after
from homegroup.directory.models import (
    ContactPolicy,
    EvidenceKind,
    Fellowship,
    ImportRun,
    MatEvidence,
    Meeting,
    MeetingChange,
    Region,
    ReviewStatus,
    RunState,
    Source,
    Stance,
    TimezoneOrigin,
    canonical_from_meeting,
)
from homegroup.lib.timezones import check_timezone, resolve_timezone

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
    contact_policy: str = ContactPolicy.HOLD,
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
            contact_policy=contact_policy,
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


# Source ids up to this length are their own key; longer ones (real feeds derive ids from whole
# addresses) are keyed by their hash, so that no id is ever cut and two never collide.
_KEY_ID_MAX = 100


def source_key_for(canonical: CanonicalMeeting) -> str:
    """How a meeting is known within its source across imports: the source's id and the day."""
    ident = canonical.source_id or canonical.slug
    if len(ident) > _KEY_ID_MAX:
        ident = "#" + hashlib.sha256(ident.encode()).hexdigest()
    return f"{ident}:{canonical.day}"


def contact_details_of(meeting: CanonicalMeeting | Meeting) -> list[Found]:
    """Phone numbers and email addresses in the meeting's public free text (not its own dial-in
    or its publisher's contact fields). A stored meeting and a canonical one name them alike."""
    return find_in_listing(
        {name: getattr(meeting, name) for name in PUBLIC_TEXT_FIELDS},
        conference_phone=meeting.conference_phone,
        entity_phone=meeting.entity_phone,
        entity_email=meeting.entity_email,
    )


def held_for(
    meeting: CanonicalMeeting | Meeting, *, source: Source, published: Sequence[str] = ()
) -> list[str]:
    """What public output must hide of the meeting's free text under its source's policy."""
    if source.contact_policy == ContactPolicy.PUBLISH:
        return []
    return held_values(contact_details_of(meeting), published=published)


@dataclass(frozen=True)
class Saved:
    meeting: Meeting
    change: str  # created | updated | unchanged | restored
    changed_fields: tuple[str, ...]
    timezone_origin: str


def _model_values(
    canonical: CanonicalMeeting, *, source: Source, published: Sequence[str] = ()
) -> tuple[dict[str, Any], str]:
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
        "feed_id": canonical.source_id,
        "contact_details_held": held_for(canonical, source=source, published=published),
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


# Columns that keep track of a meeting rather than describe it: never listed as changed.
_BOOKKEEPING = frozenset({"fingerprint", "local_edits", "contact_details_held", "feed_id"})


@transaction.atomic(savepoint=False)
def save_meeting(
    *,
    source: Source,
    canonical: CanonicalMeeting,
    actor_id: int | None = None,
    import_run: ImportRun | None = None,
    now: datetime | None = None,
    timezone_origin: str | None = None,
    feed_fingerprint: str | None = None,
    local_edits: dict[str, Any] | None = None,
) -> Saved:
    """Create the meeting, or update it in place; record which fields changed.

    The caller holds the transaction (an import applies a whole feed in one). An unchanged
    meeting (same fingerprint) is not written at all, not even `last_verified_at`: the import
    run records the verification, so a re-import of an unchanged feed writes no meeting row.
    ``feed_fingerprint`` is what the feed gave when ``canonical`` carries a maintainer's edits
    (``local_edits``, stored with it): the next import compares against the feed, not the edit.
    """
    now = now or timezone.now()
    source_key = source_key_for(canonical)
    existing = Meeting.objects.filter(source=source, source_key=source_key).first()
    stored_fingerprint = feed_fingerprint or fingerprint(canonical)
    unchanged = existing is not None and existing.fingerprint == stored_fingerprint
    if existing is not None and unchanged and existing.removed_at is None and local_edits is None:
        return Saved(existing, "unchanged", (), existing.timezone_origin)
    version.bump()
    published = existing.contact_details_published if existing is not None else ()
    values, how = _model_values(canonical, source=source, published=published)
    values["fingerprint"] = stored_fingerprint
    if local_edits is not None:
        values["local_edits"] = local_edits
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
        if name not in _BOOKKEEPING and getattr(existing, name) != value
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
    import_map: dict[str, Any] | None = None,
    removal_limit: int | None = None,
    contact_policy: str | None = None,
    url: str | None = None,
    refresh_hours: int | None = None,
    name: str | None = None,
    actor_id: int | None = None,
) -> Source:
    """Set a source's settings; None leaves one as it is. They persist: a re-import without
    `import-feed --timezone/--fellowship/--map` must not move every meeting to another zone or
    fellowship, or read the file's columns differently. ``refresh_hours`` 0 turns scheduled
    refreshes off. A new contact policy applies at once to the source's listed meetings."""
    errors: dict[str, str] = {}
    changed: list[str] = []

    def put(field_name: str, value: Any) -> None:
        if getattr(source, field_name) != value:
            setattr(source, field_name, value)
            changed.append(field_name)

    if default_timezone is not None and default_timezone != source.default_timezone:
        if default_timezone:
            try:
                default_timezone = check_timezone(default_timezone)
            except ValueError as error:
                errors["default_timezone"] = str(error)
        put("default_timezone", default_timezone)
    if default_fellowship:
        fellowship = ensure_fellowship(code=default_fellowship)
        if fellowship.pk != source.default_fellowship_id:
            source.default_fellowship = fellowship
            changed.append("default_fellowship")
    if import_map is not None:
        try:
            csv_legacy.map_from_dict(import_map)
        except FeedError as error:
            errors["import_map"] = str(error)
        put("import_map", import_map)
    if removal_limit is not None:
        if not 0 <= removal_limit <= 100:
            errors["removal_limit"] = _("A percentage from 0 to 100.")
        put("removal_limit", removal_limit)
    if contact_policy is not None:
        if contact_policy not in ContactPolicy.values:
            errors["contact_policy"] = _("Choose to hold them for review or to publish them.")
        put("contact_policy", contact_policy)
    if url is not None:
        url = url.strip()
        if url and web_address(url) is None:
            errors["url"] = _("Give the feed's http:// or https:// address.")
        put("url", url)
    if refresh_hours is not None:
        if not 0 <= refresh_hours <= 24 * 31:
            errors["refresh_hours"] = _("Between 1 hour and 31 days, or 0 for never.")
        put("refresh_hours", refresh_hours or None)
    if name is not None:
        name = " ".join(name.split())
        if not name:
            errors["name"] = _("A source needs a name.")
        put("name", name[:200])
    if errors:
        raise ValidationError(errors)
    if changed:
        source.save(update_fields=changed)
        audit.record(
            action="directory.source_configured",
            actor_id=actor_id,
            object_type="source",
            object_id=source.pk,
        )
        if "contact_policy" in changed:
            version.bump()  # what the source's meetings show in public changes
            _refresh_held(Meeting.objects.filter(source=source), source=source)
    return source


def create_source(*, name: str, url: str, actor: User) -> Source:
    """A directory maintainer adds a source to import from the web (its short name made from
    its name, numbered when taken)."""
    require_maintainer(actor, "directory.source_created")
    if web_address(url.strip()) is None:
        raise ValidationError({"url": _("Give the feed's http:// or https:// address.")})
    base = slugify(name)[:56] or "source"
    slug, number = base, 2
    with transaction.atomic():
        while Source.objects.filter(slug=slug).exists():
            slug, number = f"{base}-{number}", number + 1
        source = ensure_source(slug=slug, name=" ".join(name.split())[:200], actor_id=actor.pk)
        return configure_source(source=source, url=url, actor_id=actor.pk)


def _refresh_held(meetings: QuerySet[Meeting], *, source: Source) -> int:
    """Recompute what each meeting's public output hides (after a policy change or a
    maintainer's publication); returns how many meetings changed."""
    fields = ["pk", *PUBLIC_TEXT_FIELDS, "conference_phone", "entity_phone", "entity_email"]
    changed = []
    for meeting in meetings.only(*fields, "contact_details_held", "contact_details_published"):
        held = held_for(meeting, source=source, published=meeting.contact_details_published)
        if held != meeting.contact_details_held:
            meeting.contact_details_held = held
            changed.append(meeting)
    Meeting.objects.bulk_update(changed, ["contact_details_held"], batch_size=500)
    return len(changed)


def publish_contact_details(*, meeting: Meeting, values: Sequence[str], actor: User) -> Meeting:
    """A directory maintainer publishes phone numbers or email addresses held in a meeting's
    notes (an intergroup's hotline, a group's own address): shown in public from now on, and
    after every re-import of the same text."""
    require_maintainer(actor, "directory.contact_details_published", meeting_id=meeting.pk)
    with transaction.atomic():
        version.bump()  # the public text changes: cached pages, feeds and search must follow
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("source")
            .get(pk=meeting.pk)
        )
        wanted = [value for value in values if value in meeting.contact_details_held]
        if not wanted:
            raise ValidationError({"values": _("Nothing of this meeting is held any more.")})
        before = list(meeting.contact_details_published)
        meeting.contact_details_published = sorted({*before, *wanted})
        meeting.contact_details_held = held_for(
            meeting, source=meeting.source, published=meeting.contact_details_published
        )
        meeting.save(update_fields=["contact_details_published", "contact_details_held"])
        # In the meeting's history too: who made which number public, and when.
        MeetingChange.objects.create(
            meeting=meeting,
            changed_at=timezone.now(),
            actor_id=actor.pk,
            change="updated",
            fields={"contact_details_published": [before, meeting.contact_details_published]},
        )
        audit.record(
            action="directory.contact_details_published",
            actor_id=actor.pk,
            object_type="meeting",
            object_id=meeting.pk,
        )
    return meeting


# --- Import -------------------------------------------------------------------------------------

# Bigger than any real feed (GNYR's 1,555 meetings are 1.6 MB); a bigger file is a mistake.
MAX_FEED_BYTES = 64 * 1024 * 1024
_IMPORTED_EVIDENCE = (EvidenceKind.PUBLISHER_STATEMENT, EvidenceKind.SOURCE_NOTES)


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


@dataclass
class _Applied:
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    evidence_added: int = 0
    evidence_removed: int = 0
    levels: dict[str, list[str]] = field(default_factory=dict)
    kept_edits: dict[str, list[str]] = field(default_factory=dict)
    conflicts: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    contact_problems: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Parsed:
    """What the files of one run gave, before anything is stored."""

    formats: tuple[str, ...]
    records: int
    meetings: tuple[tuple[CanonicalMeeting, str], ...]  # (meeting with its zone, zone origin)
    files: dict[str, str]  # source key → the file the meeting came from
    problems: tuple[dict[str, Any], ...]
    timezones: dict[str, list[str]]
    unknown_codes: dict[str, int]
    without_coordinates: list[str]


def _problem_dict(problem: Problem, *, file: str) -> dict[str, Any]:
    return {"file": file, **asdict(problem)}


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
        action="directory.import",
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
            action="directory.import",
            actor_id=run.actor_id,
            outcome=Outcome.FAILURE,
            object_type="import_run",
            object_id=run.pk,
        )


def _apply(
    *,
    source: Source,
    parsed: _Parsed,
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
            parsed=parsed,
            run=run,
            actor_id=actor_id,
            now=now,
            progress=progress,
            applied=applied,
        )
    finally:
        _RUN_CACHE.reset(token)


def _contact_problems(
    canonical: CanonicalMeeting, *, file: str, source: Source, published: Sequence[str]
) -> list[dict[str, Any]]:
    """The run report's line for each phone number or email address in a meeting's notes."""
    found = contact_details_of(canonical)
    if not found:
        return []
    hold = source.contact_policy == ContactPolicy.HOLD
    labels = {"phone": "a phone number", "email": "an email address"}
    problems = []
    for item in found:
        if not hold:
            status = "published as is (the source's policy)"
        elif item.value in published:
            status = "published by a maintainer"
        else:
            status = "held for review: hidden in public until a maintainer publishes it"
        problems.append(
            _problem_dict(
                Problem(
                    canonical.position,
                    f"{labels[item.kind]} in the {item.field.replace('_', ' ')}: "
                    f"{item.value}; {status}",
                    "warning",
                    item.field,
                    canonical.slug,
                    "contact_in_text",
                ),
                file=file,
            )
        )
    return problems


def _apply_meetings(
    *,
    source: Source,
    parsed: _Parsed,
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
            "pk",
            "source_key",
            "slug",
            "fingerprint",
            "removed_at",
            "timezone_origin",
            "local_edits",
            "contact_details_published",
        )
    }
    meetings = parsed.meetings
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
            saved = _save_from_feed(
                source=source,
                canonical=canonical,
                how=how,
                known=known,
                run=run,
                actor_id=actor_id,
                now=now,
                applied=applied,
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
        existing[created.source_key] = created
    if progress is not None:
        progress(total, total)
    for canonical, _how in meetings:
        key = source_key_for(canonical)
        stored = existing[key]
        applied.contact_problems.extend(
            _contact_problems(
                replace(canonical, slug=stored.slug),
                file=parsed.files.get(key, ""),
                source=source,
                published=stored.contact_details_published,
            )
        )
    touched = _sync_feed_evidence(source=source, in_feed=in_feed, run=run, now=now, applied=applied)
    changed_levels = _refresh_levels(touched | new_or_restored, today=now.date())
    applied.levels = changed_levels
    return applied


def _save_from_feed(
    *,
    source: Source,
    canonical: CanonicalMeeting,
    how: str,
    known: Meeting,
    run: ImportRun,
    actor_id: int | None,
    now: datetime,
    applied: _Applied,
) -> Saved:
    """Save a changed meeting from the feed, keeping a maintainer's edits of the fields the
    feed did not change (and noting in the diff those it did)."""
    if not known.local_edits:
        return save_meeting(
            source=source,
            canonical=canonical,
            actor_id=actor_id,
            import_run=run,
            now=now,
            timezone_origin=how,
        )
    merged = apply_edits(canonical, known.local_edits)
    saved = save_meeting(
        source=source,
        canonical=merged.meeting,
        actor_id=actor_id,
        import_run=run,
        now=now,
        timezone_origin=TimezoneOrigin.MANUAL if "timezone" in merged.kept else how,
        feed_fingerprint=fingerprint(canonical),
        local_edits=merged.edits,
    )
    if merged.kept:
        applied.kept_edits[saved.meeting.slug] = list(merged.kept)
    if merged.conflicts:
        applied.conflicts[saved.meeting.slug] = merged.conflicts
    return saved


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


def _check_reporter_note(note: str) -> str:
    note = " ".join(note.split())
    if len(note) > 500:
        raise ValidationError({"note": _("Keep the note to 500 characters.")})
    return note


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
    *, meeting: Meeting, reporter: User, stance: str, observed_on: date, note: str = ""
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
            note=note,
        )


def _store_report(
    *,
    meeting: Meeting,
    reporter: User,
    is_member: bool,
    stance: str,
    observed_on: date,
    note: str = "",
) -> MatEvidence:
    if meeting.removed_at is not None:
        raise ValidationError({"meeting": _("This meeting is no longer listed.")})
    _check_stance(stance)
    now = timezone.now()
    _check_observed_on(observed_on, today=timezone.localdate())
    note = _check_reporter_note(note)
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
    evidence.reporter_note = note
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
    "REFUSED_REMOVALS",
    "ImportFailed",
    "add_mat_evidence",
    "configure_source",
    "contact_details_of",
    "create_source",
    "feed_evidence",
    "held_for",
    "import_feed",
    "publish_contact_details",
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


def require_maintainer(actor: User, action: str, *, meeting_id: int | None = None) -> None:
    """PermissionDenied (the refusal audited) unless ``actor`` is a directory maintainer."""
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
    require_maintainer(actor, "directory.meeting_created")
    # Maintainers write these listings themselves: a number they type is meant to be seen.
    version.lock()
    source = ensure_source(
        slug=LOCAL_SOURCE,
        name="Listed by this directory's maintainers",
        contact_policy=ContactPolicy.PUBLISH,
        actor_id=actor.pk,
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
    require_maintainer(actor, "directory.meeting_updated", meeting_id=meeting.pk)
    version.lock()
    # Lock the meeting's row only: PostgreSQL locks no row of an outer join (the region).
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("source", "fellowship", "region__parent__parent")
        .get(pk=meeting.pk)
    )
    if meeting.removed_at is not None:
        raise ValidationError({"meeting": _("List this meeting again before editing it.")})
    _check_hand_made(canonical, default_zone=meeting.source.default_timezone)
    canonical = replace(canonical, source_id=meeting.feed_id)
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
    if meeting.source.slug == LOCAL_SOURCE:
        saved = save_meeting(
            source=meeting.source, canonical=canonical, actor_id=actor.pk, timezone_origin=origin
        )
    else:
        # An imported meeting: the edit is kept over the feed until the feed changes the field.
        edits = edits_after(
            before=canonical_from_meeting(meeting),
            after=canonical,
            previous=meeting.local_edits or {},
        )
        saved = save_meeting(
            source=meeting.source,
            canonical=canonical,
            actor_id=actor.pk,
            timezone_origin=origin,
            feed_fingerprint=meeting.fingerprint,
            local_edits=edits,
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
    require_maintainer(actor, "directory.meeting_removed", meeting_id=meeting.pk)
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
    require_maintainer(actor, "directory.meeting_restored", meeting_id=meeting.pk)
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
    "fail_run",
    "remove_meeting_by_maintainer",
    "require_maintainer",
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
