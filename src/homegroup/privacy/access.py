"""The access core: how every app scopes a person's data (A-01).

A model that holds a person's record uses a QuerySet built on `PersonRecordQuerySet`; views fetch
through `visible_to(user)`, so another person's object is simply not found (404, never 403, and
never the data).

`visible_to` stays "the person's own rows": a person's own pages use it, and widening it to
consents would let those pages list someone else's rows without the gate's category filter,
disclosure record or notice. Another person's rows are reached only through a disclosure:
`Model.objects.disclosed(gate.disclose(...))` returns the person's rows when the model's data
category is among the disclosed ones, and none otherwise (deny by default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

from homegroup.audit import actions as audit

if TYPE_CHECKING:
    from homegroup.privacy.gate import Disclosure

_M = TypeVar("_M", bound=models.Model)

# The largest id a BigAutoField holds. A longer id in a URL can name no row, and passing it to
# the database overflows (SQLite) or errors (PostgreSQL): such a URL is simply not found.
MAX_ID = audit.MAX_ID


class PersonRecordQuerySet(models.QuerySet[_M]):
    # The field naming whose record a row belongs to; a model overrides it on its QuerySet.
    person_field = "person"
    # The data category of the model's rows (privacy.categories.Category value). A QuerySet
    # without one is never disclosed to anyone else.
    category: str | None = None

    def disclosed(self, disclosure: Disclosure) -> PersonRecordQuerySet[_M]:
        """The person's rows a disclosure allows, or none: the only way to another's rows."""
        if self.category is None or not disclosure.allows(self.category):
            return self.none()
        return self.filter(**{self.person_field: disclosure.person_id})

    def visible_to(self, user: Any) -> PersonRecordQuerySet[_M]:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(**{self.person_field: user.pk})


def get_visible_or_404(queryset: PersonRecordQuerySet[_M], user: Any, *, pk: Any) -> _M:
    """One object the user may see, or 404 — whether it is missing or someone else's; a refusal
    is one denied audit event naming whose object it was (`audit.get_or_refuse`)."""
    return audit.get_or_refuse(
        queryset.visible_to(user),
        pk,
        actor_id=getattr(user, "pk", None),
        owner_field=queryset.person_field,
    )
