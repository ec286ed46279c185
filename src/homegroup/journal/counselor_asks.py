"""The two things a counselor asks of a person in recovery today, as `from_counselor` providers
for the home page: open recovery tasks from TSF sessions (`journal.tasks`) and questionnaires asked
for on the caseload (`MeasureRequest`). One query each. Registered in `JournalConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from homegroup.journal.from_counselor import MAX_ITEMS, Ask
from homegroup.journal.models import MeasureRequest
from homegroup.journal.tasks import RecoveryTask

# Where each questionnaire a counselor may ask for (`actions.REQUESTABLE`) is answered.
MEASURE_PAGES = {
    "bam": "journal:measure-bam",
    "aai-core": "journal:measure-aai",
    "network": "journal:network",
}
MEASURE_NAMES = {
    "bam": gettext_lazy("Fill in the BAM questionnaire"),
    "aai-core": gettext_lazy("Fill in the 12-step questions"),
    "network": gettext_lazy("Look over your support network"),
}


def open_recovery_tasks(person: Any) -> list[Ask]:
    tasks = RecoveryTask.objects.open_for(person)[:MAX_ITEMS]
    url = reverse("journal:tasks")
    return [Ask(text=task.title, url=url) for task in tasks]


def open_measure_requests(person: Any) -> list[Ask]:
    requests = MeasureRequest.objects.open().visible_to(person).order_by("requested_at")
    return [
        Ask(text=str(MEASURE_NAMES[asked.instrument]), url=reverse(MEASURE_PAGES[asked.instrument]))
        for asked in requests[:MAX_ITEMS]
        if asked.instrument in MEASURE_PAGES
    ]
