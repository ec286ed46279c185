"""A person in recovery on a phone (390×844): progress charts, the kind overdose note after
logging opioid use, the BAM's follow-up questions, discreet mode, quick exit, the "Help now" panel
(and a visitor's crisis line), and accessibility of the progress, data and audit pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from homegroup.journal import actions
from homegroup.journal.models import JournalProfile
from homegroup.measures import bam
from tests.browser.conftest import axe_violations, sign_in
from tests.journal.journal_data import meeting
from tests.people import PASSWORD, make_people

pytestmark = pytest.mark.django_db(transaction=True)

NEUTRAL_SITE = "https://www.weather.gov/"


def ana_with_history():
    people = make_people()
    today = JournalProfile().today()
    actions.update_profile(
        person=people.ana,
        timezone_name="America/New_York",
        recovery_date=today - timedelta(days=120),
        count_scope="all",
    )
    plan = actions.save_medication_plan(
        person=people.ana,
        medication="buprenorphine",
        dose="16",
        active_from=today - timedelta(days=200),
    )
    home = meeting("Serenity Group")
    actions.set_home_group(person=people.ana, meeting=home)
    for back in range(1, 40):
        actions.record_check_in(
            person=people.ana,
            day=today - timedelta(days=back),
            values=actions.CheckInValues(
                use_status="none",
                meetings=[actions.MeetingAttended(meeting_id=home.pk)] if back % 2 else [],
                doses=[actions.DoseReport(plan_id=plan.pk, status="taken")],
                literature=back % 3 == 0,
            ),
        )
    answers = {key: 0 for key in bam.INSTRUMENT.keys} | {"14": 4, "10": 12, "16": 20}
    actions.record_measure(person=people.ana, instrument_id="bam", answers=answers)
    actions.save_network_member(
        person=people.ana, name="Kim", relationship="friend", contact=6, importance=5
    )
    return people


def test_the_progress_page_shows_charts(page: Page):
    people = ana_with_history()
    sign_in(page, people.ana, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="More").click()
    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("heading", name="My progress", level=1)).to_be_visible()
    # The heading can show before the deferred chart scripts have run: wait for them.
    page.wait_for_function("() => window.Chart !== undefined && Chart.getChart('chart-days')")
    for chart in ("meetings", "activities", "doses", "days", "bam", "network"):
        canvas = page.locator(f"#chart-{chart}")
        expect(canvas).to_be_visible()
        assert page.evaluate(f"() => Chart.getChart('chart-{chart}') !== undefined"), chart
        assert canvas.bounding_box()["width"] > 300
    expect(page.get_by_text("In the last 4 weeks:").first).to_be_visible()
    page.get_by_text("Meetings as a table").click()
    expect(page.get_by_role("table", name="Meetings each week")).to_be_visible()


def test_logging_opioid_use_on_buprenorphine_shows_the_note_about_fentanyl_and_mixing(page: Page):
    people = ana_with_history()  # buprenorphine taken every day, 120 days of recovery time
    sign_in(page, people.ana, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Check in").click()
    page.get_by_label("I used").check()
    page.get_by_text("If you used: what").click()
    page.get_by_label("Opioids (heroin, fentanyl, pain pills)").check()
    page.get_by_role("button", name="Save my day").click()
    note = page.get_by_role("region", name="Please take extra care of yourself today")
    expect(note).to_be_visible()
    expect(note).to_contain_text("While you take Buprenorphine regularly")
    expect(note).not_to_contain_text("tolerance drops")
    expect(note).to_contain_text("naloxone")
    expect(note).to_contain_text("give a second dose of naloxone")
    expect(note.get_by_role("link", name="Never Use Alone hotline: 1-800-484-3731")).to_be_visible()
    expect(note).to_contain_text("This is not a judgment")
    assert axe_violations(page) == []


def test_the_bam_asks_follow_up_questions_only_after_a_non_zero_answer(page: Page):
    people = make_people()
    sign_in(page, people.ana, PASSWORD)
    page.goto("/journal/measures/bam/")
    heavy = page.get_by_label("at least 5 drinks", exact=False)
    kinds = page.get_by_role("group", name="how many days did you use any of the following drugs")
    expect(heavy).to_be_hidden()
    expect(kinds).to_be_hidden()
    page.get_by_label("how many days did you drink any alcohol", exact=False).fill("3")
    expect(heavy).to_be_visible()
    page.get_by_label("how many days did you drink any alcohol", exact=False).fill("0")
    expect(heavy).to_be_hidden()
    page.get_by_label("illegal or street drugs", exact=False).fill("2")
    expect(kinds).to_be_visible()
    expect(kinds.get_by_label("Marijuana (cannabis, pot, weed)")).to_be_visible()
    assert axe_violations(page) == []


def test_discreet_mode_changes_the_title_and_icon(page: Page):
    people = make_people()
    sign_in(page, people.ana, PASSWORD)
    page.goto("/journal/settings/")
    expect(page).to_have_title("Journal settings · Homegroup")
    page.get_by_label("Discreet mode").check()
    page.get_by_role("button", name="Update discreet mode").click()
    expect(page.get_by_text("Discreet mode is on.")).to_be_visible()
    expect(page).to_have_title("Notes")
    assert page.locator("link[rel=icon]").get_attribute("href").endswith("journal/notes.svg")
    page.goto("/journal/recovery/")
    expect(page).to_have_title("Notes")


def test_quick_exit_signs_out_and_back_shows_nothing_of_the_journal(page: Page):
    people = ana_with_history()
    page.route("https://www.weather.gov/**", lambda route: route.fulfill(body="Weather"))
    sign_in(page, people.ana, PASSWORD)
    page.goto("/journal/")
    page.goto("/journal/progress/")
    page.get_by_role("navigation", name="Safety").get_by_role("link", name="Quick exit").click()
    page.wait_for_url(NEUTRAL_SITE)
    page.go_back()
    # The session ended: Back asks the server again and gets the sign-in page, not the journal.
    page.wait_for_load_state()
    assert "/accounts/sign-in/" in page.url
    expect(page.get_by_text("Serenity Group")).to_have_count(0)
    expect(page.get_by_role("heading", name="Today")).to_have_count(0)


def test_three_presses_of_escape_are_a_quick_exit(page: Page):
    people = make_people()
    page.route("https://www.weather.gov/**", lambda route: route.fulfill(body="Weather"))
    sign_in(page, people.ana, PASSWORD)
    page.goto("/journal/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(page).to_have_url(NEUTRAL_SITE)
    page.goto("/journal/")
    assert "/accounts/sign-in/" in page.url


def test_help_now_is_one_tap_away_on_a_phone(page: Page):
    people = make_people()
    sign_in(page, people.ana, PASSWORD)
    page.goto("/meetings/")
    page.mouse.wheel(0, 2000)
    help_now = page.get_by_role("navigation", name="Safety").get_by_role("link", name="Help now")
    expect(help_now).to_be_in_viewport()
    help_now.click()
    panel = page.get_by_role("region", name="Need help right now?")
    expect(panel.get_by_role("link", name="Call 988")).to_be_in_viewport()
    expect(panel.get_by_role("link", name="Text 988")).to_be_visible()
    expect(panel.get_by_role("link", name="Chat online")).to_be_visible()
    expect(panel.get_by_role("link", name="Call 1-800-484-3731")).to_be_visible()
    expect(panel).to_contain_text("A treatment referral and information line")


@pytest.mark.parametrize("path", ["/", "/meetings/"])
def test_a_visitor_sees_the_crisis_line_without_opening_anything(page: Page, path):
    make_people()
    page.goto(path)
    expect(page.get_by_role("link", name="In crisis? Call or text 988")).to_be_in_viewport()
    panel = page.get_by_role("region", name="Need help right now?")
    expect(panel.get_by_role("link", name="Call 988")).to_be_visible()
    expect(panel).to_contain_text("Never Use Alone hotline")
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/journal/progress/", "/journal/data/", "/journal/audit/"])
def test_progress_data_and_audit_pages_have_no_serious_accessibility_violations(page: Page, path):
    people = ana_with_history()
    sign_in(page, people.ana, PASSWORD)
    page.goto(path)
    if path == "/journal/progress/":
        page.wait_for_function("() => document.documentElement.classList.contains('charts-on')")
    assert axe_violations(page) == []


RECOVERY_WORDS = (
    "recovery", "sober", "addiction", "alcohol", "drug", "medication", "methadone",
    "buprenorphine", "naltrexone", "craving", "relapse", "overdose", "crisis", "12-step",
    "homegroup", "help now", "meeting", "serenity",
)  # fmt: skip


def test_discreet_mode_leaves_no_recovery_word_on_the_screen(page: Page):
    people = ana_with_history()
    actions.set_discreet_mode(person=people.ana, on=True)
    sign_in(page, people.ana, PASSWORD)
    for path in ("/", "/journal/more/"):
        page.goto(path)
        seen = page.locator("body").inner_text().lower()
        assert [word for word in RECOVERY_WORDS if word in seen] == [], path
        assert axe_violations(page) == []
    # Support stays one tap away, and opens in place.
    page.get_by_role("navigation", name="Safety").get_by_role("link", name="Support").click()
    expect(page.get_by_role("link", name="Call 988")).to_be_visible()
