"""A new person in recovery, on a phone: sign up, recovery date, buprenorphine plan, home group,
first check-in, and recovery time that survives the buprenorphine. Accessibility of the
journal's main pages."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from homegroup.journal import actions
from homegroup.journal.models import CheckIn, CheckInDose, CheckInMeeting, JournalProfile
from tests.browser.conftest import axe_violations
from tests.browser.conftest import sign_up as sign_up_and_confirm
from tests.journal.journal_data import meeting
from tests.people import PASSWORD, make_people

pytestmark = pytest.mark.django_db(transaction=True)


def sign_up(page: Page) -> None:
    # Through the emailed link, as a newcomer would (tests/browser/conftest.py).
    sign_up_and_confirm(
        page, name="Rosa", email="rosa@example.org", password="a long and unusual phrase 7"
    )
    expect(page.get_by_role("heading", name="Hello, Rosa")).to_be_visible()


def test_a_newcomer_sets_up_checks_in_and_keeps_100_days_on_buprenorphine(page: Page):
    meeting("Serenity Group", slug="serenity-group")
    sign_up(page)
    hundred_days_ago = JournalProfile().today() - timedelta(days=100)

    # Recovery date, from before joining.
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="My recovery").click()
    page.get_by_role("link", name="your recovery date").click()
    page.get_by_label("Your recovery date").fill(hundred_days_ago.isoformat())
    page.get_by_label("All substances (alcohol and drugs)").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("100 days", exact=True)).to_be_visible()

    # The buprenorphine plan.
    page.get_by_role("navigation", name="Journal").get_by_role("link", name="Medication").click()
    page.get_by_role("link", name="Add a medication").click()
    page.get_by_label("Buprenorphine").check()
    page.get_by_label("Dose", exact=True).fill("16")
    page.get_by_label("Every day").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your medication plan is saved.")).to_be_visible()

    # The home group, found in the directory.
    page.get_by_role("navigation", name="Journal").get_by_role("link", name="12-step life").click()
    page.get_by_label("Find a meeting in the directory").fill("Serenity")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name="Make Serenity Group my home group").click()
    expect(page.get_by_text("Serenity Group is your home group.")).to_be_visible()

    # Today's check-in: the home group, buprenorphine as prescribed, no use.
    nav.get_by_role("link", name="Check in").click()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    page.get_by_label("Serenity Group", exact=True).check()
    page.get_by_label("Taken as prescribed").check()
    page.get_by_label("No use").check()
    page.get_by_role("button", name="Save my day").click()
    expect(page.get_by_text("Saved. Thank you for checking in.")).to_be_visible()

    day = CheckIn.objects.get(person__email="rosa@example.org")
    assert CheckInMeeting.objects.get(check_in=day).meeting.slug == "serenity-group"
    assert CheckInDose.objects.get(check_in=day).status == "taken"

    # Recovery time survives the buprenorphine.
    nav.get_by_role("link", name="My recovery").click()
    expect(page.get_by_text("100 days", exact=True)).to_be_visible()
    expect(
        page.get_by_text("Taking your medication as prescribed never resets your recovery time.")
    ).to_be_visible()


def test_the_network_is_mapped_on_a_phone(page: Page):
    make_people()
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill("ana@people.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My network").click()
    page.get_by_role("link", name="Add someone").click()
    page.get_by_label("First name or nickname").fill("Lee")
    page.get_by_label("Who they are to you").select_option("sponsor")
    page.get_by_label("How often you are in contact").select_option("6")
    page.get_by_label("How important they are to you").select_option("5")
    page.get_by_label("They are my sponsor").check()
    page.get_by_label("They support my medication").select_option("yes")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your network is saved.")).to_be_visible()
    expect(page.get_by_role("row", name="People you are in touch with daily 1")).to_be_visible()


@pytest.mark.parametrize(
    "path",
    [
        "/journal/",
        "/journal/recovery/",
        "/journal/network/",
        "/journal/calendar/",
        "/journal/medication/",
        "/journal/twelve-step/?q=Serenity",
        "/journal/measures/bam/",
        "/journal/settings/",
    ],
)
def test_the_journals_main_pages_have_no_serious_accessibility_violations(page: Page, path):
    people = make_people()
    home = meeting("Serenity Group")
    actions.set_home_group(person=people.ana, meeting=home)
    actions.update_profile(
        person=people.ana,
        timezone_name="America/New_York",
        recovery_date=JournalProfile().today() - timedelta(days=200),
        count_scope="all",
    )
    plan = actions.save_medication_plan(
        person=people.ana,
        medication="buprenorphine",
        dose="16",
        active_from=JournalProfile().today() - timedelta(days=300),
    )
    actions.record_check_in(
        person=people.ana,
        day=JournalProfile().today() - timedelta(days=50),
        values=actions.CheckInValues(use_status="used", substances=["alcohol"], drinks=3),
    )
    actions.record_check_in(
        person=people.ana,
        day=JournalProfile().today() - timedelta(days=1),
        values=actions.CheckInValues(
            use_status="none", doses=[actions.DoseReport(plan_id=plan.pk, status="taken")]
        ),
    )
    actions.save_network_member(
        person=people.ana, name="Kim", relationship="friend", contact=6, importance=5
    )
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill("ana@people.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(path)
    assert axe_violations(page) == []
