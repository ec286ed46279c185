"""The navigation: each person sees only what their roles may use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from homegroup.accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    roles: frozenset[Role] | None  # None: every signed-in account


# Each area's entry, shown to the roles that use it.
NAVIGATION: list[NavItem] = [
    NavItem(_("Staff invitations"), "accounts:invitations", frozenset({Role.PROGRAM_ADMIN})),
    NavItem(_("Program"), "privacy:program", frozenset({Role.PROGRAM_ADMIN})),
    NavItem(_("Outcomes"), "outcomes:report", frozenset({Role.PROGRAM_ADMIN})),
    NavItem(_("Alert rules"), "care:alert-rules", frozenset({Role.PROGRAM_ADMIN})),
    NavItem(_("Sharing"), "privacy:sharing", frozenset({Role.PERSON_IN_RECOVERY})),
    NavItem(_("Shared with me"), "privacy:shared-with-me", None),
    NavItem(_("Caseload"), "care:caseload", frozenset({Role.CLINICIAN})),
    NavItem(_("Directory tools"), "maintain:sources", frozenset({Role.DIRECTORY_MAINTAINER})),
    NavItem(_("Check in"), "journal:check-in", frozenset({Role.PERSON_IN_RECOVERY})),
    NavItem(_("My recovery"), "journal:recovery", frozenset({Role.PERSON_IN_RECOVERY})),
    NavItem(_("My network"), "journal:network", frozenset({Role.PERSON_IN_RECOVERY})),
    NavItem(_("My progress"), "journal:progress", frozenset({Role.PERSON_IN_RECOVERY})),
    NavItem(_("My data"), "journal:data", frozenset({Role.PERSON_IN_RECOVERY})),
    NavItem(_("Account"), "accounts:account", None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        roles = user.roles
        items = [
            {"label": item.label, "url": reverse(item.url_name)}
            for item in NAVIGATION
            if item.roles is None or item.roles & roles
        ]
    return {"nav_items": items, "crisis_lines": settings.HOMEGROUP_CRISIS_LINES}
