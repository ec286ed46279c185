from django.urls import path

from homegroup.care import views

app_name = "care"

urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/print/", views.person_print, name="person-print"),
    path("people/<int:person_id>/fhir/", views.person_fhir, name="person-fhir"),
    path(
        "people/<int:person_id>/counseling-notes/",
        views.counseling_notes,
        name="counseling-notes",
    ),
    path("counseling-notes/<int:note_id>/", views.counseling_note, name="counseling-note"),
    path(
        "care-teams/<int:member_id>/confirm/",
        views.confirm_care_team_place,
        name="confirm-care-team-place",
    ),
    path(
        "care-teams/<int:member_id>/decline/",
        views.decline_care_team_place,
        name="decline-care-team-place",
    ),
]
