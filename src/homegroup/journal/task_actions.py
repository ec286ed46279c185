"""Every write of recovery tasks (`journal.tasks`): keyword-only, validated, audited.

The care app sets a task after it has checked that the counselor is on the person's care team
(`care.session_actions`); the journal writes it and knows nothing more about clinicians. The
person marks their own tasks; a check-in that logs the meeting a task names marks it done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homegroup.accounts.models import User
from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.directory.models import Meeting
from homegroup.journal.tasks import (
    REASON_MAX,
    TASK_TEXT_MAX,
    CompletedBy,
    RecoveryTask,
    TaskKind,
    TaskStatus,
)

# The audit actions of recovery tasks, in one place.
TASK_SET = AuditAction.JOURNAL_RECOVERY_TASK_SET
TASK_MARKED = AuditAction.JOURNAL_RECOVERY_TASK_MARKED
TASK_DONE_BY_CHECK_IN = AuditAction.JOURNAL_RECOVERY_TASK_DONE_BY_CHECK_IN


def _audit(action: AuditAction, *, actor_id: int | None, task: RecoveryTask) -> None:
    audit.record(
        action=action,
        actor_id=actor_id,
        subject_id=task.person_id,
        object_type="recovery_task",
        object_id=str(task.pk),
    )


def _clean_text(value: str, *, field_name: str, maximum: int) -> str:
    text = " ".join(value.split())
    if len(text) > maximum:
        raise ValidationError({field_name: _("At most %(max)s characters.") % {"max": maximum}})
    return text


@transaction.atomic
def set_recovery_task(
    *,
    person: User,
    set_by: User,
    kind: str,
    text: str = "",
    meeting: Meeting | None = None,
    set_on: date,
    now: datetime | None = None,
) -> RecoveryTask:
    """Write a task a counselor set into the person's journal.

    A meeting task names a directory meeting; every other kind says in words what to do."""
    if kind not in TaskKind.values:
        raise ValidationError({"kind": _("Choose what kind of task it is.")})
    text = _clean_text(text, field_name="text", maximum=TASK_TEXT_MAX)
    if kind == TaskKind.MEETING:
        if meeting is None:
            raise ValidationError({"meeting": _("Pick the meeting from the directory.")})
    elif meeting is not None:
        raise ValidationError({"meeting": _("Only a meeting task names a meeting.")})
    elif not text:
        raise ValidationError({"text": _("Say in a few words what to do.")})
    if set_by.pk == person.pk:
        raise PermissionDenied
    now = now or timezone.now()
    task = RecoveryTask(
        person=person,
        set_by=set_by,
        kind=kind,
        text=text,
        meeting=meeting,
        meeting_name=meeting.name[:300] if meeting is not None else "",
        set_on=set_on,
        created_at=now,
        updated_at=now,
    )
    task.save(force_insert=True)
    _audit(TASK_SET, actor_id=set_by.pk, task=task)
    return task


@transaction.atomic
def mark_task(
    *,
    task: RecoveryTask,
    by: User,
    status: str,
    reason: str = "",
    day: date,
    completed_by: str = CompletedBy.PERSON,
    now: datetime | None = None,
) -> RecoveryTask:
    """Done, not done (with the person's reason, if they give one), or back to not yet.

    The person marks their own tasks; the care app passes `completed_by=COUNSELOR` when the
    person tells their counselor in a session (after checking the counselor's place)."""
    if completed_by == CompletedBy.PERSON and by.pk != task.person_id:
        raise PermissionDenied
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Choose done, not done or not yet.")})
    reason = _clean_text(reason, field_name="reason", maximum=REASON_MAX)
    if status != TaskStatus.NOT_DONE:
        reason = ""
    task.status = status
    task.status_on = None if status == TaskStatus.OPEN else day
    task.completed_by = "" if status == TaskStatus.OPEN else completed_by
    task.reason = reason
    task.updated_at = now or timezone.now()
    task.save(update_fields=["status", "status_on", "completed_by", "reason", "updated_at"])
    _audit(TASK_MARKED, actor_id=by.pk, task=task)
    return task


def complete_meeting_tasks(
    *, person: User, day: date, meeting_ids: Iterable[int | None], now: datetime | None = None
) -> list[RecoveryTask]:
    """A check-in logged these directory meetings on `day`: the person's open tasks to go to
    one of them, set on or before that day, are done. Called inside the check-in's transaction.

    One query when no task matches (the usual case), so a check-in stays fast."""
    ids = {meeting_id for meeting_id in meeting_ids if meeting_id is not None}
    if not ids:
        return []
    tasks = list(
        RecoveryTask.objects.filter(person=person, set_on__lte=day).open().for_meeting(ids)
    )
    now = now or timezone.now()
    for task in tasks:
        task.status = TaskStatus.DONE
        task.status_on = day
        task.completed_by = CompletedBy.CHECK_IN
        task.updated_at = now
        task.save(update_fields=["status", "status_on", "completed_by", "updated_at"])
        _audit(TASK_DONE_BY_CHECK_IN, actor_id=person.pk, task=task)
    return tasks
