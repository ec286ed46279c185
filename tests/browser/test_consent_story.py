"""The consent story end to end (P2-06, P2-07, P2-04, P2-08): Ana shares on her phone (her
program: all but her private notes; Sam: meetings and recovery time); Cora, at a desk, sees the
consented categories under the Part 2 notice; Sam, on his phone, sees only recovery time and
meetings; Ana stops Sam's share and he gets 404; Ana reads her accounting. axe on the
clinician's and the sponsor's views."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, axe_violations, sign_in
from tests.journal.export_data import NOTE, full_journal
from tests.people import PASSWORD, make_people

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 800}
PRIVATE_NOTE = NOTE.lstrip("=")


def test_P2_06_P2_07_the_consent_story_on_phones_and_at_the_clinic(
    page: Page, browser: Browser, live_server
):
    people = make_people()
    full_journal(people.ana)

    # Ana, on her phone: her program gets everything but her private notes.
    sign_in(page, people.ana, PASSWORD)
    page.goto("/privacy/sharing/")
    page.get_by_role("link", name="Share with my program").click()
    expect(page.get_by_label("Private notes")).not_to_be_checked()
    page.get_by_label("Your password, to sign").fill(PASSWORD)
    page.get_by_role("button", name="Sign and share").click()
    expect(page.get_by_text("Signed. Your care team can see what you chose.")).to_be_visible()

    # ... and Sam gets her meetings and recovery time, by a code she hands him.
    page.goto("/privacy/sharing/")
    page.get_by_role("link", name="Share with a sponsor or supporter").click()
    page.get_by_label("Who is it for?").fill("Sam, my sponsor")
    expect(page.get_by_label("Meetings and 12-step activities")).to_be_checked()
    expect(page.get_by_label("Recovery time and milestones")).to_be_checked()
    expect(page.get_by_label("Medication and how it was taken")).not_to_be_checked()
    page.get_by_label("Your password, to sign").fill(PASSWORD)
    page.get_by_role("button", name="Sign and get the code").click()
    code = page.locator("#share-code").inner_text()

    # Sam, on his phone, accepts the code and opens what Ana shares.
    sams = browser.new_context(viewport=PHONE, bypass_csp=True, base_url=live_server.url)
    sam = sams.new_page()
    sign_in(sam, people.sam, PASSWORD)
    sam.goto("/privacy/shared-with-me/")
    sam.get_by_label("Code").fill(code)
    sam.get_by_role("button", name="Accept").click()
    sam.get_by_role("link", name="See what Ana shares").click()
    expect(sam.get_by_role("heading", name="What Ana shares with you")).to_be_visible()
    expect(sam.get_by_role("heading", name="Recovery time")).to_be_visible()
    expect(sam.get_by_role("heading", name="Meetings and 12-step activities")).to_be_visible()
    expect(sam.get_by_role("heading", name="Medication")).to_have_count(0)
    expect(sam.get_by_role("heading", name="Substance use")).to_have_count(0)
    expect(sam.locator("main")).to_contain_text("Serenity Group")
    expect(sam.locator("main")).not_to_contain_text("Buprenorphine")
    expect(sam.locator(".part2-notice")).to_contain_text("42 CFR part 2")
    assert axe_violations(sam) == []

    # Cora, at her desk, after her second factor: her people, then Ana's record.
    coras = browser.new_context(viewport=DESKTOP, bypass_csp=True, base_url=live_server.url)
    cora = coras.new_page()
    sign_in(cora, people.cora, PASSWORD)
    cora.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
    cora.get_by_role("link", name="Ana").click()
    expect(cora.get_by_role("heading", name="Ana", exact=True)).to_be_visible()
    expect(cora.locator(".part2-notice")).to_contain_text("42 CFR part 2")
    expect(cora.locator(".part2-notice")).to_contain_text("Shown: Daily check-ins")
    # The summary first; everything shared, day by day, one click away.
    expect(cora.get_by_role("heading", name="At a glance")).to_be_visible()
    cora.get_by_text("Everything shared, day by day").click()
    full = cora.locator("details.full-record")
    for heading in ("Recovery time", "Medication", "Substance use", "Support network"):
        expect(full.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(cora.locator("main")).to_contain_text("Buprenorphine")
    expect(cora.locator("main")).not_to_contain_text(PRIVATE_NOTE)
    assert axe_violations(cora) == []
    cora.get_by_role("link", name="Print", exact=True).click()
    expect(cora.locator(".part2-notice")).to_contain_text("42 CFR part 2")
    assert axe_violations(cora) == []
    coras.close()

    # Ana stops Sam's share; his next look is a plain 404.
    page.goto("/privacy/sharing/")
    page.get_by_role("link", name="Stop sharing Sam, my sponsor (Sam)").click()
    page.get_by_label("I revoke this consent: stop sharing now").check()
    page.get_by_role("button", name="Stop sharing now").click()
    response = sam.goto(f"/shared/{people.ana.pk}/")
    assert response is not None
    assert response.status == 404
    expect(sam.locator("main")).not_to_contain_text("Serenity Group")
    sams.close()

    # Ana's accounting: who saw what, under which consent.
    page.get_by_role("link", name="See who has looked at your record").click()
    expect(page.get_by_role("cell", name="Sam").first).to_be_visible()
    expect(page.get_by_role("cell", name="Cora").first).to_be_visible()
    expect(page.get_by_role("cell", name="Recovery time and milestones").first).to_be_visible()
    assert axe_violations(page) == []
