"""Max, a directory maintainer, at a desk: lists a meeting by placing its pin, edits its time,
reads its history; imports a source from the web, accepts a refusal, publishes a held number,
records a group's statement about medication. Every page passes axe."""

import contextlib
import io
import json
import os
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from playwright.sync_api import Browser, Page, expect

from homegroup.directory.models import ImportRun, Meeting
from tests.browser.conftest import PHONE, axe_violations, sign_in
from tests.directory.feed_server import FeedServer
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


def cron() -> None:
    """What cron runs: `homegroup refresh-sources` (which exits 1 when an import failed)."""
    with contextlib.suppress(CommandError):
        call_command("refresh-sources", stdout=io.StringIO())


def visible_text(page: Page, text: str) -> None:
    expect(page.get_by_text(text)).to_be_visible()


def visible_heading(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def test_max_imports_a_source_from_the_web_accepts_a_refusal_and_publishes_a_held_number(
    desk: Page, settings
):
    """The source page's "Import now": the run is fetched and imported outside the request
    (here by `homegroup refresh-sources`, as cron runs it) while the run's page waits and then
    shows the result by itself; a partial feed is refused on the page and accepted with one
    click; a member's number in the notes stays hidden in public until Max publishes it; a
    group's own statement about medication is recorded on its page."""
    settings.HOMEGROUP_FETCH_ALLOW_PRIVATE = True
    settings.HOMEGROUP_IMPORT_WORKER = "cron"
    shots = os.environ.get("HOMEGROUP_SCREENSHOTS")  # a folder: save the pages to look at them
    records = [mg_record(slug) for slug in ("alpha", "beta", "gamma", "delta")]
    records[0]["notes"] = "Contact: Jo 505-555-0100. Side door."

    def snap(name: str) -> None:
        if shots:
            desk.screenshot(path=f"{shots}/{name}-1280.png", full_page=True)
            desk.set_viewport_size(PHONE)
            desk.screenshot(path=f"{shots}/{name}-390.png", full_page=True)
            desk.set_viewport_size(DESK)

    def wait_for_the_worker(label: str) -> None:
        visible_text(desk, "Waiting to start…")
        assert axe_violations(desk) == []
        snap(label)
        cron()
        # No reload by hand: the page polls the run and shows the result once it is there.
        expect(desk.get_by_role("heading", name="Problems")).to_be_visible(timeout=15_000)

    with FeedServer() as server:
        server.routes["/meetings.json"] = json.dumps(records).encode()
        sign_in_as_max(desk)
        desk.goto("/directory/manage/")
        desk.get_by_label("Name").fill("Metro Intergroup")
        desk.get_by_label("Feed address").fill(server.url("/meetings.json"))
        desk.get_by_role("button", name="Add the source").click()
        visible_heading(desk, "Metro Intergroup (metro-intergroup)")
        assert axe_violations(desk) == []
        snap("source")
        desk.get_by_role("button", name="Import now").click()
        wait_for_the_worker("waiting")
        visible_text(desk, "4 created, 0 updated, 0 unchanged, 0 removed, 0 skipped")
        visible_heading(desk, "Phone numbers and email addresses in the notes")
        assert axe_violations(desk) == []
        snap("run")

        server.routes["/meetings.json"] = json.dumps(records[:1]).encode()
        desk.get_by_role("link", name="Back to Metro Intergroup").click()
        desk.get_by_role("button", name="Import now").click()
        wait_for_the_worker("waiting-again")
        visible_heading(desk, "Refused: it would remove too many meetings")
        assert axe_violations(desk) == []
        snap("refused")
        desk.get_by_role("button", name="Import again and remove them").click()
        wait_for_the_worker("waiting-accepted")
        visible_text(desk, "0 created, 0 updated, 1 unchanged, 3 removed, 0 skipped")
        assert ImportRun.objects.filter(allow_removals=True, state="finished").count() == 1

    desk.goto("/meetings/alpha/")
    visible_text(desk, "Contact: Jo [phone number hidden]. Side door.")
    desk.goto("/directory/manage/meetings/alpha/edit/")
    visible_heading(desk, "Held for review")
    assert axe_violations(desk) == []
    snap("held")
    desk.get_by_role("button", name="Publish 505-555-0100").click()
    visible_text(desk, "505-555-0100 is shown on the public page and in the feed now.")
    desk.goto("/meetings/alpha/")
    visible_text(desk, "Contact: Jo 505-555-0100. Side door.")

    desk.goto("/directory/manage/meetings/alpha/medication/")
    desk.get_by_label("The group itself (its own statement)").check()
    desk.get_by_label("People on medication are welcome, as full members").check()
    desk.get_by_label("In their words").fill("The group's conscience: members on medication share.")
    assert axe_violations(desk) == []
    snap("medication")
    desk.get_by_role("button", name="Record it").click()
    visible_text(desk, "Recorded. Meeting alpha is now: Confirmed welcoming.")
