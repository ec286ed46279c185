from django.urls import path

from homegroup.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.report_page, name="report"),
    path("report.json", views.report_json, name="report-json"),
    path("export.csv", views.research_export, name="export"),
    path("tables/<slug:table>.csv", views.table_csv, name="table-csv"),
]
