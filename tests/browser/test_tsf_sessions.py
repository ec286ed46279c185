"""Issue 15's story in a browser: Cora, at her desk, runs session 1 (assessment) with Ana and
sets two recovery tasks — two medication-welcoming meetings picked from the directory; Ana, on
her phone, sees them "From your counselor" and logs one attended; session 2's review shows it
done and the other not; the summary prints on one page; Dev finds nothing (404); Ana revokes
her program's consent and Cora's session pages are gone at once. axe at 390 and 1280 px."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from homegroup.privacy import actions as privacy_actions
from homegroup.privacy.models import Consent
from tests.browser.conftest import PHONE, axe_violations, sign_in
from tests.care.sessions_data import meetings
from tests.journal.journal_data import start_journal
from tests.people import PASSWORD, make_people, share_as_in_the_story

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 800}


def pdf_pages(page: Page) -> int:
    """How many pages the browser's print of the current page takes (US letter)."""
    page.emulate_media(media="print")
    document = page.pdf(format="Letter", print_background=False)
    page.emulate_media(media="screen")
    return len(re.findall(rb"/Type\s*/Page[^s]", document))


def test_cora_runs_two_sessions_with_ana_who_logs_a_referred_meeting(
    page: Page, browser: Browser, live_server
):
    people = make_people()
    start_journal(people.ana)
    share_as_in_the_story(people)
    meetings(people)  # Tuesday Hope and Thursday Open Door welcome people on medication

    # Cora, at her desk: Ana's record, then her sessions, then session 1.
    coras = browser.new_context(viewport=DESKTOP, bypass_csp=True, base_url=live_server.url)
    cora = coras.new_page()
    sign_in(cora, people.cora, PASSWORD)
    cora.goto(f"/care/people/{people.ana.pk}/")
    cora.get_by_role("link", name="TSF sessions").click()
    expect(cora.get_by_role("heading", name="Twelve-Step Facilitation with Ana")).to_be_visible()
    # The Part 2 notice is one line on screen that opens to the full text (the paper has it all).
    notice = cora.locator("details.part2-notice")
    expect(notice.get_by_text("prohibit you from making any other use")).to_be_hidden()
    notice.locator("summary").click()
    expect(notice.get_by_text("prohibit you from making any other use")).to_be_visible()
    assert axe_violations(cora) == []
    cora.get_by_role("link", name="New session").click()
    expect(cora.get_by_text("This is the first session.")).to_be_visible()
    week_ago = (timezone.now().date() - timedelta(days=7)).isoformat()
    cora.get_by_label("Date").fill(week_ago)
    cora.get_by_label("Went through the history of drinking or drug use and its costs").check()
    cora.get_by_label("Chose first meetings together").check()
    cora.get_by_label("Summary for the person").fill(
        "We got to know each other. You chose two meetings that welcome people on medication."
    )
    assert axe_violations(cora) == []
    cora.get_by_role("button", name="Save session and set tasks").click()
    expect(cora.get_by_text("Session saved. Now set the recovery tasks.")).to_be_visible()
    for name in ("Tuesday Hope", "Thursday Open Door"):
        cora.get_by_role("link", name="Pick meetings from the directory").click()
        expect(
            cora.get_by_role("heading", name="Welcoming to people on medication")
        ).to_be_visible()
        assert axe_violations(cora) == []
        cora.get_by_role("button", name=f"Set {name} as a recovery task").click()
        expect(cora.get_by_text("Task set.")).to_be_visible()
    tasks = cora.get_by_role("region", name="Recovery tasks")
    expect(tasks).to_contain_text("Tuesday Hope")
    expect(tasks).to_contain_text("Thursday Open Door")
    session_one = cora.url

    # Ana, on her phone: her tasks from her counselor; she went to Tuesday Hope.
    sign_in(page, people.ana, PASSWORD)
    page.goto("/journal/")
    expect(page.get_by_role("region", name="From your counselor")).to_contain_text("Tuesday Hope")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="More").click()
    page.get_by_role("link", name="From your counselor").click()
    expect(page.get_by_role("heading", name="From your counselor")).to_be_visible()
    assert axe_violations(page) == []
    page.locator(".task", has_text="Tuesday Hope").get_by_role(
        "link", name="I went: check in"
    ).click()
    expect(page.get_by_role("checkbox", name="Tuesday Hope")).to_be_checked()
    page.get_by_role("button", name="Save my day").click()
    expect(page.get_by_role("link", name="How did this meeting receive you?")).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/journal/tasks/")
    expect(page.locator("main")).to_contain_text("from your check-in")

    # Cora: session 2's review shows Tuesday Hope done and Thursday Open Door not yet.
    cora.goto(f"/care/people/{people.ana.pk}/sessions/new/")
    review = cora.get_by_role("region", name="Review")
    expect(review).to_contain_text("Tuesday Hope — Done")
    expect(review).to_contain_text("Thursday Open Door — Not yet")
    expect(review).to_contain_text("Meetings")
    cora.get_by_label("Topic").select_option("acceptance")
    cora.get_by_role("button", name="Show its checklist").click()
    cora.get_by_label("Read and discussed Step 1").check()
    cora.get_by_label("Summary for the person").fill("We talked about Step 1.")
    cora.get_by_role("button", name="Save session and set tasks").click()
    expect(cora.get_by_role("heading", name="Session 2 with Ana")).to_be_visible()

    # Session 1's summary, to take home: one printed page, at both widths accessible.
    cora.goto(session_one)
    cora.get_by_role("link", name="Summary to take home").click()
    expect(cora.get_by_role("heading", name="Your session 1")).to_be_visible()
    expect(cora.get_by_role("button", name="Print")).to_be_visible()
    expect(cora.locator("main")).to_contain_text("Tuesday Hope")
    assert axe_violations(cora) == []
    assert pdf_pages(cora) == 1
    cora.set_viewport_size(PHONE)
    assert axe_violations(cora) == []
    cora.goto(session_one)
    assert axe_violations(cora) == []
    cora.set_viewport_size(DESKTOP)

    # Dev, in the same program but not on Ana's team, finds nothing.
    devs = browser.new_context(viewport=DESKTOP, bypass_csp=True, base_url=live_server.url)
    dev = devs.new_page()
    sign_in(dev, people.dev, PASSWORD)
    for path in ("", "new/", "fhir/"):
        response = dev.goto(f"/care/people/{people.ana.pk}/sessions/{path}")
        assert response is not None
        assert response.status == 404

    # Ana revokes her program's consent: Cora's session pages are gone at once.
    consent = Consent.objects.get(person=people.ana, recipient_program=people.program)
    privacy_actions.revoke_consent(consent=consent, by=people.ana, attested=True)
    for url in (session_one, f"{live_server.url}/care/people/{people.ana.pk}/sessions/"):
        response = cora.goto(url)
        assert response is not None
        assert response.status == 404
    # Ana still has her own summaries.
    page.goto("/care/my-sessions/")
    expect(page.locator("main")).to_contain_text("We talked about Step 1.")
    assert axe_violations(page) == []
    coras.close()
    devs.close()
