"""P2-06, P2-04, P2-05, P2-07: the sponsor's or supporter's view, /shared/<person_id>/.

Sam sees what Ana shared with him (recovery time, meetings and activities), never her
medication; every view asks the gate (one disclosure record and one audit event); without an
active consent the answer is 404 and the attempt is audited."""

from datetime import timedelta

import pytest
import time_machine

from homegroup.audit.models import AuditEvent, Outcome
from homegroup.privacy import actions as privacy_actions
from homegroup.privacy.models import DisclosureRecord
from tests.journal.export_data import NOTE, full_journal
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db


def url(people):
    return f"/shared/{people.ana.pk}/"


def denied(people, viewer):
    return AuditEvent.objects.filter(
        action="privacy.disclosure",
        actor_id=viewer.pk,
        subject_id=people.ana.pk,
        outcome=Outcome.DENIED,
    )


def test_P2_06_sam_sees_recovery_time_and_meetings_and_not_medication(people, client_for):
    full_journal(people.ana)
    share_as_in_the_story(people)
    response = client_for(people.sam).get(url(people))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What Ana shares with you" in page
    assert 'id="shared-recovery"' in page
    assert 'id="shared-meetings"' in page
    assert "Serenity Group" in page  # a meeting she attended and her home group
    assert "Tuesday online step study" in page
    for withheld in ("shared-medication", "shared-use", "shared-network", "shared-measures"):
        assert f'id="{withheld}"' not in page
    for secret in ("Buprenorphine", "buprenorphine", "Opioids", "Craving", NOTE.lstrip("=")):
        assert secret not in page


def test_P2_07_the_shared_view_carries_the_notice_and_the_scope(people, client_for):
    share_as_in_the_story(people)
    page = client_for(people.sam).get(url(people)).content.decode()
    assert "42 CFR part 2" in page
    assert "Shown: Meetings and 12-step activities; Recovery time and milestones." in page


def test_P2_08_each_view_is_one_disclosure_record_and_one_audit_event(people, client_for):
    story = share_as_in_the_story(people)
    client_for(people.sam).get(url(people))
    record = DisclosureRecord.objects.get()
    assert (record.recipient_user_id, record.consent_id) == (people.sam.pk, story.sam_consent.pk)
    assert (record.channel, record.purpose) == ("page", "personal_support")
    assert record.categories == ["meetings_and_activities", "recovery_time"]
    assert (
        AuditEvent.objects.filter(action="privacy.disclosure", actor_id=people.sam.pk).count() == 1
    )


def test_P2_06_without_a_share_everyone_else_gets_404_and_is_audited(people, client_for):
    full_journal(people.ana)
    share_as_in_the_story(people)
    for who in (people.ben, people.cora, people.dev, people.pat, people.max):
        response = client_for(who).get(url(people))
        assert response.status_code == 404, who
        assert b"Serenity Group" not in response.content
        assert denied(people, who).count() == 1


def test_P2_06_a_signed_out_visitor_is_sent_to_sign_in(people, client_for):
    share_as_in_the_story(people)
    response = client_for(None).get(url(people))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_P2_04_after_ana_revokes_sams_share_he_gets_404_and_past_views_stay_accounted(
    people, client_for
):
    story = share_as_in_the_story(people)
    sam = client_for(people.sam)
    assert sam.get(url(people)).status_code == 200
    privacy_actions.revoke_consent(consent=story.sam_consent, by=people.ana, attested=True)
    assert sam.get(url(people)).status_code == 404
    assert denied(people, people.sam).count() == 1
    assert DisclosureRecord.objects.filter(recipient_user_id=people.sam.pk).count() == 1
    # Her program share is untouched: revoking one recipient of several.
    assert client_for(people.cora).get(f"/care/people/{people.ana.pk}/").status_code == 200


def test_P2_05_sams_share_ends_at_its_date_checked_at_the_moment_of_access(people, client_for):
    story = share_as_in_the_story(people)
    with time_machine.travel(story.sam_consent.expires_at + timedelta(seconds=1), tick=False):
        assert client_for(people.sam).get(url(people)).status_code == 404
    with time_machine.travel(story.sam_consent.expires_at - timedelta(hours=1), tick=False):
        assert client_for(people.sam).get(url(people)).status_code == 200


def test_ana_opening_her_own_shared_address_goes_to_her_journal(people, client_for):
    response = client_for(people.ana).get(url(people))
    assert response.status_code == 302
    assert response["Location"] == "/journal/recovery/"
    assert not DisclosureRecord.objects.exists()


def test_the_shared_view_reads_with_a_constant_number_of_queries(
    people, client_for, django_assert_max_num_queries
):
    from homegroup.journal import actions as journal_actions
    from tests.journal.journal_data import today_of

    full_journal(people.ana)
    share_as_in_the_story(people)
    sam = client_for(people.sam)
    sam.get(url(people))
    for back in range(3, 60):
        journal_actions.record_check_in(
            person=people.ana,
            day=today_of(people.ana) - timedelta(days=back),
            values=journal_actions.CheckInValues(use_status="none", service=True),
        )
    with django_assert_max_num_queries(30):
        assert sam.get(url(people)).status_code == 200


def test_recovery_time_counts_medication_as_prescribed_as_no_use(people, client_for):
    from homegroup.journal import actions as journal_actions
    from tests.journal.journal_data import buprenorphine, check_in, start_journal

    start_journal(people.ana, recovery_days=45)
    plan = buprenorphine(people.ana)
    check_in(
        people.ana,
        1,
        use_status="none",
        doses=[journal_actions.DoseReport(plan_id=plan.pk, status="taken")],
    )
    share_as_in_the_story(people)
    page = client_for(people.sam).get(url(people)).content.decode()
    assert "45 days" in page
    assert "Buprenorphine" not in page
