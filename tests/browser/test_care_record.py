"""The redesigned person record in a browser: Cora takes in Ana's month at 390 px and 1280 px
(every page passes axe), and the printable copy of a typical month fits on two pages."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, expect

from homegroup.journal import actions
from homegroup.journal.models import JournalProfile
from homegroup.measures import bam
from tests.browser.conftest import axe_violations, sign_in
from tests.journal.journal_data import buprenorphine, start_journal
from tests.people import PASSWORD, make_people, share_as_in_the_story

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def a_typical_month(person):
    """Thirty days of check-ins (meetings, doses, a lapse), a BAM and a changed network."""
    start_journal(person, recovery_days=200)
    plan = buprenorphine(person, since_days=200)
    today = JournalProfile.objects.for_person(person).today()
    for back in range(1, 31):
        actions.record_check_in(
            person=person,
            day=today - timedelta(days=back),
            values=actions.CheckInValues(
                meetings=[actions.MeetingAttended(name="Serenity Group")] if back % 3 else (),
                service=back % 7 == 0,
                talked_with_sponsor=back % 2 == 0,
                doses=[
                    actions.DoseReport(plan_id=plan.pk, status="missed" if back == 5 else "taken")
                ],
                use_status="used" if back == 12 else "none",
                substances=["alcohol"] if back == 12 else (),
                craving=back % 6,
                mood=3,
                note="A day like any other, written at some length to fill the page. " * 3,
            ),
        )
    answers = {key: 0 for key in bam.INSTRUMENT.keys} | {"14": 4, "2": 20, "3": 12, "8": 3}
    actions.record_measure(person=person, instrument_id="bam", answers=answers)
    before = datetime.now(UTC) - timedelta(days=20)
    actions.save_network_member(
        person=person, name="Rita", relationship="friend", contact=6, importance=5, now=before
    )
    actions.save_network_member(
        person=person, name="Jo", relationship="friend", contact=5, importance=4,
        drinking_status=5,
    )  # fmt: skip


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["390px", "1280px"])
def test_cora_takes_in_anas_month_and_prints_it_on_two_pages(
    browser: Browser, live_server, viewport
):
    people = make_people()
    a_typical_month(people.ana)
    share_as_in_the_story(people)
    context = browser.new_context(viewport=viewport, bypass_csp=True, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, people.cora, PASSWORD)
    page.goto(f"/care/people/{people.ana.pk}/")
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
    expect(page.get_by_role("heading", name="The last 12 weeks")).to_be_visible()
    expect(page.locator("#chart-meetings")).to_be_visible()  # drawn by the progress charts
    expect(page.get_by_text("Items worth a look:")).to_be_visible()
    expect(page.get_by_text("People who drink heavily (%): 0.0 → 50.0")).to_be_visible()
    # The notice is one line that opens to the full text.
    notice = page.locator("details.part2-notice")
    expect(notice.get_by_text("prohibit you from making any other use")).to_be_hidden()
    notice.locator("summary").click()
    expect(notice.get_by_text("prohibit you from making any other use")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=f"var/screens/record-{viewport['width']}.png", full_page=True)

    page.goto(f"/care/people/{people.ana.pk}/print/")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    expect(page.get_by_text("prohibit you from making any other use")).to_be_visible()
    pdf = page.pdf(format="Letter")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 1 <= pages <= 2, f"the printable copy of a month took {pages} pages"
    context.close()
