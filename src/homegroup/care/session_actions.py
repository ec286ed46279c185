"""Every write of TSF sessions, and the recovery tasks a session sets (written into the person's
journal through `journal.task_actions`).

Only a clinician on the person's care team now records a session or sets a task; a session is
edited by the clinician who held it. A refused attempt is audited before anything is validated,
so the error says nothing about the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homegroup.accounts.models import User
from homegroup.audit import actions as audit
from homegroup.audit.models import Outcome
from homegroup.audit.vocabulary import AuditAction
from homegroup.care import session_topics
from homegroup.care.session_models import (
    MAX_DURATION,
    MAX_SESSION_NUMBER,
    REVIEW_NOTES_MAX,
    SUMMARY_MAX,
    Modality,
    TSFSession,
)
from homegroup.directory.models import Meeting
from homegroup.journal import task_actions
from homegroup.journal.tasks import RecoveryTask
from homegroup.privacy import gate

# The audit actions of sessions, in one place.
SESSION_WRITTEN = AuditAction.CARE_TSF_SESSION_WRITTEN
SESSION_EDITED = AuditAction.CARE_TSF_SESSION_EDITED
SESSION_TASK_SET = AuditAction.CARE_TSF_SESSION_TASK_SET


@dataclass(frozen=True)
class SessionValues:
    number: int
    held_on: date
    duration_minutes: int
    modality: str
    topic: str
    items_covered: list[str]
    review_notes: str = ""
    summary: str = ""


def _refuse(action: AuditAction, counselor: Any, person_id: int) -> None:
    audit.record(
        action=action,
        actor_id=getattr(counselor, "pk", None),
        subject_id=person_id,
        outcome=Outcome.DENIED,
    )
    raise PermissionDenied


def _clean(values: SessionValues) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if not 1 <= values.number <= MAX_SESSION_NUMBER:
        errors["number"] = _("A session number from 1 to %(max)s.") % {"max": MAX_SESSION_NUMBER}
    if not 5 <= values.duration_minutes <= MAX_DURATION:
        errors["duration_minutes"] = _("Between 5 and %(max)s minutes.") % {"max": MAX_DURATION}
    if values.modality not in Modality.values:
        errors["modality"] = _("Choose individual, group or conjoint.")
    if values.topic not in session_topics.BY_CODE:
        errors["topic"] = _("Choose a topic from the list.")
    # A day of slack: the clinician's "today" may be ahead of UTC.
    if values.held_on > timezone.now().date() + timedelta(days=1):
        errors["held_on"] = _("A session cannot be in the future.")
    notes = values.review_notes.strip()
    summary = values.summary.strip()
    if len(notes) > REVIEW_NOTES_MAX:
        errors["review_notes"] = _("At most %(max)s characters.") % {"max": REVIEW_NOTES_MAX}
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = _("At most %(max)s characters.") % {"max": SUMMARY_MAX}
    if errors:
        raise ValidationError(errors)
    return {
        "number": values.number,
        "held_on": values.held_on,
        "duration_minutes": values.duration_minutes,
        "modality": values.modality,
        "topic": values.topic,
        "items_covered": session_topics.covered_items(values.topic, values.items_covered),
        "review_notes": notes,
        "summary": summary,
    }


def _number_taken(error: IntegrityError) -> ValidationError:
    return ValidationError({"number": _("This person already has a session with that number.")})


def next_number(person: User) -> int:
    last = TSFSession.objects.about(person).order_by("-number").values_list("number", flat=True)
    return (last.first() or 0) + 1


def record_session(
    *, counselor: User, person: User, values: SessionValues, review: dict[str, Any]
) -> TSFSession:
    """A clinician on the person's care team records a session, with the review as read."""
    if not gate.on_care_team(counselor, person):
        _refuse(SESSION_WRITTEN, counselor, person.pk)
    fields = _clean(values)
    now = timezone.now()
    try:
        with transaction.atomic():
            session = TSFSession(
                person=person, counselor=counselor, review=review, created_at=now, updated_at=now
            )
            for name, value in fields.items():
                setattr(session, name, value)
            session.save(force_insert=True)
            audit.record(
                action=SESSION_WRITTEN,
                actor_id=counselor.pk,
                subject_id=person.pk,
                object_type="tsf_session",
                object_id=session.pk,
            )
    except IntegrityError as error:
        raise _number_taken(error) from error
    return session


def update_session(*, session: TSFSession, counselor: User, values: SessionValues) -> TSFSession:
    """The clinician who held the session corrects it, while still on the care team."""
    if session.counselor_id != counselor.pk or not gate.on_care_team(counselor, session.person_id):
        _refuse(SESSION_EDITED, counselor, session.person_id)
    fields = _clean(values)
    try:
        with transaction.atomic():
            for name, value in fields.items():
                setattr(session, name, value)
            session.updated_at = timezone.now()
            session.save()
            audit.record(
                action=SESSION_EDITED,
                actor_id=counselor.pk,
                subject_id=session.person_id,
                object_type="tsf_session",
                object_id=session.pk,
            )
    except IntegrityError as error:
        raise _number_taken(error) from error
    return session


@transaction.atomic
def set_task(
    *,
    session: TSFSession,
    counselor: User,
    kind: str,
    text: str = "",
    meeting: Meeting | None = None,
) -> RecoveryTask:
    """A recovery task set in a session, written into the person's journal."""
    if session.counselor_id != counselor.pk or not gate.on_care_team(counselor, session.person_id):
        _refuse(SESSION_TASK_SET, counselor, session.person_id)
    task = task_actions.set_recovery_task(
        person=session.person,
        set_by=counselor,
        kind=kind,
        text=text,
        meeting=meeting,
        set_on=session.held_on,
    )
    session.tasks.add(task)
    audit.record(
        action=SESSION_TASK_SET,
        actor_id=counselor.pk,
        subject_id=session.person_id,
        object_type="tsf_session",
        object_id=session.pk,
    )
    return task
