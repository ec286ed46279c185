"""Clinicians' own records about the people they care for.

`CounselingNote` is the SUD counseling note of 42 CFR 2.11 (P2-03): a clinician's notes analysing
a counseling conversation. It lives in its own table, apart from the person's journal, its body
is encrypted, and it is **author-only**: `visible_to(user)` is the notes that user wrote (not the
person's, not the rest of the care team's). It leaves its author only through a disclosure that a
counseling-notes consent allows (`rules.decide` keeps the category out of every other consent and
out of break-glass), so every export, search, API and FHIR path leaves it out by default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homegroup.encryption.fields import EncryptedTextField
from homegroup.privacy import rules
from homegroup.privacy.access import PersonRecordQuerySet
from homegroup.privacy.categories import Category

if TYPE_CHECKING:
    from homegroup.privacy.gate import Disclosure

BODY_MAX = 20_000


class CounselingNoteQuerySet(PersonRecordQuerySet["CounselingNote"]):
    category = Category.COUNSELING_NOTES.value

    def visible_to(self, user: Any) -> CounselingNoteQuerySet:
        """The notes the user wrote: author-only (P2-03), so not even the person's own pages
        or another clinician of the care team find them."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(author=user)

    def disclosed(self, disclosure: Disclosure) -> CounselingNoteQuerySet:
        # A person's own read is not a release: only a counseling-notes consent is.
        if disclosure.basis != rules.CONSENT:
            return self.none()
        return super().disclosed(disclosure)  # type: ignore[return-value]

    def about(self, person: Any) -> CounselingNoteQuerySet:
        return self.filter(person=person)


class CounselingNote(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="counseling_notes_written",
        help_text=_("The clinician who held the session and wrote the note: its only reader."),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="counseling_notes_about",
        help_text=_("The person in recovery the session was with."),
    )
    session_date = models.DateField(_("session date"))
    body = EncryptedTextField(
        _("note"),
        help_text=_("The clinician's analysis of the session. Encrypted; never exported."),
        bound_to=("author_id", "person_id", "created_at"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CounselingNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-session_date", "-id"]
        indexes = [models.Index(fields=["author", "person"], name="counseling_note_author")]

    def __str__(self) -> str:
        return f"counseling note {self.pk}"


# --- Alerts ---------------------------------------------------------------------------------------


class AlertStatus(models.TextChoices):
    OPEN = "open", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SNOOZED = "snoozed", _("Snoozed")
    RESOLVED = "resolved", _("Resolved")


# Statuses an alert shows with on the caseload (a snoozed one shows again when its time is up).
SHOWN_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SNOOZED)


class AlertQuerySet(models.QuerySet["Alert"]):
    def about_people(self, person_ids: Any) -> AlertQuerySet:
        return self.filter(person_id__in=person_ids)

    def showing(self, now: Any) -> AlertQuerySet:
        """Alerts that need a look: new or acknowledged, and snoozed ones whose time is up."""
        return self.filter(
            models.Q(status__in=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED))
            | models.Q(status=AlertStatus.SNOOZED, snoozed_until__lte=now)
        )


class Alert(models.Model):
    """One finding of an alert rule (`care.alert_rules`) about one person, kept for good: a
    clinician acknowledges, snoozes or resolves it, and nothing is ever deleted.

    `categories` are the data categories the finding rests on: an alert is shown only through a
    disclosure that allows every one of them, so an alert on something the person stops sharing
    disappears from view (and comes back if they share it again)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_alerts"
    )
    rule = models.CharField(max_length=32, help_text=_("care.alert_rules rule id."))
    rule_version = models.CharField(max_length=16)
    key = models.CharField(
        max_length=64, help_text=_("The episode the finding is about: seen again, it is one alert.")
    )
    categories = models.JSONField(help_text=_("Data categories the finding rests on."))
    facts = models.JSONField(help_text=_("The numbers and dates the evidence sentences show."))
    raised_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the rule stopped finding it (the person checked in again, say)."),
    )
    updated_at = models.DateTimeField()

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "rule", "key"], name="care_one_alert_per_episode"
            )
        ]
        indexes = [models.Index(fields=["person", "status"], name="care_alert_person_status")]

    def __str__(self) -> str:
        return f"alert {self.pk}"

    def shown_through(self, allowed: frozenset[str]) -> bool:
        return set(self.categories) <= allowed

    @property
    def title(self) -> str:
        from homegroup.care import alert_wording  # wording needs translations, not the model

        return alert_wording.title(self.rule)


class AlertAction(models.Model):
    """What a clinician did with an alert, with their short note (encrypted): the alert's
    history, append-only by convention (actions never edit or delete one)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="actions")
    actor_id = models.BigIntegerField(help_text=_("The clinician (a plain id, as in the audit)."))
    status = models.CharField(max_length=16, choices=AlertStatus.choices)
    note = EncryptedTextField(
        _("note"), blank=True, default="", bound_to=("alert_id", "actor_id", "acted_at")
    )
    snoozed_until = models.DateTimeField(null=True, blank=True)
    acted_at = models.DateTimeField()

    class Meta:
        ordering = ["acted_at", "id"]

    def __str__(self) -> str:
        return f"alert action {self.pk}"


class AlertRuleSetting(models.Model):
    """A program admin's choice for one alert rule in their program: on or off, and its
    thresholds (`care.alert_rules.RULE_THRESHOLDS`). No row: the rule runs with the defaults."""

    program = models.ForeignKey(
        "privacy.Program", on_delete=models.CASCADE, related_name="alert_rule_settings"
    )
    rule = models.CharField(max_length=32)
    enabled = models.BooleanField(default=True)
    thresholds = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField()
    updated_by_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "rule"], name="care_one_setting_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.rule} in program {self.program_id}"


# Twelve-Step Facilitation sessions live in their own module (issue 15); imported here so Django
# finds the model.
from homegroup.care.session_models import TSFSession  # noqa: E402, F401
