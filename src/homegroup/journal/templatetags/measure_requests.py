"""`{% open_measure_requests as requests %}`: the questionnaires someone on the person's care
team asked them for, on the person's own pages (their own rows only, `visible_to`)."""

from __future__ import annotations

from typing import Any

from django import template

from homegroup.accounts.models import User
from homegroup.journal.actions import NETWORK_REVIEW
from homegroup.journal.models import MeasureRequest
from homegroup.measures import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def open_measure_requests(context: dict[str, Any]) -> list[dict[str, Any]]:
    request = context.get("request")
    user = getattr(request, "user", None)
    found = list(
        MeasureRequest.objects.open()
        .visible_to(user)
        .exclude(instrument=NETWORK_REVIEW)  # asked on the network page, not a questionnaire
        .order_by("requested_at", "id")
    )
    names = dict(
        User.objects.filter(pk__in={r.requested_by_id for r in found}).values_list(
            "pk", "display_name"
        )
    )
    return [
        {
            "request": r,
            "title": str(registry.instrument(r.instrument).title),
            "by": names.get(r.requested_by_id, ""),
        }
        for r in found
    ]
