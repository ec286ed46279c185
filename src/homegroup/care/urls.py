from django.urls import path

from homegroup.care import views

app_name = "care"

urlpatterns = [
    path("", views.caseload_page, name="caseload"),
    path("people/", views.people, name="people"),
    path("alerts/<id:alert_id>/", views.alert, name="alert"),
    path("alert-rules/", views.alert_rules_page, name="alert-rules"),
    path("people/<id:person_id>/", views.person, name="person"),
    path("people/<id:person_id>/print/", views.person_print, name="person-print"),
    path("people/<id:person_id>/fhir/", views.person_fhir, name="person-fhir"),
    path(
        "people/<id:person_id>/measure-requests/",
        views.measure_request,
        name="measure-request",
    ),
    path(
        "people/<id:person_id>/counseling-notes/",
        views.counseling_notes,
        name="counseling-notes",
    ),
    path("counseling-notes/<id:note_id>/", views.counseling_note, name="counseling-note"),
    path(
        "care-teams/<id:member_id>/confirm/",
        views.confirm_care_team_place,
        name="confirm-care-team-place",
    ),
    path(
        "care-teams/<id:member_id>/decline/",
        views.decline_care_team_place,
        name="decline-care-team-place",
    ),
]
