"""The installable web app: a manifest whose name and icon follow discreet mode, a service worker
that keeps only the offline page and static files, and the offline page."""

from __future__ import annotations

import json

import pytest

from homegroup.journal import actions

pytestmark = pytest.mark.django_db


def test_the_manifest_names_homegroup_and_its_icon(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Homegroup"
    assert manifest["display"] == "standalone"
    assert manifest["icons"][0]["src"].endswith("homegroup/icon.svg")


def test_in_discreet_mode_the_manifest_is_neutral(people, client_for):
    actions.set_discreet_mode(person=people.ana, on=True)
    manifest = json.loads(client_for(people.ana).get("/manifest.webmanifest").content)
    assert manifest["name"] == "Notes"
    assert manifest["icons"][0]["src"].endswith("journal/notes.svg")


def test_the_service_worker_keeps_the_offline_page_and_static_files_only(client):
    script = client.get("/sw.js").content.decode()
    kept = json.loads(script.split("var KEEP = ", 1)[1].split(";", 1)[0])
    assert kept[0] == "/offline/"
    assert all(url.startswith("/static/") for url in kept[1:])
    assert "/journal/" not in kept


def test_the_offline_page_says_kindly_that_nothing_is_kept_on_the_phone(client):
    page = client.get("/offline/").content.decode()
    assert "No connection right now" in page
    assert "Nothing you wrote is kept on the phone" in page


def test_every_page_links_the_manifest(client):
    assert 'rel="manifest" href="/manifest.webmanifest"' in client.get("/").content.decode()
