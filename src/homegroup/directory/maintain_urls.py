"""The directory maintainer's pages, under /directory/manage/ (namespace "maintain")."""

from django.urls import path

from homegroup.directory import maintain_views as views

app_name = "maintain"

urlpatterns = [
    path("", views.sources, name="sources"),
    path("sources/new/", views.source_create, name="source-create"),
    path("sources/<slug:slug>/", views.source_detail, name="source"),
    path("sources/<slug:slug>/import/", views.source_import, name="source-import"),
    path("runs/<id:run_id>/", views.run_detail, name="run"),
    path("runs/<id:run_id>/status/", views.run_status, name="run-status"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<slug:slug>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<slug:slug>/remove/", views.meeting_remove, name="meeting-remove"),
    path("meetings/<slug:slug>/restore/", views.meeting_restore, name="meeting-restore"),
    path("meetings/<slug:slug>/history/", views.meeting_history, name="meeting-history"),
    path(
        "meetings/<slug:slug>/publish-contact/",
        views.meeting_publish_contact,
        name="meeting-publish-contact",
    ),
    path("meetings/<slug:slug>/medication/", views.meeting_medication, name="meeting-medication"),
    path(
        "meetings/<slug:slug>/medication/<id:evidence_id>/withdraw/",
        views.evidence_withdraw,
        name="evidence-withdraw",
    ),
    path("reports/", views.reports, name="reports"),
    path("reports/<id:evidence_id>/review/", views.report_review, name="report-review"),
]
