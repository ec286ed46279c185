"""The story of issue 5 in a browser: Ana shares with her program and with Sam on her phone, Sam
accepts her code, Ana stops Sam's share and reads her accounting; Pat's care-team and review
pages; every page passes axe."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from homegroup.privacy import actions, gate, rules
from homegroup.privacy.models import Channel, Consent
from tests.browser.conftest import PHONE, axe_violations, sign_in
from tests.people import PASSWORD, make_people, share_as_in_the_story

pytestmark = pytest.mark.django_db(transaction=True)


def test_ana_shares_with_her_program_and_sam_then_stops_sams_share(
    page: Page, browser: Browser, live_server
):
    people = make_people()
    sign_in(page, people.ana, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="More").click()
    page.get_by_role("link", name="Sharing").click()
    expect(page.get_by_role("heading", name="Who can see what")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Share with my program").click()
    expect(page.get_by_label("Private notes")).not_to_be_checked()
    expect(page.get_by_label("Medication and how it was taken")).to_be_checked()
    assert axe_violations(page) == []
    page.get_by_label("Your password, to sign").fill(PASSWORD)
    page.get_by_role("button", name="Sign and share").click()
    expect(page.get_by_text("Signed. Your care team can see what you chose.")).to_be_visible()
    expect(page.locator(".consent-text")).to_contain_text("42 CFR part 2")

    page.goto("/privacy/sharing/")
    page.get_by_role("link", name="Share with a sponsor or supporter").click()
    page.get_by_label("Who is it for?").fill("Sam, my sponsor")
    expect(page.get_by_label("Recovery time and milestones")).to_be_checked()
    expect(page.get_by_label("Private notes")).not_to_be_checked()
    page.get_by_label("Your password, to sign").fill(PASSWORD)
    page.get_by_role("button", name="Sign and get the code").click()
    code = page.locator("#share-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code)

    sams = browser.new_context(viewport=PHONE, bypass_csp=True, base_url=live_server.url)
    sam = sams.new_page()
    sign_in(sam, people.sam, PASSWORD)
    sam.get_by_role("navigation", name="Main").get_by_role("link", name="Shared with me").click()
    sam.get_by_label("Code").fill(code)
    sam.get_by_role("button", name="Accept").click()
    expect(
        sam.get_by_text("Ana now shares part of their recovery journal with you.")
    ).to_be_visible()
    expect(sam.get_by_role("heading", name="Ana")).to_be_visible()
    assert axe_violations(sam) == []

    # Sam looks (the later shared views will call the gate just so).
    gate.disclose(
        viewer=people.sam,
        person=people.ana,
        categories_requested={"recovery_time"},
        channel=Channel.PAGE,
        purpose=rules.PERSONAL_SUPPORT,
    )

    page.goto("/privacy/sharing/")
    page.get_by_role("link", name="Stop sharing Sam, my sponsor (Sam)").click()
    page.get_by_label("I revoke this consent: stop sharing now").check()
    page.get_by_role("button", name="Stop sharing now").click()
    expect(
        page.get_by_text("Revoked. Sam, my sponsor (Sam) can no longer see your record.")
    ).to_be_visible()
    sam.reload()
    expect(sam.get_by_text("Nobody shares anything with you yet.")).to_be_visible()
    sams.close()

    page.get_by_role("link", name="See who has looked at your record").click()
    expect(page.get_by_role("cell", name="Recovery time and milestones")).to_be_visible()
    assert axe_violations(page) == []
    assert Consent.objects.filter(revoked_at__isnull=True).count() == 1


def test_pat_puts_dev_on_anas_care_team_and_reviews_an_emergency_access(page: Page):
    people = make_people()
    share_as_in_the_story(people)
    actions.open_break_glass(
        clinician=people.dev,
        person_id=people.ana.pk,
        reason="Ana felt faint at the clinic; I checked her medication.",
    )
    sign_in(page, people.pat, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Program").click()
    expect(page.get_by_role("heading", name="Eastside Recovery Program")).to_be_visible()
    assert axe_violations(page) == []
    card = page.locator(".card", has=page.get_by_role("heading", name="Ana"))
    card.get_by_label("Add a clinician").select_option(label="Dev")
    card.get_by_role("button", name="Add").click()
    expect(page.get_by_text("The care team is updated.")).to_be_visible()
    expect(page.locator(".card", has=page.get_by_role("heading", name="Ana"))).to_contain_text(
        "Dev"
    )

    page.get_by_role("link", name="1 emergency access awaits your review.").click()
    expect(page.get_by_text("Ana felt faint at the clinic")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Justified", exact=True).check()
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Review saved.")).to_be_visible()


def test_dev_confirms_the_place_pat_proposed_and_only_then_sees_anas_record(page: Page):
    people = make_people()
    share_as_in_the_story(people)
    actions.assign_clinician(
        program=people.program, person_id=people.ana.pk, clinician_id=people.dev.pk, by=people.pat
    )
    sign_in(page, people.dev, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("heading", name="Care teams waiting for you")).to_be_visible()
    expect(page.get_by_role("link", name="Ana")).to_have_count(0)  # nothing opens yet
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm Ana").click()
    expect(page.get_by_text("You are on Ana's care team.")).to_be_visible()
    page.get_by_role("link", name="Ana").click()
    expect(page.get_by_role("heading", name="Ana", exact=True)).to_be_visible()


def test_dev_opens_emergency_access_with_a_reason(page: Page):
    people = make_people()
    sign_in(page, people.dev, PASSWORD)
    page.goto(f"/privacy/break-glass/{people.ana.pk}/")
    expect(page.get_by_role("heading", name="Emergency access to Ana's record")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Why do you need this record now?").fill(
        "Ana is in the waiting room and unwell; I need her medication."
    )
    page.get_by_label("This is an emergency and I need the record to care for this person.").check()
    page.get_by_role("button", name="Open for 60 minutes").click()
    expect(page.get_by_text("Your emergency access is open until")).to_be_visible()
