from django.urls import path

from homegroup.privacy.views import break_glass, program, shared_with_me, sharing

app_name = "privacy"

urlpatterns = [
    path("sharing/", sharing.sharing, name="sharing"),
    path("sharing/program/", sharing.share_with_program, name="share-with-program"),
    path("sharing/supporter/", sharing.share_with_supporter, name="share-with-supporter"),
    path("sharing/<id:consent_id>/", sharing.consent_detail, name="consent"),
    path("sharing/<id:consent_id>/revoke/", sharing.revoke, name="revoke"),
    path("sharing/join/", sharing.join_program, name="join-program"),
    path("sharing/programs/<id:enrolment_id>/leave/", sharing.leave_program, name="leave-program"),
    path("sharing/restrictions/", sharing.add_restriction, name="add-restriction"),
    path(
        "sharing/restrictions/<id:restriction_id>/withdraw/",
        sharing.withdraw_restriction,
        name="withdraw-restriction",
    ),
    path("accounting/", sharing.accounting_page, name="accounting"),
    path("shared-with-me/", shared_with_me.shared_with_me, name="shared-with-me"),
    path("program/", program.program_home, name="program"),
    path("program/enrolment-codes/", program.issue_enrolment_code, name="issue-enrolment-code"),
    path("program/care-team/", program.assign_clinician, name="assign-clinician"),
    path(
        "program/care-team/<id:member_id>/end/",
        program.end_care_team_place,
        name="end-care-team-place",
    ),
    path("program/reviews/", program.reviews, name="reviews"),
    path("program/reviews/<id:grant_id>/", program.review, name="review"),
    path("break-glass/<id:person_id>/", break_glass.break_glass, name="break-glass"),
]
