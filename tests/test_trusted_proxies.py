"""HOMEGROUP_TRUSTED_PROXIES decides whose forwarded headers count: HTTPS and the client address
that the sign-in lockout and the throttles see."""

import pytest
from django.urls import reverse

from homegroup.middleware import client_address
from tests.people import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
VISITOR = "203.0.113.9"


@pytest.fixture
def behind_a_proxy(settings):
    settings.HOMEGROUP_TRUSTED_PROXIES = [PROXY]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True


def test_x_forwarded_proto_counts_only_from_a_trusted_proxy(client, behind_a_proxy):
    via_proxy = client.get("/healthz", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert via_proxy.status_code == 200
    # A visitor talking to the server directly cannot claim HTTPS: it is sent there instead.
    direct = client.get("/healthz", REMOTE_ADDR=VISITOR, HTTP_X_FORWARDED_PROTO="https")
    assert direct.status_code == 301
    assert direct["Location"].startswith("https://")


def test_the_client_address_comes_from_the_proxy_and_cannot_be_forged(rf, settings):
    settings.HOMEGROUP_TRUSTED_PROXIES = [PROXY]
    forwarded = "6.6.6.6, 198.51.100.1"
    assert client_address(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)) == (
        "198.51.100.1"
    )
    assert client_address(rf.get("/", REMOTE_ADDR=VISITOR, HTTP_X_FORWARDED_FOR=forwarded)) == (
        VISITOR
    )


def sign_in(client, email, password, *, via):
    return client.post(
        reverse("accounts:sign-in"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=via,
    )


def test_the_lockout_counts_each_visitor_behind_the_proxy_apart(client, people, settings):
    settings.HOMEGROUP_TRUSTED_PROXIES = [PROXY]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, people.ana.email, "wrong password entirely", via="198.51.100.1")
    assert sign_in(client, people.ana.email, PASSWORD, via="198.51.100.1").status_code == 429
    # Ana at home, behind the same proxy, is not locked out by someone guessing elsewhere.
    assert sign_in(client, people.ana.email, PASSWORD, via="198.51.100.2").status_code == 302


def test_a_forged_forwarded_for_does_not_dodge_the_lockout(client, people, settings):
    settings.HOMEGROUP_TRUSTED_PROXIES = [PROXY]
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:sign-in"),
            {"username": people.ana.email, "password": "wrong password entirely"},
            REMOTE_ADDR=VISITOR,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    locked = client.post(
        reverse("accounts:sign-in"),
        {"username": people.ana.email, "password": PASSWORD},
        REMOTE_ADDR=VISITOR,
        HTTP_X_FORWARDED_FOR="198.51.100.200",
    )
    assert locked.status_code == 429


def test_a_bad_trusted_proxy_fails_loudly_at_start():
    from tests.test_settings import homegroup

    result = homegroup("check", env={"HOMEGROUP_TRUSTED_PROXIES": "10.0.0.1,proxy.internal"})
    assert result.returncode != 0
    assert "HOMEGROUP_TRUSTED_PROXIES: 'proxy.internal' is not an IP address" in result.stderr
