from datetime import date

from django.urls import path, register_converter

from homegroup.journal.views import (
    calendar,
    check_in,
    data,
    home,
    measures,
    medication,
    network,
    pin,
    progress,
    reception,
    recovery,
    settings,
    setup,
    tasks,
    twelve_step,
)

app_name = "journal"


class IsoDateConverter:
    """YYYY-MM-DD in a URL; an impossible date (2025-02-30) does not match, so it is a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)

    def to_url(self, value: date | str) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)


register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    path("", check_in.check_in, name="check-in"),
    path("<isodate:day>/", check_in.check_in, name="day"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("quick/", home.quick_check_in, name="quick-check-in"),
    path("same-as-yesterday/", home.same_as_yesterday, name="same-as-yesterday"),
    path("more/", home.more, name="more"),
    path("setup/", setup.setup, name="setup"),
    path("recovery/", recovery.recovery, name="recovery"),
    path("medication/", medication.medication, name="medication"),
    path("medication/new/", medication.medication_new, name="medication-new"),
    path("medication/<id:plan_id>/edit/", medication.medication_edit, name="medication-edit"),
    path("medication/<id:plan_id>/delete/", medication.medication_delete, name="medication-delete"),
    path(
        "meetings/<id:meeting_id>/reception/",
        reception.meeting_reception,
        name="meeting-reception",
    ),
    path("twelve-step/", twelve_step.twelve_step, name="twelve-step"),
    path("twelve-step/meetings/", twelve_step.twelve_step_meetings, name="twelve-step-meetings"),
    path("twelve-step/service/new/", twelve_step.service_new, name="service-new"),
    path(
        "twelve-step/service/<id:commitment_id>/edit/",
        twelve_step.service_edit,
        name="service-edit",
    ),
    path(
        "twelve-step/service/<id:commitment_id>/delete/",
        twelve_step.service_delete,
        name="service-delete",
    ),
    path("network/", network.network_page, name="network"),
    path("network/new/", network.network_new, name="network-new"),
    path("network/confirm/", network.network_confirm, name="network-confirm"),
    path("network/<id:member_id>/edit/", network.network_edit, name="network-edit"),
    path("network/<id:member_id>/delete/", network.network_delete, name="network-delete"),
    path("measures/", measures.measures, name="measures"),
    path("measures/bam/", measures.measure_bam, name="measure-bam"),
    path("measures/aai/", measures.measure_aai, name="measure-aai"),
    path("measures/<id:response_id>/", measures.measure_result, name="measure-result"),
    path("settings/", settings.settings_page, name="settings"),
    path("settings/discreet/", settings.discreet_mode, name="discreet-mode"),
    path("settings/pin/", pin.set_pin, name="pin"),
    path("settings/reminder/", pin.set_reminder, name="reminder"),
    path("unlock/", pin.unlock, name="unlock"),
    path("progress/", progress.progress_page, name="progress"),
    path("data/", data.data_page, name="data"),
    path("data/download/<str:export_format>/", data.download, name="download"),
    path("data/delete/", data.delete_account, name="delete-account"),
    path("data/keep/", data.keep_account, name="keep-account"),
    path("audit/", data.audit_page, name="audit"),
]

# Recovery tasks "From your counselor" (issue 15), in their own view module.
urlpatterns += [
    path("tasks/", tasks.tasks_page, name="tasks"),
    path("tasks/<id:task_id>/", tasks.task_mark, name="task-mark"),
]
