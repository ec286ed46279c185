"""Maintainers' edits (the pages under /directory/manage/): meetings created, edited, removed
and restored by hand through the same `save_meeting` path as an import.
"""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import requires_role
from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.directory import version
from homegroup.directory.actions.mat_evidence import refresh_mat_level
from homegroup.directory.actions.meetings import (
    Saved,
    about_meeting,
    ensure_source,
    remove_meeting,
    save_meeting,
    source_key_for,
)
from homegroup.directory.importers.canonical import CanonicalMeeting
from homegroup.directory.local_edits import edits_after
from homegroup.directory.models import (
    ContactPolicy,
    Meeting,
    MeetingChange,
    TimezoneOrigin,
    canonical_from_meeting,
)
from homegroup.lib.timezones import check_timezone

# Meetings this directory's maintainers list themselves, rather than a feed.
LOCAL_SOURCE = "local"


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


@requires_role(
    Role.DIRECTORY_MAINTAINER, audit=AuditAction.DIRECTORY_MEETING_CREATED, about=about_meeting
)
@transaction.atomic
def create_meeting_by_maintainer(*, canonical: CanonicalMeeting, actor: User) -> Meeting:
    """A directory maintainer lists a meeting by hand, under the source "local".

    A zone the maintainer chose is theirs ("manual"); left empty, it comes from the pin.
    """
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
        action=AuditAction.DIRECTORY_MEETING_CREATED,
        actor_id=actor.pk,
        object_type="meeting",
        object_id=saved.meeting.pk,
    )
    refresh_mat_level(saved.meeting)  # a charter fellowship's meeting is welcoming at once
    return saved.meeting


@requires_role(
    Role.DIRECTORY_MAINTAINER, audit=AuditAction.DIRECTORY_MEETING_UPDATED, about=about_meeting
)
@transaction.atomic
def update_meeting_by_maintainer(
    *, meeting: Meeting, canonical: CanonicalMeeting, actor: User
) -> Saved:
    """A directory maintainer edits a listed meeting; the history records who changed what.

    A changed time zone becomes "manual"; an unchanged one keeps how it was decided; an emptied
    one is decided again from the pin (or the source's default). A new day moves the meeting
    within its source, so its next import still finds it only on the day the feed says.
    """
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
        action=AuditAction.DIRECTORY_MEETING_UPDATED,
        actor_id=actor.pk,
        object_type="meeting",
        object_id=meeting.pk,
    )
    if "fellowship" in saved.changed_fields:
        refresh_mat_level(saved.meeting)  # the charter evidence moves with the fellowship
    return saved


@requires_role(
    Role.DIRECTORY_MAINTAINER, audit=AuditAction.DIRECTORY_MEETING_REMOVED, about=about_meeting
)
@transaction.atomic
def remove_meeting_by_maintainer(*, meeting: Meeting, actor: User) -> None:
    """A directory maintainer takes a meeting off the directory (history and row kept)."""
    if meeting.removed_at is not None:
        return
    remove_meeting(meeting=meeting, actor_id=actor.pk)
    audit.record(
        action=AuditAction.DIRECTORY_MEETING_REMOVED,
        actor_id=actor.pk,
        object_type="meeting",
        object_id=meeting.pk,
    )


@requires_role(
    Role.DIRECTORY_MAINTAINER, audit=AuditAction.DIRECTORY_MEETING_RESTORED, about=about_meeting
)
@transaction.atomic
def restore_meeting_by_maintainer(*, meeting: Meeting, actor: User) -> None:
    """A directory maintainer lists a removed meeting again, as it was. (Its source's next
    import removes it again if the feed no longer has it.)"""
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
        action=AuditAction.DIRECTORY_MEETING_RESTORED,
        actor_id=actor.pk,
        object_type="meeting",
        object_id=meeting.pk,
    )
