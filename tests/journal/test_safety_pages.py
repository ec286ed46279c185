"""Safety on the person's pages (recovery-care.md, Safety): the overdose-risk note after a save
that calls for it, the crisis lines and quick exit on every page of their side, discreet mode."""

from __future__ import annotations

import pytest

from homegroup.audit.models import AuditEvent
from homegroup.journal import actions
from homegroup.journal.models import JournalProfile
from tests.journal.journal_data import buprenorphine, check_in, start_journal
from tests.people import PASSWORD, share_as_in_the_story

pytestmark = pytest.mark.django_db


def log_opioid_use(client, day: str = "") -> str:
    response = client.post(
        f"/journal/{day}", {"use_status": "used", "substances": ["opioids"], "craving": "7"}
    )
    assert response.status_code == 302, response
    return client.get(response["Location"]).content.decode()


def test_opioid_use_after_a_stretch_without_shows_the_kind_overdose_note_once(people, client_for):
    start_journal(people.ana, recovery_days=60)
    client = client_for(people.ana)
    page = log_opioid_use(client)
    assert "Please take extra care of yourself today" in page
    assert "no opioid use in the 60 days before this" in page
    assert "tolerance drops" in page
    assert "naloxone" in page.lower()
    assert 'href="tel:1-800-484-3731"' in page
    assert "Never Use Alone hotline" in page
    assert "This is not a judgment" in page
    assert "relapse" not in page.lower()
    assert "addict" not in page.lower()
    assert "Please take extra care" not in client.get("/journal/").content.decode()


def test_continued_use_shows_no_note(people, client_for):
    start_journal(people.ana, recovery_days=None)
    check_in(people.ana, 1, use_status="used", substances=["opioids"])
    page = log_opioid_use(client_for(people.ana))
    assert "Please take extra care" not in page


def test_drinking_after_a_stretch_shows_no_overdose_note(people, client_for):
    start_journal(people.ben, recovery_days=60)
    client = client_for(people.ben)
    response = client.post("/journal/", {"use_status": "used", "substances": ["alcohol"]})
    assert "Please take extra care" not in client.get(response["Location"]).content.decode()


def test_three_missed_buprenorphine_doses_in_a_row_show_the_note(people, client_for):
    start_journal(people.ana)
    plan = buprenorphine(people.ana)
    for back in (1, 2):
        check_in(people.ana, back, doses=[actions.DoseReport(plan_id=plan.pk, status="missed")])
    client = client_for(people.ana)
    response = client.post("/journal/", {f"dose_{plan.pk}": "missed", "use_status": "none"})
    page = client.get(response["Location"]).content.decode()
    assert "You have missed 3 doses of Buprenorphine in a row" in page
    assert "restart safely" in page


def test_two_missed_doses_show_no_note(people, client_for):
    start_journal(people.ana)
    plan = buprenorphine(people.ana)
    check_in(people.ana, 1, doses=[actions.DoseReport(plan_id=plan.pk, status="missed")])
    client = client_for(people.ana)
    response = client.post("/journal/", {f"dose_{plan.pk}": "missed", "use_status": "none"})
    assert "Please take extra care" not in client.get(response["Location"]).content.decode()


def test_the_note_offers_to_tell_the_clinician_when_the_person_shares_with_one(people, client_for):
    start_journal(people.ana, recovery_days=60)
    share_as_in_the_story(people)
    page = log_opioid_use(client_for(people.ana))
    assert "You share your journal with your program" in page
    assert 'href="/privacy/sharing/"' in page


def test_the_harm_reduction_lines_and_naloxone_page_are_configurable(people, client_for, settings):
    settings.HOMEGROUP_HARM_REDUCTION_LINES = [("Local overdose line", "0800 123 456")]
    settings.HOMEGROUP_NALOXONE_URL = "https://naloxone.example.org/where"
    start_journal(people.ana, recovery_days=60)
    page = log_opioid_use(client_for(people.ana))
    assert 'href="tel:0800 123 456"' in page
    assert "Never Use Alone" not in page
    assert 'href="https://naloxone.example.org/where"' in page


@pytest.mark.parametrize(
    "url", ["/", "/journal/", "/journal/progress/", "/meetings/", "/privacy/sharing/"]
)
def test_crisis_lines_and_quick_exit_are_on_every_page_of_a_person_in_recovery(
    people, client_for, url
):
    page = client_for(people.ana).get(url).content.decode()
    assert 'class="help-now" href="#crisis"' in page
    assert 'id="crisis"' in page
    assert 'href="tel:988"' in page
    assert 'href="https://www.weather.gov" data-quick-exit' in page
    assert "journal/safety.js" in page


def test_staff_pages_keep_the_plain_footer(people, client_for):
    page = client_for(people.cora).get("/").content.decode()
    assert "data-quick-exit" not in page
    assert 'href="tel:988"' in page


def test_discreet_mode_gives_a_neutral_title_and_icon_and_is_audited(people, client_for):
    client = client_for(people.ana)
    response = client.post("/journal/settings/discreet/", {"discreet": "on"})
    assert response.status_code == 302
    assert JournalProfile.objects.get(person=people.ana).discreet_mode
    for url in ("/journal/", "/journal/recovery/", "/meetings/"):
        page = client.get(url).content.decode()
        assert "<title>Notes</title>" in page
        assert "journal/notes.svg" in page
        assert "homegroup/icon.svg" not in page
    assert AuditEvent.objects.about(people.ana.pk).filter(action="journal.discreet_mode").exists()
    client.post("/journal/settings/discreet/", {})
    page = client.get("/journal/").content.decode()
    assert "<title>Check in · Homegroup</title>" in page


def test_discreet_mode_follows_the_person_to_a_new_sign_in(people, client, client_for):
    client_for(people.ana).post("/journal/settings/discreet/", {"discreet": "on"})
    client.post("/accounts/sign-in/", {"username": people.ana.email, "password": PASSWORD})
    assert "<title>Notes</title>" in client.get("/journal/").content.decode()


def test_the_page_query_count_is_unchanged_by_the_safety_bar(
    people, client_for, django_assert_max_num_queries
):
    start_journal(people.ana)
    client = client_for(people.ana)
    client.post("/journal/settings/discreet/", {"discreet": "on"})
    with django_assert_max_num_queries(5):  # session, user, profile, the audit row's id and insert
        client.get("/journal/settings/")
