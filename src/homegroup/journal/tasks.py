"""Recovery tasks: what a counselor asks a person to do before their next Twelve-Step
Facilitation session (a specific meeting, a reading, phone numbers to collect, asking someone to
sponsor them, a service commitment), kept in the person's own journal.

The task belongs to the person's record, so it lives here, in the journal, and is written only
through `journal.task_actions` — which the care app calls when a session sets a task (care may
import the journal, never the reverse; the journal knows the counselor only as the account that
set the task). The person sees each task as "From your counselor" and marks it done or not done;
a check-in that logs the very meeting a meeting task names marks that task done.

The rows are of the data category "TSF sessions and recovery tasks": the care team reads them
through the disclosure gate (`RecoveryTask.objects.disclosed(...)`), the person through
`visible_to`. The free text is encrypted (H-04).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

from homegroup.directory.models import Meeting
from homegroup.encryption.fields import EncryptedTextField
from homegroup.privacy.access import PersonRecordQuerySet
from homegroup.privacy.categories import Category

TASK_TEXT_MAX = 500
REASON_MAX = 300


class TaskKind(models.TextChoices):
    MEETING = "meeting", _("Go to a meeting")
    READING = "reading", _("Reading")
    PHONE_NUMBERS = "phone_numbers", _("Phone numbers to collect")
    SPONSOR = "sponsor", _("Ask someone to sponsor you")
    SERVICE = "service", _("A service commitment")
    OTHER = "other", _("Something else")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Not yet")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


class CompletedBy(models.TextChoices):
    PERSON = "person", _("Marked by you")
    CHECK_IN = "check_in", _("From your check-in")
    COUNSELOR = "counselor", _("Noted in a session")


class RecoveryTaskQuerySet(PersonRecordQuerySet["RecoveryTask"]):
    category = Category.TSF_SESSIONS.value

    def open(self) -> RecoveryTaskQuerySet:
        return self.filter(status=TaskStatus.OPEN)

    def open_for(self, person: Any) -> RecoveryTaskQuerySet:
        """The person's tasks still to do, oldest first: for the person's pages and for a home
        page of open tasks. Callers showing them to anyone but the person start from
        `disclosed(...)`, not from here."""
        return self.filter(person=person).open().order_by("set_on", "id")

    def set_by(self, counselor: Any) -> RecoveryTaskQuerySet:
        return self.filter(set_by=counselor)

    def for_meeting(self, meeting_ids: Any) -> RecoveryTaskQuerySet:
        return self.filter(kind=TaskKind.MEETING, meeting_id__in=meeting_ids)


class RecoveryTask(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recovery_tasks",
        help_text=_("The person in recovery the task is for."),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recovery_tasks_set",
        help_text=_("The counselor who set it (empty once their account is gone)."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=TaskKind.choices)
    text = EncryptedTextField(
        _("task"),
        blank=True,
        default="",
        help_text=_("In plain words, for the person. Encrypted."),
        bound_to=("person_id", "created_at"),
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For a meeting task: the directory's meeting."),
    )
    meeting_name = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("The meeting's name when the task was set, kept if it leaves the directory."),
    )
    set_on = models.DateField(_("set on"))
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    status_on = models.DateField(_("done on"), null=True, blank=True)
    completed_by = models.CharField(max_length=16, choices=CompletedBy.choices, blank=True)
    reason = EncryptedTextField(
        _("why not"),
        blank=True,
        default="",
        help_text=_("The person's own words on why it did not happen, if they want to say."),
        bound_to=("person_id", "created_at"),
    )
    created_at = models.DateTimeField(default=django_timezone.now)
    updated_at = models.DateTimeField(default=django_timezone.now)

    objects = RecoveryTaskQuerySet.as_manager()

    class Meta:
        app_label = "journal"
        ordering = ["set_on", "id"]
        indexes = [models.Index(fields=["person", "status"], name="recovery_task_open")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="meeting") | models.Q(meeting_name__gt=""),
                name="recovery_task_meeting_named",
            ),
        ]

    def __str__(self) -> str:
        return f"recovery task {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    @property
    def title(self) -> str:
        """What the person reads first: the meeting's name for a meeting task, else the text."""
        if self.kind == TaskKind.MEETING:
            return self.meeting_name
        return str(self.text) or str(self.get_kind_display())
