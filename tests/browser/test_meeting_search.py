"""A person in recovery finds a meeting on a phone: by ZIP code or town, MAT-friendly only, then
opens one and sees why it welcomes people on medication. The map is an extra over the list."""

import base64
import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from homegroup.directory import actions
from homegroup.directory.models import EvidenceKind, Stance
from tests.browser.conftest import axe_violations
from tests.directory.search_data import meeting
from tests.people import make_people

pytestmark = pytest.mark.django_db(transaction=True)


def reseed_fellowships() -> None:
    """A transactional test's flush empties the reference data the migrations seed (MARA's
    charter among it); put it back the way the migration does."""
    seed = importlib.import_module("homegroup.directory.migrations.0003_fellowships")
    seed.create_fellowships(django_apps, None)


TILES = "https://tile.openstreetmap.org/**"
# A 1×1 transparent PNG: a tile server that answers.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.fixture
def ithaca():
    reseed_fellowships()
    people = make_people()
    meeting(name="MARA Ithaca", fellowship="MARA", day=3)
    stated = meeting(name="Serenity at the Commons", day=4)
    actions.add_mat_evidence(
        meeting=stated,
        actor=people.max,
        kind=EvidenceKind.PUBLISHER_STATEMENT,
        stance=Stance.WELCOMING,
        summary="The group's secretary wrote that everyone on medication is welcome.",
        observed_on=date(2024, 5, 1),
    )
    told = meeting(name="Told not to share", day=5)
    actions.add_mat_evidence(
        meeting=told,
        actor=people.max,
        kind=EvidenceKind.MAINTAINER,
        stance=Stance.UNWELCOMING,
        summary="People on medication were asked not to share.",
        observed_on=date(2024, 5, 2),
    )
    return people


def no_tiles(page: Page) -> None:
    page.route(TILES, lambda route: route.abort())


def serve_tiles(page: Page) -> None:
    page.route(TILES, lambda route: route.fulfill(status=200, content_type="image/png", body=PNG))


def search_near(page: Page, place: str) -> None:
    page.get_by_label("Near (US ZIP code or town)").fill(place)
    page.get_by_role("button", name="Search").click()


def test_find_a_mat_friendly_meeting_by_zip_code_and_see_why(page: Page, ithaca):
    no_tiles(page)
    page.goto("/")
    page.get_by_role("link", name="Find a meeting").first.click()
    expect(page.get_by_role("heading", name="Find a meeting", level=1)).to_be_attached()
    search_near(page, "14850")
    expect(page.get_by_role("heading", name="3 meetings near 14850 (Ithaca, NY)")).to_be_visible()
    expect(page.get_by_text("Reported not fully welcoming to people on medication")).to_be_visible()

    page.get_by_label("Welcomes medication").check()
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="2 meetings near 14850 (Ithaca, NY)")).to_be_visible()
    expect(page.get_by_role("link", name="Told not to share")).to_have_count(0)
    # Two is few: the answer says so and offers every meeting nearby.
    expect(page.locator("#thin-evidence")).to_contain_text("Only 2 meetings here are known")

    page.get_by_role("link", name="Serenity at the Commons").click()
    expect(page.get_by_role("heading", name="Serenity at the Commons")).to_be_visible()
    section = page.locator("section.mat-section")
    expect(section.get_by_text("Confirmed welcoming")).to_be_visible()
    expect(section.get_by_text("The group's or publisher's own statement")).to_be_visible()
    expect(section.get_by_text("everyone on medication is welcome")).to_be_visible()
    expect(page.get_by_role("link", name="Add to calendar")).to_be_visible()
    expect(page.get_by_role("link", name="Directions (OpenStreetMap)")).to_be_visible()
    assert axe_violations(page) == []


def test_search_by_town_and_see_a_charter_fellowship(page: Page, ithaca):
    no_tiles(page)
    page.goto("/meetings/")
    search_near(page, "Ithaca, NY")
    expect(page.get_by_role("heading", name="3 meetings near Ithaca, NY")).to_be_visible()
    page.get_by_role("link", name="MARA Ithaca").click()
    expect(
        page.get_by_text("The charter of Medication-Assisted Recovery Anonymous")
    ).to_be_visible()


def test_an_ambiguous_town_is_explained_next_to_the_form(page: Page, ithaca):
    page.goto("/meetings/")
    search_near(page, "Springfield")
    expect(page.get_by_role("alert")).to_contain_text("several places called “Springfield”")
    expect(page.get_by_label("Near (US ZIP code or town)")).to_have_value("Springfield")
    expect(page.get_by_role("link", name="Springfield, IL")).to_be_visible()


def test_without_tiles_the_map_gives_way_to_the_list(page: Page, ithaca):
    no_tiles(page)
    page.goto("/meetings/?near=14850&view=map")
    expect(
        page.get_by_text("The map could not load. Every meeting is in the list below.")
    ).to_be_visible()
    expect(page.locator("#meeting-map")).to_be_hidden()
    expect(page.locator(".meeting-result")).to_have_count(3)


def test_with_tiles_the_map_shows_a_pin_per_meeting_and_passes_axe(page: Page, ithaca):
    serve_tiles(page)
    page.goto("/meetings/?near=14850")
    page.get_by_role("link", name="Map").click()
    expect(page.locator("#meeting-map")).to_be_visible()
    # Three meetings at one venue: three pins on the same spot, each marked by its level.
    expect(page.locator(".leaflet-marker-icon")).to_have_count(3)
    expect(page.locator(".leaflet-marker-icon .mark-reported_unwelcoming")).to_have_count(1)
    expect(page.locator(".level-legend")).to_contain_text("Unknown — no report yet")
    expect(page.locator("#meeting-map-note")).to_be_hidden()
    assert axe_violations(page) == []


def test_the_search_page_passes_axe_with_the_filters_open(page: Page, ithaca):
    no_tiles(page)
    page.goto("/meetings/?near=14850&fellowship=MARA")
    expect(page.locator("details.more-filters")).to_have_attribute("open", "")
    assert axe_violations(page) == []
