"""P2-04, P2-05, A-05: revoke one recipient of several at once; expiry checked at access."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from homegroup.audit.models import AuditEvent
from homegroup.privacy import actions, gate, rules
from homegroup.privacy.models import Channel, Consent, DisclosureRecord
from tests.people import PASSWORD, share_as_in_the_story

pytestmark = pytest.mark.django_db


def sees(viewer, person, purpose):
    return gate.disclose(
        viewer=viewer,
        person=person,
        categories_requested={"meetings_and_activities", "medication"},
        channel=Channel.PAGE,
        purpose=purpose,
    ).allowed


def test_P2_04_revoking_one_recipient_keeps_the_others(people):
    story = share_as_in_the_story(people)
    actions.revoke_consent(consent=story.sam_consent, by=people.ana, attested=True)
    assert not sees(people.sam, people.ana, rules.PERSONAL_SUPPORT)
    assert sees(people.cora, people.ana, rules.TREATMENT)


def test_P2_04_revocation_is_effective_at_once_and_past_disclosures_stay_accounted(people):
    story = share_as_in_the_story(people)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert sees(people.sam, people.ana, rules.PERSONAL_SUPPORT)
        clock.shift(timedelta(seconds=1))
        actions.revoke_consent(consent=story.sam_consent, by=people.ana, attested=True)
        assert not sees(people.sam, people.ana, rules.PERSONAL_SUPPORT)
    before = DisclosureRecord.objects.get(recipient_user_id=people.sam.pk)
    story.sam_consent.refresh_from_db()
    assert before.occurred_at < story.sam_consent.revoked_at
    assert before.consent_id == story.sam_consent.pk
    assert AuditEvent.objects.filter(
        action="privacy.consent_revoked", object_id=str(story.sam_consent.pk)
    ).exists()


def test_P2_04_revocation_is_in_writing_attested_and_only_by_the_person(people):
    story = share_as_in_the_story(people)
    with pytest.raises(ValidationError):
        actions.revoke_consent(consent=story.sam_consent, by=people.ana, attested=False)
    with pytest.raises(PermissionError):
        actions.revoke_consent(consent=story.sam_consent, by=people.sam, attested=True)
    assert sees(people.sam, people.ana, rules.PERSONAL_SUPPORT)


def test_A_05_revoking_asks_for_the_password_again_when_the_session_is_stale(client_for, people):
    story = share_as_in_the_story(people)
    path = reverse("privacy:revoke", args=[story.sam_consent.pk])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        ana = client_for(people.ana)
        clock.shift(timedelta(minutes=11))
        stale = ana.post(path, {"attested": "on"})
        assert stale["Location"].startswith(reverse("accounts:confirm-password"))
        assert sees(people.sam, people.ana, rules.PERSONAL_SUPPORT)
        ana.post(reverse("accounts:confirm-password"), {"password": PASSWORD})
        assert ana.post(path, {}).status_code == 400  # not attested
        done = ana.post(path, {"attested": "on"})
        assert done["Location"] == reverse("privacy:sharing")
        assert not sees(people.sam, people.ana, rules.PERSONAL_SUPPORT)


def test_P2_05_an_expired_consent_is_inactive_at_the_moment_of_access(people):
    story = share_as_in_the_story(people)  # Sam's consent runs 90 days
    last_day = story.sam_consent.expires_at - timedelta(minutes=1)
    with time_machine.travel(last_day, tick=False):
        assert sees(people.sam, people.ana, rules.PERSONAL_SUPPORT)
    with time_machine.travel(story.sam_consent.expires_at, tick=False):
        assert not sees(people.sam, people.ana, rules.PERSONAL_SUPPORT)
        assert gate.visible_person_ids(people.sam) == set()
        assert sees(people.cora, people.ana, rules.TREATMENT)  # no end date on this one


def test_P2_05_an_unused_sharing_code_stops_working_after_its_days(people):
    signed = actions.sign_consent(
        person=people.ana,
        kind=rules.SPECIFIC,
        categories_chosen={"recovery_time"},
        purposes={rules.PERSONAL_SUPPORT},
        expiry_kind=rules.EXPIRES_ON_DATE,
        expires_on=(timezone.now() + timedelta(days=30)).date(),
        password=PASSWORD,
        recipient_label="Sam",
    )
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        with pytest.raises(ValidationError):
            actions.accept_share(recipient=people.sam, code=signed.share_code)
        signed.consent.refresh_from_db()
        assert signed.consent.status() == "expired"


def test_an_end_of_treatment_consent_does_not_revive_when_the_person_rejoins_the_program(
    people, client_for
):
    story = share_as_in_the_story(people)
    ana, cora = client_for(people.ana), client_for(people.cora)
    record = f"/care/people/{people.ana.pk}/"
    assert cora.get(record).status_code == 200
    enrolment = people.ana.enrolments.get()
    ana.post(reverse("privacy:leave-program", args=[enrolment.pk]))
    assert cora.get(record).status_code == 404
    # Pat gives Ana a new enrolment code; she rejoins and Cora is on her care team again.
    issued = actions.issue_enrolment_code(program=people.program, by=people.pat)
    assert ana.post(reverse("privacy:join-program"), {"code": issued.code}).status_code == 302
    actions.assign_clinician(
        program=people.program, person_id=people.ana.pk, clinician_id=people.cora.pk, by=people.pat
    )
    # Ana signed nothing new: nothing is shared.
    assert cora.get(record).status_code == 404
    assert record not in cora.get("/care/").content.decode()
    assert not sees(people.cora, people.ana, rules.TREATMENT)
    story.program_consent.refresh_from_db()
    assert story.program_consent.status() == "expired"


def test_leaving_a_program_writes_the_end_on_its_end_of_treatment_consents_for_good(people):
    story = share_as_in_the_story(people)
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        actions.leave_program(enrolment=people.ana.enrolments.get(), by=people.ana)
    story.program_consent.refresh_from_db()
    assert story.program_consent.expires_at == moment
    assert AuditEvent.objects.filter(
        action="privacy.consent_ended", object_id=str(story.program_consent.pk)
    ).exists()
    story.sam_consent.refresh_from_db()
    assert story.sam_consent.status() == "active"  # a consent to a named person is untouched


def test_an_end_of_treatment_consent_left_before_this_fix_stays_ended_after_rejoining(people):
    """Data written before leaving wrote the end: the gate still reads the enrolment history."""
    story = share_as_in_the_story(people)
    actions.leave_program(enrolment=people.ana.enrolments.get(), by=people.ana)
    Consent.objects.filter(pk=story.program_consent.pk).update(expires_at=None)  # the old data
    issued = actions.issue_enrolment_code(program=people.program, by=people.pat)
    actions.join_program(person=people.ana, code=issued.code)
    actions.assign_clinician(
        program=people.program, person_id=people.ana.pk, clinician_id=people.cora.pk, by=people.pat
    )
    assert not sees(people.cora, people.ana, rules.TREATMENT)
    assert Consent.objects.get(pk=story.program_consent.pk).status() == "expired"
    assert gate.visible_person_ids(people.cora) == set()


def test_the_migration_writes_the_end_on_consents_left_before_leaving_wrote_it(people):
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "homegroup.privacy.migrations.0009_end_of_treatment_consents_end_for_good"
    )
    story = share_as_in_the_story(people)
    actions.leave_program(enrolment=people.ana.enrolments.get(), by=people.ana)
    left_at = people.ana.enrolments.get().ended_at
    Consent.objects.filter(pk=story.program_consent.pk).update(expires_at=None)  # the old data
    migration.write_ends(apps, None)
    assert Consent.objects.get(pk=story.program_consent.pk).expires_at == left_at
    assert Consent.objects.get(pk=story.sam_consent.pk).expires_at == story.sam_consent.expires_at
