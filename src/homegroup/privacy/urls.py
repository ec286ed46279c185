from django.urls import path

from homegroup.privacy import views

app_name = "privacy"

urlpatterns = [
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/program/", views.share_with_program, name="share-with-program"),
    path("sharing/supporter/", views.share_with_supporter, name="share-with-supporter"),
    path("sharing/<id:consent_id>/", views.consent_detail, name="consent"),
    path("sharing/<id:consent_id>/revoke/", views.revoke, name="revoke"),
    path("sharing/join/", views.join_program, name="join-program"),
    path("sharing/programs/<id:enrolment_id>/leave/", views.leave_program, name="leave-program"),
    path("sharing/restrictions/", views.add_restriction, name="add-restriction"),
    path(
        "sharing/restrictions/<id:restriction_id>/withdraw/",
        views.withdraw_restriction,
        name="withdraw-restriction",
    ),
    path("accounting/", views.accounting_page, name="accounting"),
    path("shared-with-me/", views.shared_with_me, name="shared-with-me"),
    path("program/", views.program_home, name="program"),
    path("program/enrolment-codes/", views.issue_enrolment_code, name="issue-enrolment-code"),
    path("program/care-team/", views.assign_clinician, name="assign-clinician"),
    path(
        "program/care-team/<id:member_id>/end/",
        views.end_care_team_place,
        name="end-care-team-place",
    ),
    path("program/reviews/", views.reviews, name="reviews"),
    path("program/reviews/<id:grant_id>/", views.review, name="review"),
    path("break-glass/<id:person_id>/", views.break_glass, name="break-glass"),
]
