"""/journal/ and /journal/<date>/: the daily check-in page."""

from datetime import timedelta

import pytest

from homegroup.audit.models import AuditEvent
from homegroup.journal import actions
from homegroup.journal.models import CheckIn, CheckInDose, CheckInMeeting
from tests.journal.journal_data import buprenorphine, check_in, meeting, start_journal, today_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(people, client_for):
    start_journal(people.ana, recovery_days=100)
    return client_for(people.ana)


def test_the_home_group_and_usual_meetings_are_listed_to_tick(people, ana):
    home, usual = meeting("Serenity Group"), meeting("Tuesday Step Study")
    actions.set_home_group(person=people.ana, meeting=home)
    actions.add_usual_meeting(person=people.ana, meeting=usual)
    page = ana.get("/journal/").content.decode()
    assert f'name="meeting_{home.pk}"' in page
    assert "Serenity Group" in page
    assert "Tuesday Step Study" in page
    assert page.index("Serenity Group") < page.index("Tuesday Step Study")
    assert "Search the directory" in page


def test_a_check_in_is_saved_from_the_form(people, ana):
    home = meeting("Serenity Group")
    actions.set_home_group(person=people.ana, meeting=home)
    plan = buprenorphine(people.ana)
    response = ana.post(
        "/journal/",
        {
            f"meeting_{home.pk}": "on",
            f"meeting_{home.pk}_mode": "in_person",
            "other_name_1": "Online NA lunch",
            "other_mode_1": "online",
            "service": "on",
            "step_work": "on",
            "step_worked": "3",
            f"dose_{plan.pk}": "taken",
            "use_status": "none",
            "craving": "2",
            "mood": "4",
            "note": "Chaired for the first time.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/journal/"
    day = CheckIn.objects.get(person=people.ana)
    assert day.date == today_of(people.ana)
    assert (day.service, day.step_worked, day.craving, day.mood) == (True, 3, 2, 4)
    assert CheckInMeeting.objects.filter(check_in=day).count() == 2
    assert CheckInDose.objects.get(check_in=day).status == "taken"
    assert "Thank you for checking in" in ana.get("/journal/").content.decode()


def test_a_stray_substance_tick_without_i_used_is_not_a_lapse(people, ana):
    ana.post("/journal/", {"use_status": "none", "substances": ["alcohol"]})
    assert CheckIn.objects.get().substances == []


def test_an_unchanged_day_saved_again_says_so(people, ana):
    ana.post("/journal/", {"use_status": "none", "mood": "3"})
    response = ana.post("/journal/", {"use_status": "none", "mood": "3"}, follow=True)
    assert "already saved" in response.content.decode()
    assert AuditEvent.objects.filter(action__startswith="journal.check_in").count() == 1


def test_a_rejected_form_answers_400_and_stores_nothing(people, ana):
    response = ana.post("/journal/", {"craving": "11", "mood": "9"})
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_i_used_without_saying_what_is_explained_beside_the_field(people, ana):
    response = ana.post("/journal/", {"use_status": "used"})
    assert response.status_code == 400
    assert "Choose what you used" in response.content.decode()


def test_a_past_day_is_editable_and_marked_filled_in_afterwards(people, ana):
    day = today_of(people.ana) - timedelta(days=4)
    page = ana.get(f"/journal/{day.isoformat()}/").content.decode()
    assert "marked as filled in afterwards" in page
    response = ana.post(f"/journal/{day.isoformat()}/", {"use_status": "none"})
    assert response["Location"] == f"/journal/{day.isoformat()}/"
    assert CheckIn.objects.get(date=day).retrospective


def test_an_existing_day_is_shown_filled_in(people, ana):
    home = meeting("Serenity Group")
    actions.set_home_group(person=people.ana, meeting=home)
    check_in(people.ana, 1, meetings=[actions.MeetingAttended(meeting_id=home.pk)], note="a note")
    day = today_of(people.ana) - timedelta(days=1)
    page = ana.get(f"/journal/{day.isoformat()}/").content.decode()
    assert f'name="meeting_{home.pk}" id="id_meeting_{home.pk}" checked' in page
    assert "a note" in page


def test_a_future_day_gets_a_clear_404_and_nothing_is_stored(people, ana):
    tomorrow = today_of(people.ana) + timedelta(days=1)
    response = ana.get(f"/journal/{tomorrow.isoformat()}/")
    assert response.status_code == 404
    assert "hasn't come yet" in response.content.decode()
    assert ana.post(f"/journal/{tomorrow.isoformat()}/", {"use_status": "none"}).status_code == 404
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("bad", ["2025-02-30", "2025-13-01", "25-01-01", "today"])
def test_an_impossible_date_is_not_found(ana, bad):
    assert ana.get(f"/journal/{bad}/").status_code == 404


def test_a_meeting_from_the_directory_can_be_pre_ticked(people, ana):
    found = meeting("Found in the directory", slug="found-it")
    page = ana.get("/journal/?meeting=found-it").content.decode()
    assert f'name="meeting_{found.pk}" id="id_meeting_{found.pk}" checked' in page


def test_only_medication_active_that_day_is_asked_about(people, ana):
    plan = buprenorphine(people.ana, since_days=2)
    earlier = today_of(people.ana) - timedelta(days=5)
    assert f'name="dose_{plan.pk}"' in ana.get("/journal/").content.decode()
    assert (
        f'name="dose_{plan.pk}"' not in ana.get(f"/journal/{earlier.isoformat()}/").content.decode()
    )


def test_each_page_view_is_one_audited_read(people, ana):
    ana.get("/journal/")
    reads = AuditEvent.objects.filter(action="journal.read")
    assert [(r.actor_id, r.subject_id, r.object_type) for r in reads] == [
        (people.ana.pk, people.ana.pk, "check_in")
    ]


@pytest.mark.parametrize("who", ["cora", "sam", "pat"])
def test_people_without_the_role_get_403(people, client_for, who):
    assert client_for(getattr(people, who)).get("/journal/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/journal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_a_day_before_1900_is_not_found_instead_of_a_server_error(ana):
    assert ana.get("/journal/0001-01-01/").status_code == 404
    assert ana.post("/journal/0001-01-01/", {"use_status": "none"}).status_code == 404
    first = ana.get("/journal/1900-01-01/")
    assert first.status_code == 200
    assert "Day before" not in first.content.decode()
