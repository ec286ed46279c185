"""A-03: password reset, sign-up and exports answer 429, kindly and with Retry-After, when
attempts come too fast: per email address, per account and per client address."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from homegroup.accounts import throttle
from homegroup.accounts.models import ThrottleEvent
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def reset(client, email, **extra):
    return client.post(reverse("accounts:password-reset"), {"email": email}, **extra)


def assert_throttled(response):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    body = response.content.decode()
    assert "Please wait a moment" in body
    assert "try again in" in body


def test_twelve_reset_requests_send_three_emails_then_ask_to_wait(client, people):
    answers = [reset(client, people.ana.email).status_code for _ in range(12)]
    assert answers == [302] * 3 + [429] * 9
    assert len(mail.outbox) == 3
    assert_throttled(reset(client, people.ana.email))


def test_an_address_without_an_account_is_throttled_alike(client, people):
    # The 429 must not tell a taken address from a free one.
    for email in (people.ana.email, "nobody@people.test"):
        answers = [reset(client, email).status_code for _ in range(4)]
        assert answers == [302, 302, 302, 429]


def test_the_pause_ends_when_the_window_has_passed(client, people):
    for _ in range(4):
        reset(client, people.ana.email)
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        assert reset(client, people.ana.email).status_code == 302


def test_one_client_asking_for_many_addresses_is_throttled_too(client, people):
    limit = throttle.PASSWORD_RESET_PER_CLIENT.attempts
    answers = [reset(client, f"person{n}@people.test").status_code for n in range(limit + 1)]
    assert answers == [302] * limit + [429]


def test_clients_behind_a_trusted_proxy_are_counted_apart(client, people, settings):
    settings.HOMEGROUP_TRUSTED_PROXIES = [PROXY]
    limit = throttle.PASSWORD_RESET_PER_CLIENT.attempts
    for n in range(limit):
        reset(client, f"p{n}@people.test", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    busy = reset(client, "x@people.test", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert busy.status_code == 429
    other = reset(client, "x@people.test", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 302


def test_the_throttle_keeps_no_address_in_the_database(client, people):
    reset(client, people.ana.email)
    stored = " ".join(f"{e.scope} {e.key}" for e in ThrottleEvent.objects.all())
    assert "ana" not in stored
    assert "127.0.0.1" not in stored


SIGN_UP = {
    "display_name": "Rosa",
    "password1": "a long and unusual phrase 7",
    "password2": "a long and unusual phrase 7",
    "confirmed_adult": "on",
}


def test_sign_up_is_throttled_per_address_alike_for_taken_and_free_addresses(client, people):
    for email in (people.ana.email, "rosa@example.org"):
        answers = [
            client.post(reverse("accounts:sign-up"), {**SIGN_UP, "email": email}).status_code
            for _ in range(4)
        ]
        assert answers == [302, 302, 302, 429]
    assert len(mail.outbox) == 6


def test_a_persons_downloads_are_throttled_per_account(people, client_for):
    client = client_for(people.ana)
    limit = throttle.EXPORT_PER_ACCOUNT.attempts
    answers = [client.get("/journal/data/download/json/").status_code for _ in range(limit + 1)]
    assert answers == [200] * limit + [429]
    assert_throttled(client.get("/journal/data/download/csv/"))
    # Someone else's downloads are theirs to count.
    assert client_for(people.ben).get("/journal/data/download/json/").status_code == 200


def test_a_clinicians_fhir_exports_are_throttled_per_account(people, client_for):
    share_as_in_the_story(people)
    client = client_for(people.cora)
    url = f"/care/people/{people.ana.pk}/fhir/"
    limit = throttle.EXPORT_PER_ACCOUNT.attempts
    answers = [client.get(url).status_code for _ in range(limit + 1)]
    assert answers == [200] * limit + [429]
