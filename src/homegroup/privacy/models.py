"""The append-only audit log and its seals (H-05, H-06), and the access core (A-01).

Audit rows keep plain ids, never foreign keys, so deleting an account never touches them, and
never the content of a record. See docs/adr/0002-audit-log.md for the tamper-evidence design.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("success")
    FAILURE = "failure", _("failure")
    DENIED = "denied", _("denied")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses bulk edits and deletes from Python; the database trigger refuses them in SQL."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit records are append-only")

    def delete(self) -> NoReturn:
        raise PermissionError("audit records are append-only")


class AuditEventQuerySet(AppendOnlyQuerySet):
    def about(self, person_id: int) -> AuditEventQuerySet:
        """Everything that happened to one person's record, for their own audit page."""
        return self.filter(subject_id=person_id)

    def by_actor(self, actor_id: int) -> AuditEventQuerySet:
        return self.filter(actor_id=actor_id)


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(db_index=True, help_text=_("UTC."))
    actor_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, help_text=_("The user who acted; empty if anonymous.")
    )
    action = models.CharField(max_length=64, help_text=_("What happened, e.g. 'auth.sign_in'."))
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    subject_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, help_text=_("Whose record was touched, if anyone's.")
    )
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    mac = models.CharField(
        max_length=64, help_text=_("HMAC-SHA256 of this row under HOMEGROUP_AUDIT_KEY.")
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"audit {self.pk} {self.action} {self.outcome}"


class AuditSeal(models.Model):
    """Seals a run of audit rows; each seal covers the previous seal's MAC (a chain of batches).

    Sealing in batches keeps writers free of a global lock: an event insert never waits for the
    chain; only the sealer serialises, and it runs rarely.
    """

    sealed_at = models.DateTimeField()
    after_event_id = models.BigIntegerField(help_text=_("The last event of the previous seal."))
    last_event_id = models.BigIntegerField(unique=True)
    event_count = models.PositiveIntegerField()
    previous_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["last_event_id"]

    def __str__(self) -> str:
        return f"seal up to {self.last_event_id}"
