from django.urls import path

from homegroup.care import session_views, views

app_name = "care"

urlpatterns = [
    path("", views.caseload_page, name="caseload"),
    path("people/", views.people, name="people"),
    path("alerts/<id:alert_id>/", views.alert, name="alert"),
    path("alert-rules/", views.alert_rules_page, name="alert-rules"),
    path("people/<id:person_id>/", views.person, name="person"),
    path("people/<id:person_id>/print/", views.person_print, name="person-print"),
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
    path("people/<id:person_id>/diagnosis-group/", views.diagnosis_group, name="diagnosis-group"),
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

# Twelve-Step Facilitation sessions (issue 15): the clinician's pages, and the person's own.
urlpatterns += [
    path("people/<id:person_id>/sessions/", session_views.sessions, name="sessions"),
    path("people/<id:person_id>/sessions/new/", session_views.session_new, name="session-new"),
    path(
        "people/<id:person_id>/sessions/<id:session_id>/",
        session_views.session,
        name="session",
    ),
    path(
        "people/<id:person_id>/sessions/<id:session_id>/tasks/",
        session_views.session_task,
        name="session-task",
    ),
    path(
        "people/<id:person_id>/sessions/<id:session_id>/meetings/",
        session_views.session_meetings,
        name="session-meetings",
    ),
    path(
        "people/<id:person_id>/sessions/<id:session_id>/summary/",
        session_views.session_summary,
        name="session-summary",
    ),
    path("my-sessions/", session_views.my_sessions, name="my-sessions"),
    path("my-sessions/<id:session_id>/", session_views.my_session, name="my-session"),
]
