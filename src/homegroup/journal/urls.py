from datetime import date

from django.urls import path, register_converter

from homegroup.journal import data_views, reception_views, views

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
    path("", views.check_in, name="check-in"),
    path("<isodate:day>/", views.check_in, name="day"),
    path("calendar/", views.calendar, name="calendar"),
    path("recovery/", views.recovery, name="recovery"),
    path("medication/", views.medication, name="medication"),
    path("medication/new/", views.medication_new, name="medication-new"),
    path("medication/<id:plan_id>/edit/", views.medication_edit, name="medication-edit"),
    path("medication/<id:plan_id>/delete/", views.medication_delete, name="medication-delete"),
    path(
        "meetings/<id:meeting_id>/reception/",
        reception_views.meeting_reception,
        name="meeting-reception",
    ),
    path("twelve-step/", views.twelve_step, name="twelve-step"),
    path("twelve-step/meetings/", views.twelve_step_meetings, name="twelve-step-meetings"),
    path("twelve-step/service/new/", views.service_new, name="service-new"),
    path("twelve-step/service/<id:commitment_id>/edit/", views.service_edit, name="service-edit"),
    path(
        "twelve-step/service/<id:commitment_id>/delete/",
        views.service_delete,
        name="service-delete",
    ),
    path("network/", views.network_page, name="network"),
    path("network/new/", views.network_new, name="network-new"),
    path("network/<id:member_id>/edit/", views.network_edit, name="network-edit"),
    path("network/<id:member_id>/delete/", views.network_delete, name="network-delete"),
    path("measures/", views.measures, name="measures"),
    path("measures/bam/", views.measure_bam, name="measure-bam"),
    path("measures/aai/", views.measure_aai, name="measure-aai"),
    path("measures/<id:response_id>/", views.measure_result, name="measure-result"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/discreet/", views.discreet_mode, name="discreet-mode"),
    path("progress/", views.progress_page, name="progress"),
    path("data/", data_views.data_page, name="data"),
    path("data/download/<str:export_format>/", data_views.download, name="download"),
    path("data/delete/", data_views.delete_account, name="delete-account"),
    path("data/keep/", data_views.keep_account, name="keep-account"),
    path("audit/", data_views.audit_page, name="audit"),
]
