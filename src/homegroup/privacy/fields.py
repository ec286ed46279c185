"""The one model field for free text that holds a person's own words (H-04)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from homegroup.privacy.crypto import KeyRing, key_ring


def current_key_ring() -> KeyRing:
    return key_ring(settings.HOMEGROUP_FIELD_KEYS)


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as AES-GCM ciphertext; Python code sees plain text.

    Not searchable or sortable in SQL, by design: nothing should query a person's notes.
    """

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return current_key_ring().encrypt(str(value), context=self.context())

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return current_key_ring().decrypt(value, context=self.context())

    def get_lookup(self, lookup_name: str) -> Any:
        # An equality lookup would compare fresh ciphertext with stored ciphertext and never
        # match; refuse it loudly rather than answer wrongly. isnull stays useful.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
