"""What every journal page shares: the role guard (a person in recovery; others get 403), the
person, and `journal_page`, which audits each page view as one `journal.read`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from homegroup.accounts.models import Role
from homegroup.accounts.permissions import role_required
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.journal import actions

person_required = role_required(Role.PERSON_IN_RECOVERY)
GET_POST = require_http_methods(["GET", "POST"])


def journal_page(
    request: AuthenticatedRequest,
    template: str,
    context: dict[str, Any],
    *,
    object_type: str,
    object_id: object = "",
    status: int = 200,
) -> HttpResponse:
    """Render a journal page, auditing the view as one read of the person's record."""
    person = request.user
    actions.note_read(viewer=person, person=person, object_type=object_type, object_id=object_id)
    return render(request, template, context, status=status)


def directory_search_url() -> str:
    return reverse("directory:search")
