"""`{% counselor_tasks day %}` on the check-in page: the person's open tasks "From your
counselor", and for a meeting task a check-in of `day` just marked done, the question "how did
this meeting receive you?" (the directory's anonymous MAT report). One query."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.db.models import Q

from homegroup.journal.tasks import RecoveryTask, TaskKind, TaskStatus

register = template.Library()


@register.inclusion_tag("journal/_counselor_tasks.html", takes_context=True)
def counselor_tasks(context: Any, day: date) -> dict[str, Any]:
    request = context.get("request")
    person = getattr(request, "user", None)
    tasks = list(
        RecoveryTask.objects.visible_to(person)
        .filter(
            Q(status=TaskStatus.OPEN)
            | Q(kind=TaskKind.MEETING, status=TaskStatus.DONE, status_on=day)
        )
        .select_related("meeting")
        .order_by("set_on", "id")
    )
    return {
        "open_tasks": [task for task in tasks if task.is_open],
        "attended": [task for task in tasks if not task.is_open and task.meeting is not None],
        "day": day,
    }
