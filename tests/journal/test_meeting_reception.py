"""The check-in asks a person on medication, once per directory meeting, how the meeting
received them; "welcoming" and "unwelcoming" become a pending, anonymous directory report, the
other answers stay in the journal only."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from homegroup.directory.actions import reporter_key
from homegroup.directory.models import EvidenceKind, MatEvidence, ReviewStatus, Stance
from homegroup.journal import reception
from homegroup.journal.actions import MeetingAttended
from homegroup.journal.models import MeetingReception, Reception
from tests.journal.journal_data import buprenorphine, check_in, meeting, start_journal, today_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana_went(people):
    """Ana, on buprenorphine, logged a directory meeting today."""
    start_journal(people.ana)
    buprenorphine(people.ana)
    went = meeting("Hope on Tuesdays")
    check_in(people.ana, meetings=[MeetingAttended(meeting_id=went.pk)])
    return went


def page(client, day=None):
    return client.get("/journal/" if day is None else f"/journal/{day.isoformat()}/")


def test_the_check_in_asks_how_the_meeting_received_her(client_for, people, ana_went):
    html = page(client_for(people.ana)).content.decode()
    assert "How did Hope on Tuesdays receive you as someone on medication?" in html
    assert f'action="/journal/meetings/{ana_went.pk}/reception/"' in html
    for value in ("welcoming", "did_not_come_up", "unwelcoming", "prefer_not_to_say", "skipped"):
        assert f'name="answer" value="{value}"' in html


def test_welcoming_becomes_a_pending_anonymous_report_with_the_note(client_for, people, ana_went):
    client = client_for(people.ana)
    response = client.post(
        f"/journal/meetings/{ana_went.pk}/reception/",
        {"answer": "welcoming", "note": "They asked me to share.", "day": today_of(people.ana)},
    )
    assert response.status_code == 302
    (report,) = MatEvidence.objects.filter(meeting=ana_went)
    assert (report.kind, report.stance, report.review_status) == (
        EvidenceKind.MEMBER_REPORT,
        Stance.WELCOMING,
        ReviewStatus.PENDING,
    )
    assert report.reporter_note == "They asked me to share."
    # Only the opaque key: one person counts once, nobody reads who it was.
    assert report.reporter_key == reporter_key(user_id=people.ana.pk, meeting_id=ana_went.pk)
    saved = MeetingReception.objects.get(person=people.ana, meeting=ana_went)
    assert (saved.answer, saved.reported) == (Reception.WELCOMING, True)


def test_after_an_answer_the_question_is_never_asked_again_for_that_meeting(
    client_for, people, ana_went
):
    client = client_for(people.ana)
    client.post(f"/journal/meetings/{ana_went.pk}/reception/", {"answer": "skipped"})
    html = page(client).content.decode()
    assert "receive you as someone on medication?" not in html
    check_in(people.ana, days_ago=1, meetings=[MeetingAttended(meeting_id=ana_went.pk)])
    yesterday = page(client, today_of(people.ana) - timedelta(days=1)).content.decode()
    assert "receive you as someone on medication?" not in yesterday


@pytest.mark.parametrize("answer", ["did_not_come_up", "prefer_not_to_say", "skipped"])
def test_the_other_answers_stay_in_the_journal_and_are_never_evidence(
    client_for, people, ana_went, answer
):
    client_for(people.ana).post(f"/journal/meetings/{ana_went.pk}/reception/", {"answer": answer})
    assert not MatEvidence.objects.filter(meeting=ana_went).exists()
    assert MeetingReception.objects.get(person=people.ana, meeting=ana_went).answer == answer


def test_she_can_change_her_answer_when_she_chooses(client_for, people, ana_went):
    client = client_for(people.ana)
    url = f"/journal/meetings/{ana_went.pk}/reception/"
    client.post(url, {"answer": "did_not_come_up"})
    html = page(client).content.decode()
    assert "Hope on Tuesdays received you: It didn&#x27;t come up." in html
    assert client.get(url).status_code == 200
    client.post(url, {"answer": "unwelcoming"})
    (report,) = MatEvidence.objects.filter(meeting=ana_went)
    assert report.stance == Stance.UNWELCOMING


def test_without_a_medication_plan_nothing_is_asked(client_for, people):
    start_journal(people.ben)
    went = meeting("Ben's meeting")
    check_in(people.ben, meetings=[MeetingAttended(meeting_id=went.pk)])
    assert (
        "receive you as someone on medication?" not in page(client_for(people.ben)).content.decode()
    )


def test_a_meeting_she_never_logged_is_a_404(client_for, people, ana_went):
    other = meeting("Never went")
    client = client_for(people.ana)
    assert client.get(f"/journal/meetings/{other.pk}/reception/").status_code == 404
    assert (
        client.post(f"/journal/meetings/{other.pk}/reception/", {"answer": "welcoming"}).status_code
        == 404
    )
    assert not MatEvidence.objects.filter(meeting=other).exists()


def test_another_persons_meeting_answer_is_a_404(client_for, people, ana_went):
    start_journal(people.ben)
    assert (
        client_for(people.ben).get(f"/journal/meetings/{ana_went.pk}/reception/").status_code == 404
    )


def test_a_note_without_a_report_is_refused_not_kept(people, ana_went):
    with pytest.raises(ValidationError):
        reception.answer_reception(
            person=people.ana, meeting=ana_went, answer="prefer_not_to_say", note="secret"
        )
    assert not MeetingReception.objects.exists()


def test_an_unknown_answer_changes_nothing(people, ana_went):
    with pytest.raises(ValidationError):
        reception.answer_reception(person=people.ana, meeting=ana_went, answer="great")
    assert not MeetingReception.objects.exists()


def test_one_person_counts_once_however_often_she_answers(people, ana_went):
    for answer in ("welcoming", "unwelcoming", "welcoming"):
        reception.answer_reception(person=people.ana, meeting=ana_went, answer=answer)
    assert MatEvidence.objects.filter(meeting=ana_went).count() == 1


def test_her_answers_are_in_her_export(people, ana_went):
    from homegroup.journal import export

    reception.answer_reception(person=people.ana, meeting=ana_went, answer="did_not_come_up")
    (row,) = export.as_json(export.gather(people.ana))["meeting_receptions"]
    assert (row["meeting"], row["answer"], row["reported"]) == (
        ana_went.slug,
        "did_not_come_up",
        False,
    )
