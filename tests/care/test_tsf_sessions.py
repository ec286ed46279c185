"""TSF sessions (issue 15): Cora holds sessions with Ana, the review pre-filled from Ana's
journal through the gate, recovery tasks written into Ana's journal; Dev and a revoked consent
see none of it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homegroup.audit.models import AuditEvent, Outcome
from homegroup.care import session_actions
from homegroup.care.session_models import TSFSession
from homegroup.journal import actions as journal_actions
from homegroup.journal.tasks import RecoveryTask
from homegroup.privacy import actions as privacy_actions
from homegroup.privacy import categories
from homegroup.privacy.models import Consent
from tests.care.care_data import COUNSELING_CANARY, coras_note
from tests.care.sessions_data import (
    anas_sharing,
    coras_session,
    meeting_task,
    meetings,
    values,
)
from tests.journal.journal_data import today_of
from tests.people import PASSWORD

pytestmark = pytest.mark.django_db

# Pins as measured (the session, the user, the gate's reads, its disclosure and audit rows).
SESSIONS_PAGE_QUERIES = 22
SESSION_PAGE_QUERIES = 22
SUMMARY_PAGE_QUERIES = 22


def sessions_url(people, suffix=""):
    return f"/care/people/{people.ana.pk}/sessions/{suffix}"


def test_the_program_consents_default_names_tsf_sessions_and_a_supporter_share_does_not_offer_it():
    assert "tsf_sessions" in categories.DEFAULT_FOR_PROGRAM
    assert "tsf_sessions" in categories.BREAK_GLASS
    assert "tsf_sessions" not in categories.FOR_SUPPORTER_CHOICES
    assert categories.label("tsf_sessions") == "TSF sessions and recovery tasks"


def test_cora_opens_a_new_session_with_the_review_read_from_anas_journal(people, client_for):
    anas_sharing(people)
    listed = meetings(people).welcoming
    journal_actions.record_check_in(
        person=people.ana,
        day=today_of(people.ana),
        values=journal_actions.CheckInValues(
            meetings=[journal_actions.MeetingAttended(meeting_id=listed.pk)],
            talked_with_sponsor=True,
            craving=4,
        ),
    )
    response = client_for(people.cora).get(sessions_url(people, "new/"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "This is the first session." in page
    assert "Days talking with a sponsor" in page
    assert "NA 1" in page  # by fellowship
    assert "Highest craving (0-10)" in page


def test_cora_saves_a_session_with_the_items_covered_as_its_fidelity_record(people, client_for):
    anas_sharing(people)
    response = client_for(people.cora).post(
        sessions_url(people, "new/"),
        {
            "number": 1,
            "held_on": date.today().isoformat(),
            "duration_minutes": 50,
            "modality": "individual",
            "topic": "introduction",
            "items_covered": ["history", "first_meetings"],
            "summary": "We talked about your history and chose meetings.",
        },
    )
    assert response.status_code == 302
    session = TSFSession.objects.get()
    assert response["Location"] == sessions_url(people, f"{session.pk}/")
    assert session.items_covered == ["history", "first_meetings"]
    assert session.counselor == people.cora
    assert "meetings_and_activities" in session.review
    assert AuditEvent.objects.filter(
        action="care.tsf_session_written", actor_id=people.cora.pk, subject_id=people.ana.pk
    ).exists()


def test_items_that_are_not_the_topics_are_dropped(people):
    anas_sharing(people)
    session = coras_session(people, items_covered=["history", "detaching", "nonsense"])
    assert session.items_covered == ["history"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"held_on": date.today() + timedelta(days=5)}, "held_on"),
        ({"topic": "not-a-topic"}, "topic"),
        ({"duration_minutes": 2}, "duration_minutes"),
        ({"modality": "email"}, "modality"),
        ({"summary": "x" * 4001}, "summary"),
    ],
)
def test_a_bad_session_is_refused_with_a_message_and_nothing_saved(people, changes, field):
    anas_sharing(people)
    with pytest.raises(ValidationError) as error:
        coras_session(people, **changes)
    assert field in error.value.error_dict
    assert not TSFSession.objects.exists()


def test_a_second_session_with_the_same_number_is_refused_kindly(people):
    anas_sharing(people)
    coras_session(people)
    with pytest.raises(ValidationError) as error:
        coras_session(people)
    assert "already has a session with that number" in str(error.value)


def test_dev_who_is_not_on_the_care_team_can_neither_record_nor_see_and_is_audited(
    people, client_for
):
    anas_sharing(people)
    session = coras_session(people)
    with pytest.raises(PermissionDenied):
        session_actions.record_session(
            counselor=people.dev, person=people.ana, values=values(2), review={}
        )
    dev = client_for(people.dev)
    for url in (
        sessions_url(people),
        sessions_url(people, "new/"),
        sessions_url(people, f"{session.pk}/"),
        sessions_url(people, f"{session.pk}/summary/"),
        sessions_url(people, "fhir/"),
    ):
        assert dev.get(url).status_code == 404, url
    assert (
        AuditEvent.objects.filter(
            action="privacy.disclosure", actor_id=people.dev.pk, outcome=Outcome.DENIED
        ).count()
        >= 5
    )


def test_revoking_the_program_consent_hides_every_session_page_from_cora_at_once(
    people, client_for
):
    anas_sharing(people)
    session = coras_session(people)
    cora = client_for(people.cora)
    assert cora.get(sessions_url(people)).status_code == 200
    consent = Consent.objects.get(recipient_program=people.program)
    privacy_actions.revoke_consent(consent=consent, by=people.ana, attested=True)
    for url in (
        sessions_url(people),
        sessions_url(people, f"{session.pk}/"),
        sessions_url(people, f"{session.pk}/summary/"),
        sessions_url(people, "fhir/"),
    ):
        assert cora.get(url).status_code == 404, url


def test_a_consent_that_does_not_name_tsf_sessions_shows_no_session(people, client_for):
    from tests.journal.journal_data import start_journal

    start_journal(people.ana)
    privacy_actions.sign_consent(
        person=people.ana,
        kind="tpo",
        categories_chosen=categories.DEFAULT_FOR_PROGRAM - {"tsf_sessions"},
        purposes={"treatment"},
        expiry_kind="end_of_treatment",
        expires_on=None,
        password=PASSWORD,
        recipient_program=people.program,
    )
    coras_session(people)  # a care-team place is enough to hold a session
    assert client_for(people.cora).get(sessions_url(people)).status_code == 404
    assert client_for(people.cora).get(f"/care/people/{people.ana.pk}/").status_code == 200


def test_meeting_tasks_reach_anas_journal_from_her_counselor(people, client_for):
    anas_sharing(people)
    found = meetings(people)
    session = coras_session(people)
    meeting_task(people, session, found.welcoming)
    meeting_task(people, session, found.also_welcoming)
    assert RecoveryTask.objects.open_for(people.ana).count() == 2
    page = client_for(people.ana).get("/journal/tasks/").content.decode()
    assert "From your counselor" in page
    assert "Tuesday Hope" in page
    assert "Thursday Open Door" in page
    check_in = client_for(people.ana).get("/journal/").content.decode()
    assert "From your counselor" in check_in
    assert "Tuesday Hope" in check_in


def test_a_check_in_that_logs_a_referred_meeting_marks_that_task_done_and_offers_the_report(
    people, client_for
):
    anas_sharing(people)
    found = meetings(people)
    session = coras_session(people)
    went = meeting_task(people, session, found.welcoming)
    skipped = meeting_task(people, session, found.also_welcoming)
    ana = client_for(people.ana)
    response = ana.post(
        "/journal/?meeting=" + found.welcoming.slug,
        {f"meeting_{found.welcoming.pk}": "on", "date": today_of(people.ana).isoformat()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    went.refresh_from_db()
    skipped.refresh_from_db()
    assert (went.status, went.completed_by) == ("done", "check_in")
    assert skipped.status == "open"
    page = ana.get("/journal/").content.decode()
    assert "How did this meeting receive you?" in page
    assert f"/meetings/{found.welcoming.slug}/report/" in page


def test_a_meeting_logged_before_the_task_was_set_does_not_count(people):
    anas_sharing(people)
    listed = meetings(people).welcoming
    session = coras_session(people, held_on=date.today())
    task = meeting_task(people, session, listed)
    journal_actions.record_check_in(
        person=people.ana,
        day=today_of(people.ana) - timedelta(days=3),
        values=journal_actions.CheckInValues(
            meetings=[journal_actions.MeetingAttended(meeting_id=listed.pk)]
        ),
    )
    task.refresh_from_db()
    assert task.status == "open"


def test_ana_marks_a_task_not_done_with_her_reason_and_session_two_shows_both(people, client_for):
    anas_sharing(people)
    found = meetings(people)
    first = coras_session(people, 1)
    went = meeting_task(people, first, found.welcoming)
    skipped = meeting_task(people, first, found.also_welcoming)
    journal_actions.record_check_in(
        person=people.ana,
        day=today_of(people.ana),
        values=journal_actions.CheckInValues(
            meetings=[journal_actions.MeetingAttended(meeting_id=found.welcoming.pk)]
        ),
    )
    ana = client_for(people.ana)
    response = ana.post(
        f"/journal/tasks/{skipped.pk}/", {"status": "not_done", "reason": "Worked late"}
    )
    assert response.status_code == 302
    page = client_for(people.cora).get(sessions_url(people, "new/")).content.decode()
    assert "Recovery tasks from last time" in page
    assert "Tuesday Hope</strong> — Done" in page
    assert "Thursday Open Door</strong> — Not done" in page
    assert "Worked late" in page
    went.refresh_from_db()
    assert went.status == "done"


def test_ben_cannot_mark_anas_task(people, client_for):
    anas_sharing(people)
    task = meeting_task(people, coras_session(people), meetings(people).welcoming)
    assert (
        client_for(people.ben).post(f"/journal/tasks/{task.pk}/", {"status": "done"}).status_code
        == 404
    )
    task.refresh_from_db()
    assert task.status == "open"


def test_a_task_in_words_needs_words_and_a_meeting_task_a_meeting(people):
    anas_sharing(people)
    session = coras_session(people)
    with pytest.raises(ValidationError):
        session_actions.set_task(session=session, counselor=people.cora, kind="reading", text=" ")
    with pytest.raises(ValidationError):
        session_actions.set_task(session=session, counselor=people.cora, kind="meeting")
    assert not RecoveryTask.objects.exists()


def test_the_meeting_picker_lists_medication_welcoming_meetings_first(people, client_for):
    anas_sharing(people)
    meetings(people)
    session = coras_session(people)
    response = client_for(people.cora).get(sessions_url(people, f"{session.pk}/meetings/"))
    assert response.status_code == 200
    page = response.content.decode()
    welcoming_part, others_part = page.split("Other meetings", 1)
    assert "Tuesday Hope" in welcoming_part
    assert "Thursday Open Door" in welcoming_part
    assert "Friday Basics" in others_part
    assert "Friday Basics" not in welcoming_part


def test_setting_a_meeting_task_through_the_page(people, client_for):
    anas_sharing(people)
    found = meetings(people)
    session = coras_session(people)
    response = client_for(people.cora).post(
        sessions_url(people, f"{session.pk}/tasks/"), {"meeting": found.welcoming.slug}
    )
    assert response.status_code == 302
    task = RecoveryTask.objects.get()
    assert (task.kind, task.meeting, task.set_by) == ("meeting", found.welcoming, people.cora)
    assert list(session.tasks.all()) == [task]


def test_the_summary_is_one_plain_page_with_the_tasks_and_never_a_counseling_note(
    people, client_for
):
    anas_sharing(people)
    coras_note(people)
    session = coras_session(people, summary="You chose two meetings to try.")
    meeting_task(people, session, meetings(people).welcoming)
    for client, url in (
        (client_for(people.cora), sessions_url(people, f"{session.pk}/summary/")),
        (client_for(people.ana), f"/care/my-sessions/{session.pk}/"),
    ):
        page = client.get(url).content.decode()
        assert "You chose two meetings to try." in page
        assert "Tuesday Hope" in page
        assert "data-print" in page
        assert COUNSELING_CANARY not in page
    for url in (sessions_url(people, f"{session.pk}/"), sessions_url(people)):
        assert COUNSELING_CANARY not in client_for(people.cora).get(url).content.decode()


def test_ana_sees_her_own_session_summaries_and_ben_finds_none_of_them(people, client_for):
    anas_sharing(people)
    session = coras_session(people, summary="A kind summary.")
    assert "A kind summary." in client_for(people.ana).get("/care/my-sessions/").content.decode()
    assert client_for(people.ben).get(f"/care/my-sessions/{session.pk}/").status_code == 404
    assert (
        "A kind summary." not in client_for(people.ben).get("/care/my-sessions/").content.decode()
    )


def test_only_the_counselor_who_held_a_session_edits_it(people):
    from tests.care.care_data import second_clinician_on_anas_team

    anas_sharing(people)
    second_clinician_on_anas_team(people)
    session = coras_session(people)
    with pytest.raises(PermissionDenied):
        session_actions.update_session(session=session, counselor=people.dev, values=values(1))


def test_open_for_lists_only_that_persons_open_tasks(people):
    anas_sharing(people)
    found = meetings(people)
    session = coras_session(people)
    first = meeting_task(people, session, found.welcoming)
    meeting_task(people, session, found.also_welcoming)
    from homegroup.journal import task_actions

    task_actions.mark_task(task=first, by=people.ana, status="done", day=date.today())
    assert [t.meeting for t in RecoveryTask.objects.open_for(people.ana)] == [found.also_welcoming]
    assert not RecoveryTask.objects.open_for(people.ben).exists()


def test_the_session_pages_make_a_constant_number_of_queries(
    people, client_for, django_assert_max_num_queries
):
    anas_sharing(people)
    found = meetings(people)
    cora = client_for(people.cora)
    first = coras_session(people, 1)
    meeting_task(people, first, found.welcoming)
    counts = []
    for number in (2, 3):
        session = coras_session(people, number, held_on=date.today())
        meeting_task(people, session, found.also_welcoming)
        meeting_task(people, session, found.other)
        pages = {
            sessions_url(people): SESSIONS_PAGE_QUERIES,
            sessions_url(people, f"{session.pk}/"): SESSION_PAGE_QUERIES,
            sessions_url(people, f"{session.pk}/summary/"): SUMMARY_PAGE_QUERIES,
        }
        measured = []
        for url, pin in pages.items():
            with django_assert_max_num_queries(pin) as captured:
                assert cora.get(url).status_code == 200
            measured.append(len(captured.captured_queries))
        counts.append(measured)
    assert counts[0] == counts[1]


def test_a_tampered_topic_is_refused_with_a_message_and_nothing_saved(people, client_for):
    anas_sharing(people)
    response = client_for(people.cora).post(
        sessions_url(people, "new/"),
        {
            "number": 1,
            "held_on": date.today().isoformat(),
            "duration_minutes": 50,
            "modality": "individual",
            "topic": "not-a-topic",
        },
    )
    assert response.status_code == 400
    assert "Choose a topic from the list." in response.content.decode()
    assert not TSFSession.objects.exists()


def test_P2_08_opening_the_record_page_does_not_account_for_sessions_it_does_not_show(
    people, client_for
):
    from homegroup.privacy.models import DisclosureRecord

    anas_sharing(people)
    coras_session(people)
    assert client_for(people.cora).get(f"/care/people/{people.ana.pk}/").status_code == 200
    (record,) = DisclosureRecord.objects.filter(recipient_user_id=people.cora.pk)
    assert "tsf_sessions" not in record.categories


def test_anas_own_download_holds_her_recovery_tasks(people, client_for):
    import json

    anas_sharing(people)
    task = meeting_task(people, coras_session(people), meetings(people).welcoming)
    response = client_for(people.ana).get("/journal/data/download/json/")
    data = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert data["recovery_tasks"] == [
        {
            "set_on": task.set_on.isoformat(),
            "kind": "meeting",
            "task": "Tuesday Hope",
            "directory_slug": task.meeting.slug,
            "status": "open",
            "status_on": None,
            "why_not": "",
        }
    ]


def test_H_04_a_raw_read_of_sessions_and_tasks_shows_no_plaintext(people):
    from django.db import connection

    anas_sharing(people)
    session = coras_session(people, summary="CANARY-summary-51", review_notes="CANARY-review-52")
    session_actions.set_task(
        session=session, counselor=people.cora, kind="reading", text="CANARY-task-53"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary, review_notes FROM care_tsfsession")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
        cursor.execute("SELECT text FROM journal_recoverytask")
        stored += " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert "CANARY" not in stored
    session.refresh_from_db()
    assert str(session.summary) == "CANARY-summary-51"


def test_the_check_in_links_a_meeting_task_to_that_day_with_the_meeting_ticked(people, client_for):
    anas_sharing(people)
    listed = meetings(people).welcoming
    meeting_task(people, coras_session(people), listed)
    ana = client_for(people.ana)
    today = today_of(people.ana).isoformat()
    page = ana.get("/journal/").content.decode()
    link = f"/journal/{today}/?meeting={listed.slug}"
    assert link in page
    day = ana.get(link).content.decode()
    assert f'name="meeting_{listed.pk}"' in day
    assert "checked" in day.split(f'name="meeting_{listed.pk}"', 1)[1].split(">", 1)[0]


def test_the_meeting_picker_starts_near_the_persons_home_group_when_she_shares_it(
    people, client_for
):
    from tests.journal.journal_data import meeting

    anas_sharing(people)
    home = meeting("Ithaca Home Group", latitude=42.44, longitude=-76.50)
    journal_actions.set_home_group(person=people.ana, meeting=home)
    session = coras_session(people)
    page = client_for(people.cora).get(sessions_url(people, f"{session.pk}/meetings/"))
    assert page.status_code == 200
    assert "Near their usual meeting, Ithaca Home Group" in page.content.decode()
