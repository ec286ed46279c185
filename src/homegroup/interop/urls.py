"""Calendar files of the directory (one meeting, or the answer to a search) and the FHIR
downloads of a journal and of a disclosed record (namespace "interop").

Included at the site's root before the apps' own URLs, so the paths read /meetings/<slug>.ics,
/meetings.ics, /journal/data/download/fhir/, /care/people/<id>/fhir/ and
/care/people/<id>/sessions/fhir/.
"""

from django.urls import path

from homegroup.interop import views

app_name = "interop"

urlpatterns = [
    path("meetings.ics", views.search_ics, name="search-ics"),
    path("meetings/<slug:slug>.ics", views.meeting_ics, name="meeting-ics"),
    path("journal/data/download/fhir/", views.journal_fhir, name="journal-fhir"),
    path("care/people/<id:person_id>/fhir/", views.person_fhir, name="person-fhir"),
    path("care/people/<id:person_id>/sessions/fhir/", views.sessions_fhir, name="sessions-fhir"),
]
