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


def assert_the_steps_every_note_carries(page: str) -> None:
    assert "This is not a judgment" in page
    assert "Carry naloxone (Narcan)." in page
    assert 'href="tel:1-800-484-3731"' in page
    assert "Never Use Alone hotline" in page
    assert "Don&#x27;t mix." in page
    assert "recovery position" in page
    assert "give a second dose of naloxone" in page
    assert "2–3 minutes" in page
    assert "relapse" not in page.lower()
    assert "addict" not in page.lower()


def test_no_medication_and_a_stretch_without_opioids_say_tolerance_drops_once(people, client_for):
    start_journal(people.ben, recovery_days=60)
    client = client_for(people.ben)
    page = log_opioid_use(client)
    assert 'data-case="no_medication"' in page
    assert "Please take extra care of yourself today" in page
    assert "no opioid use in the 60 days before this" in page
    assert "your tolerance drops quickly" in page
    assert_the_steps_every_note_carries(page)
    assert "Please take extra care" not in client.get("/journal/").content.decode()


def test_buprenorphine_taken_as_prescribed_is_told_about_fentanyl_and_mixing_not_tolerance(
    people, client_for
):
    start_journal(people.ana, recovery_days=60)
    plan = buprenorphine(people.ana)
    for back in (1, 2, 3):
        check_in(people.ana, back, doses=[actions.DoseReport(plan_id=plan.pk, status="taken")])
    page = log_opioid_use(client_for(people.ana))
    assert 'data-case="agonist_as_prescribed"' in page
    assert "While you take Buprenorphine regularly, your tolerance does not drop" in page
    assert "fentanyl is very strong" in page
    assert "on top of Buprenorphine can slow your breathing" in page
    assert "Keep taking Buprenorphine as prescribed" in page
    assert "tolerance drops quickly" not in page
    assert "no opioid use in the" not in page
    assert_the_steps_every_note_carries(page)


def test_three_days_without_a_buprenorphine_dose_say_wait_for_the_clinic(people, client_for):
    start_journal(people.ana)
    plan = buprenorphine(people.ana)
    for back in (1, 2):
        check_in(people.ana, back, doses=[actions.DoseReport(plan_id=plan.pk, status="missed")])
    client = client_for(people.ana)
    response = client.post("/journal/", {f"dose_{plan.pk}": "missed", "use_status": "none"})
    page = client.get(response["Location"]).content.decode()
    assert 'data-case="agonist_days_without_dose"' in page
    assert "Your journal shows 3 days in a row without a dose of Buprenorphine." in page
    assert "After 3 or more days without a dose your tolerance may be lower than usual" in page
    assert "don&#x27;t take your usual dose or a take-home dose until your clinic" in page
    assert_the_steps_every_note_carries(page)


def test_a_missed_naltrexone_dose_says_tolerance_is_low_and_the_risk_high(people, client_for):
    start_journal(people.ben)
    plan = buprenorphine(people.ben, medication="naltrexone", dose="50")
    client = client_for(people.ben)
    response = client.post("/journal/", {f"dose_{plan.pk}": "missed", "use_status": "none"})
    page = client.get(response["Location"]).content.decode()
    assert 'data-case="naltrexone"' in page
    assert "You missed a dose of naltrexone." in page
    assert "your tolerance is low and the risk of overdose is high" in page
    assert "Trying to get past the block by taking more opioids" in page
    assert_the_steps_every_note_carries(page)


def test_a_person_with_no_history_who_reports_opioid_use_gets_the_note(people, client_for):
    page = log_opioid_use(client_for(people.ben))
    assert 'data-case="no_medication"' in page
    assert "Any opioid use carries a risk of overdose" in page
    assert "tolerance drops quickly" not in page
    assert_the_steps_every_note_carries(page)


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
    settings.HOMEGROUP_HARM_REDUCTION_LINES = [
        {"name": "Local overdose line", "about": "", "call": "0800 123 456"}
    ]
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
    assert 'href="/accounts/quick-exit/" data-quick-exit' in page
    assert "journal/safety.js" in page


def test_staff_pages_keep_the_plain_footer(people, client_for):
    page = client_for(people.cora).get("/").content.decode()
    assert "data-quick-exit" not in page
    assert "crisis-strip" not in page
    assert 'href="tel:988"' in page


def help_now_panel(page: str) -> str:
    start = page.index('<section id="crisis"')
    return page[start : page.index("</section>", start)]


def test_the_help_now_panel_offers_988_by_call_text_or_chat(people, client_for):
    panel = help_now_panel(client_for(people.ana).get("/journal/").content.decode())
    assert 'href="tel:988"' in panel
    assert 'href="sms:988"' in panel
    assert 'href="https://988lifeline.org/chat/"' in panel
    assert "Call, text or chat, any time" in panel


def test_the_samhsa_line_is_labelled_a_treatment_referral_line(people, client_for):
    panel = help_now_panel(client_for(people.ana).get("/journal/").content.decode())
    assert "SAMHSA National Helpline" in panel
    assert "A treatment referral and information line" in panel
    assert "it is not counseling" in panel
    assert 'href="tel:1-800-662-4357"' in panel


def test_the_help_now_panel_carries_the_harm_reduction_lines_and_naloxone(
    people, client_for, settings
):
    settings.HOMEGROUP_NALOXONE_URL = "https://naloxone.example.org/where"
    panel = help_now_panel(client_for(people.ana).get("/journal/").content.decode())
    assert "If you use drugs" in panel
    assert "Never Use Alone hotline" in panel
    assert 'href="tel:1-800-484-3731"' in panel
    assert "Carry naloxone (Narcan)." in panel
    assert 'href="https://naloxone.example.org/where"' in panel


@pytest.mark.parametrize("url", ["/", "/meetings/"])
def test_anonymous_visitors_see_the_crisis_line_without_opening_anything(client, url):
    page = client.get(url).content.decode()
    strip = page[page.index('<p class="crisis-strip">') :]
    assert strip.index('href="tel:988"') < strip.index('<main id="main"')
    assert "In crisis? Call or text 988" in page
    panel = help_now_panel(page)
    assert "<details" not in page[page.index('<footer class="site-footer">') :]
    assert 'href="tel:988"' in panel
    assert "Never Use Alone hotline" in panel
    assert "data-quick-exit" not in page


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
