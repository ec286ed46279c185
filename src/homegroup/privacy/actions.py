"""Writes owned by privacy: key rotation (audit rows are written by `audit.record`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import F, Model, TextField
from django.db.models.functions import Cast

from homegroup.privacy import audit
from homegroup.privacy.fields import EncryptedTextField, current_key_ring


@dataclass(frozen=True)
class RotationCount:
    column: str
    rewritten: int


def encrypted_columns() -> list[tuple[type[Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, EncryptedTextField)
    ]


def rotate_field_keys(*, actor_id: int | None = None, batch: int = 500) -> list[RotationCount]:
    """Re-encrypt every value that is not under the current key; one transaction per column."""
    ring = current_key_ring()
    counts = []
    for model, name in encrypted_columns():
        rewritten = 0
        with transaction.atomic():
            # Cast hides the field's decryption so we can read which key sealed each value.
            raw = (
                model._default_manager.exclude(**{f"{name}__isnull": True})
                .annotate(raw=Cast(F(name), TextField()))
                .values_list("pk", "raw")
            )
            stale = [pk for pk, value in raw.iterator() if ring.key_id_of(value) != ring.current_id]
            for start in range(0, len(stale), batch):
                for obj in model._default_manager.filter(pk__in=stale[start : start + batch]):
                    # Saving the decrypted value writes it again under the current key.
                    model._default_manager.filter(pk=obj.pk).update(**{name: getattr(obj, name)})
                    rewritten += 1
        counts.append(RotationCount(column=f"{model._meta.label}.{name}", rewritten=rewritten))
    audit.record(action="privacy.rotate_field_keys", actor_id=actor_id, object_type="key_ring")
    return counts
