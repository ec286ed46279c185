"""First-run setup after the email link: recovery time (with "I don't know"), medication,
meetings — each step skippable, the time zone taken from the browser."""

from __future__ import annotations

import pytest

from homegroup.accounts import actions as account_actions
from homegroup.journal.models import JournalProfile, MedicationPlan, TwelveStepLife
from tests.journal.journal_data import meeting

pytestmark = pytest.mark.django_db


def test_step_one_saves_the_browser_zone_and_what_the_count_measures(people, client_for):
    response = client_for(people.ana).post(
        "/journal/setup/",
        {
            "step": "1",
            "timezone": "America/Los_Angeles",
            "count_scope": "opioids",
            "recovery_date": "2026-01-02",
        },
    )
    assert response["Location"] == "/journal/setup/?step=2"
    profile = JournalProfile.objects.get(person=people.ana)
    assert (profile.timezone, profile.count_scope, str(profile.recovery_date)) == (
        "America/Los_Angeles",
        "opioids",
        "2026-01-02",
    )


def test_i_dont_know_leaves_the_recovery_date_empty(people, client_for):
    client_for(people.ana).post(
        "/journal/setup/",
        {
            "step": "1",
            "timezone": "America/Chicago",
            "count_scope": "all",
            "recovery_date": "2026-01-02",
            "dont_know": "on",
        },
    )
    assert JournalProfile.objects.get(person=people.ana).recovery_date is None


def test_skipping_step_one_still_keeps_the_time_zone(people, client_for):
    client_for(people.ana).post(
        "/journal/setup/", {"step": "1", "timezone": "America/Los_Angeles", "skip": "1"}
    )
    profile = JournalProfile.objects.get(person=people.ana)
    assert (profile.timezone, profile.recovery_date) == ("America/Los_Angeles", None)


def test_an_unknown_zone_is_refused_where_it_was_typed(people, client_for):
    response = client_for(people.ana).post(
        "/journal/setup/", {"step": "1", "timezone": "Mars/Olympus", "count_scope": "all"}
    )
    assert response.status_code == 400
    assert not JournalProfile.objects.filter(person=people.ana).exists()


def test_the_zone_is_a_search_box_not_a_600_entry_list(people, client_for):
    page = client_for(people.ana).get("/journal/setup/").content.decode()
    assert 'list="timezones"' in page
    assert "data-browser-zone" in page
    assert '<select name="timezone"' not in page
    settings_page = client_for(people.ana).get("/journal/settings/").content.decode()
    assert '<select name="timezone"' not in settings_page


def test_step_two_adds_a_medication_or_skips(people, client_for):
    client = client_for(people.ana)
    assert client.post("/journal/setup/", {"step": "2", "medication": "none"})["Location"].endswith(
        "step=3"
    )
    assert not MedicationPlan.objects.filter(person=people.ana).exists()
    client.post("/journal/setup/", {"step": "2", "medication": "methadone"})
    assert MedicationPlan.objects.get(person=people.ana).medication == "methadone"


def test_step_three_finds_meetings_in_the_persons_zone_first_and_sets_the_home_group(
    people, client_for
):
    far = meeting("Zeta Hope Group", timezone="America/Los_Angeles")
    near = meeting("Zeta Hope Evening")  # America/New_York, Ana's zone
    client = client_for(people.ana)
    client.post("/journal/setup/", {"step": "1", "timezone": "America/New_York", "skip": "1"})
    page = client.get("/journal/setup/?step=3&q=zeta+hope").content.decode()
    assert page.index(near.name) < page.index(far.name)
    response = client.post(
        "/journal/twelve-step/meetings/", {"what": "home_group", "slug": far.slug, "from": "setup"}
    )
    assert response["Location"] == "/journal/setup/?step=3"
    assert TwelveStepLife.objects.get(person=people.ana).home_group == far
    assert client.post("/journal/setup/", {"step": "3"})["Location"] == "/"


def test_the_email_link_leads_a_person_in_recovery_to_the_setup(client):
    from django.core import mail

    account_actions.sign_up(
        email="new@people.test",
        display_name="New",
        password="a long new password 1",
        confirmed_adult=True,
        base_url="http://testserver",
    )
    link = next(word for word in mail.outbox[-1].body.split() if "/accounts/activate/" in word)
    path = link.split("testserver", 1)[1]
    response = client.post(path, {"password": "a long new password 1"})
    assert response["Location"] == "/journal/setup/"
