"""Issue 10, item 1: a care-team place counts only once the clinician confirms it.

Pat (the program admin) proposes; until the clinician says yes the place opens nothing: no
record, no name on their list of people, no counseling notes. Both see the proposal, and each
step is audited.
"""

import pytest
from django.core.exceptions import ValidationError

from homegroup.audit.models import AuditEvent
from homegroup.privacy import actions, gate
from homegroup.privacy.models import CareTeamMember
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db


def propose_dev(people):
    return actions.assign_clinician(
        program=people.program, person_id=people.ana.pk, clinician_id=people.dev.pk, by=people.pat
    )


def test_a_proposed_place_discloses_nothing_until_the_clinician_confirms(people, client_for):
    share_as_in_the_story(people)  # Ana shares her record with her program's care team
    place = propose_dev(people)
    dev = client_for(people.dev)
    record = f"/care/people/{people.ana.pk}/"
    assert dev.get(record).status_code == 404
    assert people.ana.pk not in gate.visible_person_ids(people.dev)
    assert not gate.may_write_counseling_note(people.dev, people.ana)
    assert dev.get(f"{record}counseling-notes/").status_code == 404

    assert dev.post(f"/care/care-teams/{place.pk}/confirm/").status_code == 302
    assert dev.get(record).status_code == 200
    assert people.ana.pk in gate.visible_person_ids(people.dev)


def test_the_admin_and_the_clinician_both_see_the_proposal(people, client_for):
    place = propose_dev(people)
    program_page = client_for(people.pat).get("/privacy/program/").content.decode()
    assert "waiting for the clinician to confirm" in program_page
    people_page = client_for(people.dev).get("/care/").content.decode()
    assert "Care teams waiting for you" in people_page
    assert f"/care/care-teams/{place.pk}/confirm/" in people_page
    # Cora has nothing waiting: her own place was confirmed when she took it up.
    assert (
        "Care teams waiting for you" not in client_for(people.cora).get("/care/").content.decode()
    )


def test_proposing_confirming_and_declining_are_audited(people, client_for):
    place = propose_dev(people)
    client_for(people.dev).post(f"/care/care-teams/{place.pk}/confirm/")
    confirmed = AuditEvent.objects.get(
        action="privacy.care_team_confirmed", object_id=str(place.pk)
    )
    assert (confirmed.actor_id, confirmed.subject_id) == (people.dev.pk, people.ana.pk)

    second = actions.assign_clinician(
        program=people.program, person_id=people.ana.pk, clinician_id=people.cora.pk, by=people.pat
    )
    assert second.confirmed_at is not None  # already on the team: nothing new to confirm


def test_a_declined_place_ends_and_stays_in_the_history(people, client_for):
    place = propose_dev(people)
    assert client_for(people.dev).post(f"/care/care-teams/{place.pk}/decline/").status_code == 302
    place.refresh_from_db()
    assert place.ended_at is not None
    assert place.ended_by_id == people.dev.pk
    assert AuditEvent.objects.filter(
        action="privacy.care_team_declined", actor_id=people.dev.pk, subject_id=people.ana.pk
    ).exists()
    assert not CareTeamMember.objects.open().filter(clinician=people.dev).exists()
    # Declined is final: the answer can't be changed afterwards.
    assert client_for(people.dev).post(f"/care/care-teams/{place.pk}/confirm/").status_code == 404


def test_only_the_proposed_clinician_answers(people, client_for):
    place = propose_dev(people)
    assert client_for(people.cora).post(f"/care/care-teams/{place.pk}/confirm/").status_code == 404
    with pytest.raises(PermissionError):
        actions.confirm_care_team_place(member=place, by=people.cora)
    with pytest.raises(PermissionError):
        actions.confirm_care_team_place(member=place, by=people.pat)
    place.refresh_from_db()
    assert place.confirmed_at is None


def test_a_clinician_who_left_the_program_cannot_confirm(people):
    place = propose_dev(people)
    membership = people.dev.program_memberships.get()
    membership.ended_at = membership.joined_at
    membership.save(update_fields=["ended_at"])
    with pytest.raises(ValidationError, match="no longer a clinician"):
        actions.confirm_care_team_place(member=place, by=people.dev)


def test_leaving_the_program_ends_proposed_places_too(people):
    place = propose_dev(people)
    actions.leave_program(enrolment=people.ana.enrolments.get(), by=people.ana)
    place.refresh_from_db()
    assert place.ended_at is not None


def test_the_named_people_have_coras_place_confirmed_through_the_action(people):
    place = CareTeamMember.objects.current().get(person=people.ana)
    assert place.clinician == people.cora
    assert AuditEvent.objects.filter(
        action="privacy.care_team_confirmed", actor_id=people.cora.pk, object_id=str(place.pk)
    ).exists()
