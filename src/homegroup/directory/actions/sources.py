"""A source's settings and the contact details in its meetings' notes that a maintainer
publishes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import requires_role
from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.directory import version
from homegroup.directory.actions.meetings import (
    about_meeting,
    ensure_fellowship,
    ensure_source,
    held_for,
)
from homegroup.directory.contact_details import (
    PUBLIC_TEXT_FIELDS,
)
from homegroup.directory.importers import (
    FeedError,
    csv_legacy,
)
from homegroup.directory.importers.fields import web_address
from homegroup.directory.models import (
    ContactPolicy,
    Meeting,
    MeetingChange,
    Source,
)
from homegroup.lib.timezones import check_timezone


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
            action=AuditAction.DIRECTORY_SOURCE_CONFIGURED,
            actor_id=actor_id,
            object_type="source",
            object_id=source.pk,
        )
        if "contact_policy" in changed:
            version.bump()  # what the source's meetings show in public changes
            _refresh_held(Meeting.objects.filter(source=source), source=source)
    return source


@requires_role(Role.DIRECTORY_MAINTAINER, audit=AuditAction.DIRECTORY_SOURCE_CREATED)
def create_source(*, name: str, url: str, actor: User) -> Source:
    """A directory maintainer adds a source to import from the web (its short name made from
    its name, numbered when taken)."""
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


@requires_role(
    Role.DIRECTORY_MAINTAINER,
    audit=AuditAction.DIRECTORY_CONTACT_DETAILS_PUBLISHED,
    about=about_meeting,
)
def publish_contact_details(*, meeting: Meeting, values: Sequence[str], actor: User) -> Meeting:
    """A directory maintainer publishes phone numbers or email addresses held in a meeting's
    notes (an intergroup's hotline, a group's own address): shown in public from now on, and
    after every re-import of the same text."""
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
            action=AuditAction.DIRECTORY_CONTACT_DETAILS_PUBLISHED,
            actor_id=actor.pk,
            object_type="meeting",
            object_id=meeting.pk,
        )
    return meeting
