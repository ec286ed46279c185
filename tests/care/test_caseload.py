"""/care/ — the clinician's caseload: each person they may see now, with their numbers and the
alerts those raise, through one bulk disclosure (P2-06) and a constant number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from homegroup.accounts import actions as account_actions
from homegroup.accounts.models import Role
from homegroup.audit.models import AuditEvent, Outcome
from homegroup.care.models import Alert, AlertAction, AlertStatus
from homegroup.journal import actions as journal_actions
from homegroup.journal.models import JournalProfile
from homegroup.privacy import actions as privacy_actions
from homegroup.privacy import categories, gate
from homegroup.privacy.models import DisclosureRecord, ProgramMembership
from tests.people import PASSWORD, share_as_in_the_story

pytestmark = pytest.mark.django_db


def page(client, query=""):
    response = client.get("/care/" + query)
    assert response.status_code == 200
    return response.content.decode()


def today():
    return JournalProfile().today()


def check_in(person, days_ago, **values):
    journal_actions.record_check_in(
        person=person,
        day=today() - timedelta(days=days_ago),
        values=journal_actions.CheckInValues(**values),
    )


def meeting(name="Tuesday Night Group"):
    return [journal_actions.MeetingAttended(name=name)]


def another_person(people, number, *, share=True):
    person = account_actions.create_account(
        email=f"p{number}@people.test",
        display_name=f"P{number}",
        password=PASSWORD,
        roles={Role.PERSON_IN_RECOVERY},
    )
    issued = privacy_actions.issue_enrolment_code(program=people.program, by=people.pat)
    privacy_actions.join_program(person=person, code=issued.code)
    place = privacy_actions.assign_clinician(
        program=people.program, person_id=person.pk, clinician_id=people.cora.pk, by=people.pat
    )
    privacy_actions.confirm_care_team_place(member=place, by=people.cora)
    if share:
        privacy_actions.sign_consent(
            person=person,
            kind="tpo",
            categories_chosen=categories.DEFAULT_FOR_PROGRAM,
            purposes={"treatment"},
            expiry_kind="end_of_treatment",
            expires_on=None,
            password=PASSWORD,
            recipient_program=people.program,
        )
    return person


def test_P2_06_cora_lists_ana_once_ana_shares_with_her_program(people, client_for):
    cora = client_for(people.cora)
    assert f"/care/people/{people.ana.pk}/" not in page(cora)
    share_as_in_the_story(people)
    assert f"/care/people/{people.ana.pk}/" in page(cora)


def test_P2_06_dev_outside_the_care_team_lists_nobody_and_is_disclosed_nothing(people, client_for):
    share_as_in_the_story(people)
    assert f"/care/people/{people.ana.pk}/" not in page(client_for(people.dev))
    assert not DisclosureRecord.objects.filter(recipient_user_id=people.dev.pk).exists()


def test_P2_08_one_caseload_view_is_one_disclosure_record_per_person_with_an_audit_event(
    people, client_for
):
    share_as_in_the_story(people)
    others = [another_person(people, n) for n in range(3)]
    page(client_for(people.cora))
    records = DisclosureRecord.objects.filter(recipient_user_id=people.cora.pk)
    assert sorted(r.person_id for r in records) == sorted([people.ana.pk, *(p.pk for p in others)])
    assert {r.channel for r in records} == {"page"}
    assert "private_notes" not in records.get(person_id=people.ana.pk).categories
    for record in records:
        assert AuditEvent.objects.filter(
            action="privacy.disclosure", object_id=str(record.pk), subject_id=record.person_id
        ).exists()
    assert AuditEvent.objects.filter(action="care.caseload_viewed", actor_id=people.cora.pk)


def test_the_bulk_disclosure_records_verify_like_the_others(people, client_for):
    from django.core.management import call_command

    share_as_in_the_story(people)
    another_person(people, 1)
    page(client_for(people.cora))
    call_command("audit-verify")  # raises on a bad MAC or a broken chain


def test_the_caseload_reads_with_a_constant_number_of_queries(
    people, client_for, django_assert_max_num_queries
):
    share_as_in_the_story(people)
    cora = client_for(people.cora)
    check_in(people.ana, 1, meetings=meeting(), use_status="none")
    with django_assert_max_num_queries(60) as one:
        page(cora)
    small = len(one.captured_queries)
    for number in range(8):
        person = another_person(people, number)
        for days_ago in range(1, 20, 3):
            check_in(person, days_ago, meetings=meeting(), service=True, use_status="none")
        journal_actions.record_measure(
            person=person,
            instrument_id="aai-core",
            answers={"meetings": 3, "steps": 1, "member": 1},
        )
    with django_assert_max_num_queries(small) as many:
        text = page(cora)
    assert text.count("/care/people/") >= 9
    assert len(many.captured_queries) == small


def test_anas_numbers_show_from_what_she_shares(people, client_for):
    share_as_in_the_story(people)
    plan = journal_actions.save_medication_plan(
        person=people.ana,
        medication="buprenorphine",
        dose="16",
        active_from=today() - timedelta(60),
    )
    for days_ago in range(1, 15):
        check_in(
            people.ana,
            days_ago,
            meetings=meeting() if days_ago % 3 == 0 else (),
            service=days_ago < 5,
            doses=[journal_actions.DoseReport(plan_id=plan.pk, status="taken")],
            use_status="none",
        )
    text = page(client_for(people.cora))
    assert "13 of 14 taken" in text or "14 of 14 taken" in text
    assert "Meetings each week, last 12 weeks" in text
    assert "none reported" in text  # no use reported


def test_a_category_ana_does_not_share_says_not_shared_and_raises_nothing(people, client_for):
    privacy_actions.sign_consent(
        person=people.ana,
        kind="tpo",
        categories_chosen={"meetings_and_activities"},
        purposes={"treatment"},
        expiry_kind="end_of_treatment",
        expires_on=None,
        password=PASSWORD,
        recipient_program=people.program,
    )
    check_in(people.ana, 10, use_status="used", substances=["opioids"])
    text = page(client_for(people.cora))
    assert "not shared" in text
    assert not Alert.objects.filter(person=people.ana).exists()


def test_no_check_in_for_a_week_raises_an_alert_that_explains_itself(people, client_for):
    share_as_in_the_story(people)
    check_in(people.ana, 9, use_status="none")
    cora = client_for(people.cora)
    text = page(cora)
    alert = Alert.objects.get(person=people.ana, rule="no_check_in")
    assert f"/care/alerts/{alert.pk}/" in text
    detail = cora.get(f"/care/alerts/{alert.pk}/").content.decode()
    assert "No check-in for 9 days: the last was on" in detail
    # Seen again, it is the same alert, not a second one.
    page(cora)
    assert Alert.objects.filter(person=people.ana, rule="no_check_in").count() == 1


def test_cora_acknowledges_an_alert_with_a_note_and_nothing_is_deleted(people, client_for):
    share_as_in_the_story(people)
    check_in(people.ana, 9, use_status="none")
    cora = client_for(people.cora)
    page(cora)
    alert = Alert.objects.get(person=people.ana)
    refused = cora.post(f"/care/alerts/{alert.pk}/", {"do": "acknowledge", "note": "  "})
    assert refused.status_code == 400
    assert "Write a short note" in refused.content.decode()
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN
    done = cora.post(f"/care/alerts/{alert.pk}/", {"do": "acknowledge", "note": "Call on Monday"})
    assert done.status_code == 302
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.ACKNOWLEDGED
    cora.post(f"/care/alerts/{alert.pk}/", {"do": "resolve"})
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.RESOLVED
    assert [a.status for a in AlertAction.objects.filter(alert=alert)] == [
        "acknowledged",
        "resolved",
    ]
    assert AlertAction.objects.get(status="acknowledged").note == "Call on Monday"
    assert AuditEvent.objects.filter(action="care.alert_acknowledged", subject_id=people.ana.pk)
    assert f"/care/alerts/{alert.pk}/" not in page(cora)


def test_a_snoozed_alert_leaves_the_caseload_until_its_time_is_up(people, client_for):
    share_as_in_the_story(people)
    check_in(people.ana, 9, use_status="none")
    cora = client_for(people.cora)
    page(cora)
    alert = Alert.objects.get(person=people.ana)
    assert cora.post(f"/care/alerts/{alert.pk}/", {"do": "snooze", "days": "3"}).status_code == 302
    assert f"/care/alerts/{alert.pk}/" not in page(cora)
    bad = cora.post(f"/care/alerts/{alert.pk}/", {"do": "snooze", "days": "99"})
    assert bad.status_code == 400


def test_dev_finds_no_alert_of_ana_and_the_attempt_is_audited(people, client_for):
    share_as_in_the_story(people)
    check_in(people.ana, 9, use_status="none")
    page(client_for(people.cora))
    alert = Alert.objects.get(person=people.ana)
    dev = client_for(people.dev)
    assert dev.get(f"/care/alerts/{alert.pk}/").status_code == 404
    assert dev.post(f"/care/alerts/{alert.pk}/", {"do": "resolve"}).status_code == 404
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN
    assert AuditEvent.objects.filter(
        action="privacy.disclosure", actor_id=people.dev.pk, outcome=Outcome.DENIED
    ).exists()


def test_an_alert_on_a_category_ana_stops_sharing_disappears_from_view(people, client_for):
    share_as_in_the_story(people)
    check_in(people.ana, 9, use_status="none")
    cora = client_for(people.cora)
    page(cora)
    alert = Alert.objects.get(person=people.ana)
    privacy_actions.request_restriction(person=people.ana, categories_restricted={"check_ins"})
    assert f"/care/alerts/{alert.pk}/" not in page(cora)
    assert cora.get(f"/care/alerts/{alert.pk}/").status_code == 404
    assert Alert.objects.filter(pk=alert.pk).exists()  # hidden, never deleted


def test_ana_revoking_the_programs_consent_removes_her_from_the_caseload_at_once(
    people, client_for
):
    story = share_as_in_the_story(people)
    cora = client_for(people.cora)
    assert f"/care/people/{people.ana.pk}/" in page(cora)
    privacy_actions.revoke_consent(consent=story.program_consent, by=people.ana, attested=True)
    assert f"/care/people/{people.ana.pk}/" not in page(cora)


def test_search_and_the_alert_filter_narrow_the_list(people, client_for):
    share_as_in_the_story(people)
    p1 = f"/care/people/{another_person(people, 1).pk}/"  # not "P1": a random token may hold it
    check_in(people.ana, 9, use_status="none")
    cora = client_for(people.cora)
    assert p1 in page(cora)
    assert p1 not in page(cora, "?q=ana")
    assert p1 not in page(cora, "?alert=any")
    assert f"/care/people/{people.ana.pk}/" in page(cora, "?alert=no_check_in&sort=alerts")


def test_the_old_address_of_the_list_sends_clinicians_to_the_caseload(people, client_for):
    response = client_for(people.cora).get("/care/people/")
    assert response.status_code == 301
    assert response["Location"] == "/care/"


def test_the_list_leaves_out_break_glass_grants_that_the_gate_would_refuse(people, client_for):
    privacy_actions.open_break_glass(
        clinician=people.dev,
        person_id=people.ana.pk,
        reason="Ana collapsed in the waiting room and needs care now.",
    )
    dev = client_for(people.dev)
    assert f"/care/people/{people.ana.pk}/" in page(dev)
    # Dev leaves the program (no action ends a staff membership yet: ended here directly).
    ProgramMembership.objects.filter(user=people.dev, program=people.program).update(
        ended_at=timezone.now()
    )
    assert dev.get(f"/care/people/{people.ana.pk}/").status_code == 404
    assert f"/care/people/{people.ana.pk}/" not in page(dev)
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
    assert f"/care/people/{people.ana.pk}/" not in page(dev)


def test_a_meeting_ana_says_was_unwelcoming_on_medication_raises_an_alert_while_shared(
    people, client_for
):
    from homegroup.journal import reception
    from tests.journal.journal_data import meeting as directory_meeting

    share_as_in_the_story(people)
    friday = directory_meeting("Friday Light Group")
    check_in(
        people.ana,
        3,
        meetings=[journal_actions.MeetingAttended(meeting_id=friday.pk)],
        use_status="none",
    )
    reception.answer_reception(person=people.ana, meeting=friday, answer="unwelcoming")
    cora = client_for(people.cora)
    text = page(cora)
    alert = Alert.objects.get(person=people.ana, rule="unwelcoming_meeting")
    assert alert.key == f"meeting:{friday.pk}"
    assert f"/care/alerts/{alert.pk}/" in text
    detail = cora.get(f"/care/alerts/{alert.pk}/").content.decode()
    assert "A meeting was unwelcoming to them on medication" in detail
    assert "Friday Light Group, on" in detail
    assert "the meetings that welcome people on medication" in detail
    # It rests on what Ana shares as medication: restricted, it leaves Cora's view.
    privacy_actions.request_restriction(person=people.ana, categories_restricted={"medication"})
    assert f"/care/alerts/{alert.pk}/" not in page(cora)
    assert cora.get(f"/care/alerts/{alert.pk}/").status_code == 404
