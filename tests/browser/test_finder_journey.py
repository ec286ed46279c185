"""Issue 16's journey at 390 px: near 10001 with "welcomes medication" → the thin-evidence
answer → one tap to the nearest welcoming meetings → a meeting page with the fellowship's own
statement; Ana logs that meeting in her check-in and answers the one-tap question; Max sees her
anonymous report first in his queue."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from homegroup.directory import actions, places
from homegroup.directory.models import EvidenceKind, MatEvidence, Stance
from homegroup.journal import actions as journal_actions
from homegroup.journal.models import JournalProfile
from tests.browser.conftest import axe_violations, sign_in
from tests.browser.test_accounts_journeys import sign_out
from tests.browser.test_meeting_search import no_tiles, reseed_fellowships
from tests.directory.search_data import meeting
from tests.people import PASSWORD, make_people

pytestmark = pytest.mark.django_db(transaction=True)

CHELSEA = (40.7506, -73.9972)  # ZIP code 10001
WHITE_PLAINS = (41.0340, -73.7629)  # about 37 km north: beyond the default 25 km


@pytest.fixture
def new_york():
    # The offline place tables load on the first town typed (seconds on a busy machine): load
    # them before any page waits for them.
    places.resolve_near("Ithaca, NY")
    reseed_fellowships()
    people = make_people()
    for number in range(3):
        meeting(
            name=f"Chelsea Group {number}",
            latitude=CHELSEA[0] + number * 0.001,
            longitude=CHELSEA[1],
            formatted_address="1 W 29th St, New York, NY 10001, USA",
        )
    welcoming = meeting(
        name="White Plains Welcome",
        latitude=WHITE_PLAINS[0],
        longitude=WHITE_PLAINS[1],
        formatted_address="1 Main St, White Plains, NY 10601, USA",
    )
    actions.add_mat_evidence(
        meeting=welcoming,
        actor=people.max,
        kind=EvidenceKind.PUBLISHER_STATEMENT,
        stance=Stance.WELCOMING,
        summary="The group states that people on medication are welcome.",
        observed_on=date(2024, 5, 1),
    )
    today = JournalProfile(timezone="America/New_York").today()
    journal_actions.update_profile(
        person=people.ana,
        timezone_name="America/New_York",
        recovery_date=today - timedelta(days=100),
        count_scope="all",
    )
    journal_actions.save_medication_plan(
        person=people.ana,
        medication="buprenorphine",
        dose="16",
        dose_unit="mg",
        schedule="daily",
        active_from=today - timedelta(days=200),
    )
    return people, welcoming


def test_near_10001_welcoming_meetings_thin_evidence_then_a_report_from_a_check_in(
    page: Page, new_york
):
    people, welcoming = new_york
    no_tiles(page)
    page.goto("/meetings/")
    page.get_by_label("Near (US ZIP code or town)").fill("10001")
    page.get_by_label("Welcomes medication").check()
    page.get_by_role("button", name="Search").click()

    # The thin-evidence answer, on the first screen.
    answer = page.locator("#thin-evidence")
    expect(answer).to_contain_text("No meeting here is known yet to welcome people on medication.")
    expect(answer).to_contain_text("3 more meetings nearby have no report yet")
    assert answer.bounding_box()["y"] < 844
    assert axe_violations(page) == []

    # One tap to the nearest welcoming meetings, with their distance in miles.
    answer.locator('[data-kind="nearest_welcoming"]').click()
    result = page.locator(".meeting-result", has_text="White Plains Welcome")
    expect(result).to_contain_text("mi (")
    expect(result).to_contain_text("Welcoming to people on medication (confirmed)")

    # The meeting page links the fellowship's own statement.
    result.get_by_role("link", name="White Plains Welcome").click()
    statement = page.locator(".fellowship-statement")
    expect(statement).to_contain_text("What Alcoholics Anonymous has published about medication")
    expect(
        statement.get_by_role("link", name="The A.A. Member — Medications and Other Drugs")
    ).to_be_visible()
    assert axe_violations(page) == []

    # Ana logs the meeting and answers the one-tap question.
    sign_in(page, people.ana, PASSWORD)
    page.goto(f"/journal/?meeting={welcoming.slug}")
    page.get_by_role("button", name="Save my day").click()
    question = page.locator(".reception-question")
    expect(question).to_contain_text(
        "How did White Plains Welcome receive you as someone on medication?"
    )
    assert axe_violations(page) == []
    question.get_by_role("button", name="Welcoming", exact=True).click()
    expect(page.get_by_text("an anonymous report goes to a directory maintainer")).to_be_visible()
    expect(page.locator(".reception-question")).to_have_count(0)
    assert MatEvidence.objects.awaiting_review().filter(meeting=welcoming).count() == 1

    # Max sees it, with the meetings with most reports first.
    sign_out(page)
    sign_in(page, people.max, PASSWORD)
    page.goto("/directory/manage/reports/")
    row = page.locator("tbody tr", has_text="White Plains Welcome")
    expect(row).to_contain_text("1 waiting")
    expect(row.get_by_role("button", name="Accept")).to_be_visible()
    expect(page.get_by_role("heading", name="How much evidence exists")).to_be_visible()


def test_an_ambiguous_place_offers_its_choices(page: Page, new_york):
    page.goto("/meetings/?near=Manhattan")
    page.get_by_role("link", name="New York, NY").click()
    expect(page.get_by_role("heading", name="3 meetings near New York, NY")).to_be_visible()


def test_chosen_meetings_make_one_calendar(page: Page, new_york):
    no_tiles(page)
    page.goto("/meetings/?near=10001")
    results = page.locator(".meeting-result")
    expect(results).to_have_count(3)
    results.nth(0).get_by_label("Choose for my calendar").check()
    results.nth(1).get_by_label("Choose for my calendar").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Add the chosen meetings to my calendar (.ics)").click()
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert body.count("BEGIN:VEVENT") == 2
    assert "RRULE:FREQ=WEEKLY" in body
