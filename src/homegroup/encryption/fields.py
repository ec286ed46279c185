"""The one model field for free text that holds a person's own words (H-04).

Each value is AES-GCM ciphertext whose associated data binds it to where it belongs: the table,
the column, and the parts of its row the field names in `bound_to` — the owner and the row's
natural key (a check-in's note: its person and date). Ciphertext copied into another row or
column, by anyone who can write to the database but holds no key, fails authentication instead
of showing one person's words on another person's page.

The row is needed to open a value, so opening waits until the attribute is read:
`from_db_value` keeps the stored text as `Sealed`, and the field's descriptor opens it with the
row in hand (a value bound through a relation, like a check-in meeting's, reads its parent from
the prefetch). A value that fails authentication is logged as an integrity error (table, column
and row id, never content) and reads as `Unreadable`: "This entry cannot be read." on every page,
API answer and export. Saving its row writes the stored value back untouched.

Writing goes through the row too (`save`, `create`, `bulk_create`): `QuerySet.update()` with a
plain value is refused, because it has no row to bind the value to. The parts in `bound_to`
never change once a row exists.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext

from homegroup.encryption.crypto import LEGACY_PREFIX, IntegrityFailure, KeyRing, key_ring

logger = logging.getLogger(__name__)


def current_key_ring() -> KeyRing:
    return key_ring(settings.HOMEGROUP_FIELD_KEYS)


class Sealed(str):
    """A value as the database holds it: not opened yet, or sealed and ready to be written."""

    __slots__ = ()


class Unreadable(str):
    """A stored value that failed authentication, in place of the words it was meant to hold.

    It reads as "This entry cannot be read." wherever it is shown; `stored` keeps the ciphertext
    so that saving the row leaves it as it was (never re-encrypted as if it were the person's)."""

    stored: str

    def __new__(cls, stored: str) -> Unreadable:
        text = super().__new__(cls, gettext("This entry cannot be read."))
        text.stored = stored
        return text


def _part(value: Any) -> Any:
    """A bound part as JSON, the same whether it came from Python or back from the database."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (int, str)):
        return value
    return str(value)


class _OpenOnRead(DeferredAttribute):
    """Opens a `Sealed` value with its row the first time the attribute is read.

    A data descriptor (it has `__set__`), so that reading goes through `__get__` even when the
    value sits in the instance's `__dict__`, where Django's models keep it."""

    field: EncryptedTextField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)  # loads a deferred value first
        if isinstance(value, Sealed):
            value = self.field.open(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as AES-GCM ciphertext bound to its row; Python code sees plain text.

    `bound_to` names the row's owner and natural key, as attribute paths: `("person_id",
    "date")`, or through a relation `("check_in.person_id", "check_in.date")`.

    Not searchable or sortable in SQL, by design: nothing should query a person's notes.
    """

    descriptor_class = _OpenOnRead
    # Where a value is bound is Python's business: changing it needs a data migration that
    # re-encrypts (see journal 0003), never a change to the column.
    non_db_attrs = (*models.TextField.non_db_attrs, "bound_to")

    def __init__(self, *args: Any, bound_to: Sequence[str] = (), **kwargs: Any) -> None:
        self.bound_to = tuple(bound_to)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.bound_to:
            kwargs["bound_to"] = self.bound_to
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        return [*super().check(**kwargs), *self._check_bound_to()]

    def _check_bound_to(self) -> list[checks.CheckMessage]:
        if not self.bound_to:
            return [
                checks.Error(
                    "an encrypted field must say which parts of its row it is bound to",
                    hint="Add bound_to=(<owner>, <natural key>…), e.g. ('person_id', 'date').",
                    obj=self,
                    id="privacy.E001",
                )
            ]
        unknown = []
        for path in self.bound_to:
            try:
                self.model._meta.get_field(path.split(".", 1)[0])
            except FieldDoesNotExist:
                unknown.append(path)
        return [
            checks.Error(
                f"bound_to names {path!r}, which is not a field of the model",
                obj=self,
                id="privacy.E002",
            )
            for path in unknown
        ]

    # --- Binding ---------------------------------------------------------------------------------

    def related_paths(self) -> list[str]:
        """The relations `bound_to` reads through: to select_related when reading many rows."""
        return sorted({path.rsplit(".", 1)[0] for path in self.bound_to if "." in path})

    def _parts(self, instance: Any) -> list[Any]:
        parts = []
        for path in self.bound_to:
            value = instance
            for name in path.split("."):
                value = getattr(value, name) if value is not None else None
            parts.append(_part(value))
        return parts

    def associated_data(self, instance: Any) -> bytes:
        """What a value of this field on `instance` is bound to (the AES-GCM associated data)."""
        parts = self._parts(instance)
        table = self.model._meta.db_table
        return json.dumps([table, self.column, *parts], separators=(",", ":")).encode()

    def seal(self, instance: Any, plaintext: str) -> Sealed:
        parts = self._parts(instance)
        if not self.bound_to or any(part is None for part in parts):
            raise ValueError(
                f"{self.model._meta.label}.{self.name} cannot be bound to its row: "
                f"{', '.join(self.bound_to) or 'bound_to'} must be set before saving"
            )
        return Sealed(
            current_key_ring().encrypt(plaintext, associated_data=self.associated_data(instance))
        )

    def seal_rows(self, rows: Iterable[Sequence[Any]], plaintext: str = "") -> list[Sealed]:
        """One value sealed for many rows, as `seal` would seal it for each: `rows` gives each
        row's `bound_to` parts in order (a person id, a date). For the synthetic data
        generators, which write millions of rows without model instances."""
        ring = current_key_ring()
        table = self.model._meta.db_table
        sealed = []
        for parts in rows:
            bound = [_part(part) for part in parts]
            if len(bound) != len(self.bound_to) or any(part is None for part in bound):
                raise ValueError(
                    f"{self.model._meta.label}.{self.name} cannot be bound to its row: "
                    f"give {', '.join(self.bound_to) or 'bound_to'} for every row"
                )
            data = json.dumps([table, self.column, *bound], separators=(",", ":")).encode()
            sealed.append(Sealed(ring.encrypt(plaintext, associated_data=data)))
        return sealed

    def open(self, instance: Any, stored: str) -> str:
        try:
            return current_key_ring().decrypt(
                stored, associated_data=self.associated_data(instance)
            )
        except IntegrityFailure as failure:
            # Ids only: which value, never what it says.
            logger.error(
                "integrity error: the encrypted value in %s.%s of row %s %s; shown as unreadable",
                self.model._meta.db_table,
                self.column,
                instance.pk,
                failure,
            )
            return Unreadable(stored)

    # --- Django ------------------------------------------------------------------------------

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if value is None:
            return None
        if isinstance(value, Unreadable):
            return Sealed(value.stored)
        return self.seal(model_instance, str(value))

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, Sealed):
            return value
        raise TypeError(
            f"{self.model._meta.label}.{self.name} is bound to its row: save the row (save, "
            "create, bulk_create) or pass field.seal(row, text), never a plain value"
        )

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else Sealed(value)

    def get_lookup(self, lookup_name: str) -> Any:
        # An equality lookup would compare fresh ciphertext with stored ciphertext and never
        # match; refuse it loudly rather than answer wrongly. isnull stays useful.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


