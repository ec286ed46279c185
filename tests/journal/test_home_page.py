"""The home page of a person in recovery: their day ("Day N", the next milestone, a quick
check-in of a typical day in three taps, same as yesterday, missing days, what their counselor
asks, their next usual meeting) and the compact navigation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from homegroup.journal import from_counselor
from homegroup.journal.models import CheckIn
from homegroup.journal.recovery import day_number, earliest_missing_day, recovery_time
from homegroup.lib.weekdays import from_python
from tests.journal.journal_data import buprenorphine, check_in, meeting, start_journal, today_of

pytestmark = pytest.mark.django_db

D = date(2026, 3, 10)


def test_the_first_day_of_a_count_is_day_1_and_the_api_days_keep_their_meaning():
    first = recovery_time(today=D, recovery_date=D, known={})
    assert (first.days, day_number(first)) == (0, 1)
    later = recovery_time(today=D, recovery_date=D - timedelta(days=99), known={})
    assert (later.days, day_number(later)) == (99, 100)


def test_no_count_and_a_count_starting_tomorrow_have_no_day_number():
    assert day_number(recovery_time(today=D, recovery_date=None, known={})) is None
    from homegroup.journal.recovery import Substance

    used_today = recovery_time(
        today=D, recovery_date=D - timedelta(days=5), known={D: frozenset({Substance.ALCOHOL})}
    )
    assert day_number(used_today) is None


def test_the_earliest_missing_day_is_the_first_gap_before_today():
    checked = {D - timedelta(days=n) for n in (1, 2, 4)}
    assert earliest_missing_day(checked, since=D - timedelta(days=4), today=D) == D - timedelta(3)
    assert earliest_missing_day(checked, since=D - timedelta(days=2), today=D) is None
    assert earliest_missing_day(set(), since=None, today=D) is None


def test_missing_days_are_looked_for_a_year_back_at_most():
    assert earliest_missing_day(set(), since=D - timedelta(days=900), today=D) == D - timedelta(
        days=365
    )


def test_home_shows_day_n_the_next_milestone_and_no_link_grid(people, client_for):
    start_journal(people.ana, recovery_days=99)
    page = client_for(people.ana).get("/").content.decode()
    assert "Day 100" in page
    assert "Next:" in page
    assert "6 months" in page
    assert 'class="cards"' not in page
    assert 'class="tab-bar"' in page


def usual_day_for(person):
    today = today_of(person)
    home = meeting("Tuesday Serenity", day=from_python(today.weekday()))
    other_day = meeting("Other Day Group", day=(from_python(today.weekday()) + 1) % 7)
    from homegroup.journal import actions

    actions.set_home_group(person=person, meeting=home)
    actions.add_usual_meeting(person=person, meeting=other_day)
    plan = buprenorphine(person)
    return home, other_day, plan


def test_a_typical_day_takes_three_taps_a_usual_day_a_craving_and_a_mood(people, client_for):
    start_journal(people.ana)
    home, _other_day, plan = usual_day_for(people.ana)
    client = client_for(people.ana)
    page = client.get("/").content.decode()
    assert "Tuesday Serenity, Buprenorphine taken, no alcohol or drugs" in page
    assert "Other Day Group" not in page.split('class="quick-check-in"')[1].split("</label>")[0]
    response = client.post("/journal/quick/", {"usual": "yes", "craving": "2", "mood": "4"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    day = CheckIn.objects.get(person=people.ana, date=today_of(people.ana))
    assert (day.use_status, day.craving, day.mood) == ("none", 2, 4)
    assert [m.meeting_id for m in day.meetings.all()] == [home.pk]
    assert [(d.plan_id, d.status) for d in day.doses.all()] == [(plan.pk, "taken")]
    assert "You checked in today." in client.get("/").content.decode()


def test_without_a_usual_day_the_quick_check_in_records_only_what_was_tapped(people, client_for):
    start_journal(people.ana)
    client_for(people.ana).post("/journal/quick/", {"mood": "3"})
    day = CheckIn.objects.get(person=people.ana)
    assert (day.use_status, day.craving, day.mood) == ("", None, 3)


def test_the_quick_check_in_never_overwrites_a_saved_day(people, client_for):
    start_journal(people.ana)
    check_in(people.ana, use_status="none", mood=5, note="mine")
    response = client_for(people.ana).post("/journal/quick/", {"mood": "1"})
    assert response["Location"] == "/journal/"
    day = CheckIn.objects.get(person=people.ana)
    assert (day.mood, day.note) == (5, "mine")


def test_nothing_tapped_saves_nothing(people, client_for):
    start_journal(people.ana)
    client_for(people.ana).post("/journal/quick/", {"craving": "eleven"})
    assert not CheckIn.objects.filter(person=people.ana).exists()


def test_same_as_yesterday_copies_the_day_but_never_the_private_note(people, client_for):
    start_journal(people.ana)
    home, _other, plan = usual_day_for(people.ana)
    from homegroup.journal import actions

    check_in(
        people.ana,
        days_ago=1,
        use_status="none",
        craving=3,
        mood=4,
        literature=True,
        note="a private thought",
        meetings=[actions.MeetingAttended(meeting_id=home.pk)],
        doses=[actions.DoseReport(plan_id=plan.pk, status="taken")],
    )
    client = client_for(people.ana)
    assert "Same as yesterday" in client.get("/").content.decode()
    client.post("/journal/same-as-yesterday/")
    day = CheckIn.objects.get(person=people.ana, date=today_of(people.ana))
    assert (day.use_status, day.craving, day.mood, day.literature) == ("none", 3, 4, True)
    assert day.note == ""
    assert [m.meeting_id for m in day.meetings.all()] == [home.pk]
    assert [d.status for d in day.doses.all()] == ["taken"]


def test_same_as_yesterday_without_yesterday_saves_nothing(people, client_for):
    start_journal(people.ana)
    client = client_for(people.ana)
    assert "Same as yesterday" not in client.get("/").content.decode()
    client.post("/journal/same-as-yesterday/")
    assert not CheckIn.objects.filter(person=people.ana).exists()


def test_missing_days_are_one_tap_away_on_the_calendar_at_the_earliest_one(people, client_for):
    start_journal(people.ana, recovery_days=100)
    check_in(people.ana, days_ago=40, use_status="none")  # tracking began 40 days ago
    check_in(people.ana, days_ago=2, use_status="none")
    today = today_of(people.ana)
    client = client_for(people.ana)
    page = client.get("/").content.decode()
    assert "days without a check-in" in page
    calendar = client.get("/journal/calendar/").content.decode()
    earliest = today - timedelta(days=39)
    assert f"/journal/{earliest.isoformat()}/" in calendar
    assert "the earliest day without a check-in" in calendar
    assert "first-missing" in calendar


def test_a_counselor_provider_shows_its_requests_on_home(people, client_for, monkeypatch):
    start_journal(people.ana)
    monkeypatch.setattr(from_counselor, "PROVIDERS", [])
    from_counselor.register(
        lambda person: [from_counselor.Ask(text="Fill in the BAM", url="/journal/measures/bam/")]
    )
    page = client_for(people.ana).get("/").content.decode()
    assert "From your counselor" in page
    assert "Fill in the BAM" in page


def test_without_providers_home_has_no_counselor_part(people, client_for):
    start_journal(people.ana)
    assert "From your counselor" not in client_for(people.ana).get("/").content.decode()


def test_home_names_the_next_usual_meeting(people, client_for):
    start_journal(people.ana)
    usual_day_for(people.ana)
    page = client_for(people.ana).get("/").content.decode()
    assert "Your next meeting" in page
    assert "Tuesday Serenity" in page.split("Your next meeting")[1]


def test_a_newcomer_without_a_profile_is_offered_the_setup(people, client_for):
    page = client_for(people.ana).get("/").content.decode()
    assert "Set up in a minute" in page
    assert "/journal/setup/" in page


def test_staff_keep_the_plain_home_page(people, client_for):
    page = client_for(people.sam).get("/").content.decode()
    assert "tab-bar" not in page


def test_more_lists_every_other_page_of_the_journal(people, client_for):
    page = client_for(people.ana).get("/journal/more/").content.decode()
    for url in (
        "/journal/recovery/",
        "/journal/medication/",
        "/journal/audit/",
        "/journal/settings/",
    ):
        assert url in page
