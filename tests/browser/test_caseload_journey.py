"""Issue 14's story in a browser, on a phone (390 px) and a desk (1280 px): Cora opens her
caseload, sees Ana with her numbers and an alert, opens it, reads why and acknowledges it; asks
Ana for a BAM, Ana sees the request and answers, Cora sees the scores; Dev finds none of it;
Ana revoking her program's consent takes her off Cora's caseload at once.
Every page passes axe."""

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from homegroup.journal import actions as journal_actions
from homegroup.journal.models import JournalProfile
from homegroup.measures import bam
from homegroup.privacy import actions as privacy_actions
from tests.browser.conftest import axe_violations, sign_in
from tests.people import PASSWORD, make_people, share_as_in_the_story

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["390px", "1280px"])
def test_cora_reads_and_acknowledges_anas_alert_dev_sees_nothing_and_revoking_ends_it(
    browser: Browser, live_server, viewport
):
    people = make_people()
    story = share_as_in_the_story(people)
    today = JournalProfile().today()
    for days_ago in (9, 12, 16):
        journal_actions.record_check_in(
            person=people.ana,
            day=today - timedelta(days=days_ago),
            values=journal_actions.CheckInValues(
                meetings=[journal_actions.MeetingAttended(name="Tuesday Night Group")],
                service=True,
                use_status="none",
            ),
        )

    context = browser.new_context(viewport=viewport, bypass_csp=True, base_url=live_server.url)
    page: Page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, people.cora, PASSWORD)
    page.goto("/care/")
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    anas_row = page.locator("tr", has=page.get_by_role("link", name="Ana"))
    expect(anas_row).to_be_visible()
    expect(anas_row).to_contain_text("9 days ago")
    assert axe_violations(page) == []
    page.screenshot(path=f"var/screens/caseload-{viewport['width']}.png", full_page=True)

    anas_row.get_by_role("link", name="No check-in for a while").click()
    expect(page.get_by_role("heading", name="No check-in for a while")).to_be_visible()
    expect(page.get_by_text("No check-in for 9 days: the last was on")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Acknowledge, with a short note").fill("Calling her this afternoon.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged.", exact=True)).to_be_visible()
    expect(page.get_by_text("Calling her this afternoon.")).to_be_visible()
    alert_url = page.url
    page.screenshot(path=f"var/screens/alert-{viewport['width']}.png", full_page=True)

    # Cora asks Ana for a BAM; Ana sees the request (home, questionnaires page) and answers;
    # Cora sees the scores and the items worth a look.
    page.goto(f"/care/people/{people.ana.pk}/")
    page.get_by_label("What to ask for", exact=True).select_option("bam")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.get_by_text("Asked. Ana sees it on their home page")).to_be_visible()
    assert axe_violations(page) == []
    anas = browser.new_context(viewport=viewport, bypass_csp=True, base_url=live_server.url)
    ana = anas.new_page()
    sign_in(ana, people.ana, PASSWORD)
    ana.goto("/journal/measures/")
    expect(ana.get_by_text("Cora asked you for the Brief Addiction Monitor")).to_be_visible()
    assert axe_violations(ana) == []
    anas.close()
    answers = {key: 0 for key in bam.INSTRUMENT.keys} | {"14": 4, "2": 20, "3": 20, "8": 3}
    journal_actions.record_measure(person=people.ana, instrument_id="bam", answers=answers)
    page.reload()
    expect(page.get_by_role("heading", name="Latest Brief Addiction Monitor")).to_be_visible()
    expect(page.get_by_text("Items worth a look:")).to_be_visible()

    dev = browser.new_context(viewport=viewport, bypass_csp=True, base_url=live_server.url)
    dev_page = dev.new_page()
    sign_in(dev_page, people.dev, PASSWORD)
    dev_page.goto("/care/")
    expect(dev_page.get_by_text("Nobody on your care teams shares their record")).to_be_visible()
    assert dev_page.goto(alert_url).status == 404
    dev.close()

    privacy_actions.revoke_consent(consent=story.program_consent, by=people.ana, attested=True)
    page.goto("/care/")
    expect(page.get_by_role("link", name="Ana")).to_have_count(0)
    context.close()


def test_pat_switches_an_alert_rule_off_on_the_rules_page(browser: Browser, live_server):
    people = make_people()
    context = browser.new_context(viewport=DESK, bypass_csp=True, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, people.pat, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alert rules").click()
    expect(page.get_by_role("heading", name="No check-in for a while")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Days without a check-in").fill("10")
    page.locator("#no_check_in-enabled").uncheck()
    page.get_by_role("button", name="Save No check-in for a while").click()
    expect(page.get_by_text("Saved. The caseloads use it from their next view.")).to_be_visible()
    expect(page.locator("#no_check_in-enabled")).not_to_be_checked()
    expect(page.get_by_label("Days without a check-in")).to_have_value("10")
    context.close()