# --- For the migrations that bound every value to its row (journal 0003, care 0002, privacy 0006)


def _legacy_associated_data(model: Any, field: EncryptedTextField) -> bytes:
    # What an `hgenc1` value was bound to: its model and field only.
    return f"{model._meta.label_lower}.{field.name}".encode()


def _rewrite(
    model: Any, names: Sequence[str], rewrite: Any, *, batch: int = 1000
) -> tuple[int, int]:
    rows = model._base_manager
    fields: list[EncryptedTextField] = [model._meta.get_field(name) for name in names]
    related = sorted({path for field in fields for path in field.related_paths()})
    ids = list(rows.order_by("pk").values_list("pk", flat=True))
    rewritten = unreadable = 0
    for start in range(0, len(ids), batch):
        for row in rows.filter(pk__in=ids[start : start + batch]).select_related(*related):
            changes = {}
            for field in fields:
                stored = row.__dict__.get(field.attname)
                if stored is None:
                    continue
                new = rewrite(row, field, stored)
                if new is None:
                    unreadable += 1
                elif new != stored:
                    changes[field.name] = new
            if changes:
                rows.filter(pk=row.pk).update(**changes)
                rewritten += len(changes)
    return rewritten, unreadable


def bind_values_to_rows(model: Any, names: Sequence[str]) -> tuple[int, int]:
    """Re-encrypt the `hgenc1` values of these fields bound to their rows (a migration step).

    A value that already fails (altered before the migration) stays as it is and will read as
    unreadable. Returns (values rewritten, values left unreadable)."""
    ring = current_key_ring()

    def rebind(row: Any, field: EncryptedTextField, stored: str) -> str | None:
        if not stored.startswith(f"{LEGACY_PREFIX}:"):
            return stored  # bound already
        try:
            words = ring.decrypt(
                stored,
                associated_data=_legacy_associated_data(model, field),
                prefix=LEGACY_PREFIX,
            )
        except IntegrityFailure:
            logger.error(
                "integrity error: the encrypted value in %s.%s of row %s failed before binding",
                model._meta.db_table,
                field.column,
                row.pk,
            )
            return None
        return field.seal(row, words)

    return _rewrite(model, names, rebind)


def unbind_values_from_rows(model: Any, names: Sequence[str]) -> tuple[int, int]:
    """The reverse step: back to `hgenc1`, bound to the column only (to migrate backwards)."""
    ring = current_key_ring()

    def unbind(row: Any, field: EncryptedTextField, stored: str) -> str | None:
        if stored.startswith(f"{LEGACY_PREFIX}:"):
            return stored
        words = getattr(row, field.attname)
        if isinstance(words, Unreadable):
            return None
        return Sealed(
            ring.encrypt(
                words,
                associated_data=_legacy_associated_data(model, field),
                prefix=LEGACY_PREFIX,
            )
        )

    return _rewrite(model, names, unbind)
