"""Meetings written from `CanonicalMeeting` values, the shape every importer produces and
every maintainer form builds, so an import and a hand edit take the same path: `save_meeting`
(create or update, with history) and `remove_meeting`; fellowships, sources and regions made
on first use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.directory import version
from homegroup.directory.contact_details import (
    PUBLIC_TEXT_FIELDS,
    Found,
    find_in_listing,
    held_values,
)
from homegroup.directory.importers.canonical import CanonicalMeeting
from homegroup.directory.models import (
    ContactPolicy,
    Fellowship,
    ImportRun,
    Meeting,
    MeetingChange,
    Region,
    Source,
)
from homegroup.lib.timezones import resolve_timezone

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
            action=AuditAction.DIRECTORY_SOURCE_CREATED,
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


def about_meeting(arguments: dict[str, Any]) -> tuple[str, Any]:
    """The meeting an action is about (its own, or its evidence's), for a refusal's audit row
    (`accounts.permissions.requires_role`)."""
    if (meeting := arguments.get("meeting")) is not None:
        return "meeting", meeting.pk
    if (evidence := arguments.get("evidence")) is not None:
        return "meeting", evidence.meeting_id
    return "", ""
