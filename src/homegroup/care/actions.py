"""Every write of the care app. Counseling notes are written through privacy's check (P2-03)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homegroup.accounts.models import User
from homegroup.audit import actions as audit
from homegroup.audit.models import Outcome
from homegroup.audit.vocabulary import AuditAction
from homegroup.care.models import BODY_MAX, CounselingNote
from homegroup.privacy import gate


def write_counseling_note(
    *, author: User, person: User, session_date: date, body: str
) -> CounselingNote:
    """A clinician on the person's care team records a counseling session (author-only).

    A clinician who may not write about this person is refused (and the attempt audited)
    before anything is validated, so the error says nothing about the person."""
    if not gate.may_write_counseling_note(author, person):
        audit.record(
            action=AuditAction.CARE_COUNSELING_NOTE_WRITTEN,
            actor_id=getattr(author, "pk", None),
            subject_id=person.pk,
            outcome=Outcome.DENIED,
        )
        raise PermissionDenied
    return _write(author=author, person=person, session_date=session_date, body=body)


@transaction.atomic
def _write(*, author: User, person: User, session_date: date, body: str) -> CounselingNote:
    text = body.strip()
    errors: dict[str, str] = {}
    if not text:
        errors["body"] = _("Write the note.")
    elif len(text) > BODY_MAX:
        errors["body"] = _("At most %(max)s characters.") % {"max": BODY_MAX}
    # A day of slack: the clinician's "today" may be ahead of UTC.
    if session_date > timezone.now().date() + timedelta(days=1):
        errors["session_date"] = _("A session cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    note = CounselingNote.objects.create(
        author=author,
        person=person,
        session_date=session_date,
        body=text,
        created_at=now,
        updated_at=now,
    )
    audit.record(
        action=AuditAction.CARE_COUNSELING_NOTE_WRITTEN,
        actor_id=author.pk,
        subject_id=person.pk,
        object_type="counseling_note",
        object_id=note.pk,
    )
    return note


def note_counseling_notes_read(*, author: User, person_id: int, object_id: object = "") -> None:
    """Audit one read of the author's own notes about a person."""
    audit.record(
        action=AuditAction.CARE_COUNSELING_NOTES_READ,
        actor_id=author.pk,
        subject_id=person_id,
        object_type="counseling_note",
        object_id=str(object_id),
    )
