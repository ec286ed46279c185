"""Sealed ledgers: tables whose rows are MAC'd, sealed in a chain and verified by one command.

The audit log is one; another app registers its own append-only table (privacy registers the
accounting of disclosures) from its AppConfig.ready, so this app never imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models

from homegroup.audit import macs

AUDIT = "audit"


@dataclass(frozen=True)
class Ledger:
    """One sealed table: which model, which of its fields the row MAC covers (besides the id)."""

    name: str
    model: type[models.Model]
    fields: Sequence[str]
    noun: str = "audit row"  # how a finding names one row: "audit row 12"
    time_field: str = "occurred_at"
    mac_field: str = "mac"

    @property
    def table(self) -> str:
        return str(self.model._meta.db_table)

    @cached_property
    def concrete_fields(self) -> list[models.Field[Any, Any]]:
        found = [self.model._meta.get_field(name) for name in self.fields]
        return [field for field in found if isinstance(field, models.Field)]

    def values(self, row: Any) -> list[Any]:
        """The canonical values of an instance, or of a tuple read in `fields` order."""
        concrete = self.concrete_fields
        if isinstance(row, tuple | list):
            raw = list(row)
        else:
            raw = [getattr(row, field.attname) for field in concrete]
        # to_python on both the write and the read path: "7" and 7 are one actor id.
        return [field.to_python(value) for field, value in zip(concrete, raw, strict=True)]

    def mac(self, row_id: int, values: Sequence[Any]) -> str:
        return macs.row_mac(key(), ledger=self.name, row_id=row_id, values=values)


_registry: dict[str, Ledger] = {}


def register(ledger: Ledger) -> None:
    """Called from an AppConfig.ready; registering the same ledger again changes nothing."""
    known = _registry.get(ledger.name)
    if known is not None and known.model is not ledger.model:
        raise ValueError(f"a sealed ledger named {ledger.name!r} is already registered")
    if len(ledger.concrete_fields) != len(ledger.fields):  # a typo fails at start, not later
        raise ValueError(f"the {ledger.name} ledger names fields its model does not have")
    _registry[ledger.name] = ledger


def registered() -> list[Ledger]:
    return [_registry[name] for name in sorted(_registry, key=lambda n: (n != AUDIT, n))]


def get(name: str) -> Ledger:
    try:
        return _registry[name]
    except KeyError:
        raise KeyError(f"no sealed ledger is named {name!r}") from None


def for_model(model: type[models.Model]) -> Ledger:
    for ledger in _registry.values():
        if ledger.model is model:
            return ledger
    raise KeyError(f"{model.__name__} is not a sealed ledger")


def key() -> bytes:
    return str(settings.HOMEGROUP_AUDIT_KEY).encode()
