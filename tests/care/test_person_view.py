"""P2-06, P2-07, H-02: the clinician's read-only view of a person's record (/care/people/<id>/)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from homegroup.audit.models import AuditEvent, Outcome
from homegroup.privacy import actions as privacy_actions
from homegroup.privacy.models import DisclosureRecord
from tests.care.care_data import PRIVATE_CANARY, anas_journal
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db

NOTICE = "42 CFR part 2"


def url(person):
    return f"/care/people/{person.pk}/"


def disclosures(people, viewer):
    return DisclosureRecord.objects.filter(person_id=people.ana.pk, recipient_user_id=viewer.pk)


def denied(people, viewer):
    return AuditEvent.objects.filter(
        action="privacy.disclosure",
        actor_id=viewer.pk,
        subject_id=people.ana.pk,
        outcome=Outcome.DENIED,
    )


def test_P2_06_P2_07_cora_sees_the_consented_categories_with_the_part2_notice(people, client_for):
    anas_journal(people)
    share_as_in_the_story(people)
    response = client_for(people.cora).get(url(people.ana))
    assert response.status_code == 200
    page = response.content.decode()
    assert NOTICE in page
    assert "Shown: Daily check-ins" in page  # the scope summary beside the notice
    for heading in (
        "Recovery time",
        "Meetings and 12-step activities",
        "Medication",
        "Substance use",
        "Support network",
        "Questionnaires and measures",
    ):
        assert heading in page
    assert "Buprenorphine" in page
    assert "Serenity Group" in page
    assert "Risk" in page  # the BAM composites
    assert "Not shared with you:" in page
    assert "Private notes" in page


def test_P2_06_private_notes_never_reach_the_clinician_without_their_consent(people, client_for):
    anas_journal(people)
    share_as_in_the_story(people)
    page = client_for(people.cora).get(url(people.ana)).content.decode()
    assert PRIVATE_CANARY not in page
    assert "Private note:" not in page


def test_P2_06_private_notes_show_when_ana_chose_to_share_them(people, client_for):
    from homegroup.privacy import categories
    from tests.people import PASSWORD

    anas_journal(people)
    privacy_actions.sign_consent(
        person=people.ana,
        kind="tpo",
        categories_chosen=categories.GENERAL,
        purposes={"treatment"},
        expiry_kind="end_of_treatment",
        expires_on=None,
        password=PASSWORD,
        recipient_program=people.program,
    )
    page = client_for(people.cora).get(url(people.ana)).content.decode()
    assert PRIVATE_CANARY in page


def test_P2_06_a_category_ana_did_not_share_is_absent_from_the_page(people, client_for):
    from tests.people import PASSWORD

    anas_journal(people)
    privacy_actions.sign_consent(
        person=people.ana,
        kind="tpo",
        categories_chosen={"meetings_and_activities", "recovery_time"},
        purposes={"treatment"},
        expiry_kind="end_of_treatment",
        expires_on=None,
        password=PASSWORD,
        recipient_program=people.program,
    )
    page = client_for(people.cora).get(url(people.ana)).content.decode()
    assert "Serenity Group" in page
    assert "Buprenorphine" not in page
    for section in ("shared-use", "shared-medication", "shared-network", "shared-measures"):
        assert f'id="{section}"' not in page
    assert "Craving" not in page


def test_P2_09_a_restriction_takes_medication_out_of_the_clinician_view(people, client_for):
    anas_journal(people)
    share_as_in_the_story(people)
    privacy_actions.request_restriction(person=people.ana, categories_restricted={"medication"})
    page = client_for(people.cora).get(url(people.ana)).content.decode()
    assert "Buprenorphine" not in page
    assert "Serenity Group" in page


def test_P2_08_each_view_writes_one_disclosure_record_and_one_audit_event(people, client_for):
    share_as_in_the_story(people)
    before = AuditEvent.objects.filter(action="privacy.disclosure").count()
    client_for(people.cora).get(url(people.ana))
    record = disclosures(people, people.cora).get()
    assert (record.channel, record.purpose, record.basis) == ("page", "treatment", "consent")
    assert AuditEvent.objects.filter(action="privacy.disclosure").count() == before + 1


def test_P2_06_without_consent_cora_gets_404_and_the_attempt_is_audited(people, client_for):
    anas_journal(people)
    response = client_for(people.cora).get(url(people.ana))
    assert response.status_code == 404
    assert "Buprenorphine" not in response.content.decode()
    assert denied(people, people.cora).count() == 1
    assert not DisclosureRecord.objects.exists()


def test_P2_06_dev_outside_the_care_team_gets_404_and_a_denied_audit_row(people, client_for):
    share_as_in_the_story(people)
    response = client_for(people.dev).get(url(people.ana))
    assert response.status_code == 404
    assert denied(people, people.dev).count() == 1
    assert not disclosures(people, people.dev).exists()


def test_P2_06_a_person_who_does_not_exist_is_a_404_like_any_other(people, client_for):
    assert client_for(people.cora).get("/care/people/999999/").status_code == 404


def test_P2_06_pat_and_people_in_recovery_have_no_clinician_view(people, client_for):
    share_as_in_the_story(people)
    for who in (people.pat, people.sam, people.ana, people.ben):
        assert client_for(who).get(url(people.ana)).status_code == 403


def test_P2_06_the_clinician_view_is_read_only(people, client_for):
    share_as_in_the_story(people)
    assert client_for(people.cora).post(url(people.ana)).status_code == 405


def test_P2_04_after_ana_revokes_the_program_consent_cora_gets_404(people, client_for):
    story = share_as_in_the_story(people)
    cora = client_for(people.cora)
    assert cora.get(url(people.ana)).status_code == 200
    privacy_actions.revoke_consent(consent=story.program_consent, by=people.ana, attested=True)
    assert cora.get(url(people.ana)).status_code == 404


def test_H_02_break_glass_opens_the_view_for_dev_for_60_minutes(people, client_for):
    anas_journal(people)
    dev = client_for(people.dev)
    assert dev.get(url(people.ana)).status_code == 404
    grant = privacy_actions.open_break_glass(
        clinician=people.dev,
        person_id=people.ana.pk,
        reason="Ana collapsed in the waiting room; I need her medication list.",
    )
    assert grant.expires_at - grant.opened_at == timedelta(minutes=60)
    response = dev.get(url(people.ana))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Emergency access until" in page
    assert "Buprenorphine" in page
    assert PRIVATE_CANARY not in page  # break-glass never opens the private notes
    record = disclosures(people, people.dev).get()
    assert (record.basis, record.break_glass_id) == ("break_glass", grant.pk)
    with time_machine.travel(grant.expires_at + timedelta(seconds=1), tick=False):
        dev = client_for(people.dev)
        assert dev.get(url(people.ana)).status_code == 404


def test_H_02_break_glass_people_are_listed_with_their_window(people, client_for):
    privacy_actions.open_break_glass(
        clinician=people.dev,
        person_id=people.ana.pk,
        reason="Ana collapsed in the waiting room; I need her medication list.",
    )
    page = client_for(people.dev).get("/care/").content.decode()
    assert "Ana" in page
    assert "Emergency access until" in page


def test_P2_05_an_expired_consent_closes_the_view_at_the_moment_of_access(people, client_for):
    from tests.people import PASSWORD

    privacy_actions.sign_consent(
        person=people.ana,
        kind="tpo",
        categories_chosen={"medication"},
        purposes={"treatment"},
        expiry_kind="date",
        expires_on=(timezone.now() + timedelta(days=2)).date(),
        password=PASSWORD,
        recipient_program=people.program,
    )
    assert client_for(people.cora).get(url(people.ana)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        assert client_for(people.cora).get(url(people.ana)).status_code == 404


def test_the_clinician_view_reads_with_a_constant_number_of_queries(
    people, client_for, django_assert_max_num_queries
):
    from homegroup.journal import actions as journal_actions
    from tests.journal.journal_data import today_of

    anas_journal(people)
    share_as_in_the_story(people)
    cora = client_for(people.cora)
    cora.get(url(people.ana))
    for back in range(3, 40):
        journal_actions.record_check_in(
            person=people.ana,
            day=today_of(people.ana) - timedelta(days=back),
            values=journal_actions.CheckInValues(use_status="none", craving=2, note="more"),
        )
    # The shared record (about 30), the summary's caseload numbers, alert rules and alerts
    # (about 20) and the questionnaire requests: none grows with the history.
    with django_assert_max_num_queries(55):
        assert cora.get(url(people.ana)).status_code == 200


def test_an_id_longer_than_any_database_id_is_a_plain_404(people, client_for):
    big = 10**22
    cora = client_for(people.cora)
    for path in ("", "print/", "fhir/", "counseling-notes/"):
        assert cora.get(f"/care/people/{big}/{path}").status_code == 404
    assert cora.get(f"/care/counseling-notes/{big}/").status_code == 404
    assert client_for(people.sam).get(f"/shared/{big}/").status_code == 404


def shared_network_section(page: str) -> str:
    start = page.index('<section aria-labelledby="shared-network">')
    return " ".join(page[start : page.index("</section>", start)].split())


def test_a_sponsor_not_listed_in_the_network_is_not_no_sponsor(people, client_for):
    # Ana has a permanent sponsor (her 12-step life) who is not among her important people.
    anas_journal(people)
    share_as_in_the_story(people)
    section = shared_network_section(client_for(people.cora).get(url(people.ana)).content.decode())
    assert "Has a sponsor" not in section
    assert "<dt>Sponsor listed in network</dt><dd>no</dd>" in section
    assert "<dt>Their own answer about a sponsor</dt><dd>A sponsor</dd>" in section


def test_the_sponsor_answer_stays_out_when_12_step_activities_are_not_shared(people, client_for):
    from tests.people import PASSWORD

    anas_journal(people)
    privacy_actions.sign_consent(
        person=people.ana,
        kind="tpo",
        categories_chosen={"network"},
        purposes={"treatment"},
        expiry_kind="end_of_treatment",
        expires_on=None,
        password=PASSWORD,
        recipient_program=people.program,
    )
    section = shared_network_section(client_for(people.cora).get(url(people.ana)).content.decode())
    assert "<dt>Sponsor listed in network</dt><dd>no</dd>" in section
    assert "<dd>A sponsor</dd>" not in section
    assert "not shared (it is part of meetings and 12-step activities)" in section


def test_the_clinician_sees_the_network_indices_with_drinking_and_drugs_apart(people, client_for):
    anas_journal(people)
    share_as_in_the_story(people)
    section = shared_network_section(client_for(people.cora).get(url(people.ana)).content.decode())
    assert "Heavy drinkers or users" not in section
    assert "<dt>People who drink heavily</dt><dd>0.0 %</dd>" in section
    assert "<dt>People who use drugs heavily</dt><dd>0.0 %</dd>" in section
    assert "Rita" not in section  # the important people's names never leave the journal


def test_percent_days_without_use_is_shown_of_the_days_checked_in(people, client_for):
    anas_journal(people)
    share_as_in_the_story(people)
    page = " ".join(client_for(people.cora).get(url(people.ana)).content.decode().split())
    # Two days answered the use question in the last 30: one without use, one with.
    assert "Days without use: 50.0 % of the days checked in (2 of 30 days checked in, 6.7 %)." in (
        page
    )


def test_a_meeting_name_moved_into_anas_record_in_sql_shows_cora_that_it_cannot_be_read(
    people, client_for
):
    from django.db import connection

    from homegroup.journal import actions as journal_actions
    from homegroup.journal.models import CheckInMeeting
    from tests.journal.journal_data import check_in, start_journal

    start_journal(people.ana)
    start_journal(people.ben)
    check_in(people.ana, meetings=[journal_actions.MeetingAttended(name="Lakeside group")])
    check_in(people.ben, meetings=[journal_actions.MeetingAttended(name="Ben-canary group")])
    anas = CheckInMeeting.objects.get(check_in__person=people.ana)
    bens = CheckInMeeting.objects.get(check_in__person=people.ben)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE journal_checkinmeeting SET name = "
            "(SELECT name FROM journal_checkinmeeting WHERE id = %s) WHERE id = %s",
            [bens.pk, anas.pk],
        )
    share_as_in_the_story(people)
    cora = client_for(people.cora)
    for path in ("", "print/", "fhir/"):
        response = cora.get(f"{url(people.ana)}{path}")
        assert response.status_code == 200, path
        assert "Ben-canary" not in response.content.decode()
    assert "This entry cannot be read." in cora.get(url(people.ana)).content.decode()
