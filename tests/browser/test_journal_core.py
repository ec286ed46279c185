"""A new person in recovery, on a phone: sign up, recovery date, buprenorphine plan, home group,
first check-in, and recovery time that survives the buprenorphine. Accessibility of the
journal's main pages."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from homegroup.journal import actions
from homegroup.journal.models import CheckIn, CheckInDose, CheckInMeeting, JournalProfile
from tests.browser.conftest import PHONE, axe_violations
from tests.browser.conftest import sign_up as sign_up_and_confirm
from tests.journal.journal_data import meeting
from tests.people import PASSWORD, make_people

pytestmark = pytest.mark.django_db(transaction=True)


LOS_ANGELES = "America/Los_Angeles"


@pytest.fixture
def la_page(browser: Browser, live_server):
    """A phone whose clock is set to Los Angeles (the browser's zone setup.js reads)."""
    context = browser.new_context(
        viewport=PHONE, bypass_csp=True, base_url=live_server.url, timezone_id=LOS_ANGELES
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_newcomer_in_los_angeles_sets_up_and_checks_in_in_three_taps(la_page: Page):
    page = la_page
    serenity = meeting("Serenity Group", slug="serenity-group", timezone=LOS_ANGELES)
    sign_up_and_confirm(
        page, name="Rosa", email="rosa@example.org", password="a long and unusual phrase 7"
    )

    # Setup, step 1: the zone comes from the browser, said in words; a date from before joining.
    expect(page.get_by_role("heading", name="Your recovery time")).to_be_visible()
    expect(page.get_by_label("Your time zone")).to_have_value(LOS_ANGELES)
    expect(page.get_by_text("Pacific", exact=False).first).to_be_visible()
    assert axe_violations(page) == []
    hundred_days_ago = JournalProfile(timezone=LOS_ANGELES).today() - timedelta(days=100)
    page.get_by_label("All substances (alcohol and drugs)").check()
    page.get_by_label("Since when").fill(hundred_days_ago.isoformat())
    page.get_by_role("button", name="Next").click()

    # Step 2: buprenorphine.
    expect(page.get_by_role("heading", name="Medication")).to_be_visible()
    page.get_by_label("Buprenorphine").check()
    page.get_by_role("button", name="Next").click()

    # Step 3: the home group, found by name.
    page.get_by_label("Search by meeting name or town").fill("Serenity")
    page.get_by_role("button", name="Search").click()
    choose = page.get_by_role("button", name=re.compile("My home group.*Serenity Group"))
    expect(choose).to_be_visible()  # the search's page has loaded before axe looks at it
    assert axe_violations(page) == []
    choose.click()
    expect(page.get_by_text("Serenity Group is your home group.")).to_be_visible()
    page.get_by_role("button", name="Done").click()

    # Home: the day, the count as "Day N".
    expect(page.get_by_text("Day 101", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    profile = JournalProfile.objects.get(person__email="rosa@example.org")
    assert profile.timezone == LOS_ANGELES

    # A typical day in three taps: a usual day, a craving number, a mood (which saves).
    home_today = serenity.day == (profile.today().weekday() + 1) % 7
    page.get_by_text("A usual day").click()  # 1
    page.locator(".scale-row label", has_text="2").first.click()  # 2
    page.get_by_role("button", name="Good", exact=True).click()  # 3
    expect(page.get_by_text("Saved. Thank you for checking in.")).to_be_visible()
    expect(page.get_by_text("You checked in today.")).to_be_visible()

    day = CheckIn.objects.get(person__email="rosa@example.org")
    assert day.date == profile.today()  # Los Angeles' today, not New York's
    assert (day.use_status, day.craving, day.mood) == ("none", 2, 4)
    assert CheckInDose.objects.get(check_in=day).status == "taken"
    assert CheckInMeeting.objects.filter(check_in=day).count() == (1 if home_today else 0)


def test_the_network_is_mapped_on_a_phone(page: Page):
    make_people()
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill("ana@people.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="More").click()
    page.get_by_role("link", name="My network").click()
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
