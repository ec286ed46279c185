"""Measures on request: Cora asks Ana for a questionnaire, the request is written into Ana's
journal through the journal's action and shows on her page; her answer comes back to Cora
through the gate with its scores and the items worth a look. Dev can ask nothing."""

import pytest

from homegroup.audit.models import AuditEvent
from homegroup.journal import actions as journal_actions
from homegroup.journal.models import MeasureRequest
from homegroup.measures import bam
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db


def ask(client, person, instrument="bam"):
    return client.post(f"/care/people/{person.pk}/measure-requests/", {"instrument": instrument})


def answer_the_bam(person):
    answers = {key: 0 for key in bam.INSTRUMENT.keys} | {"14": 4, "2": 20, "3": 20, "8": 3}
    return journal_actions.record_measure(person=person, instrument_id="bam", answers=answers)


def test_cora_asks_ana_for_a_bam_and_ana_sees_the_request(people, client_for):
    share_as_in_the_story(people)
    assert ask(client_for(people.cora), people.ana).status_code == 302
    request = MeasureRequest.objects.get(person=people.ana)
    assert (request.instrument, request.requested_by_id) == ("bam", people.cora.pk)
    assert AuditEvent.objects.filter(
        action="journal.measure_requested", actor_id=people.cora.pk, subject_id=people.ana.pk
    ).exists()
    page = client_for(people.ana).get("/journal/measures/").content.decode()
    assert "Cora asked you for the Brief Addiction Monitor" in page


def test_asking_again_while_a_request_is_open_keeps_one_request(people, client_for):
    cora = client_for(people.cora)
    ask(cora, people.ana)
    ask(cora, people.ana)
    assert MeasureRequest.objects.filter(person=people.ana).count() == 1


def test_anas_answer_answers_the_request_and_cora_sees_the_scores_and_items(people, client_for):
    share_as_in_the_story(people)
    cora = client_for(people.cora)
    ask(cora, people.ana)
    response = answer_the_bam(people.ana)
    request = MeasureRequest.objects.get(person=people.ana)
    assert request.response_id == response.pk
    assert response.requested_by_id == people.cora.pk
    assert "Cora asked you" not in client_for(people.ana).get("/journal/measures/").content.decode()
    page = cora.get(f"/care/people/{people.ana.pk}/").content.decode()
    assert "Latest Brief Addiction Monitor" in page
    assert "Items worth a look:" in page
    assert "answered" in page


def test_dev_outside_the_care_team_cannot_ask_and_the_attempt_is_audited(people, client_for):
    assert ask(client_for(people.dev), people.ana).status_code == 404
    assert not MeasureRequest.objects.exists()
    assert AuditEvent.objects.filter(
        action="care.measure_request_refused", actor_id=people.dev.pk, subject_id=people.ana.pk
    ).exists()


def test_an_unknown_questionnaire_is_refused_with_a_message_and_nothing_written(people, client_for):
    response = client_for(people.cora).post(
        f"/care/people/{people.ana.pk}/measure-requests/", {"instrument": "phq-9"}, follow=True
    )
    assert "Ask for the BAM, the 12-step questions or a look at the network." in (
        response.content.decode()
    )
    assert not MeasureRequest.objects.exists()


def test_requests_stay_out_of_the_clinician_view_when_ana_does_not_share_measures(
    people, client_for
):
    from homegroup.privacy import actions as privacy_actions

    share_as_in_the_story(people)
    cora = client_for(people.cora)
    ask(cora, people.ana)
    privacy_actions.request_restriction(person=people.ana, categories_restricted={"measures"})
    page = cora.get(f"/care/people/{people.ana.pk}/").content.decode()
    assert "waiting" not in page
    assert "Latest Brief Addiction Monitor" not in page


def test_cora_asks_ana_to_look_over_her_network_and_either_answer_closes_it(people, client_for):
    share_as_in_the_story(people)
    cora = client_for(people.cora)
    assert "Important People (look over the support network)" in (
        cora.get(f"/care/people/{people.ana.pk}/").content.decode()
    )
    ask(cora, people.ana, "network")
    ana = client_for(people.ana)
    home = ana.get("/").content.decode()
    assert "Look over your support network" in home
    assert 'href="/journal/network/"' in home
    network_page = ana.get("/journal/network/").content.decode()
    assert "Your counselor asked you to look over your network." in network_page
    assert "Cora asked you" not in ana.get("/journal/measures/").content.decode()

    # Nothing changed: "It is up to date" answers it and dates the indices today.
    assert ana.post("/journal/network/confirm/").status_code == 302
    request = MeasureRequest.objects.get(person=people.ana)
    assert request.answered_at is not None
    assert people.ana.network_snapshots.exists()
    assert AuditEvent.objects.filter(
        action="journal.network_confirmed", subject_id=people.ana.pk
    ).exists()
    assert "Look over your support network" not in ana.get("/").content.decode()
    assert "answered" in cora.get(f"/care/people/{people.ana.pk}/").content.decode()

    # Asked again, a change to the network answers it as well.
    ask(cora, people.ana, "network")
    journal_actions.save_network_member(
        person=people.ana, name="Rosa", relationship="fellowship", contact=5, importance=4
    )
    assert not MeasureRequest.objects.open().filter(person=people.ana).exists()


def test_only_ana_may_confirm_her_network(people, client_for):
    assert client_for(people.cora).post("/journal/network/confirm/").status_code == 403
    assert client_for(None).post("/journal/network/confirm/").status_code == 302  # sign in first
    assert not AuditEvent.objects.filter(action="journal.network_confirmed").exists()
