"""The public meeting pages, under /meetings/ (namespace "directory")."""

from django.urls import path

from homegroup.directory import report_views, views

app_name = "directory"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("<slug:slug>/", views.meeting_page, name="meeting"),
    # The MAT report of a person in recovery or a clinician (directory/report_views.py).
    path("<slug:slug>/report/", report_views.report_mat, name="report-mat"),
]
