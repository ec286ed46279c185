"""A-01 and issue 8: a refused object lookup answers 404 and writes exactly one denied audit
event (ids only) through `audit.refuse` / `audit.get_or_refuse`; the break-glass page, which
names the person, is audited too."""

import pytest

from homegroup.audit.models import AuditEvent, Outcome
from homegroup.journal import actions as journal_actions
from homegroup.privacy import actions as privacy_actions
from tests.care.care_data import coras_note
from tests.journal.journal_data import buprenorphine
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db


def newest_id():
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def network_member(people):
    member = journal_actions.save_network_member(
        person=people.ana, name="Kim", relationship="friend", contact=6, importance=5
    )
    return f"/journal/network/{member.pk}/edit/", "network_member", member.pk


def measure_response(people):
    response = journal_actions.record_measure(
        person=people.ana,
        instrument_id="aai-core",
        answers={"meetings": 3, "steps": 1, "member": 1},
    )
    return f"/journal/measures/{response.pk}/", "measure_response", response.pk


def medication_plan(people):
    plan = buprenorphine(people.ana)
    return f"/journal/medication/{plan.pk}/edit/", "medication_plan", plan.pk


@pytest.mark.parametrize("made", [network_member, measure_response, medication_plan])
def test_another_persons_journal_object_is_404_and_one_denied_event(people, client_for, made):
    path, object_type, object_id = made(people)
    ben = client_for(people.ben)
    last = newest_id()
    assert ben.get(path).status_code == 404
    [refused] = AuditEvent.objects.filter(id__gt=last)
    assert (refused.action, refused.outcome) == ("access.refused", Outcome.DENIED)
    assert (refused.actor_id, refused.subject_id) == (people.ben.pk, people.ana.pk)
    assert (refused.object_type, refused.object_id) == (object_type, str(object_id))


def test_another_clinicians_counseling_note_is_404_and_one_denied_event(people, client_for):
    note = coras_note(people)
    dev = client_for(people.dev)
    last = newest_id()
    assert dev.get(f"/care/counseling-notes/{note.pk}/").status_code == 404
    [refused] = AuditEvent.objects.filter(id__gt=last)
    assert (refused.actor_id, refused.subject_id, refused.outcome) == (
        people.dev.pk,
        people.ana.pk,
        Outcome.DENIED,
    )
    assert (refused.object_type, refused.object_id) == ("counseling_note", str(note.pk))


def test_a_missing_object_is_refused_the_same_way_without_a_subject(people, client_for):
    ben = client_for(people.ben)
    last = newest_id()
    assert ben.get("/journal/network/987654/edit/").status_code == 404
    [refused] = AuditEvent.objects.filter(id__gt=last)
    assert (refused.subject_id, refused.object_id, refused.outcome) == (
        None,
        "987654",
        Outcome.DENIED,
    )


def test_the_refusal_is_ids_only(people, client_for):
    path, _type, _id = network_member(people)
    client_for(people.ben).get(path)
    refused = AuditEvent.objects.get(action="access.refused")
    assert "Kim" not in " ".join(
        str(getattr(refused, f.attname)) for f in AuditEvent._meta.concrete_fields
    )


def test_the_break_glass_page_is_audited_as_denied_until_a_grant_opens(people, client_for):
    dev = client_for(people.dev)
    page = dev.get(f"/privacy/break-glass/{people.ana.pk}/")
    assert page.status_code == 200
    viewed = AuditEvent.objects.get(action="privacy.break_glass_viewed")
    assert (viewed.actor_id, viewed.subject_id, viewed.outcome) == (
        people.dev.pk,
        people.ana.pk,
        Outcome.DENIED,
    )
    privacy_actions.open_break_glass(
        clinician=people.dev, person_id=people.ana.pk, reason="Unresponsive at the clinic door."
    )
    dev.get(f"/privacy/break-glass/{people.ana.pk}/")
    latest = AuditEvent.objects.filter(action="privacy.break_glass_viewed").latest("id")
    assert latest.outcome == Outcome.SUCCESS


def test_break_glass_for_someone_outside_the_program_is_404_and_denied(people, client_for):
    assert client_for(people.dev).get(f"/privacy/break-glass/{people.ben.pk}/").status_code == 404
    refused = AuditEvent.objects.get(action="privacy.break_glass_viewed")
    assert (refused.subject_id, refused.outcome) == (people.ben.pk, Outcome.DENIED)


def test_another_persons_consent_is_404_and_one_denied_event(people, client_for):
    story = share_as_in_the_story(people)
    ben = client_for(people.ben)
    last = newest_id()
    assert ben.get(f"/privacy/sharing/{story.program_consent.pk}/").status_code == 404
    [refused] = AuditEvent.objects.filter(id__gt=last)
    assert (refused.object_type, refused.subject_id) == ("consent", people.ana.pk)


def test_the_person_sees_the_refused_attempt_on_their_audit_page(people, client_for):
    path, _type, _id = network_member(people)
    client_for(people.ben).get(path)
    page = client_for(people.ana).get("/journal/audit/").content.decode()
    assert "tried to open your record — it was refused" in page
