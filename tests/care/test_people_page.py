"""P2-06: /care/people/ — a clinician's people: those on their care teams whose consent covers
them (names only; opening a record asks the gate)."""

import pytest
from django.utils import timezone

from homegroup.accounts import actions as account_actions
from homegroup.accounts.models import Role
from homegroup.audit.models import AuditEvent
from homegroup.privacy import actions as privacy_actions
from homegroup.privacy import categories, gate
from homegroup.privacy.models import DisclosureRecord, ProgramMembership
from tests.people import PASSWORD, share_as_in_the_story

pytestmark = pytest.mark.django_db


def names(client):
    response = client.get("/care/people/")
    assert response.status_code == 200
    return response.content.decode()


def test_P2_06_cora_lists_ana_once_ana_shares_with_her_program(people, client_for):
    cora = client_for(people.cora)
    assert f"/care/people/{people.ana.pk}/" not in names(cora)
    share_as_in_the_story(people)
    assert f"/care/people/{people.ana.pk}/" in names(cora)


def test_P2_06_dev_outside_the_care_team_lists_nobody(people, client_for):
    share_as_in_the_story(people)
    assert f"/care/people/{people.ana.pk}/" not in names(client_for(people.dev))


def test_P2_06_listing_is_audited_but_is_not_a_disclosure(people, client_for):
    share_as_in_the_story(people)
    names(client_for(people.cora))
    assert AuditEvent.objects.filter(action="care.people_viewed", actor_id=people.cora.pk).exists()
    assert not DisclosureRecord.objects.exists()


def test_the_people_list_reads_with_a_constant_number_of_queries(
    people, client_for, django_assert_max_num_queries
):
    share_as_in_the_story(people)
    cora = client_for(people.cora)
    names(cora)
    code_of = people.program
    for number in range(8):
        person = account_actions.create_account(
            email=f"p{number}@people.test",
            display_name=f"P{number}",
            password=PASSWORD,
            roles={Role.PERSON_IN_RECOVERY},
        )
        issued = privacy_actions.issue_enrolment_code(program=code_of, by=people.pat)
        privacy_actions.join_program(person=person, code=issued.code)
        place = privacy_actions.assign_clinician(
            program=code_of, person_id=person.pk, clinician_id=people.cora.pk, by=people.pat
        )
        privacy_actions.confirm_care_team_place(member=place, by=people.cora)
        privacy_actions.sign_consent(
            person=person,
            kind="tpo",
            categories_chosen=categories.DEFAULT_FOR_PROGRAM,
            purposes={"treatment"},
            expiry_kind="end_of_treatment",
            expires_on=None,
            password=PASSWORD,
            recipient_program=code_of,
        )
    with django_assert_max_num_queries(16):
        page = names(cora)
    assert page.count("/care/people/") >= 10  # the nav link and nine people


def test_the_list_leaves_out_break_glass_grants_that_the_gate_would_refuse(people, client_for):
    privacy_actions.open_break_glass(
        clinician=people.dev,
        person_id=people.ana.pk,
        reason="Ana collapsed in the waiting room and needs care now.",
    )
    dev = client_for(people.dev)
    assert f"/care/people/{people.ana.pk}/" in names(dev)
    # Dev leaves the program (no action ends a staff membership yet: ended here directly).
    ProgramMembership.objects.filter(user=people.dev, program=people.program).update(
        ended_at=timezone.now()
    )
    assert dev.get(f"/care/people/{people.ana.pk}/").status_code == 404
    assert f"/care/people/{people.ana.pk}/" not in names(dev)
    assert gate.visible_person_ids(people.dev) == set()


def test_the_list_leaves_out_a_person_who_left_the_program_of_an_open_grant(people, client_for):
    privacy_actions.open_break_glass(
        clinician=people.dev,
        person_id=people.ana.pk,
        reason="Ana collapsed in the waiting room and needs care now.",
    )
    privacy_actions.leave_program(enrolment=people.ana.enrolments.get(), by=people.ana)
    dev = client_for(people.dev)
    assert dev.get(f"/care/people/{people.ana.pk}/").status_code == 404
    assert f"/care/people/{people.ana.pk}/" not in names(dev)
