"""The optional PIN: 4-8 digits, hashed, separate from the password; it locks the journal on a
device left idle for the chosen minutes; wrong PINs are counted and end the session."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from homegroup.audit.models import AuditEvent
from homegroup.journal import actions, pin_lock
from homegroup.journal.models import JournalProfile
from tests.journal.journal_data import start_journal

pytestmark = pytest.mark.django_db


def test_a_pin_is_stored_hashed_and_audited(people):
    profile = actions.set_pin(person=people.ana, pin="2468", idle_minutes=5)
    assert "2468" not in profile.pin_hash
    assert check_password("2468", profile.pin_hash)  # Django's password hashers
    assert AuditEvent.objects.filter(action="journal.pin_set", actor_id=people.ana.pk).exists()


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", " 1234"])
def test_a_pin_must_be_4_to_8_digits(people, pin):
    with pytest.raises(ValidationError):
        actions.set_pin(person=people.ana, pin=pin, idle_minutes=5)
    assert not JournalProfile.objects.filter(person=people.ana).exclude(pin_hash="").exists()


def idle(client, minutes: int) -> None:
    session = client.session
    session[pin_lock.SEEN_SESSION_KEY] = int(time.time()) - minutes * 60 - 1
    session.save()


def test_the_journal_locks_after_the_chosen_idle_time_and_shows_nothing(people, client_for):
    start_journal(people.ana)
    client = client_for(people.ana)
    client.post("/journal/settings/pin/", {"pin": "2468", "idle_minutes": "5"})
    assert client.get("/journal/").status_code == 200
    idle(client, 5)
    response = client.get("/journal/progress/")
    assert response.status_code == 302
    assert response["Location"] == "/journal/unlock/?next=%2Fjournal%2Fprogress%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Enter your PIN" in page
    assert "Day " not in page
    assert client.get("/api/v1/me/summary").status_code == 401


def test_the_right_pin_opens_the_page_asked_for(people, client_for):
    start_journal(people.ana)
    client = client_for(people.ana)
    client.post("/journal/settings/pin/", {"pin": "2468", "idle_minutes": "5"})
    idle(client, 6)
    client.get("/journal/")
    response = client.post("/journal/unlock/", {"pin": "2468", "next": "/journal/progress/"})
    assert response["Location"] == "/journal/progress/"
    assert client.get("/journal/progress/").status_code == 200


def test_five_wrong_pins_end_the_session(people, client_for):
    start_journal(people.ana)
    client = client_for(people.ana)
    client.post("/journal/settings/pin/", {"pin": "2468", "idle_minutes": "5"})
    idle(client, 6)
    for _ in range(actions.PIN_FAILURES):
        assert client.post("/journal/unlock/", {"pin": "0000"}).status_code == 400
    response = client.post("/journal/unlock/", {"pin": "2468"})
    assert response["Location"] == "/accounts/sign-in/"
    assert client.get("/journal/")["Location"].startswith("/accounts/sign-in/")


def test_a_pin_set_on_one_device_locks_another_after_its_next_sign_in(people, client_for):
    start_journal(people.ana)
    actions.set_pin(person=people.ana, pin="2468", idle_minutes=1)
    client = client_for(people.ana)
    assert client.get("/journal/").status_code == 200
    idle(client, 1)
    assert client.get("/journal/").status_code == 302


def test_without_a_pin_nothing_locks(people, client_for):
    start_journal(people.ana)
    client = client_for(people.ana)
    idle(client, 600)
    assert client.get("/journal/").status_code == 200


def test_removing_the_pin_stops_the_lock(people, client_for):
    start_journal(people.ana)
    client = client_for(people.ana)
    client.post("/journal/settings/pin/", {"pin": "2468", "idle_minutes": "5"})
    client.post("/journal/settings/pin/", {"remove": "1"})
    idle(client, 60)
    assert client.get("/journal/").status_code == 200
    assert JournalProfile.objects.get(person=people.ana).pin_hash == ""
