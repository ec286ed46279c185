"""Max, a directory maintainer, at a desk: lists a meeting by placing its pin, edits its time,
reads its history; the sources page and the meeting form pass axe."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from homegroup.directory.models import Meeting
from tests.browser.conftest import axe_violations, sign_in
from tests.directory.maintain_data import import_records, mg_record
from tests.people import PASSWORD, make_people

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1280, "height": 800}


def desk_page(browser: Browser, live_server, *, bypass_csp: bool) -> Iterator[Page]:
    context = browser.new_context(viewport=DESK, bypass_csp=bypass_csp, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def desk(browser: Browser, live_server) -> Iterator[Page]:
    # bypass_csp lets the test inject axe; `strict_desk` below checks the page under the real CSP.
    yield from desk_page(browser, live_server, bypass_csp=True)


@pytest.fixture
def strict_desk(browser: Browser, live_server) -> Iterator[Page]:
    yield from desk_page(browser, live_server, bypass_csp=False)


def sign_in_as_max(page: Page) -> None:
    sign_in(page, make_people().max, PASSWORD)


def test_max_lists_a_meeting_by_placing_its_pin_edits_its_time_and_reads_its_history(desk: Page):
    import_records("nyc", [mg_record("a"), mg_record("b", time="25:99")])
    sign_in_as_max(desk)
    desk.get_by_role("navigation", name="Main").get_by_role("link", name="Directory tools").click()
    expect(desk.get_by_role("heading", name="Sources and imports", level=1)).to_be_visible()
    assert axe_violations(desk) == []

    desk.get_by_role("navigation", name="Directory tools").get_by_role(
        "link", name="New meeting"
    ).click()
    desk.get_by_label("Name", exact=True).fill("Noon Serenity")
    desk.get_by_label("Fellowship").fill("AA")
    desk.get_by_label("Day").select_option(label="Wednesday")
    desk.get_by_label("Starts at").fill("12:00")
    desk.get_by_label("Ends at").fill("13:00")
    desk.get_by_label("Street address").fill("100 Main St")
    desk.get_by_label("City").fill("Salina")
    desk.get_by_label("State or province").fill("KS")
    # The map opens on the middle of the United States: a click there places the pin.
    pin_map = desk.locator("#pin-map")
    expect(pin_map).to_be_visible()
    pin_map.click()
    expect(desk.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(desk.get_by_label("Latitude")).not_to_have_value("")
    assert axe_violations(desk) == []
    desk.get_by_role("button", name="Add the meeting").click()
    expect(desk.get_by_text("The meeting is listed.")).to_be_visible()

    meeting = Meeting.objects.get(name="Noon Serenity")
    assert meeting.source.slug == "local"
    assert 38 < meeting.latitude < 41
    assert -100 < meeting.longitude < -96
    assert (meeting.timezone, meeting.timezone_origin) == ("America/Chicago", "coordinates")

    desk.get_by_label("Starts at").fill("12:30")
    desk.get_by_role("button", name="Save changes").click()
    expect(desk.get_by_text("Saved.")).to_be_visible()
    desk.get_by_role("link", name="History of changes").click()
    expect(desk.get_by_role("heading", name="History of Noon Serenity")).to_be_visible()
    change = desk.locator(".history > li").first
    expect(change).to_contain_text("updated")
    expect(change).to_contain_text("Max")
    expect(change.get_by_role("row", name="Start time 12:00:00 12:30:00")).to_be_visible()


def test_coordinates_typed_by_hand_move_the_pin_and_the_map_runs_under_the_real_csp(
    strict_desk: Page,
):
    messages: list[str] = []
    strict_desk.on("console", lambda message: messages.append(message.text))
    sign_in_as_max(strict_desk)
    strict_desk.goto("/directory/manage/meetings/new/")
    expect(strict_desk.locator("#pin-map.leaflet-container")).to_be_visible()
    strict_desk.get_by_label("Latitude").fill("40.7527")
    strict_desk.get_by_label("Longitude").fill("-73.9772")
    strict_desk.get_by_label("Longitude").press("Tab")
    expect(strict_desk.locator(".leaflet-marker-icon")).to_have_count(1)
    assert not [text for text in messages if "Content Security Policy" in text]
