"""Twelve-Step Facilitation sessions: the program's clinical record of each session with a person.

A session holds what the Project MATCH manual's session record holds (recovery-care.md §3): its
number, date, duration, modality and topic (`care.session_topics`); the **review** of what
happened since the last session, pre-filled from the journal through the disclosure gate; the
**new material** covered (the topic's checklist: the fidelity record); the **recovery tasks** set
(rows of the person's journal, `journal.tasks`); and a **summary** in plain language for the
person to take home.

The review is stored as a snapshot, section by section, each section under the data category it
was read from (`care.session_review`): when the session is shown again, a section whose category
the current disclosure does not allow stays hidden, so a narrower consent later never shows more.
Counseling notes (`care.models.CounselingNote`) are never part of a session.

Data category: "TSF sessions and recovery tasks". The care team reads sessions through the gate
(`disclosed`), the person their own (`visible_to`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homegroup.encryption.fields import EncryptedTextField
from homegroup.privacy.access import PersonRecordQuerySet
from homegroup.privacy.categories import Category

SUMMARY_MAX = 4000
REVIEW_NOTES_MAX = 4000
MAX_SESSION_NUMBER = 30
MAX_DURATION = 240


class Modality(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")
    CONJOINT = "conjoint", _("Conjoint (with a partner or family member)")


class TSFSessionQuerySet(PersonRecordQuerySet["TSFSession"]):
    category = Category.TSF_SESSIONS.value

    def about(self, person: Any) -> TSFSessionQuerySet:
        return self.filter(person=person)


class TSFSession(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tsf_sessions",
        help_text=_("The person in recovery the session was with."),
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tsf_sessions_held",
        help_text=_("The clinician who held the session."),
    )
    number = models.PositiveSmallIntegerField(
        _("session number"), help_text=_("1 for the first session with this person.")
    )
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    modality = models.CharField(
        _("modality"), max_length=16, choices=Modality.choices, default=Modality.INDIVIDUAL
    )
    topic = models.CharField(
        _("topic"), max_length=40, help_text=_("A code of care.session_topics.TOPICS.")
    )
    items_covered = models.JSONField(
        default=list,
        help_text=_("The topic's checklist items covered (codes): the fidelity record."),
    )
    review = models.JSONField(
        default=dict,
        help_text=_(
            "The review's numbers as read from the journal, keyed by data category "
            "(care.session_review)."
        ),
    )
    review_notes = EncryptedTextField(
        _("what the person told you"),
        blank=True,
        default="",
        help_text=_(
            "Reactions to meetings, barriers, sponsor, urges, in the person's words. Your own "
            "analysis belongs in a counseling note, not here."
        ),
        bound_to=("person_id", "counselor_id", "created_at"),
    )
    summary = EncryptedTextField(
        _("summary"),
        blank=True,
        default="",
        help_text=_("In plain language, for the person to take home."),
        bound_to=("person_id", "counselor_id", "created_at"),
    )
    tasks = models.ManyToManyField(
        "journal.RecoveryTask",
        blank=True,
        related_name="+",
        help_text=_("The recovery tasks set in this session (rows of the person's journal)."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TSFSessionQuerySet.as_manager()

    class Meta:
        app_label = "care"
        ordering = ["held_on", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="one_tsf_session_number"),
        ]

    def __str__(self) -> str:
        return f"TSF session {self.pk}"
