"""Every write to the directory. Meetings are written from `CanonicalMeeting` values, the shape
every importer produces and every maintainer form builds, so an import and a hand edit take the
same path: `save_meeting` (create or update, with history) and `remove_meeting`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from homegroup.directory.importers.canonical import CanonicalMeeting
from homegroup.directory.models import (
    Fellowship,
    ImportRun,
    Meeting,
    MeetingChange,
    Region,
    Source,
    TimezoneOrigin,
)
from homegroup.lib.timezones import resolve_timezone
from homegroup.privacy import audit

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
        "fellowship": ensure_fellowship(code=canonical.fellowship),
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
        "region": ensure_region_path(canonical.regions),
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
    source_key = f"{canonical.source_id or canonical.slug}:{canonical.day}"
    existing = Meeting.objects.filter(source=source, source_key=source_key).first()
    unchanged = existing is not None and existing.fingerprint == fingerprint(canonical)
    if existing is not None and unchanged and existing.removed_at is None:
        return Saved(existing, "unchanged", (), existing.timezone_origin)
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
