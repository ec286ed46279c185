"""The directory maintainer's pages, under /directory/manage/ (namespace "maintain")."""

from django.urls import path

from homegroup.directory import maintain_views as views

app_name = "maintain"

urlpatterns = [
    path("", views.sources, name="sources"),
    path("runs/<id:run_id>/", views.run_detail, name="run"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<slug:slug>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<slug:slug>/remove/", views.meeting_remove, name="meeting-remove"),
    path("meetings/<slug:slug>/restore/", views.meeting_restore, name="meeting-restore"),
    path("meetings/<slug:slug>/history/", views.meeting_history, name="meeting-history"),
    path("reports/", views.reports, name="reports"),
    path("reports/<id:evidence_id>/review/", views.report_review, name="report-review"),
]
