"""The access core: how every app scopes a person's data (A-01).

A model that holds a person's record uses a QuerySet built on `PersonRecordQuerySet`; views fetch
through `visible_to(user)`, so another person's object is simply not found (404, never 403, and
never the data). The consent issue widens `visible_to` with care teams and consents, in one place.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

_M = TypeVar("_M", bound=models.Model)


class PersonRecordQuerySet(models.QuerySet[_M]):
    # The field naming whose record a row belongs to; a model overrides it on its QuerySet.
    person_field = "person"

    def visible_to(self, user: Any) -> PersonRecordQuerySet[_M]:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(**{self.person_field: user.pk})


def get_visible_or_404(queryset: PersonRecordQuerySet[_M], user: Any, **lookup: Any) -> _M:
    """One object the user may see, or 404 — whether it is missing or someone else's."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
