"""The person's recovery tasks: what their counselor asked them to do, "From your counselor".

Thin, like the other journal pages: a person in recovery reads and marks their own tasks
(`RecoveryTask.objects.visible_to`), another person's task is not found (404), every page view is
audited as one `journal.read`. Writes go through `journal.task_actions`.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.journal import task_actions
from homegroup.journal.models import JournalProfile
from homegroup.journal.task_forms import TaskOutcomeForm
from homegroup.journal.tasks import RecoveryTask, TaskStatus
from homegroup.journal.views.common import journal_page, person_required
from homegroup.privacy.access import get_visible_or_404

# Finished tasks stay on the page this long, so the person sees what they did.
FINISHED_SHOWN_DAYS = 60


@person_required
@require_GET
def tasks_page(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    today = JournalProfile.objects.for_person(person).today()
    tasks = list(
        RecoveryTask.objects.visible_to(person)
        .select_related("meeting", "set_by")
        .order_by("set_on", "id")
    )
    since = today - timedelta(days=FINISHED_SHOWN_DAYS)
    return journal_page(
        request,
        "journal/tasks.html",
        {
            "open_tasks": [task for task in tasks if task.is_open],
            "finished": [
                task
                for task in reversed(tasks)
                if not task.is_open and task.status_on is not None and task.status_on >= since
            ],
            "today": today,
        },
        object_type="recovery_task",
    )


@person_required
@require_POST
def task_mark(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    person = request.user
    task = get_visible_or_404(RecoveryTask.objects.all(), person, pk=task_id)
    form = TaskOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect("journal:tasks")
    try:
        task_actions.mark_task(
            task=task,
            by=person,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            day=JournalProfile.objects.for_person(person).today(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        status = form.cleaned_data["status"]
        if status == TaskStatus.DONE:
            messages.success(
                request, _("Well done. Your counselor will see it at your next session.")
            )
        elif status == TaskStatus.NOT_DONE:
            messages.success(request, _("Noted. You can talk it through at your next session."))
        else:
            messages.success(request, _("Back on your list."))
    return redirect("journal:tasks")
