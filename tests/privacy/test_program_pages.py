"""Programs and care teams: Pat's pages (names, never record content), all audited."""

import re

import pytest
from django.core.exceptions import ValidationError

from homegroup.accounts import actions as account_actions
from homegroup.accounts.models import Role
from homegroup.audit.models import AuditEvent
from homegroup.privacy import actions
from homegroup.privacy.models import CareTeamMember, EnrolmentCode
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db

PAGE = "/privacy/program/"


def test_pat_sees_staff_people_and_care_teams_but_no_record_content(client_for, people):
    story = share_as_in_the_story(people)
    body = client_for(people.pat).get(PAGE).content.decode()
    for name in ("Eastside Recovery Program", "Cora", "Dev", "Pat", "Ana"):
        assert name in body
    assert not re.search(r"\bBen\b", body)  # not enrolled here
    for record_words in (
        "Medication",
        "Substance use",
        "Private notes",
        story.program_consent.text,
    ):
        assert record_words not in body
    assert AuditEvent.objects.filter(
        action="privacy.program_viewed", actor_id=people.pat.pk
    ).exists()


def test_pat_assigns_dev_to_anas_care_team_and_removes_him_again(client_for, people):
    pat = client_for(people.pat)
    response = pat.post(
        "/privacy/program/care-team/", {"person": people.ana.pk, "clinician": people.dev.pk}
    )
    assert response.status_code == 302
    member = CareTeamMember.objects.pending().get(clinician=people.dev)
    assigned = AuditEvent.objects.get(action="privacy.care_team_assigned", object_id=str(member.pk))
    assert (assigned.actor_id, assigned.subject_id) == (people.pat.pk, people.ana.pk)
    assert pat.post(f"/privacy/program/care-team/{member.pk}/end/").status_code == 302
    member.refresh_from_db()
    assert member.ended_at is not None  # history kept, place ended
    assert AuditEvent.objects.filter(action="privacy.care_team_ended").exists()


def test_only_the_programs_clinicians_join_a_care_team_and_only_for_enrolled_people(
    client_for, people
):
    pat = client_for(people.pat)
    max_ = pat.post(
        "/privacy/program/care-team/", {"person": people.ana.pk, "clinician": people.max.pk}
    )
    assert max_.status_code == 400
    with pytest.raises(ValidationError):
        actions.assign_clinician(
            program=people.program,
            person_id=people.ben.pk,
            clinician_id=people.dev.pk,
            by=people.pat,
        )
    with pytest.raises(PermissionError):
        actions.assign_clinician(
            program=people.program,
            person_id=people.ana.pk,
            clinician_id=people.dev.pk,
            by=people.cora,
        )


def test_pat_makes_an_enrolment_code_shown_once_and_stored_hashed(client_for, people):
    response = client_for(people.pat).post("/privacy/program/enrolment-codes/")
    code = re.search(r'id="enrolment-code">([A-Z0-9-]+)<', response.content.decode())[1]
    stored = EnrolmentCode.objects.latest("issued_at")
    assert code not in stored.code_hash
    actions.join_program(person=people.ben, code=code)
    stored.refresh_from_db()
    assert stored.used_by_id == people.ben.pk


def test_an_admin_without_a_program_is_told_how_to_get_one(client_for, people):
    pia = account_actions.create_account(
        email="pia@people.test",
        display_name="Pia",
        password="pia's long password 1",
        roles={Role.PROGRAM_ADMIN},
    )
    body = client_for(pia).get(PAGE).content.decode()
    assert "homegroup create-program" in body
    assert client_for(pia).post("/privacy/program/enrolment-codes/").status_code == 404


def test_the_program_page_makes_a_constant_number_of_queries(
    client_for, people, django_assert_max_num_queries
):
    for index in range(6):
        person = account_actions.create_account(
            email=f"p{index}@people.test",
            display_name=f"P{index}",
            password="a long enough password 1",
            roles={Role.PERSON_IN_RECOVERY},
        )
        actions.join_program(
            person=person,
            code=actions.issue_enrolment_code(program=people.program, by=people.pat).code,
        )
        actions.assign_clinician(
            program=people.program, person_id=person.pk, clinician_id=people.dev.pk, by=people.pat
        )
    pat = client_for(people.pat)
    with django_assert_max_num_queries(14):
        assert pat.get(PAGE).status_code == 200
