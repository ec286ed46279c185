"""The audit log and the seals of every sealed ledger.

Rows keep plain ids, never foreign keys, so deleting an account never touches them, and never the
content of a record. See docs/adr/0002-audit-log.md for the tamper evidence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("success")
    FAILURE = "failure", _("failure")
    DENIED = "denied", _("denied")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses bulk edits and deletes from Python; the database refuses them in SQL."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("sealed records are append-only")

    def delete(self) -> NoReturn:
        raise PermissionError("sealed records are append-only")


class AuditEventQuerySet(AppendOnlyQuerySet):
    def about(self, person_id: int) -> AuditEventQuerySet:
        """Everything that happened to one person's record, for their own audit page."""
        return self.filter(subject_id=person_id)

    def by_actor(self, actor_id: int) -> AuditEventQuerySet:
        return self.filter(actor_id=actor_id)


class AuditEvent(models.Model):
    # What the row's MAC covers besides its id and the ledger's name (see ledgers.py).
    SEALED_FIELDS = (
        "occurred_at",
        "actor_id",
        "action",
        "outcome",
        "subject_id",
        "object_type",
        "object_id",
        "request_id",
    )

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
        max_length=64,
        help_text=_("HMAC-SHA256 of this row, its id included, under HOMEGROUP_AUDIT_KEY."),
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"audit {self.pk} {self.action} {self.outcome}"


class AuditSeal(models.Model):
    """Seals a run of one ledger's rows; each seal covers the previous seal's MAC.

    A ledger's first seal is its genesis: it covers no row (after 0, last 0, count 0) and says
    "this ledger starts here". Sealing in batches keeps writers free of a global lock: a row's
    insert never waits for the chain; only the sealer serialises, and it runs rarely.
    """

    ledger = models.CharField(
        max_length=32,
        default="audit",
        help_text=_("Which sealed table: 'audit' (the events) or one an app registered."),
    )
    sealed_at = models.DateTimeField()
    after_event_id = models.BigIntegerField(
        help_text=_("The last row of the previous seal (0 for the genesis and the seal after it).")
    )
    last_event_id = models.BigIntegerField(help_text=_("The last row this seal covers."))
    event_count = models.PositiveIntegerField()
    previous_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["ledger", "last_event_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ledger", "last_event_id"], name="audit_one_seal_per_head"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ledger} seal up to {self.last_event_id}"

    @property
    def is_genesis(self) -> bool:
        return self.after_event_id == 0 and self.last_event_id == 0 and self.event_count == 0


def touched_subjects(*, actor_id: int, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Breach scoping (P2-12): whose records one user touched in [start, end), with counts.

    One grouped query over the indexed actor_id and occurred_at columns.
    """
    return list(
        AuditEvent.objects.by_actor(actor_id)
        .filter(occurred_at__gte=start, occurred_at__lt=end, subject_id__isnull=False)
        .exclude(subject_id=actor_id)
        .values("subject_id")
        .annotate(
            events=models.Count("id"),
            first=models.Min("occurred_at"),
            last=models.Max("occurred_at"),
        )
        .order_by("subject_id")
    )
